/** Binning on hand-counted tables, Rényi on closed forms, the softmax estimator, calibration, convergence. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  binEstimator, calibrateNoiseVariance, convergence, estimateLayer, kdeEstimator, labelGram, logGrid, normalisedGram,
  outputDistributionEstimator, renyiEntropy, renyiEstimator, sampleSizes, tishbyBinEstimator,
} from '../../src/info/index.js';
import { type Tensor, oneHot, tensor, zeros } from '../../src/tensor/index.js';
import { assertClose, pseudoRandom } from '../helpers.js';

const int64 = (values: number[]): Tensor => tensor(values, undefined, { dtype: 'int64' });
const f64 = (values: number[] | number[][], shape?: number[]): Tensor => tensor(values, shape, { dtype: 'float64' });

describe('binning', () => {
  it("Saxe's variant on a hand-counted table", () => {
    // ⌊t/0.5⌋ rows: [0,0] [0,0] [1,0] [1,0] [2,−1] [0,1] → counts 2, 2, 1, 1 of 6
    const activations = f64([[0.1, 0.2], [0.3, 0.4], [0.6, 0.1], [0.7, 0.2], [1.2, -0.3], [0.2, 0.9]]);
    const estimate = binEstimator({ binsize: 0.5 }).estimate({ activations, labels: int64([0, 1, 0, 1, 0, 1]), numClasses: 2 });
    const h = -(2 * (1 / 3) * Math.log2(1 / 3) + 2 * (1 / 6) * Math.log2(1 / 6));
    // Each class holds three different bins: H(T|Y) = log₂ 3.
    assertClose([estimate.ht.upper, estimate.ixt.upper, estimate.iyt.upper], [h, h, h - Math.log2(3)], 1e-12);
    assert.equal(estimate.ixt.lower, estimate.ixt.upper);
  });

  it("Tishby's variant: H(T|X) over repeated inputs lowers I(X;T)", () => {
    // edges −1, 0, 1: codes 1 1 2 2 1 2; input 2 appears with two codes → H(T|X) = 1/3 bit
    const activations = f64([[-0.5], [-0.5], [0.5], [0.5], [-0.2], [0.7]]);
    const estimate = tishbyBinEstimator({ numBins: 3 }).estimate({ activations, labels: int64([0, 0, 1, 1, 0, 1]), numClasses: 2, inputIds: int64([0, 0, 1, 1, 2, 2]) });
    assertClose([estimate.ht.upper, estimate.ixt.upper, estimate.iyt.upper], [1, 2 / 3, 1], 1e-12);
  });

  it("Tishby's default 30 bins match np.digitize(t, np.linspace(−1, 1, 30)) computed by hand", () => {
    const values = pseudoRandom(200 * 3, 9).map((v) => Math.tanh(2 * v));
    const labels = pseudoRandom(200, 10).map((v) => (v > 0 ? 1 : 0));
    const edges = Array.from({ length: 30 }, (_, k) => -1 + (2 * k) / 29);
    const codes = Array.from({ length: 200 }, (_, i) => values.slice(3 * i, 3 * i + 3).map((t) => edges.filter((e) => e <= t).length).join());
    const entropy = (symbols: string[]): number => {
      const counts = new Map<string, number>();
      for (const s of symbols) counts.set(s, (counts.get(s) ?? 0) + 1);
      return [...counts.values()].reduce((h, c) => h - (c / symbols.length) * Math.log2(c / symbols.length), 0);
    };
    const hGivenY = [0, 1].reduce((sum, c) => {
      const members = codes.filter((_, i) => labels[i] === c);
      return sum + (members.length / 200) * entropy(members);
    }, 0);
    const estimate = tishbyBinEstimator().estimate({ activations: f64(values, [200, 3]), labels: int64(labels), numClasses: 2 });
    assertClose([estimate.ht.upper, estimate.iyt.upper], [entropy(codes), entropy(codes) - hGivenY], 1e-12);
  });
});

describe('binning: rows identified by hashing', () => {
  /** H(T) and I(Y;T) in bits from rows of ⌊t/binsize⌋ compared as strings: the reference. */
  const reference = (values: number[], d: number, labels: number[], binsize: number, round: (x: number) => number): [number, number] => {
    const n = labels.length;
    const rows = Array.from({ length: n }, (_, i) => values.slice(d * i, d * (i + 1)).map((t) => Math.floor(round(t / binsize))).join());
    const entropy = (symbols: string[]): number => {
      const counts = new Map<string, number>();
      for (const symbol of symbols) counts.set(symbol, (counts.get(symbol) ?? 0) + 1);
      return [...counts.values()].reduce((h, c) => h - (c / symbols.length) * Math.log2(c / symbols.length), 0);
    };
    const h = entropy(rows);
    const hGivenY = [0, 1, 2].reduce((sum, c) => {
      const members = rows.filter((_, i) => labels[i] === c);
      return sum + (members.length / n) * entropy(members);
    }, 0);
    return [h, h - hGivenY];
  };

  it('agrees with exact row matching for narrow codes (float32 hash), wide codes (float64 hash) and huge ones (sorted rows)', () => {
    const n = 400;
    const labels = pseudoRandom(n, 3).map((v) => Math.floor((v + 1) * 1.5) % 3);
    // Rows drawn from 12 prototypes, each value moved within its bin, so that many rows repeat exactly.
    for (const [d, scale, dtype] of [[60, 1, 'float32'], [40, 3e5, 'float32'], [5, 1e15, 'float64']] as const) {
      const prototypes = pseudoRandom(12 * d, 5).map((v) => Math.floor(v * scale) + 0.25);
      const pick = pseudoRandom(n, 6).map((v) => Math.floor((v + 1) * 6) % 12);
      const jitter = pseudoRandom(n * d, 7).map((v) => 0.2 * (v + 1));
      const values = Array.from({ length: n * d }, (_, k) => prototypes[pick[Math.floor(k / d)]! * d + (k % d)]! + jitter[k]!);
      const activations = tensor(values, [n, d], { dtype });
      const stored = activations.toNumbers();
      const estimate = binEstimator({ binsize: 1 }).estimate({ activations, labels: int64(labels), numClasses: 3 });
      const [h, iyt] = reference(stored, d, labels, 1, dtype === 'float32' ? Math.fround : (x) => x);
      assert.ok(h > 2 && h < Math.log2(n), `the case has repeats and variety (H = ${h})`);
      assertClose([estimate.ht.upper, estimate.iyt.upper], [h, iyt], 1e-12);
    }
  });
});

