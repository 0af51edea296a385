/**
 * I(X;T) and I(Y;T) against epoch: a row per quantity, a column per estimator panel, a line per series
 * (a layer of one run, or one layer of each of several runs) at the upper bound, a band from lower to
 * upper bound where they differ (KDE), and the ceilings H(X), H(Y) as dashed rules. Epoch 0 cannot sit
 * on a log axis, so the x axis is epoch + 1 on a log scale.
 */
import type { TopLevelSpec } from 'vega-lite';
import { FIGURE_CONFIG } from '../figure.js';
import { type EstimateRow, isInterval } from './plane-data.js';
import { LAYER_SCHEME, MAX_EPOCHS_WITH_DOTS, boundLayers, paddedDomain } from './plane-style.js';

/**
 * Tick values for a log epoch axis from `low` to `high`: every integer when there are few, else 1, 2, 5
 * per decade, else the decades alone (ibnet's 10 000 epochs), so labels never crowd.
 *
 * @example logAxisValues(1, 21) // [1, 2, 5, 10, 20]
 */
export function logAxisValues(low: number, high: number): number[] {
  const steps = high / low <= 8 ? [1, 2, 3, 4, 5, 6, 7, 8, 9] : high / low <= 300 ? [1, 2, 5] : [1];
  const values: number[] = [];
  for (let decade = 10 ** Math.floor(Math.log10(low)); decade <= high; decade *= 10) {
    for (const step of steps) if (step * decade >= low && step * decade <= high) values.push(step * decade);
  }
  return values;
}

/** A column: its rows and the ceilings of the runs they come from (text labels each rule). */
export interface MiColumn {
  title: string;
  rows: readonly EstimateRow[];
  bounds: readonly { hX: number; hY: number; label?: string }[];
}

export interface MiSpecInput {
  title: string;
  columns: readonly MiColumn[];
  /** The line a row belongs to (its colour). */
  series: (row: EstimateRow) => string;
  seriesOrder: readonly string[];
  seriesTitle: string;
  /** First and last logged epoch. */
  epochs: [number, number];
}

const QUANTITIES = [
  { key: 'ixt', title: 'I(X;T) (bits)', bound: 'H(X)', lower: 'ixtLower', upper: 'ixtUpper', ceiling: 'hX' },
  { key: 'iyt', title: 'I(Y;T) (bits)', bound: 'H(Y)', lower: 'iytLower', upper: 'iytUpper', ceiling: 'hY' },
] as const;

/** Cell size, pixels: narrower when many panels stand side by side. */
const cellSize = (columns: number): { width: number; height: number } => ({ width: columns > 3 ? 215 : 250, height: 170 });

/** The rows of one quantity: a point per series and logged epoch with a finite upper bound, and the ceilings. */
function quantityData(input: MiSpecInput, quantity: (typeof QUANTITIES)[number], labelX: number): Record<string, unknown>[] {
  return input.columns.flatMap((column) => {
    const points = column.rows.filter((row) => row[quantity.upper] !== null).map((row) => ({
      kind: 'point',
      cell: column.title,
      series: input.series(row),
      layer: row.layer,
      run: row.run,
      epoch: row.epoch,
      epochPlusOne: row.epoch + 1,
      lower: row[quantity.lower],
      upper: row[quantity.upper],
      interval: isInterval(row[quantity.lower], row[quantity.upper]),
    }));
    const bounds = [...new Map(column.bounds.map((bound) => [bound[quantity.ceiling], bound])).values()].map((bound) => ({
      kind: 'bound', cell: column.title, value: bound[quantity.ceiling], at: labelX, text: bound.label ? `${quantity.bound} ${bound.label}` : quantity.bound,
    }));
    return [...bounds, ...points];
  });
}

