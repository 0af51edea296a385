/**
 * What each estimator estimates, read off its code, so that its estimate is compared with the right true
 * value (known-mi.ts):
 *
 * - kde (kde.ts; Kolchinsky & Tracey 2017) takes T as a deterministic function of distinct inputs and
 *   adds Gaussian noise Z ~ N(0, σ²I): its I(X;T) is I(X; T+Z) = H(T+Z) − H(Z), its I(Y;T) is I(Y; T+Z).
 * - bin and tishby-bin (binning.ts; Saxe et al. 2018, Shwartz-Ziv & Tishby 2017) put each coordinate into
 *   fixed cells, T ↦ q(T), and take the inputs as distinct: I(X;T) = H(q(T)), I(Y;T) = I(Y; q(T)).
 * - adaptive-bin (adaptive-binning.ts; Chelombiev et al. 2019) does the same with cells holding equally
 *   many distinct values: for a continuous T, as N grows, cells between the quantiles b/B of the values'
 *   distribution (all coordinates pooled for scope 'layer', each coordinate's own for 'neuron'); for a
 *   discrete T with U values, the values of ranks j with the same ⌈(j + 1)·B/U⌉.
 * - quantized (exact.ts) counts T's own values: I(X;T) = H(T), I(Y;T) = I(Y;T); it refuses a continuous T.
 * - ksg (ksg.ts; Kraskov et al. 2004, Ross 2014) estimates the Shannon I(X;T) from the inputs X and the
 *   Shannon I(Y;T) from the labels.
 * - renyi (renyi.ts; Giraldo, Rao & Príncipe 2014) estimates a matrix-based α-information, no Shannon
 *   quantity; it is compared with the Shannon I(X;T) and I(Y;T) it is read as.
 */
import type { EstimatorSpec } from './estimator-spec.js';
import type { Quantiser } from './gaussian-integrals.js';

/**
 * An estimator's reading of T. `discreteOnly`: the estimator refuses a continuous T. `estimates`: false for
 * an estimator compared with the Shannon value without estimating it.
 */
export type Reading =
  | { kind: 'noisy'; noiseVariance: number }
  | { kind: 'cells'; quantiser: Quantiser; discreteOnly: boolean }
  | { kind: 'equal-mass'; numBins: number; scope: 'layer' | 'neuron' }
  | { kind: 'shannon'; estimates: boolean };

/**
 * Cells with the given ascending edges, a value's cell the number of edges at or below it (np.digitize).
 *
 * @example edgeQuantiser([-1, 0, 1], 'quartiles').cell(0.5) // 2
 */
export function edgeQuantiser(edges: readonly number[], formula: string): Quantiser {
  return {
    cell: (value) => edges.filter((edge) => edge <= value).length,
    edges: (low, high) => edges.filter((edge) => edge >= low && edge <= high),
    formula,
  };
}

/** Saxe et al.'s cells ⌊t / b⌋, with binning.ts's float64 division; edges at the multiples of b. */
function binQuantiser(binsize: number): Quantiser {
  return {
    cell: (value) => Math.floor(value / binsize),
    edges: (low, high) => {
      const first = Math.ceil(low / binsize);
      return Array.from({ length: Math.max(0, Math.floor(high / binsize) - first + 1) }, (_, i) => (first + i) * binsize);
    },
    formula: `⌊t/${binsize}⌋`,
  };
}

/** Shwartz-Ziv & Tishby's cells: np.digitize on numBins equally spaced edges on [−1, 1], with binning.ts's formula. */
function tishbyQuantiser(numBins: number): Quantiser {
  const step = 2 / (numBins - 1);
  return {
    ...edgeQuantiser(Array.from({ length: numBins }, (_, k) => -1 + k * step), `digitize(t, ${numBins} edges on [−1, 1])`),
    cell: (value) => Math.min(numBins, Math.max(0, Math.floor((value + 1) / step) + 1)),
  };
}

/**
 * adaptive-bin's cells of a discrete T whose U distinct values are 0 … U − 1 (their own ranks): rank j in
 * cell ⌈(j + 1)·B/U⌉ − 1, with adaptive-binning.ts's float64 arithmetic.
 *
 * @example rankQuantiser(30, 64).cell(2) // 0: ranks 0, 1, 2 share the first of 30 cells
 */
export function rankQuantiser(numBins: number, distinct: number): Quantiser {
  return { cell: (value) => Math.ceil(((value + 1) * numBins) / distinct) - 1, edges: () => [], formula: `rank cells of ${numBins}` };
}

/** The quantized estimator's symbols: each distinct value is its own cell. */
const VALUES_AS_CELLS: Quantiser = { cell: (value) => value, edges: () => [], formula: 't' };

/**
 * How an estimator with its options reads T, or why no task has a value to compare it with.
 *
 * @example readingOf(parseEstimatorSpec({ name: 'kde', noiseVariance: 0.1 })) // { kind: 'noisy', noiseVariance: 0.1 }
 */
export function readingOf(spec: EstimatorSpec): Reading | { skip: string } {
  switch (spec.name) {
    case 'kde': return { kind: 'noisy', noiseVariance: spec.noiseVariance };
    case 'bin': return { kind: 'cells', quantiser: binQuantiser(spec.binsize), discreteOnly: false };
    case 'tishby-bin': return { kind: 'cells', quantiser: tishbyQuantiser(spec.numBins), discreteOnly: false };
    case 'adaptive-bin': return { kind: 'equal-mass', numBins: spec.numBins, scope: spec.scope };
    case 'quantized': return { kind: 'cells', quantiser: VALUES_AS_CELLS, discreteOnly: true };
    case 'ksg': return { kind: 'shannon', estimates: true };
    case 'renyi': return { kind: 'shannon', estimates: false };
    case 'softmax': return { skip: 'it reads a softmax output layer, which no task has' };
    // An estimator added to the registry later has no stated target until it gets a case here.
    default: return { skip: `no task states the quantity the ${(spec as { name: string }).name} estimator estimates` };
  }
}
