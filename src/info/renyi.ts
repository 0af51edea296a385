/**
 * Matrix-based Rényi α-entropy (Giraldo, Rao & Príncipe 2014, "Measures of entropy from data using
 * infinitely divisible kernels"), as Yu, Wickstrøm, Jenssen & Príncipe (2018) apply it to CNNs:
 *   A = K / tr(K) for a Gram matrix K_ij = exp(−‖t_i − t_j‖² / 2σ²),
 *   S_α(A) = 1/(1 − α) · log₂ Σ_i λ_i(A)^α,
 *   S_α(A, B) = S_α(A∘B / tr(A∘B))  (Hadamard product), I_α(A; B) = S_α(A) + S_α(B) − S_α(A, B).
 * Labels use the Kronecker kernel δ(y_i, y_j), whose normalised Gram has the class frequencies as
 * eigenvalues, so S_α(Y) is exactly the Rényi entropy of the label distribution. A conv layer under the
 * concat method is one Gaussian kernel on the concatenated channels — which equals Yu et al.'s
 * multivariate Hadamard product of per-channel Gram matrices when the channels share one width.
 *
 * Defaults: α = 1.01 (close to Shannon, as Yu et al.) and σ by the median rule. The width is a number, or
 * a rule applied to each matrix's own samples (activations and inputs separately):
 * - 'median': σ = the median Euclidean distance over the N(N−1)/2 pairs of samples (the median heuristic,
 *   Gretton et al. 2012, "A kernel two-sample test"; Yu et al. 2018 likewise scale σ with the data),
 *   computed exactly; the kernel at the median distance is e^(−1/2) whatever d is.
 * - 'scott': σ = s·N^(−1/(4+d)), s the pooled standard deviation (the root of the mean per-coordinate
 *   unbiased variance): Scott's normal-reference rule (Scott 1992, "Multivariate Density Estimation",
 *   §6.3.1, eq. 6.42, h_k = σ_k·N^(−1/(d+4))) with one σ for all coordinates. It is not Silverman's rule,
 *   which has the extra factor (4/(d+2))^(1/(d+4)) (Silverman 1986, §4.3.2, eq. 4.14); the two agree at d = 2.
 *   It saturates wide layers: the mean of ‖t_i − t_j‖² over pairs is 2·d·s², so the kernel's exponent
 *   averages d·N^(2/(4+d)) ≥ d, and off-diagonal K_ij → 0 as d grows (σ → s while distances grow like
 *   √d·s): A → I/N, S_α(T) → log₂ N and I(Y;T) → S_α(Y) whatever T holds. On 200 samples of 20 random
 *   coordinates it gives H(T) = log₂ 200 and I(Y;T) = 1.0000 bit for coin-flip labels independent of T
 *   (0.92 bit at d = 5), which is why it is not the default.
 * Either rule's σ has a floor of 1e-12 so that a layer whose samples (mostly) coincide still has a width.
 *
 * Cost: one N×N eigendecomposition per matrix (and one sort of the N(N−1)/2 distances for 'median'), so
 * keep N to a few thousand.
 */
import { type Tensor, noGrad, ones, oneHot, tidy } from '../tensor/index.js';
import { type Estimator, type LayerEstimate, type ProbeData, exact } from './types.js';

export const KERNEL_WIDTH_RULES = ['scott', 'median'] as const;
export type KernelWidthRule = (typeof KERNEL_WIDTH_RULES)[number];

/** α close to 1 (Shannon), as Yu et al. */
export const DEFAULT_ALPHA = 1.01;
/** The median rule: Scott's saturates every layer wider than a handful of units (see the file header). */
export const DEFAULT_KERNEL_WIDTH: KernelWidthRule = 'median';

export interface RenyiOptions {
  /** The order α (≠ 1). Default DEFAULT_ALPHA. */
  alpha?: number;
  /** The Gaussian kernel width σ for activations and inputs, or the rule that sets it per matrix. Default DEFAULT_KERNEL_WIDTH. */
  kernelWidth?: number | KernelWidthRule;
}

/** The smallest width a rule returns: samples that all coincide still get a (any) positive width. */
const MIN_WIDTH = 1e-12;

/**
 * Scott's rule for an isotropic Gaussian kernel on [N, …] samples: s·N^(−1/(4+d)) (see the file header).
 *
 * @example scottWidth(activations) // 0.1·200^(−1/6) ≈ 0.041 for 200 samples of 2 coordinates with s = 0.1
 */
export function scottWidth(samples: Tensor): number {
  return tidy(() => {
    const n = samples.size(0);
    const d = samples.numel / n;
    const pooled = Math.sqrt(samples.reshape([n, -1]).to('float64').var(0).mean().item());
    return Math.max(pooled, MIN_WIDTH) * n ** (-1 / (4 + d));
  });
}

/** ‖t_i − t_j‖² of [N, …] samples (float64 [N, N]), from the centred Gram matrix. */
function squaredDistances(samples: Tensor): Tensor {
  return tidy(() => {
    const n = samples.size(0);
    const x = samples.reshape([n, -1]).to('float64');
    // Distances do not change under translation; centring keeps ‖t‖² small and the cancellation mild.
    const centred = x.sub(x.mean(0, true));
    const squared = centred.square().sum(1);
    return centred.matmul(centred.t()).mul(-2).add(squared.unsqueeze(1)).add(squared.unsqueeze(0)).clamp(0);
  });
}

/**
 * The median of the distances above the diagonal of a squared-distance matrix (the mean of the two middle
 * ones when their count is even), floored at MIN_WIDTH.
 */
