/** KDE bounds against analytic entropies and a naive float64 reference written here. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { estimateLayer, gaussianKernelLogSums, kdeEstimates, kdeEstimator, labelEntropyBits } from '../../src/info/index.js';
import { Generator, type Tensor, oneHot, randn, tensor, zeros } from '../../src/tensor/index.js';
import { assertClose, pseudoRandom } from '../helpers.js';

const LOG2 = Math.log(2);
const int64 = (values: number[]): Tensor => tensor(values, undefined, { dtype: 'int64' });

/**
 * Saxe et al.'s formulas computed the plain way: every distance by subtraction, each bound and each class
 * with its own pass (as ibsgd does), in float64 JS numbers. Returns bits.
 */
function naiveKde(points: number[][], labels: number[], variance: number): { ixt: [number, number]; iyt: [number, number]; ht: [number, number] } {
  const n = points.length;
  const d = points[0]!.length;
  const upperEntropy = (rows: number[][], v: number): number => {
    const m = rows.length;
    let meanLog = 0;
    for (const a of rows) {
      const exponents = rows.map((b) => -a.reduce((s, x, k) => s + (x - b[k]!) ** 2, 0) / (2 * v));
      const max = Math.max(...exponents);
      meanLog += max + Math.log(exponents.reduce((s, e) => s + Math.exp(e - max), 0)) - Math.log(m) - (d / 2) * Math.log(2 * Math.PI * v);
    }
    return d / 2 - meanLog / m;
  };
  const lowerEntropy = (rows: number[][]): number => upperEntropy(rows, 4 * variance) + (d / 2) * Math.log(0.25);
  const hGivenX = (d / 2) * (Math.log(2 * Math.PI * variance) + 1);
  const classes = [...new Set(labels)];
  const conditional = (entropy: (rows: number[][]) => number): number =>
    classes.reduce((sum, c) => {
      const rows = points.filter((_, i) => labels[i] === c);
      return sum + (rows.length / n) * entropy(rows);
    }, 0);
  const hUpper = upperEntropy(points, variance);
  const hLower = lowerEntropy(points);
  const bits = (x: number): number => x / LOG2;
  return {
    ixt: [bits(hLower - hGivenX), bits(hUpper - hGivenX)],
    iyt: [bits(hLower - conditional(lowerEntropy)), bits(hUpper - conditional((rows) => upperEntropy(rows, variance)))],
    ht: [bits(hLower), bits(hUpper)],
  };
}

