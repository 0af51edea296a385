/**
 * A sweep's figures, from its aggregate (mean and 95 % t interval across seeds) and the runs of its
 * trials (the per-seed curves drawn faintly behind the mean): the averaged information plane per setting
 * and estimator, I(X;T) and I(Y;T) against epoch with bands, and the training curves of the settings
 * side by side.
 */
import type { RunData } from '../../store/index.js';
import type { AggregateInfo, AggregateRow } from '../../sweep/aggregate.js';
import type { SweepFile } from '../../sweep/spec.js';
import { FIGURE_CONFIG, type Figure } from '../figure.js';
import { estimatorLabel, panelLabel } from './plane-data.js';
import {
  EPOCH_SCHEME, LAYER_SCHEME, barEpochs, epochLegendValues, epochScaleType, facetedPlaneSpec, messageSpec, paddedDomain, planeAxes,
} from './plane-style.js';

/** Per setting, at most this many seeds are drawn as faint curves (all of them go into the mean). */
export const MAX_SEED_CURVES = 10;

export interface SweepData {
  sweep: SweepFile;
  info: AggregateInfo;
  rows: readonly AggregateRow[];
  /** Per setting index: the runs drawn as per-seed curves (at most MAX_SEED_CURVES). */
  seedRuns: ReadonlyMap<number, readonly RunData[]>;
  /** Per setting index: H(X) and H(Y) of its probe (from a finished trial). */
  bounds: ReadonlyMap<number, { hX: number; hY: number }>;
}

/** Logged epochs (evenly spaced) that carry the crossed interval bars. */
const BAR_EPOCHS = 6;
const BITS = '.4f';

/** The value a curve follows: a KDE estimate's upper bound (the paper's f(1)), the value of the others. */
const curveBound = (row: Pick<AggregateRow, 'bound'>): boolean => row.bound === 'upper' || row.bound === 'value';

/** Panels (estimator, and method where the sweep has both), in the order they first appear. */
function panels(rows: readonly AggregateRow[]): { label: string; estimator: string; method: string }[] {
  const showMethod = new Set(rows.filter((row) => row.method !== null).map((row) => row.method)).size > 1;
  const seen = new Map<string, { label: string; estimator: string; method: string }>();
  for (const row of rows) {
    if (row.estimator === null || row.method === null) continue;
    const label = panelLabel(row.estimator, row.method, showMethod);
    if (!seen.has(label)) seen.set(label, { label, estimator: row.estimator, method: row.method });
  }
  return [...seen.values()];
}

/** A layer's estimate in a panel (its estimator and method), if it has one. */
function panelEstimate(layer: RunData['records'][number]['layers'][number], panel: { estimator: string; method: string }) {
  return layer.estimates.find((candidate) => candidate.method === panel.method && estimatorLabel(candidate) === panel.estimator);
}

/** Layer names in network order (as the first trial's records have them). */
function layerOrder(data: SweepData): string[] {
  const run = [...data.seedRuns.values()].flat()[0];
  return run?.records[0]?.layers.map((layer) => layer.name) ?? [...new Set(data.rows.flatMap((row) => (row.layer ? [row.layer] : [])))];
}

interface MeanPoint {
  cell: string;
  setting: string;
  layer: string;
  layerIndex: number;
  epoch: number;
  n: number;
  ixt: number;
  iyt: number;
  ixtLower: number | null;
  ixtUpper: number | null;
  iytLower: number | null;
  iytUpper: number | null;
}

