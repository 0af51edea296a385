/**
 * NPY, NumPy's array file (numpy/lib/format.py; NEP 1): the magic "\x93NUMPY", a version byte pair, the
 * header length (uint16 little-endian in 1.0, uint32 in 2.0 and 3.0), the header — a Python-literal dict
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (N, d), }` padded with spaces and ending in "\n" so the
 * data starts on a 64-byte boundary; latin1 text in 1.0/2.0, utf8 in 3.0 — then the raw values.
 */
import { type DType, Tensor, tensor } from '../tensor/index.js';
import { dtypeOfTypedArray } from '../tensor/dtype.js';
import { checkShape, invalid } from '../tensor/validate.js';
import { firstNonFinite, hostOrderCopy, readFileBytes, writeFileAtomic } from './bytes.js';
import { columnMajorToRowMajor } from './layout.js';

export type NpyData = Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | BigInt64Array | Uint8Array;

/** A decoded array: row-major values, its shape (`[]` for a scalar) and dtype. */
export interface NpyArray {
  data: NpyData;
  shape: number[];
  dtype: DType;
}

export interface NpyReadOptions {
  /** Accept NaN and ±Infinity in float data (default false: they are an error). */
  allowNaN?: boolean;
}

/** Type code (kind letter + item size, the descr without its byte-order mark) → what we read it as. */
const NPY_TYPES: Record<string, { dtype: DType; bytes: number; make: (buffer: ArrayBuffer) => NpyData }> = {
  // Half floats are read widened to float32 (every half is a float32 exactly), their dtype kept.
  f2: { dtype: 'float16', bytes: 2, make: (buffer) => halfToFloat(new Uint16Array(buffer)) },
  f4: { dtype: 'float32', bytes: 4, make: (buffer) => new Float32Array(buffer) },
  f8: { dtype: 'float64', bytes: 8, make: (buffer) => new Float64Array(buffer) },
  i1: { dtype: 'int8', bytes: 1, make: (buffer) => new Int8Array(buffer) },
  i2: { dtype: 'int16', bytes: 2, make: (buffer) => new Int16Array(buffer) },
  i4: { dtype: 'int32', bytes: 4, make: (buffer) => new Int32Array(buffer) },
  i8: { dtype: 'int64', bytes: 8, make: (buffer) => new BigInt64Array(buffer) },
  u1: { dtype: 'uint8', bytes: 1, make: (buffer) => new Uint8Array(buffer) },
  b1: { dtype: 'bool', bytes: 1, make: (buffer) => new Uint8Array(buffer) },
};
/** The descr numpy itself writes for each dtype we can write. */
const NPY_DESCR: Partial<Record<DType, string>> = {
  float16: '<f2', float32: '<f4', float64: '<f8', int8: '|i1', int16: '<i2', int32: '<i4', int64: '<i8', uint8: '|u1', bool: '|b1',
};
const SUPPORTED = '<f2 <f4 <f8 <i1 <i2 <i4 <i8 <u1 |u1 |i1 |b1';
const MAGIC = '\x93NUMPY';
/** numpy's ARRAY_ALIGN and GROWTH_AXIS_MAX_DIGITS (numpy/lib/format.py). */
const ARRAY_ALIGN = 64;
const GROWTH_AXIS_MAX_DIGITS = 21;

/** IEEE 754 binary16 bit patterns as float32 values (exact: every half is a float32). */
function halfToFloat(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) {
    const h = bits[i]!;
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const fraction = h & 0x3ff;
    out[i] = exponent === 0 ? sign * fraction * 2 ** -24
      : exponent === 0x1f ? (fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY)
        : sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
  }
  return out;
}

/**
 * float32 values that are halves (a float16 tensor's values, widened) as binary16 bit patterns. A value
 * that is not a half is an error: rounding is the tensor's job (`to('float16')`), not the writer's.
 */
function floatToHalf(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
    const a = Math.abs(v);
    let bits: number;
    if (Number.isNaN(v)) bits = 0x7e00;
    else if (a === Number.POSITIVE_INFINITY) bits = sign | 0x7c00;
    else if (a < 2 ** -14) bits = sign | Math.round(a * 2 ** 24);
    else {
      const exponent = Math.floor(Math.log2(a));
      const e = a / 2 ** exponent >= 2 ? exponent + 1 : a / 2 ** exponent < 1 ? exponent - 1 : exponent;
      bits = sign | ((e + 15) << 10) | Math.round((a / 2 ** e - 1) * 1024);
    }
    out[i] = bits;
  }
  const back = halfToFloat(out);
  const bad = back.findIndex((value, i) => !Object.is(value, values[i]) && !(Number.isNaN(value) && Number.isNaN(values[i]!)));
  if (bad >= 0) throw new RangeError(`value ${values[bad]} at index ${bad} is not a float16 value; convert the tensor with to('float16') first`);
  return out;
}

