/**
 * Class clustering beside I(X;T): per layer (a column each), the layer's I(X;T), the silhouette of its
 * probe representations under the class labels and their within/between class distance ratio
 * (src/info/clustering.ts), against one shared epoch axis. Goldfeld et al. (2019) read compression in a
 * deterministic network as the clustering of each class's representations; stacked this way, a fall of
 * I(X;T) sits above the silhouette's rise and the ratio's fall when the two are one motion.
 */
import { pearson } from '../../dynamics/index.js';
import type { EstimateRecord, RunData } from '../../store/index.js';
import type { Figure } from '../figure.js';
import {
  type LayerMember, NO_EPOCH, type PositionDef, type View, config, epochX, isFiniteNumber, layerColor, layerNames, messageFigure, runTitle, tip,
} from './dynamics-common.js';
import { estimatorLabel, finite } from './plane-data.js';
import { seriesPanel } from './series-panel.js';

export const CLUSTERING_FIGURE_ID = 'class-clustering';

/** Sizes, pixels: the columns share a width that fits six layers, within these limits; the height fits the vertical y-axis titles. */
const LAYOUT = { totalWidth: 1080, minWidth: 130, maxWidth: 210, height: 140, labelSpacing: 34 } as const;

/** One layer at one logged epoch. */
interface ClusteringRow {
  layer: string;
  epoch: number;
  ixt: number | null;
  silhouette: number | null;
  distanceRatio: number | null;
  samples: number;
}

/**
 * The rows of the figure, top to bottom: the score, its axis title, the level meaning "no class
 * structure" (a grey rule), whether the columns share one y domain, and the least span of a domain.
 * I(X;T) differs by bits between layers and each layer's motion is what matters: its own domain, at
 * least half a bit (a saturated layer's 12.000 is not stretched to fill the panel).
 */
const QUANTITIES = [
  { key: 'ixt', title: 'I(X;T) (bits)', baseline: undefined, shared: false, minSpan: 0.5 },
  { key: 'silhouette', title: 'silhouette', baseline: 0, shared: true, minSpan: 0.05 },
  { key: 'distanceRatio', title: 'distance ratio', baseline: 1, shared: true, minSpan: 0.05 },
] as const;

/** The estimate whose I(X;T) the figure shows: the first KDE estimate on concatenated activations, else the first. */
function informationEstimate(estimates: readonly EstimateRecord[]): EstimateRecord | undefined {
  return estimates.find((estimate) => estimate.estimator === 'kde' && estimate.method === 'concat') ?? estimates[0];
}

/** A domain around the finite values, padded by 6 % and at least `minSpan` wide (not stretched to 0: the motion is what matters). */
function fittedDomain(values: readonly (number | null)[], minSpan: number): [number, number] {
  const shown = values.filter(isFiniteNumber);
  if (shown.length === 0) return [0, 1];
  const low = Math.min(...shown);
  const high = Math.max(...shown);
  const pad = Math.max(0.06 * (high - low), (minSpan - (high - low)) / 2);
  return [low - pad, high + pad];
}

/**
 * Logged epochs to label on a log(1 + epoch) axis `width` pixels long: each at least `spacing` pixels from
 * the one before, the last kept in place of a neighbour that crowds it.
 */
function spacedEpochs(epochs: readonly number[], width: number, spacing: number): number[] {
  const sorted = [...new Set(epochs)].sort((a, b) => a - b);
  const last = sorted.at(-1) ?? 0;
  const at = (epoch: number): number => (last > 0 ? (Math.log1p(epoch) / Math.log1p(last)) * width : 0);
  const kept: number[] = [];
  for (const epoch of sorted) {
    if (kept.length === 0 || at(epoch) - at(kept.at(-1)!) >= spacing) kept.push(epoch);
  }
  if (kept.at(-1) !== last) kept[kept.length - 1] = last;
  return kept;
}

/**
 * The class-clustering figure: a column per layer with a recorded clustering score, its I(X;T), silhouette
 * and distance ratio stacked on a shared log(1 + epoch) axis. Where summary.json found the layer's
 * compression, a dashed rule marks its onset and each score's panel is titled with its Pearson
 * correlation with I(X;T) from the onset on.
 *
 * @example
 * const figure = clusteringFigure(readRun('runs/ibnet-tanh')); // figure.spec: 3 rows × one column per layer
 */