/** The mean trajectory points of one panel: I(X;T) and I(Y;T) rows of one setting, layer and epoch joined. */
function meanPoints(data: SweepData, panel: { label: string; estimator: string; method: string }, cellOf: (setting: number) => string): MeanPoint[] {
  const layers = layerOrder(data);
  const byKey = new Map<string, Partial<Record<'ixt' | 'iyt', AggregateRow>>>();
  for (const row of data.rows) {
    if (row.estimator !== panel.estimator || row.method !== panel.method || !curveBound(row) || (row.quantity !== 'ixt' && row.quantity !== 'iyt')) continue;
    const key = `${row.setting}|${row.layer}|${row.epoch}`;
    const entry = byKey.get(key) ?? {};
    entry[row.quantity] = row;
    byKey.set(key, entry);
  }
  const points: MeanPoint[] = [];
  for (const { ixt, iyt } of byKey.values()) {
    if (!ixt || !iyt) continue;
    points.push({
      cell: cellOf(ixt.setting),
      setting: data.sweep.settings[ixt.setting]!.label,
      layer: ixt.layer!,
      layerIndex: layers.indexOf(ixt.layer!),
      epoch: ixt.epoch,
      n: Math.min(ixt.n, iyt.n),
      ixt: ixt.mean,
      iyt: iyt.mean,
      ixtLower: ixt.ciLower,
      ixtUpper: ixt.ciUpper,
      iytLower: iyt.ciLower,
      iytUpper: iyt.ciUpper,
    });
  }
  return points;
}

/** Each drawn seed's trajectory points of one panel. */
function seedPoints(data: SweepData, panel: { label: string; estimator: string; method: string }, cellOf: (setting: number) => string): Record<string, unknown>[] {
  const points: Record<string, unknown>[] = [];
  for (const [setting, runs] of data.seedRuns) {
    for (const run of runs) {
      for (const record of run.records) {
        for (const layer of record.layers) {
          const estimate = panelEstimate(layer, panel);
          if (!estimate || !Number.isFinite(estimate.ixt.upper) || !Number.isFinite(estimate.iyt.upper)) continue;
          points.push({ kind: 'seed', cell: cellOf(setting), trial: run.name, layer: layer.name, epoch: record.epoch, ixt: estimate.ixt.upper, iyt: estimate.iyt.upper });
        }
      }
    }
  }
  return points;
}

function noData(id: string, title: string, message: string): Figure {
  return { id, title, caption: `${title}: ${message}.`, spec: messageSpec(title, message) };
}

function seedsSentence(data: SweepData): string {
  return data.sweep.settings.map((setting) => {
    const averaged = data.info.settings[setting.index]?.trials.length ?? 0;
    const drawn = data.seedRuns.get(setting.index)?.length ?? 0;
    return `${setting.label}: mean of ${averaged} seed${averaged === 1 ? '' : 's'}${drawn < averaged ? `, ${drawn} of them drawn` : ''}`;
  }).join('; ');
}

