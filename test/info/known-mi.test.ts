/** The known-MI tasks: their true values by independent routes, their samples, and what estimators do on them. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type BiasRow, measureBias, planBias } from '../../src/info/estimator-bias.js';
import { readingOf } from '../../src/info/estimator-readings.js';
import { cellProbabilities, mixtureInformationBits, mixtureQuantiles } from '../../src/info/gaussian-integrals.js';
import {
  type KnownMiTask, knownValue, parseKnownMiTask, plugInBiasBits, sampleKnownMiTask,
} from '../../src/info/known-mi.js';
import { type EstimatorSpec, createEstimator, estimateLayer, parseEstimatorSpec } from '../../src/info/index.js';
import { pseudoRandom } from '../helpers.js';

const spec = (value: Record<string, unknown>): EstimatorSpec => parseEstimatorSpec(value);
const ksg = spec({ name: 'ksg' });
const bits = (task: KnownMiTask, dims: number, quantity: 'I(X;T)' | 'I(Y;T)', estimator: EstimatorSpec): number => {
  const value = knownValue(task, dims, quantity, estimator);
  assert.ok('bits' in value, `no value: ${JSON.stringify(value)}`);
  return value.bits;
};

/** log det of a symmetric positive-definite matrix by plain Gaussian elimination. */
function logDet(matrix: number[][]): number {
  const a = matrix.map((row) => [...row]);
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    sum += Math.log(a[i]![i]!);
    for (let r = i + 1; r < a.length; r++) {
      const factor = a[r]![i]! / a[i]![i]!;
      for (let c = i; c < a.length; c++) a[r]![c]! -= factor * a[i]![c]!;
    }
  }
  return sum;
}

/** I(A;B) in bits of jointly Gaussian A, B from covariances: ½·log₂(det Σ_A · det Σ_B / det Σ). */
function gaussianInformation(covA: number[][], covB: number[][], cross: number[][]): number {
  const joint = [...covA.map((row, i) => [...row, ...cross[i]!]), ...covB.map((row, i) => [...cross.map((r) => r[i]!), ...row])];
  return (logDet(covA) + logDet(covB) - logDet(joint)) / (2 * Math.LN2);
}

const identity = (d: number, scale = 1): number[][] => Array.from({ length: d }, (_, i) => Array.from({ length: d }, (__, j) => (i === j ? scale : 0)));

/** Standard normal draws without the engine: Box–Muller on mulberry32 uniforms. */
function normals(count: number, seed: number): number[] {
  const uniforms = pseudoRandom(2 * count, seed).map((v) => (v + 1) / 2 || 0.5);
  return Array.from({ length: count }, (_, i) => Math.sqrt(-2 * Math.log(uniforms[2 * i]!)) * Math.cos(2 * Math.PI * uniforms[2 * i + 1]!));
}

/** Plug-in entropy in bits of the values' empirical distribution. */
function plugInEntropy(values: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.values()].reduce((h, count) => h - (count / values.length) * Math.log2(count / values.length), 0);
}

