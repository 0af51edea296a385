/** The KSG estimator against a naive O(N²) reference, correlated Gaussians' closed form, and class structure. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createEstimator, estimateLayer, ksgEstimator, parseEstimatorSpec } from '../../src/info/index.js';
import { estimateFlags } from '../../src/info/validity.js';
import { estimateRecordSchema } from '../../src/store/index.js';
import { Generator, type Tensor, liveTensorCount, randn, tensor } from '../../src/tensor/index.js';
import { assertClose, pseudoRandom } from '../helpers.js';

const int64 = (values: number[]): Tensor => tensor(values, undefined, { dtype: 'int64' });
const f64 = (values: number[], shape: number[]): Tensor => tensor(values, shape, { dtype: 'float64' });

/** ψ at a positive integer: −γ + Σ_{j<m} 1/j (Abramowitz & Stegun 6.3.2). */
const psi = (m: number): number => {
  let sum = -0.5772156649015329;
  for (let j = 1; j < m; j++) sum += 1 / j;
  return sum;
};
/** The unit ball's volume π^{d/2}/Γ(d/2 + 1) for the dimensions used here. */
const UNIT_BALL: Record<number, number> = { 1: 2, 2: Math.PI, 3: (4 * Math.PI) / 3, 6: Math.PI ** 3 / 6 };

/** Rows of a flat array. */
const rowsOf = (values: number[], d: number): number[][] => Array.from({ length: values.length / d }, (_, i) => values.slice(i * d, (i + 1) * d));
const distance = (a: number[], b: number[]): number => Math.sqrt(a.reduce((sum, value, q) => sum + (value - b[q]!) ** 2, 0));
const kthOf = (values: number[], k: number): number => [...values].sort((a, b) => a - b)[k - 1]!;

/** The three estimates in bits, written straight from the formulas with plain loops over all pairs. */
function naiveKsg(x: number[][], t: number[][], labels: number[], k: number): { ixt: number; iyt: number; ht: number } {
  const n = t.length;
  const others = (i: number, f: (j: number) => number): number[] => t.flatMap((_, j) => (j === i ? [] : [f(j)]));
  // Kraskov et al. algorithm 1: ε_i from the max of the marginal distances, counts strictly inside ε_i.
  let marginal = 0;
  for (let i = 0; i < n; i++) {
    const epsilon = kthOf(others(i, (j) => Math.max(distance(x[i]!, x[j]!), distance(t[i]!, t[j]!))), k);
    const nx = others(i, (j) => (distance(x[i]!, x[j]!) < epsilon ? 1 : 0)).reduce((a, b) => a + b, 0);
    const nt = others(i, (j) => (distance(t[i]!, t[j]!) < epsilon ? 1 : 0)).reduce((a, b) => a + b, 0);
    marginal += psi(nx + 1) + psi(nt + 1);
  }
  const ixt = psi(k) + psi(n) - marginal / n;
  // Ross: samples alone in their class dropped; k_i = min(k, N_y − 1); m_i = 1 + #{j ≠ i kept : d_ij < d_i}.
  const size = (label: number): number => labels.filter((l) => l === label).length;
  const kept = labels.flatMap((label, i) => (size(label) > 1 ? [i] : []));
  let [classTerm, kTerm, mTerm] = [0, 0, 0];
  for (const i of kept) {
    const ownK = Math.min(k, size(labels[i]!) - 1);
    const radius = kthOf(kept.filter((j) => j !== i && labels[j] === labels[i]).map((j) => distance(t[i]!, t[j]!)), ownK);
    const m = 1 + kept.filter((j) => j !== i && distance(t[i]!, t[j]!) < radius).length;
    [classTerm, kTerm, mTerm] = [classTerm + psi(size(labels[i]!)), kTerm + psi(ownK), mTerm + psi(m)];
  }
  const iyt = psi(kept.length) + (kTerm - classTerm - mTerm) / kept.length;
  // Kozachenko–Leonenko with Euclidean balls: ψ(N) − ψ(k) + log V_d + d·⟨log r_i⟩.
  const d = t[0]!.length;
  const logRadius = t.reduce((sum, _, i) => sum + Math.log(kthOf(others(i, (j) => distance(t[i]!, t[j]!)), k)), 0) / n;
  const ht = psi(n) - psi(k) + Math.log(UNIT_BALL[d]!) + d * logRadius;
  return { ixt: ixt / Math.LN2, iyt: iyt / Math.LN2, ht: ht / Math.LN2 };
}

