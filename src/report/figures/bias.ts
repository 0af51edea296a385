/**
 * The estimators' own information plane, for `infoplane bias`: on tasks with known mutual information
 * (src/info/known-mi.ts), each estimate against the true value of the quantity that estimator estimates,
 * one panel per task, quantity and dimension d, the identity line drawn, N as the dot's size.
 */
import type { BiasRow } from '../../info/estimator-bias.js';
import { FIGURE_CONFIG, type Figure } from '../figure.js';
import { estimatorLabel, isInterval } from './plane-data.js';

/** A row as the figure and bias.json hold it: the estimator by its label, numbers in bits. */
export interface BiasFigureRow {
  task: string;
  setting: string;
  quantity: string;
  samples: number;
  dims: number;
  /** The estimator's label (plane-data.ts's estimatorLabel): 'kde σ²=0.1'. */
  estimator: string;
  target: string;
  trueBits: number;
  lowerBits: number;
  upperBits: number;
  plugInBiasBits?: number;
}

/** A library row as bias.json keeps it: the figure's fields, and the spec and parameters that made it. */
export type LabelledBiasRow = BiasFigureRow & Pick<BiasRow, 'parameters' | 'seconds'> & { spec: BiasRow['estimator'] };

/**
 * The library's rows with each estimator named by its label, as the plane figures name it.
 *
 * @example labelBiasRows(measureBias(planBias()))[0].estimator // 'kde σ²=0.1'
 */
export function labelBiasRows(rows: readonly BiasRow[]): LabelledBiasRow[] {
  return rows.map(({ estimator, ...row }) => ({ ...row, estimator: estimatorLabel({ estimator: estimator.name, parameters: row.parameters }), spec: estimator }));
}

/** Tasks in the order their panels are shown (the others after them). */
const TASK_ORDER = ['gaussian-layer', 'correlated', 'class-gaussians', 'channel'];

/** The channel has d = 1 only, so its panels do not name d. */
function panelOf(row: BiasFigureRow, taskDims: ReadonlyMap<string, number>): string {
  return `${row.task} · ${row.quantity}${(taskDims.get(row.task) ?? 1) > 1 ? ` · d=${row.dims}` : ''}`;
}

export interface BiasFigureOptions {
  /** Width and height of one panel (px). */
  panelWidth?: number;
  panelHeight?: number;
  /** Panels per row. */
  columns?: number;
}

const DEFAULTS: Required<BiasFigureOptions> = { panelWidth: 230, panelHeight: 190, columns: 3 };

/**
 * Estimate against truth for every row: dots at the estimate (a KDE's upper bound, with a bar down to its
 * lower bound), the identity line, and log₂ N where it caps an I(X;T) panel's estimates.
 *
 * @example estimatorBiasFigure(labelBiasRows(measureBias(planBias())))
 */
