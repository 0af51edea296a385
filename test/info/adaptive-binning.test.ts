/** Chelombiev et al.'s adaptive binning on hand-counted vectors and tables. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { adaptiveBinCodes, adaptiveBinEstimator, createEstimator, parseEstimatorSpec } from '../../src/info/index.js';
import { estimatorLabel } from '../../src/report/figures/plane-data.js';
import { type Tensor, liveTensorCount, tensor } from '../../src/tensor/index.js';
import { assertClose } from '../helpers.js';

const int64 = (values: number[]): Tensor => tensor(values, undefined, { dtype: 'int64' });
const column = (values: number[]): Tensor => tensor(values, [values.length, 1], { dtype: 'float64' });
/** Plug-in entropy in bits of a table of counts. */
const entropyBits = (counts: number[]): number => {
  const total = counts.reduce((a, b) => a + b, 0);
  return -counts.reduce((h, c) => h + (c / total) * Math.log2(c / total), 0);
};

describe('adaptive bin edges', () => {
  it('each bin holds the same number of distinct values; repeated values stay in one bin', () => {
    // Distinct values 1 … 9 (U = 9), three bins of three distinct values each: {1, 2, 3}, {4, 5, 6}, {7, 8, 9}.
    const values = [5, 1, 1, 3, 9, 7, 7, 7, 2, 8, 4, 6];
    assert.deepEqual(adaptiveBinCodes(column(values), 3, 'layer').toNumbers(), [1, 0, 0, 0, 2, 2, 2, 2, 0, 2, 1, 1]);
    // Four bins of U = 9: lower edges at the distinct values of rank ⌊b·9/4⌋ = 0, 2, 4, 6, i.e. 1, 3, 5, 7.
    assert.deepEqual(adaptiveBinCodes(column(values), 4, 'layer').toNumbers(), [2, 0, 0, 1, 3, 3, 3, 3, 0, 3, 1, 2]);
  });

  it('continuous values: equal numbers of samples per bin; fewer distinct values than bins: each value a bin of its own', () => {
    const codes = adaptiveBinCodes(column([0.3, -2, 7, 0.1, 5, 4, -1, 0.2, 9, 3, 8, 1]), 4, 'layer').toNumbers();
    assert.deepEqual([0, 1, 2, 3].map((bin) => codes.filter((code) => code === bin).length), [3, 3, 3, 3]);
    assert.deepEqual(adaptiveBinCodes(column([0, 0, 0, 0, 0, 0, 2, 1, 2]), 5, 'layer').toNumbers(), [1, 1, 1, 1, 1, 1, 4, 3, 4]);
  });
});

describe('adaptive-bin estimates', () => {
  it('a hand-counted table: H(T) = 1.75 bits, I(X;T) = H(T) whatever the input ids, I(Y;T) = H(T) − H(T|Y)', () => {
    // Layer scope, 2 bins over the 16 distinct values: 0.1 … 0.8 → 0, 1.1 … 1.8 → 1. Rows become
    // (0,1) (0,1) (1,0) (1,1) (0,0) (0,1) (1,0) (0,1): counts 4, 2, 1, 1.
    const activations = tensor([[0.1, 1.1], [0.2, 1.2], [1.3, 0.3], [1.4, 1.5], [0.4, 0.5], [0.6, 1.6], [1.7, 0.7], [0.8, 1.8]], undefined, { dtype: 'float64' });
    const labels = int64([0, 0, 1, 1, 0, 0, 1, 1]);
    const estimate = adaptiveBinEstimator({ numBins: 2 }).estimate({ activations, labels, numClasses: 2, inputIds: int64([0, 0, 0, 0, 1, 1, 1, 1]) });
    const h = entropyBits([4, 2, 1, 1]);
    // Class 0 holds (0,1) ×3 and (0,0); class 1 holds (1,0) ×2, (1,1) and (0,1).
    const hGivenY = 0.5 * entropyBits([3, 1]) + 0.5 * entropyBits([2, 1, 1]);
    assertClose([h], [1.75], 1e-12);
    assertClose([estimate.ht.upper, estimate.ixt.upper, estimate.iyt.upper], [h, h, h - hGivenY], 1e-12);
    assert.deepEqual(estimate.parameters, { estimator: 'adaptive-bin', numBins: 2, scope: 'layer', samples: 8, dims: 2 });
  });

  it('per neuron and per layer differ where the units have different ranges', () => {
    // Unit A takes 1 … 8, unit B 101 … 108 in another order. Per layer (2 bins over 16 values) A is all bin
    // 0 and B all bin 1: one symbol, 0 bits. Per neuron each unit splits at its own median: A 0000 1111,
    // B 0101 0101, four symbols twice each: 2 bits.
    const a = [1, 2, 3, 4, 5, 6, 7, 8];
    const b = [101, 105, 102, 106, 103, 107, 104, 108];
    const activations = tensor(a.flatMap((value, i) => [value, b[i]!]), [8, 2], { dtype: 'float64' });
    const data = { activations, labels: int64([0, 1, 0, 1, 0, 1, 0, 1]), numClasses: 2 };
    const layer = adaptiveBinEstimator({ numBins: 2, scope: 'layer' }).estimate(data);
    const neuron = adaptiveBinEstimator({ numBins: 2, scope: 'neuron' }).estimate(data);
    assertClose([layer.ht.upper, neuron.ht.upper], [0, entropyBits([2, 2, 2, 2])], 1e-12);
    // Y is B's bin under the neuron scope: I(Y;T) = H(Y) = 1 bit; nothing under the layer scope.
    assertClose([layer.iyt.upper, neuron.iyt.upper], [0, 1], 1e-12);
  });

  it('the spec: 30 bins per layer by default, options reach the estimator, a bad scope names the allowed ones; panels are labelled', () => {
    assert.deepEqual(parseEstimatorSpec({ name: 'adaptive-bin' }), { name: 'adaptive-bin', numBins: 30, scope: 'layer' });
    const activations = tensor([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6], [0.7, 0.8]], undefined, { dtype: 'float64' });
    const estimate = createEstimator({ name: 'adaptive-bin', numBins: 3, scope: 'neuron' }).estimate({ activations, labels: int64([0, 1, 0, 1]), numClasses: 2 });
    assert.deepEqual(estimate.parameters, { estimator: 'adaptive-bin', numBins: 3, scope: 'neuron', samples: 4, dims: 2 });
    assert.throws(() => parseEstimatorSpec({ name: 'adaptive-bin', scope: 'unit' }), /- scope: expected one of "layer", "neuron" but received "unit"/);
    assert.throws(() => adaptiveBinEstimator({ numBins: 1 }), /Expected an integer ≥ 2 for numBins but received 1/);
    assert.equal(estimatorLabel({ estimator: 'adaptive-bin', parameters: estimate.parameters }), 'adaptive-bin 3 bins · neuron');
    assert.equal(estimatorLabel({ estimator: 'ksg', parameters: { estimator: 'ksg', k: 3, samples: 4, dims: 2 } }), 'ksg k=3');
  });

  it('frees every tensor it made, under either scope', () => {
    const activations = tensor([[0.1, 2], [0.3, 1], [0.2, 2], [0.9, 0]], undefined, { dtype: 'float32' });
    const labels = int64([0, 1, 0, 1]);
    const before = liveTensorCount();
    for (const scope of ['layer', 'neuron'] as const) adaptiveBinEstimator({ numBins: 2, scope }).estimate({ activations, labels, numClasses: 2 });
    assert.equal(liveTensorCount(), before);
  });
});
