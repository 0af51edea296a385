/**
 * How much of the information plane is the estimator: the planes of every estimator setting a run has —
 * its own and its re-estimations (infoplane reestimate) — side by side, and the sensitivity view: per
 * layer, where I(X;T) and I(Y;T) end and which way they move late in training under each setting. A
 * conclusion ("this layer compresses") that holds under some settings and not others is the estimator's.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { RunData } from '../../store/index.js';
import { FIGURE_CONFIG } from '../figure.js';
import type { Figure } from '../figure.js';
import { informationPlaneSpec } from './information-plane.js';
import { type EstimateRow, type PlaneRecord, estimateRows, estimatorLabel, layerOrder, reestimateRecords } from './plane-data.js';
import { LAYER_SCHEME } from './plane-style.js';

/** One estimator setting of the run: its label, where its numbers come from, and its records. */
export interface PlaneSetting {
  label: string;
  estimator: string;
  source: 'recorded' | 're-estimated';
  records: PlaneRecord[];
}

/** The option that orders settings of one estimator (σ², bin size, bins, k). */
const ORDER_OPTION: Record<string, string> = { kde: 'noiseVariance', bin: 'binsize', 'tishby-bin': 'numBins', 'adaptive-bin': 'numBins', ksg: 'k', renyi: 'alpha' };

/**
 * Every estimator setting of the run: the recorded ones (one per estimator label in metrics.jsonl) and
 * each re-estimation whose label the recording lacks, grouped by estimator and ordered by its main option.
 *
 * @example planeSettings(run).map((s) => s.label) // ['kde σ²=0.001', 'kde σ²=0.01', 'kde σ²=0.1', 'kde σ²=1', 'bin size 0.5']
 */
export function planeSettings(run: RunData): PlaneSetting[] {
  const recordedLabels = new Set(run.records.flatMap((record) => record.layers.flatMap((layer) => layer.estimates.map(estimatorLabel))));
  const settings: (PlaneSetting & { order: number })[] = [...recordedLabels].map((label) => {
    const first = run.records.flatMap((record) => record.layers.flatMap((layer) => layer.estimates)).find((estimate) => estimatorLabel(estimate) === label)!;
    return {
      label, source: 'recorded', estimator: first.estimator, order: Number(first.parameters[ORDER_OPTION[first.estimator] ?? ''] ?? 0),
      records: run.records.map((record) => ({ epoch: record.epoch, layers: record.layers.map((layer) => ({ ...layer, estimates: layer.estimates.filter((estimate) => estimatorLabel(estimate) === label) })) })),
    };
  });
  for (const reestimate of run.reestimates) {
    const records = reestimateRecords(run, reestimate);
    const first = records.flatMap((record) => record.layers.flatMap((layer) => layer.estimates))[0];
    if (!first) continue;
    const label = estimatorLabel(first);
    if (settings.some((setting) => setting.label === label)) continue;
    settings.push({ label, source: 're-estimated', estimator: first.estimator, order: Number(first.parameters[ORDER_OPTION[first.estimator] ?? ''] ?? 0), records });
  }
  const estimators = [...new Set(settings.map((setting) => setting.estimator))];
  return settings
    .sort((a, b) => estimators.indexOf(a.estimator) - estimators.indexOf(b.estimator) || a.order - b.order)
    .map(({ label, source, records, estimator }) => ({ label, source, records, estimator }));
}

/** The late-training trend of a series: its fitted change over the late window, and whether that is a fall, a rise or neither. */
export interface LateTrend {
  /** Fitted change (bits) over the window: the least-squares slope against log(epoch + 1) times the window's log span. */
  changeBits: number;
  /** −1 a fall (compression, for I(X;T)), +1 a rise, 0 within the threshold; NaN with fewer than 3 points. */
  sign: number;
  /** The change a sign needs: max(0.01 bits, 2 × the fit's residual standard deviation). */
  thresholdBits: number;
  from: number;
  to: number;
  points: number;
}

/** Floor of the trend threshold, bits. */
const TREND_FLOOR_BITS = 0.01;

