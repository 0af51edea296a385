/**
 * Small statistics over per-epoch series: correlation, a seeded generator, the two-segment (hinge) fit
 * with its residual-permutation test, a robust noise scale, and the exact spread distribution of three
 * uniform positions. Plain numbers in, plain numbers out; the hypothesis summary builds on these.
 */
import { invalid } from '../tensor/validate.js';

/**
 * Pearson's correlation of paired finite values; undefined with fewer than 3 pairs or no variance.
 *
 * @example
 * pearson([1, 2, 3, 4], [2, 4, 6, 8]); // 1
 */
export function pearson(xs: readonly number[], ys: readonly number[]): number | undefined {
  const pairs = xs.map((x, i) => [x, ys[i]!] as const).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  if (pairs.length < 3) return undefined;
  const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
  const mx = mean(pairs.map(([x]) => x));
  const my = mean(pairs.map(([, y]) => y));
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const [x, y] of pairs) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
    syy += (y - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? undefined : sxy / Math.sqrt(sxx * syy);
}

/**
 * mulberry32 (Tommy Ettinger, 2017): a generator with 32 bits of state, uniform in [0, 1). Small and
 * fast; enough for shuffling residuals, not for cryptography.
 *
 * @example
 * const random = mulberry32(1);
 * random(); // 0.6270739405881613, the same for every run with seed 1
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** The best two-segment fit of a series: where its straight-line trend changes slope. */
export interface TwoSegmentFit {
  /** The breakpoint: the segments are the points [0, index] and [index, n), meeting at xs[index]. */
  index: number;
  /** (SSE of one line − SSE of the two segments) / SSE of one line, in [0, 1]; 0 for an exact line. */
  relativeImprovement: number;
  /** Slope of the segment up to the breakpoint and of the one after it. */
  slopeBefore: number;
  slopeAfter: number;
}

/** The one-line fit and the candidate hinges, each reduced to what the test needs. */
interface HingeDesign {
  /** x − mean(x), and its sum of squares. */
  centered: Float64Array;
  sxx: number;
  hinges: {
    index: number;
    /** The hinge regressor (x − x_k)₊ with [1, x] projected out, scaled to unit length. */
    unit: Float64Array;
    /** Its length before scaling, and the slope of (x − x_k)₊ on x. */
    norm: number;
    slopeOnX: number;
  }[];
}

// Breakpoints at the logged points k with at least `minSegmentPoints` points in [0, k] and in [k, n).
function hingeDesign(xs: readonly number[], minSegmentPoints: number): HingeDesign {
  const n = xs.length;
  const meanX = xs.reduce((a, b) => a + b, 0) / n;
  const centered = Float64Array.from(xs, (x) => x - meanX);
  const sxx = centered.reduce((sum, c) => sum + c * c, 0);
  const hinges: HingeDesign['hinges'] = [];
  for (let k = minSegmentPoints - 1; k <= n - minSegmentPoints; k++) {
    const hinge = Float64Array.from(xs, (x) => Math.max(0, x - xs[k]!));
    const meanHinge = hinge.reduce((a, b) => a + b, 0) / n;
    const slopeOnX = hinge.reduce((sum, h, i) => sum + centered[i]! * h, 0) / sxx;
    const reduced = hinge.map((h, i) => h - meanHinge - slopeOnX * centered[i]!);
    const norm = Math.sqrt(reduced.reduce((sum, u) => sum + u * u, 0));
    const spread = Math.sqrt(hinge.reduce((sum, h) => sum + (h - meanHinge) ** 2, 0));
    // A hinge (almost) in the span of [1, x] cannot bend the line.
    if (!(norm > 1e-9 * spread)) continue;
    hinges.push({ index: k, unit: reduced.map((u) => u / norm), norm, slopeOnX });
  }
  return { centered, sxx, hinges };
}

/** The hinge that removes the most of a one-line residual, and how much (squared projection). */
function bestHinge(design: HingeDesign, residual: Float64Array): { hinge: number; projection: number } {
  let hinge = 0;
  let best = -1;
  let projection = 0;
  design.hinges.forEach(({ unit }, h) => {
    let dot = 0;
    for (let i = 0; i < residual.length; i++) dot += unit[i]! * residual[i]!;
    if (dot * dot > best) {
      best = dot * dot;
      hinge = h;
      projection = dot;
    }
  });
  return { hinge, projection };
}

function checkSeries(xs: readonly number[], ys: readonly number[]): void {
  if (!xs.every((x, i) => Number.isFinite(x) && (i === 0 || x > xs[i - 1]!))) invalid('strictly increasing finite numbers', 'xs', xs);
  if (ys.length !== xs.length || !ys.every(Number.isFinite)) invalid(`${xs.length} finite numbers (one per x)`, 'ys', ys);
}

