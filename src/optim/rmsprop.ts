import { type Tensor, foreachAdd_, foreachAddcdiv_, foreachAddcmul_, foreachCopy_, foreachMul_, foreachSqrt_ } from '../tensor/index.js';
import { checkNumber } from '../tensor/validate.js';
import { type NamedParameters, Optimizer } from './optimizer.js';

export interface RmspropOptions {
  /** Keras' default 0.001. */
  learningRate?: number;
  /** Keras' default 0.9. */
  rho?: number;
  /** Keras' default 1e-7. */
  epsilon?: number;
}

/** RMSprop as Keras implements it (Tieleman & Hinton 2012): a ← ρa + (1−ρ)g², θ ← θ − α·g/(√a + ε). */
export class Rmsprop extends Optimizer {
  readonly rho: number;
  readonly epsilon: number;

  constructor(model: NamedParameters, options: RmspropOptions = {}) {
    super(model, options.learningRate ?? 0.001);
    this.rho = checkNumber(options.rho ?? 0.9, 'rho');
    this.epsilon = checkNumber(options.epsilon ?? 1e-7, 'epsilon');
  }

  protected update(grads: readonly Tensor[]): void {
    const average = this.slot('meanSquare');
    foreachMul_(average, this.rho);
    foreachAddcmul_(average, grads, grads, 1 - this.rho);
    const denominator = this.scratch('denominator');
    foreachCopy_(denominator, average);
    foreachSqrt_(denominator);
    foreachAdd_(denominator, this.epsilon);
    foreachAddcdiv_(this.params, grads, denominator, -this.learningRate);
  }
}
