/**
 * MATLAB level-5 MAT-files, numeric matrices only (MathWorks, "MAT-File Format", R2018a, chapter 1 —
 * "Level 5 MAT-File Format"): a 128-byte header (text, subsystem offset, version 0x0100, endian indicator),
 * then data elements, each with an 8-byte tag (type, byte count) or the 4-byte "small data element" tag, and
 * padded to 8 bytes. An miCOMPRESSED element holds a zlib stream of one more element; an miMATRIX element
 * holds array flags, dimensions, a name and the real part. Values are stored column-major, possibly in a
 * narrower type than the array's class (doubles saved as miUINT8); we return row-major arrays of the class's
 * own type. Cell, struct, object, char, sparse and complex arrays are skipped and listed in `skipped`.
 */
import { constants, inflateSync } from 'node:zlib';
import { readFileBytes } from './bytes.js';
import { columnMajorToRowMajor } from './layout.js';

export type MatData =
  | Float64Array | Float32Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array;

export type MatClass =
  | 'double' | 'single' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'logical';

export interface MatVariable {
  /** Row-major values in the class's type (logical → Uint8Array of 0/1, int64 → BigInt64Array). */
  data: MatData;
  /** The dimensions MATLAB reports (at least two), now indexing row-major data. */
  shape: number[];
  matlabClass: MatClass;
}

/** Data types of the spec's Table 1-1. */
const MI = { INT8: 1, UINT8: 2, INT16: 3, UINT16: 4, INT32: 5, UINT32: 6, SINGLE: 7, DOUBLE: 9, INT64: 12, UINT64: 13, MATRIX: 14, COMPRESSED: 15 } as const;
const STORED: Record<number, { bytes: number; read: (view: DataView, offset: number, little: boolean) => number | bigint }> = {
  [MI.INT8]: { bytes: 1, read: (v, o) => v.getInt8(o) },
  [MI.UINT8]: { bytes: 1, read: (v, o) => v.getUint8(o) },
  [MI.INT16]: { bytes: 2, read: (v, o, l) => v.getInt16(o, l) },
  [MI.UINT16]: { bytes: 2, read: (v, o, l) => v.getUint16(o, l) },
  [MI.INT32]: { bytes: 4, read: (v, o, l) => v.getInt32(o, l) },
  [MI.UINT32]: { bytes: 4, read: (v, o, l) => v.getUint32(o, l) },
  [MI.SINGLE]: { bytes: 4, read: (v, o, l) => v.getFloat32(o, l) },
  [MI.DOUBLE]: { bytes: 8, read: (v, o, l) => v.getFloat64(o, l) },
  [MI.INT64]: { bytes: 8, read: (v, o, l) => v.getBigInt64(o, l) },
  [MI.UINT64]: { bytes: 8, read: (v, o, l) => v.getBigUint64(o, l) },
};

/** A numeric class: its typed array and, for integer classes, the range a stored value must fit. */
interface NumericClass {
  name: MatClass;
  make: (length: number) => MatData;
  range?: readonly [number, number] | readonly [bigint, bigint];
}
const numeric = (name: MatClass, make: (length: number) => MatData, range?: NumericClass['range']): NumericClass => ({ name, make, range });
/** Array classes (mxClassID, the spec's Table 1-3): numeric ones, or a description of what we skip. */
const CLASSES: Record<number, NumericClass | string> = {
  1: 'cell array', 2: 'struct', 3: 'object', 4: 'char array', 5: 'sparse matrix',
  6: numeric('double', (n) => new Float64Array(n)),
  7: numeric('single', (n) => new Float32Array(n)),
  8: numeric('int8', (n) => new Int8Array(n), [-128, 127]),
  9: numeric('uint8', (n) => new Uint8Array(n), [0, 255]),
  10: numeric('int16', (n) => new Int16Array(n), [-32768, 32767]),
  11: numeric('uint16', (n) => new Uint16Array(n), [0, 65535]),
  12: numeric('int32', (n) => new Int32Array(n), [-(2 ** 31), 2 ** 31 - 1]),
  13: numeric('uint32', (n) => new Uint32Array(n), [0, 2 ** 32 - 1]),
  14: numeric('int64', (n) => new BigInt64Array(n), [-(2n ** 63n), 2n ** 63n - 1n]),
  15: numeric('uint64', (n) => new BigUint64Array(n), [0n, 2n ** 64n - 1n]),
  16: 'function handle', 17: 'opaque object',
};
const LOGICAL = numeric('logical', (n) => new Uint8Array(n), [0, 1]);
const LOGICAL_FLAG = 0x0200;
const COMPLEX_FLAG = 0x0800;