/** 60 samples: X [60, dx], T = a mix of X's coordinates plus noise [60, dt], labels of 5 classes sized 36, 19, 3, 1, 1 in mixed order. */
function smallCase(dx: number, dt: number, seed: number): { x: number[]; t: number[]; labels: number[] } {
  const n = 60;
  const x = pseudoRandom(n * dx, seed);
  const noise = pseudoRandom(n * dt, seed + 1);
  const t = noise.map((v, k) => 0.05 * v + x[Math.floor(k / dt) * dx + (k % dt) % dx]! * (1 + (k % dt)));
  const sizes = [36, 19, 3, 1, 1];
  const unordered = sizes.flatMap((count, label) => new Array<number>(count).fill(label));
  const shuffle = pseudoRandom(n, seed + 2);
  const labels = unordered.map((label, i) => [label, shuffle[i]!] as const).sort((a, b) => a[1] - b[1]).map(([label]) => label);
  return { x, t, labels };
}

describe('KSG against a naive O(N²) reference', () => {
  for (const [dx, dt, k] of [[3, 6, 3], [1, 2, 1], [6, 1, 4]] as const) {
    it(`I(X;T), I(Y;T) and H(T) agree to 1e-9 (dx = ${dx}, dt = ${dt}, k = ${k}; products and coordinate differences)`, () => {
      const { x, t, labels } = smallCase(dx, dt, 10 * dx + dt);
      const reference = naiveKsg(rowsOf(x, dx), rowsOf(t, dt), labels, k);
      const data = { activations: f64(t, [60, dt]), labels: int64(labels), numClasses: 5, inputs: f64(x, [60, dx]) };
      // No jitter: the reference sees the same points. Blocks of 7 rows cross the class boundaries.
      for (const blockSize of [7, 60]) {
        const estimate = ksgEstimator({ k, jitter: 0, blockSize }).estimate(data);
        assertClose([estimate.ixt.upper, estimate.iyt.upper, estimate.ht.upper], [reference.ixt, reference.iyt, reference.ht], 1e-9, `block ${blockSize}`);
      }
      assert.ok(reference.ixt > 0.1, `the case is not trivial (I(X;T) = ${reference.ixt})`);
    });
  }
});

