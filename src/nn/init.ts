/**
 * Parameter initialisers. 'keras' follows Keras' defaults (glorot-uniform kernels, zero biases);
 * 'torch' follows PyTorch's Linear/Conv2d defaults (kaiming-uniform with a = √5, i.e. U(±1/√fanIn), for
 * both weights and biases).
 */
import { type DType, type Generator, type Tensor, empty, zeros } from '../tensor/index.js';

export const INITIALIZERS = ['keras', 'torch'] as const;
export type InitializerName = (typeof INITIALIZERS)[number];

/** Fan-in and fan-out of a kernel stored as [out, in, …receptive field]. */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1]! * receptive, fanOut: shape[0]! * receptive };
}

/** A kernel of the given [out, in, …] shape. */
export function initKernel(name: InitializerName, shape: readonly number[], generator: Generator, dtype: DType = 'float32'): Tensor {
  const { fanIn, fanOut } = fans(shape);
  // Glorot & Bengio (2010): U(±√(6 / (fanIn + fanOut))). PyTorch: kaiming_uniform_(a=√5) = U(±1/√fanIn).
  const limit = name === 'keras' ? Math.sqrt(6 / (fanIn + fanOut)) : 1 / Math.sqrt(fanIn);
  return empty(shape, { dtype }).uniform_(-limit, limit, generator);
}

/** A bias of `units` values for a kernel of the given shape. */
export function initBias(name: InitializerName, units: number, kernelShape: readonly number[], generator: Generator, dtype: DType = 'float32'): Tensor {
  if (name === 'keras') return zeros([units], { dtype });
  const limit = 1 / Math.sqrt(fans(kernelShape).fanIn);
  return empty([units], { dtype }).uniform_(-limit, limit, generator);
}
