/**
 * The KDE time derivative (paper §3.2.4): compressing terms against a brute-force count on midpoint
 * positions, the estimates against kdeEstimator, the kernel-weighted sum against the estimate's own change
 * and against a two-point closed form.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { kdeDerivative } from '../../src/dynamics/index.js';
import { kdeEstimator } from '../../src/info/index.js';
import { liveTensorCount, tensor } from '../../src/tensor/index.js';
import { assertClose, pseudoRandom } from '../helpers.js';

const f64 = (values: number[], shape: number[]): ReturnType<typeof tensor> => tensor(values, shape, { dtype: 'float64' });

/** O(n²·d) count of (i < j, k) with (m_k^i − m_k^j)(Δ_k^i − Δ_k^j) < 0, m = (a₀ + a₁)/2, Δ = a₁ − a₀, row-major [n, d]. */
function bruteForceCompressing(before: number[], now: number[], n: number, d: number): number {
  let count = 0;
  for (let k = 0; k < d; k++) {
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const [bi, bj, ai, aj] = [before[i * d + k]!, before[j * d + k]!, now[i * d + k]!, now[j * d + k]!];
        if (((bi + ai) / 2 - (bj + aj) / 2) * ((ai - bi) - (aj - bj)) < 0) count++;
      }
    }
  }
  return count;
}

describe('kdeDerivative: compressing terms', () => {
  it('counts (i, j, k) with (m^i − m^j)(Δ^i − Δ^j) < 0 on midpoints as the O(n²·d) count does, ties counting for neither', () => {
    for (const seed of [4, 5, 6]) {
      // Values on a grid of quarters: many ties in positions, in steps, and in both.
      const before = pseudoRandom(40 * 3, seed).map((v) => Math.round(v * 4) / 4);
      const steps = pseudoRandom(40 * 3, seed + 10).map((v) => Math.round(v * 3) / 4);
      const now = before.map((v, i) => v + steps[i]!);
      const derivative = kdeDerivative(f64(before, [40, 3]), f64(now, [40, 3]), 1, 0.1);
      assert.equal(derivative.compressingTerms, bruteForceCompressing(before, now, 40, 3));
      assert.equal(derivative.totalTerms, ((40 * 39) / 2) * 3);
    }
  });

  it('uses midpoints, not current positions: two points that end closer count as compressing', () => {
    // a(before) = (0, 1), a(now) = (2, 1.5): D goes from 1 to 0.25. At the current positions the pair's
    // term is (2 − 1.5)(2 − 0.5) = +0.75 (not compressing); at the midpoints (1, 1.25) it is
    // (1 − 1.25)(2 − 0.5) = −0.375, and D(now) − D(before) = 2·(−0.375) = −0.75.
    const derivative = kdeDerivative(f64([0, 1], [2, 1]), f64([2, 1.5], [2, 1]), 1, 1);
    assert.equal(derivative.compressingTerms, 1);
    assert.equal(derivative.totalTerms, 1);
    assert.ok(derivative.rate < 0 && derivative.kernelWeighted < 0);
  });

  it('a contraction toward the centroid compresses in every term; an expansion in none', () => {
    const n = 25;
    const d = 3;
    const before = pseudoRandom(n * d, 21);
    assert.equal(new Set(before).size, n * d, 'all values distinct');
    const contraction = kdeDerivative(f64(before, [n, d]), f64(before.map((v) => 0.9 * v), [n, d]), 2, 0.2);
    assert.equal(contraction.compressingTerms, ((n * (n - 1)) / 2) * d);
    assert.equal(contraction.totalTerms, ((n * (n - 1)) / 2) * d);
    assert.equal(contraction.sign, -1);
    assert.ok(contraction.rate < 0 && contraction.kernelWeighted < 0, `rate ${contraction.rate}, kernelWeighted ${contraction.kernelWeighted}`);
    const expansion = kdeDerivative(f64(before, [n, d]), f64(before.map((v) => 1.1 * v), [n, d]), 2, 0.2);
    assert.equal(expansion.compressingTerms, 0);
    assert.equal(expansion.sign, 1);
    assert.ok(expansion.rate > 0 && expansion.kernelWeighted > 0, `rate ${expansion.rate}, kernelWeighted ${expansion.kernelWeighted}`);
    // Written to metrics.jsonl: every field survives JSON.
    assert.deepEqual(JSON.parse(JSON.stringify(expansion)), expansion);
  });
});

