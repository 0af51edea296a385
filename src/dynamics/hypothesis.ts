/**
 * The stochastic-gradient hypothesis (paper §2.3.4, after Shwartz-Ziv & Tishby 2017): Tishby saw three
 * events at once — the training loss "kinks", each layer's gradient SNR drops, and I(X;T) stops rising
 * and starts falling (compression). Each event here is a test with a stated null, so a series that gives
 * no evidence is reported as "no kink", "no drop" or "no compression", with the reason:
 *
 * - Kink (loss; SNR): on (log epoch, log value) over logged epochs ≥ 1 with a positive finite value, the
 *   best continuous two-segment line against one line; null "one straight line plus exchangeable noise",
 *   by residual permutation (`kinkPermutationTest`). Detected when p < alpha.
 * - SNR drop: a detected SNR kink whose slope after the breakpoint is lower than before.
 * - Compression: the I(X;T) peak (before the last `tailPoints`) minus the mean of the last `tailPoints`
 *   exceeds max(floorBits, z·noise), noise = the series' own robust point-to-point spread; with KDE
 *   bounds, the lower bound must fall by more than that margin as well. A margin rule, not a p-value.
 * - Coincidence: only when all three were detected; spread = max − min of their positions in the
 *   logged-epoch list (Saxe's schedule is about log-spaced, so a position is about log time); null
 *   "three independent uniform positions", exact p = P(spread ≤ observed). Coincide when p < alpha.
 *
 * These are heuristics with stated assumptions: smooth curvature also rejects "one straight line", and
 * one loss kink is compared with every layer without a multiple-testing correction.
 */
import { invalid } from '../tensor/validate.js';
import {
  kinkPermutationTest, successiveDifferenceNoise, uniformTripleSpreadCdf,
} from './statistics.js';

export interface LayerSeries {
  layer: string;
  /** I(X;T) in bits at each logged epoch (same order as `epochs`): the KDE upper bound, or the only value. */
  ixt: readonly number[];
  /** The KDE lower bound on I(X;T) in bits at each logged epoch, when the estimator brackets it (all NaN: absent). */
  ixtLower?: readonly number[];
  /** The weight matrix's gradient SNR at each logged epoch (NaN where not measured). */
  snr: readonly number[];
}

/** Every setting of the tests; the summary echoes them. */
export interface HypothesisSettings {
  /** Significance level of the kink and coincidence tests. */
  alpha: number;
  /** Residual permutations simulating each kink test's null. */
  permutations: number;
  /** Seed of the permutations (mulberry32); every kink test starts from it. */
  seed: number;
  /** Compression margin in robust noise standard deviations. */
  z: number;
  /** Smallest compression margin, bits. */
  floorBits: number;
  /** Last logged points averaged into the final I(X;T). */
  tailPoints: number;
  /** Fewest usable points for a kink or compression test. */
  minPoints: number;
  /** Fewest points in each segment of the two-segment fit (they share the breakpoint). */
  minSegmentPoints: number;
}

export type HypothesisOptions = Partial<HypothesisSettings>;

/**
 * The defaults of every setting, in one place.
 *
 * @example
 * hypothesisSummary(epochs, loss, layers, { ...HYPOTHESIS_DEFAULTS, permutations: 9999 });
 */
export const HYPOTHESIS_DEFAULTS: Readonly<HypothesisSettings> = Object.freeze({
  alpha: 0.05, permutations: 999, seed: 1, z: 3, floorBits: 0.01, tailPoints: 3, minPoints: 6, minSegmentPoints: 3,
});

/** What every test reports. Absent values are null, so the summary survives JSON. */
export interface TestOutcome {
  /** False when the test could not run (too few points, or an event missing); see `reason`. */
  tested: boolean;
  detected: boolean;
  /** Null when not tested, and always for compression (a margin rule, not a p-value). */
  pValue: number | null;
  /** Which test ran, in words, with its result: "two-segment fit vs one line …, residual permutation p=0.003". */
  test: string;
  /** The outcome in words: why it was not tested or not detected, or what was found. */
  reason: string;
}

