/**
 * The numbers the information-plane figures draw, read out of a run: one row per layer, logged epoch,
 * estimator (with its parameters) and conv method, with the bounds in bits. Non-finite values (NaN read
 * from null) become null here, and each mark keeps only the rows it can draw.
 */
import type { EstimateRecord, LayerRecord, Reestimation, RunData } from '../../store/index.js';

/** One layer's estimate at one logged epoch, in bits; null where the run stored no finite value. */
export interface EstimateRow {
  run: string;
  /** The panel: estimator label, and the conv method where the run has both (`kde σ²=0.1 · mean`). */
  panel: string;
  estimator: string;
  method: EstimateRecord['method'];
  layer: string;
  /** Position in the network, input side first. */
  layerIndex: number;
  epoch: number;
  ixtLower: number | null;
  ixtUpper: number | null;
  iytLower: number | null;
  iytUpper: number | null;
  /** Under the mean method: each channel's own upper bounds (empty otherwise). */
  channels: readonly { ixt: number | null; iyt: number | null }[];
  /** True for a layer without channels shown under the mean method with its concat estimate (equal by definition). */
  fromConcat: boolean;
}

/** What the plane rows read of a logged epoch: a run's metrics record, or a re-estimation's line with the layers' shapes. */
export interface PlaneRecord {
  epoch: number;
  layers: readonly (Pick<LayerRecord, 'name' | 'shape'> & { estimates: readonly EstimateRecord[] })[];
}

/**
 * A re-estimation's lines as plane records (the layers' shapes from the run's description).
 *
 * @example estimateRows(run, { records: reestimateRecords(run, run.reestimates[0]!) })
 */
export function reestimateRecords(run: RunData, reestimate: Reestimation): PlaneRecord[] {
  const shapes = new Map(run.config.run.layers.map((layer) => [layer.name, layer.shape] as const));
  return reestimate.records.map((line) => ({ epoch: line.epoch, layers: line.layers.map((layer) => ({ name: layer.name, shape: shapes.get(layer.name) ?? [], estimates: layer.estimates })) }));
}

/** Option values that do not tell two estimators apart: they describe the samples or the layer. */
const DESCRIPTIVE_PARAMETERS = new Set(['estimator', 'samples', 'dims', 'channels', 'precision', 'kernelWidth', 'inputKernelWidth']);

function formatValue(value: number | string | boolean): string {
  return typeof value === 'number' ? String(Number(value.toPrecision(6))) : String(value);
}

/** Estimators whose estimates are bounds (lower ≤ upper); the others give one value (held in `upper`). */
export function isBoundedEstimator(estimator: string): boolean {
  return estimator === 'kde';
}

/**
 * How an estimator with its options is named on a panel: the same estimator with other options (KDE at
 * σ² = 1e-3 and 0.1) is another panel, and runs are compared on panels of the same name.
 *
 * @example estimatorLabel({ estimator: 'kde', method: 'concat', parameters: { noiseVariance: 0.001, dims: 10 }, ... }) // 'kde σ²=0.001'
 */
export function estimatorLabel(estimate: Pick<EstimateRecord, 'estimator' | 'parameters'>): string {
  const p = estimate.parameters;
  switch (estimate.estimator) {
    case 'kde': return `kde σ²=${formatValue(p['noiseVariance'] ?? '?')}`;
    case 'bin': return `bin size ${formatValue(p['binsize'] ?? '?')}`;
    case 'tishby-bin': return `tishby-bin ${formatValue(p['numBins'] ?? '?')} bins`;
    case 'quantized': return `quantized ${formatValue(p['quantizeBits'] ?? '?')}-bit exact`;
    case 'ksg': return `ksg k=${formatValue(p['k'] ?? '?')}`;
    case 'adaptive-bin': return `adaptive-bin ${formatValue(p['numBins'] ?? '?')} bins · ${formatValue(p['scope'] ?? '?')}`;
    case 'renyi': {
      const width = p['kernelWidthRule'] === 'fixed' ? `σ=${formatValue(p['kernelWidth'] ?? '?')}` : formatValue(p['kernelWidthRule'] ?? '?');
      return `renyi α=${formatValue(p['alpha'] ?? '?')} ${width}`;
    }
    default: {
      const options = Object.keys(p).filter((key) => !DESCRIPTIVE_PARAMETERS.has(key)).sort().map((key) => `${key}=${formatValue(p[key]!)}`);
      return [estimate.estimator, ...options].join(' ');
    }
  }
}

/**
 * The panel of an estimate: its estimator label, with the method when the figure shows both methods.
 *
 * @example panelLabel('kde σ²=0.1', 'mean', true) // 'kde σ²=0.1 · mean'
 */
export function panelLabel(estimator: string, method: EstimateRecord['method'], showMethod: boolean): string {
  return showMethod ? `${estimator} · ${method}` : estimator;
}

/** A finite number, or null (how the figures' and the export's rows hold a missing value). */
export const finite = (value: number | undefined): number | null => (value !== undefined && Number.isFinite(value) ? value : null);