export function estimatorBiasFigure(rows: readonly BiasFigureRow[], options: BiasFigureOptions = {}): Figure {
  const { panelWidth, panelHeight, columns } = { ...DEFAULTS, ...options };
  const finite = rows.filter((row) => [row.trueBits, row.lowerBits, row.upperBits].every(Number.isFinite));
  // How many dimensions each task has in the rows: a task shown at one d has one panel per quantity.
  const taskDims = new Map<string, number>();
  for (const task of new Set(finite.map((row) => row.task))) taskDims.set(task, new Set(finite.filter((row) => row.task === task).map((row) => row.dims)).size);
  const rank = (row: BiasFigureRow): number => {
    const task = TASK_ORDER.indexOf(row.task);
    return (task === -1 ? TASK_ORDER.length : task) * 1e6 + (row.quantity === 'I(X;T)' ? 0 : 5e5) + row.dims;
  };
  const panels = [...new Set([...finite].sort((a, b) => rank(a) - rank(b)).map((row) => panelOf(row, taskDims)))];
  const points = finite.map((row) => ({
    layer: 'point',
    panel: panelOf(row, taskDims),
    ...row,
    errorBits: row.upperBits - row.trueBits,
    // Only KDE gives two bounds; the other estimators' one value is both.
    interval: isInterval(row.lowerBits, row.upperBits),
  }));
  const extras = panels.flatMap((panel) => {
    const inPanel = points.filter((point) => point.panel === panel);
    const values = inPanel.flatMap((point) => [point.trueBits, point.lowerBits, point.upperBits]);
    const [low, high] = [Math.min(0, ...values), Math.max(...values)];
    const diagonal = [low, high].map((bits) => ({ layer: 'diagonal', panel, x: bits, y: bits }));
    // log₂ N bounds every I(X;T) with distinct inputs; drawn where some true value lies beyond it.
    const truest = Math.max(...inPanel.map((point) => point.trueBits));
    const capped = inPanel[0]!.quantity !== 'I(X;T)' ? [] : [...new Set(inPanel.map((point) => point.samples))]
      .filter((n) => Math.log2(n) < truest).sort((a, b) => b - a);
    // Labels staggered from the right, so that close lines (8 and 10 bits on a 100-bit axis) keep theirs apart.
    const ceilings = capped.map((n, k) => ({ layer: 'ceiling', panel, y: Math.log2(n), x: high - (high - low) * 0.3 * k, label: `log₂${n}` }));
    return [...diagonal, ...ceilings];
  });
  const sizes = [...new Set(finite.map((row) => row.samples))].sort((a, b) => a - b);
  const estimators = [...new Set(finite.map((row) => row.estimator))];
  const position = { x: { field: 'trueBits', type: 'quantitative' as const, title: 'true value (bits)' }, y: { field: 'upperBits', type: 'quantitative' as const, title: 'estimate (bits)' } };
  const color = { field: 'estimator', type: 'nominal' as const, title: 'estimator', scale: { domain: estimators, scheme: 'tableau10' }, legend: { orient: 'right' as const, labelLimit: 320 } };
  const only = (layer: string, extra = ''): { filter: string } => ({ filter: `datum.layer === '${layer}'${extra}` });
  return {
    id: 'bias',
    title: 'Estimator bias on tasks with known mutual information',
    caption: 'Each estimator\'s estimate against the true value of the quantity it estimates (kde: the information of T + noise; '
      + 'the binnings: of the binned T; ksg: the Shannon value; renyi: compared with the Shannon value), one panel per task, quantity '
      + 'and dimension d; bigger dots are more samples N. On the grey diagonal an estimate is unbiased: below it the estimator is '
      + 'biased down, above it biased up, and dots that move towards the diagonal as N grows are converging. KDE\'s dot is its upper '
      + 'bound, its bar reaches down to the lower bound. Dashed lines: log₂ N, the most any I(X;T) of N distinct inputs can be — '
      + 'estimates flat along one say nothing about the truth beyond it.',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: {
        text: 'Estimator bias on tasks with known mutual information',
        subtitle: 'on the diagonal: unbiased · below: biased down · dashed: log₂ N ceiling · dot size: N',
      },
      config: { ...FIGURE_CONFIG, header: { labelFontSize: 12, labelFontWeight: 'bold' } },
      data: { values: [...points, ...extras] },
      facet: { field: 'panel', type: 'nominal', sort: panels, title: null },
      columns,
      resolve: { scale: { x: 'independent', y: 'independent' } },
      spec: {
        width: panelWidth,
        height: panelHeight,
        layer: [
          {
            transform: [only('diagonal')],
            mark: { type: 'line', color: '#9a9a9a', strokeWidth: 1.5 },
            encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
          },
          {
            transform: [only('ceiling')],
            mark: { type: 'rule', color: '#777', strokeDash: [4, 3] },
            encoding: { y: { field: 'y', type: 'quantitative' } },
          },
          {
            transform: [only('ceiling')],
            mark: { type: 'text', align: 'right', baseline: 'bottom', dx: -2, dy: -1, fontSize: 10, color: '#555' },
            encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, text: { field: 'label' } },
          },
          {
            transform: [only('point', ' && datum.interval')],
            mark: { type: 'rule', strokeWidth: 1.5, opacity: 0.55 },
            encoding: { ...position, y2: { field: 'lowerBits' }, color },
          },
          {
            transform: [only('point')],
            mark: { type: 'point', filled: true, opacity: 0.8, stroke: 'white', strokeWidth: 0.5 },
            encoding: {
              ...position,
              color,
              // The biggest dots first, so that a small N's dot at the same place stays on top.
              order: { field: 'samples', sort: 'descending' },
              size: { field: 'samples', type: 'ordinal', title: 'N samples', scale: { domain: sizes, range: sizes.map((_, i) => 30 + (120 * i) / Math.max(1, sizes.length - 1)) } },
              tooltip: [
                { field: 'estimator' }, { field: 'task' }, { field: 'setting' }, { field: 'quantity' }, { field: 'samples', title: 'N' }, { field: 'dims', title: 'd' },
                { field: 'target', title: 'true value of' }, { field: 'trueBits', title: 'true (bits)', format: '.4f' },
                { field: 'lowerBits', title: 'lower (bits)', format: '.4f' }, { field: 'upperBits', title: 'upper (bits)', format: '.4f' },
                { field: 'errorBits', title: 'estimate − true', format: '+.4f' },
              ],
            },
          },
        ],
      },
    },
  };
}
