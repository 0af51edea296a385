/**
 * NPY, NumPy's array file (numpy/lib/format.py, "NEP 1"): the magic "\x93NUMPY", a version, a header
 * length (uint16 in 1.0, uint32 in 2.0/3.0), a Python-literal dict {'descr', 'fortran_order', 'shape'}
 * padded with spaces to a multiple of 64 bytes and ending in "\n", then the raw little-endian data.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { type DType, Tensor, tensor } from '../tensor/index.js';
import { columnMajorToRowMajor } from './layout.js';

export type NpyData = Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | BigInt64Array | Uint8Array;

interface NpyType {
  dtype: DType;
  bytes: number;
  make: (buffer: ArrayBuffer) => NpyData;
}

const DESCRS: Record<string, NpyType> = {
  f4: { dtype: 'float32', bytes: 4, make: (b) => new Float32Array(b) },
  f8: { dtype: 'float64', bytes: 8, make: (b) => new Float64Array(b) },
  i1: { dtype: 'int8', bytes: 1, make: (b) => new Int8Array(b) },
  i2: { dtype: 'int16', bytes: 2, make: (b) => new Int16Array(b) },
  i4: { dtype: 'int32', bytes: 4, make: (b) => new Int32Array(b) },
  i8: { dtype: 'int64', bytes: 8, make: (b) => new BigInt64Array(b) },
  u1: { dtype: 'uint8', bytes: 1, make: (b) => new Uint8Array(b) },
  b1: { dtype: 'bool', bytes: 1, make: (b) => new Uint8Array(b) },
};
const DESCR_OF: Partial<Record<DType, string>> = { float32: '<f4', float64: '<f8', int8: '|i1', int16: '<i2', int32: '<i4', int64: '<i8', uint8: '|u1', bool: '|b1' };
const MAGIC = '\x93NUMPY';

export interface NpyArray {
  data: NpyData;
  shape: number[];
  dtype: DType;
}

/** Parses the header dict strictly: exactly the three keys, Python literals only. */
function parseHeader(text: string, name: string): { descr: string; fortranOrder: boolean; shape: number[] } {
  const fail = (problem: string): never => {
    throw new Error(`${name}: malformed NPY header (${problem}): ${JSON.stringify(text.trim())}`);
  };
  const body = /^\s*\{(.*)\}\s*$/s.exec(text)?.[1] ?? fail('not a dict');
  const entries = new Map<string, string>();
  const pattern = /\s*'([a-z_]+)'\s*:\s*('[^']*'|True|False|\([^)]*\))\s*(,|$)/gy;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = pattern.exec(body)) !== null && match[0].length > 0) {
    entries.set(match[1]!, match[2]!);
    consumed = pattern.lastIndex;
  }
  if (body.slice(consumed).trim() !== '') fail(`cannot parse ${JSON.stringify(body.slice(consumed).trim())}`);
  const keys = [...entries.keys()].sort().join();
  if (keys !== 'descr,fortran_order,shape') fail(`expected the keys descr, fortran_order, shape but found ${keys || 'none'}`);
  const descr = entries.get('descr')!.slice(1, -1);
  const fortran = entries.get('fortran_order')!;
  if (fortran !== 'True' && fortran !== 'False') fail('fortran_order must be True or False');
  const shapeText = entries.get('shape')!.slice(1, -1).trim();
  const shape = shapeText === '' ? [] : shapeText.split(',').map((part) => part.trim()).filter((part) => part !== '').map((part) => {
    if (!/^\d+L?$/.test(part)) fail(`shape entry ${JSON.stringify(part)} is not a non-negative integer`);
    return Number.parseInt(part, 10);
  });
  return { descr, fortranOrder: fortran === 'True', shape };
}