/** The averaged information plane: a cell per estimator panel and setting. */
export function sweepPlaneFigure(data: SweepData): Figure {
  const id = 'sweep-information-plane';
  const title = `Averaged information plane · ${data.sweep.name}`;
  const shown = panels(data.rows);
  if (shown.length === 0) return noData(id, title, 'no finished trial has an information estimate yet');
  const settings = data.sweep.settings.filter((setting) => (data.info.settings[setting.index]?.trials.length ?? 0) > 0);
  const cellOf = (panel: string) => (setting: number): string => `${data.sweep.settings[setting]!.label} · ${panel}`;
  const cells = shown.flatMap((panel) => settings.map((setting) => ({ panel, setting: setting.index, title: cellOf(panel.label)(setting.index) })));
  const means = shown.flatMap((panel) => meanPoints(data, panel, cellOf(panel.label)));
  const seeds = shown.flatMap((panel) => seedPoints(data, panel, cellOf(panel.label)));
  const epochs = [...new Set(means.map((point) => point.epoch))].sort((a, b) => a - b);
  // Intervals at a few epochs only (from few seeds they are wide: t(0.975, 2) = 4.3), clipped to the plot.
  const withBars = new Set(barEpochs(epochs, BAR_EPOCHS));
  const hX = Math.max(...settings.map((setting) => data.bounds.get(setting.index)?.hX ?? 0));
  const hY = Math.max(...settings.map((setting) => data.bounds.get(setting.index)?.hY ?? 0));
  const xDomain = paddedDomain([...means.map((p) => p.ixt), ...seeds.map((p) => p['ixt'] as number)], [hX]);
  const yDomain = paddedDomain([...means.map((p) => p.iyt), ...seeds.map((p) => p['iyt'] as number)], [hY]);
  const boundRows = cells.flatMap((cell) => {
    const b = data.bounds.get(cell.setting) ?? { hX, hY };
    return [
      { kind: 'xbound', value: 0 }, { kind: 'xbound', value: b.hX, at: yDomain[1], text: 'H(X)' },
      { kind: 'ybound', value: 0 }, { kind: 'ybound', value: b.hY, at: xDomain[1], text: 'H(Y)' },
    ].map((row) => ({ ...row, cell: cell.title }));
  });
  const meanRows = means.map((point) => ({ ...point, kind: 'mean', bars: withBars.has(point.epoch) && point.ixtLower !== null }));
  const { x, y } = planeAxes(xDomain, yDomain);
  const layers = layerOrder(data);
  const color = { field: 'layer', type: 'nominal', scale: { domain: layers, scheme: LAYER_SCHEME }, legend: { title: 'layer', symbolOpacity: 1, symbolStrokeWidth: 3 } } as const;
  const [first, last] = [epochs[0] ?? 0, epochs.at(-1) ?? 0];
  const spec = facetedPlaneSpec({
    title: { text: title, subtitle: seedsSentence(data) },
    rows: [...boundRows, ...seeds, ...meanRows],
    cells: cells.map((cell) => cell.title),
    columns: settings.length,
    layers: [
      {
        name: 'seed_lines',
        transform: [{ filter: "datum.kind === 'seed'" }],
        mark: { type: 'line', strokeWidth: 0.8, opacity: 0.3 },
        encoding: { x: { field: 'ixt', ...x }, y: { field: 'iyt', ...y }, color, detail: { field: 'trial' }, order: { field: 'epoch', type: 'quantitative' } },
      },
      {
        name: 'mean_lines',
        transform: [{ filter: "datum.kind === 'mean'" }],
        mark: { type: 'line', strokeWidth: 1.8, opacity: 0.9 },
        encoding: { x: { field: 'ixt', ...x }, y: { field: 'iyt', ...y }, color, order: { field: 'epoch', type: 'quantitative' } },
      },
      {
        name: 'ixt_interval',
        transform: [{ filter: "datum.kind === 'mean' && datum.bars" }],
        mark: { type: 'rule', strokeWidth: 1.2, opacity: 0.6, clip: true },
        encoding: { x: { field: 'ixtLower', ...x }, x2: { field: 'ixtUpper' }, y: { field: 'iyt', ...y }, color },
      },
      {
        name: 'iyt_interval',
        transform: [{ filter: "datum.kind === 'mean' && datum.bars" }],
        mark: { type: 'rule', strokeWidth: 1.2, opacity: 0.6, clip: true },
        encoding: { x: { field: 'ixt', ...x }, y: { field: 'iytLower', ...y }, y2: { field: 'iytUpper' }, color },
      },
      {
        name: 'mean_dots',
        transform: [{ filter: "datum.kind === 'mean'" }],
        mark: { type: 'point', filled: true, size: 22, stroke: '#333', strokeWidth: 0.3, opacity: 0.95 },
        encoding: {
          x: { field: 'ixt', ...x },
          y: { field: 'iyt', ...y },
          fill: {
            field: 'epoch', type: 'quantitative',
            scale: { type: epochScaleType(first, last), domain: [first, last], scheme: EPOCH_SCHEME },
            legend: { title: 'epoch', values: epochLegendValues(first, last), gradientLength: 120, format: 'd' },
          },
          tooltip: [
            { field: 'setting', type: 'nominal' }, { field: 'layer', type: 'nominal' }, { field: 'epoch', type: 'quantitative' }, { field: 'n', type: 'quantitative', title: 'seeds' },
            { field: 'ixt', type: 'quantitative', title: 'mean I(X;T) (bits)', format: BITS },
            { field: 'ixtLower', type: 'quantitative', title: '95% from', format: BITS }, { field: 'ixtUpper', type: 'quantitative', title: '95% to', format: BITS },
            { field: 'iyt', type: 'quantitative', title: 'mean I(Y;T) (bits)', format: BITS },
            { field: 'iytLower', type: 'quantitative', title: '95% from', format: BITS }, { field: 'iytUpper', type: 'quantitative', title: '95% to', format: BITS },
          ],
        },
      },
    ],
  });
  return {
    id,
    title: 'Averaged information plane',
    caption: `The information plane of ${data.sweep.name} averaged over seeds, a column per setting (${settings.map((setting) => setting.label).join(', ')}) and a row per estimator (${shown.map((panel) => panel.label).join(', ')}).`
      + ' Each layer\'s mean trajectory (a KDE estimate\'s upper bound, the paper\'s f(1); the value of the others) is a line in the layer\'s colour with a dot per logged epoch coloured by epoch;'
      + ` crossed bars are the 95 % t intervals across seeds of I(X;T) and I(Y;T) at ${withBars.size} evenly spaced logged epochs; each drawn seed's own trajectory is a faint line behind (${seedsSentence(data)}).`
      + ' Dashed red lines at 0, H(X) and H(Y).',
    spec,
  };
}