/** A value of the Python-literal subset NPY headers use: str, bool, int, tuple, list. */
type PyValue = string | boolean | number | { kind: 'tuple' | 'list'; items: PyValue[] };

/** A tuple as Python's repr writes it: `()`, `(5,)`, `(2, 3)`. */
function pythonShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/**
 * Parses the header dict without eval: numpy reads it with ast.literal_eval, so we accept the literals it
 * writes (single- or double-quoted strings, True/False, integers, tuples) and refuse anything else.
 */
function parseNpyHeader(text: string, fail: (problem: string) => never): { descr: string; fortranOrder: boolean; shape: number[] } {
  const malformed = (problem: string): never => fail(`malformed NPY header (${problem}): ${JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text)}`);
  let position = 0;
  const peek = (): string => {
    while (position < text.length && ' \t\r\n'.includes(text[position]!)) position++;
    return text[position] ?? 'the end';
  };
  const expect = (char: string): void => {
    if (peek() !== char) malformed(`expected '${char}' at character ${position} but found ${JSON.stringify(peek())}`);
    position++;
  };
  const value = (): PyValue => {
    const char = peek();
    if (char === "'" || char === '"') {
      const end = text.indexOf(char, position + 1);
      const content = end < 0 ? malformed(`unterminated string at character ${position}`) : text.slice(position + 1, end);
      if (content.includes('\\')) malformed('escape sequences in strings are not supported');
      position = end + 1;
      return content;
    }
    if (char === '(' || char === '[') {
      position++;
      const items: PyValue[] = [];
      let trailingComma = false;
      const close = char === '(' ? ')' : ']';
      while (peek() !== close) {
        items.push(value());
        trailingComma = peek() === ',';
        if (trailingComma) position++;
        else if (peek() !== close) malformed(`expected ',' or '${close}' at character ${position}`);
      }
      position++;
      // `(5)` is the integer 5 in Python, not a tuple; only `(5,)` is a 1-tuple.
      if (char === '(' && items.length === 1 && !trailingComma) return items[0]!;
      return { kind: char === '(' ? 'tuple' : 'list', items };
    }
    const word = /-?\d+L?|[A-Za-z_]\w*/y;
    word.lastIndex = position;
    const token = word.exec(text)?.[0] ?? malformed(`unexpected ${JSON.stringify(char)} at character ${position}`);
    position += token.length;
    if (token === 'True' || token === 'False') return token === 'True';
    if (/^-?\d+L?$/.test(token)) return Number.parseInt(token, 10);
    return malformed(`unexpected name ${JSON.stringify(token)}; only literals are allowed`);
  };
  expect('{');
  const entries = new Map<string, PyValue>();
  while (peek() !== '}') {
    const key = value();
    if (typeof key !== 'string') malformed('dict keys must be strings');
    if (entries.has(key as string)) malformed(`duplicate key '${key}'`);
    expect(':');
    entries.set(key as string, value());
    if (peek() === ',') position++;
    else if (peek() !== '}') malformed(`expected ',' or '}' at character ${position}`);
  }
  position++;
  // numpy pads the dict with spaces and ends the header with one newline.
  if (!/^ *\n$/.test(text.slice(position))) malformed('after the dict the header must hold only space padding and a final newline');
  const keys = [...entries.keys()].sort().join(', ');
  if (keys !== 'descr, fortran_order, shape') malformed(`expected the keys descr, fortran_order, shape but found ${keys || 'none'}`);
  const descr = entries.get('descr')!;
  if (typeof descr !== 'string') {
    return fail(`structured or record dtypes are not supported (descr is not a string); save a plain numeric array`);
  }
  const fortranOrder = entries.get('fortran_order');
  if (typeof fortranOrder !== 'boolean') malformed('fortran_order must be True or False');
  const shape = entries.get('shape')!;
  if (typeof shape !== 'object' || shape.kind !== 'tuple') return malformed('shape must be a tuple, such as (3,) or (2, 3)');
  if (!shape.items.every((size) => typeof size === 'number' && Number.isSafeInteger(size) && size >= 0)) {
    malformed('shape entries must be non-negative integers');
  }
  return { descr, fortranOrder: fortranOrder as boolean, shape: shape.items as number[] };
}