/** A stored value converted to the class's type, or undefined when it does not fit (a corrupt file). */
function convert(value: number | bigint, type: NumericClass): number | bigint | undefined {
  if (!type.range) return Number(value);
  const [min, max] = type.range;
  if (typeof min === 'bigint') {
    const big = typeof value === 'bigint' ? value : Number.isInteger(value) ? BigInt(value) : undefined;
    return big !== undefined && big >= min && big <= (max as bigint) ? big : undefined;
  }
  const number = Number(value);
  return Number.isInteger(number) && number >= min && number <= (max as number) ? number : undefined;
}

type Fail = (problem: string) => never;

/** Bytes being parsed: the file itself, or the inflated stream of one of its compressed elements. */
interface Source {
  view: DataView;
  little: boolean;
  /** Describes a byte offset for error messages. */
  at: (offset: number) => string;
}

interface Element {
  type: number;
  start: number;
  length: number;
  next: number;
}

/** The data element whose tag starts at `offset`, which must end by `end`. */
function elementAt(source: Source, offset: number, end: number, fail: Fail): Element {
  if (offset + 8 > end) fail(`truncated: the data element tag at ${source.at(offset)} needs 8 bytes but ${end - offset} remain`);
  const word = source.view.getUint32(offset, source.little);
  if (word >>> 16 !== 0) {
    // Small data element: the upper 16 bits hold the byte count, the data fills the tag's second word.
    const length = word >>> 16;
    if (length > 4) fail(`garbled data element at ${source.at(offset)}: a small element declares ${length} bytes but holds at most 4`);
    return { type: word & 0xffff, start: offset + 4, length, next: offset + 8 };
  }
  const length = source.view.getUint32(offset + 4, source.little);
  const start = offset + 8;
  if (length > end - start) fail(`truncated: the data element at ${source.at(offset)} declares ${length} bytes but ${end - start} remain`);
  // Elements are padded to 8 bytes, except the zlib stream of miCOMPRESSED.
  return { type: word, start, length, next: Math.min(end, word === MI.COMPRESSED ? start + length : start + Math.ceil(length / 8) * 8) };
}

/** The array flags, dimensions and name that begin every miMATRIX, and where the next subelement starts. */
function matrixHeader(source: Source, start: number, end: number, fail: Fail): { flags: number; dims: number[]; name: string; next: number } {
  const { view, little } = source;
  const flags = elementAt(source, start, end, fail);
  if (flags.type !== MI.UINT32 || flags.length !== 8) fail(`garbled array flags at ${source.at(start)} (expected 8 bytes of miUINT32)`);
  const dims = elementAt(source, flags.next, end, fail);
  if (dims.type !== MI.INT32 || dims.length < 8 || dims.length % 4 !== 0) fail(`garbled dimensions at ${source.at(flags.next)} (expected two or more miINT32 sizes)`);
  const sizes = Array.from({ length: dims.length / 4 }, (_, i) => view.getInt32(dims.start + 4 * i, little));
  const name = elementAt(source, dims.next, end, fail);
  if (name.type !== MI.INT8 && name.type !== MI.UINT8) fail(`garbled array name at ${source.at(dims.next)} (expected miINT8 text)`);
  const text = Buffer.from(view.buffer, view.byteOffset + name.start, name.length).toString('latin1');
  return { flags: view.getUint32(flags.start, little), dims: sizes, name: text, next: name.next };
}

