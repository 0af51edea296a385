/** Binning on hand-counted tables, Rényi on closed forms, the softmax estimator, calibration, convergence. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  binEstimator, calibrateNoiseVariance, classLabels, convergence, createEstimator, estimateLayer, indexVector, kdeEstimator, labelGram,
  medianWidth, normalisedGram, outputDistributionEstimator, parseEstimatorSpec, renyiEntropy, renyiEstimator, sampleSizes, scottWidth,
  tishbyBinEstimator,
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

describe('Rényi kernel widths', () => {
  it("scottWidth is s·N^(−1/(4+d)) with s² the mean unbiased per-coordinate variance", () => {
    // Columns (0, 2, 4) and (1, 5, 0): unbiased variances 8/2 = 4 and (1 + 9 + 4)/2 = 7.
    assertClose([scottWidth(f64([[0, 1], [2, 5], [4, 0]]))], [Math.sqrt((4 + 7) / 2) * 3 ** (-1 / 6)], 1e-12);
  });

  it('medianWidth is the median distance over all pairs, as a brute-force median computes it', () => {
    const bruteForce = (values: number[], n: number, d: number): number => {
      const distances: number[] = [];
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          let sum = 0;
          for (let k = 0; k < d; k++) sum += (values[i * d + k]! - values[j * d + k]!) ** 2;
          distances.push(Math.sqrt(sum));
        }
      }
      distances.sort((a, b) => a - b);
      const m = distances.length;
      return m % 2 === 1 ? distances[(m - 1) / 2]! : (distances[m / 2 - 1]! + distances[m / 2]!) / 2;
    };
    assertClose([medianWidth(f64([[0], [1], [3]]))], [2], 1e-12);
    // 7 points: 21 pairs (odd); 8 points: 28 pairs (even, the mean of the two middle distances).
    for (const n of [7, 8]) {
      const values = pseudoRandom(n * 3, 40 + n).map((v) => 5 * v);
      assertClose([medianWidth(f64(values, [n, 3]))], [bruteForce(values, n, 3)], 1e-9, `${n} points`);
    }
  });

  it("on a wide layer Scott's width saturates every estimate while the median width follows the class separation", () => {
    // 200 samples, 2000 coordinates: uniform noise plus scale × a random mean per class; X is independent of T.
    const n = 200;
    const d = 2000;
    const y = pseudoRandom(n, 23).map((v) => (v > 0 ? 1 : 0));
    const labels = int64(y);
    const noise = pseudoRandom(n * d, 21);
    const means = pseudoRandom(2 * d, 24);
    const inputs = f64(pseudoRandom(n * d, 22), [n, d]);
    const hY = renyiEntropy(labelGram(labels, 2), 1.01);
    const medianIyt: number[] = [];
    for (const scale of [0, 1, 2]) {
      const activations = f64(noise.map((v, k) => v + scale * means[y[Math.floor(k / d)]! * d + (k % d)]!), [n, d]);
      const scott = renyiEstimator({ kernelWidth: 'scott' }).estimate({ activations, labels, numClasses: 2, inputs });
      // K = I/N to rounding: H(T) and I(X;T) at log₂ N, I(Y;T) at S_α(Y), with or without class structure.
      assertClose([scott.ht.upper, scott.ixt.upper, scott.iyt.upper], [Math.log2(n), Math.log2(n), hY], 1e-9, `scott, scale ${scale}`);
      const median = renyiEstimator({ kernelWidth: 'median' }).estimate({ activations, labels, numClasses: 2, inputs });
      assert.equal(median.parameters['kernelWidthRule'], 'median');
      assertClose([median.parameters['kernelWidth'] as number], [medianWidth(activations)], 1e-12);
      assert.ok(median.ht.upper < Math.log2(n) - 3 && median.ixt.upper < Math.log2(n) / 2, `median, scale ${scale}: H(T) ${median.ht.upper}, I(X;T) ${median.ixt.upper}`);
      medianIyt.push(median.iyt.upper);
    }
    // Labels independent of T (scale 0) keep I(Y;T) below half of S_α(Y); it grows as the classes separate.
    assert.ok(medianIyt[0]! < hY / 2 && medianIyt[0]! < medianIyt[1]! && medianIyt[1]! < medianIyt[2]! && medianIyt[2]! < hY, `median I(Y;T) ${medianIyt.join(', ')}`);
  });

  it('records the rule and the widths it chose; a given width is recorded as fixed', () => {
    const labels = int64([0, 1, 0, 1, 0, 1]);
    const activations = f64(pseudoRandom(6 * 3, 50), [6, 3]);
    const inputs = f64(pseudoRandom(6 * 4, 51), [6, 4]);
    const scott = renyiEstimator({ kernelWidth: 'scott' }).estimate({ activations, labels, numClasses: 2, inputs });
    assert.deepEqual([scott.parameters['kernelWidthRule'], scott.parameters['kernelWidth'], scott.parameters['inputKernelWidth']], ['scott', scottWidth(activations), scottWidth(inputs)]);
    const fixed = renyiEstimator({ kernelWidth: 0.7 }).estimate({ activations, labels, numClasses: 2, inputs });
    assert.deepEqual([fixed.parameters['kernelWidthRule'], fixed.parameters['kernelWidth'], fixed.parameters['inputKernelWidth']], ['fixed', 0.7, 0.7]);
    assert.equal(renyiEstimator().estimate({ activations, labels, numClasses: 2, inputs }).parameters['kernelWidthRule'], 'median');
    assert.throws(() => renyiEstimator({ kernelWidth: 'mean' as 'median' }), /kernelWidth must be a positive number or one of "scott", "median", got "mean"/);
  });
});

describe('estimator specs', () => {
  const labels = int64([0, 1, 0, 1, 0, 1]);
  const activations = f64(pseudoRandom(6 * 2, 60).map((v) => 0.5 * v), [6, 2]);
  const data = { activations, labels, numClasses: 2, inputs: activations };
  const parameters = (estimate: { parameters: Record<string, unknown> }): Record<string, unknown> => estimate.parameters;

  it('an option of another estimator is an error naming it', () => {
    assert.throws(() => parseEstimatorSpec({ name: 'kde', binsize: 3 }), /Invalid options of the kde estimator:\n- \(top level\): unknown field "binsize"/);
    assert.throws(() => createEstimator({ name: 'bin', noiseVariance: 0.1 } as never), /options of the bin estimator:\n.*unknown field "noiseVariance"/);
    assert.throws(() => createEstimator({ name: 'softmax', alpha: 2 } as never), /unknown field "alpha"/);
  });

  it('each estimator takes its own options, and they reach the estimator', () => {
    assert.deepEqual(parameters(createEstimator({ name: 'kde', noiseVariance: 0.2, precision: 'float32' }).estimate(data)),
      { estimator: 'kde', noiseVariance: 0.2, precision: 'float32', samples: 6, dims: 2 });
    assert.equal(parameters(createEstimator({ name: 'bin', binsize: 0.25 }).estimate(data))['binsize'], 0.25);
    assert.equal(parameters(createEstimator({ name: 'tishby-bin', numBins: 12 }).estimate(data))['numBins'], 12);
    const renyi = parameters(createEstimator({ name: 'renyi', alpha: 2, kernelWidth: 0.5 }).estimate(data));
    assert.deepEqual([renyi['alpha'], renyi['kernelWidthRule'], renyi['kernelWidth']], [2, 'fixed', 0.5]);
    assert.equal(parameters(createEstimator({ name: 'renyi', kernelWidth: 'scott' }).estimate(data))['kernelWidthRule'], 'scott');
    assert.equal(createEstimator({ name: 'softmax' }).name, 'softmax');
  });

  it("the schema's defaults are the documented ones, and the same as each estimator's own", () => {
    assert.deepEqual(parseEstimatorSpec({ name: 'kde' }), { name: 'kde', noiseVariance: 0.1, precision: 'float64' });
    assert.deepEqual(parseEstimatorSpec({ name: 'bin' }), { name: 'bin', binsize: 0.5 });
    assert.deepEqual(parseEstimatorSpec({ name: 'tishby-bin' }), { name: 'tishby-bin', numBins: 30 });
    assert.deepEqual(parseEstimatorSpec({ name: 'renyi' }), { name: 'renyi', alpha: 1.01, kernelWidth: 'median' });
    const pairs = [[kdeEstimator(), 'kde'], [binEstimator(), 'bin'], [tishbyBinEstimator(), 'tishby-bin'], [renyiEstimator(), 'renyi']] as const;
    for (const [estimator, name] of pairs) assert.deepEqual(parameters(createEstimator({ name }).estimate(data)), parameters(estimator.estimate(data)), name);
  });

  it('an invalid value is an error naming the option and the allowed values', () => {
    const bad = (spec: unknown, message: RegExp): void => assert.throws(() => parseEstimatorSpec(spec), message);
    bad({ name: 'kde', noiseVariance: -1 }, /- noiseVariance: Number must be greater than 0/);
    bad({ name: 'kde', precision: 'float16' }, /- precision: expected one of "float64", "float32" but received "float16"/);
    bad({ name: 'tishby-bin', numBins: 2.5 }, /- numBins: Expected integer, received float/);
    bad({ name: 'renyi', alpha: 1 }, /- alpha: α must differ from 1/);
    bad({ name: 'renyi', kernelWidth: 'mean' }, /- kernelWidth: expected a positive number or one of "scott", "median"/);
    bad({ name: 'renyi', kernelWidth: 0 }, /- kernelWidth: Number must be greater than 0/);
    bad({ name: 'magic' }, /Invalid estimator spec:\n- name: expected one of "kde", "bin", "tishby-bin", "renyi", "softmax"/);
  });
});

describe('class labels', () => {
  it('any numeric dtype holding non-negative integers becomes int64 class indices', () => {
    const fromFloat = classLabels(f64([0, 2, 1, 2]), { samples: 4 });
    assert.equal(fromFloat.labels.dtype, 'int64');
    assert.deepEqual([fromFloat.labels.toNumbers(), fromFloat.numClasses], [[0, 2, 1, 2], 3]);
    const column = classLabels(tensor([1, 0, 1], [3, 1], { dtype: 'int32' }), { numClasses: 4 });
    assert.deepEqual([column.labels.shape, column.labels.toNumbers(), column.numClasses], [[3], [1, 0, 1], 4]);
  });

  it('names what is wrong with bad labels and how to fix it', () => {
    const bad = (values: Tensor, options: { samples?: number; numClasses?: number }, message: RegExp): void => assert.throws(() => classLabels(values, options), message);
    bad(f64([0, 1.5, 1]), {}, /labels must be non-negative integers but 1 are not \(the first, at index 1, is 1\.5\); round or re-encode them as 0, 1, 2/);
    bad(tensor([0, -1, 2, -3], undefined, { dtype: 'int32' }), {}, /but 2 are not \(the first, at index 1, is -1\)/);
    bad(f64([0, NaN]), {}, /labels must be non-negative integers but 1 are not \(the first, at index 1, is NaN\)/);
    bad(int64([0, 1, 0]), { samples: 4 }, /^Error: 3 labels for 4 samples; give one per sample$/);
    bad(f64([[1, 0, 0], [0, 1, 0]]), {}, /labels must be a vector of N integers but have shape \[2, 3\]; give one per sample \(one-hot rows become indices with argmax\(1\)\)/);
    bad(int64([0, 2, 1]), { numClasses: 2 }, /label 2 is outside the 2 classes \(indices 0 to 1\); the number of classes must be at least 3/);
    bad(int64([0, 1]), { numClasses: 1.5 }, /Expected a positive integer for numClasses but received 1\.5/);
    assert.throws(() => indexVector(f64([0, 0.5]), 'input ids', 2), /input ids must be non-negative integers/);
  });

  it('estimators refuse labels that are not int64 and point at classLabels', () => {
    assert.throws(() => estimateLayer(binEstimator(), { activations: zeros([2, 2]), labels: f64([0, 1]), numClasses: 2 }), /labels must be int64 class indices, not float64; classLabels\(labels\) converts and checks them/);
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
  // Two clusters of 10 points each, at 0 and at 1 (d = 1), labelled by cluster: H(Y) = 1 bit. Each sample's
  // kernel sum is 10 + 10q with q = exp(−1/2σ²) (10 + 10q^¼ for the lower bound's 4σ²), within its class 10, so
  // the KDE bounds have the closed form I(Y;T) ∈ [1 − log₂(1 + q^¼), 1 − log₂(1 + q)] bits: H(Y) as σ² → 0,
  // 0 as σ² → ∞. Write u = q^¼ = exp(−1/8σ²).
  const labels = int64([...Array(20).keys()].map((i) => (i < 10 ? 0 : 1)));
  const data = { activations: f64(labels.toNumbers(), [20, 1]), labels, numClasses: 2 };
  const kernel = (variance: number): number => Math.exp(-1 / (2 * variance));
  const closedForm = (variance: number): [number, number] => [1 - Math.log2(1 + kernel(variance) ** 0.25), 1 - Math.log2(1 + kernel(variance))];
  /** The root in (0, 1) of an increasing-then-positive f with f(0⁺) < 0 < f(1), by bisection. */
  const root = (f: (u: number) => number): number => {
    let [low, high] = [1e-6, 1];
    for (let i = 0; i < 200; i++) [low, high] = f((low + high) / 2) < 0 ? [(low + high) / 2, high] : [low, (low + high) / 2];
    return low;
  };
  const varianceAt = (u: number): number => 1 / (8 * -Math.log(u));

  it('the bounds of the two-cluster case follow the closed form, from H(Y) at small σ² to 0 at large σ²', () => {
    const grid = [1e-3, 0.05, 0.3, 1, 10, 1e4];
    const result = calibrateNoiseVariance(data, { grid });
    assertClose([result.labelEntropy], [1], 1e-12);
    for (const point of result.points) assertClose([point.iyt.lower, point.iyt.upper], closedForm(point.noiseVariance), 1e-9, `σ² ${point.noiseVariance}`);
    assertClose([result.points[0]!.iyt.lower, result.points[0]!.iyt.upper], [1, 1], 1e-12);
    assert.ok(result.points.at(-1)!.iyt.upper < 1e-4);
  });

  it('picks the largest σ² of the grid below the closed-form threshold of each criterion', () => {
    // midpoint: |(lower + upper)/2 − 1| ≤ upper − lower  ⇔  3·log₂(1 + u⁴) ≤ log₂(1 + u)  ⇔  (1 + u⁴)³ ≤ 1 + u;
    // upper:    |upper − 1| ≤ upper − lower               ⇔  (1 + u⁴)² ≤ 1 + u;
    // lower:    |lower − 1| ≤ upper − lower               ⇔  log₂(1 + q) ≤ 0 (1e-9 bits of slack): the clusters decouple.
    const thresholds = {
      midpoint: varianceAt(root((u) => (1 + u ** 4) ** 3 - 1 - u)),
      upper: varianceAt(root((u) => (1 + u ** 4) ** 2 - 1 - u)),
    };
    assert.ok(thresholds.midpoint > 0.2 && thresholds.midpoint < thresholds.upper, `thresholds ${JSON.stringify(thresholds)}`);
    for (const criterion of ['midpoint', 'upper'] as const) {
      const threshold = thresholds[criterion];
      const grid = [0.01, 0.1, 0.5, 0.9, 1.1, 2, 10].map((factor) => factor * threshold);
      const result = calibrateNoiseVariance(data, { criterion, grid });
      assert.deepEqual(result.points.map((p) => p.matches), [true, true, true, true, false, false, false], criterion);
      assert.equal(result.noiseVariance, grid[3], criterion);
      assert.equal(calibrateNoiseVariance(data, { criterion, grid: grid.slice(4) }).noiseVariance, undefined, `${criterion}: nothing on the grid matches`);
    }
    // q = exp(−1/2σ²) is below 1e-20 at σ² = 0.01 and 0.0067 at σ² = 0.1.
    const lower = calibrateNoiseVariance(data, { criterion: 'lower', grid: [0.005, 0.01, 0.1, 1] });
    assert.deepEqual(lower.points.map((p) => p.matches), [true, true, false, false]);
    assert.equal(lower.noiseVariance, 0.01);
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