describe('matrix-based Rényi entropy', () => {
  const alpha = 2;

  it('labels: S_α(Y) is the Rényi entropy of the class frequencies', () => {
    const labels = int64([0, 0, 0, 1, 1, 2]);
    const frequencies = [3 / 6, 2 / 6, 1 / 6];
    assertClose([renyiEntropy(labelGram(labels, 3), alpha)], [Math.log2(frequencies.reduce((s, p) => s + p ** alpha, 0)) / (1 - alpha)], 1e-12);
  });

  it('identical points have entropy 0; far-apart points log₂ N', () => {
    assertClose([renyiEntropy(normalisedGram(zeros([8, 3]), 1), alpha)], [0], 1e-9);
    assertClose([renyiEntropy(normalisedGram(f64([...Array(8).keys()].map((i) => [10 * i, 0])), 0.1), alpha)], [3], 1e-9);
  });

  it('a representation that separates the classes far apart carries I(Y;T) = S_α(Y), and I(X;T) = S_α(X) when T = X', () => {
    const labels = int64([0, 0, 1, 1, 1, 2]);
    const activations = oneHot(labels, 3).to('float64').mul(100);
    const inputs = f64([...Array(6).keys()].map((i) => [50 * i]));
    const estimate = renyiEstimator({ alpha, kernelWidth: 1 }).estimate({ activations, labels, numClasses: 3, inputs });
    const hY = renyiEntropy(labelGram(labels, 3), alpha);
    assertClose([estimate.iyt.upper], [hY], 1e-9);
    const same = renyiEstimator({ alpha, kernelWidth: 1 }).estimate({ activations: inputs, labels, numClasses: 3, inputs });
    assertClose([same.ixt.upper], [Math.log2(6)], 1e-9);
    assert.throws(() => renyiEstimator().estimate({ activations, labels, numClasses: 3 }), /needs the inputs X/);
  });
});