describe('KDE bounds', () => {
  it('N identical points: H(T) is exactly the Gaussian entropy (d/2)·log(2πeσ²) and I(X;T) = 0', () => {
    const estimate = kdeEstimator({ noiseVariance: 0.3 }).estimate({ activations: zeros([40, 3], { dtype: 'float64' }).add(0.7), labels: int64([...Array(40).keys()].map((i) => i % 2)), numClasses: 2 });
    const gaussian = ((3 / 2) * Math.log(2 * Math.PI * Math.E * 0.3)) / LOG2;
    assertClose([estimate.ht.upper, estimate.ht.lower], [gaussian, gaussian], 1e-12);
    assertClose([estimate.ixt.upper, estimate.ixt.lower, estimate.iyt.upper, estimate.iyt.lower], [0, 0, 0, 0], 1e-12);
  });

  it('two far-apart clusters add one bit: I(X;T) = I(Y;T) = 1 bit when the labels follow the clusters', () => {
    const activations = tensor([...Array(60).keys()].map((i) => (i < 30 ? [0, 0] : [100, 0])), undefined, { dtype: 'float64' });
    const labels = int64([...Array(60).keys()].map((i) => (i < 30 ? 0 : 1)));
    const estimate = kdeEstimator({ noiseVariance: 0.1 }).estimate({ activations, labels, numClasses: 2 });
    assertClose([estimate.ixt.lower, estimate.ixt.upper, estimate.iyt.lower, estimate.iyt.upper], [1, 1, 1, 1], 1e-12);
    const gaussian = Math.log(2 * Math.PI * Math.E * 0.1) / LOG2;
    assertClose([estimate.ht.upper], [gaussian + 1], 1e-12);
  });

  it('labels as activations: I(Y;T) → H(Y) as σ² → 0, and falls as σ² grows', () => {
    const labelValues = [...Array(90).keys()].map((i) => (i < 50 ? 0 : i < 80 ? 1 : 2));
    const labels = int64(labelValues);
    const activations = oneHot(labels, 3).to('float64');
    const hY = labelEntropyBits(labels, 3);
    assertClose([hY], [-(5 / 9) * Math.log2(5 / 9) - (1 / 3) * Math.log2(1 / 3) - (1 / 9) * Math.log2(1 / 9)], 1e-12);
    const sharp = kdeEstimator({ noiseVariance: 1e-3 }).estimate({ activations, labels, numClasses: 3 });
    assertClose([sharp.iyt.lower, sharp.iyt.upper], [hY, hY], 1e-9);
    const blurred = kdeEstimator({ noiseVariance: 1 }).estimate({ activations, labels, numClasses: 3 });
    assert.ok(blurred.iyt.upper < hY - 0.1 && blurred.iyt.lower < blurred.iyt.upper);
  });

  it('agrees with the naive float64 reference to 1e-6 bits on random data, for any block size', () => {
    const n = 53;
    const d = 5;
    const values = pseudoRandom(n * d, 17).map((v) => v * 1.5);
    const points = Array.from({ length: n }, (_, i) => values.slice(i * d, (i + 1) * d));
    const labelValues = pseudoRandom(n, 18).map((v) => Math.floor((v + 1) * 1.5));
    const reference = naiveKde(points, labelValues, 0.2);
    for (const blockSize of [7, 16, 53, 1000]) {
      const estimate = kdeEstimator({ noiseVariance: 0.2, blockSize }).estimate({
        activations: tensor(values, [n, d], { dtype: 'float32' }).to('float64'),
        labels: int64(labelValues),
        numClasses: 3,
      });
      assertClose([estimate.ixt.lower, estimate.ixt.upper], reference.ixt, 1e-6, `I(X;T), block ${blockSize}`);
      assertClose([estimate.iyt.lower, estimate.iyt.upper], reference.iyt, 1e-6, `I(Y;T), block ${blockSize}`);
      assertClose([estimate.ht.lower, estimate.ht.upper], reference.ht, 1e-6, `H(T), block ${blockSize}`);
      assert.ok(estimate.ixt.lower <= estimate.ixt.upper && estimate.iyt.lower <= estimate.iyt.upper);
    }
    // float32 kernel blocks: the same numbers to within float32 rounding of the exponents.
    const fast = kdeEstimator({ noiseVariance: 0.2, precision: 'float32' }).estimate({ activations: tensor(values, [n, d], { dtype: 'float64' }), labels: int64(labelValues), numClasses: 3 });
    assertClose([fast.ixt.lower, fast.ixt.upper, fast.iyt.lower, fast.iyt.upper], [...reference.ixt, ...reference.iyt], 1e-4, 'float32 precision');
  });

  it('a σ² grid from one pass over the pairs (kdeEstimates) equals the naive reference at every σ², in float64 and float32, for any block size', () => {
    const n = 53;
    const d = 5;
    const values = pseudoRandom(n * d, 27).map((v) => v * 1.5);
    const points = Array.from({ length: n }, (_, i) => values.slice(i * d, (i + 1) * d));
    const labelValues = pseudoRandom(n, 28).map((v) => Math.floor((v + 1) * 1.5));
    const grid = [1e-3, 1e-2, 0.1, 1];
    const references = grid.map((v) => naiveKde(points, labelValues, v));
    for (const [precision, tolerance] of [['float64', 1e-6], ['float32', 1e-4]] as const) {
      for (const blockSize of [7, 1000]) {
        const estimates = kdeEstimates({ activations: tensor(values, [n, d], { dtype: 'float64' }), labels: int64(labelValues), numClasses: 3 }, grid.map((noiseVariance) => ({ noiseVariance, precision, blockSize })));
        estimates.forEach((estimate, k) => {
          const reference = references[k]!;
          assertClose([estimate.ixt.lower, estimate.ixt.upper, estimate.iyt.lower, estimate.iyt.upper, estimate.ht.lower, estimate.ht.upper], [...reference.ixt, ...reference.iyt, ...reference.ht], tolerance, `σ² ${grid[k]} ${precision} block ${blockSize}`);
          assert.equal(estimate.parameters['noiseVariance'], grid[k]);
        });
      }
    }
    assert.throws(() => kdeEstimates({ activations: tensor(values, [n, d]), labels: int64(labelValues), numClasses: 3 }, [{ precision: 'float32' }, { precision: 'float64' }]), /one precision/);
  });

  it('kernel sums: the lower variance\'s kernel to the power v₁/v₂ is the higher variance\'s kernel', () => {
    const activations = tensor([[0], [1], [3]], undefined, { dtype: 'float64' });
    // Classes interleaved (0, 1, 0): the sums come back in the caller's order.
    const sums = gaussianKernelLogSums(activations, int64([0, 1, 0]), 2, [0.5, 2], { blockSize: 2 });
    // Row 0 with v = 0.5: 1 + e^{−1} + e^{−9}; with v = 2: 1 + e^{−1/4} + e^{−9/4}. Own class: rows 0 and 2 are
    // 3 apart (1 + e^{−9}, 1 + e^{−9/4}); row 1 is alone (log 1 = 0).
    assertClose(sums.logAll[0]!.toNumbers().slice(0, 1), [Math.log(1 + Math.exp(-1) + Math.exp(-9))], 1e-12);
    assertClose(sums.logAll[1]!.toNumbers().slice(0, 1), [Math.log(1 + Math.exp(-0.25) + Math.exp(-2.25))], 1e-12);
    assertClose(sums.logOwnClass[0]!.toNumbers(), [Math.log(1 + Math.exp(-9)), 0, Math.log(1 + Math.exp(-9))], 1e-12);
    assertClose(sums.logOwnClass[1]!.toNumbers(), [Math.log(1 + Math.exp(-2.25)), 0, Math.log(1 + Math.exp(-2.25))], 1e-12);
    // Variances 2× apart (one square root per step) and 3× apart (exp of the scaled exponent): row 0's sums.
    for (const variances of [[0.5, 1, 2], [0.5, 1.5, 4.5]]) {
      const chain = gaussianKernelLogSums(activations, int64([0, 1, 0]), 2, variances, { blockSize: 2 });
      chain.logAll.forEach((logSums, k) => {
        const v = variances[k]!;
        assertClose(logSums.toNumbers().slice(0, 1), [Math.log(1 + Math.exp(-1 / (2 * v)) + Math.exp(-9 / (2 * v)))], 1e-12, `v = ${v}`);
      });
    }
  });
});

