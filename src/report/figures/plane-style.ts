/**
 * What the information-plane figures share: the look of the H(X)/H(Y) bounds, the layer and epoch
 * colours, axis domains with room for the bounds, and the figure that says there is nothing to draw yet.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { UnitSpec } from 'vega-lite/types_unstable/spec/index.js';
import type { Field } from 'vega-lite/types_unstable/channeldef.js';
import { FIGURE_CONFIG } from '../figure.js';

/** The bounds x = 0, H(X) and y = 0, H(Y) as dashed red lines (the paper's Figure 5). */
export const BOUND_STYLE = { stroke: '#c0392b', strokeDash: [5, 3], strokeWidth: 1.2, opacity: 0.85 };

/** Layer colours: categorical, in network order. */
export const LAYER_SCHEME = 'tableau10' as const;

/** Epoch colours: sequential (epochScaleType says linear or symlog). */
export const EPOCH_SCHEME = 'viridis' as const;

/**
 * The epoch colour scale: symlog when the logged epochs span more than about 1.5 decades (ibnet's log
 * schedule to 10 000), so the first epochs, where most changes, get most of the colours; else linear.
 *
 * @example epochScaleType(0, 10000) // 'symlog'; epochScaleType(0, 20) // 'linear'
 */
export function epochScaleType(first: number, last: number): 'linear' | 'symlog' {
  return (last + 1) / (first + 1) > 30 ? 'symlog' : 'linear';
}

/** Below this many logged epochs, curves against epoch also get a dot per logged epoch. */
export const MAX_EPOCHS_WITH_DOTS = 40;

/** Above this many logged epochs, the plane's bound bars are drawn at this many of them (else they cover the plane). */
export const MAX_EPOCHS_WITH_BARS = 12;

/**
 * The epochs whose bound bars are drawn: all of them, or `max` evenly spaced in rank (logged epochs are
 * already spaced as the schedule chose), the first and the last included.
 *
 * @example barEpochs([0, 1, 2], 12) // [0, 1, 2]
 */
export function barEpochs(epochs: readonly number[], max = MAX_EPOCHS_WITH_BARS): number[] {
  const sorted = [...new Set(epochs)].sort((a, b) => a - b);
  if (sorted.length <= max) return sorted;
  return [...new Set(Array.from({ length: max }, (_, i) => sorted[Math.round((i * (sorted.length - 1)) / (max - 1))]!))];
}

/**
 * A domain that holds every value, the bounds and 0, padded so that rules at its ends stay visible.
 *
 * @example paddedDomain([2, 5, null], [8]) // [-0.32, 8.32]
 */
export function paddedDomain(values: readonly (number | null)[], bounds: readonly number[], padding = 0.04): [number, number] {
  const all = [...values.filter((value): value is number => value !== null && Number.isFinite(value)), ...bounds, 0];
  const low = Math.min(...all);
  const high = Math.max(...all);
  const pad = (high - low || 1) * padding;
  return [low - pad, high + pad];
}

/**
 * Legend values for an epoch colour bar from `first` to `last`: both ends and the powers of ten between
 * (every epoch when there are few), so the bar reads as the logged span.
 *
 * @example epochLegendValues(0, 10000) // [0, 1, 10, 100, 1000, 10000]
 */
export function epochLegendValues(first: number, last: number): number[] {
  if (last - first <= 6) return Array.from({ length: last - first + 1 }, (_, i) => first + i);
  if (epochScaleType(first, last) === 'linear') return [...new Set([first, ...linearTicks(first, last), last])];
  const decades: number[] = [];
  for (let power = 1; power < last; power *= 10) if (power > first) decades.push(power);
  // Drop a decade that would crowd the last label (under a quarter of a decade away on the log axis).
  while (decades.length > 0 && Math.log10(last / decades.at(-1)!) < 0.25) decades.pop();
  return [first, ...decades, last];
}

/** Round steps (1, 2 or 5 × 10ᵏ) strictly inside (first, last), about four of them, none crowding an end. */
function linearTicks(first: number, last: number): number[] {
  const rough = (last - first) / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= rough)!;
  const ticks: number[] = [];
  for (let tick = Math.ceil(first / step) * step; tick < last; tick += step) {
    if (tick - first >= step / 2 && last - tick >= step / 2) ticks.push(tick);
  }
  return ticks;
}

