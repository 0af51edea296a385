/** Making tensors: from JS data (copied), filled, ranges, and seeded random draws. */
import { native } from './native.js';
import { type DType, checkDtype, dtypeOfTypedArray } from './dtype.js';
import { type Generator, generatorHandleOf } from './generator.js';
import { Tensor, handleOf } from './tensor.js';
import { checkInteger, checkNumber, checkShape, invalid } from './validate.js';

/** Where a new tensor lives and what it holds. */
export interface TensorOptions {
  dtype?: DType;
  /** 'cpu' (default), 'cuda', 'cuda:1' … */
  device?: string;
}

export interface RandomOptions extends TensorOptions {
  /** The generator to draw from; libtorch's global one (see `manualSeed`) when omitted. */
  generator?: Generator;
}

type NestedNumbers = number | boolean | readonly NestedNumbers[];

function flattenNested(data: readonly NestedNumbers[]): { values: number[]; shape: number[]; bool: boolean } {
  const shape: number[] = [];
  for (let level: NestedNumbers = data; Array.isArray(level); level = (level as readonly NestedNumbers[])[0] as NestedNumbers) {
    shape.push(level.length);
    if (level.length === 0) break;
  }
  const values: number[] = [];
  let bool = false;
  const walk = (item: NestedNumbers, depth: number): void => {
    if (depth === shape.length) {
      if (typeof item === 'boolean') {
        bool = true;
        values.push(item ? 1 : 0);
      } else if (typeof item === 'number') {
        values.push(item);
      } else {
        invalid('a rectangular nested array of numbers', 'data', data);
      }
      return;
    }
    if (!Array.isArray(item) || item.length !== shape[depth]) invalid('a rectangular nested array of numbers', 'data', data);
    for (const child of item as readonly NestedNumbers[]) walk(child, depth + 1);
  };
  walk(data, 0);
  return { values, shape, bool };
}

function device(options: TensorOptions): string | undefined {
  if (options.device === undefined) return undefined;
  if (typeof options.device !== 'string') invalid('a device name', 'device', options.device);
  return options.device;
}

function dtype(options: TensorOptions): DType | undefined {
  return options.dtype === undefined ? undefined : checkDtype(options.dtype);
}

/**
 * A tensor holding a copy of `data`: a typed array with a shape (default: 1-D), a nested array of numbers
 * (shape inferred; float32 unless a dtype is given; booleans make a bool tensor), or a single number.
 *
 * @example
 * tensor([[1, 2], [3, 4]]);                          // float32 [2, 2]
 * tensor(new Float64Array(6), [2, 3]);               // float64 [2, 3]
 * tensor([0, 2, 1], undefined, { dtype: 'int64' });  // labels
 */
export function tensor(data: ArrayBufferView | NestedNumbers, shape?: readonly number[], options: TensorOptions = {}): Tensor {
  let made: Tensor;
  if (ArrayBuffer.isView(data)) {
    if (dtypeOfTypedArray(data) === undefined) invalid('a Float32/Float64/Int32/BigInt64/Int16/Int8/Uint8 array', 'data', data);
    const length = (data as unknown as { length: number }).length;
    made = new Tensor(native.fromTypedArray(data, checkShape(shape ?? [length]), dtype(options)));
  } else if (typeof data === 'number' || typeof data === 'boolean') {
    const value = typeof data === 'boolean' ? Number(data) : data;
    made = new Tensor(native.fromTypedArray(new Float64Array([value]), checkShape(shape ?? []),
      dtype(options) ?? (typeof data === 'boolean' ? 'bool' : 'float32')));
  } else if (Array.isArray(data)) {
    const flat = flattenNested(data);
    const target = dtype(options) ?? (flat.bool ? 'bool' : 'float32');
    made = new Tensor(native.fromTypedArray(new Float64Array(flat.values), checkShape(shape ?? flat.shape), target));
  } else {
    invalid('a typed array, a nested array of numbers or a number', 'data', data);
  }
  const where = device(options);
  if (where === undefined || where === 'cpu') return made;
  const moved = made.to(where);
  made.dispose();
  return moved;
}

/** A scalar (0-dim) tensor. */
export function scalar(value: number | boolean, options: TensorOptions = {}): Tensor {
  return tensor(value, [], options);
}

/** Uninitialised memory: fill it before reading. */
export function empty(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return new Tensor(native.empty(checkShape(shape), dtype(options), device(options)));
}
export function zeros(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return new Tensor(native.zeros(checkShape(shape), dtype(options), device(options)));
}
export function ones(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return new Tensor(native.ones(checkShape(shape), dtype(options), device(options)));
}
export function full(shape: readonly number[], value: number | boolean, options: TensorOptions = {}): Tensor {
  if (typeof value !== 'boolean') checkNumber(value, 'value');
  return new Tensor(native.full(checkShape(shape), value, dtype(options), device(options)));
}
export function zerosLike(like: Tensor): Tensor { return new Tensor(native.zerosLike(handleOf(like, 'like'))); }
export function onesLike(like: Tensor): Tensor { return new Tensor(native.onesLike(handleOf(like, 'like'))); }
export function fullLike(like: Tensor, value: number | boolean): Tensor {
  if (typeof value !== 'boolean') checkNumber(value, 'value');
  return new Tensor(native.fullLike(handleOf(like, 'like'), value));
}

/**
 * Values start, start + step, … below end. With one argument, 0 … end − 1. int64 when every argument is
 * an integer, else float32 (as in PyTorch).
 *
 * @example arange(5) // int64 [0, 1, 2, 3, 4]
 */
export function arange(start: number, end?: number, step = 1, options: TensorOptions = {}): Tensor {
  const [from, to] = end === undefined ? [0, start] : [start, end];
  checkNumber(from, 'start');
  checkNumber(to, 'end');
  checkNumber(step, 'step');
  const integral = [from, to, step].every(Number.isInteger);
  return new Tensor(native.arange(from, to, step, dtype(options) ?? (integral ? 'int64' : 'float32'), device(options)));
}
/** `steps` evenly spaced values from start to end inclusive. */
export function linspace(start: number, end: number, steps: number, options: TensorOptions = {}): Tensor {
  return new Tensor(native.linspace(checkNumber(start, 'start'), checkNumber(end, 'end'), checkInteger(steps, 'steps'), dtype(options), device(options)));
}
/** The n×n identity. */
export function eye(n: number, options: TensorOptions = {}): Tensor {
  return new Tensor(native.eye(checkInteger(n, 'n'), dtype(options), device(options)));
}

/** U[0, 1) draws. */
export function rand(shape: readonly number[], options: RandomOptions = {}): Tensor {
  return new Tensor(native.rand(checkShape(shape), generatorHandleOf(options.generator), dtype(options), device(options)));
}
/** Standard normal draws. */
export function randn(shape: readonly number[], options: RandomOptions = {}): Tensor {
  return new Tensor(native.randn(checkShape(shape), generatorHandleOf(options.generator), dtype(options), device(options)));
}
/** Integers uniform in [low, high); int64 unless a dtype is given. */
export function randint(low: number, high: number, shape: readonly number[], options: RandomOptions = {}): Tensor {
  return new Tensor(native.randint(checkInteger(low, 'low'), checkInteger(high, 'high'), checkShape(shape),
    generatorHandleOf(options.generator), dtype(options), device(options)));
}
/** A random permutation of 0 … n − 1 (int64). */
export function randperm(n: number, options: RandomOptions = {}): Tensor {
  return new Tensor(native.randperm(checkInteger(n, 'n'), generatorHandleOf(options.generator), dtype(options), device(options)));
}