/** I(X;T) and I(Y;T) against epoch with 95 % bands, for the sweep's first estimator panel. */
export function sweepMiEpochsFigure(data: SweepData): Figure {
  const id = 'sweep-mi-epochs';
  const title = `Mutual information against epoch, averaged · ${data.sweep.name}`;
  const panel = panels(data.rows)[0];
  if (!panel) return noData(id, title, 'no finished trial has an information estimate yet');
  const quantityTitle = { ixt: 'I(X;T) (bits)', iyt: 'I(Y;T) (bits)' } as const;
  const means = data.rows.filter((row) => row.estimator === panel.estimator && row.method === panel.method && curveBound(row) && (row.quantity === 'ixt' || row.quantity === 'iyt'))
    .map((row) => ({ kind: 'mean', setting: data.sweep.settings[row.setting]!.label, quantity: quantityTitle[row.quantity as 'ixt' | 'iyt'], layer: row.layer, epoch1: row.epoch + 1, mean: row.mean, lower: row.ciLower ?? row.mean, upper: row.ciUpper ?? row.mean, n: row.n }));
  const seeds = [...data.seedRuns].flatMap(([setting, runs]) => runs.flatMap((run) => run.records.flatMap((record) => record.layers.flatMap((layer) => {
    const estimate = panelEstimate(layer, panel);
    if (!estimate) return [];
    return (['ixt', 'iyt'] as const).filter((q) => Number.isFinite(estimate[q].upper)).map((q) => ({
      kind: 'seed', setting: data.sweep.settings[setting]!.label, quantity: quantityTitle[q], layer: layer.name, trial: run.name, epoch1: record.epoch + 1, value: estimate[q].upper,
    }));
  }))));
  const layers = layerOrder(data);
  const color = { field: 'layer', type: 'nominal', scale: { domain: layers, scheme: LAYER_SCHEME }, legend: { title: 'layer', symbolOpacity: 1, symbolStrokeWidth: 3 } } as const;
  const lastEpoch = Math.max(1, ...means.map((row) => row.epoch1));
  const xAxis = { field: 'epoch1', type: 'quantitative' as const, scale: { type: 'log' as const, nice: false, domain: [1, lastEpoch] }, title: 'epoch + 1' };
  const settings = data.sweep.settings.filter((setting) => (data.info.settings[setting.index]?.trials.length ?? 0) > 0).map((setting) => setting.label);
  return {
    id,
    title: 'Mutual information against epoch, averaged',
    caption: `I(X;T) (top) and I(Y;T) (bottom) of each layer against epoch + 1 (log axis) for ${panel.label}, a column per setting: the mean across seeds as a line, its 95 % t interval as a band,`
      + ` and each drawn seed's own curve faintly (${seedsSentence(data)}).`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      config: { ...FIGURE_CONFIG, axis: { ...FIGURE_CONFIG.axis, grid: true, gridColor: '#eee' } },
      title: { text: title, subtitle: panel.label },
      data: { values: [...seeds, ...means] },
      facet: {
        row: { field: 'quantity', type: 'nominal', sort: Object.values(quantityTitle), header: { title: null, labelFontSize: 12 } },
        column: { field: 'setting', type: 'nominal', sort: settings, header: { title: null, labelFontSize: 12, labelFontWeight: 'bold' } },
      },
      resolve: { scale: { y: 'independent' } },
      spec: {
        width: 300,
        height: 170,
        layer: [
          { name: 'seed_curves', transform: [{ filter: "datum.kind === 'seed'" }], mark: { type: 'line', strokeWidth: 0.7, opacity: 0.3 }, encoding: { x: xAxis, y: { field: 'value', type: 'quantitative', title: 'bits' }, color, detail: { field: 'trial' } } },
          { name: 'bands', transform: [{ filter: "datum.kind === 'mean'" }], mark: { type: 'area', opacity: 0.22 }, encoding: { x: xAxis, y: { field: 'lower', type: 'quantitative', title: 'bits' }, y2: { field: 'upper' }, color } },
          {
            name: 'means',
            transform: [{ filter: "datum.kind === 'mean'" }],
            mark: { type: 'line', strokeWidth: 1.6 },
            encoding: {
              x: xAxis, y: { field: 'mean', type: 'quantitative', title: 'bits' }, color,
              tooltip: [{ field: 'setting' }, { field: 'layer' }, { field: 'epoch1', title: 'epoch + 1' }, { field: 'n', title: 'seeds' }, { field: 'mean', format: BITS }, { field: 'lower', title: '95% from', format: BITS }, { field: 'upper', title: '95% to', format: BITS }],
            },
          },
        ],
      },
    },
  };
}

