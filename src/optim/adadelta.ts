import { type Tensor, foreachAdd_, foreachAddcmul_, foreachCopy_, foreachDiv_, foreachMul_, foreachSqrt_ } from '../tensor/index.js';
import { checkNumber } from '../tensor/validate.js';
import { type NamedParameters, Optimizer } from './optimizer.js';

export interface AdadeltaOptions {
  /** Keras' default 1.0. */
  learningRate?: number;
  /** Keras' default 0.95. */
  rho?: number;
  /** Keras' default 1e-7. */
  epsilon?: number;
}

/**
 * Adadelta as Keras implements it (Zeiler 2012, Algorithm 1, with a learning rate):
 * E[g²] ← ρE[g²] + (1−ρ)g², Δ = g·√(E[Δ²] + ε)/√(E[g²] + ε), E[Δ²] ← ρE[Δ²] + (1−ρ)Δ², θ ← θ − α·Δ.
 * (libtorch 1.13's C++ API has no Adadelta, so this is ours.)
 */
export class Adadelta extends Optimizer {
  readonly rho: number;
  readonly epsilon: number;

  constructor(model: NamedParameters, options: AdadeltaOptions = {}) {
    super(model, options.learningRate ?? 1.0);
    this.rho = checkNumber(options.rho ?? 0.95, 'rho');
    this.epsilon = checkNumber(options.epsilon ?? 1e-7, 'epsilon');
  }

  protected update(grads: readonly Tensor[]): void {
    const squaredGradients = this.slot('accumulatedGradient');
    const squaredUpdates = this.slot('accumulatedUpdate');
    foreachMul_(squaredGradients, this.rho);
    foreachAddcmul_(squaredGradients, grads, grads, 1 - this.rho);
    const delta = this.scratch('delta');
    foreachCopy_(delta, squaredUpdates);
    foreachAdd_(delta, this.epsilon);
    foreachSqrt_(delta);
    const denominator = this.scratch('denominator');
    foreachCopy_(denominator, squaredGradients);
    foreachAdd_(denominator, this.epsilon);
    foreachSqrt_(denominator);
    foreachDiv_(delta, denominator);
    foreachMul_(delta, grads);
    foreachMul_(squaredUpdates, this.rho);
    foreachAddcmul_(squaredUpdates, delta, delta, 1 - this.rho);
    foreachAdd_(this.params, delta, -this.learningRate);
  }
}