/**
 * The trend of (epoch, bits) points over the late window: the logged epochs e with log(e + 1) at least
 * half of log(last + 1) (epochs ≥ 3.6 of 20, ≥ 99 of 10 000 — the second half of training on the log
 * axis the IB literature plots, where compression is reported to happen).
 *
 * @example lateTrend([{ epoch: 0, bits: 5 }, …, { epoch: 20, bits: 3 }]) // { changeBits: −1.9, sign: −1, … }
 */
export function lateTrend(points: readonly { epoch: number; bits: number }[]): LateTrend {
  const finite = points.filter((point) => Number.isFinite(point.bits)).sort((a, b) => a.epoch - b.epoch);
  const last = finite.at(-1)?.epoch ?? 0;
  const late = finite.filter((point) => Math.log(point.epoch + 1) >= Math.log(last + 1) / 2);
  const from = late[0]?.epoch ?? last;
  if (late.length < 3) return { changeBits: Number.NaN, sign: Number.NaN, thresholdBits: TREND_FLOOR_BITS, from, to: last, points: late.length };
  const xs = late.map((point) => Math.log(point.epoch + 1));
  const ys = late.map((point) => point.bits);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const sxx = xs.reduce((sum, x) => sum + (x - mx) ** 2, 0);
  const slope = sxx > 0 ? xs.reduce((sum, x, i) => sum + (x - mx) * (ys[i]! - my), 0) / sxx : 0;
  const residual = Math.sqrt(xs.reduce((sum, x, i) => sum + (ys[i]! - my - slope * (x - mx)) ** 2, 0) / Math.max(1, xs.length - 2));
  const changeBits = slope * (xs.at(-1)! - xs[0]!);
  const thresholdBits = Math.max(TREND_FLOOR_BITS, 2 * residual);
  return { changeBits, sign: Math.abs(changeBits) > thresholdBits ? Math.sign(changeBits) : 0, thresholdBits, from, to: last, points: late.length };
}

/** One layer under one setting: where it ends and how it moves late in training. */
export interface SensitivityRow {
  layer: string;
  /** The estimator's name: settings of one estimator are joined in the figure. */
  estimator: string;
  layerIndex: number;
  setting: string;
  source: PlaneSetting['source'];
  epoch: number;
  ixtLower: number | null;
  ixtUpper: number | null;
  iytLower: number | null;
  iytUpper: number | null;
  ixtTrend: LateTrend;
  iytTrend: LateTrend;
}

/**
 * Per layer and setting (concat estimates): the last logged epoch's I(X;T) and I(Y;T) and their late trends.
 *
 * @example sensitivityRows(run).filter((row) => row.layer === 'dense_5').map((row) => row.ixtTrend.sign) // [−1, −1, 0, 1]
 */
export function sensitivityRows(run: RunData, settings: readonly PlaneSetting[] = planeSettings(run)): SensitivityRow[] {
  return settings.flatMap((setting) => {
    const rows = estimateRows(run, { records: setting.records, showMethod: false }).filter((row) => row.method === 'concat');
    const layers = [...new Set(rows.map((row) => row.layer))];
    return layers.map((layer) => {
      const own = rows.filter((row) => row.layer === layer).sort((a, b) => a.epoch - b.epoch);
      const last = own.at(-1)!;
      const series = (value: (row: EstimateRow) => number | null): { epoch: number; bits: number }[] => own.map((row) => ({ epoch: row.epoch, bits: value(row) ?? Number.NaN }));
      return {
        layer, estimator: setting.estimator, layerIndex: last.layerIndex, setting: setting.label, source: setting.source, epoch: last.epoch,
        ixtLower: last.ixtLower, ixtUpper: last.ixtUpper, iytLower: last.iytLower, iytUpper: last.iytUpper,
        ixtTrend: lateTrend(series((row) => row.ixtUpper)),
        iytTrend: lateTrend(series((row) => row.iytUpper)),
      };
    });
  });
}

const TREND_WORD = (sign: number): string => (Number.isNaN(sign) ? 'too few late epochs' : sign < 0 ? 'falls' : sign > 0 ? 'rises' : 'flat');

