import { type Tensor, foreachAdd_, foreachAddcdiv_, foreachAddcmul_, foreachCopy_, foreachMul_, foreachSqrt_ } from '../tensor/index.js';
import { checkNumber } from '../tensor/validate.js';
import { type NamedParameters, Optimizer } from './optimizer.js';

export interface AdamOptions {
  /** Keras' default 0.001. */
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  /** Keras' default 1e-7 (added to √v, after Keras' bias-corrected step size). */
  epsilon?: number;
}

/**
 * Adam as Keras implements it (Kingma & Ba 2015, Algorithm 1 with the step-size form of §2):
 * m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², α_t = α·√(1−β₂ᵗ)/(1−β₁ᵗ), θ ← θ − α_t·m/(√v + ε).
 */
export class Adam extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  constructor(model: NamedParameters, options: AdamOptions = {}) {
    super(model, options.learningRate ?? 0.001);
    this.beta1 = checkNumber(options.beta1 ?? 0.9, 'beta1');
    this.beta2 = checkNumber(options.beta2 ?? 0.999, 'beta2');
    this.epsilon = checkNumber(options.epsilon ?? 1e-7, 'epsilon');
  }

  protected update(grads: readonly Tensor[]): void {
    const m = this.slot('m');
    const v = this.slot('v');
    foreachMul_(m, this.beta1);
    foreachAdd_(m, grads, 1 - this.beta1);
    foreachMul_(v, this.beta2);
    foreachAddcmul_(v, grads, grads, 1 - this.beta2);
    const t = this.iterations;
    const stepSize = (this.learningRate * Math.sqrt(1 - this.beta2 ** t)) / (1 - this.beta1 ** t);
    const denominator = this.scratch('denominator');
    foreachCopy_(denominator, v);
    foreachSqrt_(denominator);
    foreachAdd_(denominator, this.epsilon);
    foreachAddcdiv_(this.params, m, denominator, -stepSize);
  }
}
