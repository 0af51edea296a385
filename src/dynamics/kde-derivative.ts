/**
 * The KDE time derivative (paper §3.2.4). f is the KDE upper bound on I(X;T) of Kolchinsky & Tracey (2017)
 * as Saxe et al. (2018, ibsgd `kde.py`) use it; with D_ij = ‖a^i − a^j‖², S_i = Σ_j K_ij and
 * K_ij = exp(−D_ij/2σ²) (see src/info/kde.ts, where H(T|X) = (d/2)(log 2πσ² + 1) cancels the constants):
 *   f = H_upper(T) − H(T|X) = log N − mean_i log S_i                                   (nats)
 *   df/dt = (1/(2σ²N)) Σ_i Σ_j (K_ij/S_i)·dD_ij/dt,  dD_ij/dt = Σ_k 2(a_k^i − a_k^j)(ȧ_k^i − ȧ_k^j)
 * Every weight K_ij/S_i is positive, so a decrease of f (compression) needs at least one (i, j, k) with
 * (a_k^i − a_k^j)(ȧ_k^i − ȧ_k^j) < 0: a pair of samples moving closer along unit k (the paper's necessary
 * condition).
 *
 * Between two logged epochs we use the exact discrete form of the change: with the midpoint m = (a(t₀) +
 * a(t₁))/2 and the step Δ = a(t₁) − a(t₀), a² − b² = (a + b)(a − b) gives
 *   D_ij(t₁) − D_ij(t₀) = Σ_k 2(m_k^i − m_k^j)(Δ_k^i − Δ_k^j),
 * so the compressing terms are counted on (m, Δ), and the kernel-weighted sum uses K and S at m: the
 * midpoint rule for ∫ df/dt along the straight path, whose error is third order in Δ (relative error second
 * order). The rate f(t₁) − f(t₀) is the estimate on the same samples, so all three describe one quantity.
 */
import { gaussianKernelLogSums } from '../info/kde.js';
import { NATS_TO_BITS } from '../info/types.js';
import {
  type Tensor, noGrad, tidy, zeros,
} from '../tensor/index.js';
import { invalid } from '../tensor/validate.js';

/**
 * Pairs i < j with values[i] > values[j] (strict inversions), by merge sort in O(n log n).
 *
 * @example
 * inversions([3, 1, 2]); // 2: (3, 1) and (3, 2)
 */
export function inversions(input: ArrayLike<number>): number {
  return sortCountingInversions(Float64Array.from(input), new Float64Array(input.length));
}

/**
 * Strict inversions of `values`, which it sorts (the result may end in either buffer); `scratch` is a
 * buffer of at least the same length. Reusing both across calls keeps a many-column count allocation-free.
 */
function sortCountingInversions(input: Float64Array, spare: Float64Array): number {
  const n = input.length;
  let values = input;
  let scratch = spare;
  let count = 0;
  for (let width = 1; width < n; width *= 2) {
    for (let start = 0; start < n; start += 2 * width) {
      const middle = Math.min(start + width, n);
      const end = Math.min(start + 2 * width, n);
      let i = start;
      let j = middle;
      let k = start;
      while (i < middle && j < end) {
        if (values[i]! <= values[j]!) scratch[k++] = values[i++]!;
        else {
          // values[j] jumps every remaining left value, each strictly greater: one inversion each.
          count += middle - i;
          scratch[k++] = values[j++]!;
        }
      }
      while (i < middle) scratch[k++] = values[i++]!;
      while (j < end) scratch[k++] = values[j++]!;
    }
    [values, scratch] = [scratch, values];
  }
  return count;
}

/**
 * Pairs i < j with (u_i − u_j)(w_i − w_j) < 0 (ties count for neither): w's inversions in (u, w) order.
 *
 * @example
 * discordantPairs([0, 1, 2], [1, 0, 0]); // 2: (0, 1) and (0, 2); the tie w_1 = w_2 counts for neither
 */