/** Parses NPY bytes; `name` is used in error messages. NaN/±∞ in float data is an error unless allowed. */
export function decodeNpy(bytes: Uint8Array, name: string, options: { allowNaN?: boolean } = {}): NpyArray {
  const fail = (problem: string): never => {
    throw new Error(`${name}: ${problem}`);
  };
  if (bytes.length < 10 || Buffer.from(bytes.subarray(0, 6)).toString('latin1') !== MAGIC) fail('not an NPY file (no \\x93NUMPY magic)');
  const major = bytes[6]!;
  if (major < 1 || major > 3) fail(`unsupported NPY format version ${major}.${bytes[7]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) fail('truncated header');
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = 8 + lengthBytes + headerLength;
  if (dataStart > bytes.length) fail(`truncated: the header declares ${headerLength} bytes but the file ends first`);
  const header = Buffer.from(bytes.subarray(8 + lengthBytes, dataStart)).toString(major === 3 ? 'utf8' : 'latin1');
  if (!header.endsWith('\n')) fail('malformed NPY header (it must end with a newline)');
  const { descr, fortranOrder, shape } = parseHeader(header, name);
  const order = descr[0]!;
  const type = DESCRS[descr.slice(1)] ?? fail(`unsupported dtype '${descr}' (supported: <f4 <f8 <i1 <i2 <i4 <i8 |u1 |b1)`);
  if (order === '>' && type.bytes > 1) fail(`big-endian dtype '${descr}' is not supported: save the array little-endian (arr.astype('<${descr.slice(1)}'))`);
  if (!['<', '|', '='].includes(order) && !(order === '>' && type.bytes === 1)) fail(`unknown byte-order mark in dtype '${descr}'`);
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = count * type.bytes;
  const actual = bytes.length - dataStart;
  if (actual !== expected) fail(`${actual < expected ? 'truncated' : 'trailing bytes'}: shape (${shape.join(', ')}) of ${descr} needs ${expected} data bytes but the file has ${actual}`);
  // Copy into a fresh, aligned buffer: the data offset need not be a multiple of the element size.
  const copy = new Uint8Array(expected);
  copy.set(bytes.subarray(dataStart));
  let data = type.make(copy.buffer);
  if (fortranOrder && shape.length > 1) data = columnMajorToRowMajor(data, shape, new (data.constructor as new (n: number) => NpyData)(data.length));
  if (!options.allowNaN && (type.dtype === 'float32' || type.dtype === 'float64')) {
    const bad = (data as Float32Array | Float64Array).findIndex((value) => !Number.isFinite(value));
    if (bad >= 0) fail(`element ${bad} is ${(data as Float32Array)[bad]}: the array must be finite (NaN or ±Infinity found)`);
  }
  return { data, shape, dtype: type.dtype };
}

/**
 * Reads an .npy file.
 *
 * @example const { data, shape } = readNpy('activations.npy'); // Float32Array, [10000, 1024]
 */
export function readNpy(file: string, options: { allowNaN?: boolean } = {}): NpyArray {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new Error(`${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return decodeNpy(bytes, file, options);
}

/** An .npy file as a tensor of its dtype. */
export function npyToTensor(file: string, options: { allowNaN?: boolean } = {}): Tensor {
  const { data, shape, dtype } = readNpy(file, options);
  return tensor(data, shape, { dtype });
}

/** NPY bytes (format 1.0, or 2.0 when the header needs it) for row-major data of a shape. */
export function encodeNpy(data: NpyData, shape: readonly number[], dtype: DType): Buffer {
  const descr = DESCR_OF[dtype];
  if (!descr) throw new Error(`encodeNpy: dtype ${dtype} has no NPY counterpart here`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const version = dict.length + 12 > 65535 ? 2 : 1;
  const prefix = 8 + (version === 1 ? 2 : 4);
  const padded = dict + ' '.repeat((64 - ((prefix + dict.length + 1) % 64)) % 64) + '\n';
  const head = Buffer.alloc(prefix);
  head.write(MAGIC, 0, 'latin1');
  head[6] = version;
  head[7] = 0;
  if (version === 1) head.writeUInt16LE(padded.length, 8);
  else head.writeUInt32LE(padded.length, 8);
  return Buffer.concat([head, Buffer.from(padded, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

/**
 * Writes a tensor (or typed array with a shape) as .npy, atomically: a temporary file renamed into place,
 * so a crash never leaves a half-written array.
 */
export function writeNpy(file: string, array: Tensor | { data: NpyData; shape: readonly number[]; dtype: DType }): void {
  const { data, shape, dtype } = array instanceof Tensor
    ? { data: array.toArray() as NpyData, shape: array.shape, dtype: array.dtype }
    : array;
  const temporary = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(temporary, encodeNpy(data, shape, dtype));
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new Error(`${file}: cannot write the array (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}
