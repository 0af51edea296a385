/** Free functions over tensors: joining, selection, neural-network ops and losses. */
import { native, type Handle } from './native.js';
import { type Generator } from './generator.js';
import { Tensor, type TensorLike, handleOf, operandOf } from './tensor.js';
import { zerosLike } from './creation.js';
import {
  checkBoolean, checkInteger, checkIntegerList, checkNumber, checkOneOf, checkPair, invalid,
} from './validate.js';

export type Reduction = 'none' | 'mean' | 'sum';
const REDUCTIONS: readonly Reduction[] = ['none', 'mean', 'sum'];

/** The handles of a non-empty list of tensors. */
export function handlesOf(tensors: readonly Tensor[], name: string): Handle[] {
  if (!Array.isArray(tensors) || tensors.length === 0) invalid('a non-empty array of Tensors', name, tensors);
  return tensors.map((item, index) => handleOf(item, `${name}[${index}]`));
}

/** Joins tensors along an existing dim. */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  return new Tensor(native.cat(handlesOf(tensors, 'tensors'), checkInteger(dim, 'dim')));
}
/** Joins equal-shaped tensors along a new dim. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  return new Tensor(native.stack(handlesOf(tensors, 'tensors'), checkInteger(dim, 'dim')));
}
/** Elementwise choice: input where condition is true, other elsewhere (broadcasting). */
export function where(condition: Tensor, input: TensorLike, other: TensorLike): Tensor {
  return new Tensor(native.where(handleOf(condition, 'condition'), operandOf(input, 'input'), operandOf(other, 'other')));
}

/**
 * Pads the last dims with a constant: pads = [left, right] for the last dim, then [top, bottom] for the
 * one before, and so on (PyTorch's order).
 *
 * @example pad(images, [0, 1, 0, 1], -Infinity) // one column right, one row below
 */
export function pad(input: Tensor, pads: readonly number[], value = 0): Tensor {
  return new Tensor(native.constantPadNd(handleOf(input, 'input'), checkIntegerList(pads, 'pads'), checkNumber(value, 'value')));
}

/** x·weightᵀ + bias, with weight of shape [out, in] (PyTorch's layout). */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor): Tensor {
  return new Tensor(native.linear(handleOf(input, 'input'), handleOf(weight, 'weight'), bias && handleOf(bias, 'bias')));
}
/** bias + mat1·mat2 in one BLAS call. */
export function addmm(bias: Tensor, mat1: Tensor, mat2: Tensor): Tensor {
  return new Tensor(native.addmm(handleOf(bias, 'bias'), handleOf(mat1, 'mat1'), handleOf(mat2, 'mat2')));
}

export interface Conv2dOptions {
  stride?: number | [number, number];
  /** Pixels added on each side, or 'valid' (none) / 'same' (output size = input size, stride 1). */
  padding?: number | [number, number] | 'valid' | 'same';
  dilation?: number | [number, number];
  groups?: number;
}

/** 2-D convolution of an NCHW input with weight [out, in/groups, kh, kw]. */
export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor, options: Conv2dOptions = {}): Tensor {
  const padding = options.padding ?? 0;
  const nativePadding = padding === 'same' || padding === 'valid' ? padding : checkPair(padding, 'padding');
  return new Tensor(native.conv2d(handleOf(input, 'input'), handleOf(weight, 'weight'), bias && handleOf(bias, 'bias'),
    checkPair(options.stride ?? 1, 'stride'), nativePadding, checkPair(options.dilation ?? 1, 'dilation'),
    checkInteger(options.groups ?? 1, 'groups')));
}

export interface Pool2dOptions {
  /** Defaults to the kernel size (non-overlapping windows, as in Keras). */
  stride?: number | [number, number];
  padding?: number | [number, number];
  dilation?: number | [number, number];
  ceilMode?: boolean;
}

/** Max over kernelSize windows of an NCHW input. */
export function maxPool2d(input: Tensor, kernelSize: number | [number, number], options: Pool2dOptions = {}): Tensor {
  const kernel = checkPair(kernelSize, 'kernelSize');
  return new Tensor(native.maxPool2d(handleOf(input, 'input'), kernel, checkPair(options.stride ?? kernel, 'stride'),
    checkPair(options.padding ?? 0, 'padding'), checkPair(options.dilation ?? 1, 'dilation'), checkBoolean(options.ceilMode ?? false, 'ceilMode')));
}
/** Mean over kernelSize windows of an NCHW input. */
export function avgPool2d(input: Tensor, kernelSize: number | [number, number], options: Omit<Pool2dOptions, 'dilation' | 'ceilMode'> = {}): Tensor {
  const kernel = checkPair(kernelSize, 'kernelSize');
  return new Tensor(native.avgPool2d(handleOf(input, 'input'), kernel, checkPair(options.stride ?? kernel, 'stride'),
    checkPair(options.padding ?? 0, 'padding')));
}

/**
 * Inverted dropout: in training, zeroes each element with probability p and scales the rest by
 * 1/(1 − p); otherwise returns the input unchanged (same tensor).
 */
