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
 * Defaults: α = 1.01 (close to Shannon, as Yu et al.); σ by Silverman's rule, σ = s·N^(−1/(4+d)) with s
 * the pooled standard deviation of the representation. Cost: one N×N eigendecomposition per matrix, so
 * keep N to a few thousand.
 */
import { type Tensor, noGrad, oneHot, tidy } from '../tensor/index.js';
import { type Estimator, type LayerEstimate, type ProbeData, exact } from './types.js';

export interface RenyiOptions {
  /** The order α (≠ 1). Default 1.01. */
  alpha?: number;
  /** The Gaussian kernel width σ for activations and inputs; Silverman's rule per matrix when omitted. */
  kernelWidth?: number;
}

/** Silverman's rule of thumb for a Gaussian kernel width on [N, d] samples. */
export function silvermanWidth(samples: Tensor): number {
  return tidy(() => {
    const n = samples.size(0);
    const d = samples.numel / n;
    const pooled = Math.sqrt(samples.reshape([n, -1]).to('float64').var(0).mean().item());
    return Math.max(pooled, 1e-12) * n ** (-1 / (4 + d));
  });
}

/** The normalised Gaussian Gram matrix A = K / tr(K) (float64 [N, N]). */
export function normalisedGram(samples: Tensor, width: number): Tensor {
  return tidy(() => {
    const n = samples.size(0);
    const x = samples.reshape([n, -1]).to('float64');
    const centred = x.sub(x.mean(0, true));
    const squared = centred.square().sum(1);
    const distances = centred.matmul(centred.t()).mul(-2).add(squared.unsqueeze(1)).add(squared.unsqueeze(0)).clamp(0);
    return distances.mul(-1 / (2 * width * width)).exp().div(n);
  });
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

export function renyiEstimator(options: RenyiOptions = {}): Estimator {
  const alpha = options.alpha ?? 1.01;
  if (!(alpha > 0) || alpha === 1 || !Number.isFinite(alpha)) throw new RangeError(`alpha must be positive and ≠ 1, got ${alpha}`);
  if (options.kernelWidth !== undefined && !(options.kernelWidth > 0)) throw new RangeError(`kernelWidth must be positive, got ${options.kernelWidth}`);
  return {
    name: 'renyi',
    estimate(data: ProbeData): LayerEstimate {
      if (!data.inputs) throw new Error('the Rényi estimator needs the inputs X (pass --inputs X.npy) to compute I(X;T)');
      return noGrad(() => tidy(() => {
        const widthT = options.kernelWidth ?? silvermanWidth(data.activations);
        const widthX = options.kernelWidth ?? silvermanWidth(data.inputs!);
        const gramT = normalisedGram(data.activations, widthT);
        const gramX = normalisedGram(data.inputs!, widthX);
        const gramY = labelGram(data.labels, data.numClasses);
        const hT = renyiEntropy(gramT, alpha);
        const ixt = renyiEntropy(gramX, alpha) + hT - jointRenyiEntropy(gramX, gramT, alpha);
        const iyt = renyiEntropy(gramY, alpha) + hT - jointRenyiEntropy(gramY, gramT, alpha);
        const n = data.activations.size(0);
        return {
          ixt: exact(ixt),
          iyt: exact(iyt),
          ht: exact(hT),
          parameters: { estimator: 'renyi', alpha, kernelWidth: widthT, inputKernelWidth: widthX, samples: n, dims: data.activations.numel / n },
        };
      }));
    },
  };
}