/**
 * A rule across the plot at `value` (on `channel`) for rows of `kind`, and its label (`text`) just
 * outside the frame, at `at` on the other axis (the domain's far end): above the plot for an x rule, to
 * its right for a y rule, where no data point can cover it. `name` names the marks (unique in a spec).
 *
 * @example boundLayers('xbound', 'x') // rows { kind: 'xbound', value: hX, at: yMax, text: 'H(X)' } → a rule and its label
 */
export function boundLayers(kind: string, channel: 'x' | 'y', name = kind): UnitSpec<Field>[] {
  const filter = { filter: `datum.kind === '${kind}'` };
  const other = channel === 'x' ? 'y' : 'x';
  return [
    { name: `${name}_rules`, transform: [filter], mark: { type: 'rule', ...BOUND_STYLE }, encoding: { [channel]: { field: 'value', type: 'quantitative' } } },
    {
      name: `${name}_labels`,
      transform: [filter, { filter: 'datum.text != null' }],
      mark: {
        type: 'text', color: BOUND_STYLE.stroke, fontSize: 11,
        ...(channel === 'x' ? { align: 'center', baseline: 'bottom', dy: -3 } : { align: 'left', baseline: 'middle', dx: 4 }),
      },
      encoding: {
        [channel]: { field: 'value', type: 'quantitative' },
        [other]: { field: 'at', type: 'quantitative' },
        text: { field: 'text' },
      },
    },
  ];
}

/**
 * The figure when there is nothing to draw: its title and one line saying why.
 *
 * @example messageSpec('Information plane · run-1', 'no logged epoch yet')
 */
export function messageSpec(title: string, message: string): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: FIGURE_CONFIG,
    title,
    width: 360,
    height: 80,
    data: { values: [{ message }] },
    mark: { type: 'text', fontSize: 14, color: '#555' },
    encoding: { text: { field: 'message' } },
  };
}

/** Size of one information-plane cell, pixels. */
export const PLANE_CELL = { width: 280, height: 210 } as const;

/**
 * The plane's x and y encodings: I(X;T) and I(Y;T) in bits on fixed domains (every cell the same).
 *
 * @example const { x, y } = planeAxes([0, 12.5], [0, 1.05]); encoding: { x: { field: 'ixt', ...x }, y: { field: 'iyt', ...y } }
 */
export function planeAxes(xDomain: [number, number], yDomain: [number, number]) {
  return {
    x: { type: 'quantitative', scale: { domain: xDomain, nice: false, zero: false }, title: 'I(X;T) (bits)' },
    y: { type: 'quantitative', scale: { domain: yDomain, nice: false, zero: false }, title: 'I(Y;T) (bits)' },
  } as const;
}

/**
 * A faceted information plane — what the run's plane and the sweep's averaged plane both are: one data set
 * (`plane`, each row with its `cell`), a cell per title in order, the H(X)/H(Y) bound layers (rows of kind
 * xbound and ybound) beneath the figure's own `layers`, and axes on every cell.
 *
 * @example facetedPlaneSpec({ title: { text: 'Information plane' }, rows, cells: ['kde σ²=0.1'], columns: 1, layers: [dotLayer] })
 */
export function facetedPlaneSpec(input: { title: { text: string; subtitle?: string | string[] }; rows: readonly Record<string, unknown>[]; cells: readonly string[]; columns: number; layers: readonly unknown[] }): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: { ...FIGURE_CONFIG, axis: { ...FIGURE_CONFIG.axis, grid: true, gridColor: '#eee' } },
    title: input.title,
    datasets: { plane: [...input.rows] },
    data: { name: 'plane' },
    facet: { field: 'cell', type: 'nominal', sort: [...input.cells], header: { title: null, labelFontSize: 12, labelFontWeight: 'bold' } },
    columns: input.columns,
    // Axes on every cell: a wrapped facet would otherwise draw an x axis under an empty last-row cell.
    resolve: { axis: { x: 'independent', y: 'independent' } },
    spec: {
      width: PLANE_CELL.width,
      height: PLANE_CELL.height,
      layer: [...boundLayers('xbound', 'x'), ...boundLayers('ybound', 'y'), ...input.layers],
    },
  } as TopLevelSpec;
}