describe('kdeDerivative: the estimate and its kernel-weighted change', () => {
  it('fBefore and fNow are kdeEstimator\'s upper bound on I(X;T) of the same rows (labels do not enter), and rate is their difference per epoch', () => {
    const n = 50;
    const before = pseudoRandom(n * 6, 31);
    const now = pseudoRandom(n * 6, 32).map((v, i) => before[i]! + 0.5 * v);
    // [n, 2, 3] activations are flattened to [n, 6], as a conv layer's would be.
    const derivative = kdeDerivative(f64(before, [n, 2, 3]), f64(now, [n, 2, 3]), 4, 0.3);
    const labels = tensor(Array.from({ length: n }, (_, i) => i % 3), undefined, { dtype: 'int64' });
    const upper = (values: number[]): number => kdeEstimator({ noiseVariance: 0.3 }).estimate({ activations: f64(values, [n, 6]), labels, numClasses: 3 }).ixt.upper;
    assertClose([derivative.fBefore, derivative.fNow], [upper(before), upper(now)], 1e-12);
    assertClose([derivative.rate], [(upper(now) - upper(before)) / 4], 1e-12);
    assert.equal(derivative.samples, n);
    assert.equal(derivative.noiseVariance, 0.3);
  });

  it('kernelWeighted·epochs tracks fNow − fBefore for a small step, the relative error falling ~4× as ε halves (midpoint rule)', () => {
    const n = 30;
    const d = 4;
    const before = pseudoRandom(n * d, 41);
    // A random step plus a contraction, so that the first-order change dominates: for a purely random step
    // on these points it is so small that the second-order term leads until ε ≈ 0.005.
    const direction = pseudoRandom(n * d, 42).map((v, i) => v - 0.5 * before[i]!);
    const epochs = 3;
    const relativeError = (epsilon: number): number => {
      const derivative = kdeDerivative(f64(before, [n, d]), f64(before.map((v, i) => v + epsilon * direction[i]!), [n, d]), epochs, 0.25);
      const change = derivative.fNow - derivative.fBefore;
      return Math.abs(derivative.kernelWeighted * epochs - change) / Math.abs(change);
    };
    const errors = [0.04, 0.02, 0.01].map(relativeError);
    assert.ok(errors[2]! < 1e-3, `relative error ${errors[2]} at ε = 0.01`);
    for (let s = 0; s + 1 < errors.length; s++) {
      const ratio = errors[s]! / errors[s + 1]!;
      assert.ok(ratio > 3.5 && ratio < 4.5, `error ratio ${ratio} when ε halves (errors ${errors.join(', ')})`);
    }
  });

  it('two points in 1-D: f = log 2 − log(1 + e^(−δ²/2σ²)) and kernelWeighted = f\'(δ_mid)·(δ₁ − δ₀)/epochs', () => {
    // Distance δ₀ = 0.8 before and δ₁ = 1.2 now (both points move), σ² = 0.5, over 2 epochs.
    const [sigma2, d0, d1, epochs] = [0.5, 0.8, 1.2, 2];
    const derivative = kdeDerivative(f64([0, 0.8], [2, 1]), f64([0.1, 1.3], [2, 1]), epochs, sigma2);
    // S_1 = S_2 = 1 + k with k = e^(−δ²/2σ²): I = log N − mean log S = log 2 − log(1 + k) nats.
    const information = (delta: number): number => (Math.log(2) - Math.log(1 + Math.exp(-(delta ** 2) / (2 * sigma2)))) / Math.LN2;
    // dI/dδ = (δ/σ²)·k/(1 + k); the midpoint rule evaluates it at δ_mid = (δ₀ + δ₁)/2, since D₁ − D₀ = 2δ_mid(δ₁ − δ₀).
    const slope = (delta: number): number => {
      const k = Math.exp(-(delta ** 2) / (2 * sigma2));
      return ((delta / sigma2) * k) / (1 + k) / Math.LN2;
    };
    assertClose([derivative.fBefore, derivative.fNow], [information(d0), information(d1)], 1e-12);
    assertClose([derivative.kernelWeighted], [(slope((d0 + d1) / 2) * (d1 - d0)) / epochs], 1e-12);
    assertClose([derivative.rate], [(information(d1) - information(d0)) / epochs], 1e-12);
  });

  it('leaves no tensors behind and the inputs alive', () => {
    const before = f64(pseudoRandom(20 * 3, 51), [20, 3]);
    const now = f64(pseudoRandom(20 * 3, 52), [20, 3]);
    const live = liveTensorCount();
    kdeDerivative(before, now, 1, 0.1);
    assert.equal(liveTensorCount(), live);
    assert.ok(!before.isDisposed && !now.isDisposed, 'the inputs stay the caller\'s');
  });

  it('rejects mismatched shapes, a single sample, and non-positive epochs or noise variance', () => {
    const a = f64([0, 1, 2, 3], [2, 2]);
    assert.throws(() => kdeDerivative(a, f64([0, 1, 2], [3, 1]), 1, 0.1), /^TypeError: Expected activations of shape \[2, 2\] \(as before\) for now but received \[3, 1\]$/);
    assert.throws(() => kdeDerivative(f64([0], [1, 1]), f64([0], [1, 1]), 1, 0.1), /^TypeError: Expected activations of at least 2 samples for before but received \[1, 1\]$/);
    assert.throws(() => kdeDerivative(a, a, 0, 0.1), /^TypeError: Expected a positive number of epochs for epochs but received 0$/);
    assert.throws(() => kdeDerivative(a, a, 1, -1), /^TypeError: Expected a positive number for noiseVariance but received -1$/);
  });
});
