/**
 * Information of one-dimensional Gaussians, computed rather than estimated: the probabilities of a
 * Gaussian's cells under a quantiser (from the error function) and the mutual information between a
 * class and a sample of its Gaussian mixture (by quadrature). The known-MI tasks (known-mi.ts) reduce
 * every true value they state to these.
 */
import { tensor, tidy } from '../tensor/index.js';
import { entropyOfCounts } from './binning.js';
import { NATS_TO_BITS } from './types.js';

/**
 * How far beyond the extreme means (in standard deviations) the integrals run: the mass beyond 12σ is
 * Φ(−12) ≈ 1.8e-33, and its share of any entropy far below a bit's 1e-15.
 */
const REACH = 12;
/** Quadrature points per standard deviation (see `mixtureInformationBits`). */
const POINTS_PER_SD = 8;
/** The most cells `cellProbabilities` sums over (a bin width 1e-6 of the spread or finer is refused). */
const MAX_CELLS = 1e7;

/**
 * A scalar quantiser as an estimator applies it to each coordinate: the cell of a value, computed with
 * the estimator's own floating-point formula, and the cell edges within an interval.
 */
export interface Quantiser {
  /** The cell index of a value, as the estimator computes it (cells of a discrete T). */
  cell(value: number): number;
  /** The ascending cell edges inside [low, high] (a Gaussian's cells, from its CDF at the edges). */
  edges(low: number, high: number): number[];
  /** The quantised coordinate as a formula of t, for captions: '⌊t/0.5⌋'. */
  formula: string;
}

/**
 * The probability of each cell of N(mean, sd²) under a quantiser, over the cells that meet
 * [lowest − 12·sd, highest + 12·sd] (`lowest`/`highest` default to the mean; give the extremes of several
 * Gaussians to get cells aligned between them). The first and last cells take the tails beyond.
 *
 * @example cellProbabilities(0, 1, binQuantiser(1)) // [… 0.1359, 0.3413, 0.3413, 0.1359 …] (cells [k, k+1))
 */
export function cellProbabilities(mean: number, sd: number, quantiser: Quantiser, lowest = mean, highest = mean): number[] {
  const edges = quantiser.edges(lowest - REACH * sd, highest + REACH * sd);
  if (edges.length > MAX_CELLS) throw new RangeError(`a quantiser with ${edges.length} cells across ±${REACH} standard deviations (${sd}) is too fine to sum over; use wider cells`);
  // Φ((e − μ)/σ) = (1 + erf((e − μ)/(σ√2)))/2, and a cell's probability the difference at its edges.
  const cdf = edges.length === 0 ? [] : tidy(() => tensor(Float64Array.from(edges, (edge) => (edge - mean) / (sd * Math.SQRT2)), [edges.length]).erf().add(1).mul(0.5).toNumbers());
  return [...cdf, 1].map((value, i) => Math.max(0, value - (i === 0 ? 0 : cdf[i - 1]!)));
}

/**
 * The entropy in bits of a distribution given by (unnormalised) weights.
 *
 * @example entropyBits([1, 1, 2]) // 1.5
 */
export function entropyBits(weights: readonly number[]): number {
  return entropyOfCounts(weights) * NATS_TO_BITS;
}

/**
 * I(C; K) in bits of a joint table joint[c][k] (any positive total): H(K) − Σ_c p(c)·H(K | C = c).
 *
 * @example tableInformationBits([[1, 0], [0, 1]]) // 1
 */
export function tableInformationBits(joint: readonly (readonly number[])[]): number {
  const total = joint.reduce((sum, row) => sum + row.reduce((a, b) => a + b, 0), 0);
  const marginal = joint[0]!.map((_, k) => joint.reduce((sum, row) => sum + row[k]!, 0));
  const conditional = joint.reduce((sum, row) => sum + (row.reduce((a, b) => a + b, 0) / total) * entropyBits(row), 0);
  return entropyBits(marginal) - conditional;
}

