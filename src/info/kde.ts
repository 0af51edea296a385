/**
 * Kernel-density (KDE) bounds on mutual information: Kolchinsky & Tracey (2017), "Estimating mixture
 * entropy with pairwise distances", as Saxe et al. (2018) use them (ibsgd `kde.py`). For activations T
 * (N×d) with Gaussian noise of variance σ² and D_ij = ‖t_i − t_j‖²:
 *   H_upper(T) = d/2 − mean_i[ log Σ_j exp(−D_ij/2σ²) − log N − (d/2)·log(2πσ²) ]
 *   H_lower(T) = H_upper computed with 4σ², plus (d/2)·log(1/4)
 *   H(T|X)     = (d/2)·(log(2πσ²) + 1)
 *   I(X;T) = H(T) − H(T|X);  I(Y;T) = H(T) − Σ_c p(c)·H(T | Y = c), the class terms on each class's rows.
 *
 * The pairwise work is done once per layer, in square blocks of rows and columns, visiting each pair of
 * blocks once (the kernel is symmetric: a block's row sums serve one side and its column sums the
 * other). For each block the exponent −D/2σ² comes from one matrix product into a reused buffer; the upper
 * bound's kernel is its exp in place, and the lower bound's (4σ²) that kernel's fourth root, by two square
 * roots in place; the class sums are sums over contiguous sub-blocks (samples ordered by class). A grid of
 * σ² (or variances that are no such chain) has every kernel and its sums from one fused native pass over
 * the exponent block instead (expGroupSums, native/src/fused_exp_sums.cc). No N×N
 * matrix ever exists and nothing N×N is allocated per call. Sums across blocks and the log-sum-exp are
 * float64; the kernel blocks are float64 by default, float32 on request (see `precision`).
 */
import {
  type Tensor, empty, expGroupSums, keep, noGrad, tidy, zeros,
} from '../tensor/index.js';
import { type Bounded, type Estimator, type LayerEstimate, NATS_TO_BITS, type ProbeData } from './types.js';

export interface KernelSums {
  /** Per variance: log Σ_j K_ij over all samples j, for each i (float64 [N]). */
  logAll: Tensor[];
  /** Per variance: log Σ_j K_ij over the samples j of i's class, for each i (float64 [N]). */
  logOwnClass: Tensor[];
}

/**
 * Rows per block: 2048 (a 32 MiB float64 buffer: big enough for BLAS) when the product dominates, 1024
 * for narrow layers (d ≤ 256), whose time goes to the elementwise passes and which ran 10–30 % faster on
 * blocks that stay in cache (N = 10 000, d = 20; N = 4096, d = 10).
 */
export function defaultBlockSize(dims: number): number {
  return dims <= 256 ? 1024 : 2048;
}

export interface KernelSumOptions {
  blockSize?: number;
  /**
   * The precision of the kernel blocks. 'float64' (default) agrees with ibsgd's algorithm in float64 to
   * 9.9e-12 bits (npm run bench:mi). 'float32' halves the work, as Saxe et al.'s float32 code does it; its
   * kernel exponents carry a rounding error of about 1.2e-7·‖t‖²/2σ² (sums are still accumulated across
   * blocks in float64, self terms are exact): on 10 000 random tanh activations of width 1024 the bounds
   * were within 5.2e-6 bits of float64 (npm run bench:mi).
   */
  precision?: 'float64' | 'float32';
}

/**
 * For each variance v (ascending), each sample's log of its Gaussian-kernel sum exp(−D_ij/2v), over all
 * samples and over its own class. Memory beyond the inputs: one block² buffer and O(N).
 *
 * One matrix product per block gives the kernel's exponent directly: with a_i = [t_i, ‖t_i‖², 1] and
 * b_j = [t_j/v, −1/2v, −‖t_j‖²/2v], a_i·b_j = −D_ij/2v. Samples are first ordered by class, so a class sum
 * is the sum over a contiguous sub-block; totals are row and column sums (ATen's cascade summation within a
 * block), accumulated across blocks in float64.
 */
