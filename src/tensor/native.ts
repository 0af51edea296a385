/**
 * Loads the libtorch addon and types its op table (native/src/ops.h).
 *
 * Two settings are read once, when libtorch and its BLAS are loaded, so they are set here, before the
 * addon is required, unless the caller chose a value (measured on a 2-core Xeon, `bench/engine`):
 * - OMP_WAIT_POLICY=PASSIVE: with libgomp's default the OpenMP workers spin after each parallel region and
 *   starve the next op; the MLP epoch went from 5.8 s to 1.7 s.
 * - OPENBLAS_CORETYPE: Debian's OpenBLAS 0.3.21 does not know recent Xeons and falls back to its
 *   Prescott (SSE3) kernels — a 2048² matmul ran at 61 instead of 285 GFLOP/s. We name the kernel
 *   family the CPU's flags support (SkylakeX for AVX-512, Haswell for AVX2).
 */
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** An opaque, type-tagged native tensor handle. */
export type Handle = object & { readonly __tensorHandle: unique symbol };
/** An opaque, type-tagged native generator handle. */
export type GeneratorHandle = object & { readonly __generatorHandle: unique symbol };

/** A tensor handle or a number (numbers are wrapped as PyTorch wraps Python scalars). */
type Operand = Handle | number | boolean;
type Dims = number | readonly number[] | null | undefined;
type Reduction = 'none' | 'mean' | 'sum';
type Opt<T> = T | null | undefined;
type Unary = (input: Handle) => Handle;
type Binary = (input: Operand, other: Operand) => Handle;
type InPlace = (self: Handle, other: Operand, alpha?: number) => void;

