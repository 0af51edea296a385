/** Autograd beyond `Tensor.backward`: no-grad scopes and functional gradients. */
import { native } from './native.js';
import { Tensor, handleOf } from './tensor.js';
import { handlesOf } from './functional.js';
import { checkBoolean } from './validate.js';

/**
 * Runs fn with gradient recording off (for optimizer updates, evaluation and probing), restoring the
 * previous mode afterwards even if fn throws.
 *
 * @example
 * noGrad(() => weight.sub_(weight.grad!, learningRate));
 */
export function noGrad<T>(fn: () => T): T {
  const previous = native.setGradEnabled(false);
  try {
    return fn();
  } finally {
    native.setGradEnabled(previous);
  }
}

export function isGradEnabled(): boolean {
  return native.isGradEnabled();
}

export interface GradOptions {
  /** Weights for non-scalar outputs (the vector in the vector-Jacobian product). */
  gradOutputs?: readonly Tensor[];
  /** Keep the graph for another backward pass (default: createGraph). */
  retainGraph?: boolean;
  /** Record the gradient computation itself, for higher derivatives. */
  createGraph?: boolean;
  /** Return null for inputs the outputs do not depend on, instead of throwing. */
  allowUnused?: boolean;
}

/**
 * d(sum of outputs)/d(input) for each input, without touching any `.grad`.
 *
 * @example
 * const [dw] = grad([loss], [weight]);
 */
export function grad(outputs: readonly Tensor[], inputs: readonly Tensor[], options: GradOptions = {}): (Tensor | null)[] {
  const createGraph = checkBoolean(options.createGraph ?? false, 'createGraph');
  const gradOutputs = options.gradOutputs?.map((item, index) => handleOf(item, `gradOutputs[${index}]`));
  return native.autogradGrad(handlesOf(outputs, 'outputs'), handlesOf(inputs, 'inputs'), gradOutputs,
    checkBoolean(options.retainGraph ?? createGraph, 'retainGraph'), createGraph, checkBoolean(options.allowUnused ?? false, 'allowUnused'))
    .map((handle) => (handle === null ? null : new Tensor(handle)));
}