export function gaussianKernelLogSums(activations: Tensor, labels: Tensor, numClasses: number, variances: readonly number[], options: KernelSumOptions = {}): KernelSums {
  if (variances.some((v, i) => !(v > 0) || (i > 0 && v < variances[i - 1]!))) {
    throw new RangeError(`variances must be positive and ascending, got [${variances.join(', ')}]`);
  }
  const dtype = options.precision ?? DEFAULT_PRECISION;
  return noGrad(() => tidy(() => {
    const n = activations.size(0);
    const d = activations.numel / n;
    const first = variances[0]!;
    // Order the samples by class (stably); results are put back in the caller's order at the end.
    const order = labels.sort(0, false, true).indices;
    const classStarts = [0];
    for (const count of labels.bincount(undefined, numClasses).toNumbers()) classStarts.push(classStarts.at(-1)! + count);
    // left_i = [t_i, ‖t_i‖², 1] and right_j = [t_j/v₀, −1/2v₀, −‖t_j‖²/2v₀], built in place so that the
    // only N×d copies are these two (N = 70 000, d = 1024 stays within 1.5 GiB in float64).
    const left = empty([n, d + 2], { dtype });
    const points = left.narrow(1, 0, d);
    points.copy_(activations.reshape([n, d]).indexSelect(0, order));
    // Distances do not change under translation; centring keeps ‖t‖² small and the cancellation mild. Both
    // reductions run in the block precision: a float64 copy of a float32 N×d layer cost more than the rest.
    points.sub_(tidy(() => points.mean(0, true)));
    const squaredNorms = tidy(() => points.norm(2, 1, true).square());
    left.narrow(1, d, 1).copy_(squaredNorms);
    left.narrow(1, d + 1, 1).fill_(1);
    const right = empty([n, d + 2], { dtype });
    right.narrow(1, 0, d).copy_(points).div_(first);
    right.narrow(1, d, 1).fill_(-1 / (2 * first));
    right.narrow(1, d + 1, 1).copy_(tidy(() => squaredNorms.mul(-1 / (2 * first))));
    const all = variances.map(() => zeros([n], { dtype: 'float64' }));
    const own = variances.map(() => zeros([n], { dtype: 'float64' }));
    // A grid's fused pass makes the element-wise work small, and 1024-row blocks then beat 2048 for wide
    // layers too (N = 10 000, four σ²: 1.51 s against 1.65 s at d = 1024, equal at d = 20; one thread).
    const size = Math.max(1, Math.min(options.blockSize ?? (variances.length > 2 ? 1024 : defaultBlockSize(d)), n));
    // The smallest exponents whose exp, and its ¼ power, stay normal floats.
    const lowestExponent = dtype === 'float32' ? -87 : -708;
    // A variance 2^m (m = 1 … 4) times the one before (the lower bound's 4σ² is 4× its σ²) has the
    // previous kernel's 2^m-th root for its kernel: m square roots, cheaper than exp. Below the clamp this
    // gives e^{lowest·v₀/v_k} where the exact kernel is smaller, a relative error under N·e^{lowest·v₀/v_k}
    // in each sum (float32, 4σ²: 3.6e-10·N; float64: 1e-77·N). Any other variance (the next σ² of a grid)
    // gets exp of the exponent rescaled by v₀/v_k.
    const steps = variances.map((v, k) => {
      if (k === 0) return 0;
      const m = Math.log2(v / variances[k - 1]!);
      return Math.abs(m - Math.round(m)) < 1e-12 && Math.round(m) >= 1 && Math.round(m) <= 4 ? Math.round(m) : 0;
    });
    // More than one σ² (a grid: σ², 4σ² each), or variances that are not a chain of square roots, go
    // through the fused kernel, which makes the element-wise passes one (expGroupSums; bench:reestimate).
    // One σ² keeps the op-by-op path the runner has always used, so that a run's own settings
    // re-estimate to exactly its numbers.
    const fused = variances.length > 2 || steps.slice(1).some((m) => m === 0);
    const sortedLabels = labels.indexSelect(0, order);
    const exponents = empty([size * size], { dtype });
    for (let i0 = 0; i0 < n; i0 += size) {
      const bi = Math.min(size, n - i0);
      for (let j0 = i0; j0 < n; j0 += size) {
        const bj = Math.min(size, n - j0);
        tidy(() => {
          const exponent = exponents.narrow(0, 0, bi * bj).view([bi, bj]);
          // −D/2v₀ for the whole block in one product.
          exponent.addmm_(left.narrow(0, i0, bi), right.narrow(0, j0, bj).t(), 0, 1);
          // The self terms D_ii are exactly 0, but the product carries rounding of up to ~1e-7·‖t_i‖²/2v₀
          // in float32 (0.03 for a 36 864-wide ReLU layer at σ² = 0.0735) and the clamp below removes only
          // its positive side: self kernels below 1 raised H(T), and I(X;T) above log₂N. Set them exactly.
          if (i0 === j0) exponent.diagonal().fill_(0);
          const accumulate = (kernel: Tensor, k: number): void => {
            all[k]!.narrow(0, i0, bi).add_(kernel.sum(1));
            if (j0 !== i0) all[k]!.narrow(0, j0, bj).add_(kernel.sum(0));
            for (let c = 0; c < numClasses; c++) {
              const rows = [Math.max(i0, classStarts[c]!), Math.min(i0 + bi, classStarts[c + 1]!)] as const;
              const columns = [Math.max(j0, classStarts[c]!), Math.min(j0 + bj, classStarts[c + 1]!)] as const;
              if (rows[1] <= rows[0] || columns[1] <= columns[0]) continue;
              const part = kernel.narrow(0, rows[0] - i0, rows[1] - rows[0]).narrow(1, columns[0] - j0, columns[1] - columns[0]);
              own[k]!.narrow(0, rows[0], rows[1] - rows[0]).add_(part.sum(1));
              if (j0 !== i0) own[k]!.narrow(0, columns[0], columns[1] - columns[0]).add_(part.sum(0));
            }
          };
          // Exponents are clamped to [lowest, 0]: the top removes rounding's +1e-13 on the diagonal; the
          // bottom keeps exp out of the subnormal range, whose slow microcode path made float32 blocks 3×
          // slower (e^{lowest} is far below a billionth of the self term 1 in every sum).
          if (fused) {
            // A grid: every variance's kernel and its sums in one native pass over the exponents.
            const sums = expGroupSums(exponent, variances.map((v) => first / v), steps, lowestExponent, sortedLabels.narrow(0, i0, bi), sortedLabels.narrow(0, j0, bj));
            for (let k = 0; k < variances.length; k++) {
              all[k]!.narrow(0, i0, bi).add_(sums.rowTotal.select(0, k));
              own[k]!.narrow(0, i0, bi).add_(sums.rowOwn.select(0, k));
              if (j0 === i0) continue;
              all[k]!.narrow(0, j0, bj).add_(sums.columnTotal.select(0, k));
              own[k]!.narrow(0, j0, bj).add_(sums.columnOwn.select(0, k));
            }
          } else {
            // v₀'s kernel by exp in place, then each larger variance's as square roots of the one before.
            exponent.clamp_(lowestExponent, 0).exp_();
            accumulate(exponent, 0);
            for (let k = 1; k < variances.length; k++) {
              for (let r = 0; r < steps[k]!; r++) exponent.sqrt_();
              accumulate(exponent, k);
            }
          }
        });
      }
    }
    // Back to the caller's sample order: sums[inverse] where inverse undoes `order`.
    const inverse = order.sort(0).indices;
    return {
      logAll: all.map((sums) => keep(sums.log().indexSelect(0, inverse))),
      logOwnClass: own.map((sums) => keep(sums.log().indexSelect(0, inverse))),
    };
  }));
}