export function discordantPairs(u: ArrayLike<number>, w: ArrayLike<number>): number {
  const order = Array.from({ length: u.length }, (_, i) => i).sort((a, b) => u[a]! - u[b]! || w[a]! - w[b]!);
  return inversions(order.map((i) => w[i]!));
}

/** Changes of the estimate up to this many bits are rounding, not motion (its float64 sums carry ~1e-12). */
export const SIGN_TOLERANCE_BITS = 1e-9;

export interface KdeDerivative {
  /** (fNow − fBefore) / epochs, bits per epoch. */
  rate: number;
  /** The sign of `rate` (0 when the estimate moved by at most SIGN_TOLERANCE_BITS): −1 is compression. */
  sign: -1 | 0 | 1;
  /** The KDE upper bound f(1) on I(X;T) of the samples at the earlier and the later epoch, bits. */
  fBefore: number;
  fNow: number;
  /** (1/(2σ²N))·Σ_ij (K_ij/S_i)·ΔD_ij / epochs with K, S at the midpoint activations: df/dt to first order, bits per epoch. */
  kernelWeighted: number;
  /** (i < j, k) terms with (m_k^i − m_k^j)(Δ_k^i − Δ_k^j) < 0 (the necessary condition for compression), and all (i < j, k) terms. */
  compressingTerms: number;
  totalTerms: number;
  /** N, the samples every number above is computed on, and the noise variance σ² of the estimate. */
  samples: number;
  noiseVariance: number;
}

/** Rows of the N×N kernel and distance-change matrices handled at a time (a few MiB each in float64). */
const ROW_BLOCK = 256;

/**
 * The KDE time derivative of one layer between two logged epochs, on the n samples given: the change of the
 * KDE upper bound on I(X;T), its first-order kernel-weighted decomposition, and the count of compressing
 * (i, j, k) terms (paper §3.2.4; Kolchinsky & Tracey 2017).
 *
 * @param before - [n, …] activations of n samples at the earlier epoch (flattened to [n, d]).
 * @param now - the same samples' activations at the later epoch, same shape.
 * @param epochs - the time between the two, in epochs (> 0).
 * @param noiseVariance - σ² of the KDE (Saxe et al.'s default 0.1).
 *
 * @example
 * // Two 1-D samples moving apart from distance 1 to 2 over one epoch, σ² = 1:
 * const d = kdeDerivative(tensor([[0], [1]]), tensor([[0], [2]]), 1, 1);
 * // d.fNow > d.fBefore, d.rate > 0, d.compressingTerms === 0, d.totalTerms === 1
 */
export function kdeDerivative(before: Tensor, now: Tensor, epochs: number, noiseVariance: number): KdeDerivative {
  if (before.shape.length === 0 || before.size(0) < 2) invalid('activations of at least 2 samples', 'before', before.shape);
  if (before.shape.join() !== now.shape.join()) invalid(`activations of shape [${before.shape.join(', ')}] (as before)`, 'now', now.shape);
  if (!(epochs > 0) || !Number.isFinite(epochs)) invalid('a positive number of epochs', 'epochs', epochs);
  if (!(noiseVariance > 0) || !Number.isFinite(noiseVariance)) invalid('a positive number', 'noiseVariance', noiseVariance);
  const n = before.size(0);
  const d = before.numel / n;
  return noGrad(() => tidy(() => {
    const a0 = before.reshape([n, d]).to('float64');
    const a1 = now.reshape([n, d]).to('float64');
    const midpoint = a0.add(a1).mul(0.5);
    const step = a1.sub(a0);
    const fBefore = informationBits(a0, noiseVariance);
    const fNow = informationBits(a1, noiseVariance);
    const rate = (fNow - fBefore) / epochs;
    // A layer saturated at log₂ n changes by rounding alone (~1e-12 bits): that is no sign.
    const change = Math.abs(fNow - fBefore) <= SIGN_TOLERANCE_BITS ? 0 : rate;
    return {
      rate,
      sign: change > 0 ? 1 : change < 0 ? -1 : 0,
      fBefore,
      fNow,
      kernelWeighted: (kernelWeightedChange(midpoint, step, noiseVariance) * NATS_TO_BITS) / epochs,
      compressingTerms: compressingTerms(midpoint, step),
      totalTerms: ((n * (n - 1)) / 2) * d,
      samples: n,
      noiseVariance,
    };
  }));
}