export interface EventTest extends TestOutcome {
  /** The event's epoch when detected, else null. */
  epoch: number | null;
  /** Where the test looked (best breakpoint, I(X;T) peak) whether or not detected; null when not tested. */
  candidateEpoch: number | null;
  /** Usable points in the series. */
  points: number;
}

export interface KinkTest extends EventTest {
  /** The best breakpoint's relative SSE improvement over one line. */
  statistic: number | null;
  /** d log(value) / d log(epoch) before and after the breakpoint. */
  slopeBefore: number | null;
  slopeAfter: number | null;
}

export interface CompressionTest extends EventTest {
  peakBits: number | null;
  /** Mean of the last `tailPoints` values. */
  finalBits: number | null;
  dropBits: number | null;
  /** The lower bound's drop between the same epochs; null without lower bounds. */
  lowerDropBits: number | null;
  marginBits: number | null;
  noiseBits: number | null;
  /** Upper − lower bound at the peak, for reference; null without lower bounds. */
  boundGapAtPeakBits: number | null;
}

export interface CoincidenceTest extends TestOutcome {
  /** Positions in the logged-epoch list of the loss kink, the SNR drop and the compression onset. */
  positions: [number, number, number] | null;
  spread: number | null;
  loggedEpochs: number;
}

export interface LayerHypothesis {
  layer: string;
  snrDrop: KinkTest;
  compression: CompressionTest;
  coincidence: CoincidenceTest;
}

export interface HypothesisSummary {
  settings: HypothesisSettings;
  lossKink: KinkTest;
  layers: LayerHypothesis[];
}

const formatP = (p: number): string => (p < 0.001 ? p.toExponential(1) : p.toFixed(3));
const formatSlope = (slope: number): string => slope.toPrecision(3);
const formatBits = (bits: number): string => bits.toFixed(3);

function checkSettings(options: HypothesisOptions): HypothesisSettings {
  const settings = { ...HYPOTHESIS_DEFAULTS, ...options };
  const integerAtLeast = (name: keyof HypothesisSettings, least: number): void => {
    const value = settings[name];
    if (!Number.isSafeInteger(value) || value < least) invalid(`an integer ≥ ${least}`, `options.${name}`, value);
  };
  if (!(settings.alpha > 0 && settings.alpha < 1)) invalid('a number in (0, 1)', 'options.alpha', settings.alpha);
  if (!(settings.z >= 0 && Number.isFinite(settings.z))) invalid('a finite number ≥ 0', 'options.z', settings.z);
  if (!(settings.floorBits >= 0 && Number.isFinite(settings.floorBits))) invalid('a finite number ≥ 0', 'options.floorBits', settings.floorBits);
  integerAtLeast('permutations', 1);
  integerAtLeast('tailPoints', 1);
  integerAtLeast('minSegmentPoints', 2);
  integerAtLeast('minPoints', Math.max(4, 2 * settings.minSegmentPoints - 1, settings.tailPoints + 2));
  if (!Number.isSafeInteger(settings.seed) || settings.seed < 0 || settings.seed >= 2 ** 32) {
    invalid('an integer in [0, 2³²)', 'options.seed', settings.seed);
  }
  return settings;
}

function checkLength(values: readonly number[] | undefined, count: number, name: string): void {
  if (values !== undefined && (!Array.isArray(values) || values.length !== count)) {
    invalid(`an array of ${count} numbers (one per logged epoch)`, name, values);
  }
}

