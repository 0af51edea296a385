/**
 * Parameter initialisers. 'keras' follows Keras' defaults (glorot-uniform kernels, zero biases);
 * 'torch' follows PyTorch's Linear/Conv2d defaults (kaiming-uniform with a = √5, i.e. U(±1/√fanIn), for
 * both weights and biases); 'truncated-normal' is Saxe et al.'s IB-network choice (ibsgd
 * IBnet_SaveActivations: TruncatedNormal(0, 1/√units) kernels — redrawn beyond two standard deviations,
 * as TensorFlow's — and zero biases).
 */
import { type DType, type Generator, type Tensor, empty, randn, tidy, where, zeros } from '../tensor/index.js';

export const INITIALIZERS = ['keras', 'torch', 'truncated-normal'] as const;
export type InitializerName = (typeof INITIALIZERS)[number];

/** Fan-in and fan-out of a kernel stored as [out, in, …receptive field]. */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1]! * receptive, fanOut: shape[0]! * receptive };
}

/** Standard normal draws with every value beyond ±2 redrawn (TensorFlow's truncated normal). */
export function truncatedNormal(shape: readonly number[], generator: Generator, dtype: DType = 'float32'): Tensor {
  return tidy(() => {
    let values = randn(shape, { generator, dtype });
    // Each round keeps a value with probability 0.954; after 12 rounds one in 10¹⁶ is still out of range.
    for (let round = 0; round < 12; round++) values = where(values.abs().gt(2), randn(shape, { generator, dtype }), values);
    return values.clamp(-2, 2);
  });
}

/** A kernel of the given [out, in, …] shape. */
export function initKernel(name: InitializerName, shape: readonly number[], generator: Generator, dtype: DType = 'float32'): Tensor {
  if (name === 'truncated-normal') return tidy(() => truncatedNormal(shape, generator, dtype).mul(1 / Math.sqrt(shape[0]!)));
  const { fanIn, fanOut } = fans(shape);
  // Glorot & Bengio (2010): U(±√(6 / (fanIn + fanOut))). PyTorch: kaiming_uniform_(a=√5) = U(±1/√fanIn).
  const limit = name === 'keras' ? Math.sqrt(6 / (fanIn + fanOut)) : 1 / Math.sqrt(fanIn);
  return empty(shape, { dtype }).uniform_(-limit, limit, generator);
}

/** A bias of `units` values for a kernel of the given shape. */
export function initBias(name: InitializerName, units: number, kernelShape: readonly number[], generator: Generator, dtype: DType = 'float32'): Tensor {
  if (name !== 'torch') return zeros([units], { dtype });
  const limit = 1 / Math.sqrt(fans(kernelShape).fanIn);
  return empty([units], { dtype }).uniform_(-limit, limit, generator);
}