describe('KDE in float32 kernel blocks', () => {
  it('never puts I(X;T) above H(X) = log₂N on a wide, saturated layer (self terms are exact)', () => {
    // 500 samples of a 36 864-wide ReLU layer (the CNN preset's conv layer) at σ² = 0.0735: all pairs are
    // far apart, so the exact estimate is log₂ 500 (every other kernel underflows to 0).
    const activations = randn([500, 36864], { generator: new Generator(3) }).mul(3).relu();
    const labels = tensor(Array.from({ length: 500 }, (_, i) => i % 10), undefined, { dtype: 'int64' });
    for (const precision of ['float32', 'float64'] as const) {
      const { ixt } = kdeEstimator({ noiseVariance: 0.0735, precision }).estimate({ activations, labels, numClasses: 10 });
      assert.ok(ixt.upper <= Math.log2(500) + 1e-9, `${precision}: ${ixt.upper} > log2 500`);
      assertClose([ixt.upper], [Math.log2(500)], 1e-9);
    }
  });
});

describe('the paper\'s conv methods', () => {
  const labels = int64([...Array(24).keys()].map((i) => i % 3));
  const image = (channels: number, seed: number): Tensor => tensor(pseudoRandom(24 * channels * 9, seed), [24, channels, 3, 3], { dtype: 'float64' });

  it('concat equals mean for a single channel, and a dense layer is the same under both', () => {
    const estimator = kdeEstimator({ noiseVariance: 0.5 });
    const single = image(1, 3);
    const concat = estimateLayer(estimator, { activations: single, labels, numClasses: 3 }, 'concat');
    const mean = estimateLayer(estimator, { activations: single, labels, numClasses: 3 }, 'mean');
    assertClose([concat.ixt.lower, concat.ixt.upper, concat.iyt.lower, concat.iyt.upper], [mean.ixt.lower, mean.ixt.upper, mean.iyt.lower, mean.iyt.upper], 1e-12);
    const dense = single.reshape([24, 9]);
    const a = estimateLayer(estimator, { activations: dense, labels, numClasses: 3 }, 'concat');
    const b = estimateLayer(estimator, { activations: dense, labels, numClasses: 3 }, 'mean');
    assert.deepEqual([a.ixt, a.iyt], [b.ixt, b.iyt]);
  });

  it('mean averages the per-channel estimates and reports each one; concat treats C·H·W as one vector', () => {
    const estimator = kdeEstimator({ noiseVariance: 0.5 });
    const activations = image(2, 4);
    const mean = estimateLayer(estimator, { activations, labels, numClasses: 3 }, 'mean');
    const channel = (c: number) => estimator.estimate({ activations: activations.select(1, c).reshape([24, 9]), labels, numClasses: 3 });
    assert.equal(mean.perChannel!.length, 2);
    assertClose([mean.ixt.upper], [(channel(0).ixt.upper + channel(1).ixt.upper) / 2], 1e-12);
    assertClose([mean.iyt.lower], [(channel(0).iyt.lower + channel(1).iyt.lower) / 2], 1e-12);
    const concat = estimateLayer(estimator, { activations, labels, numClasses: 3 }, 'concat');
    const flat = estimator.estimate({ activations: activations.reshape([24, 18]), labels, numClasses: 3 });
    assert.deepEqual(concat.ixt, flat.ixt);
    assert.equal(concat.parameters['dims'], 18);
  });
});

describe('bad input', () => {
  const estimator = kdeEstimator();
  it('names the problem', () => {
    assert.throws(() => estimateLayer(estimator, { activations: zeros([4, 2]), labels: int64([0, 1, 0]), numClasses: 2 }), /activations have 4 samples but labels have shape \[3\]/);
    assert.throws(() => estimateLayer(estimator, { activations: tensor([[0], [NaN]]), labels: int64([0, 1]), numClasses: 2 }), /activations contain 1 NaN or infinite values/);
    assert.throws(() => estimateLayer(estimator, { activations: zeros([3, 2]), labels: int64([1, 1, 1]), numClasses: 2 }), /labels hold a single class/);
    assert.throws(() => estimateLayer(estimator, { activations: zeros([1, 2]), labels: int64([0]), numClasses: 2 }), /at least 2 samples are needed/);
    assert.throws(() => estimateLayer(estimator, { activations: zeros([2, 2]), labels: int64([0, 5]), numClasses: 2 }), /class indices in \[0, 1\]/);
    assert.throws(() => kdeEstimator({ noiseVariance: -1 }), /noiseVariance must be a positive number/);
  });
});
