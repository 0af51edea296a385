/**
 * The `Tensor` class: a typed handle on a libtorch tensor.
 *
 * Every op returns a new tensor (in-place ops, named with a trailing `_`, return `this`). Arguments are
 * checked here before native code runs; shape and dtype errors come back from libtorch as an Error naming
 * the op and its argument shapes. Memory is freed by `dispose()`, by `tidy` scopes, or by V8 as a last
 * resort. Data crosses to JS only through `toArray`/`item`/`toNumbers`, always as a copy.
 */
import { native, type Handle } from './native.js';
import { type AnyTypedArray, type DType, type TypedArrayOf, checkDtype } from './dtype.js';
import { type Generator, generatorHandleOf } from './generator.js';
import { SCOPED, track } from './scope.js';
import {
  checkBoolean, checkDims, checkInteger, checkIntegerList, checkNumber, checkShape, invalid,
} from './validate.js';

/** A tensor or a plain number where an op takes either. */
export type TensorLike = Tensor | number | boolean;

/** The handle of a tensor argument, or a TypeError naming the argument. */
export function handleOf(value: unknown, name: string): Handle {
  if (!(value instanceof Tensor)) invalid('a Tensor', name, value);
  return value.handle;
}

/** The handle of a tensor, or the number itself, for ops that take either. */
export function operandOf(value: unknown, name: string): Handle | number | boolean {
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  return handleOf(value, name);
}

function optionalNumber(value: unknown, name: string): number | undefined {
  return value === undefined || value === null ? undefined : checkNumber(value, name);
}

export class Tensor {
  readonly [SCOPED] = true as const;
  /** The native handle; for the tensor layer only. */
  readonly handle: Handle;
  #shape: readonly number[] | undefined;
  #dtype: DType | undefined;

  /** Wraps a native handle (one per tensor; joins the open tidy scope). */
  constructor(handle: Handle) {
    this.handle = handle;
    track(this);
  }