/**
 * The conv methods a run recorded.
 *
 * @example runMethods(readRun('runs/cnn')) // Set { 'concat', 'mean' }
 */
export function runMethods(run: RunData): Set<EstimateRecord['method']> {
  return new Set(run.records.flatMap((record) => record.layers.flatMap((layer) => layer.estimates.map((estimate) => estimate.method))));
}

/**
 * The layers' names in network order: the run's description first, then any only the records name.
 *
 * @example layerOrder(readRun('runs/fig5-mlp')) // ['dense_1', 'dense_2', 'dense_3', 'dense_4', 'dense_5']
 */
export function layerOrder(run: RunData): string[] {
  const names = run.config.run.layers.map((layer) => layer.name);
  for (const record of run.records) for (const layer of record.layers) if (!names.includes(layer.name)) names.push(layer.name);
  return names;
}

/**
 * Every estimate of the run as a row, in record order. `showMethod` names the method in the panel
 * (by default when the run recorded both methods). Under the mean method the runner estimates only
 * layers with channels; a layer without ([N, d]: dense, flatten) gets its concat estimate there, which the
 * mean method equals by definition (the paper's §3.1 and Figure 8), so each epoch's line runs through
 * every layer.
 *
 * @example estimateRows(readRun('runs/fig5-mlp'))[0] // { panel: 'kde σ²=0.1', layer: 'dense_1', epoch: 0, ixtUpper: 13.28…, … }
 */
export function estimateRows(run: RunData, options: { runLabel?: string; showMethod?: boolean; records?: readonly PlaneRecord[] } = {}): EstimateRow[] {
  const records: readonly PlaneRecord[] = options.records ?? run.records;
  const showMethod = options.showMethod ?? new Set(records.flatMap((record) => record.layers.flatMap((layer) => layer.estimates.map((estimate) => estimate.method)))).size > 1;
  const order = layerOrder(run);
  const row = (record: PlaneRecord, layer: PlaneRecord['layers'][number], estimate: EstimateRecord, method: EstimateRecord['method']): EstimateRow => {
    const estimator = estimatorLabel(estimate);
    return {
      run: options.runLabel ?? run.name,
      panel: panelLabel(estimator, method, showMethod),
      estimator,
      method,
      layer: layer.name,
      layerIndex: order.indexOf(layer.name),
      epoch: record.epoch,
      ixtLower: finite(estimate.ixt.lower),
      ixtUpper: finite(estimate.ixt.upper),
      iytLower: finite(estimate.iyt.lower),
      iytUpper: finite(estimate.iyt.upper),
      channels: (estimate.perChannel ?? []).map((channel) => ({ ixt: finite(channel.ixt), iyt: finite(channel.iyt) })),
      fromConcat: estimate.method !== method,
    };
  };
  return records.flatMap((record) => {
    // The estimator labels with a mean-method estimate at this epoch.
    const withMean = new Set(record.layers.flatMap((layer) => layer.estimates.filter((estimate) => estimate.method === 'mean').map(estimatorLabel)));
    return record.layers.flatMap((layer) => layer.estimates.flatMap((estimate) => {
      const own = row(record, layer, estimate, estimate.method);
      const label = own.estimator;
      const lacksMean = estimate.method === 'concat' && layer.shape.length === 1 && withMean.has(label)
        && !layer.estimates.some((other) => other.method === 'mean' && estimatorLabel(other) === label);
      return lacksMean ? [own, row(record, layer, estimate, 'mean')] : [own];
    }));
  });
}

/**
 * The panels of some rows, in order of first appearance, each estimator's methods together.
 *
 * @example panelsOf(estimateRows(cnnRun)) // ['kde σ²=0.1 · concat', 'kde σ²=0.1 · mean']
 */
export function panelsOf(rows: readonly EstimateRow[]): string[] {
  const estimators = [...new Set(rows.map((row) => row.estimator))];
  const panels = [...new Set(rows.map((row) => row.panel))];
  const rank = (panel: string): number => {
    const row = rows.find((candidate) => candidate.panel === panel)!;
    return estimators.indexOf(row.estimator) * 2 + (row.method === 'concat' ? 0 : 1);
  };
  return panels.sort((a, b) => rank(a) - rank(b));
}

/**
 * True when a bound pair is an interval worth drawing (KDE), not one value (binning).
 *
 * @example isInterval(2.1, 5.0) // true; isInterval(3.9, 3.9) // false
 */
export function isInterval(lower: number | null, upper: number | null): lower is number {
  return lower !== null && upper !== null && upper - lower > 1e-9 * Math.max(1, Math.abs(upper));
}

/**
 * The logged epochs of a run that hold records, ascending.
 *
 * @example loggedEpochs(readRun('runs/fig5-mlp')) // [0, 1, …, 20]
 */
export function loggedEpochs(run: RunData): number[] {
  return run.records.map((record) => record.epoch);
}
