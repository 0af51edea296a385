/**
 * The exact estimator of quantized layers (src/info/exact.ts): a tiny quantized network enumerated by hand,
 * a naive plug-in reference, the check that refuses continuous values, and its spec.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Sequential } from '../../src/nn/index.js';
import { createEstimator, estimateLayer, parseEstimatorSpec, quantizedEstimator } from '../../src/info/index.js';
import { unitLevels } from '../../src/info/exact.js';
import { estimatorLabel } from '../../src/report/figures/plane-data.js';
import { type Tensor, noGrad, tensor } from '../../src/tensor/index.js';
import { assertClose, assertTensor, pseudoRandom, randomInput } from '../helpers.js';

const int64 = (values: number[]): Tensor => tensor(values, undefined, { dtype: 'int64' });
const f64 = { dtype: 'float64' as const };

/** Plug-in entropy in bits of a list of symbols, counted in the test. */
function entropyBits(symbols: readonly string[]): number {
  const counts = new Map<string, number>();
  for (const symbol of symbols) counts.set(symbol, (counts.get(symbol) ?? 0) + 1);
  return [...counts.values()].reduce((h, count) => h - (count / symbols.length) * Math.log2(count / symbols.length), 0);
}

/** H(A | B) in bits, counted in the test. */
function conditionalBits(symbols: readonly string[], groups: readonly number[]): number {
  return [...new Set(groups)].reduce((h, group) => {
    const members = symbols.filter((_, i) => groups[i] === group);
    return h + (members.length / symbols.length) * entropyBits(members);
  }, 0);
}

/** The 8 inputs of 3 bits, x = (x₁, x₂, x₃) in the order 000, 001, …, 111. */
const inputs = Array.from({ length: 8 }, (_, i) => [(i >> 2) & 1, (i >> 1) & 1, i & 1]);

/** Dense 3 → 2 with a 1-bit tanh: unit 1 = AND(x₁, x₂), unit 2 = OR(x₂, x₃), each as the level ±1. */
function tinyNetwork(quantizeBits = 1): Sequential {
  const model = new Sequential({ inputShape: [3], layers: [{ type: 'dense', units: 2, activation: 'tanh', quantizeBits }] }, 1, f64);
  const [kernel, bias] = model.parameters();
  noGrad(() => {
    kernel!.copy_(tensor([[1, 1, 0], [0, 1, 1]], undefined, f64));
    bias!.copy_(tensor([-1.5, -0.5], undefined, f64));
  });
  return model.eval();
}

describe('the exact MI of a tiny quantized network, enumerated by hand', () => {
  // 1 bit on [−1, 1]: the levels −1 and 1, tanh(z) ≥ 0 (z ≥ 0) → 1. z₁ = x₁ + x₂ − 1.5, z₂ = x₂ + x₃ − 0.5.
  //   x     z₁     z₂    T       y = majority(x)
  //   000  −1.5  −0.5   (−,−)   0
  //   001  −1.5   0.5   (−,+)   0
  //   010  −0.5   0.5   (−,+)   0
  //   011  −0.5   1.5   (−,+)   1
  //   100  −0.5  −0.5   (−,−)   0
  //   101  −0.5   0.5   (−,+)   1
  //   110   0.5   0.5   (+,+)   1
  //   111   0.5   1.5   (+,+)   1
  // T: (−,−) twice, (−,+) four times, (+,+) twice → H(T) = 2·¼·2 + ½·1 = 1.5 bits = I(X;T) (distinct inputs).
  // y = 0: T = (−,−), (−,+), (−,+), (−,−) → 1 bit; y = 1: (−,+), (−,+), (+,+), (+,+) → 1 bit. H(T|Y) = 1,
  // so I(Y;T) = 1.5 − 1 = 0.5 bits.
  const table = [[-1, -1], [-1, 1], [-1, 1], [-1, 1], [-1, -1], [-1, 1], [1, 1], [1, 1]];
  const majority = inputs.map((x) => (x[0]! + x[1]! + x[2]! >= 2 ? 1 : 0));

  it('the network computes the table', () => {
    assertTensor(tinyNetwork().forward(tensor(inputs, undefined, f64)), [8, 2], table.flat(), 0);
  });

  it('H(T) = I(X;T) = 1.5 bits and I(Y;T) = 0.5 bits from the network\'s own output', () => {
    const activations = tinyNetwork().forward(tensor(inputs, undefined, f64));
    const estimate = estimateLayer(createEstimator({ name: 'quantized', quantizeBits: 1 }), { activations, labels: int64(majority), numClasses: 2 });
    assertClose([estimate.ht.upper, estimate.ixt.upper, estimate.iyt.upper], [1.5, 1.5, 0.5], 1e-12);
    assert.deepEqual([estimate.ixt.lower, estimate.iyt.lower], [estimate.ixt.upper, estimate.iyt.upper], 'exact: one value');
    assert.deepEqual(estimate.parameters, { estimator: 'quantized', quantizeBits: 1, samples: 8, dims: 2 });
  });

  it('with input ids, H(T|X) is taken over them: X = x₁ alone gives I(X;T) = 1.5 − 1.1556 bits', () => {
    // x₁ = 0: T = (−,−), (−,+), (−,+), (−,+) → H = 0.8113; x₁ = 1: (−,−), (−,+), (+,+), (+,+) → H = 1.5.
    const hGivenX1 = 0.5 * (-(0.25 * Math.log2(0.25) + 0.75 * Math.log2(0.75))) + 0.5 * 1.5;
    const activations = tinyNetwork().forward(tensor(inputs, undefined, f64));
    const estimate = quantizedEstimator({ quantizeBits: 1 }).estimate({ activations, labels: int64(majority), numClasses: 2, inputIds: int64(inputs.map((x) => x[0]!)) });
    assertClose([estimate.ixt.upper, estimate.iyt.upper], [1.5 - hGivenX1, 0.5], 1e-12);
    // The same inputs twice, with their ids: T is still a function of X, H(T|X) = 0.
    const twice = tinyNetwork().forward(tensor([...inputs, ...inputs], undefined, f64));
    const repeated = quantizedEstimator({ quantizeBits: 1 }).estimate({ activations: twice, labels: int64([...majority, ...majority]), numClasses: 2, inputIds: int64([...inputs.keys(), ...inputs.keys()]) });
    assertClose([repeated.ixt.upper, repeated.iyt.upper], [1.5, 0.5], 1e-12);
  });
});

