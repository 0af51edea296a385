/**
 * Activation histograms over training: per layer a heat map whose columns are the logged epochs and whose
 * cells are that epoch's histogram bins. Each epoch's bins span its own [min, max] (they differ between
 * epochs), so every cell is a rect from its bin's lower to upper edge. The data stay one row per layer
 * and epoch (the counts as an array); the spec's transforms make the cells.
 */
import type { RunData } from '../../store/index.js';
import type { Figure } from '../figure.js';
import { DYNAMICS_LAYOUT, NO_EPOCH, type View, config, isFiniteNumber, layerNames, messageFigure, runTitle, tip } from './dynamics-common.js';

export const HISTOGRAM_FIGURE_ID = 'activation-histograms';

/** One layer's histogram at one logged epoch. */
interface HistogramRow {
  layer: string;
  epoch: number;
  min: number;
  max: number;
  bins: number;
  counts: number[];
}

/**
 * The cells of a row: bin k (1-based, in the counts' order) spans min + (k − 1)·width to min + k·width,
 * width = (max − min)/bins; share = count / all counts of that layer and epoch.
 */
const cells = (): NonNullable<Extract<View, { mark: unknown }>['transform']> => [
  { flatten: ['counts'], as: ['count'] },
  // Without a sort the window numbers rows in the order flatten emits them: the counts' order.
  { window: [{ op: 'row_number', as: 'bin' }], groupby: ['layer', 'epoch'] },
  { joinaggregate: [{ op: 'sum', field: 'count', as: 'activations' }], groupby: ['layer', 'epoch'] },
  { calculate: 'datum.min + (datum.bin - 1) * (datum.max - datum.min) / datum.bins', as: 'lower' },
  { calculate: 'datum.min + datum.bin * (datum.max - datum.min) / datum.bins', as: 'upper' },
  { calculate: 'datum.count / datum.activations', as: 'share' },
  // The share again, for the stroke: a field of its own keeps the colour legend a gradient.
  { calculate: 'datum.share', as: 'outline' },
];

/** Most logged epochs drawn as columns. */
const MAX_COLUMNS = 32;

/** `count` items spread evenly over `items` (all of them when there are no more), first and last included. */
function evenlySpaced<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  return [...new Set(Array.from({ length: count }, (_, i) => Math.round((i * (items.length - 1)) / (count - 1))))].map((i) => items[i]!);
}

/**
 * The activation-histogram figure: one heat map per layer (x = logged epoch, y = activation value,
 * colour = share of the layer's activations in the bin, log scale; empty bins white).
 *
 * @example
 * const figure = histogramFigure(readRun('runs/fig5-mlp'));
 */
export function histogramFigure(run: RunData): Figure {
  const title = runTitle('Activation histograms', run);
  const thinned = run.records.length > MAX_COLUMNS ? ` Of the ${run.records.length} logged epochs, ${MAX_COLUMNS} evenly spaced ones (the first and the last among them) are drawn.` : '';
  const caption = 'Per layer and logged epoch, the histogram of the probe activations (all samples and units): each column is one logged epoch, each cell one bin '
    + 'from its lower to its upper edge (an epoch\'s bins span that epoch\'s min..max), its colour the share of the layer\'s activations in the bin on a log '
    + `scale; empty bins are white.${thinned}`;
  if (run.records.length === 0) return messageFigure(HISTOGRAM_FIGURE_ID, title, caption, NO_EPOCH);
  // At most MAX_COLUMNS columns, evenly spaced over the logged epochs (first and last kept): 212 epochs
  // × 6 layers × 50 bins were 63 600 cells, a 26 MB SVG that took 4 s to draw, for columns 2 px wide.
  const records = evenlySpaced(run.records, MAX_COLUMNS);
  const rows: HistogramRow[] = records.flatMap((record) => record.layers.flatMap(({ name, histogram }) => (
    isFiniteNumber(histogram.min) && isFiniteNumber(histogram.max) && histogram.counts.length > 0
      ? [{ layer: name, epoch: record.epoch, min: histogram.min, max: histogram.max, bins: histogram.counts.length, counts: histogram.counts }] : [])));
  if (rows.length === 0) return messageFigure(HISTOGRAM_FIGURE_ID, title, caption, 'no activation histogram recorded');
  const shares = rows.flatMap((row) => {
    const total = row.counts.reduce((sum, count) => sum + count, 0);
    return total > 0 ? row.counts.filter((count) => count > 0).map((count) => count / total) : [];
  });
  // An explicit domain: the log colour scale must not see the empty bins' 0 (they are drawn white).
  const shareDomain = [Math.min(...shares), Math.max(...shares)];
  const shareColor = {
    condition: { test: 'datum.count === 0', value: 'white' },
    field: 'share', type: 'quantitative', scale: { type: 'log', domain: shareDomain, scheme: 'viridis' },
  } as const;
  const epochs = [...new Set(rows.map((row) => row.epoch))].sort((a, b) => a - b);
  const labelStride = Math.ceil(epochs.length / 16);
  const panels: View[] = layerNames(run).filter((layer) => rows.some((row) => row.layer === layer)).map((layer, index, shown) => ({
    name: `histogram_${index}`,
    title: { text: layer, fontSize: 12 },
    width: DYNAMICS_LAYOUT.width,
    height: DYNAMICS_LAYOUT.histogramHeight,
    data: { values: rows.filter((row) => row.layer === layer) },
    transform: cells(),
    mark: { type: 'rect' },
    encoding: {
      x: {
        field: 'epoch', type: 'ordinal', sort: epochs, scale: { domain: epochs, paddingInner: 0 },
        // Every logged epoch is a column; at most about 16 are labelled, and only under the last panel.
        axis: index === shown.length - 1 ? { title: 'logged epoch (one column each)', labelAngle: 0, values: epochs.filter((_, i) => i % labelStride === 0) } : { title: null, labels: false, ticks: false },
      },
      y: { field: 'lower', type: 'quantitative', scale: { zero: false, nice: false }, axis: { title: 'activation', tickCount: 4 } },
      y2: { field: 'upper' },
      color: { ...shareColor, legend: { title: 'share of bin', format: '.0e', gradientLength: 160 } },
      // The fill's colour as a hairline stroke too: no light seams between neighbouring cells.
      stroke: { ...shareColor, field: 'outline', legend: null },
      strokeWidth: { value: 0.4 },
      tooltip: [tip('layer', 'nominal'), tip('epoch'), tip('bin'), tip('lower', 'quantitative', 'bin from'), tip('upper', 'quantitative', 'bin to'), tip('count'), tip('share')],
    },
  }));
  return {
    id: HISTOGRAM_FIGURE_ID,
    title,
    caption,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title,
      vconcat: panels,
      spacing: 12,
      resolve: { scale: { x: 'shared', color: 'shared', y: 'independent' } },
      config: { ...config, view: { stroke: null } },
    },
  };
}
