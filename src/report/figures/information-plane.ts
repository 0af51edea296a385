/**
 * The information plane (the paper's Figure 5, with the KDE bounds as error bars as in its Figures 7 and 9):
 * I(X;T) against I(Y;T), a dot per layer per logged epoch coloured by layer, each epoch's layers joined
 * input side to output by a line coloured by epoch, inside the bounds x = 0, H(X) and y = 0, H(Y).
 * One spec serves one run (a cell per panel) and several (a cell per panel and run).
 */
import type { TopLevelSpec } from 'vega-lite';
import { type EstimateRow, isInterval } from './plane-data.js';
import {
  EPOCH_SCHEME, LAYER_SCHEME, MAX_EPOCHS_WITH_DOTS, barEpochs, epochLegendValues, epochScaleType, facetedPlaneSpec, paddedDomain, planeAxes,
} from './plane-style.js';

/** One cell of the figure: its rows, title and the bounds of the run its rows come from. */
export interface PlaneCell {
  title: string;
  rows: readonly EstimateRow[];
  hX: number;
  hY: number;
}

export interface PlaneSpecInput {
  title: string;
  subtitle?: string;
  cells: readonly PlaneCell[];
  /** Layer names in network order (the layer legend's order). */
  layers: readonly string[];
  /** First and last logged epoch: the colour bar's span. */
  epochs: [number, number];
  columns: number;
}

const BITS = '.4f';

/** The rows of one mark kind, each with its cell: the figure's single data set. */
function planeData(cells: readonly PlaneCell[], xDomain: [number, number], yDomain: [number, number]): Record<string, unknown>[] {
  return cells.flatMap((cell) => {
    const withBars = new Set(barEpochs(cell.rows.map((row) => row.epoch)));
    const dots = cell.rows.filter((row) => row.ixtUpper !== null && row.iytUpper !== null).map((row) => ({
      ...row,
      cell: cell.title,
      kind: 'dot',
      ixtInterval: withBars.has(row.epoch) && isInterval(row.ixtLower, row.ixtUpper),
      iytInterval: withBars.has(row.epoch) && isInterval(row.iytLower, row.iytUpper),
    }));
    const channels = cell.rows.flatMap((row) => row.channels.flatMap((channel, index) => (channel.ixt !== null && channel.iyt !== null
      ? [{ kind: 'channel', cell: cell.title, layer: row.layer, layerIndex: row.layerIndex, epoch: row.epoch, estimator: row.estimator, method: row.method, channel: index, ixt: channel.ixt, iyt: channel.iyt }]
      : [])));
    const bounds = [
      { kind: 'xbound', value: 0 },
      { kind: 'xbound', value: cell.hX, at: yDomain[1], text: 'H(X)' },
      { kind: 'ybound', value: 0 },
      { kind: 'ybound', value: cell.hY, at: xDomain[1], text: 'H(Y)' },
    ].map((bound) => ({ ...bound, cell: cell.title }));
    return [...bounds, ...channels, ...dots, ...epochSegments(cell)];
  });
}

/**
 * Each epoch's line through its layers as segments from one layer's dot to the next (a rule each): one
 * mark for the whole figure, where a line mark grouped by epoch costs a group (and its dataflow) per epoch.
 */
function epochSegments(cell: PlaneCell): Record<string, unknown>[] {
  const byEpoch = new Map<number, EstimateRow[]>();
  for (const row of cell.rows) {
    if (row.ixtUpper === null || row.iytUpper === null) continue;
    const key = row.epoch;
    const list = byEpoch.get(key) ?? [];
    list.push(row);
    byEpoch.set(key, list);
  }
  return [...byEpoch.values()].flatMap((rows) => {
    const ordered = [...rows].sort((a, b) => a.layerIndex - b.layerIndex);
    return ordered.slice(1).map((to, index) => {
      const from = ordered[index]!;
      return { kind: 'segment', cell: cell.title, epoch: to.epoch, from: from.layer, to: to.layer, ixtFrom: from.ixtUpper, iytFrom: from.iytUpper, ixtTo: to.ixtUpper, iytTo: to.iytUpper };
    });
  });
}

/**
 * The information-plane spec of some cells. Dots sit at the upper bounds (the paper's f(1)); where
 * lower and upper differ (KDE) bars span them on both axes; under the mean method a faint ring per
 * channel marks that channel's own upper bounds (the spread the mean hides).
 *
 * @example informationPlaneSpec({ title: 'Information plane · tiny', cells: [{ title: 'kde σ²=0.1', rows, hX: 8.2, hY: 1 }], layers: ['dense_1'], epochs: [0, 6], columns: 1 })
 */
