/**
 * What the training-dynamics figures share: their sizes, the epoch and signed-log axes, the layer colours,
 * the finite-value filters (NaN in a record is a null in JSON; log axes cannot show values ≤ 0) and the
 * figure that only says why there is nothing to draw.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { EstimateRecord, RunData } from '../../store/index.js';
import { FIGURE_CONFIG, type Figure } from '../figure.js';
import { layerOrder } from './plane-data.js';

/** Sizes of the dynamics figures, pixels. */
export const DYNAMICS_LAYOUT = {
  /** Width of a time-series panel. */
  width: 560,
  /** Height of a time-series panel. */
  panelHeight: 170,
  /** Height of one layer's activation heat map. */
  histogramHeight: 90,
  /** Side of a square scatter panel. */
  scatterSide: 250,
  /** Font size of the test results under a panel title. */
  resultFontSize: 10,
  /** Symbol area of a data point of a series with up to 40 points, and of a denser one (dots that do not hide the line). */
  pointSize: 28,
  densePointSize: 8,
} as const;

type ConcatSpec = Extract<TopLevelSpec, { vconcat: unknown }>;
/** A view that a concatenation holds (unit, layer, facet or concat spec). */
export type View = ConcatSpec['vconcat'][number];
type LayerView = Extract<View, { layer: unknown }>;
/** A view inside a layer. */
export type LayerMember = LayerView['layer'][number];
/** A unit view's encoding and its channel definitions. */
export type Encoding = NonNullable<Extract<View, { mark: unknown }>['encoding']>;
export type PositionDef = NonNullable<Encoding['x']>;
/** One tooltip entry. */
export interface TooltipField { field: string; type: 'nominal' | 'quantitative'; title?: string }

/** A tooltip entry (quantitative values unformatted: the tooltip shows the stored number). */
export const tip = (field: string, type: TooltipField['type'] = 'quantitative', title?: string): TooltipField => ({ field, type, ...(title ? { title } : {}) });

/** The figure config: the shared look. */
export const config = { ...FIGURE_CONFIG, legend: { ...FIGURE_CONFIG.legend, labelLimit: 240 } } as TopLevelSpec['config'];

export const isFiniteNumber = (value: number | null | undefined): value is number => typeof value === 'number' && Number.isFinite(value);
/** A value a log axis can show. */
export const isPositive = (value: number | null | undefined): value is number => isFiniteNumber(value) && value > 0;

/** The figure's title: what it shows, then the run. */
export const runTitle = (what: string, run: RunData): string => `${what} — ${run.name}`;

/** The run's layer names in network order (plane-data.ts's `layerOrder`: the run description, then any recorded only). */
export const layerNames = layerOrder;

/** Colour by layer, in network order. */
export const layerColor = (layers: readonly string[]) => ({ field: 'layer', type: 'nominal', sort: [...layers], title: 'layer' }) as const;

/** The I(X;T) upper bound of a layer's first KDE estimate on concatenated activations, bits (the paper's f(1)). */
export function kdeUpperBits(estimates: readonly EstimateRecord[]): number | undefined {
  return estimates.find((estimate) => estimate.estimator === 'kde' && estimate.method === 'concat')?.ixt.upper;
}

/** Ticks m·10^k within [low, high] for the mantissas m, every `stride`-th decade. */
function decadeTicks(low: number, high: number, mantissas: readonly number[], stride = 1): number[] {
  const ticks: number[] = [];
  for (let decade = Math.floor(Math.log10(low) + 1e-9); decade <= Math.ceil(Math.log10(high) - 1e-9); decade += stride) {
    for (const mantissa of mantissas) {
      const tick = Number((mantissa * 10 ** decade).toPrecision(1));
      if (tick >= low * (1 - 1e-9) && tick <= high * (1 + 1e-9)) ticks.push(tick);
    }
  }
  return ticks;
}