/** The kink test on (log epoch, log value); `what` names the series in the words of the result. */
function kinkTest(epochs: readonly number[], values: readonly number[], what: string, settings: HypothesisSettings): KinkTest {
  const points = epochs.flatMap((epoch, i) => (epoch >= 1 && values[i]! > 0 && Number.isFinite(values[i]) ? [[epoch, values[i]!] as const] : []));
  const test = `two-segment fit vs one line on (log epoch, log ${what}), residual permutation (${settings.permutations}, seed ${settings.seed})`;
  const result = points.length < settings.minPoints ? undefined : kinkPermutationTest(
    points.map(([epoch]) => Math.log(epoch)),
    points.map(([, value]) => Math.log(value)),
    settings,
  );
  if (!result) {
    return {
      tested: false, detected: false, epoch: null, candidateEpoch: null, pValue: null, test, points: points.length,
      reason: `not tested: ${points.length} logged epochs ≥ 1 with a positive finite ${what}, need ${settings.minPoints}`,
      statistic: null, slopeBefore: null, slopeAfter: null,
    };
  }
  const candidateEpoch = points[result.index]![0];
  const detected = result.pValue < settings.alpha;
  const slopes = `slope ${formatSlope(result.slopeBefore)} → ${formatSlope(result.slopeAfter)}`;
  return {
    tested: true,
    detected,
    epoch: detected ? candidateEpoch : null,
    candidateEpoch,
    pValue: result.pValue,
    test: `${test} p=${formatP(result.pValue)}`,
    reason: detected
      ? `kink at epoch ${candidateEpoch}: ${slopes} (p=${formatP(result.pValue)} < ${settings.alpha})`
      : `no kink: p=${formatP(result.pValue)} ≥ ${settings.alpha} (best breakpoint epoch ${candidateEpoch}, ${slopes})`,
    points: points.length,
    statistic: result.relativeImprovement,
    slopeBefore: result.slopeBefore,
    slopeAfter: result.slopeAfter,
  };
}

/** A kink in the SNR counts as a drop only when the slope after it is lower than before. */
function snrDropTest(epochs: readonly number[], snr: readonly number[], settings: HypothesisSettings): KinkTest {
  const kink = kinkTest(epochs, snr, 'SNR', settings);
  if (!kink.detected) return kink.tested ? { ...kink, reason: `no drop: ${kink.reason}` } : kink;
  const slopes = `slope ${formatSlope(kink.slopeBefore!)} → ${formatSlope(kink.slopeAfter!)}`;
  return kink.slopeAfter! < kink.slopeBefore!
    ? { ...kink, reason: `SNR drops at epoch ${kink.epoch}: ${slopes} (p=${formatP(kink.pValue!)} < ${settings.alpha})` }
    : { ...kink, detected: false, epoch: null, reason: `kink but not a drop: the SNR's ${slopes} rises at epoch ${kink.candidateEpoch} (p=${formatP(kink.pValue!)})` };
}

function compressionTest(epochs: readonly number[], series: LayerSeries, settings: HypothesisSettings): CompressionTest {
  // A lower bound with no finite value is a single-valued estimate (nothing brackets it).
  const lower = series.ixtLower?.some(Number.isFinite) ? series.ixtLower : undefined;
  const used = epochs.flatMap((_, i) => (Number.isFinite(series.ixt[i]) && (!lower || Number.isFinite(lower[i])) ? [i] : []));
  const upper = used.map((i) => series.ixt[i]!);
  const bottom = lower ? used.map((i) => lower[i]!) : undefined;
  const { tailPoints, z, floorBits } = settings;
  const test = `drop from the I(X;T) peak to the mean of the last ${tailPoints} > max(${floorBits}, ${z}·noise) bits, noise = 1.4826·MAD(Δ)/√2${lower ? ', both KDE bounds' : ''}`;
  const absent = {
    epoch: null, candidateEpoch: null, pValue: null, peakBits: null, finalBits: null, dropBits: null,
    lowerDropBits: null, marginBits: null, noiseBits: null, boundGapAtPeakBits: null,
  };
  if (used.length < settings.minPoints) {
    return { ...absent, tested: false, detected: false, test, points: used.length, reason: `not tested: ${used.length} logged epochs with a finite I(X;T), need ${settings.minPoints}` };
  }
  // The peak is searched before the tail, so a series still rising at the end has a negative drop.
  const beforeTail = upper.length - tailPoints;
  const peak = upper.slice(0, beforeTail).reduce((best, value, i) => (value > upper[best]! ? i : best), 0);
  const tailMean = (values: readonly number[]): number => values.slice(beforeTail).reduce((a, b) => a + b, 0) / tailPoints;
  const noise = Math.max(successiveDifferenceNoise(upper), bottom ? successiveDifferenceNoise(bottom) : 0);
  const margin = Math.max(floorBits, z * noise);
  const drop = upper[peak]! - tailMean(upper);
  const lowerDrop = bottom ? bottom[peak]! - tailMean(bottom) : null;
  const detected = drop > margin && (lowerDrop === null || lowerDrop > margin);
  const peakEpoch = epochs[used[peak]!]!;
  const numbers = `drop ${formatBits(drop)}${lowerDrop === null ? '' : ` (lower bound ${formatBits(lowerDrop)})`} vs margin ${formatBits(margin)} bits`;
  const reason = detected
    ? `compression from epoch ${peakEpoch}: ${numbers}`
    : drop <= margin
      ? `no compression: ${numbers}`
      : `no compression: the upper bound falls but the lower bound does not, ${numbers}`;
  return {
    ...absent,
    tested: true,
    detected,
    epoch: detected ? peakEpoch : null,
    candidateEpoch: peakEpoch,
    test,
    reason,
    points: used.length,
    peakBits: upper[peak]!,
    finalBits: tailMean(upper),
    dropBits: drop,
    lowerDropBits: lowerDrop,
    marginBits: margin,
    noiseBits: noise,
    boundGapAtPeakBits: bottom ? upper[peak]! - bottom[peak]! : null,
  };
}