function medianPairDistance(squared: Tensor): number {
  const n = squared.size(0);
  if (n < 2) throw new RangeError(`the median width needs at least 2 samples, got ${n}`);
  return tidy(() => {
    const sorted = squared.maskedSelect(ones([n, n]).triu(1).gt(0)).sort().values;
    const count = sorted.size(0);
    const distance = (k: number): number => Math.sqrt(sorted.narrow(0, k, 1).item());
    const median = count % 2 === 1 ? distance((count - 1) / 2) : (distance(count / 2 - 1) + distance(count / 2)) / 2;
    return Math.max(median, MIN_WIDTH);
  });
}

/**
 * The median heuristic: the median Euclidean distance over all pairs i < j of [N, …] samples (N ≥ 2).
 *
 * @example medianWidth(tensor([[0], [1], [3]])) // distances 1, 3, 2 → 2
 */
export function medianWidth(samples: Tensor): number {
  return tidy(() => medianPairDistance(squaredDistances(samples)));
}

/** A/tr(A) of the Gaussian kernel exp(−D/2σ²) on squared distances D. */
function gramOfSquaredDistances(squared: Tensor, width: number): Tensor {
  return squared.mul(-1 / (2 * width * width)).exp().div(squared.size(0));
}

/** The normalised Gaussian Gram matrix A = K / tr(K) (float64 [N, N]). */
export function normalisedGram(samples: Tensor, width: number): Tensor {
  return tidy(() => gramOfSquaredDistances(squaredDistances(samples), width));
}

/** The normalised label Gram matrix δ(y_i, y_j)/N. */
export function labelGram(labels: Tensor, numClasses: number): Tensor {
  return tidy(() => {
    const rows = oneHot(labels, numClasses).to('float64');
    return rows.matmul(rows.t()).div(labels.size(0));
  });
}

/** S_α(A) in bits for a unit-trace positive semi-definite A. */
export function renyiEntropy(normalised: Tensor, alpha: number): number {
  return tidy(() => {
    const eigenvalues = normalised.eigvalsh().clamp(0);
    return Math.log2(eigenvalues.pow(alpha).sum().item()) / (1 - alpha);
  });
}

/** S_α(A, B) in bits: the entropy of A∘B / tr(A∘B). */
export function jointRenyiEntropy(a: Tensor, b: Tensor, alpha: number): number {
  return tidy(() => {
    const product = a.mul(b);
    return renyiEntropy(product.div(product.diagonal().sum()), alpha);
  });
}

/** The width a rule (or a given number) sets for samples whose squared distances are `squared`. */
function widthFor(kernelWidth: number | KernelWidthRule, samples: Tensor, squared: Tensor): number {
  if (typeof kernelWidth === 'number') return kernelWidth;
  return kernelWidth === 'scott' ? scottWidth(samples) : medianPairDistance(squared);
}

/** The normalised Gram matrix of samples under a width rule, and the width it used. */
function gramUnder(kernelWidth: number | KernelWidthRule, samples: Tensor): { gram: Tensor; width: number } {
  const squared = squaredDistances(samples);
  const width = widthFor(kernelWidth, samples, squared);
  return { gram: gramOfSquaredDistances(squared, width), width };
}

/**
 * The matrix-based Rényi estimator of I(X;T) and I(Y;T); needs the inputs X.
 *
 * @example renyiEstimator({ kernelWidth: 'median' }).estimate({ activations, labels, numClasses: 10, inputs })
 */
export function renyiEstimator(options: RenyiOptions = {}): Estimator {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const kernelWidth = options.kernelWidth ?? DEFAULT_KERNEL_WIDTH;
  if (!(alpha > 0) || alpha === 1 || !Number.isFinite(alpha)) throw new RangeError(`alpha must be positive and ≠ 1, got ${alpha}`);
  if (typeof kernelWidth === 'number' ? !(kernelWidth > 0) || !Number.isFinite(kernelWidth) : !KERNEL_WIDTH_RULES.includes(kernelWidth)) {
    throw new RangeError(`kernelWidth must be a positive number or one of ${KERNEL_WIDTH_RULES.map((rule) => `"${rule}"`).join(', ')}, got ${JSON.stringify(kernelWidth)}`);
  }
  return {
    name: 'renyi',
    estimate(data: ProbeData): LayerEstimate {
      if (!data.inputs) throw new Error('the Rényi estimator needs the inputs X (ProbeData.inputs) to compute I(X;T)');
      return noGrad(() => tidy(() => {
        const t = gramUnder(kernelWidth, data.activations);
        const x = gramUnder(kernelWidth, data.inputs!);
        const gramY = labelGram(data.labels, data.numClasses);
        const hT = renyiEntropy(t.gram, alpha);
        const ixt = renyiEntropy(x.gram, alpha) + hT - jointRenyiEntropy(x.gram, t.gram, alpha);
        const iyt = renyiEntropy(gramY, alpha) + hT - jointRenyiEntropy(gramY, t.gram, alpha);
        const n = data.activations.size(0);
        return {
          ixt: exact(ixt),
          iyt: exact(iyt),
          ht: exact(hT),
          parameters: {
            estimator: 'renyi', alpha, kernelWidthRule: typeof kernelWidth === 'number' ? 'fixed' : kernelWidth,
            kernelWidth: t.width, inputKernelWidth: x.width, samples: n, dims: data.activations.numel / n,
          },
        };
      }));
    },
  };
}