/**
 * The spec: two faceted rows (I(X;T) above I(Y;T)) sharing the log epoch axis and the series colours.
 *
 * @example miEpochsSpec({ title: 'MI · tiny', columns: [{ title: 'kde σ²=0.1', rows, bounds: [{ hX: 8.2, hY: 1 }] }], series: (row) => row.layer, seriesOrder: ['dense_1'], seriesTitle: 'layer', epochs: [0, 6] })
 */
export function miEpochsSpec(input: MiSpecInput): TopLevelSpec {
  const [first, last] = input.epochs;
  const xDomain: [number, number] = [first + 1, Math.max(last + 1, first + 2)];
  const xAxis = { values: logAxisValues(xDomain[0], xDomain[1]), format: '~s', gridColor: '#e4e4e4' };
  const xScale = { type: 'log', domain: xDomain, nice: false } as const;
  const color = {
    field: 'series', type: 'nominal', scale: { domain: [...input.seriesOrder], scheme: LAYER_SCHEME },
    legend: { title: input.seriesTitle, symbolType: 'stroke', symbolStrokeWidth: 2.5, symbolOpacity: 1, labelLimit: 320, titleLimit: 320 },
  } as const;
  const epochCount = new Set(input.columns.flatMap((column) => column.rows.map((row) => row.epoch))).size;
  const rows = input.columns.flatMap((column) => column.rows);
  const datasets = Object.fromEntries(QUANTITIES.map((quantity) => [quantity.key, quantityData(input, quantity, xDomain[1])]));
  const order = input.columns.map((column) => column.title);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: { ...FIGURE_CONFIG, axis: { ...FIGURE_CONFIG.axis, grid: true, gridColor: '#eee' } },
    title: input.title,
    datasets,
    resolve: { scale: { x: 'shared', color: 'shared' } },
    vconcat: QUANTITIES.map((quantity, index) => {
      const y = {
        type: 'quantitative',
        scale: { domain: paddedDomain(rows.flatMap((row) => [row[quantity.lower], row[quantity.upper]]), input.columns.flatMap((column) => column.bounds.map((bound) => bound[quantity.ceiling]))), nice: false, zero: false },
        title: quantity.title,
      } as const;
      const points = { filter: "datum.kind === 'point'" };
      // The epoch axis is titled once, under the bottom row.
      const x = { field: 'epochPlusOne', type: 'quantitative', scale: xScale, axis: xAxis, title: index === QUANTITIES.length - 1 ? 'epoch + 1 (log scale)' : null } as const;
      return {
        data: { name: quantity.key },
        facet: {
          column: {
            field: 'cell', type: 'nominal', sort: order,
            header: index === 0 ? { title: null, labelFontSize: 12, labelFontWeight: 'bold' } : { title: null, labels: false },
          },
        },
        spec: {
          ...cellSize(input.columns.length),
          layer: [
            ...boundLayers('bound', 'y', `${quantity.key}_bound`),
            {
              name: `${quantity.key}_band`,
              transform: [points, { filter: 'datum.interval' }],
              mark: { type: 'area', opacity: 0.18 },
              encoding: { x, y: { field: 'lower', ...y, stack: null }, y2: { field: 'upper' }, color },
            },
            {
              name: `${quantity.key}_line`,
              transform: [points],
              mark: { type: 'line', strokeWidth: 1.5, ...(epochCount <= MAX_EPOCHS_WITH_DOTS ? { point: { size: 18 } } : {}) },
              encoding: {
                x,
                y: { field: 'upper', ...y },
                color,
                tooltip: [
                  { field: 'series', type: 'nominal', title: input.seriesTitle },
                  { field: 'epoch', type: 'quantitative' },
                  { field: 'lower', type: 'quantitative', title: `${quantity.title.replace(' (bits)', '')} lower (bits)`, format: '.4f' },
                  { field: 'upper', type: 'quantitative', title: `${quantity.title.replace(' (bits)', '')} upper (bits)`, format: '.4f' },
                ],
              },
            },
          ],
        },
      };
    }),
  };
}