export function clusteringFigure(run: RunData): Figure {
  const title = runTitle('Class clustering beside I(X;T)', run);
  const samples = run.records.flatMap((record) => record.layers.flatMap((layer) => (layer.clustering ? [layer.clustering.samples] : [])));
  const sampleText = samples.length === 0 ? 'the first probe samples' : `the first ${Math.max(...samples)} probe samples`;
  const shown = run.records.flatMap((record) => record.layers.map((layer) => informationEstimate(layer.estimates))).find((estimate) => estimate !== undefined);
  const information = shown ? `${estimatorLabel(shown)}${shown.estimator === 'kde' ? ' upper bound' : ''}` : 'first estimator';
  const caption = `Per layer (columns), against epoch on one log(1 + epoch) axis: top, its I(X;T) (${information}, bits, each layer on its own axis); middle, the mean `
    + 'silhouette of its representations with the classes as clusters (Rousseeuw 1987: 1 tight, separated classes; 0, the grey line, overlapping ones); bottom, '
    + 'the mean distance between samples of one class over that between samples of different classes (1, the grey line: no class structure); both with '
    + `Euclidean distances on ${sampleText}, on one axis per row. Goldfeld et al. (2019) explain compression in the information plane as this clustering: `
    + 'where it is, I(X;T) falls while the silhouette rises and the ratio falls. The dashed rule is the compression onset that summary.json\'s test found '
    + '(the hypothesis figure), and r the Pearson correlation of the score with I(X;T) over the logged epochs from it on: near −1 for the silhouette and +1 '
    + 'for the ratio when the fall of I(X;T) is the classes clustering; near 0, or flat scores, when it is something else.';
  if (run.records.length === 0) return messageFigure(CLUSTERING_FIGURE_ID, title, caption, NO_EPOCH);
  const rows: ClusteringRow[] = run.records.flatMap((record) => record.layers.flatMap((layer) => (layer.clustering ? [{
    layer: layer.name,
    epoch: record.epoch,
    ixt: finite(informationEstimate(layer.estimates)?.ixt.upper),
    silhouette: finite(layer.clustering.silhouette),
    distanceRatio: finite(layer.clustering.distanceRatio),
    samples: layer.clustering.samples,
  }] : [])));
  if (rows.length === 0) return messageFigure(CLUSTERING_FIGURE_ID, title, caption, 'no clustering scores recorded (config clustering.samples is 0, or the run was written before them)');
  const allLayers = layerNames(run);
  const layers = allLayers.filter((name) => rows.some((row) => row.layer === name));
  const compressions = layers.map((layer) => run.summary?.layers.find((result) => result.layer === layer)?.compression);
  const onsets = compressions.map((compression) => (compression?.detected ? compression.epoch : null));
  const compressionText = (column: number): string => {
    const compression = compressions[column];
    if (!run.summary) return 'no summary yet';
    return compression?.detected ? `compression from epoch ${compression.epoch}` : compression?.tested ? 'no compression found' : 'compression not tested';
  };
  const width = Math.max(LAYOUT.minWidth, Math.min(LAYOUT.maxWidth, Math.floor(LAYOUT.totalWidth / layers.length)));
  const epochs = rows.map((row) => row.epoch);
  const shared = epochX(epochs, true, width) as Extract<PositionDef, { axis?: unknown }>;
  const color = { ...layerColor(allLayers), legend: null };
  const tooltip = [tip('layer', 'nominal'), tip('epoch'), tip('ixt', 'quantitative', 'I(X;T) (bits)'), tip('silhouette'), tip('distanceRatio', 'quantitative', 'distance ratio'), tip('samples')];
  // Row-major cells of one grid (concat with a column per layer), so that every column lines up across the rows.
  const panels: View[] = QUANTITIES.flatMap((quantity, row) => {
    const rowDomain = fittedDomain(rows.map((r) => r[quantity.key]), quantity.minSpan);
    const bottom = row === QUANTITIES.length - 1;
    return layers.map((layer, column): View => {
      const own = rows.filter((r) => r.layer === layer && r[quantity.key] !== null);
      const onset = onsets[column];
      const compressing = own.filter((r) => onset !== null && r.epoch >= onset!);
      const r = quantity.key === 'ixt' ? undefined : pearson(compressing.map((o) => o.ixt ?? Number.NaN), compressing.map((o) => o[quantity.key] as number));
      const yDomain = quantity.shared ? rowDomain : fittedDomain(own.map((o) => o[quantity.key]), quantity.minSpan);
      const x: PositionDef = {
        ...shared,
        axis: { ...shared.axis, values: spacedEpochs(epochs, width, LAYOUT.labelSpacing), title: bottom && column === 0 ? 'epoch (log(1 + e))' : null, labels: bottom },
      };
      const y: PositionDef = {
        field: quantity.key, type: 'quantitative', scale: { domain: yDomain, nice: false, zero: false },
        // End labels within 8 px of the frame are drawn inside it, so every panel's bounds, and the columns' titles, stay level.
        axis: { title: column === 0 ? quantity.title : null, labels: column === 0 || !quantity.shared, labelFlush: 8, tickCount: 4, format: '~g' },
      };
      const below: LayerMember[] = [];
      if (quantity.baseline !== undefined && quantity.baseline >= yDomain[0] && quantity.baseline <= yDomain[1]) {
        below.push({ data: { values: [{}] }, mark: { type: 'rule', color: '#999', strokeWidth: 0.8 }, encoding: { y: { datum: quantity.baseline, type: 'quantitative' } } });
      }
      if (onset !== null) {
        below.push({
          name: `clustering_${quantity.key}_${column}_onset`, data: { values: [{ epoch: onset }] },
          mark: { type: 'rule', color: '#777', strokeDash: [4, 3], strokeWidth: 1 }, encoding: { x },
        });
      }
      const heading = row === 0
        ? { text: layer, subtitle: [compressionText(column)], subtitleFontSize: 10, subtitleColor: '#444' }
        : r === undefined ? ' ' : `r = ${r.toFixed(2).replace('-', '−')}`;
      return seriesPanel({ name: `clustering_${quantity.key}_${column}`, title: heading, rows: own, x, y, color, tooltip, width, height: LAYOUT.height, below });
    });
  });
  return {
    id: CLUSTERING_FIGURE_ID,
    title,
    caption,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: { text: title, subtitle: `I(X;T): ${information}; silhouette and distance ratio on ${sampleText}; r: their correlation with I(X;T) from the compression onset on` },
      concat: panels,
      columns: layers.length,
      resolve: { scale: { x: 'shared', color: 'shared', y: 'independent' } },
      config,
    },
  };
}