/** The one-line least-squares fit of ys: its residual, slope, and residual and total sums of squares. */
function lineResidual(design: HingeDesign, ys: readonly number[]): { residual: Float64Array; slope: number; rss: number; tss: number } {
  const meanY = ys.reduce((a, b) => a + b, 0) / ys.length;
  const slope = ys.reduce((sum, y, i) => sum + design.centered[i]! * y, 0) / design.sxx;
  const residual = Float64Array.from(ys, (y, i) => y - meanY - slope * design.centered[i]!);
  return {
    residual,
    slope,
    rss: residual.reduce((sum, r) => sum + r * r, 0),
    tss: ys.reduce((sum, y) => sum + (y - meanY) ** 2, 0),
  };
}

/**
 * The continuous two-segment fit y ≈ a + b·x + c·(x − x_k)₊ with the breakpoint x_k at a data point,
 * against one line y ≈ a + b·x. By the Frisch–Waugh–Lovell theorem (Davidson & MacKinnon 2004, §2.4) the
 * hinge's SSE reduction is (r·h̃)²/(h̃·h̃), with r the line's residual and h̃ the hinge with [1, x]
 * projected out; its coefficient is c = r·h̃/(h̃·h̃), so the slopes are b_line − c·g_k and that plus c
 * (g_k: slope of the hinge on x). One pass per breakpoint, and the same projections serve the test.
 */
function fitWith(design: HingeDesign, ys: readonly number[]): { fit: TwoSegmentFit; residual: Float64Array } {
  const { residual, slope, rss, tss } = lineResidual(design, ys);
  const { hinge, projection } = bestHinge(design, residual);
  const chosen = design.hinges[hinge]!;
  // An exact line to rounding: nothing to improve, and no slope change.
  const isLine = rss <= 1e-20 * tss || rss === 0;
  const change = isLine ? 0 : projection / chosen.norm;
  const slopeBefore = slope - change * chosen.slopeOnX;
  return {
    fit: { index: chosen.index, relativeImprovement: isLine ? 0 : Math.min(1, (projection * projection) / rss), slopeBefore, slopeAfter: slopeBefore + change },
    residual,
  };
}

/**
 * The best continuous two-segment straight-line fit (least squares; the segments meet at a data point
 * and each holds at least `minSegmentPoints` points, sharing the breakpoint). xs must increase strictly.
 * Undefined when no breakpoint fits (fewer than max(4, 2·minSegmentPoints − 1) points).
 *
 * @example
 * twoSegmentFit([0, 1, 2, 3, 4, 5], [0, 1, 2, 3, 3, 3]);
 * // { index: 3, relativeImprovement: 1, slopeBefore: 1, slopeAfter: 0 } (to rounding)
 */
export function twoSegmentFit(xs: readonly number[], ys: readonly number[], minSegmentPoints = 2): TwoSegmentFit | undefined {
  checkSeries(xs, ys);
  if (xs.length < Math.max(4, 2 * minSegmentPoints - 1)) return undefined;
  const design = hingeDesign(xs, minSegmentPoints);
  return design.hinges.length === 0 ? undefined : fitWith(design, ys).fit;
}

/**
 * The index b that best splits the series into two straight segments [0, b] and [b, n) that meet at
 * xs[b] (least total squared error; each segment at least two points): where the trend changes, e.g. the
 * kink of a loss curve on log–log axes. Undefined with fewer than 4 points.
 *
 * @example
 * breakpoint([0, 1, 2, 3, 4, 5], [5, 4, 3, 2, 2, 2]); // 3
 */
export function breakpoint(xs: readonly number[], ys: readonly number[]): number | undefined {
  return twoSegmentFit(xs, ys, 2)?.index;
}

/** The two-segment fit with the p-value of its permutation test. */
export interface KinkPermutationTest extends TwoSegmentFit {
  pValue: number;
}