describe('KSG on correlated Gaussians', () => {
  // Five independent draws of N = 2000, X ~ N(0, I_d), T = ρX + √(1 − ρ²)·noise: I(X;T) = −(d/2)·log₂(1 − ρ²),
  // h(T) = (d/2)·log₂(2πe), and labels drawn independently of both: I(Y;T) = 0. Tolerances are for the mean of
  // the five, from 100 such draws (k = 3): d = 1, ρ = 0.9: I(X;T) bias +0.011, sd 0.037 bits per draw (mean of
  // five: sd 0.017) → 0.06 bits; I(Y;T) bias 0.000, sd 0.014 → 0.025 bits; h(T) bias 0.000, sd 0.035 → 0.05
  // bits. d = 3, ρ = 0.6: KSG's known downward bias grows with the dimension (−0.050, sd 0.041) → 0.11 bits.
  const draws = (d: number, rho: number): { ixt: number; iyt: number; ht: number } => {
    const sums = { ixt: 0, iyt: 0, ht: 0 };
    for (let draw = 0; draw < 5; draw++) {
      const generator = new Generator(100 + draw);
      const x = randn([2000, d], { generator, dtype: 'float64' });
      const t = x.mul(rho).add(randn([2000, d], { generator, dtype: 'float64' }).mul(Math.sqrt(1 - rho * rho)));
      const labels = int64(pseudoRandom(2000, 7 + draw).map((v) => (v > 0 ? 1 : 0)));
      const estimate = ksgEstimator().estimate({ activations: t, labels, numClasses: 2, inputs: x });
      sums.ixt += estimate.ixt.upper / 5;
      sums.iyt += estimate.iyt.upper / 5;
      sums.ht += estimate.ht.upper / 5;
    }
    return sums;
  };

  it('d = 1, ρ = 0.9: I(X;T) within 0.06 bits of 1.198, I(Y;T) within 0.025 of 0, h(T) within 0.05 of 2.047', () => {
    const mean = draws(1, 0.9);
    assert.ok(Math.abs(mean.ixt + 0.5 * Math.log2(1 - 0.81)) < 0.06, `I(X;T) ${mean.ixt}`);
    assert.ok(Math.abs(mean.iyt) < 0.025, `I(Y;T) ${mean.iyt}`);
    assert.ok(Math.abs(mean.ht - 0.5 * Math.log2(2 * Math.PI * Math.E)) < 0.05, `h(T) ${mean.ht}`);
  });

  it('d = 3, ρ = 0.6 per dimension: I(X;T) within 0.11 bits of 0.966', () => {
    const mean = draws(3, 0.6);
    assert.ok(Math.abs(mean.ixt + 1.5 * Math.log2(1 - 0.36)) < 0.11, `I(X;T) ${mean.ixt}`);
  });
});

describe('KSG and classes', () => {
  it('two far-apart classes: I(Y;T) = ψ(N) − ψ(N/2) exactly (every neighbour within d_i is of its class), within 4e-4 bits of H(Y)', () => {
    // T = 100·y + noise: m_i = k for every sample, so Ross's estimate reduces to ψ(N) − ⟨ψ(N_y)⟩.
    const n = 2000;
    const y = Array.from({ length: n }, (_, i) => i % 2);
    const activations = f64(pseudoRandom(2 * n, 3).map((v, k) => v + 100 * y[Math.floor(k / 2)]!), [n, 2]);
    const estimate = ksgEstimator().estimate({ activations, labels: int64(y), numClasses: 2 });
    assertClose([estimate.iyt.upper], [(psi(n) - psi(n / 2)) / Math.LN2], 1e-12);
    assert.ok(Math.abs(estimate.iyt.upper - 1) < 4e-4, `I(Y;T) ${estimate.iyt.upper}`);
  });

  it('duplicate points: eight inputs repeated 250 times each; the jitter gives I(X;T) ≈ H(T) = 3 bits and I(Y;T) ≈ 1 bit, none diverges', () => {
    // X one of 8 levels, T = tanh(3x) in 2 saturated-looking coordinates, Y = the level's parity: I(X;T) = 3
    // bits, I(Y;T) = H(Y) = 1 bit. Without jitter ε_i = 0 (250 copies of each (x, t)) and the counts are empty.
    const n = 2000;
    const level = Array.from({ length: n }, (_, i) => i % 8);
    const inputs = f64(level.map((l) => l / 4 - 1), [n, 1]);
    const activations = f64(level.flatMap((l) => [Math.tanh(3 * (l / 4 - 1)), Math.tanh(-6 * (l / 4 - 1))]), [n, 2]);
    const labels = int64(level.map((l) => l % 2));
    const jittered = ksgEstimator().estimate({ activations, labels, numClasses: 2, inputs });
    // Within a group of copies the two jitters are independent (zero information), so the estimate is
    // ψ(N) − ψ(250) ≈ log₂ 8 up to that group's own KSG error (sd ≈ 0.04 bits for N = 2000 above).
    assert.ok(Math.abs(jittered.ixt.upper - 3) < 0.1, `I(X;T) ${jittered.ixt.upper}`);
    assert.ok(Math.abs(jittered.iyt.upper - 1) < 0.1, `I(Y;T) ${jittered.iyt.upper}`);
    const exactTies = ksgEstimator({ jitter: 0 }).estimate({ activations, labels, numClasses: 2, inputs });
    assert.ok(exactTies.ixt.upper > 8, `without jitter I(X;T) = ${exactTies.ixt.upper}`);
  });
});

