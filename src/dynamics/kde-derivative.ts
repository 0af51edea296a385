/**
 * The KDE time derivative (paper §3.2.4). With f the KDE estimate of I(X;T) and activations a^i(t), a
 * decrease of f (compression) needs at least one (i, j, k) with (a_k^i − a_k^j)·(∂a_k^i/∂t − ∂a_k^j/∂t) < 0:
 * a pair of samples moving closer along unit k. We estimate ∂a/∂t by the difference of consecutive logged
 * activations and count those (i, j, k) — per unit k, the discordant pairs of (position, velocity), found
 * by sorting and counting inversions in O(n log n) rather than O(n²).
 */

/** Pairs i < j with (u_i − u_j)(w_i − w_j) < 0 (ties count for neither). */
export function discordantPairs(u: ArrayLike<number>, w: ArrayLike<number>): number {
  const n = u.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => u[a]! - u[b]! || w[a]! - w[b]!);
  let values = order.map((i) => w[i]!);
  let scratch = new Array<number>(n);
  let inversions = 0;
  // Bottom-up merge sort of w in u-order; each time a right element jumps left elements strictly greater
  // than it, those pairs are inversions (u ascending, w descending: discordant).
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
          inversions += middle - i;
          scratch[k++] = values[j++]!;
        }
      }
      while (i < middle) scratch[k++] = values[i++]!;
      while (j < end) scratch[k++] = values[j++]!;
    }
    [values, scratch] = [scratch, values];
  }
  // Pairs tied in u were ordered by w, so they add no inversion; pairs tied in w are not strict inversions.
  return inversions;
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
 * @param before [n, d] activations at the previous logged epoch (row-major), `now` likewise.
 */
export function kdeDerivative(fBefore: number, fNow: number, epochs: number, before: Float32Array | Float64Array, now: Float32Array | Float64Array, n: number): KdeDerivative {
  const d = now.length / n;
  let compressing = 0;
  const u = new Float64Array(n);
  const w = new Float64Array(n);
  for (let k = 0; k < d; k++) {
    for (let i = 0; i < n; i++) {
      u[i] = now[i * d + k]!;
      w[i] = now[i * d + k]! - before[i * d + k]!;
    }
    compressing += discordantPairs(u, w);
  }
  const rate = (fNow - fBefore) / epochs;
  return { rate, sign: rate > 0 ? 1 : rate < 0 ? -1 : 0, compressingTerms: compressing, totalTerms: ((n * (n - 1)) / 2) * d };
}