  // ── metadata ────────────────────────────────────────────────────────────────────────────────────
  /** Sizes of each dim, e.g. [batch, features]. */
  get shape(): readonly number[] {
    return (this.#shape ??= Object.freeze(native.shape(this.handle)));
  }
  get dtype(): DType {
    return (this.#dtype ??= native.dtype(this.handle) as DType);
  }
  /** 'cpu', 'cuda:0', … */
  get device(): string {
    return native.device(this.handle);
  }
  get ndim(): number {
    return this.shape.length;
  }
  get numel(): number {
    return this.shape.reduce((product, size) => product * size, 1);
  }
  /** Size of one dim; negative dims count from the end. */
  size(dim: number): number {
    checkInteger(dim, 'dim');
    const size = this.shape[dim < 0 ? dim + this.ndim : dim];
    if (size === undefined) throw new RangeError(`size(${dim}): dim out of range for a tensor of shape [${this.shape.join(', ')}]`);
    return size;
  }
  get isContiguous(): boolean {
    return native.isContiguous(this.handle);
  }
  get isDisposed(): boolean {
    return native.isDisposed(this.handle);
  }

  /** Frees the native tensor now. Idempotent; later use throws "Tensor has been disposed". */
  dispose(): void {
    native.dispose(this.handle);
  }
  [Symbol.dispose](): void {
    this.dispose();
  }

  // ── data out (copies) ───────────────────────────────────────────────────────────────────────────
  /** A copy of the values in row-major order, as the typed array of this dtype. */
  toArray(): AnyTypedArray {
    return native.toTypedArray(this.handle) as AnyTypedArray;
  }
  /** A copy of the values as typed `TypedArrayOf[D]` — use when the dtype is known statically. */
  data<D extends DType>(dtype: D): TypedArrayOf[D] {
    if (this.dtype !== dtype) throw new TypeError(`data('${dtype}') called on a ${this.dtype} tensor; convert with .to('${dtype}') first`);
    return this.toArray() as TypedArrayOf[D];
  }
  /** A copy of the values as plain numbers (int64 converted). */
  toNumbers(): number[] {
    return Array.from(this.toArray() as ArrayLike<number | bigint>, Number);
  }
  /** The single value of a one-element tensor. */
  item(): number {
    return native.item(this.handle);
  }
  toString(): string {
    return `Tensor(${this.dtype}[${this.shape.join(', ')}]${this.device === 'cpu' ? '' : `@${this.device}`})`;
  }

  // ── elementwise ─────────────────────────────────────────────────────────────────────────────────
  neg(): Tensor { return new Tensor(native.neg(this.handle)); }
  abs(): Tensor { return new Tensor(native.abs(this.handle)); }
  exp(): Tensor { return new Tensor(native.exp(this.handle)); }
  expm1(): Tensor { return new Tensor(native.expm1(this.handle)); }
  log(): Tensor { return new Tensor(native.log(this.handle)); }
  log2(): Tensor { return new Tensor(native.log2(this.handle)); }
  log1p(): Tensor { return new Tensor(native.log1p(this.handle)); }
  sqrt(): Tensor { return new Tensor(native.sqrt(this.handle)); }
  rsqrt(): Tensor { return new Tensor(native.rsqrt(this.handle)); }
  square(): Tensor { return new Tensor(native.square(this.handle)); }
  reciprocal(): Tensor { return new Tensor(native.reciprocal(this.handle)); }
  sign(): Tensor { return new Tensor(native.sign(this.handle)); }
  floor(): Tensor { return new Tensor(native.floor(this.handle)); }
  ceil(): Tensor { return new Tensor(native.ceil(this.handle)); }
  round(): Tensor { return new Tensor(native.round(this.handle)); }
  sin(): Tensor { return new Tensor(native.sin(this.handle)); }
  cos(): Tensor { return new Tensor(native.cos(this.handle)); }
  erf(): Tensor { return new Tensor(native.erf(this.handle)); }
  tanh(): Tensor { return new Tensor(native.tanh(this.handle)); }
  sigmoid(): Tensor { return new Tensor(native.sigmoid(this.handle)); }
  relu(): Tensor { return new Tensor(native.relu(this.handle)); }
  gelu(): Tensor { return new Tensor(native.gelu(this.handle)); }
  softplus(): Tensor { return new Tensor(native.softplus(this.handle)); }
  leakyRelu(negativeSlope = 0.01): Tensor {
    return new Tensor(native.leakyRelu(this.handle, checkNumber(negativeSlope, 'negativeSlope')));
  }
  logicalNot(): Tensor { return new Tensor(native.logicalNot(this.handle)); }
  isnan(): Tensor { return new Tensor(native.isnan(this.handle)); }
  isinf(): Tensor { return new Tensor(native.isinf(this.handle)); }
  isfinite(): Tensor { return new Tensor(native.isfinite(this.handle)); }

  /** this + alpha·other, broadcasting. */
  add(other: TensorLike, alpha = 1): Tensor {
    return new Tensor(native.add(this.handle, operandOf(other, 'other'), checkNumber(alpha, 'alpha')));
  }
  /** this − alpha·other, broadcasting. */
  sub(other: TensorLike, alpha = 1): Tensor {
    return new Tensor(native.sub(this.handle, operandOf(other, 'other'), checkNumber(alpha, 'alpha')));
  }
  mul(other: TensorLike): Tensor { return new Tensor(native.mul(this.handle, operandOf(other, 'other'))); }
  div(other: TensorLike): Tensor { return new Tensor(native.div(this.handle, operandOf(other, 'other'))); }
  pow(exponent: TensorLike): Tensor { return new Tensor(native.pow(this.handle, operandOf(exponent, 'exponent'))); }
  remainder(other: TensorLike): Tensor { return new Tensor(native.remainder(this.handle, operandOf(other, 'other'))); }
  maximum(other: TensorLike): Tensor { return new Tensor(native.maximum(this.handle, operandOf(other, 'other'))); }
  minimum(other: TensorLike): Tensor { return new Tensor(native.minimum(this.handle, operandOf(other, 'other'))); }
  atan2(other: TensorLike): Tensor { return new Tensor(native.atan2(this.handle, operandOf(other, 'other'))); }
  eq(other: TensorLike): Tensor { return new Tensor(native.eq(this.handle, operandOf(other, 'other'))); }
  ne(other: TensorLike): Tensor { return new Tensor(native.ne(this.handle, operandOf(other, 'other'))); }
  lt(other: TensorLike): Tensor { return new Tensor(native.lt(this.handle, operandOf(other, 'other'))); }
  le(other: TensorLike): Tensor { return new Tensor(native.le(this.handle, operandOf(other, 'other'))); }
  gt(other: TensorLike): Tensor { return new Tensor(native.gt(this.handle, operandOf(other, 'other'))); }
  ge(other: TensorLike): Tensor { return new Tensor(native.ge(this.handle, operandOf(other, 'other'))); }
  logicalAnd(other: TensorLike): Tensor { return new Tensor(native.logicalAnd(this.handle, operandOf(other, 'other'))); }
  logicalOr(other: TensorLike): Tensor { return new Tensor(native.logicalOr(this.handle, operandOf(other, 'other'))); }
  logicalXor(other: TensorLike): Tensor { return new Tensor(native.logicalXor(this.handle, operandOf(other, 'other'))); }
  /** Limits values to [min, max]; either bound may be omitted. */
  clamp(min?: number, max?: number): Tensor {
    return new Tensor(native.clamp(this.handle, optionalNumber(min, 'min'), optionalNumber(max, 'max')));
  }
  /** this + value·tensor1·tensor2 */
  addcmul(tensor1: Tensor, tensor2: Tensor, value = 1): Tensor {
    return new Tensor(native.addcmul(this.handle, handleOf(tensor1, 'tensor1'), handleOf(tensor2, 'tensor2'), checkNumber(value, 'value')));
  }
  /** this + value·tensor1/tensor2 */
  addcdiv(tensor1: Tensor, tensor2: Tensor, value = 1): Tensor {
    return new Tensor(native.addcdiv(this.handle, handleOf(tensor1, 'tensor1'), handleOf(tensor2, 'tensor2'), checkNumber(value, 'value')));
  }

  // ── reductions (dims: an integer, a list, or undefined for all) ─────────────────────────────────
  sum(dims?: number | readonly number[], keepdim = false, dtype?: DType): Tensor {
    return new Tensor(native.sum(this.handle, checkDims(dims), checkBoolean(keepdim, 'keepdim'), dtype && checkDtype(dtype)));
  }
  mean(dims?: number | readonly number[], keepdim = false, dtype?: DType): Tensor {
    return new Tensor(native.mean(this.handle, checkDims(dims), checkBoolean(keepdim, 'keepdim'), dtype && checkDtype(dtype)));
  }
  /** Largest value over dims (all when omitted). For the index too, use `maxDim`. */
  max(dims?: number | readonly number[], keepdim = false): Tensor {
    return new Tensor(native.amax(this.handle, checkDims(dims), checkBoolean(keepdim, 'keepdim')));
  }
  min(dims?: number | readonly number[], keepdim = false): Tensor {
    return new Tensor(native.amin(this.handle, checkDims(dims), checkBoolean(keepdim, 'keepdim')));
  }
  maxDim(dim: number, keepdim = false): { values: Tensor; indices: Tensor } {
    const [values, indices] = native.maxDim(this.handle, checkInteger(dim, 'dim'), checkBoolean(keepdim, 'keepdim'));
    return { values: new Tensor(values), indices: new Tensor(indices) };
  }
  minDim(dim: number, keepdim = false): { values: Tensor; indices: Tensor } {
    const [values, indices] = native.minDim(this.handle, checkInteger(dim, 'dim'), checkBoolean(keepdim, 'keepdim'));
    return { values: new Tensor(values), indices: new Tensor(indices) };
  }
  /** Index of the largest value along dim (of the flattened tensor when dim is omitted). */
  argmax(dim?: number, keepdim = false): Tensor {
    return new Tensor(native.argmax(this.handle, dim === undefined ? undefined : checkInteger(dim, 'dim'), checkBoolean(keepdim, 'keepdim')));
  }
  argmin(dim?: number, keepdim = false): Tensor {
    return new Tensor(native.argmin(this.handle, dim === undefined ? undefined : checkInteger(dim, 'dim'), checkBoolean(keepdim, 'keepdim')));
  }
  /** log Σ exp over dims, computed stably. */
  logsumexp(dims: number | readonly number[], keepdim = false): Tensor {
    const list = typeof dims === 'number' ? [checkInteger(dims, 'dims')] : checkIntegerList(dims, 'dims');
    return new Tensor(native.logsumexp(this.handle, list, checkBoolean(keepdim, 'keepdim')));
  }
  /** Variance over dims; unbiased (n − 1) by default. */
  var(dims?: number | readonly number[], unbiased = true, keepdim = false): Tensor {
    return new Tensor(native.var(this.handle, checkDims(dims), checkBoolean(unbiased, 'unbiased'), checkBoolean(keepdim, 'keepdim')));
  }
  std(dims?: number | readonly number[], unbiased = true, keepdim = false): Tensor {
    return new Tensor(native.stdDev(this.handle, checkDims(dims), checkBoolean(unbiased, 'unbiased'), checkBoolean(keepdim, 'keepdim')));
  }
  /** Vector p-norm over dims (all when omitted). */
  norm(p = 2, dims?: number | readonly number[], keepdim = false): Tensor {
    return new Tensor(native.norm(this.handle, checkNumber(p, 'p'), checkDims(dims), checkBoolean(keepdim, 'keepdim')));
  }
  all(): Tensor { return new Tensor(native.all(this.handle)); }
  any(): Tensor { return new Tensor(native.any(this.handle)); }
  cumsum(dim: number): Tensor { return new Tensor(native.cumsum(this.handle, checkInteger(dim, 'dim'))); }
  softmax(dim: number): Tensor { return new Tensor(native.softmax(this.handle, checkInteger(dim, 'dim'))); }
  logSoftmax(dim: number): Tensor { return new Tensor(native.logSoftmax(this.handle, checkInteger(dim, 'dim'))); }
  /** Sorted values along dim and their original indices; `stable` keeps tied elements in their order. */
  sort(dim = -1, descending = false, stable = false): { values: Tensor; indices: Tensor } {
    const [values, indices] = native.sort(this.handle, checkInteger(dim, 'dim'), checkBoolean(descending, 'descending'), checkBoolean(stable, 'stable'));
    return { values: new Tensor(values), indices: new Tensor(indices) };
  }
  topk(k: number, dim = -1, largest = true, sorted = true): { values: Tensor; indices: Tensor } {
    const [values, indices] = native.topk(this.handle, checkInteger(k, 'k'), checkInteger(dim, 'dim'),
      checkBoolean(largest, 'largest'), checkBoolean(sorted, 'sorted'));
    return { values: new Tensor(values), indices: new Tensor(indices) };
  }
  /**
   * Sorted unique values (or unique slices along `dim`), with for each input element (slice) the index
   * of its unique value, and how often each unique value occurs.
   */
  unique(dim?: number): { values: Tensor; inverse: Tensor; counts: Tensor } {
    const [values, inverse, counts] = native.unique(this.handle, dim === undefined ? undefined : checkInteger(dim, 'dim'));
    return { values: new Tensor(values), inverse: new Tensor(inverse), counts: new Tensor(counts) };
  }
  /** Counts of each non-negative integer value (weighted when weights are given). */
  bincount(weights?: Tensor, minlength = 0): Tensor {
    return new Tensor(native.bincount(this.handle, weights === undefined ? undefined : handleOf(weights, 'weights'), checkInteger(minlength, 'minlength')));
  }
  /** Equal-width histogram with `bins` bins over [min, max]; values outside are not counted. */
  histc(bins: number, min: number, max: number): Tensor {
    return new Tensor(native.histc(this.handle, checkInteger(bins, 'bins'), checkNumber(min, 'min'), checkNumber(max, 'max')));
  }

  // ── shape and indexing ──────────────────────────────────────────────────────────────────────────
  reshape(shape: readonly number[]): Tensor { return new Tensor(native.reshape(this.handle, checkIntegerList(shape, 'shape'))); }
  view(shape: readonly number[]): Tensor { return new Tensor(native.view(this.handle, checkIntegerList(shape, 'shape'))); }
  permute(dims: readonly number[]): Tensor { return new Tensor(native.permute(this.handle, checkIntegerList(dims, 'dims'))); }
  transpose(dim0: number, dim1: number): Tensor {
    return new Tensor(native.transpose(this.handle, checkInteger(dim0, 'dim0'), checkInteger(dim1, 'dim1')));
  }
  /** Transpose of a 2-D tensor. */
  t(): Tensor { return this.transpose(0, 1); }
  /** The slice [start, start + length) along dim (a view). */
  narrow(dim: number, start: number, length: number): Tensor {
    return new Tensor(native.narrow(this.handle, checkInteger(dim, 'dim'), checkInteger(start, 'start'), checkInteger(length, 'length')));
  }
  /** The sub-tensor at `index` along dim, with that dim removed (a view). */
  select(dim: number, index: number): Tensor {
    return new Tensor(native.select(this.handle, checkInteger(dim, 'dim'), checkInteger(index, 'index')));
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return new Tensor(native.indexSelect(this.handle, checkInteger(dim, 'dim'), handleOf(index, 'index')));
  }
  gather(dim: number, index: Tensor): Tensor {
    return new Tensor(native.gather(this.handle, checkInteger(dim, 'dim'), handleOf(index, 'index')));
  }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor {
    return new Tensor(native.scatterAdd(this.handle, checkInteger(dim, 'dim'), handleOf(index, 'index'), handleOf(src, 'src')));
  }
  maskedFill(mask: Tensor, value: number | boolean): Tensor {
    return new Tensor(native.maskedFill(this.handle, handleOf(mask, 'mask'), typeof value === 'boolean' ? value : checkNumber(value, 'value')));
  }
  maskedSelect(mask: Tensor): Tensor { return new Tensor(native.maskedSelect(this.handle, handleOf(mask, 'mask'))); }
  /** The indices of the non-zero elements, int64 [count, ndim]. */
  nonzero(): Tensor { return new Tensor(native.nonzero(this.handle)); }
  split(size: number, dim = 0): Tensor[] {
    return native.split(this.handle, checkInteger(size, 'size'), checkInteger(dim, 'dim')).map((handle) => new Tensor(handle));
  }
  chunk(chunks: number, dim = 0): Tensor[] {
    return native.chunk(this.handle, checkInteger(chunks, 'chunks'), checkInteger(dim, 'dim')).map((handle) => new Tensor(handle));
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return new Tensor(native.flatten(this.handle, checkInteger(startDim, 'startDim'), checkInteger(endDim, 'endDim')));
  }
  squeeze(dim?: number): Tensor {
    return new Tensor(native.squeeze(this.handle, dim === undefined ? undefined : checkInteger(dim, 'dim')));
  }
  unsqueeze(dim: number): Tensor { return new Tensor(native.unsqueeze(this.handle, checkInteger(dim, 'dim'))); }
  expand(shape: readonly number[]): Tensor { return new Tensor(native.expand(this.handle, checkIntegerList(shape, 'shape'))); }
  repeat(repeats: readonly number[]): Tensor { return new Tensor(native.repeat(this.handle, checkShape(repeats, 'repeats'))); }
  flip(dims: readonly number[]): Tensor { return new Tensor(native.flip(this.handle, checkIntegerList(dims, 'dims'))); }
  contiguous(): Tensor { return new Tensor(native.contiguous(this.handle)); }
  clone(): Tensor { return new Tensor(native.clone(this.handle)); }
  /** Upper triangle (elements on and above the given diagonal) of the last two dims. */
  triu(diagonal = 0): Tensor { return new Tensor(native.triu(this.handle, checkInteger(diagonal, 'diagonal'))); }
  /** The main diagonal of a 2-D tensor. */
  diagonal(): Tensor { return new Tensor(native.diagonal(this.handle)); }
  /** Converts to a dtype ('float64', …) or moves to a device ('cpu', 'cuda', 'cuda:1'). */
  to(target: DType | string): Tensor {
    if (typeof target !== 'string') invalid('a dtype or device name', 'target', target);
    if (/^(cpu|cuda|mps)(:\d+)?$/.test(target)) return new Tensor(native.toDevice(this.handle, target));
    return new Tensor(native.toDtype(this.handle, checkDtype(target, 'target')));
  }

  // ── linear algebra ──────────────────────────────────────────────────────────────────────────────
  matmul(other: Tensor): Tensor { return new Tensor(native.matmul(this.handle, handleOf(other, 'other'))); }
  mm(other: Tensor): Tensor { return new Tensor(native.mm(this.handle, handleOf(other, 'other'))); }
  bmm(other: Tensor): Tensor { return new Tensor(native.bmm(this.handle, handleOf(other, 'other'))); }
  /** this ← beta·this + alpha·mat1·mat2, in place (one BLAS call into an existing buffer). */
  addmm_(mat1: Tensor, mat2: Tensor, beta = 1, alpha = 1): this {
    native.addmm_(this.handle, handleOf(mat1, 'mat1'), handleOf(mat2, 'mat2'), checkNumber(beta, 'beta'), checkNumber(alpha, 'alpha'));
    return this;
  }
  /** Eigenvalues of a symmetric matrix (or a batch of them), ascending. */
  eigvalsh(): Tensor { return new Tensor(native.eigvalsh(this.handle)); }

  // ── in place (return this) ──────────────────────────────────────────────────────────────────────
  /** this += alpha·other */
  add_(other: TensorLike, alpha = 1): this { native.add_(this.handle, operandOf(other, 'other'), checkNumber(alpha, 'alpha')); return this; }
  /** this −= alpha·other */
  sub_(other: TensorLike, alpha = 1): this { native.sub_(this.handle, operandOf(other, 'other'), checkNumber(alpha, 'alpha')); return this; }
  mul_(other: TensorLike): this { native.mul_(this.handle, operandOf(other, 'other')); return this; }
  div_(other: TensorLike): this { native.div_(this.handle, operandOf(other, 'other')); return this; }
  exp_(): this { native.exp_(this.handle); return this; }
  sqrt_(): this { native.sqrt_(this.handle); return this; }
  pow_(exponent: number): this { native.pow_(this.handle, checkNumber(exponent, 'exponent')); return this; }
  clamp_(min?: number, max?: number): this {
    native.clamp_(this.handle, optionalNumber(min, 'min'), optionalNumber(max, 'max'));
    return this;
  }
  /** this += value·tensor1·tensor2 */
  addcmul_(tensor1: Tensor, tensor2: Tensor, value = 1): this {
    native.addcmul_(this.handle, handleOf(tensor1, 'tensor1'), handleOf(tensor2, 'tensor2'), checkNumber(value, 'value'));
    return this;
  }
  /** this += value·tensor1/tensor2 */
  addcdiv_(tensor1: Tensor, tensor2: Tensor, value = 1): this {
    native.addcdiv_(this.handle, handleOf(tensor1, 'tensor1'), handleOf(tensor2, 'tensor2'), checkNumber(value, 'value'));
    return this;
  }
  zero_(): this { native.zero_(this.handle); return this; }
  fill_(value: number | boolean): this {
    native.fill_(this.handle, typeof value === 'boolean' ? value : checkNumber(value, 'value'));
    return this;
  }
  copy_(source: Tensor): this { native.copy_(this.handle, handleOf(source, 'source')); return this; }
  /** this ← a·b in one pass (ATen mul_out): a product into an existing buffer, with no temporary. */
  mulFrom_(a: Tensor, b: TensorLike): this { native.mulOut(this.handle, handleOf(a, 'a'), operandOf(b, 'b')); return this; }
  /** Fills with U(from, to) draws from the generator (the global one when omitted). */
  uniform_(from = 0, to = 1, generator?: Generator): this {
    native.uniform_(this.handle, checkNumber(from, 'from'), checkNumber(to, 'to'), generatorHandleOf(generator));
    return this;
  }
  normal_(mean = 0, std = 1, generator?: Generator): this {
    native.normal_(this.handle, checkNumber(mean, 'mean'), checkNumber(std, 'std'), generatorHandleOf(generator));
    return this;
  }
  /** Fills with Bernoulli(p) draws (1 with probability p). */
  bernoulli_(p: number, generator?: Generator): this {
    native.bernoulli_(this.handle, checkNumber(p, 'p'), generatorHandleOf(generator));
    return this;
  }

  // ── autograd ────────────────────────────────────────────────────────────────────────────────────
  get requiresGrad(): boolean { return native.requiresGrad(this.handle); }
  /** Marks a leaf tensor as a parameter whose gradient `backward` accumulates. */
  requiresGrad_(requiresGrad = true): this { native.requiresGrad_(this.handle, checkBoolean(requiresGrad, 'requiresGrad')); return this; }
  get isLeaf(): boolean { return native.isLeaf(this.handle); }
  /**
   * The gradient accumulated by `backward`, or null. Each read returns a new handle sharing the
   * gradient's memory (dispose it or read it inside `tidy`).
   */
  get grad(): Tensor | null {
    const handle = native.grad(this.handle);
    return handle === null ? null : new Tensor(handle);
  }
  /** Drops the accumulated gradient (PyTorch's `zero_grad(set_to_none=True)`). */
  clearGrad(): this { native.clearGrad(this.handle); return this; }
  /** A tensor sharing this one's values, cut from the autograd graph. */
  detach(): Tensor { return new Tensor(native.detach(this.handle)); }
  /** Accumulates d(this)/d(leaf) into every leaf's `.grad`; `gradient` is required for non-scalars. */
  backward(gradient?: Tensor, options: { retainGraph?: boolean; createGraph?: boolean } = {}): void {
    const createGraph = options.createGraph ?? false;
    native.backward(this.handle, gradient === undefined ? undefined : handleOf(gradient, 'gradient'),
      checkBoolean(options.retainGraph ?? createGraph, 'retainGraph'), checkBoolean(createGraph, 'createGraph'));
  }
}
