/**
 * Adaptive binning: Chelombiev, Houghton & O'Donnell (2019), "Adaptive estimators show information
 * compression in deep neural networks" (ICLR), entropy-based adaptive binning (EBAB). The bin edges come
 * from the activations themselves so that every bin holds the same number of distinct observed values:
 * with u_0 < … < u_{U−1} the distinct values, bin b (0 ≤ b < numBins) holds u_j for
 * ⌊b·U/numBins⌋ ≤ j < ⌊(b + 1)·U/numBins⌋, i.e. its lower edge is u_⌊bU/numBins⌋ — the rule of their code
 * (github.com/ivansche/adaptive_estimators, `set_up_bins` with maxentropy: edges
 * `unique[int(k*(unique.size/num_of_bins))]`). Values that repeat (ReLU's zeros, saturated tanh) stay in
 * one bin, and with continuous activations the bins hold equal numbers of samples: the binned
 * distribution has maximum entropy.
 *
 * Scope: 'layer' takes one set of edges from all the layer's N·d values, as their code does by default
 * (`per_layer_bins=True`: `np.unique` over the whole layer's activations, per layer and epoch); 'neuron'
 * takes each unit's edges from its own N values. Two departures from their code, both so that the rule
 * alone decides the bins: the largest value shares the last bin (their np.digitize gave it a bin of its
 * own), and there is no activation-specific first edge (their −1.000001 for tanh, 0 for ReLU, which gave
 * ReLU's zeros a bin of their own).
 *
 * Then, as Saxe's binning (binning.ts, the same plug-in symbol entropies): each sample's row of bin
 * indices is one symbol, inputs are taken as distinct so I(X;T) = H(T), and I(Y;T) = H(T) − H(T|Y).
 */
import { type Tensor, noGrad, tidy, zeros } from '../tensor/index.js';
import { invalid } from '../tensor/validate.js';
import { DEFAULT_NUM_BINS, estimateFromCodes } from './binning.js';
import type { Estimator } from './types.js';

export const ADAPTIVE_BIN_SCOPES = ['layer', 'neuron'] as const;
export type AdaptiveBinScope = (typeof ADAPTIVE_BIN_SCOPES)[number];
/** One set of edges per layer, as Chelombiev et al.'s code (see the file header). */
export const DEFAULT_ADAPTIVE_BIN_SCOPE: AdaptiveBinScope = 'layer';

export interface AdaptiveBinOptions {
  /** Bins per layer or per neuron (an integer ≥ 2). Default DEFAULT_NUM_BINS (30, their code's default). */
  numBins?: number;
  /** Where the edges come from: all the layer's values, or each neuron's own. Default DEFAULT_ADAPTIVE_BIN_SCOPE. */
  scope?: AdaptiveBinScope;
}

/**
 * Each activation's bin (float64 [N, d], integers in [0, numBins)) under equal-distinct-value bins, edges
 * from all N·d values ('layer') or from each column's N values ('neuron').
 *
 * With j a value's rank among the U distinct values of its scope, its bin is the largest b with
 * ⌊bU/n⌋ ≤ j, i.e. ⌈(j + 1)·n/U⌉ − 1. The ranks come from one sort of each scope's values laid out as a
 * contiguous row (a sort along strided columns took 2–4× longer): a new rank wherever a sorted value
 * differs from the one before (a cumulative sum), scattered back to the values' places. The division is
 * exact where (j + 1)·n/U is an integer; elsewhere its fraction is at least 1/U, while its rounding error
 * is below n·2^−53 (the quotient is at most n): far apart for any layer in memory.
 *
 * @example adaptiveBinCodes(tensor([[0], [0], [1], [2], [3], [3], [3], [4]]), 2, 'layer') // 5 distinct values: 0, 1 → bin 0; 2, 3, 4 → bin 1
 */
export function adaptiveBinCodes(activations: Tensor, numBins: number, scope: AdaptiveBinScope): Tensor {
  return tidy(() => {
    const n = activations.size(0);
    const flat = activations.reshape([n, -1]);
    // One row per scope, in the activations' own dtype: float32 values that tie as stored share a bin.
    const rows = scope === 'layer' ? flat.reshape([1, -1]) : flat.t().contiguous();
    const count = rows.size(1);
    const sorted = rows.sort(1);
    const ranks = zeros(rows.shape, { dtype: 'float64' });
    ranks.narrow(1, 1, count - 1).copy_(sorted.values.narrow(1, 1, count - 1).ne(sorted.values.narrow(1, 0, count - 1)));
    const bins = ranks.cumsum(1);
    const distinct = bins.narrow(1, count - 1, 1).add(1);
    const sortedBins = bins.add_(1).mul_(numBins).div_(distinct).ceil().sub_(1);
    const codes = zeros(rows.shape, { dtype: 'float64' }).scatterAdd(1, sorted.indices, sortedBins);
    return scope === 'layer' ? codes.reshape(flat.shape) : codes.t();
  });
}

/**
 * Chelombiev et al.'s entropy-based adaptive binning estimator (see the file header).
 *
 * @example adaptiveBinEstimator({ numBins: 30, scope: 'neuron' }).estimate({ activations, labels, numClasses: 10 })
 */
export function adaptiveBinEstimator(options: AdaptiveBinOptions = {}): Estimator {
  const numBins = options.numBins ?? DEFAULT_NUM_BINS;
  const scope = options.scope ?? DEFAULT_ADAPTIVE_BIN_SCOPE;
  if (!Number.isSafeInteger(numBins) || numBins < 2) invalid('an integer ≥ 2', 'numBins', numBins);
  if (!ADAPTIVE_BIN_SCOPES.includes(scope)) invalid(`one of ${ADAPTIVE_BIN_SCOPES.map((s) => `"${s}"`).join(', ')}`, 'scope', scope);
  return {
    name: 'adaptive-bin',
    estimate: (data) => noGrad(() => tidy(() => {
      const codes = adaptiveBinCodes(data.activations, numBins, scope);
      // Inputs are distinct, as in Saxe's binning: H(T|X) = 0 whatever inputIds says.
      return estimateFromCodes(codes, numBins, { ...data, inputIds: undefined }, { estimator: 'adaptive-bin', numBins, scope });
    })),
  };
}