/** Resolves a descr such as '<f4' to a type, or fails saying what to save instead. */
function resolveDescr(descr: string, fail: (problem: string) => never): (typeof NPY_TYPES)[string] {
  const match = /^([<>|=]?)([a-zA-Z]\d+)$/.exec(descr);
  const type = match ? NPY_TYPES[match[2]!] : undefined;
  if (!match || !type) {
    fail(`unsupported dtype '${descr}' (supported: ${SUPPORTED}); convert the array before saving, e.g. np.save(path, a.astype('<f4'))`);
  }
  const order = match[1];
  // '<' little, '|' not applicable (one-byte types). numpy never writes '=' (native) or no mark at all, as
  // dtype.str resolves them; a hand-made file using them is read as little-endian, like the rest.
  if (type.bytes > 1 && order === '>') {
    fail(`big-endian dtype '${descr}' is not supported: save the array little-endian, e.g. np.save(path, a.astype('<${match[2]}'))`);
  }
  if (type.bytes > 1 && order === '|') fail(`byte order '|' (not applicable) is invalid for the multi-byte dtype '${descr}'; numpy writes '<${match[2]}'`);
  return type;
}

/**
 * Parses the bytes of an .npy file; `name` starts every error message. Fortran-ordered arrays come back
 * row-major. NaN and ±Infinity in float data are an error unless `allowNaN`.
 *
 * @example
 * const { data, shape, dtype } = decodeNpy(readFileSync('x.npy'), 'x.npy'); // e.g. Float32Array, [100, 12], 'float32'
 */
export function decodeNpy(bytes: Uint8Array, name: string, options: NpyReadOptions = {}): NpyArray {
  const fail = (problem: string): never => {
    throw new Error(`${name}: ${problem}`);
  };
  if (bytes.length === 0) fail('not an NPY file: the file is empty');
  const start = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 6));
  if (start.toString('latin1') !== MAGIC.slice(0, start.length)) {
    fail(`not an NPY file: it must start with the magic string \\x93NUMPY but starts with the bytes ${start.toString('hex').replace(/../g, ' $&').trim()}`);
  }
  if (bytes.length < 10) fail(`truncated: ${bytes.length} bytes is shorter than the NPY preamble (magic, version, header length)`);
  const [major, minor] = [bytes[6]!, bytes[7]!];
  if (major < 1 || major > 3 || minor !== 0) fail(`unsupported NPY format version ${major}.${minor} (supported: 1.0, 2.0, 3.0)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) fail(`truncated: the file ends inside the header length of format ${major}.0`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = 8 + lengthBytes + headerLength;
  if (dataStart > bytes.length) {
    fail(`truncated: the preamble declares a ${headerLength}-byte header but the file has ${bytes.length - 8 - lengthBytes} bytes after the preamble`);
  }
  let text: string;
  try {
    text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1', { fatal: true }).decode(bytes.subarray(8 + lengthBytes, dataStart));
  } catch {
    return fail('malformed NPY header (format 3.0 headers must be UTF-8 text)');
  }
  const { descr, fortranOrder, shape } = parseNpyHeader(text, fail);
  const type = resolveDescr(descr, fail);
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = count * type.bytes;
  const actual = bytes.length - dataStart;
  if (actual !== expected) {
    const problem = actual < expected ? 'truncated' : 'trailing bytes';
    fail(`${problem}: shape ${pythonShape(shape)} of '${descr}' needs ${expected} bytes of data but the file has ${actual} after the header`);
  }
  let data = type.make(hostOrderCopy(bytes, dataStart, expected, type.bytes, true));
  if (fortranOrder && shape.length > 1) {
    data = columnMajorToRowMajor(data, shape, new (data.constructor as new (length: number) => NpyData)(data.length));
  }
  if (type.dtype === 'bool') {
    const bad = (data as Uint8Array).findIndex((value) => value > 1);
    if (bad >= 0) fail(`element ${bad} of the bool array is the byte ${data[bad]}; bool data must be 0 or 1`);
  }
  const bad = options.allowNaN ? -1 : firstNonFinite(data);
  if (bad >= 0) fail(`element ${bad} is ${data[bad]}: the array must be finite (pass { allowNaN: true } to accept NaN and ±Infinity)`);
  return { data, shape, dtype: type.dtype };
}

/**
 * Reads an .npy file (format 1.0, 2.0 or 3.0, little-endian, C or Fortran order).
 *
 * @example
 * const { data, shape, dtype } = readNpy('runs/r1/activations-epoch-10.npy'); // Float32Array, [4096, 10], 'float32'
 */
export function readNpy(file: string, options: NpyReadOptions = {}): NpyArray {
  return decodeNpy(readFileBytes(file), file, options);
}

/**
 * Reads an .npy file into a tensor of its dtype and shape.
 *
 * @example
 * const activations = npyToTensor('layer1.npy'); // float32 tensor [4096, 10]
 */
export function npyToTensor(file: string, options: NpyReadOptions = {}): Tensor {
  const { data, shape, dtype } = readNpy(file, options);
  return tensor(data, shape, { dtype });
}

/**
 * The bytes of an .npy file for row-major `data` of `shape`, exactly as numpy's `np.save` writes them:
 * format 1.0 (2.0 when the header does not fit a uint16 length), keys sorted, numpy's spare space for
 * growing the first axis, padded so the data starts on a 64-byte boundary.
 *
 * @example
 * const bytes = encodeNpy(new Float32Array([1, 2, 3, 4]), [2, 2], 'float32'); // 128-byte header + 16 bytes
 */
export function encodeNpy(data: NpyData, shape: readonly number[], dtype: DType): Buffer {
  const descr = NPY_DESCR[dtype] ?? invalid(`one of ${Object.keys(NPY_DESCR).join(', ')}`, 'dtype', dtype);
  checkShape(shape);
  const arrayDtype = dtype === 'bool' ? 'uint8' : dtype === 'float16' ? 'float32' : dtype;
  if (!ArrayBuffer.isView(data) || dtypeOfTypedArray(data) !== arrayDtype || data instanceof Uint8ClampedArray) {
    invalid(`a ${NPY_TYPES[descr.slice(1)]!.make(new ArrayBuffer(0)).constructor.name} for dtype ${dtype}`, 'data', data);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count) invalid(`${count} values for shape [${shape.join(', ')}]`, 'data', data);
  if (dtype === 'bool' && (data as Uint8Array).some((value) => value > 1)) invalid('only 0 and 1 in bool data', 'data', data);
  // numpy/lib/format.py, _write_array_header and _wrap_header.
  const spare = shape.length > 0 ? ' '.repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length)) : '';
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${pythonShape(shape)}, }${spare}`;
  const wrap = (lengthBytes: number): string => dict + ' '.repeat(ARRAY_ALIGN - ((8 + lengthBytes + dict.length + 1) % ARRAY_ALIGN)) + '\n';
  const version = wrap(2).length <= 0xffff ? 1 : 2;
  const header = wrap(version === 1 ? 2 : 4);
  const preamble = Buffer.alloc(version === 1 ? 10 : 12);
  preamble.write(MAGIC, 0, 'latin1');
  preamble[6] = version;
  if (version === 1) preamble.writeUInt16LE(header.length, 8);
  else preamble.writeUInt32LE(header.length, 8);
  const raw = dtype === 'float16' ? floatToHalf(data as Float32Array) : data;
  const values = Buffer.from(hostOrderCopy(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength), 0, raw.byteLength, raw.BYTES_PER_ELEMENT, true));
  return Buffer.concat([preamble, Buffer.from(header, 'latin1'), values]);
}

