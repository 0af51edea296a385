import { type Tensor, foreachAdd_, foreachMul_ } from '../tensor/index.js';
import { checkBoolean, checkNumber } from '../tensor/validate.js';
import { type NamedParameters, Optimizer } from './optimizer.js';

export interface SgdOptions {
  /** α; Keras' default 0.01. */
  learningRate?: number;
  /** Keras' default 0 (plain SGD). */
  momentum?: number;
  nesterov?: boolean;
}

/**
 * Stochastic gradient descent as Keras defines it: v ← μ·v − α·g, then θ ← θ + v (Nesterov:
 * θ ← θ + μ·v − α·g). Without momentum, θ ← θ − α·g.
 *
 * @example const optimizer = new Sgd(model, { learningRate: 0.001 });
 */
export class Sgd extends Optimizer {
  readonly momentum: number;
  readonly nesterov: boolean;

  constructor(model: NamedParameters, options: SgdOptions = {}) {
    super(model, options.learningRate ?? 0.01);
    this.momentum = checkNumber(options.momentum ?? 0, 'momentum');
    if (this.momentum < 0) throw new RangeError(`Expected a non-negative momentum but received ${this.momentum}`);
    this.nesterov = checkBoolean(options.nesterov ?? false, 'nesterov');
  }

  protected update(grads: readonly Tensor[]): void {
    if (this.momentum === 0) {
      foreachAdd_(this.params, grads, -this.learningRate);
      return;
    }
    const velocity = this.slot('velocity');
    foreachMul_(velocity, this.momentum);
    foreachAdd_(velocity, grads, -this.learningRate);
    if (this.nesterov) {
      foreachAdd_(this.params, velocity, this.momentum);
      foreachAdd_(this.params, grads, -this.learningRate);
    } else {
      foreachAdd_(this.params, velocity);
    }
  }
}
