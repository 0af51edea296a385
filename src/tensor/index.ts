/**
 * The tensor API: a typed layer over libtorch.
 *
 * @example
 * import { randn, tidy } from './tensor/index.js';
 * const y = tidy(() => randn([2, 3]).tanh().sum(1));
 */
export { Tensor, type TensorLike } from './tensor.js';
export { type DType, DTYPES, type AnyTypedArray, type TypedArrayOf, isFloatingDtype } from './dtype.js';
export { Generator, manualSeed, deriveSeed } from './generator.js';
export { tidy, keep, scopeDepth } from './scope.js';
export {
  tensor, scalar, empty, zeros, ones, full, zerosLike, onesLike, fullLike, arange, linspace, eye,
  rand, randn, randint, randperm, type TensorOptions, type RandomOptions,
} from './creation.js';
export {
  cat, stack, where, pad, linear, addmm, conv2d, maxPool2d, avgPool2d, dropout, oneHot, expGroupSums, type ExpGroupSums, crossEntropy, nllLoss,
  mseLoss, binaryCrossEntropy, binaryCrossEntropyWithLogits, type Reduction, type Conv2dOptions,
  type Pool2dOptions, type LossOptions,
} from './functional.js';
export {
  foreachAdd_, foreachMul_, foreachDiv_, foreachAddcmul_, foreachAddcdiv_, foreachZero_, foreachCopy_, foreachWelford_, foreachSqrt,
  foreachSqrt_, foreachAdd,
} from './foreach.js';
export { noGrad, isGradEnabled, grad, type GradOptions } from './autograd.js';
export {
  setNumThreads, getNumThreads, setFlushDenormal, liveTensorCount, externalMemoryBytes, cudaDeviceCount, engineInfo, matmulGflops, matmulThroughput, baselineEnvironment, ALLOCATOR_TUNABLES,
  type EngineInfo,
} from './runtime.js';