/** Decodes one miMATRIX: a variable, or the description of an array kind we skip. */
function parseMatrix(source: Source, element: Element, fail: Fail): { name: string; variable?: MatVariable; skipped?: string } {
  const end = element.start + element.length;
  const header = matrixHeader(source, element.start, end, fail);
  const { name, dims } = header;
  const failIn: Fail = (problem) => fail(`variable '${name}': ${problem}`);
  const kind = CLASSES[header.flags & 0xff] ?? failIn(`unknown array class ${header.flags & 0xff}; the file is corrupt`);
  if (typeof kind === 'string') return { name, skipped: kind };
  if (header.flags & COMPLEX_FLAG) return { name, skipped: `complex ${kind.name} array` };
  const type = header.flags & LOGICAL_FLAG ? LOGICAL : kind;
  if (dims.some((size) => size < 0)) failIn(`negative dimension in ${dims.join('×')}`);
  const count = dims.reduce((a, b) => a * b, 1);
  if (header.next >= end) failIn('truncated: the array has no data element');
  const real = elementAt(source, header.next, end, failIn);
  const stored = STORED[real.type] ?? failIn(`its data has element type ${real.type}, which is not numeric`);
  if (real.length !== count * stored.bytes) {
    failIn(`it is ${dims.join('×')} = ${count} values but its data holds ${real.length} bytes (${real.length / stored.bytes} values of ${stored.bytes} bytes)`);
  }
  if (real.next < end) failIn(`${end - real.next} unexpected bytes after its data`);
  const columnMajor = type.make(count);
  for (let i = 0; i < count; i++) {
    const value = stored.read(source.view, real.start + i * stored.bytes, source.little);
    const converted = convert(value, type);
    if (converted === undefined) failIn(`value ${value} (element ${i} in column-major order) does not fit its class ${type.name}`);
    columnMajor[i] = converted;
  }
  const data = columnMajorToRowMajor(columnMajor, dims, type.make(count));
  return { name, variable: { data, shape: dims, matlabClass: type.name } };
}

/**
 * Best effort, for error messages: the name of the variable whose damaged element starts at `offset`, read
 * from the array header at its start (inflating as much of a compressed stream as still inflates).
 */
function nameOfDamaged(source: Source, offset: number, end: number): string | undefined {
  if (offset + 8 > end) return undefined;
  const throwing: Fail = (problem) => {
    throw new Error(problem);
  };
  const type = source.view.getUint32(offset, source.little);
  const rest = new Uint8Array(source.view.buffer, source.view.byteOffset + offset + 8, end - offset - 8);
  const attempts = type === MI.COMPRESSED ? [64, 256, 1024, rest.length].filter((length) => length <= rest.length) : type === MI.MATRIX ? [0] : [];
  for (const length of attempts) {
    try {
      if (type === MI.MATRIX) return matrixHeader(source, offset + 8, end, throwing).name;
      const head = inflateSync(rest.subarray(0, length), { finishFlush: constants.Z_SYNC_FLUSH });
      const inflated: Source = { view: new DataView(head.buffer, head.byteOffset, head.byteLength), little: source.little, at: String };
      return matrixHeader(inflated, 8, head.length, throwing).name;
    } catch {
      // Too little of the stream decoded to hold the name (or it is corrupt this early): try a longer prefix.
    }
  }
  return undefined;
}

/** The variables of a MAT-file, by name, with the arrays it skipped; `variable(name)` explains a miss. */
export class MatFile extends Map<string, MatVariable> {
  /** Arrays the reader does not convert, by name: 'cell array', 'struct', 'char array', 'sparse matrix' … */
  readonly skipped = new Map<string, string>();

  constructor(readonly file: string) {
    super();
  }