export interface NativeOps {
  // runtime
  version(): string;
  buildConfig(): string;
  parallelInfo(): string;
  blasInfo(): { coreName: string | null; config: string | null; threads: number | null };
  setFlushDenormal(enabled: boolean): boolean;
  getNumThreads(): number;
  setNumThreads(threads: number): void;
  cudaDeviceCount(): number;
  liveTensors(): number;
  externalMemory(): number;
  dispose(tensor: Handle): void;
  isDisposed(tensor: Handle): boolean;
  shape(tensor: Handle): number[];
  dtype(tensor: Handle): string;
  device(tensor: Handle): string;
  isContiguous(tensor: Handle): boolean;
  isGradEnabled(): boolean;
  setGradEnabled(enabled: boolean): boolean;
  // creation
  fromTypedArray(data: ArrayBufferView, shape: readonly number[], dtype?: string): Handle;
  toTypedArray(tensor: Handle): Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int16Array | Int8Array;
  item(tensor: Handle): number;
  empty(shape: readonly number[], dtype?: string, device?: string): Handle;
  zeros(shape: readonly number[], dtype?: string, device?: string): Handle;
  ones(shape: readonly number[], dtype?: string, device?: string): Handle;
  full(shape: readonly number[], value: number | boolean, dtype?: string, device?: string): Handle;
  zerosLike: Unary;
  onesLike: Unary;
  fullLike(tensor: Handle, value: number | boolean): Handle;
  arange(start: number, end: number, step: number, dtype?: string, device?: string): Handle;
  linspace(start: number, end: number, steps: number, dtype?: string, device?: string): Handle;
  eye(n: number, dtype?: string, device?: string): Handle;
  createGenerator(seed: number): GeneratorHandle;
  manualSeed(seed: number): void;
  rand(shape: readonly number[], generator: Opt<GeneratorHandle>, dtype?: string, device?: string): Handle;
  randn(shape: readonly number[], generator: Opt<GeneratorHandle>, dtype?: string, device?: string): Handle;
  randint(low: number, high: number, shape: readonly number[], generator: Opt<GeneratorHandle>, dtype?: string, device?: string): Handle;
  randperm(n: number, generator: Opt<GeneratorHandle>, dtype?: string, device?: string): Handle;
  uniform_(self: Handle, from: number, to: number, generator: Opt<GeneratorHandle>): void;
  normal_(self: Handle, mean: number, std: number, generator: Opt<GeneratorHandle>): void;
  bernoulli_(self: Handle, p: number, generator: Opt<GeneratorHandle>): void;
  // pointwise
  neg: Unary; abs: Unary; exp: Unary; expm1: Unary; log: Unary; log2: Unary; log1p: Unary; sqrt: Unary;
  rsqrt: Unary; square: Unary; reciprocal: Unary; sign: Unary; floor: Unary; ceil: Unary; round: Unary;
  sin: Unary; cos: Unary; erf: Unary; tanh: Unary; sigmoid: Unary; relu: Unary; gelu: Unary;
  logicalNot: Unary; isnan: Unary; isinf: Unary; isfinite: Unary; softplus: Unary;
  mul: Binary; div: Binary; pow: Binary; remainder: Binary; maximum: Binary; minimum: Binary; atan2: Binary;
  eq: Binary; ne: Binary; lt: Binary; le: Binary; gt: Binary; ge: Binary;
  logicalAnd: Binary; logicalOr: Binary; logicalXor: Binary;
  add(input: Operand, other: Operand, alpha?: number): Handle;
  sub(input: Operand, other: Operand, alpha?: number): Handle;
  clamp(input: Handle, min: Opt<number>, max: Opt<number>): Handle;
  leakyRelu(input: Handle, negativeSlope: number): Handle;
  where(condition: Handle, input: Operand, other: Operand): Handle;
  addcmul(input: Handle, tensor1: Handle, tensor2: Handle, value: number): Handle;
  addcdiv(input: Handle, tensor1: Handle, tensor2: Handle, value: number): Handle;
  // reductions
  sum(input: Handle, dims: Dims, keepdim: boolean, dtype?: Opt<string>): Handle;
  mean(input: Handle, dims: Dims, keepdim: boolean, dtype?: Opt<string>): Handle;
  amax(input: Handle, dims: Dims, keepdim: boolean): Handle;
  amin(input: Handle, dims: Dims, keepdim: boolean): Handle;
  maxDim(input: Handle, dim: number, keepdim: boolean): [Handle, Handle];
  minDim(input: Handle, dim: number, keepdim: boolean): [Handle, Handle];
  argmax(input: Handle, dim: Opt<number>, keepdim: boolean): Handle;
  argmin(input: Handle, dim: Opt<number>, keepdim: boolean): Handle;
  logsumexp(input: Handle, dims: readonly number[], keepdim: boolean): Handle;
  var(input: Handle, dims: Dims, unbiased: boolean, keepdim: boolean): Handle;
  stdDev(input: Handle, dims: Dims, unbiased: boolean, keepdim: boolean): Handle;
  norm(input: Handle, p: number, dims: Dims, keepdim: boolean): Handle;
  all: Unary; any: Unary;
  cumsum(input: Handle, dim: number): Handle;
  softmax(input: Handle, dim: number): Handle;
  logSoftmax(input: Handle, dim: number): Handle;
  sort(input: Handle, dim: number, descending: boolean, stable: boolean): [Handle, Handle];
  topk(input: Handle, k: number, dim: number, largest: boolean, sorted: boolean): [Handle, Handle];
  unique(input: Handle, dim: Opt<number>): [Handle, Handle, Handle];
  bincount(input: Handle, weights: Opt<Handle>, minlength: number): Handle;
  histc(input: Handle, bins: number, min: number, max: number): Handle;
  expGroupSums(x: Handle, scales: Handle, steps: Handle, floor: number, rowGroups: Handle, columnGroups: Handle): Handle[];
  // shape
  reshape(input: Handle, shape: readonly number[]): Handle;
  view(input: Handle, shape: readonly number[]): Handle;
  permute(input: Handle, dims: readonly number[]): Handle;
  transpose(input: Handle, dim0: number, dim1: number): Handle;
  narrow(input: Handle, dim: number, start: number, length: number): Handle;
  select(input: Handle, dim: number, index: number): Handle;
  indexSelect(input: Handle, dim: number, index: Handle): Handle;
  gather(input: Handle, dim: number, index: Handle): Handle;
  scatterAdd(input: Handle, dim: number, index: Handle, src: Handle): Handle;
  maskedFill(input: Handle, mask: Handle, value: number | boolean): Handle;
  maskedSelect(input: Handle, mask: Handle): Handle;
  nonzero: Unary;
  cat(tensors: readonly Handle[], dim: number): Handle;
  stack(tensors: readonly Handle[], dim: number): Handle;
  split(input: Handle, size: number, dim: number): Handle[];
  chunk(input: Handle, chunks: number, dim: number): Handle[];
  flatten(input: Handle, startDim: number, endDim: number): Handle;
  squeeze(input: Handle, dim?: Opt<number>): Handle;
  unsqueeze(input: Handle, dim: number): Handle;
  expand(input: Handle, shape: readonly number[]): Handle;
  repeat(input: Handle, repeats: readonly number[]): Handle;
  flip(input: Handle, dims: readonly number[]): Handle;
  constantPadNd(input: Handle, pads: readonly number[], value: number): Handle;
  contiguous: Unary; clone: Unary; diagonal: Unary;
  triu(input: Handle, diagonal: number): Handle;
  toDtype(input: Handle, dtype: string): Handle;
  toDevice(input: Handle, device: string): Handle;
  // linear algebra and nn
  matmul(input: Handle, other: Handle): Handle;
  mm(input: Handle, other: Handle): Handle;
  bmm(input: Handle, other: Handle): Handle;
  linear(input: Handle, weight: Handle, bias: Opt<Handle>): Handle;
  addmm(input: Handle, mat1: Handle, mat2: Handle): Handle;
  addmm_(self: Handle, mat1: Handle, mat2: Handle, beta: number, alpha: number): void;
  eigvalsh: Unary;
  conv2d(input: Handle, weight: Handle, bias: Opt<Handle>, stride: readonly number[], padding: readonly number[] | 'same' | 'valid', dilation: readonly number[], groups: number): Handle;
  maxPool2d(input: Handle, kernelSize: readonly number[], stride: readonly number[], padding: readonly number[], dilation: readonly number[], ceilMode: boolean): Handle;
  avgPool2d(input: Handle, kernelSize: readonly number[], stride: readonly number[], padding: readonly number[]): Handle;
  oneHot(input: Handle, numClasses: number): Handle;
  crossEntropy(input: Handle, target: Handle, weight: Opt<Handle>, reduction: Reduction, ignoreIndex: number, labelSmoothing: number): Handle;
  nllLoss(input: Handle, target: Handle, weight: Opt<Handle>, reduction: Reduction, ignoreIndex: number): Handle;
  mseLoss(input: Handle, target: Handle, reduction: Reduction): Handle;
  binaryCrossEntropy(input: Handle, target: Handle, weight: Opt<Handle>, reduction: Reduction): Handle;
  binaryCrossEntropyWithLogits(input: Handle, target: Handle, weight: Opt<Handle>, reduction: Reduction): Handle;
  // in place
  add_: InPlace; sub_: InPlace;
  mul_(self: Handle, other: Operand): void;
  div_(self: Handle, other: Operand): void;
  exp_(self: Handle): void;
  sqrt_(self: Handle): void;
  pow_(self: Handle, exponent: number): void;
  clamp_(self: Handle, min: Opt<number>, max: Opt<number>): void;
  addcmul_(self: Handle, tensor1: Handle, tensor2: Handle, value: number): void;
  addcdiv_(self: Handle, tensor1: Handle, tensor2: Handle, value: number): void;
  zero_(self: Handle): void;
  fill_(self: Handle, value: number | boolean): void;
  copy_(self: Handle, source: Handle): void;
  mulOut(out: Handle, self: Handle, other: Handle | number | boolean): void;
  foreachAdd_(selves: readonly Handle[], others: readonly Handle[] | number, alpha?: number): void;
  foreachMul_(selves: readonly Handle[], others: readonly Handle[] | number): void;
  foreachDiv_(selves: readonly Handle[], others: readonly Handle[] | number): void;
  foreachAddcmul_(selves: readonly Handle[], tensors1: readonly Handle[], tensors2: readonly Handle[], value: number): void;
  foreachAddcdiv_(selves: readonly Handle[], tensors1: readonly Handle[], tensors2: readonly Handle[], value: number): void;
  foreachZero_(selves: readonly Handle[]): void;
  foreachSqrt(tensors: readonly Handle[]): Handle[];
  foreachSqrt_(selves: readonly Handle[]): void;
  foreachAdd(tensors: readonly Handle[], others: readonly Handle[] | number, alpha?: number): Handle[];
  foreachCopy_(selves: readonly Handle[], sources: readonly Handle[]): void;
  foreachWelford_(means: readonly Handle[], m2s: readonly Handle[], samples: readonly Handle[], count: number): void;
  // autograd
  requiresGrad_(tensor: Handle, requiresGrad: boolean): void;
  requiresGrad(tensor: Handle): boolean;
  isLeaf(tensor: Handle): boolean;
  detach: Unary;
  backward(tensor: Handle, gradient: Opt<Handle>, retainGraph: boolean, createGraph: boolean): void;
  grad(tensor: Handle): Handle | null;
  clearGrad(tensor: Handle): void;
  autogradGrad(outputs: readonly Handle[], inputs: readonly Handle[], gradOutputs: Opt<readonly Handle[]>, retainGraph: boolean, createGraph: boolean, allowUnused: boolean): (Handle | null)[];
}