describe('the exact estimator on larger quantized layers', () => {
  it('agrees with a naive plug-in count of the rows of a 3-bit layer (checked against 2^8 levels)', () => {
    const model = new Sequential({ inputShape: [2], layers: [{ type: 'dense', units: 3, activation: 'tanh', quantizeBits: 3 }] }, 5, f64).eval();
    const activations = model.forward(randomInput([400, 2], 21, -2, 2));
    const labels = pseudoRandom(400, 22).map((v) => (v > 0.2 ? 1 : v > -0.4 ? 2 : 0));
    const rows = Array.from({ length: 400 }, (_, i) => activations.select(0, i).toNumbers().join());
    const estimate = quantizedEstimator({ quantizeBits: 8 }).estimate({ activations, labels: int64(labels), numClasses: 3 });
    const h = entropyBits(rows);
    assert.ok(h > 2 && h < Math.log2(400), `a non-trivial H(T) (${h})`);
    assertClose([estimate.ht.upper, estimate.ixt.upper, estimate.iyt.upper], [h, h, h - conditionalBits(rows, labels)], 1e-12);
  });

  it('unit levels: each value replaced by its rank among its unit\'s distinct values', () => {
    const { codes, levels } = unitLevels(tensor([[0.5, -1], [0.2, -1], [0.5, 1], [-3, 1]], undefined, f64));
    assertTensor(codes, [4, 2], [2, 0, 1, 0, 2, 1, 0, 1], 0);
    assert.deepEqual(levels, [3, 2]);
  });
});

describe('the estimator refuses values that are not quantized', () => {
  it('a continuous tanh layer: an error naming the unit, the count and the fix', () => {
    const model = new Sequential({ inputShape: [2], layers: [{ type: 'dense', units: 3, activation: 'tanh' }] }, 5, f64);
    const activations = model.forward(randomInput([300, 2], 23, -2, 2));
    const labels = int64(pseudoRandom(300, 24).map((v) => (v > 0 ? 1 : 0)));
    assert.throws(() => estimateLayer(createEstimator({ name: 'quantized' }), { activations, labels, numClasses: 2 }),
      /^Error: layer values are not quantized: 300 distinct values in unit 0 of 3, more than the 2\^8 = 256 levels of quantizeBits 8; train the network with quantizeBits: 8 on its layers, set the estimator's quantizeBits to the network's, or use an estimator for continuous values \(kde, bin\)$/);
  });

  it('a 2-bit layer checked as 1-bit: more levels than 2^1', () => {
    const activations = tinyNetwork(2).forward(tensor(inputs, undefined, f64));
    assert.throws(() => quantizedEstimator({ quantizeBits: 1 }).estimate({ activations, labels: int64([0, 1, 0, 1, 0, 1, 0, 1]), numClasses: 2 }),
      /layer values are not quantized: [34] distinct values in unit \d of 2, more than the 2\^1 = 2 levels/);
  });
});

describe('the quantized estimator spec', () => {
  it('defaults to 8 bits; a bad quantizeBits names the field; the figures label it', () => {
    assert.deepEqual(parseEstimatorSpec({ name: 'quantized' }), { name: 'quantized', quantizeBits: 8 });
    assert.throws(() => parseEstimatorSpec({ name: 'quantized', quantizeBits: 0 }), /options of the quantized estimator:\n- quantizeBits: Number must be greater than or equal to 1/);
    assert.throws(() => parseEstimatorSpec({ name: 'quantized', binsize: 0.5 }), /unknown field "binsize"/);
    assert.throws(() => quantizedEstimator({ quantizeBits: 17 }), /quantizeBits must be an integer from 1 to 16, got 17/);
    assert.equal(createEstimator({ name: 'quantized', quantizeBits: 4 }).name, 'quantized');
    assert.equal(estimatorLabel({ estimator: 'quantized', parameters: { quantizeBits: 8, samples: 4096, dims: 10 } }), 'quantized 8-bit exact');
  });
});