/** The sensitivity view's spec: final values per setting (top) and the late trends' signs (bottom), a colour per layer. */
function sensitivitySpec(title: string, rows: readonly SensitivityRow[], settings: readonly string[], layers: readonly string[]): TopLevelSpec {
  const data = rows.map((row) => ({
    ...row,
    ixtChange: Number.isFinite(row.ixtTrend.changeBits) ? row.ixtTrend.changeBits : null,
    iytChange: Number.isFinite(row.iytTrend.changeBits) ? row.iytTrend.changeBits : null,
    ixtSign: TREND_WORD(row.ixtTrend.sign),
    iytSign: TREND_WORD(row.iytTrend.sign),
    ixtSymbol: Number.isNaN(row.ixtTrend.sign) ? '·' : row.ixtTrend.sign < 0 ? '▼' : row.ixtTrend.sign > 0 ? '▲' : '–',
    iytSymbol: Number.isNaN(row.iytTrend.sign) ? '·' : row.iytTrend.sign < 0 ? '▼' : row.iytTrend.sign > 0 ? '▲' : '–',
    window: `epochs ${row.ixtTrend.from}–${row.ixtTrend.to}`,
  }));
  const x = { field: 'setting', type: 'ordinal', sort: [...settings], title: null, axis: { labelAngle: -35, labelLimit: 140 } } as const;
  const color = { field: 'layer', type: 'nominal', scale: { domain: [...layers], scheme: LAYER_SCHEME }, legend: { title: 'layer' } } as const;
  const tooltip = [
    { field: 'layer', type: 'nominal' }, { field: 'setting', type: 'nominal' }, { field: 'source', type: 'nominal' }, { field: 'epoch', type: 'quantitative', title: 'last epoch' },
    { field: 'ixtUpper', type: 'quantitative', title: 'I(X;T) (bits)', format: '.3f' }, { field: 'iytUpper', type: 'quantitative', title: 'I(Y;T) (bits)', format: '.3f' },
    { field: 'ixtChange', type: 'quantitative', title: 'late I(X;T) change (bits)', format: '+.3f' }, { field: 'iytChange', type: 'quantitative', title: 'late I(Y;T) change (bits)', format: '+.3f' },
    { field: 'window', type: 'nominal', title: 'late window' },
  ] as const;
  const finalPanel = (quantity: 'ixt' | 'iyt', name: string): Record<string, unknown> => ({
    title: `${name} at the last epoch`,
    width: Math.max(220, 44 * settings.length),
    height: 200,
    layer: [
      { mark: { type: 'rule', strokeWidth: 1.5, opacity: 0.6 }, encoding: { x, y: { field: `${quantity}Lower`, type: 'quantitative', title: `${name} (bits)` }, y2: { field: `${quantity}Upper` }, color } },
      // Lines join one estimator's settings only (σ² to σ²), never one estimator to the next.
      { mark: { type: 'line', strokeWidth: 1, opacity: 0.5 }, encoding: { x, y: { field: `${quantity}Upper`, type: 'quantitative' }, color, detail: [{ field: 'layer' }, { field: 'estimator' }] } },
      { mark: { type: 'point', filled: true, size: 50, stroke: '#333', strokeWidth: 0.4 }, encoding: { x, y: { field: `${quantity}Upper`, type: 'quantitative' }, color, tooltip: [...tooltip] } },
    ],
  });
  const trendPanel = (quantity: 'ixt' | 'iyt', name: string): Record<string, unknown> => ({
    title: `late-training trend of ${name}`,
    width: Math.max(220, 44 * settings.length),
    height: Math.max(60, 22 * layers.length),
    encoding: { x: { ...x, axis: { ...x.axis, grid: false } }, y: { field: 'layer', type: 'ordinal', sort: [...layers], title: null, axis: { grid: false } } },
    layer: [
      {
        mark: { type: 'rect', stroke: '#fff', strokeWidth: 1 },
        encoding: {
          color: {
            field: `${quantity}Sign`, type: 'nominal', title: 'late trend', legend: { labelLimit: 240 },
            scale: { domain: ['falls', 'flat', 'rises', 'too few late epochs'], range: ['#4c78a8', '#d9d9d9', '#e45756', '#f5f5f5'] },
          },
          tooltip: [...tooltip],
        },
      },
      { mark: { type: 'text', fontSize: 10 }, encoding: { text: { field: `${quantity}Change`, type: 'quantitative', format: '+.2f' }, color: { value: '#111' } } },
    ],
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: { ...FIGURE_CONFIG, axis: { ...FIGURE_CONFIG.axis, grid: true, gridColor: '#eee' } },
    title: { text: title, offset: 12 },
    datasets: { sensitivity: data },
    data: { name: 'sensitivity' },
    resolve: { scale: { color: 'independent' } },
    vconcat: [
      { hconcat: [finalPanel('ixt', 'I(X;T)'), finalPanel('iyt', 'I(Y;T)')] },
      { hconcat: [trendPanel('ixt', 'I(X;T)'), trendPanel('iyt', 'I(Y;T)')], resolve: { scale: { color: 'shared' } } },
    ],
  } as unknown as TopLevelSpec;
}

/**
 * The estimator-trust figures of a run with more than one estimator setting (its own and its
 * re-estimations): `settings-information-plane`, the plane under every setting side by side, and
 * `sensitivity`. None when the run has a single setting.
 *
 * @example sensitivityFigures(readRun('runs/fig5-mlp')).map((figure) => figure.id) // ['settings-information-plane', 'sensitivity']
 */
export function sensitivityFigures(run: RunData): Figure[] {
  if (run.reestimates.length === 0) return [];
  const settings = planeSettings(run);
  if (settings.length < 2) return [];
  const { hX, hY } = run.config.run.probe;
  const order = layerOrder(run);
  const cells = settings.map((setting) => ({
    title: `${setting.label}${setting.source === 're-estimated' ? ' (re-estimated)' : ''}`,
    rows: estimateRows(run, { records: setting.records, showMethod: false }).filter((row) => row.method === 'concat'),
    hX, hY,
  })).filter((cell) => cell.rows.length > 0);
  const epochs = settings.flatMap((setting) => setting.records.map((record) => record.epoch));
  const rows = sensitivityRows(run, settings);
  const layers = order.filter((layer) => rows.some((row) => row.layer === layer));
  const flips = layers.filter((layer) => new Set(rows.filter((row) => row.layer === layer && !Number.isNaN(row.ixtTrend.sign)).map((row) => row.ixtTrend.sign)).size > 1);
  const window = rows[0] ? `epochs ${rows[0].ixtTrend.from}–${rows[0].ixtTrend.to}` : 'none';
  return [
    {
      id: 'settings-information-plane',
      title: 'Information plane under each estimator setting',
      caption: `The information plane of ${run.name} under each of its ${cells.length} estimator settings, from the same stored activations: the run's own estimates and its re-estimations (infoplane reestimate), `
        + 'concat method, drawn as the run\'s plane (dots at the upper bound coloured by layer, each epoch\'s layers joined by a line coloured by epoch, dashed H(X) and H(Y)). '
        + 'Every difference between the cells is the estimator\'s: the network is the same.',
      spec: informationPlaneSpec({
        title: `Information plane under each estimator setting · ${run.name}`, cells, layers: order, epochs: [Math.min(...epochs), Math.max(...epochs)], columns: Math.min(4, cells.length),
      }),
    },
    {
      id: 'sensitivity',
      title: 'Sensitivity of the plane to the estimator',
      caption: `Per layer of ${run.name} and estimator setting (x axis, grouped by estimator, ordered by σ², bin size or bins): top, I(X;T) and I(Y;T) at the last logged epoch (dot at the upper bound, bar to the lower bound); `
        + `bottom, the late-training trend — the least-squares change against log(epoch + 1) over the late window (${window}, the second half of training on a log axis), in bits, `
        + `blue where it falls by more than max(${TREND_FLOOR_BITS} bits, twice the fit's residual spread), red where it rises, grey flat. `
        + (flips.length > 0 ? `Whether I(X;T) falls ("compression") depends on the setting for ${flips.join(', ')}.` : 'The sign of the late I(X;T) trend is the same under every setting for every layer.'),
      spec: sensitivitySpec(`Sensitivity of the plane to the estimator · ${run.name}`, rows, settings.map((setting) => setting.label), layers),
    },
  ];
}