/** The KDE upper bound on I(X;T) in bits, log N − mean_i log S_i (src/info/kde.ts); it needs no labels: one class. */
function informationBits(activations: Tensor, noiseVariance: number): number {
  const n = activations.size(0);
  const { logAll: [logSums], logOwnClass } = gaussianKernelLogSums(activations, zeros([n], { dtype: 'int64' }), 1, [noiseVariance]);
  // The sums come back kept (they outlive the estimator's scope); ours end here.
  for (const t of logOwnClass) t.dispose();
  try {
    return (Math.log(n) - logSums!.mean().item()) * NATS_TO_BITS;
  } finally {
    logSums!.dispose();
  }
}

/**
 * (1/(2σ²N)) Σ_i Σ_j (K_ij/S_i)·ΔD_ij in nats, K and S at the midpoint m, in blocks of rows. Both inputs are
 * centred (distances do not change under translation), which keeps the cancellations below mild:
 *   −D_ij/2σ² = (2 m_i·m_j − ‖m_i‖² − ‖m_j‖²)/2σ²,   ΔD_ij = 2(m_i·Δ_i + m_j·Δ_j − m_i·Δ_j − Δ_i·m_j),
 * the latter the bilinear form Σ_k 2(m_k^i − m_k^j)(Δ_k^i − Δ_k^j), exact rather than a difference of two
 * large distances.
 */
function kernelWeightedChange(midpoint: Tensor, step: Tensor, noiseVariance: number): number {
  const n = midpoint.size(0);
  const m = midpoint.sub(midpoint.mean(0, true));
  const delta = step.sub(step.mean(0, true));
  const squaredNorms = m.square().sum(1);
  const projections = m.mul(delta).sum(1);
  let total = 0;
  for (let i0 = 0; i0 < n; i0 += ROW_BLOCK) {
    const rows = Math.min(ROW_BLOCK, n - i0);
    total += tidy(() => {
      const mRows = m.narrow(0, i0, rows);
      // The clamp removes rounding's +1e-16 on the diagonal, where D_ii = 0.
      const kernel = mRows.mm(m.t()).mul(2)
        .sub(squaredNorms.narrow(0, i0, rows).unsqueeze(1)).sub(squaredNorms.unsqueeze(0))
        .div(2 * noiseVariance).clamp(undefined, 0).exp();
      const distanceChange = projections.narrow(0, i0, rows).unsqueeze(1).add(projections.unsqueeze(0))
        .sub(mRows.mm(delta.t())).sub(delta.narrow(0, i0, rows).mm(m.t())).mul(2);
      return kernel.mul(distanceChange).sum(1).div(kernel.sum(1)).sum().item();
    });
  }
  return total / (2 * noiseVariance * n);
}

/**
 * (i < j, k) with (m_k^i − m_k^j)(Δ_k^i − Δ_k^j) < 0: per unit k (a row after transposing), the samples are
 * ordered by (position, step) with two stable sorts in libtorch, then each row's step inversions are counted
 * in JS, in place with one scratch buffer, in O(n log n) rather than O(n²).
 */
function compressingTerms(midpoint: Tensor, step: Tensor): number {
  const [n, d] = midpoint.shape as [number, number];
  const ordered = tidy(() => {
    const u = midpoint.t().contiguous();
    const w = step.t().contiguous();
    const byW = w.sort(1, false, true).indices;
    const uByW = u.gather(1, byW);
    const wByW = w.gather(1, byW);
    return wByW.gather(1, uByW.sort(1, false, true).indices).data('float64');
  });
  const scratch = new Float64Array(n);
  let count = 0;
  for (let k = 0; k < d; k++) count += sortCountingInversions(ordered.subarray(k * n, (k + 1) * n), scratch);
  return count;
}