/**
 * I(C; S) in bits for a class C with probabilities `weights` and a real S whose law given C = c is the
 * Gaussian mixture Σ_k mixing[c][k]·N(means[k], variance): Σ_c p(c) ∫ p(s|c)·log₂(p(s|c)/p(s)) ds.
 *
 * The integral is taken by the trapezoidal rule with step σ/8 over [min μ − 12σ, max μ + 12σ]: for
 * rapidly decaying analytic integrands on ℝ that rule converges exponentially as the step shrinks
 * (Trefethen & Weideman 2014, "The exponentially convergent trapezoidal rule", SIAM Review 56(3)): it agrees
 * with Simpson's rule at step σ/64 to 1e-10 bits (test/info/known-mi.test.ts). The integrand is
 * written with the ratio p(s|c)/p(s) rather than as H(S) − H(S|C), so no two large entropies cancel.
 *
 * @example mixtureInformationBits([0.5, 0.5], [[1, 0], [0, 1]], [-50, 50], 1) // 1 (separated classes)
 */
export function mixtureInformationBits(weights: readonly number[], mixing: readonly (readonly number[])[], means: readonly number[], variance: number): number {
  if (!(variance > 0) || !Number.isFinite(variance)) throw new RangeError(`the mixture's variance must be a positive number, got ${variance}`);
  const sd = Math.sqrt(variance);
  const low = Math.min(...means) - REACH * sd;
  const step = sd / POINTS_PER_SD;
  const points = Math.ceil((Math.max(...means) + REACH * sd - low) / step);
  const normaliser = 1 / Math.sqrt(2 * Math.PI * variance);
  const component = new Float64Array(means.length);
  const conditional = new Float64Array(weights.length);
  let sum = 0;
  for (let i = 0; i <= points; i++) {
    const s = low + i * step;
    for (let k = 0; k < means.length; k++) component[k] = normaliser * Math.exp(-((s - means[k]!) ** 2) / (2 * variance));
    let marginal = 0;
    for (let c = 0; c < weights.length; c++) {
      let density = 0;
      for (let k = 0; k < means.length; k++) density += mixing[c]![k]! * component[k]!;
      conditional[c] = density;
      marginal += weights[c]! * density;
    }
    // The trapezoid's end points have half weight; there the integrand is ~1e-32 anyway.
    const weight = i === 0 || i === points ? 0.5 : 1;
    for (let c = 0; c < weights.length; c++) {
      if (conditional[c]! > 0) sum += weight * weights[c]! * conditional[c]! * Math.log2(conditional[c]! / marginal);
    }
  }
  return sum * step;
}

/**
 * The quantiles at `probabilities` (each in (0, 1)) of the mixture Σ_k weights[k]·N(means[k], sd²), by
 * bisection on its CDF (80 halvings of [min μ − 12σ, max μ + 12σ]: far below float64's spacing).
 *
 * @example mixtureQuantiles([1], [0], 1, [0.5, 0.975]) // [0, 1.95996…]
 */
export function mixtureQuantiles(weights: readonly number[], means: readonly number[], sd: number, probabilities: readonly number[]): number[] {
  if (probabilities.some((p) => !(p > 0 && p < 1))) throw new RangeError(`quantiles need probabilities in (0, 1), got [${probabilities.join(', ')}]`);
  const total = weights.reduce((a, b) => a + b, 0);
  const low = probabilities.map(() => Math.min(...means) - REACH * sd);
  const high = probabilities.map(() => Math.max(...means) + REACH * sd);
  for (let iteration = 0; iteration < 80; iteration++) {
    const middle = low.map((l, i) => (l + high[i]!) / 2);
    const erf = tidy(() => tensor(Float64Array.from(middle.flatMap((x) => means.map((mean) => (x - mean) / (sd * Math.SQRT2)))), [middle.length, means.length]).erf().toNumbers());
    middle.forEach((x, i) => {
      const cdf = means.reduce((sum, _, k) => sum + (weights[k]! / total) * 0.5 * (1 + erf[i * means.length + k]!), 0);
      if (cdf < probabilities[i]!) low[i] = x;
      else high[i] = x;
    });
  }
  return low.map((l, i) => (l + high[i]!) / 2);
}