/**
 * Tests "ys is one straight line in xs plus exchangeable noise" against a two-segment line. Statistic: the
 * best breakpoint's relative SSE improvement. Searching the breakpoint makes the F distribution wrong
 * (the breakpoint exists only under the alternative: Davies 1987, Biometrika 74:33), so the null
 * distribution is simulated instead, by permuting the line's residuals (Freedman & Lane 1983; Winkler et
 * al. 2014, NeuroImage 92:381, Table 2): y* = line fit + shuffled residuals, refit with the best
 * breakpoint each time. p = (1 + #{null ≥ observed}) / (1 + permutations) (Phipson & Smyth 2010).
 * Deterministic for a given seed. Undefined when `twoSegmentFit` is.
 *
 * Rejecting says the series is not one line plus exchangeable noise; smooth curvature or correlated
 * noise rejects it too, so a small p is evidence of a change of trend, not proof of a sharp kink.
 *
 * @example
 * const xs = [0, 1, 2, 3, 4, 5, 6, 7];
 * kinkPermutationTest(xs, xs.map((x) => Math.min(x, 4) + 0.01 * Math.sin(7 * x)), { permutations: 999, seed: 1, minSegmentPoints: 3 });
 * // index 4, slopes ≈ 1 then ≈ 0, pValue 0.001 (no shuffle of the residuals fits as well)
 */
export function kinkPermutationTest(
  xs: readonly number[],
  ys: readonly number[],
  options: { permutations: number; seed: number; minSegmentPoints: number },
): KinkPermutationTest | undefined {
  checkSeries(xs, ys);
  if (xs.length < Math.max(4, 2 * options.minSegmentPoints - 1)) return undefined;
  const design = hingeDesign(xs, options.minSegmentPoints);
  if (design.hinges.length === 0) return undefined;
  const { fit, residual } = fitWith(design, ys);
  if (fit.relativeImprovement === 0) return { ...fit, pValue: 1 };
  const random = mulberry32(options.seed);
  const shuffled = Float64Array.from(residual);
  // A relative tolerance so that a shuffle reproducing the observed fit counts as "≥" despite rounding.
  const threshold = fit.relativeImprovement * (1 - 1e-9);
  let atLeast = 0;
  for (let p = 0; p < options.permutations; p++) {
    // Fisher–Yates (Knuth, TAOCP vol. 2, §3.4.2, Algorithm P); a shuffle of a shuffle is still uniform.
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const swap = shuffled[i]!;
      shuffled[i] = shuffled[j]!;
      shuffled[j] = swap;
    }
    // The line fit of (fit + shuffled residuals) leaves the shuffled residuals minus their own slope on x
    // (their mean is already 0); the hinges are orthogonal to [1, x], so they project the shuffle directly.
    const slope = shuffled.reduce((sum, r, i) => sum + design.centered[i]! * r, 0) / design.sxx;
    const rss = shuffled.reduce((sum, r, i) => sum + (r - slope * design.centered[i]!) ** 2, 0);
    const { projection } = bestHinge(design, shuffled);
    if (rss > 0 && (projection * projection) / rss >= threshold) atLeast++;
  }
  return { ...fit, pValue: (1 + atLeast) / (1 + options.permutations) };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * A robust standard deviation of a series' point-to-point noise: 1.4826·MAD(Δy)/√2. For y_t = trend +
 * e_t with iid e, Δy_t = Δtrend + e_t − e_{t−1} has variance 2σ² (von Neumann 1941's successive
 * differences); the median removes a constant slope and 1.4826 makes the MAD consistent for a normal σ
 * (Hampel 1974). Outliers and the bend at a peak move it little. 0 with fewer than 2 finite points.
 *
 * @example
 * successiveDifferenceNoise([1, 1.2, 1.3, 1.6, 1.7, 1.5, 1.4, 1.1]); // 1.4826 · 0.2 / √2 ≈ 0.2097
 */
export function successiveDifferenceNoise(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite);
  if (finite.length < 2) return 0;
  const differences = finite.slice(1).map((v, i) => v - finite[i]!);
  const center = median(differences);
  return (1.4826 * median(differences.map((d) => Math.abs(d - center)))) / Math.SQRT2;
}

/**
 * P(max − min ≤ spread) for three positions drawn independently and uniformly from {0, …, n − 1},
 * exactly. The triples that fit in a window [a, a + s] number (s + 1)³; the n − s windows overlap
 * consecutively in windows of width s, and a triple lies in a run of consecutive windows, so by
 * inclusion–exclusion #{range ≤ s} = (n − s)(s + 1)³ − (n − s − 1)s³. Integer-exact for n < 9741.
 *
 * @example
 * uniformTripleSpreadCdf(5, 0); // 5/125: the five triples (i, i, i)
 * uniformTripleSpreadCdf(5, 1); // 29/125
 */
export function uniformTripleSpreadCdf(n: number, spread: number): number {
  if (!Number.isSafeInteger(n) || n < 1) invalid('a positive integer', 'n', n);
  if (spread < 0) return 0;
  const s = Math.floor(spread);
  if (s >= n - 1) return 1;
  return ((n - s) * (s + 1) ** 3 - (n - s - 1) * s ** 3) / n ** 3;
}