export function dropout(input: Tensor, p: number, options: { training?: boolean; generator?: Generator } = {}): Tensor {
  checkNumber(p, 'p');
  if (p < 0 || p >= 1) invalid('a probability in [0, 1)', 'p', p);
  if (!(options.training ?? true) || p === 0) return input;
  const mask = zerosLike(input).bernoulli_(1 - p, options.generator);
  const dropped = input.mul(mask).div(1 - p);
  mask.dispose();
  return dropped;
}

/** The four sums of expGroupSums, each float64 [scales, rows or columns]. */
export interface ExpGroupSums {
  rowTotal: Tensor;
  rowOwn: Tensor;
  columnTotal: Tensor;
  columnOwn: Tensor;
}

/**
 * For x [m, n] and each scale s (in order): v = exp(max(s·x, floor)) elementwise — or, where `steps[k]`
 * is m > 0, the 2^m-th root of the previous scale's v — summed over each row and each column, in total
 * and over the entries whose row and column groups are equal (`rowGroups`, `columnGroups`: int64, sorted
 * ascending). One fused pass over x (native/src/fused_exp_sums.cc) where the op-by-op version makes an exp,
 * the roots and four reductions per scale; float64 sums.
 *
 * @example expGroupSums(exponents, [1, 0.25], [0, 2], -87, rowGroups, columnGroups).rowTotal // float64 [2, m]
 */
export function expGroupSums(x: Tensor, scales: readonly number[], steps: readonly number[], floor: number, rowGroups: Tensor, columnGroups: Tensor): ExpGroupSums {
  if (scales.length === 0 || scales.length !== steps.length) invalid('one step per scale, at least one scale', 'steps', steps);
  for (const scale of scales) checkNumber(scale, 'scales[]');
  checkIntegerList(steps, 'steps');
  const scaleTensor = new Tensor(native.fromTypedArray(Float64Array.from(scales), [scales.length], 'float64'));
  const stepTensor = new Tensor(native.fromTypedArray(BigInt64Array.from(steps.map(BigInt)), [steps.length], 'int64'));
  try {
    const [rowTotal, rowOwn, columnTotal, columnOwn] = native.expGroupSums(handleOf(x, 'x'), scaleTensor.handle, stepTensor.handle, checkNumber(floor, 'floor'), handleOf(rowGroups, 'rowGroups'), handleOf(columnGroups, 'columnGroups'))
      .map((handle) => new Tensor(handle));
    return { rowTotal: rowTotal!, rowOwn: rowOwn!, columnTotal: columnTotal!, columnOwn: columnOwn! };
  } finally {
    scaleTensor.dispose();
    stepTensor.dispose();
  }
}

/** One-hot rows (int64) for int64 class indices; numClasses = −1 infers it from the largest index. */
export function oneHot(labels: Tensor, numClasses = -1): Tensor {
  return new Tensor(native.oneHot(handleOf(labels, 'labels'), checkInteger(numClasses, 'numClasses')));
}

export interface LossOptions {
  reduction?: Reduction;
  /** Per-class weights. */
  weight?: Tensor;
}

function reductionOf(options: { reduction?: Reduction }): Reduction {
  return checkOneOf(options.reduction ?? 'mean', REDUCTIONS, 'reduction');
}

/**
 * Cross-entropy of logits [N, C] (or [N, C, …]) against int64 class indices [N] or class probabilities
 * [N, C]; log-softmax and NLL fused, numerically stable.
 */
export function crossEntropy(logits: Tensor, target: Tensor, options: LossOptions & { ignoreIndex?: number; labelSmoothing?: number } = {}): Tensor {
  return new Tensor(native.crossEntropy(handleOf(logits, 'logits'), handleOf(target, 'target'), options.weight && handleOf(options.weight, 'weight'),
    reductionOf(options), checkInteger(options.ignoreIndex ?? -100, 'ignoreIndex'), checkNumber(options.labelSmoothing ?? 0, 'labelSmoothing')));
}
/** Negative log-likelihood of log-probabilities [N, C] at int64 class indices [N]. */
export function nllLoss(logProbabilities: Tensor, target: Tensor, options: LossOptions & { ignoreIndex?: number } = {}): Tensor {
  return new Tensor(native.nllLoss(handleOf(logProbabilities, 'logProbabilities'), handleOf(target, 'target'),
    options.weight && handleOf(options.weight, 'weight'), reductionOf(options), checkInteger(options.ignoreIndex ?? -100, 'ignoreIndex')));
}
/** Mean squared error. */
export function mseLoss(input: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  return new Tensor(native.mseLoss(handleOf(input, 'input'), handleOf(target, 'target'), reductionOf(options)));
}
/** Binary cross-entropy of probabilities in [0, 1]. */
export function binaryCrossEntropy(probabilities: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  return new Tensor(native.binaryCrossEntropy(handleOf(probabilities, 'probabilities'), handleOf(target, 'target'),
    options.weight && handleOf(options.weight, 'weight'), reductionOf(options)));
}
/** Binary cross-entropy of logits (sigmoid fused, numerically stable). */
export function binaryCrossEntropyWithLogits(logits: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  return new Tensor(native.binaryCrossEntropyWithLogits(handleOf(logits, 'logits'), handleOf(target, 'target'),
    options.weight && handleOf(options.weight, 'weight'), reductionOf(options)));
}