function addonPath(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // build/src/tensor → repository root is three levels up.
  const addon = path.resolve(here, '..', '..', '..', 'native', 'build', 'Release', 'infoplane_native.node');
  if (!existsSync(addon)) {
    throw new Error(`The native addon is not built (${addon} is missing). Possible solutions:\n- run \`bash scripts/setup.sh\`\n- run \`npm run build:native\``);
  }
  return addon;
}

/** The OpenBLAS kernel family this CPU supports, from its /proc/cpuinfo flags. */
export function openblasCoreType(cpuinfo: string): string | undefined {
  const flags = new Set(/^flags\s*:(.*)$/m.exec(cpuinfo)?.[1]?.trim().split(/\s+/) ?? []);
  if (['avx512f', 'avx512bw', 'avx512vl', 'avx512dq', 'avx512cd'].every((flag) => flags.has(flag))) return 'SkylakeX';
  if (['avx2', 'fma'].every((flag) => flags.has(flag))) return 'Haswell';
  return undefined;
}

function readCpuinfo(): string {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return '';
  }
}

process.env['OMP_WAIT_POLICY'] ??= 'PASSIVE';
if (process.env['OPENBLAS_CORETYPE'] === undefined) {
  const coreType = openblasCoreType(readCpuinfo());
  if (coreType !== undefined) process.env['OPENBLAS_CORETYPE'] = coreType;
}

/** The raw op table. Prefer the typed `Tensor` API; this is for the tensor layer itself. */
export const native: NativeOps = createRequire(import.meta.url)(addonPath()) as NativeOps;

/** Threads for libtorch: $INFOPLANE_THREADS when set (a sweep's caller decides), else every core. */
function defaultThreads(): number {
  const requested = process.env['INFOPLANE_THREADS'];
  if (requested === undefined || requested === '') return availableParallelism();
  const threads = Number(requested);
  if (!Number.isSafeInteger(threads) || threads < 1) {
    throw new Error(`INFOPLANE_THREADS must be a positive integer but is "${requested}"`);
  }
  return threads;
}

native.setNumThreads(defaultThreads());