/** A tensor's values as an NpyArray (bfloat16 widened to float32, which keeps every value; float16 stays float16). */
export function npyArrayOf(t: Tensor): NpyArray {
  const { data, shape, dtype } = arrayToWrite(t, undefined);
  return { data, shape: [...shape], dtype };
}

function arrayToWrite(array: Tensor | NpyData | NpyArray, shape: readonly number[] | undefined): { data: NpyData; shape: readonly number[]; dtype: DType } {
  if (array instanceof Tensor) {
    if (shape !== undefined) invalid('no shape argument with a Tensor (it has its own)', 'shape', shape);
    // float16/bfloat16 come out of toArray widened to float32, which keeps every value exactly; float16
    // is written as numpy's '<f2' (half the bytes), bfloat16 (which numpy lacks) as '<f4'.
    const dtype = array.dtype === 'bfloat16' ? 'float32' : array.dtype;
    return { data: array.toArray() as NpyData, shape: array.shape, dtype };
  }
  if (ArrayBuffer.isView(array)) {
    const dtype = dtypeOfTypedArray(array) ?? invalid('a Float32/Float64/Int8/Int16/Int32/BigInt64/Uint8 array', 'data', array);
    return { data: array, shape: shape ?? [array.length], dtype };
  }
  if (shape !== undefined) invalid('no shape argument with an NpyArray (it has its own)', 'shape', shape);
  return array;
}

/**
 * Writes an .npy file atomically: the bytes go to `<file>.tmp-<pid>`, are flushed to disk, and the
 * temporary is renamed over `file`, so a crash leaves either the old file or the whole new one.
 * Takes a tensor, a typed array with an optional shape (default: 1-D), or a `readNpy` result.
 *
 * @example
 * writeNpy('runs/r1/labels.npy', labelsTensor);
 * writeNpy('weights.npy', new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
 */
export function writeNpy(file: string, array: Tensor | NpyArray): void;
export function writeNpy(file: string, data: NpyData, shape?: readonly number[]): void;
export function writeNpy(file: string, array: Tensor | NpyData | NpyArray, shape?: readonly number[]): void {
  const { data, shape: arrayShape, dtype } = arrayToWrite(array, shape);
  try {
    writeFileAtomic(file, encodeNpy(data, arrayShape, dtype));
  } catch (error) {
    throw new Error(`${file}: cannot write the array (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}
