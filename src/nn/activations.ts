/** Activation functions by their Keras names. */
import type { Tensor } from '../tensor/index.js';

export const ACTIVATIONS = ['linear', 'tanh', 'relu', 'sigmoid', 'softmax'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

/**
 * Applies an activation. Softmax is taken over dim 1 (the features of a dense layer, the channels of a
 * convolutional one), as Keras does for 2-D outputs. 'linear' returns its input unchanged (same tensor).
 */
export function activate(name: ActivationName, x: Tensor): Tensor {
  switch (name) {
    case 'linear': return x;
    case 'tanh': return x.tanh();
    case 'relu': return x.relu();
    case 'sigmoid': return x.sigmoid();
    case 'softmax': return x.softmax(1);
  }
}