/** Saxe et al.'s σ² (ibsgd MNIST_ComputeMI / IBnet_ComputeMI: noise_variance = 1e-1). */
export const DEFAULT_NOISE_VARIANCE = 0.1;

/** Kernel blocks in float64 unless asked otherwise (see `KernelSumOptions.precision`). */
export const DEFAULT_PRECISION = 'float64';

export interface KdeOptions extends KernelSumOptions {
  /** σ², the variance of the Gaussian noise added to each activation. Saxe et al.'s default 0.1. */
  noiseVariance?: number;
}

/** Per-class sample counts and each sample's class, as plain numbers. */
function classCounts(labels: Tensor, numClasses: number): { counts: number[]; labelOf: number[] } {
  const labelOf = labels.toNumbers();
  const counts = new Array<number>(numClasses).fill(0);
  for (const label of labelOf) counts[label]!++;
  return { counts, labelOf };
}

/**
 * KDE entropy (nats) from per-sample log kernel sums: d/2 + (d/2)·log(2πv) + log n − mean log S, over the
 * samples `members` (all, or one class).
 */
function upperEntropy(logSums: Float64Array, members: readonly number[] | undefined, dims: number, variance: number): number {
  const indices = members ?? Array.from(logSums.keys());
  let mean = 0;
  for (const i of indices) mean += logSums[i]!;
  mean /= indices.length;
  return dims / 2 + (dims / 2) * Math.log(2 * Math.PI * variance) + Math.log(indices.length) - mean;
}

