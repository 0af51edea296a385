/**
 * IDX, the MNIST file format (LeCun & Cortes, "THE IDX FILE FORMAT", http://yann.lecun.com/exdb/mnist/):
 * two zero bytes, a type byte, a dimension count, one big-endian uint32 size per dimension, then the values
 * big-endian in row-major order. Gzipped files (MNIST's own `.gz` downloads) are read transparently.

 */
import { gunzipSync } from 'node:zlib';
import { type DType, type Tensor, tensor } from '../tensor/index.js';
import { firstNonFinite, hostOrderCopy, readFileBytes } from './bytes.js';

export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** A decoded IDX file: row-major values, the shape from its header, and the dtype of its type code. */
export interface IdxArray {
  data: IdxData;
  shape: number[];
  dtype: DType;
}

/** The type codes of the spec's table ("0x08: unsigned byte … 0x0E: double (8 bytes)"). */
const IDX_TYPES: Record<number, { dtype: DType; bytes: number; make: (buffer: ArrayBuffer) => IdxData }> = {
  0x08: { dtype: 'uint8', bytes: 1, make: (buffer) => new Uint8Array(buffer) },
  0x09: { dtype: 'int8', bytes: 1, make: (buffer) => new Int8Array(buffer) },
  0x0b: { dtype: 'int16', bytes: 2, make: (buffer) => new Int16Array(buffer) },
  0x0c: { dtype: 'int32', bytes: 4, make: (buffer) => new Int32Array(buffer) },
  0x0d: { dtype: 'float32', bytes: 4, make: (buffer) => new Float32Array(buffer) },
  0x0e: { dtype: 'float64', bytes: 8, make: (buffer) => new Float64Array(buffer) },
};
const KNOWN_CODES = Object.keys(IDX_TYPES).map((code) => `0x${Number(code).toString(16).padStart(2, '0')}`).join(' ');

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The file's bytes, gunzipped when the name ends in .gz or the content starts with gzip's magic 1f 8b. */
function readMaybeGzipped(file: string): Buffer {
  const bytes = readFileBytes(file);
  if (!isGzip(bytes) && !file.endsWith('.gz')) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (error) {
    const hint = isGzip(bytes) ? 'the download may be incomplete; fetch the file again' : 'the name ends in .gz but the content is not gzip-compressed';
    throw new Error(`${file}: cannot gunzip the file (${(error as Error).message}): ${hint}`);
  }
}

const hex = (byte: number): string => `0x${byte.toString(16).padStart(2, '0')}`;

/**
 * Parses the bytes of an (uncompressed) IDX file; `name` starts every error message.
 *
 * @example
 * const { data, shape } = decodeIdx(new Uint8Array([0, 0, 0x08, 1, 0, 0, 0, 2, 7, 9]), 'inline');
 * // data: Uint8Array [7, 9], shape: [2]
 */
export function decodeIdx(bytes: Uint8Array, name: string): IdxArray {
  const fail = (problem: string): never => {
    throw new Error(`${name}: ${problem}`);
  };
  if (bytes.length < 4) fail(`not an IDX file: ${bytes.length} bytes is shorter than the 4-byte magic number`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    fail(`not an IDX file: the magic number must start with two zero bytes but starts with ${hex(bytes[0]!)} ${hex(bytes[1]!)}`);
  }
  const type = IDX_TYPES[bytes[2]!] ?? fail(`unknown IDX data type ${hex(bytes[2]!)} in the magic number (known: ${KNOWN_CODES})`);
  const dims = bytes[3]!;
  if (dims < 1) fail('the magic number declares 0 dimensions; an IDX file has at least one');
  const headerLength = 4 + 4 * dims;
  if (bytes.length < headerLength) {
    fail(`truncated: the header declares ${dims} dimensions (${headerLength} header bytes) but the file has ${bytes.length} bytes`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: dims }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = count * type.bytes;
  const actual = bytes.length - headerLength;
  const declared = `${shape.length > 1 ? `${shape.join('×')} = ` : ''}${count} ${type.dtype} values (${expected} bytes of data)`;
  if (actual < expected) {
    fail(`truncated: the header declares ${declared} but the file has ${actual} bytes after the header; the file is incomplete, fetch it again`);
  }
  if (actual > expected) {
    fail(`trailing bytes: the header declares ${declared} but the file has ${actual} bytes after the header (${actual - expected} too many)`);
  }
  const data = type.make(hostOrderCopy(bytes, headerLength, expected, type.bytes, false));
  const bad = firstNonFinite(data);
  if (bad >= 0) fail(`value ${bad} is ${data[bad]}; the data must be finite`);
  return { data, shape, dtype: type.dtype };
}

/**
 * Reads an IDX file, gzipped or not. Values keep the file's type (uint8 images stay `Uint8Array`).
 *
 * @example
 * const { data, shape, dtype } = readIdx('/usr/share/datasets/mnist/train-images-idx3-ubyte.gz');
 * // data: Uint8Array(47040000), shape: [60000, 28, 28], dtype: 'uint8'
 */
export function readIdx(file: string): IdxArray {
  return decodeIdx(readMaybeGzipped(file), file);
}

/**
 * Reads an IDX file into a tensor of the file's dtype and shape.
 *
 * @example
 * const labels = idxToTensor('t10k-labels-idx1-ubyte'); // uint8 tensor of shape [10000]
 */
export function idxToTensor(file: string): Tensor {
  const { data, shape, dtype } = readIdx(file);
  return tensor(data, shape, { dtype });
}