describe('known-MI true values, by independent routes', () => {
  it('the channel: its closed form equals the mutual information summed over its joint table', () => {
    for (const [classes, errorRate] of [[2, 0.11], [5, 0.3], [16, 0.2], [8, 0]] as const) {
      const p = (y: number, t: number): number => (t === y ? 1 - errorRate : errorRate / (classes - 1)) / classes;
      let information = 0;
      for (let y = 0; y < classes; y++) {
        for (let t = 0; t < classes; t++) {
          // p(y) = p(t) = 1/M: the channel is symmetric and Y uniform.
          if (p(y, t) > 0) information += p(y, t) * Math.log2(p(y, t) / (1 / classes ** 2));
        }
      }
      const task: KnownMiTask = { task: 'channel', classes, errorRate };
      assert.ok(Math.abs(bits(task, 1, 'I(Y;T)', ksg) - information) < 1e-12, `M = ${classes}, ε = ${errorRate}`);
      // Cells of width 1 are the codes themselves: the same table; distinct inputs give I(X;T) = H(T) = log₂ M.
      assert.ok(Math.abs(bits(task, 1, 'I(Y;T)', spec({ name: 'bin', binsize: 1 })) - information) < 1e-12);
      assert.ok(Math.abs(bits(task, 1, 'I(X;T)', spec({ name: 'bin', binsize: 1 })) - Math.log2(classes)) < 1e-12);
    }
  });

  it('correlated Gaussians: −(d/2)·log₂(1 − ρ²) equals the log-det of the joint covariance', () => {
    for (const [correlation, d] of [[0.5, 1], [0.9, 3], [-0.99, 2]] as const) {
      const expected = gaussianInformation(identity(d), identity(d), identity(d, correlation));
      assert.ok(Math.abs(bits({ task: 'correlated', correlation }, d, 'I(X;T)', ksg) - expected) < 1e-12, `ρ = ${correlation}, d = ${d}`);
    }
  });

  it('the Gaussian layer: KDE\'s I(X; T+Z) equals the log-det of (X, X + Z)\'s covariance, and exceeds log₂ N at d = 16', () => {
    for (const [scale, variance, d] of [[1, 0.1, 1], [0.25, 1e-3, 4], [4, 0.1, 2]] as const) {
      const expected = gaussianInformation(identity(d, scale ** 2), identity(d, scale ** 2 + variance), identity(d, scale ** 2));
      assert.ok(Math.abs(bits({ task: 'gaussian-layer', scale }, d, 'I(X;T)', spec({ name: 'kde', noiseVariance: variance })) - expected) < 1e-12);
    }
    assert.ok(bits({ task: 'gaussian-layer', scale: 1 }, 16, 'I(X;T)', spec({ name: 'kde', noiseVariance: 0.1 })) > Math.log2(4096));
  });

  it('binning a Gaussian: H(⌊X/b⌋) equals the entropy of its cells integrated by Simpson\'s rule', () => {
    const density = (x: number, scale: number): number => Math.exp(-(x * x) / (2 * scale * scale)) / (scale * Math.sqrt(2 * Math.PI));
    for (const [scale, binsize] of [[1, 0.5], [0.25, 0.5], [3, 2]] as const) {
      let entropy = 0;
      for (let k = Math.floor(-14 * scale / binsize); k <= Math.ceil(14 * scale / binsize); k++) {
        const steps = 400;
        const h = binsize / steps;
        let p = 0;
        for (let i = 0; i <= steps; i++) p += (i === 0 || i === steps ? 1 : i % 2 === 1 ? 4 : 2) * density(k * binsize + i * h, scale);
        p *= h / 3;
        if (p > 0) entropy -= p * Math.log2(p);
      }
      const d = 3;
      assert.ok(Math.abs(bits({ task: 'gaussian-layer', scale }, d, 'I(X;T)', spec({ name: 'bin', binsize })) - d * entropy) < 1e-9, `s = ${scale}, b = ${binsize}`);
    }
  });

  it('class-conditional Gaussians: the quadrature value is within 4 standard errors of a Monte Carlo mean of log₂ p(t|y)/p(t)', () => {
    for (const [classes, separation, variance] of [[4, 1.5, 1], [3, 0.5, 1], [4, 1.5, 1.1]] as const) {
      const means = Array.from({ length: classes }, (_, c) => (c - (classes - 1) / 2) * separation);
      const log2Density = (t: number, mean: number): number => -((t - mean) ** 2) / (2 * variance * Math.LN2);
      const draws = 200_000;
      const noise = normals(draws, classes * 100 + separation * 10);
      let sum = 0;
      let squares = 0;
      for (let i = 0; i < draws; i++) {
        const y = i % classes;
        const t = means[y]! + Math.sqrt(variance) * noise[i]!;
        const marginal = Math.log2(means.reduce((p, mean) => p + 2 ** log2Density(t, mean), 0) / classes);
        const term = log2Density(t, means[y]!) - marginal;
        sum += term;
        squares += term * term;
      }
      const mean = sum / draws;
      const standardError = Math.sqrt((squares / draws - mean * mean) / draws);
      const estimator = variance === 1 ? ksg : spec({ name: 'kde', noiseVariance: variance - 1 });
      const value = bits({ task: 'class-gaussians', classes, separation }, 4, 'I(Y;T)', estimator);
      assert.ok(Math.abs(value - mean) < 4 * standardError, `M = ${classes}, Δ = ${separation}: ${value} vs ${mean} ± ${standardError}`);
    }
  });

  it('the mixture quadrature agrees with a Simpson rule of step σ/64 to 1e-10 bits, even for far-apart codes at small σ²', () => {
    const cases = [
      { weights: [0.25, 0.75], mixing: [[1, 0], [0, 1]], means: [0, 1.3], variance: 0.4 },
      { weights: [0.5, 0.5], mixing: [[0.9, 0.1, 0], [0, 0.2, 0.8]], means: [0, 1, 2], variance: 1e-3 },
    ];
    for (const { weights, mixing, means, variance } of cases) {
      const sd = Math.sqrt(variance);
      const [low, high] = [Math.min(...means) - 12 * sd, Math.max(...means) + 12 * sd];
      const steps = 2 * Math.ceil(((high - low) / sd) * 32);
      const h = (high - low) / steps;
      const phi = (s: number, mean: number): number => Math.exp(-((s - mean) ** 2) / (2 * variance)) / Math.sqrt(2 * Math.PI * variance);
      let sum = 0;
      for (let i = 0; i <= steps; i++) {
        const s = low + i * h;
        const conditional = mixing.map((row) => row.reduce((p, w, k) => p + w * phi(s, means[k]!), 0));
        const marginal = conditional.reduce((p, c, k) => p + weights[k]! * c, 0);
        const integrand = conditional.reduce((total, c, k) => (c > 0 ? total + weights[k]! * c * Math.log2(c / marginal) : total), 0);
        sum += (i === 0 || i === steps ? 1 : i % 2 === 1 ? 4 : 2) * integrand;
      }
      assert.ok(Math.abs(mixtureInformationBits(weights, mixing, means, variance) - (sum * h) / 3) < 1e-10);
    }
  });

  it('adaptive binning: d·log₂ B for the Gaussian layer (equal-mass cells), quantiles of a Gaussian where Φ puts them', () => {
    const [median, upper] = mixtureQuantiles([1], [0], 2, [0.5, 0.975]);
    assert.ok(Math.abs(median!) < 1e-12 && Math.abs(upper! - 2 * 1.959963984540054) < 1e-9);
    for (const scope of ['layer', 'neuron']) {
      const value = bits({ task: 'gaussian-layer', scale: 3 }, 4, 'I(X;T)', spec({ name: 'adaptive-bin', numBins: 10, scope }));
      assert.ok(Math.abs(value - 4 * Math.log2(10)) < 1e-9, `${scope}: ${value}`);
    }
    const probabilities = cellProbabilities(0, 1, { cell: () => 0, edges: () => mixtureQuantiles([1], [0], 1, [0.25, 0.5, 0.75]), formula: '' });
    for (const p of probabilities) assert.ok(Math.abs(p - 0.25) < 1e-12);
  });

  it('the Miller–Madow bias: −(M − 1)/(2N ln 2) for H(T), (M − 1)²/(2N ln 2) for I(Y;T), none where N is below the cells', () => {
    const task: KnownMiTask = { task: 'channel', classes: 4, errorRate: 0.1 };
    const bin = spec({ name: 'bin', binsize: 1 });
    assert.ok(Math.abs(plugInBiasBits(task, 'I(X;T)', bin, 512)! + 3 / (1024 * Math.LN2)) < 1e-15);
    assert.ok(Math.abs(plugInBiasBits(task, 'I(Y;T)', bin, 512)! - 9 / (1024 * Math.LN2)) < 1e-15);
    assert.equal(plugInBiasBits(task, 'I(Y;T)', bin, 10), undefined);
    assert.equal(plugInBiasBits(task, 'I(Y;T)', spec({ name: 'kde' }), 512), undefined);
  });
});