/** Training curves of the settings side by side: test accuracy and training loss, mean and 95 % band. */
export function sweepTrainingFigure(data: SweepData): Figure {
  const id = 'sweep-training';
  const title = `Training, averaged · ${data.sweep.name}`;
  const names = { test_accuracy: 'test accuracy', train_loss: 'training loss' } as const;
  const rows = data.rows.filter((row) => row.layer === null && (row.quantity === 'test_accuracy' || row.quantity === 'train_loss'))
    .map((row) => ({ setting: data.sweep.settings[row.setting]!.label, quantity: names[row.quantity as keyof typeof names], epoch1: row.epoch + 1, mean: row.mean, lower: row.ciLower ?? row.mean, upper: row.ciUpper ?? row.mean, n: row.n }));
  if (rows.length === 0) return noData(id, title, 'no finished trial yet');
  const settings = data.sweep.settings.map((setting) => setting.label);
  const color = { field: 'setting', type: 'nominal', sort: settings, scale: { scheme: 'set1' }, legend: { title: 'setting' } } as const;
  const lastEpoch = Math.max(1, ...rows.map((row) => row.epoch1));
  const xAxis = { field: 'epoch1', type: 'quantitative' as const, scale: { type: 'log' as const, nice: false, domain: [1, lastEpoch] }, title: 'epoch + 1' };
  return {
    id,
    title: 'Training, averaged',
    caption: 'Test accuracy and training loss against epoch + 1 (log axis), a colour per setting: the mean across seeds as a line and its 95 % t interval as a band.',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      config: { ...FIGURE_CONFIG, axis: { ...FIGURE_CONFIG.axis, grid: true, gridColor: '#eee' } },
      title,
      data: { values: rows },
      facet: { column: { field: 'quantity', type: 'nominal', sort: Object.values(names), header: { title: null, labelFontSize: 12 } } },
      resolve: { scale: { y: 'independent' } },
      spec: {
        width: 320,
        height: 200,
        layer: [
          { name: 'bands', mark: { type: 'area', opacity: 0.2 }, encoding: { x: xAxis, y: { field: 'lower', type: 'quantitative', title: null, scale: { zero: false } }, y2: { field: 'upper' }, color } },
          {
            name: 'means',
            mark: { type: 'line', strokeWidth: 1.6 },
            encoding: { x: xAxis, y: { field: 'mean', type: 'quantitative', title: null }, color, tooltip: [{ field: 'setting' }, { field: 'epoch1', title: 'epoch + 1' }, { field: 'n', title: 'seeds' }, { field: 'mean', format: '.4f' }, { field: 'lower', title: '95% from', format: '.4f' }, { field: 'upper', title: '95% to', format: '.4f' }] },
          },
        ],
      },
    },
  };
}

/** Every figure of a sweep's report. */
export function sweepFigures(data: SweepData): Figure[] {
  return [sweepPlaneFigure(data), sweepMiEpochsFigure(data), sweepTrainingFigure(data)];
}
