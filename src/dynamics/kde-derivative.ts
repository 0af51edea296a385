/**
 * The KDE time derivative (paper §3.2.4). With f the KDE estimate of I(X;T) and activations a^i(t), a
 * decrease of f (compression) needs at least one (i, j, k) with (a_k^i − a_k^j)·(∂a_k^i/∂t − ∂a_k^j/∂t) < 0:
 * a pair of samples moving closer along unit k. We estimate ∂a/∂t by the difference of consecutive logged
 * activations and count those (i, j, k) — per unit k, the discordant pairs of (position, velocity), found
 * by sorting and counting inversions in O(n log n) rather than O(n²).
 */
import { type Tensor, tidy } from '../tensor/index.js';

/** Pairs i < j with values[i] > values[j] (strict inversions), by merge sort in O(n log n). */
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

/** Pairs i < j with (u_i − u_j)(w_i − w_j) < 0 (ties count for neither): w's inversions in (u, w) order. */
export function discordantPairs(u: ArrayLike<number>, w: ArrayLike<number>): number {
  const order = Array.from({ length: u.length }, (_, i) => i).sort((a, b) => u[a]! - u[b]! || w[a]! - w[b]!);
  return inversions(order.map((i) => w[i]!));
}

export interface KdeDerivative {
  /** (f_now − f_before) / (t_now − t_before), bits per epoch. */
  rate: number;
  sign: -1 | 0 | 1;
  /** (i, j, k) terms meeting the necessary condition for compression, and all (i < j, k) terms. */
  compressingTerms: number;
  totalTerms: number;
}

/**
 * @param before, now: [n, d] activations of the same n probe samples at two logged epochs.
 */
export function kdeDerivative(fBefore: number, fNow: number, epochs: number, before: Tensor, now: Tensor): KdeDerivative {
  const [n, d] = [now.size(0), now.numel / now.size(0)];
  // Per unit k (a row after transposing), order the samples by (position, velocity) with two stable sorts
  // in libtorch, then count the velocity inversions of each row in JS, in place with one scratch buffer.
  const ordered = tidy(() => {
    const u = now.reshape([n, d]).t().contiguous().to('float64');
    const w = u.sub(before.reshape([n, d]).t().contiguous().to('float64'));
    const byW = w.sort(1, false, true).indices;
    const uByW = u.gather(1, byW);
    const wByW = w.gather(1, byW);
    return wByW.gather(1, uByW.sort(1, false, true).indices).data('float64');
  });
  const scratch = new Float64Array(n);
  let compressing = 0;
  for (let k = 0; k < d; k++) compressing += sortCountingInversions(ordered.subarray(k * n, (k + 1) * n), scratch);
  const rate = (fNow - fBefore) / epochs;
  return { rate, sign: rate > 0 ? 1 : rate < 0 ? -1 : 0, compressingTerms: compressing, totalTerms: ((n * (n - 1)) / 2) * d };
}
