/**
 * IDX, the MNIST file format (LeCun et al., "THE IDX FILE FORMAT" on the MNIST page): two zero bytes, a
 * type byte, a dimension count, one big-endian uint32 per dimension, then the values big-endian.
 * Gzipped files are read transparently.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { type Tensor, tensor } from '../tensor/index.js';
import type { DType } from '../tensor/index.js';

export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

interface IdxType {
  dtype: DType;
  bytes: number;
  make: (length: number) => IdxData;
  read: (view: DataView, offset: number) => number;
}

const TYPES: Record<number, IdxType> = {
  0x08: { dtype: 'uint8', bytes: 1, make: (n) => new Uint8Array(n), read: (v, o) => v.getUint8(o) },
  0x09: { dtype: 'int8', bytes: 1, make: (n) => new Int8Array(n), read: (v, o) => v.getInt8(o) },
  0x0b: { dtype: 'int16', bytes: 2, make: (n) => new Int16Array(n), read: (v, o) => v.getInt16(o, false) },
  0x0c: { dtype: 'int32', bytes: 4, make: (n) => new Int32Array(n), read: (v, o) => v.getInt32(o, false) },
  0x0d: { dtype: 'float32', bytes: 4, make: (n) => new Float32Array(n), read: (v, o) => v.getFloat32(o, false) },
  0x0e: { dtype: 'float64', bytes: 8, make: (n) => new Float64Array(n), read: (v, o) => v.getFloat64(o, false) },
};

/** Reads a file, gunzipping it when it is gzip-compressed; errors name the file. */
export function readMaybeGzipped(file: string): Buffer {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new Error(`${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      return gunzipSync(bytes);
    } catch (error) {
      throw new Error(`${file}: the gzip stream is corrupt (${(error as Error).message})`);
    }
  }
  return bytes;
}

/** Parses IDX bytes; `name` is used in error messages. */
export function decodeIdx(bytes: Uint8Array, name: string): { data: IdxData; shape: number[]; dtype: DType } {
  if (bytes.length < 4) throw new Error(`${name}: not an IDX file: ${bytes.length} bytes is shorter than the 4-byte magic number`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new Error(`${name}: not an IDX file: the magic number must start with two zero bytes but starts with 0x${bytes[0]!.toString(16)} 0x${bytes[1]!.toString(16)}`);
  }
  const type = TYPES[bytes[2]!];
  if (!type) throw new Error(`${name}: unknown IDX data type 0x${bytes[2]!.toString(16)} (known: 0x08 0x09 0x0b 0x0c 0x0d 0x0e)`);
  const dims = bytes[3]!;
  if (dims < 1) throw new Error(`${name}: an IDX file needs at least one dimension but declares 0`);
  const headerLength = 4 + 4 * dims;
  if (bytes.length < headerLength) throw new Error(`${name}: truncated: the header declares ${dims} dimensions but the file ends after ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: dims }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = count * type.bytes;
  const actual = bytes.length - headerLength;
  if (actual !== expected) {
    const problem = actual < expected ? 'truncated' : 'trailing bytes';
    throw new Error(`${name}: ${problem}: the header declares ${shape.join('×')} = ${count} ${type.dtype} values (${expected} bytes) but the file has ${actual} bytes after the header`);
  }
  let data: IdxData;
  if (type.bytes === 1) {
    data = type.make(count);
    data.set(type.dtype === 'uint8' ? bytes.subarray(headerLength) : new Int8Array(bytes.buffer, bytes.byteOffset + headerLength, count));
  } else {
    data = type.make(count);
    for (let i = 0; i < count; i++) data[i] = type.read(view, headerLength + i * type.bytes);
    if (type.dtype === 'float32' || type.dtype === 'float64') {
      const bad = (data as Float32Array | Float64Array).findIndex((value) => !Number.isFinite(value));
      if (bad >= 0) throw new Error(`${name}: value ${bad} is ${data[bad]}; the data must be finite`);
    }
  }
  return { data, shape, dtype: type.dtype };
}

/**
 * Reads an IDX file (optionally gzipped).
 *
 * @example const { data, shape } = readIdx('train-images-idx3-ubyte'); // Uint8Array, [60000, 28, 28]
 */
export function readIdx(file: string): { data: IdxData; shape: number[]; dtype: DType } {
  return decodeIdx(readMaybeGzipped(file), file);
}

/** An IDX file as a tensor of its own dtype. */
export function idxToTensor(file: string): Tensor {
  const { data, shape } = readIdx(file);
  return tensor(data, shape);
}
