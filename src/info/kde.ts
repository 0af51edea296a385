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
 * other). For each block the kernel exp(−D/2σ²) is formed in place in one reused buffer; the lower
 * bound's kernel is the same block to the power ¼, and every class sum is a product with the one-hot
 * labels. No N×N matrix ever exists, nothing N×N is allocated per call, and everything is float64: the
 * log-sum-exp needs it.
 */
import {
  type Tensor, empty, keep, noGrad, oneHot, tidy, zeros,
} from '../tensor/index.js';
import { type Bounded, type Estimator, type LayerEstimate, NATS_TO_BITS, type ProbeData } from './types.js';

export interface KernelSums {
  /** Per variance: log Σ_j K_ij over all samples j, for each i (float64 [N]). */
  logAll: Tensor[];
  /** Per variance: log Σ_j K_ij over the samples j of i's class, for each i (float64 [N]). */
  logOwnClass: Tensor[];
}

/** Rows per block. A 2048² float64 buffer is 32 MiB: big enough for BLAS, small for memory. */
export const DEFAULT_BLOCK_SIZE = 2048;

/**
 * For each variance v (ascending), each sample's log of its Gaussian-kernel sum exp(−D_ij/2v), over all
 * samples and over its own class. Memory beyond the inputs: one block² buffer and O(N·classes).
 */
export function gaussianKernelLogSums(activations: Tensor, labels: Tensor, numClasses: number, variances: readonly number[], blockSize = DEFAULT_BLOCK_SIZE): KernelSums {
  if (variances.some((v, i) => !(v > 0) || (i > 0 && v < variances[i - 1]!))) {
    throw new RangeError(`variances must be positive and ascending, got [${variances.join(', ')}]`);
  }
  return noGrad(() => tidy(() => {
    const n = activations.size(0);
    // Distances do not change under translation; centring keeps ‖t‖² small and the Gram cancellation mild.
    const x = activations.to('float64').reshape([n, -1]);
    const centred = x.sub(x.mean(0, true));
    const squaredNorms = centred.square().sum(1);
    const classes = oneHot(labels, numClasses).to('float64');
    const all = variances.map(() => zeros([n], { dtype: 'float64' }));
    const own = variances.map(() => zeros([n], { dtype: 'float64' }));
    const size = Math.max(1, Math.min(blockSize, n));
    const buffer = empty([size * size], { dtype: 'float64' });
    for (let i0 = 0; i0 < n; i0 += size) {
      const bi = Math.min(size, n - i0);
      for (let j0 = i0; j0 < n; j0 += size) {
        const bj = Math.min(size, n - j0);
        tidy(() => {
          const block = buffer.narrow(0, 0, bi * bj).view([bi, bj]);
          // D = ‖t_i‖² + ‖t_j‖² − 2 t_i·t_j, clamped at 0 against rounding.
          block.addmm_(centred.narrow(0, i0, bi), centred.narrow(0, j0, bj).t(), 0, -2);
          block.add_(squaredNorms.narrow(0, i0, bi).unsqueeze(1)).add_(squaredNorms.narrow(0, j0, bj).unsqueeze(0)).clamp_(0);
          block.mul_(-1 / (2 * variances[0]!)).exp_();
          const labelsI = labels.narrow(0, i0, bi).unsqueeze(1);
          const labelsJ = labels.narrow(0, j0, bj).unsqueeze(1);
          variances.forEach((variance, k) => {
            // exp(−D/2v_k) = exp(−D/2v_{k−1})^(v_{k−1}/v_k)
            if (k > 0) block.pow_(variances[k - 1]! / variance);
            all[k]!.narrow(0, i0, bi).add_(block.sum(1));
            own[k]!.narrow(0, i0, bi).add_(block.mm(classes.narrow(0, j0, bj)).gather(1, labelsI).squeeze(1));
            if (j0 !== i0) {
              all[k]!.narrow(0, j0, bj).add_(block.sum(0));
              own[k]!.narrow(0, j0, bj).add_(block.t().mm(classes.narrow(0, i0, bi)).gather(1, labelsJ).squeeze(1));
            }
          });
        });
      }
    }
    return { logAll: all.map((sums) => keep(sums.log())), logOwnClass: own.map((sums) => keep(sums.log())) };
  }));
}

export interface KdeOptions {
  /** σ², the variance of the Gaussian noise added to each activation. Saxe et al.'s default 0.1. */
  noiseVariance?: number;
  blockSize?: number;
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

/** The KDE estimator with both bounds. */
export function kdeEstimator(options: KdeOptions = {}): Estimator {
  const noiseVariance = options.noiseVariance ?? 0.1;
  if (!(noiseVariance > 0) || !Number.isFinite(noiseVariance)) throw new RangeError(`noiseVariance must be a positive number, got ${noiseVariance}`);
  return {
    name: 'kde',
    estimate(data: ProbeData): LayerEstimate {
      const n = data.activations.size(0);
      const dims = data.activations.numel / n;
      const variances = [noiseVariance, 4 * noiseVariance];
      const sums = gaussianKernelLogSums(data.activations, data.labels, data.numClasses, variances, options.blockSize);
      const [logUpper, logLower] = sums.logAll.map((t) => t.data('float64'));
      const [ownUpper, ownLower] = sums.logOwnClass.map((t) => t.data('float64'));
      for (const t of [...sums.logAll, ...sums.logOwnClass]) t.dispose();
      const { counts, labelOf } = classCounts(data.labels, data.numClasses);
      const members = counts.map((_, c) => labelOf.flatMap((label, i) => (label === c ? [i] : [])));
      const lowerShift = (dims / 2) * Math.log(1 / 4);
      const entropy = (logSums: Float64Array, variance: number, shift: number): number => upperEntropy(logSums, undefined, dims, variance) + shift;
      const conditional = (logSums: Float64Array, variance: number, shift: number): number =>
        members.reduce((total, rows, c) => (rows.length === 0 ? total : total + (counts[c]! / n) * (upperEntropy(logSums, rows, dims, variance) + shift)), 0);
      const hUpper = entropy(logUpper!, noiseVariance, 0);
      const hLower = entropy(logLower!, 4 * noiseVariance, lowerShift);
      const hGivenX = (dims / 2) * (Math.log(2 * Math.PI * noiseVariance) + 1);
      const hGivenYUpper = conditional(ownUpper!, noiseVariance, 0);
      const hGivenYLower = conditional(ownLower!, 4 * noiseVariance, lowerShift);
      const bits = (lower: number, upper: number): Bounded => ({ lower: lower * NATS_TO_BITS, upper: upper * NATS_TO_BITS });
      return {
        ixt: bits(hLower - hGivenX, hUpper - hGivenX),
        iyt: bits(hLower - hGivenYLower, hUpper - hGivenYUpper),
        ht: bits(hLower, hUpper),
        parameters: { estimator: 'kde', noiseVariance, samples: n, dims },
      };
    },
  };
}