/** The bounds of one σ² from the log kernel sums at σ² and 4σ² (Kolchinsky & Tracey 2017, as ibsgd kde.py). */
function kdeFromSums(
  sums: { logUpper: Float64Array; logLower: Float64Array; ownUpper: Float64Array; ownLower: Float64Array },
  members: readonly number[][],
  counts: readonly number[],
  n: number,
  dims: number,
  noiseVariance: number,
): Pick<LayerEstimate, 'ixt' | 'iyt' | 'ht'> {
  const lowerShift = (dims / 2) * Math.log(1 / 4);
  const entropy = (logSums: Float64Array, variance: number, shift: number): number => upperEntropy(logSums, undefined, dims, variance) + shift;
  const conditional = (logSums: Float64Array, variance: number, shift: number): number =>
    members.reduce((total, rows, c) => (rows.length === 0 ? total : total + (counts[c]! / n) * (upperEntropy(logSums, rows, dims, variance) + shift)), 0);
  const hUpper = entropy(sums.logUpper, noiseVariance, 0);
  const hLower = entropy(sums.logLower, 4 * noiseVariance, lowerShift);
  const hGivenX = (dims / 2) * (Math.log(2 * Math.PI * noiseVariance) + 1);
  const hGivenYUpper = conditional(sums.ownUpper, noiseVariance, 0);
  const hGivenYLower = conditional(sums.ownLower, 4 * noiseVariance, lowerShift);
  const bits = (lower: number, upper: number): Bounded => ({ lower: lower * NATS_TO_BITS, upper: upper * NATS_TO_BITS });
  return {
    ixt: bits(hLower - hGivenX, hUpper - hGivenX),
    iyt: bits(hLower - hGivenYLower, hUpper - hGivenYUpper),
    ht: bits(hLower, hUpper),
  };
}

/**
 * KDE estimates at several σ² (one precision) from one pass over the sample pairs: the kernel exponent
 * of each block is computed once and every σ² and 4σ² kernel is derived from it (gaussianKernelLogSums),
 * so a grid of σ² costs one matrix product instead of one per σ². Each estimate agrees with its own
 * `kdeEstimator` to rounding (the kernels come from exp of a rescaled exponent instead of square roots:
 * within 1e-6 bits in float32, test/info/kde.test.ts); a single σ² gives kdeEstimator's numbers exactly.
 *
 * @example kdeEstimates(data, [1e-3, 1e-2, 0.1, 1].map((noiseVariance) => ({ noiseVariance, precision: 'float32' })))
 */
export function kdeEstimates(data: ProbeData, settings: readonly KdeOptions[]): LayerEstimate[] {
  if (settings.length === 0) return [];
  const precision = settings[0]!.precision ?? DEFAULT_PRECISION;
  if (settings.some((setting) => (setting.precision ?? DEFAULT_PRECISION) !== precision)) throw new RangeError('kdeEstimates takes settings of one precision; group them by precision');
  const noiseVariances = settings.map((setting) => setting.noiseVariance ?? DEFAULT_NOISE_VARIANCE);
  for (const v of noiseVariances) if (!(v > 0) || !Number.isFinite(v)) throw new RangeError(`noiseVariance must be a positive number, got ${v}`);
  const n = data.activations.size(0);
  const dims = data.activations.numel / n;
  const variances = [...new Set(noiseVariances.flatMap((v) => [v, 4 * v]))].sort((a, b) => a - b);
  const sums = gaussianKernelLogSums(data.activations, data.labels, data.numClasses, variances, { ...settings[0], precision });
  const logAll = sums.logAll.map((t) => t.data('float64'));
  const logOwn = sums.logOwnClass.map((t) => t.data('float64'));
  for (const t of [...sums.logAll, ...sums.logOwnClass]) t.dispose();
  const { counts, labelOf } = classCounts(data.labels, data.numClasses);
  const members = counts.map((_, c) => labelOf.flatMap((label, i) => (label === c ? [i] : [])));
  return noiseVariances.map((noiseVariance) => {
    const [upper, lower] = [variances.indexOf(noiseVariance), variances.indexOf(4 * noiseVariance)];
    return {
      ...kdeFromSums({ logUpper: logAll[upper]!, logLower: logAll[lower]!, ownUpper: logOwn[upper]!, ownLower: logOwn[lower]! }, members, counts, n, dims, noiseVariance),
      parameters: { estimator: 'kde', noiseVariance, precision, samples: n, dims },
    };
  });
}

/** The KDE estimator with both bounds. */
export function kdeEstimator(options: KdeOptions = {}): Estimator {
  const noiseVariance = options.noiseVariance ?? DEFAULT_NOISE_VARIANCE;
  if (!(noiseVariance > 0) || !Number.isFinite(noiseVariance)) throw new RangeError(`noiseVariance must be a positive number, got ${noiseVariance}`);
  return {
    name: 'kde',
    estimate: (data: ProbeData): LayerEstimate => kdeEstimates(data, [{ ...options, noiseVariance }])[0]!,
  };
}