describe('the output layer as a distribution', () => {
  it('a perfect classifier carries H(Y); constant predictions carry nothing', () => {
    const labels = int64([0, 0, 1, 2]);
    const perfect = outputDistributionEstimator().estimate({ activations: oneHot(labels, 3).to('float64'), labels, numClasses: 3 });
    const hY = 1.5; // p = ½, ¼, ¼
    assertClose([perfect.iyt.upper, perfect.ixt.upper], [hY, hY], 1e-9);
    const flat = outputDistributionEstimator().estimate({ activations: zeros([4, 3], { dtype: 'float64' }).add(1 / 3), labels, numClasses: 3 });
    assertClose([flat.iyt.upper, flat.ixt.upper], [0, 0], 1e-12);
    assert.throws(() => outputDistributionEstimator().estimate({ activations: zeros([4, 3]).add(2), labels, numClasses: 3 }), /rows of probabilities/);
  });
});

describe('calibration', () => {
  it('picks the largest σ² whose estimate of I(Y;T) is within the bound gap of H(Y)', () => {
    const labels = int64([...Array(60).keys()].map((i) => i % 3));
    const data = { activations: oneHot(labels, 3).to('float64'), labels, numClasses: 3 };
    const grid = logGrid(1e-3, 10, 9);
    for (const criterion of ['upper', 'lower', 'midpoint'] as const) {
      const result = calibrateNoiseVariance(data, { criterion, grid });
      assertClose([result.labelEntropy], [Math.log2(3)], 1e-12);
      assert.equal(result.points.length, 9);
      for (const point of result.points) {
        const estimate = criterion === 'upper' ? point.iyt.upper : criterion === 'lower' ? point.iyt.lower : (point.iyt.upper + point.iyt.lower) / 2;
        assert.equal(point.matches, Math.abs(estimate - Math.log2(3)) <= point.iyt.upper - point.iyt.lower + 1e-9);
      }
      const chosen = result.points.findIndex((p) => p.noiseVariance === result.noiseVariance);
      assert.ok(chosen >= 0 && result.points[chosen]!.matches);
      assert.ok(result.points.slice(chosen + 1).every((p) => !p.matches), `${criterion}: nothing larger matches`);
    }
  });
});

describe('sample-size convergence', () => {
  it('sizes double from 50 up to N; stable from the size after which all estimates stay within tolerance', () => {
    assert.deepEqual(sampleSizes(450), [50, 100, 200, 400, 450]);
    const labels = int64([...Array(400).keys()].map((i) => i % 2));
    const activations = oneHot(labels, 2).to('float64').mul(10);
    const result = convergence(kdeEstimator({ noiseVariance: 0.1 }), { activations, labels, numClasses: 2 }, { tolerance: 0.05 });
    assert.deepEqual(result.points.map((p) => p.samples), [50, 100, 200, 400]);
    // Two far-apart clusters: 1 bit at every size.
    assert.equal(result.stableFrom, 50);
    for (const point of result.points) assertClose([point.estimate.iyt.upper], [1], 0.02);
    const noisy = convergence(kdeEstimator({ noiseVariance: 0.1 }), { activations: f64(pseudoRandom(400 * 4, 3), [400, 4]), labels, numClasses: 2 }, { tolerance: 1e-9 });
    assert.equal(noisy.stableFrom, 400);
  });
});

describe('estimateLayer with other estimators', () => {
  it('mean and concat apply to binning too', () => {
    const labels = int64([0, 1, 0, 1]);
    const activations = f64(pseudoRandom(4 * 2 * 4, 5), [4, 2, 2, 2]);
    const mean = estimateLayer(binEstimator(), { activations, labels, numClasses: 2 }, 'mean');
    assert.equal(mean.perChannel!.length, 2);
    assertClose([mean.ht.upper], [(mean.perChannel![0]!.ht.upper + mean.perChannel![1]!.ht.upper) / 2], 1e-12);
  });
});