  /**
   * The named numeric variable, or an Error saying it is absent or is an array kind readMat skips.
   *
   * @example
   * const labels = readMat('var_u.mat').variable('y'); // { data: Float64Array(4096), shape: [1, 4096], matlabClass: 'double' }
   */
  variable(name: string): MatVariable {
    const found = this.get(name);
    if (found) return found;
    const kind = this.skipped.get(name);
    if (kind) {
      const fix = kind === 'char array' ? `double(${name})` : kind === 'sparse matrix' ? `full(${name})` : kind.startsWith('complex') ? `real(${name}) and imag(${name})` : 'its numeric contents as separate variables';
      throw new Error(`${this.file}: variable '${name}' is a ${kind}; readMat reads only real numeric and logical arrays, so save ${fix} instead`);
    }
    throw new Error(`${this.file}: no variable named '${name}' (the file holds: ${[...this.keys(), ...this.skipped.keys()].join(', ') || 'nothing'})`);
  }
}

function parseElements(source: Source, start: number, end: number, fail: Fail, into: MatFile, insideCompressed: boolean): void {
  for (let offset = start; offset < end;) {
    const naming: Fail = (problem) => {
      const name = nameOfDamaged(source, offset, end);
      return fail(name === undefined ? problem : `variable '${name}': ${problem}`);
    };
    const element = elementAt(source, offset, end, naming);
    if (element.type === MI.COMPRESSED && !insideCompressed) {
      const compressed = new Uint8Array(source.view.buffer, source.view.byteOffset + element.start, element.length);
      let inflated: Buffer;
      try {
        inflated = inflateSync(compressed);
      } catch (error) {
        naming(`the compressed data element at ${source.at(offset)} is corrupt (${(error as Error).message})`);
      }
      const inner: Source = { view: new DataView(inflated.buffer, inflated.byteOffset, inflated.byteLength), little: source.little, at: (at) => `byte ${at} of the data decompressed from byte ${offset}` };
      parseElements(inner, 0, inflated.length, fail, into, true);
    } else if (element.type === MI.MATRIX) {
      const { name, variable, skipped } = parseMatrix(source, element, fail);
      if (into.has(name) || into.skipped.has(name)) fail(`variable '${name}' appears twice`);
      // An unnamed top-level array is the subsystem data (MATLAB object metadata), not a variable.
      if (name !== '' && variable) into.set(name, variable);
      if (name !== '' && skipped) into.skipped.set(name, skipped);
    } else {
      fail(`unexpected data element type ${element.type} at ${source.at(offset)}; a MAT-file holds matrices (14) and compressed matrices (15), so the file is corrupt`);
    }
    offset = element.next;
  }
}

/**
 * Reads the numeric and logical arrays of a level-5 MAT-file (MATLAB `save -v6` or `-v7`, either byte
 * order). Arrays of other kinds are listed in `skipped`; `variable(name)` throws a clear error for them.
 *
 * @example
 * const mat = readMat('datasets/var_u.mat');
 * const F = mat.variable('F'); // { data: Uint8Array(49152), shape: [4096, 12], matlabClass: 'logical' }
 */
export function readMat(file: string): MatFile {
  const fail: Fail = (problem) => {
    throw new Error(`${file}: ${problem}`);
  };
  const bytes = readFileBytes(file);
  if (bytes.length < 128) fail(`not a MAT-file: ${bytes.length} bytes is shorter than the 128-byte header`);
  const endian = bytes.toString('latin1', 126, 128);
  if (endian !== 'IM' && endian !== 'MI') {
    fail(`not a level-5 MAT-file: bytes 126–127 should be the endian indicator 'IM' or 'MI' but are ${JSON.stringify(endian)}; save it in MATLAB with save(file, '-v7')`);
  }
  const source: Source = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), little: endian === 'IM', at: (offset) => `byte ${offset}` };
  const version = source.view.getUint16(124, source.little);
  if (version === 0x0200) fail("this is a MATLAB v7.3 MAT-file (HDF5), which readMat does not read; save it with save(file, '-v7')");
  if (version !== 0x0100) fail(`unsupported MAT-file version 0x${version.toString(16).padStart(4, '0')} in the header (expected 0x0100)`);
  const variables = new MatFile(file);
  parseElements(source, 128, bytes.length, fail, variables, false);
  return variables;
}