function coincidenceTest(epochs: readonly number[], events: readonly [KinkTest, KinkTest, CompressionTest], alpha: number): CoincidenceTest {
  const n = epochs.length;
  const test = `spread of the three events' positions among ${n} logged epochs vs three independent uniform positions, exact P(spread ≤ observed)`;
  const missing = (['no loss kink', 'no SNR drop', 'no compression'] as const).filter((_, i) => !events[i]!.detected);
  if (missing.length > 0) {
    return { tested: false, detected: false, pValue: null, test, reason: `not tested: ${missing.join(', ')}`, positions: null, spread: null, loggedEpochs: n };
  }
  const positions = events.map((event) => epochs.indexOf(event.epoch!)) as [number, number, number];
  const spread = Math.max(...positions) - Math.min(...positions);
  const pValue = uniformTripleSpreadCdf(n, spread);
  const detected = pValue < alpha;
  return {
    tested: true,
    detected,
    pValue,
    test: `${test} p=${formatP(pValue)}`,
    reason: `${detected ? 'coincide' : 'do not coincide'}: spread ${spread} logged epochs (p=${formatP(pValue)} ${detected ? '<' : '≥'} ${alpha})`,
    positions,
    spread,
    loggedEpochs: n,
  };
}

/**
 * Tests the three events of the stochastic-gradient hypothesis per layer, and whether they coincide.
 * `epochs` are the logged epochs in increasing order; every series has one value per logged epoch.
 * Deterministic for given settings (the permutations are seeded). The result is plain JSON.
 *
 * @example
 * const summary = hypothesisSummary([0, 1, 2, 4, 8, 16, 32, 64], trainLoss, [{ layer: 'dense_1', ixt, snr }]);
 * summary.lossKink.detected;            // true when p < 0.05
 * summary.layers[0].compression.reason; // e.g. "no compression: drop 0.004 vs margin 0.030 bits"
 */
export function hypothesisSummary(
  epochs: readonly number[],
  trainLoss: readonly number[],
  layers: readonly LayerSeries[],
  options: HypothesisOptions = {},
): HypothesisSummary {
  const settings = checkSettings(options);
  if (!epochs.every((epoch, i) => Number.isFinite(epoch) && (i === 0 || epoch > epochs[i - 1]!))) {
    invalid('strictly increasing logged epochs', 'epochs', epochs);
  }
  checkLength(trainLoss, epochs.length, 'trainLoss');
  layers.forEach((series, i) => {
    checkLength(series.ixt, epochs.length, `layers[${i}].ixt`);
    checkLength(series.ixtLower, epochs.length, `layers[${i}].ixtLower`);
    checkLength(series.snr, epochs.length, `layers[${i}].snr`);
  });
  const lossKink = kinkTest(epochs, trainLoss, 'training loss', settings);
  return {
    settings,
    lossKink,
    layers: layers.map((series) => {
      const snrDrop = snrDropTest(epochs, series.snr, settings);
      const compression = compressionTest(epochs, series, settings);
      return { layer: series.layer, snrDrop, compression, coincidence: coincidenceTest(epochs, [lossKink, snrDrop, compression], settings.alpha) };
    }),
  };
}