/**
 * Tick values for a log axis from `low` to `high` (both > 0) drawn `length` pixels long: the densest of
 * all digits, 1-2-3-5, 1-2-5 and powers of ten whose neighbouring ticks are at least `spacing` pixels
 * apart, else every second, third, … power. Empty when fewer than three would show (a range within one
 * decade): the renderer's own ticks serve better there.
 */
export function logTicks(low: number, high: number, length: number, spacing: number): number[] {
  if (!(low > 0) || !(high > low)) return [];
  const pixelsPerDecade = length / Math.log10(high / low);
  const apart = (ticks: readonly number[]) => ticks.every((tick, i) => i === 0 || Math.log10(tick / ticks[i - 1]!) * pixelsPerDecade >= spacing);
  for (const mantissas of [[1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 5], [1, 2, 5], [1]]) {
    const ticks = decadeTicks(low, high, mantissas);
    if (apart(ticks)) return ticks.length >= 3 ? ticks : [];
  }
  return decadeTicks(low, high, [1], Math.ceil(spacing / pixelsPerDecade));
}

/** Pixels between labels: up a y axis (one line of text) and along an x axis (a label's width). */
const Y_SPACING = 18;
const X_SPACING = 40;

/** A log y axis over the positive finite `values`: fitted to them (not rounded to decades), with `logTicks`. */
export function logY(field: string, title: string, values: readonly number[]): PositionDef {
  const shown = values.filter(isPositive);
  const ticks = logTicks(Math.min(...shown), Math.max(...shown), DYNAMICS_LAYOUT.panelHeight, Y_SPACING);
  return {
    field,
    type: 'quantitative',
    scale: { type: 'log', nice: false, padding: 6 },
    axis: { title, ...(ticks.length > 0 ? { values: ticks } : {}), format: '~g' },
  };
}

/** Epoch labels short enough to stay apart at the end of a log axis: 500, 1k, 10k. */
const EPOCH_LABEL = "datum.value >= 1000 ? (datum.value / 1000) + 'k' : '' + datum.value";

/**
 * The epoch axis of the time series: logarithmic like the paper's Figures 3 and 4 (the hypothesis tests
 * fit on log epoch); with `withZero`, symmetric-log (log(1 + epoch)) so that epoch 0, the untrained
 * network, has a place too.
 */
export function epochX(epochs: readonly number[], withZero: boolean, width: number = DYNAMICS_LAYOUT.width): PositionDef {
  const last = Math.max(1, ...epochs);
  const first = withZero ? 1 : Math.max(1, Math.min(last, ...epochs.filter((epoch) => epoch > 0)));
  // A few logged epochs are labelled each; many get log-spaced ticks.
  const logged = new Set(epochs.filter((epoch) => withZero || epoch > 0).sort((a, b) => a - b));
  return {
    field: 'epoch',
    type: 'quantitative',
    scale: withZero ? { type: 'symlog', constant: 1, domain: [0, last], nice: false } : { type: 'log', domain: [first, last], nice: false },
    axis: { title: withZero ? 'epoch (log(1 + epoch) scale)' : 'epoch (log scale)', values: logged.size <= 12 ? [...logged] : [...(withZero ? [0] : []), ...logTicks(first, last, width, X_SPACING)], labelExpr: EPOCH_LABEL },
  };
}

/**
 * The scale of a quantity that may take either sign and span decades, such as a loss change: linear over
 * the values' range when they have one sign and span less than two decades; otherwise signed-log (symlog:
 * linear within ±`constant` of 0, logarithmic beyond), its constant the smallest non-zero magnitude but at
 * most four decades below the largest, so that rounding-sized values do not stretch the axis.
 */
