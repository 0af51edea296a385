/**
 * Gradient signal and noise per layer (Shwartz-Ziv & Tishby 2017, §2.3.3 of the paper): for each
 * parameter element, the mean μ_i and standard deviation σ_i of its gradient over a set of gradients
 * (an epoch's minibatches, or Tishby's parallel networks), then per weight matrix μ = ‖(μ_i)‖,
 * σ = ‖(σ_i)‖ and SNR = μ/σ. σ_i is the population standard deviation, as np.std in Saxe et al.'s
 * loggingreporter.
 *
 * The moments are accumulated streaming with Welford's update, one fused pass per gradient and no stacked
 * history: δ = g − m; m ← m + δ/n; M₂ ← M₂ + δ·(g − m).
 */
import {
  type Tensor, foreachWelford_, foreachZero_, keep, noGrad, tidy, zerosLike,
} from '../tensor/index.js';

export interface GradientSummary {
  /** ‖mean gradient‖ over the weight matrix. */
  mean: number;
  /** ‖per-element standard deviation‖ over the weight matrix. */
  std: number;
  /** mean / std (Infinity when std is 0). */
  snr: number;
  /** How many gradients were accumulated. */
  count: number;
}

export class GradientMoments {
  readonly names: readonly string[];
  #count = 0;
  readonly #mean: Tensor[];
  readonly #m2: Tensor[];

  /** One accumulator per parameter, shaped like it (same dtype). */
  constructor(named: readonly (readonly [string, Tensor])[]) {
    this.names = named.map(([name]) => name);
    const zeros = (): Tensor[] => named.map(([, param]) => keep(noGrad(() => zerosLike(param))));
    this.#mean = zeros();
    this.#m2 = zeros();
  }

  get count(): number {
    return this.#count;
  }

  /** Adds one gradient per parameter (same order as the constructor's names). */
  update(gradients: readonly Tensor[]): void {
    if (gradients.length !== this.names.length) throw new Error(`GradientMoments.update: ${gradients.length} gradients for ${this.names.length} parameters`);
    this.#count++;
    const n = this.#count;
    noGrad(() => foreachWelford_(this.#mean, this.#m2, gradients, n));
  }

  /** The per-element mean gradients (shared tensors). */
  get means(): readonly Tensor[] {
    return this.#mean;
  }

  /** Per parameter: ‖μ‖, ‖σ‖ and their ratio. */
  summarize(): Map<string, GradientSummary> {
    const n = this.#count;
    return new Map(this.names.map((name, i) => tidy(() => {
      const mean = n === 0 ? 0 : this.#mean[i]!.to('float64').norm().item();
      const std = n === 0 ? 0 : Math.sqrt(this.#m2[i]!.to('float64').sum().item() / n);
      return [name, { mean, std, snr: std === 0 ? (mean === 0 ? 0 : Infinity) : mean / std, count: n }] as const;
    })));
  }

  /** Starts a new set of gradients. */
  reset(): void {
    this.#count = 0;
    noGrad(() => {
      foreachZero_(this.#mean);
      foreachZero_(this.#m2);
    });
  }

  dispose(): void {
    for (const t of [...this.#mean, ...this.#m2]) t.dispose();
  }
}
