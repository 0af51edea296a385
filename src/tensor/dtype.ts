/** Tensor element types, named as in PyTorch, and their typed-array counterparts. */
import { checkOneOf } from './validate.js';

export const DTYPES = ['float32', 'float64', 'float16', 'bfloat16', 'int8', 'int16', 'int32', 'int64', 'uint8', 'bool'] as const;
export type DType = (typeof DTYPES)[number];

/**
 * The typed array `toArray()` returns for each dtype: values are copied out, never shared.
 * bool and uint8 come back as Uint8Array, int64 as BigInt64Array, float16/bfloat16 widened to Float32Array.
 */
export interface TypedArrayOf {
  float32: Float32Array;
  float64: Float64Array;
  float16: Float32Array;
  bfloat16: Float32Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  int64: BigInt64Array;
  uint8: Uint8Array;
  bool: Uint8Array;
}
export type AnyTypedArray = TypedArrayOf[DType];

export function checkDtype(value: unknown, name = 'dtype'): DType {
  return checkOneOf(value, DTYPES, name);
}

export function isFloatingDtype(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64' || dtype === 'float16' || dtype === 'bfloat16';
}

/** The dtype a typed array holds as-is, or undefined for arrays the engine does not take directly. */
export function dtypeOfTypedArray(data: ArrayBufferView): DType | undefined {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Uint8Array || data instanceof Uint8ClampedArray) return 'uint8';
  if (data instanceof Int16Array) return 'int16';
  if (data instanceof Int8Array) return 'int8';
  return undefined;
}