export function signedScale(values: readonly number[]): Pick<Extract<PositionDef, { scale?: unknown }>, 'scale' | 'axis'> {
  const finite = values.filter(isFiniteNumber);
  const magnitudes = finite.filter((value) => value !== 0).map(Math.abs);
  if (magnitudes.length === 0) return { scale: { zero: true } };
  const largest = Math.max(...magnitudes);
  const smallest = Math.min(...magnitudes);
  const low = Math.min(...finite);
  const high = Math.max(...finite);
  if ((low > 0 || high < 0) && largest / smallest < 100) {
    const margin = (high - low) * 0.05 || largest * 0.05;
    return { scale: { type: 'linear', domain: [low - margin, high + margin], nice: false, zero: false } };
  }
  const constant = Math.max(smallest, largest * 1e-4);
  const domain = [Math.min(0, low), Math.max(0, high)];
  const decades: number[] = [];
  for (let k = Math.ceil(Math.log10(constant)); 10 ** k <= largest * 1.000001; k++) decades.push(10 ** k);
  // At most three labelled decades per sign: every second or third when there are more.
  const stride = Math.ceil(decades.length / 3);
  const shown = decades.filter((_, i) => (decades.length - 1 - i) % stride === 0);
  const ticks = [0, ...shown.filter((t) => t <= -domain[0]! * 1.000001).map((t) => -t), ...shown.filter((t) => t <= domain[1]! * 1.000001)].sort((a, b) => a - b);
  return {
    scale: { type: 'symlog', constant, domain, nice: false },
    axis: { values: ticks, labelExpr: "datum.value === 0 ? '0' : format(datum.value, '.0e')" },
  };
}

/** A legend inside the plot's top-left corner, on white: where a measured-against-predicted scatter has no points. */
export const cornerLegend = { orient: 'top-left', fillColor: 'rgba(255, 255, 255, 0.85)', padding: 4, labelLimit: 220 } as const;

/** The symbol area of a series of `points` points. */
export const pointSize = (points: number): number => (points <= 40 ? DYNAMICS_LAYOUT.pointSize : DYNAMICS_LAYOUT.densePointSize);

/**
 * Characters of `fontSize` text that fit in `pixels` as the headless renderer measures text (it has no
 * canvas and estimates 0.8 em per character, wider than the font): longer lines would widen the layout.
 */
export const charactersIn = (pixels: number, fontSize: number): number => Math.floor(pixels / (0.8 * fontSize));

/**
 * Lines of at most `width` characters, broken at spaces: long test results as title lines that stay
 * within a panel's width. Several items each start with a bullet, so that a wrapped line reads as the
 * continuation of the one above (vega trims leading spaces, so an indent would not survive).
 */
export function wrapLines(items: readonly string[], width = charactersIn(DYNAMICS_LAYOUT.width, DYNAMICS_LAYOUT.resultFontSize)): string[] {
  return items.flatMap((item) => {
    const wrapped: string[] = [];
    let current = items.length > 1 ? '•' : '';
    for (const word of item.split(' ')) {
      if (current !== '' && current !== '•' && current.length + 1 + word.length > width) {
        wrapped.push(current);
        current = word;
      } else {
        current = current === '' ? word : `${current} ${word}`;
      }
    }
    return [...wrapped, current];
  });
}

/** A figure that says, in its one text mark, why it has nothing to draw. */
export function messageFigure(id: string, title: string, caption: string, message: string): Figure {
  const fontSize = 13;
  const lines = wrapLines([message], charactersIn(DYNAMICS_LAYOUT.width, fontSize));
  return {
    id,
    title,
    caption,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title,
      width: DYNAMICS_LAYOUT.width,
      height: 20 + 18 * lines.length,
      data: { values: [{ message }] },
      mark: { type: 'text', fontSize, color: '#555', align: 'left', baseline: 'top', lineHeight: 18 },
      encoding: { x: { value: 0 }, y: { value: 10 }, text: { value: lines } },
      config: { ...config, view: { stroke: null } },
    },
  };
}

/** Why a run has no finite gradient SNR to draw. */
export const noSnrReason = (run: RunData): string => (run.config.config.batchSize === 'full'
  ? 'no finite gradient SNR: full-batch gradients have no spread (σ = 0, SNR = ∞)'
  : 'no finite gradient SNR logged yet');

/** The message of a run with no logged epoch (the run has just started). */
export const NO_EPOCH = 'no logged epoch yet';