describe('known-MI samples', () => {
  const n = 20_000;

  it('gaussian-layer and correlated: means, variances and correlations as stated', () => {
    const layer = sampleKnownMiTask({ task: 'gaussian-layer', scale: 2 }, n, 3, 1);
    const values = layer.activations.toNumbers();
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
    assert.ok(Math.abs(mean) < 4 * 2 / Math.sqrt(values.length));
    assert.ok(Math.abs(variance - 4) < 4 * 4 * Math.sqrt(2 / values.length));
    assert.deepEqual(layer.labels.toNumbers().slice(0, 4), [0, 1, 0, 1]);
    const correlated = sampleKnownMiTask({ task: 'correlated', correlation: 0.9 }, n, 2, 2);
    const x = correlated.inputs!.toNumbers();
    const t = correlated.activations.toNumbers();
    const product = x.reduce((sum, xi, i) => sum + xi * t[i]!, 0) / x.length;
    const tVariance = t.reduce((sum, ti) => sum + ti * ti, 0) / t.length;
    assert.ok(Math.abs(product - 0.9) < 0.02, `E[XT] = ${product}`);
    assert.ok(Math.abs(tVariance - 1) < 0.03, `Var T = ${tVariance}`);
  });

  it('class-gaussians: balanced classes, the class means on the first coordinate only, unit variance', () => {
    const data = sampleKnownMiTask({ task: 'class-gaussians', classes: 4, separation: 2 }, n, 3, 3);
    const labels = data.labels.toNumbers();
    const t = data.activations.toNumbers();
    for (let c = 0; c < 4; c++) {
      const rows = labels.flatMap((label, i) => (label === c ? [i] : []));
      assert.ok(Math.abs(rows.length / n - 0.25) < 0.02);
      for (let j = 0; j < 3; j++) {
        const column = rows.map((i) => t[3 * i + j]!);
        const mean = column.reduce((a, b) => a + b, 0) / column.length;
        const variance = column.reduce((a, b) => a + (b - mean) ** 2, 0) / column.length;
        const expected = j === 0 ? (c - 1.5) * 2 : 0;
        assert.ok(Math.abs(mean - expected) < 4 / Math.sqrt(column.length), `class ${c}, coordinate ${j}: mean ${mean}`);
        assert.ok(Math.abs(variance - 1) < 0.08, `class ${c}, coordinate ${j}: variance ${variance}`);
      }
    }
  });

  it('channel: integer codes, errors at rate ε, spread evenly over the other codes', () => {
    const [classes, errorRate] = [5, 0.3];
    const data = sampleKnownMiTask({ task: 'channel', classes, errorRate }, n, 1, 4);
    const labels = data.labels.toNumbers();
    const codes = data.activations.toNumbers();
    assert.ok(codes.every((code) => Number.isInteger(code) && code >= 0 && code < classes));
    const errors = codes.filter((code, i) => code !== labels[i]).length;
    assert.ok(Math.abs(errors / n - errorRate) < 4 * Math.sqrt((errorRate * (1 - errorRate)) / n));
    // Each of the M − 1 other codes takes a quarter of the errors.
    for (let shift = 1; shift < classes; shift++) {
      const count = codes.filter((code, i) => code === (labels[i]! + shift) % classes).length;
      assert.ok(Math.abs(count / errors - 1 / (classes - 1)) < 0.03, `shift ${shift}: ${count / errors}`);
    }
  });

  it('the seed decides the sample: equal seeds, equal samples; other seeds, others', () => {
    const task: KnownMiTask = { task: 'correlated', correlation: 0.5 };
    assert.deepEqual(sampleKnownMiTask(task, 50, 2, 9).activations.toNumbers(), sampleKnownMiTask(task, 50, 2, 9).activations.toNumbers());
    assert.notDeepEqual(sampleKnownMiTask(task, 50, 2, 9).activations.toNumbers(), sampleKnownMiTask(task, 50, 2, 10).activations.toNumbers());
  });

  it('bad settings fail with what is wrong', () => {
    assert.throws(() => parseKnownMiTask({ task: 'correlated', correlation: 1 }), /correlation: Number must be less than 1/);
    assert.throws(() => parseKnownMiTask({ task: 'channel', classes: 1, errorRate: 0.1 }), /classes: Number must be greater than or equal to 2/);
    assert.throws(() => sampleKnownMiTask({ task: 'channel', classes: 4, errorRate: 0.1 }, 100, 2, 0), /channel is not defined at d = 2: the channel's code is one integer/);
    assert.throws(() => planBias({ samples: [1, 256] }), /Expected a non-empty list of integers ≥ 2 for samples but received \[1, 256\]/);
  });
});

describe('estimators on the known-MI tasks', () => {
  it('binning with binsize 1 on the channel is the plug-in of the sample\'s own counts', () => {
    const data = sampleKnownMiTask({ task: 'channel', classes: 8, errorRate: 0.3 }, 500, 1, 5);
    const estimate = estimateLayer(createEstimator({ name: 'bin', binsize: 1 }), data);
    const codes = data.activations.toNumbers();
    const labels = data.labels.toNumbers();
    const hT = plugInEntropy(codes);
    let hGivenY = 0;
    for (let c = 0; c < 8; c++) {
      const own = codes.filter((_, i) => labels[i] === c);
      hGivenY += (own.length / codes.length) * plugInEntropy(own);
    }
    assert.ok(Math.abs(estimate.ixt.upper - hT) < 1e-12);
    assert.ok(Math.abs(estimate.iyt.upper - (hT - hGivenY)) < 1e-12);
  });

  it('over 200 seeds the plug-in I(Y;T) on the channel is off by Miller–Madow\'s (M − 1)²/(2N ln 2), within its standard error', () => {
    const task: KnownMiTask = { task: 'channel', classes: 4, errorRate: 0.1 };
    const bin = spec({ name: 'bin', binsize: 1 });
    const estimator = createEstimator(bin);
    const truth = bits(task, 1, 'I(Y;T)', bin);
    const errors = Array.from({ length: 200 }, (_, seed) => estimateLayer(estimator, sampleKnownMiTask(task, 512, 1, seed)).iyt.upper - truth);
    const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
    const standardError = Math.sqrt(errors.reduce((a, b) => a + (b - mean) ** 2, 0) / (errors.length - 1) / errors.length);
    const predicted = plugInBiasBits(task, 'I(Y;T)', bin, 512)!;
    assert.ok(Math.abs(mean - predicted) < 3 * standardError, `mean error ${mean} ± ${standardError}, predicted ${predicted}`);
  });

  it('KDE at a small σ² reads I(X;T) as log₂ N where the truth is far above, and the plan skips what an estimator cannot be compared on', () => {
    const kde = spec({ name: 'kde', noiseVariance: 1e-3 });
    const plan = planBias({ estimators: [kde, ksg], samples: [128, 256], dims: [1, 16], tasks: [{ task: 'gaussian-layer', scale: 1 }, { task: 'channel', classes: 4, errorRate: 0.1 }] });
    const rows: BiasRow[] = measureBias(plan);
    for (const row of rows.filter((r) => r.task === 'gaussian-layer' && r.dims === 16)) {
      assert.ok(row.trueBits > 70 && Math.abs(row.upperBits - Math.log2(row.samples)) < 1e-6, `${row.samples}: ${row.upperBits}`);
    }
    const reasons = plan.skipped.map((skip) => `${skip.task} ${skip.quantity ?? ''} ${skip.estimator?.name ?? ''}: ${skip.reason} ×${skip.count}`);
    assert.ok(reasons.includes('gaussian-layer I(X;T) ksg: T = X is deterministic and continuous: the Shannon I(X;T) is infinite ×4'), reasons.join('\n'));
    assert.ok(reasons.includes('channel  : the channel\'s code is one integer (d = 1 only) ×2'), reasons.join('\n'));
    assert.ok(reasons.includes('channel I(X;T) ksg: its inputs X are only identities (T is their code), no vectors to read ×2'), reasons.join('\n'));
    // Gaussian layer: 2 N × 2 d for kde; channel: 2 N, both quantities for kde, I(Y;T) for ksg.
    assert.equal(rows.length, 4 + 2 * 2 + 2);
    assert.deepEqual(readingOf(spec({ name: 'softmax' })), { skip: 'it reads a softmax output layer, which no task has' });
  });
});
