/**
 * Exact mutual information of a quantized layer, as Lorenzen, Igel & Nielsen (2022, ICLR, "Information
 * Bottleneck: Exact Analysis of (Quantized) Neural Networks") compute it: a layer trained with
 * `quantizeBits: k` (src/nn/quantize.ts) has each unit on at most 2^k levels, so T takes finitely many
 * values and, over the probe's empirical input distribution, H(T), I(X;T) = H(T) − H(T|X) and
 * I(Y;T) = H(T) − H(T|Y) are plug-in values from counts — no bins, no noise, nothing to choose.
 * H(T|X) = 0 when the inputs are distinct (T is a function of X); with repeated inputs it is taken over
 * the distinct input ids, as Tishby's binning does (binning.ts).
 *
 * Their code (IB/util/estimator.py `QuantizedEstimator`, IB/util/it.py) re-bins each layer into
 * round((t − min)/(max − min)·2^k) over the layer's range before counting, because its tanh grid moves
 * with each batch; ours is one fixed grid per layer, so the values themselves are the symbols.
 */
import { type Tensor, cat, noGrad, tidy, zeros } from '../tensor/index.js';
import { estimateFromCodes } from './binning.js';
import type { Estimator, LayerEstimate } from './types.js';

/** Lorenzen et al.'s main bit width (experiment/Makefile: `quantize.py SYN-Tanh 8`). */
export const DEFAULT_QUANTIZE_BITS = 8;

/**
 * Each unit's values replaced by their rank among the unit's distinct values (integer-valued float64
 * [N, d]), and each unit's number of distinct values. One sort per layer: along each column, a value that
 * differs from the one before it starts a new level.
 *
 * @example unitLevels(tensor([[0.5, -1], [0.2, -1], [0.5, 1]])) // codes [[1, 0], [0, 0], [1, 1]], levels [2, 2]
 */
export function unitLevels(activations: Tensor): { codes: Tensor; levels: number[] } {
  return tidy(() => {
    const n = activations.size(0);
    const flat = activations.reshape([n, -1]);
    const d = flat.size(1);
    const { values: sorted, indices } = flat.sort(0);
    // rises[i, j] = 1 where the (i+1)-th smallest value of unit j differs from the i-th.
    const rises = sorted.narrow(0, 1, n - 1).ne(sorted.narrow(0, 0, n - 1)).to('float64');
    const sortedCodes = cat([zeros([1, d], { dtype: 'float64' }), rises.cumsum(0)]);
    const codes = zeros([n, d], { dtype: 'float64' }).scatterAdd(0, indices, sortedCodes);
    const levels = sortedCodes.narrow(0, n - 1, 1).add(1).reshape([-1]).toNumbers();
    return { codes, levels };
  });
}

/**
 * The exact estimator of quantized layers. Its check: every unit takes at most 2^quantizeBits distinct
 * values on the probe, else it fails naming the unit and the fix (a continuous layer's plug-in values
 * would only say that distinct inputs give distinct activations, I(X;T) = log₂ N). With no more probe
 * samples than 2^quantizeBits the check cannot tell a continuous layer from a quantized one.
 *
 * @example
 * const estimate = quantizedEstimator({ quantizeBits: 8 }).estimate({ activations, labels, numClasses: 2 });
 * estimate.ixt // { lower: h, upper: h } with h = H(T) in bits for distinct inputs
 */
export function quantizedEstimator(options: { quantizeBits?: number } = {}): Estimator {
  const quantizeBits = options.quantizeBits ?? DEFAULT_QUANTIZE_BITS;
  if (!Number.isInteger(quantizeBits) || quantizeBits < 1 || quantizeBits > 16) throw new RangeError(`quantizeBits must be an integer from 1 to 16, got ${quantizeBits}`);
  const maxLevels = 2 ** quantizeBits;
  return {
    name: 'quantized',
    estimate: (data): LayerEstimate => noGrad(() => tidy(() => {
      const { codes, levels } = unitLevels(data.activations);
      const most = Math.max(...levels);
      if (most > maxLevels) {
        const unit = levels.indexOf(most);
        throw new Error(`layer values are not quantized: ${most} distinct values in unit ${unit} of ${levels.length}, more than the `
          + `2^${quantizeBits} = ${maxLevels} levels of quantizeBits ${quantizeBits}; train the network with quantizeBits: ${quantizeBits} on its `
          + 'layers, set the estimator\'s quantizeBits to the network\'s, or use an estimator for continuous values (kde, bin)');
      }
      return estimateFromCodes(codes, most - 1, data, { estimator: 'quantized', quantizeBits });
    })),
  };
}