describe('KSG options, missing inputs and the run store', () => {
  const n = 40;
  const labels = int64(Array.from({ length: n }, (_, i) => i % 2));
  const activations = f64(pseudoRandom(n * 3, 1), [n, 3]);

  it('without inputs I(X;T) is NaN and the parameters say why; JSON keeps it as null and the store reads NaN back', () => {
    const estimate = estimateLayer(createEstimator({ name: 'ksg' }), { activations, labels, numClasses: 2 });
    assert.ok(Number.isNaN(estimate.ixt.lower) && Number.isNaN(estimate.ixt.upper));
    assert.ok(Number.isFinite(estimate.iyt.upper) && Number.isFinite(estimate.ht.upper));
    assert.deepEqual(estimate.parameters, { estimator: 'ksg', k: 3, jitter: 1e-6, samples: n, dims: 3, ixt: 'needs inputs' });
    const record = { estimator: 'ksg', method: 'concat', ixt: estimate.ixt, iyt: estimate.iyt, ht: estimate.ht, parameters: estimate.parameters };
    const written = JSON.parse(JSON.stringify(record)) as { ixt: unknown };
    assert.deepEqual(written.ixt, { lower: null, upper: null });
    const read = estimateRecordSchema.parse(written);
    assert.ok(Number.isNaN(read.ixt.upper) && read.iyt.upper === estimate.iyt.upper);
    assert.ok(Array.isArray(estimateFlags(read, { samples: n, hY: 1 })));
    // T's jitter is drawn before X's: the inputs change I(X;T) only.
    const withInputs = ksgEstimator().estimate({ activations, labels, numClasses: 2, inputs: f64(pseudoRandom(n * 4, 2), [n, 4]) });
    assert.deepEqual([withInputs.iyt, withInputs.ht], [estimate.iyt, estimate.ht]);
  });

  it('frees every tensor it made', () => {
    const inputs = f64(pseudoRandom(n * 5, 3), [n, 5]);
    const before = liveTensorCount();
    ksgEstimator({ blockSize: 7 }).estimate({ activations, labels, numClasses: 2, inputs });
    assert.equal(liveTensorCount(), before);
  });

  it('with inputs the parameters record their dimension; the spec has k = 3 by default and rejects k < 1', () => {
    const estimate = createEstimator({ name: 'ksg', k: 5 }).estimate({ activations, labels, numClasses: 2, inputs: f64(pseudoRandom(n * 4, 2), [n, 4]) });
    assert.deepEqual(estimate.parameters, { estimator: 'ksg', k: 5, jitter: 1e-6, samples: n, dims: 3, inputDims: 4 });
    assert.deepEqual(parseEstimatorSpec({ name: 'ksg' }), { name: 'ksg', k: 3 });
    assert.throws(() => parseEstimatorSpec({ name: 'ksg', k: 0 }), /- k: Number must be greater than or equal to 1/);
    assert.throws(() => parseEstimatorSpec({ name: 'ksg', k: 2.5 }), /- k: Expected integer, received float/);
    assert.throws(() => ksgEstimator({ k: 0 }), /Expected an integer ≥ 1 for k but received 0/);
    assert.throws(() => ksgEstimator({ jitter: -1 }), /Expected a finite number ≥ 0 for jitter but received -1/);
    assert.throws(() => ksgEstimator({ k: 3 }).estimate({ activations: f64([0, 1, 2], [3, 1]), labels: int64([0, 1, 0]), numClasses: 2 }), /with k = 3 needs at least 4 samples, got 3/);
  });
});