export function informationPlaneSpec(input: PlaneSpecInput): TopLevelSpec {
  const rows = input.cells.flatMap((cell) => cell.rows);
  const xDomain = paddedDomain(rows.flatMap((row) => [row.ixtLower, row.ixtUpper, ...row.channels.map((channel) => channel.ixt)]), input.cells.map((cell) => cell.hX));
  const yDomain = paddedDomain(rows.flatMap((row) => [row.iytLower, row.iytUpper, ...row.channels.map((channel) => channel.iyt)]), input.cells.map((cell) => cell.hY));
  const { x, y } = planeAxes(xDomain, yDomain);
  const layerScale = { domain: [...input.layers], scheme: LAYER_SCHEME };
  // Dots (fill), bars and channel rings (color) share one layer legend: Vega-Lite merges legends of one field.
  const layerLegend = { title: 'layer', symbolType: 'circle', symbolOpacity: 0.9 } as const;
  const [first, last] = input.epochs;
  const tooltip = [
    { field: 'layer', type: 'nominal' },
    { field: 'epoch', type: 'quantitative' },
    { field: 'estimator', type: 'nominal' },
    { field: 'method', type: 'nominal' },
    { field: 'ixtLower', type: 'quantitative', title: 'I(X;T) lower (bits)', format: BITS },
    { field: 'ixtUpper', type: 'quantitative', title: 'I(X;T) upper (bits)', format: BITS },
    { field: 'iytLower', type: 'quantitative', title: 'I(Y;T) lower (bits)', format: BITS },
    { field: 'iytUpper', type: 'quantitative', title: 'I(Y;T) upper (bits)', format: BITS },
  ] as const;
  const dots = { filter: "datum.kind === 'dot'" };
  // Smaller dots when many epochs crowd each layer's track.
  const dotSize = new Set(rows.map((row) => row.epoch)).size > MAX_EPOCHS_WITH_DOTS ? 24 : 40;
  return facetedPlaneSpec({
    title: { text: input.title, ...(input.subtitle ? { subtitle: input.subtitle } : {}) },
    rows: planeData(input.cells, xDomain, yDomain),
    cells: input.cells.map((cell) => cell.title),
    columns: input.columns,
    layers: [
      {
        name: 'channel_points',
        transform: [{ filter: "datum.kind === 'channel'" }],
        mark: { type: 'point', filled: false, size: 16, strokeWidth: 0.8, opacity: 0.55 },
        encoding: {
          x: { field: 'ixt', ...x },
          y: { field: 'iyt', ...y },
          color: { field: 'layer', type: 'nominal', scale: layerScale, legend: layerLegend },
          tooltip: [
            { field: 'layer', type: 'nominal' },
            { field: 'channel', type: 'quantitative' },
            { field: 'epoch', type: 'quantitative' },
            { field: 'estimator', type: 'nominal' },
            { field: 'ixt', type: 'quantitative', title: 'channel I(X;T) upper (bits)', format: BITS },
            { field: 'iyt', type: 'quantitative', title: 'channel I(Y;T) upper (bits)', format: BITS },
          ],
        },
      },
      {
        name: 'epoch_lines',
        transform: [{ filter: "datum.kind === 'segment'" }],
        mark: { type: 'rule', strokeWidth: 1, opacity: 0.75 },
        encoding: {
          x: { field: 'ixtFrom', ...x },
          y: { field: 'iytFrom', ...y },
          x2: { field: 'ixtTo' },
          y2: { field: 'iytTo' },
          stroke: {
            field: 'epoch', type: 'quantitative',
            scale: { type: epochScaleType(first, last), domain: [first, last], scheme: EPOCH_SCHEME },
            legend: { title: 'epoch', values: epochLegendValues(first, last), gradientLength: 120, format: 'd' },
          },
        },
      },
      {
        name: 'ixt_bounds',
        transform: [dots, { filter: 'datum.ixtInterval' }],
        mark: { type: 'rule', strokeWidth: 1, opacity: 0.55 },
        encoding: {
          x: { field: 'ixtLower', ...x },
          x2: { field: 'ixtUpper' },
          y: { field: 'iytUpper', ...y },
          color: { field: 'layer', type: 'nominal', scale: layerScale, legend: layerLegend },
        },
      },
      {
        name: 'iyt_bounds',
        transform: [dots, { filter: 'datum.iytInterval' }],
        mark: { type: 'rule', strokeWidth: 1, opacity: 0.55 },
        encoding: {
          x: { field: 'ixtUpper', ...x },
          y: { field: 'iytLower', ...y },
          y2: { field: 'iytUpper' },
          color: { field: 'layer', type: 'nominal', scale: layerScale, legend: layerLegend },
        },
      },
      {
        name: 'layer_dots',
        transform: [dots],
        mark: { type: 'point', filled: true, size: dotSize, stroke: '#333', strokeWidth: 0.35, opacity: 0.95 },
        encoding: {
          x: { field: 'ixtUpper', ...x },
          y: { field: 'iytUpper', ...y },
          fill: { field: 'layer', type: 'nominal', scale: layerScale, legend: layerLegend },
          tooltip: [...tooltip],
        },
      },
    ],
  });
}
