/**
 * MATLAB level-5 MAT-files, numeric matrices only (MathWorks, "MAT-File Format", version 7 document,
 * chapter 1): a 128-byte header, then tagged data elements; miCOMPRESSED elements hold a zlib stream of
 * further elements; miMATRIX elements hold array flags, dimensions, a name and the real part. Values are
 * stored column-major, possibly in a narrower type than the array's class; we return row-major arrays of
 * the class's type. Cell, struct, char, sparse and complex arrays are skipped.
 */
import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { columnMajorToRowMajor } from './layout.js';

export type MatData = Float64Array | Float32Array | Int8Array | Uint8Array | Int16Array | Int32Array;

export interface MatVariable {
  data: MatData;
  /** Row-major shape, as MATLAB reports its size (at least 2-D). */
  shape: number[];
}

const MI = { INT8: 1, UINT8: 2, INT16: 3, UINT16: 4, INT32: 5, UINT32: 6, SINGLE: 7, DOUBLE: 9, INT64: 12, UINT64: 13, MATRIX: 14, COMPRESSED: 15 } as const;
const ELEMENT_BYTES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 2, 5: 4, 6: 4, 7: 4, 9: 8, 12: 8, 13: 8 };
const LOGICAL_FLAG = 0x0200;
const COMPLEX_FLAG = 0x0800;

/** Array class → the typed array we return. */
const CLASS_ARRAY: Record<number, (n: number) => MatData> = {
  6: (n) => new Float64Array(n), 7: (n) => new Float32Array(n), 8: (n) => new Int8Array(n), 9: (n) => new Uint8Array(n),
  10: (n) => new Int16Array(n), 11: (n) => new Float64Array(n), 12: (n) => new Int32Array(n), 13: (n) => new Float64Array(n),
  14: (n) => new Float64Array(n), 15: (n) => new Float64Array(n),
};

class Reader {
  constructor(readonly view: DataView, readonly little: boolean, readonly name: string) {}

  fail(problem: string): never {
    throw new Error(`${this.name}: ${problem}`);
  }

  /** The element at `offset`: its type, the byte range of its data, and where the next one starts. */
  element(offset: number): { type: number; start: number; length: number; next: number } {
    if (offset + 8 > this.view.byteLength) this.fail(`truncated: a data element tag at byte ${offset} runs past the end`);
    const first = this.view.getUint32(offset, this.little);
    if (first >>> 16 !== 0) {
      // Small data element: type and byte count share the first word, data in the second.
      const length = first >>> 16;
      if (length > 4) this.fail(`garbled small data element at byte ${offset}`);
      return { type: first & 0xffff, start: offset + 4, length, next: offset + 8 };
    }
    const length = this.view.getUint32(offset + 4, this.little);
    const start = offset + 8;
    if (start + length > this.view.byteLength) this.fail(`truncated: an element at byte ${offset} declares ${length} bytes but only ${this.view.byteLength - start} remain`);
    const next = first === MI.COMPRESSED ? start + length : start + Math.ceil(length / 8) * 8;
    return { type: first, start, length, next };
  }

  number(type: number, offset: number): number {
    const v = this.view;
    switch (type) {
      case MI.INT8: return v.getInt8(offset);
      case MI.UINT8: return v.getUint8(offset);
      case MI.INT16: return v.getInt16(offset, this.little);
      case MI.UINT16: return v.getUint16(offset, this.little);
      case MI.INT32: return v.getInt32(offset, this.little);
      case MI.UINT32: return v.getUint32(offset, this.little);
      case MI.SINGLE: return v.getFloat32(offset, this.little);
      case MI.DOUBLE: return v.getFloat64(offset, this.little);
      case MI.INT64: return Number(v.getBigInt64(offset, this.little));
      case MI.UINT64: return Number(v.getBigUint64(offset, this.little));
      default: return this.fail(`unsupported numeric element type ${type}`);
    }
  }

  numbers(element: { type: number; start: number; length: number }): number[] {
    const size = ELEMENT_BYTES[element.type];
    if (!size) this.fail(`element type ${element.type} is not numeric`);
    if (element.length % size !== 0) this.fail(`an element of type ${element.type} has ${element.length} bytes, not a multiple of ${size}`);
    return Array.from({ length: element.length / size }, (_, i) => this.number(element.type, element.start + i * size));
  }
}

function parseMatrix(reader: Reader, start: number, end: number): [string, MatVariable] | undefined {
  const flags = reader.element(start);
  const flagWord = reader.numbers(flags)[0] ?? reader.fail('empty array flags');
  const arrayClass = flagWord & 0xff;
  const dimsElement = reader.element(flags.next);
  const dims = reader.numbers(dimsElement);
  const nameElement = reader.element(dimsElement.next);
  const name = Buffer.from(reader.view.buffer, reader.view.byteOffset + nameElement.start, nameElement.length).toString('latin1');
  const make = CLASS_ARRAY[arrayClass];
  if (!make || flagWord & COMPLEX_FLAG) return undefined;
  if (nameElement.next >= end) reader.fail(`variable ${name} has no data`);
  const real = reader.element(nameElement.next);
  const values = reader.numbers(real);
  const count = dims.reduce((a, b) => a * b, 1);
  if (values.length !== count) reader.fail(`variable ${name} is ${dims.join('×')} (${count} values) but holds ${values.length}`);
  const out = flagWord & LOGICAL_FLAG ? new Uint8Array(count) : make(count);
  return [name, { data: columnMajorToRowMajor(values, dims, out as unknown as number[]) as unknown as MatData, shape: dims }];
}

function parseElements(reader: Reader, offset: number, end: number, variables: Map<string, MatVariable>): void {
  while (offset < end) {
    const element = reader.element(offset);
    if (element.type === MI.COMPRESSED) {
      let inflated: Buffer;
      try {
        inflated = inflateSync(new Uint8Array(reader.view.buffer, reader.view.byteOffset + element.start, element.length));
      } catch (error) {
        reader.fail(`a compressed element at byte ${offset} is corrupt (${(error as Error).message})`);
      }
      const inner = new Reader(new DataView(inflated.buffer, inflated.byteOffset, inflated.byteLength), reader.little, reader.name);
      parseElements(inner, 0, inflated.byteLength, variables);
    } else if (element.type === MI.MATRIX) {
      const variable = element.length > 0 ? parseMatrix(reader, element.start, element.start + element.length) : undefined;
      if (variable) variables.set(variable[0], variable[1]);
    }
    offset = element.next;
  }
}

/**
 * The numeric variables of a MAT-file by name.
 *
 * @example const F = readMat('var_u.mat').get('F'); // { data: Uint8Array, shape: [4096, 12] }
 */
export function readMat(file: string): Map<string, MatVariable> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new Error(`${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (bytes.length < 128) throw new Error(`${file}: not a MAT-file: ${bytes.length} bytes is shorter than the 128-byte header`);
  const endian = bytes.toString('latin1', 126, 128);
  if (endian !== 'IM' && endian !== 'MI') throw new Error(`${file}: not a level-5 MAT-file (no endian indicator at byte 126; save with -v6 or -v7, not -v4 or -v7.3)`);
  const little = endian === 'IM';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const reader = new Reader(view, little, file);
  if (view.getUint16(124, little) !== 0x0100) reader.fail(`unsupported MAT-file version 0x${view.getUint16(124, little).toString(16)}`);
  const variables = new Map<string, MatVariable>();
  parseElements(reader, 128, bytes.length, variables);
  return variables;
}
