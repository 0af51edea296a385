/** MAT-files (level 5): hand-built files of every numeric class, both byte orders, compression, bad files; var_u.mat. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { PUBLISHED_IB12 } from '../../src/data/ib12.js';
import { readMat } from '../../src/data/mat.js';
import { assertEveryPrefixRejected, assertFileError, scratchDirectory } from './scratch.js';

const { dir, write } = scratchDirectory();

/** Data types (the spec's Table 1-1) and array classes (Table 1-3) used below. */
const MI = { INT8: 1, UINT8: 2, INT16: 3, UINT16: 4, INT32: 5, UINT32: 6, SINGLE: 7, DOUBLE: 9, INT64: 12, UINT64: 13, MATRIX: 14, COMPRESSED: 15 };
const CLASS = { CELL: 1, CHAR: 4, SPARSE: 5, DOUBLE: 6, SINGLE: 7, INT8: 8, UINT8: 9, INT16: 10, UINT16: 11, INT32: 12, UINT32: 13, INT64: 14, UINT64: 15 };
const LOGICAL = 0x0200;
const COMPLEX = 0x0800;

/** Writes values of one MAT data type in the file's byte order. */
const WRITERS: Record<number, [number, (view: DataView, offset: number, value: number | bigint, little: boolean) => void]> = {
  [MI.INT8]: [1, (v, o, x) => v.setInt8(o, Number(x))],
  [MI.UINT8]: [1, (v, o, x) => v.setUint8(o, Number(x))],
  [MI.INT16]: [2, (v, o, x, l) => v.setInt16(o, Number(x), l)],
  [MI.UINT16]: [2, (v, o, x, l) => v.setUint16(o, Number(x), l)],
  [MI.INT32]: [4, (v, o, x, l) => v.setInt32(o, Number(x), l)],
  [MI.UINT32]: [4, (v, o, x, l) => v.setUint32(o, Number(x), l)],
  [MI.SINGLE]: [4, (v, o, x, l) => v.setFloat32(o, Number(x), l)],
  [MI.DOUBLE]: [8, (v, o, x, l) => v.setFloat64(o, Number(x), l)],
  [MI.INT64]: [8, (v, o, x, l) => v.setBigInt64(o, BigInt(x), l)],
  [MI.UINT64]: [8, (v, o, x, l) => v.setBigUint64(o, BigInt(x), l)],
};

/** Builds MAT-file bytes in one byte order, the way MATLAB lays them out. */
class MatBuilder {
  constructor(readonly little = true) {}

  words(type: number, values: readonly (number | bigint)[]): Buffer {
    const [bytes, set] = WRITERS[type]!;
    const out = Buffer.alloc(bytes * values.length);
    const view = new DataView(out.buffer, out.byteOffset, out.length);
    values.forEach((value, i) => set(view, i * bytes, value, this.little));
    return out;
  }

  /** A data element: the small format (byte count in the tag's upper 16 bits) for 1–4 bytes, else padded to 8. */
  element(type: number, data: Buffer): Buffer {
    if (data.length > 0 && data.length <= 4) return Buffer.concat([this.words(MI.UINT32, [(data.length << 16) | type]), data, Buffer.alloc(4 - data.length)]);
    return Buffer.concat([this.words(MI.UINT32, [type, data.length]), data, Buffer.alloc((8 - (data.length % 8)) % 8)]);
  }

  /** An miMATRIX: flags, dims, name, then `values` stored as `stored` (column-major) or a raw `body`. */
  matrix(spec: { name: string; classId: number; dims: number[]; stored?: number; values?: (number | bigint)[]; flags?: number; body?: Buffer }): Buffer {
    const body = Buffer.concat([
      this.element(MI.UINT32, this.words(MI.UINT32, [(spec.flags ?? 0) | spec.classId, 0])),
      this.element(MI.INT32, this.words(MI.INT32, spec.dims)),
      this.element(MI.INT8, Buffer.from(spec.name, 'latin1')),
      spec.body ?? this.element(spec.stored ?? MI.DOUBLE, this.words(spec.stored ?? MI.DOUBLE, spec.values ?? [])),
    ]);
    return Buffer.concat([this.words(MI.UINT32, [MI.MATRIX, body.length]), body]);
  }

  compressed(element: Buffer): Buffer {
    const stream = deflateSync(element);
    return Buffer.concat([this.words(MI.UINT32, [MI.COMPRESSED, stream.length]), stream]);
  }

  /** The 128-byte header (text, subsystem offset, version, endian indicator) and the elements. */
  file(elements: Buffer[], version = 0x0100): Buffer {
    const header = Buffer.alloc(128, ' ');
    header.write('MATLAB 5.0 MAT-file, written by the infoplane tests', 0, 'latin1');
    header.fill(0, 116, 124);
    this.words(MI.UINT16, [version]).copy(header, 124);
    header.write(this.little ? 'IM' : 'MI', 126, 'latin1');
    return Buffer.concat([header, ...elements]);
  }
}
const le = new MatBuilder(true);
/** A 2×3 double matrix [[1, 2, 3], [4, 5, 6]], stored column-major. */
const matrixA = (builder: MatBuilder): Buffer => builder.matrix({ name: 'A', classId: CLASS.DOUBLE, dims: [2, 3], values: [1, 4, 2, 5, 3, 6] });

describe('readMat', () => {
  it('reads a double matrix column-major to row-major: plain, compressed, big-endian', () => {
    for (const little of [true, false]) {
      const builder = new MatBuilder(little);
      for (const compress of [false, true]) {
        const element = compress ? builder.compressed(matrixA(builder)) : matrixA(builder);
        const mat = readMat(write(`a-${little}-${compress}.mat`, builder.file([element])));
        assert.deepEqual(mat.get('A'), { data: new Float64Array([1, 2, 3, 4, 5, 6]), shape: [2, 3], matlabClass: 'double' }, `little ${little}, compressed ${compress}`);
      }
    }
  });

  it("converts values stored in a narrower type to the class's own type", () => {
    const cases: [number, number, (number | bigint)[], number, unknown][] = [
      [CLASS.DOUBLE, MI.UINT8, [0, 1, 255], 0, new Float64Array([0, 1, 255])],
      [CLASS.DOUBLE, MI.INT16, [-300, 7], 0, new Float64Array([-300, 7])],
      [CLASS.SINGLE, MI.SINGLE, [0.5, -2], 0, new Float32Array([0.5, -2])],
      [CLASS.INT8, MI.INT8, [-128, 127], 0, new Int8Array([-128, 127])],
      [CLASS.UINT8, MI.UINT8, [0, 255], 0, new Uint8Array([0, 255])],
      [CLASS.INT16, MI.UINT8, [200], 0, new Int16Array([200])],
      [CLASS.UINT16, MI.UINT16, [65535, 1], 0, new Uint16Array([65535, 1])],
      [CLASS.INT32, MI.INT16, [-5, 300], 0, new Int32Array([-5, 300])],
      [CLASS.UINT32, MI.UINT32, [4e9], 0, new Uint32Array([4e9])],
      [CLASS.INT64, MI.INT64, [-(2n ** 63n), 2n ** 63n - 1n], 0, new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n])],
      [CLASS.INT64, MI.INT32, [-7], 0, new BigInt64Array([-7n])],
      [CLASS.UINT64, MI.UINT64, [2n ** 64n - 1n], 0, new BigUint64Array([2n ** 64n - 1n])],
      [CLASS.UINT8, MI.UINT8, [1, 0, 1, 1], LOGICAL, new Uint8Array([1, 0, 1, 1])],
    ];
    const elements = cases.map(([classId, stored, values, flags], i) => le.matrix({ name: `v${i}`, classId, dims: [1, values.length], stored, values, flags }));
    const mat = readMat(write('classes.mat', le.file(elements)));
    const classes = ['double', 'double', 'single', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'int64', 'uint64', 'logical'];
    cases.forEach(([, , values, , expected], i) => {
      assert.deepEqual(mat.get(`v${i}`), { data: expected, shape: [1, values.length], matlabClass: classes[i] }, `case ${i}`);
    });
  });

  it('reorders 3-D arrays: element (i, j, k) of a 2×3×2 array is stored at i + 2j + 6k', () => {
    const columnMajor = new Array<number>(12);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 2; k++) columnMajor[i + 2 * j + 6 * k] = 100 * i + 10 * j + k;
    const cube = readMat(write('cube.mat', le.file([le.matrix({ name: 'cube', classId: CLASS.INT16, dims: [2, 3, 2], stored: MI.INT16, values: columnMajor })]))).variable('cube');
    const rowMajor: number[] = [];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 2; k++) rowMajor.push(100 * i + 10 * j + k);
    assert.deepEqual([cube.shape, Array.from(cube.data as Int16Array)], [[2, 3, 2], rowMajor]);
  });

  it('reads several variables, short names in the small element format, long names, and empty arrays', () => {
    const mat = readMat(write('several.mat', le.file([
      matrixA(le),
      le.compressed(le.matrix({ name: 'a_rather_long_variable_name', classId: CLASS.SINGLE, dims: [1, 1], stored: MI.SINGLE, values: [3] })),
      le.matrix({ name: 'none', classId: CLASS.DOUBLE, dims: [0, 0], values: [] }),
    ])));
    assert.deepEqual([...mat.keys()], ['A', 'a_rather_long_variable_name', 'none']);
    assert.deepEqual(mat.get('a_rather_long_variable_name')!.data, new Float32Array([3]));
    assert.deepEqual(mat.get('none'), { data: new Float64Array(0), shape: [0, 0], matlabClass: 'double' });
  });

  it('skips cell, char, sparse and complex arrays and unnamed subsystem data, and explains when asked for one', () => {
    const mat = readMat(write('kinds.mat', le.file([
      le.matrix({ name: 'c', classId: CLASS.CHAR, dims: [1, 2], stored: MI.UINT16, values: [104, 105] }),
      le.matrix({ name: 'k', classId: CLASS.CELL, dims: [1, 1], body: le.matrix({ name: '', classId: CLASS.DOUBLE, dims: [1, 1], values: [1] }) }),
      le.matrix({ name: 's', classId: CLASS.SPARSE, dims: [2, 2], body: le.element(MI.INT32, le.words(MI.INT32, [0])) }),
      le.matrix({ name: 'z', classId: CLASS.DOUBLE, dims: [1, 1], flags: COMPLEX, body: Buffer.concat([le.element(MI.DOUBLE, le.words(MI.DOUBLE, [1])), le.element(MI.DOUBLE, le.words(MI.DOUBLE, [2]))]) }),
      le.matrix({ name: '', classId: CLASS.UINT8, dims: [1, 3], stored: MI.UINT8, values: [1, 2, 3] }),
      le.matrix({ name: 'n', classId: CLASS.DOUBLE, dims: [1, 1], values: [9] }),
    ])));
    assert.deepEqual([...mat.keys()], ['n']);
    assert.deepEqual(Object.fromEntries(mat.skipped), { c: 'char array', k: 'cell array', s: 'sparse matrix', z: 'complex double array' });
    assert.deepEqual(mat.variable('n').data, new Float64Array([9]));
    assertFileError(() => mat.variable('c'), mat.file, /: variable 'c' is a char array; readMat reads only real numeric and logical arrays, so save double\(c\) instead$/);
    assertFileError(() => mat.variable('k'), mat.file, /variable 'k' is a cell array; .* so save its numeric contents as separate variables instead$/);
    assertFileError(() => mat.variable('z'), mat.file, /variable 'z' is a complex double array; .* so save real\(z\) and imag\(z\) instead$/);
    assertFileError(() => mat.variable('nope'), mat.file, /no variable named 'nope' \(the file holds: n, c, k, s, z\)/);
  });
});

describe('readMat on malformed files: the error names the file, the variable where known, and the problem', () => {
  const bad = (name: string, bytes: Uint8Array, problem: RegExp): void => {
    const file = write(name, bytes);
    assertFileError(() => readMat(file), file, problem);
  };
  const withA = (spec: Partial<Parameters<MatBuilder['matrix']>[0]>): Buffer => le.file([le.matrix({ name: 'A', classId: CLASS.DOUBLE, dims: [2, 2], values: [1, 2, 3, 4], ...spec })]);

  it('headers that are not level 5, version 0x0100', () => {
    bad('short.mat', new Uint8Array(50), /not a MAT-file: 50 bytes is shorter than the 128-byte header/);
    bad('v4.mat', new Uint8Array(200), /not a level-5 MAT-file: bytes 126–127 should be the endian indicator 'IM' or 'MI' but are "\\u0000\\u0000"; save it in MATLAB with save\(file, '-v7'\)/);
    bad('v73.mat', le.file([], 0x0200), /this is a MATLAB v7\.3 MAT-file \(HDF5\), which readMat does not read; save it with save\(file, '-v7'\)/);
    bad('v3.mat', le.file([], 0x0300), /unsupported MAT-file version 0x0300 in the header \(expected 0x0100\)/);
  });

  it('a file cut short names the variable it cuts', () => {
    const plain = le.file([le.matrix({ name: 'cut', classId: CLASS.DOUBLE, dims: [1, 3], values: [1, 2, 3] })]);
    bad('cut.mat', plain.subarray(0, plain.length - 8), /: variable 'cut': truncated: the data element at byte 128 declares 72 bytes but 64 remain/);
  });

  it('a file cut anywhere, plain or compressed, is rejected (only the bare header is a valid, empty file)', () => {
    assert.equal(readMat(write('header-only.mat', le.file([]))).size, 0);
    for (const element of [matrixA(le), le.compressed(matrixA(le))]) {
      assertEveryPrefixRejected(le.file([element]), readMat, (content) => write('prefix.mat', content), [128]);
    }
  });

  it('data that does not match the dimensions, or is not numeric', () => {
    bad('count.mat', withA({ values: [1, 2, 3] }), /variable 'A': it is 2×2 = 4 values but its data holds 24 bytes \(3 values of 8 bytes\)/);
    bad('type.mat', withA({ body: le.element(MI.MATRIX, Buffer.alloc(8)) }), /variable 'A': its data has element type 14, which is not numeric/);
    bad('extra.mat', withA({ body: Buffer.concat([le.element(MI.DOUBLE, le.words(MI.DOUBLE, [1, 2, 3, 4])), le.element(MI.DOUBLE, le.words(MI.DOUBLE, [0]))]) }),
      /variable 'A': 16 unexpected bytes after its data/);
    bad('nodata.mat', withA({ body: Buffer.alloc(0) }), /variable 'A': truncated: the array has no data element/);
    bad('negative.mat', withA({ dims: [2, -1] }), /variable 'A': negative dimension in 2×-1/);
  });

  it('stored values that do not fit the class', () => {
    bad('int8.mat', withA({ classId: CLASS.INT8, dims: [1, 1], values: [1.5] }), /variable 'A': value 1\.5 \(element 0 in column-major order\) does not fit its class int8/);
    bad('uint8.mat', withA({ classId: CLASS.UINT8, dims: [1, 2], stored: MI.INT16, values: [1, 300] }), /value 300 \(element 1 in column-major order\) does not fit its class uint8/);
    bad('logical.mat', withA({ classId: CLASS.UINT8, flags: LOGICAL, dims: [1, 2], stored: MI.UINT8, values: [1, 2] }), /value 2 .* does not fit its class logical/);
    bad('int64.mat', withA({ classId: CLASS.INT64, dims: [1, 1], stored: MI.UINT64, values: [2n ** 64n - 1n] }), /value 18446744073709551615 .* does not fit its class int64/);
  });

  it('garbled tags, flags, classes and duplicate names', () => {
    bad('class.mat', withA({ classId: 99 }), /variable 'A': unknown array class 99; the file is corrupt/);
    bad('top.mat', le.file([le.element(MI.DOUBLE, le.words(MI.DOUBLE, [1]))]), /unexpected data element type 9 at byte 128; a MAT-file holds matrices \(14\) and compressed matrices \(15\), so the file is corrupt/);
    bad('small.mat', le.file([le.words(MI.UINT32, [(6 << 16) | MI.INT8, 0])]), /garbled data element at byte 128: a small element declares 6 bytes but holds at most 4/);
    const flags = Buffer.from(withA({}));
    flags.writeUInt32LE(MI.INT32, 136);
    bad('flags.mat', flags, /garbled array flags at byte 136 \(expected 8 bytes of miUINT32\)/);
    bad('twice.mat', le.file([matrixA(le), le.compressed(matrixA(le))]), /variable 'A' appears twice/);
  });

  it('corrupt compressed streams name the variable when its start still inflates', () => {
    const header = Buffer.from(le.file([le.compressed(matrixA(le))]));
    header.fill(0xff, 136, 140);
    bad('zheader.mat', header, /: the compressed data element at byte 128 is corrupt \(incorrect header check\)/);
    const values = Array.from({ length: 2000 }, (_, i) => Math.sin(i));
    const long = Buffer.from(le.file([le.compressed(le.matrix({ name: 'big', classId: CLASS.DOUBLE, dims: [1, 2000], values }))]));
    long.fill(0, long.length - 4);
    bad('zcheck.mat', long, /variable 'big': the compressed data element at byte 128 is corrupt \(incorrect data check\)/);
    const inner = matrixA(le);
    bad('zinner.mat', le.file([le.compressed(inner.subarray(0, inner.length - 8))]), /: variable 'A': truncated: the data element at byte 0 of the data decompressed from byte 128 declares 96 bytes but 88 remain/);
  });

  it('a missing file', () => {
    const missing = path.join(dir, 'missing.mat');
    assertFileError(() => readMat(missing), missing, /cannot read the file \(ENOENT\)/);
  });
});

const published = PUBLISHED_IB12;
describe('the published 12-bit dataset var_u.mat', () => {
  it('F is 4096×12 logical, every 12-bit pattern once; y is 1×4096 of 0/1 with mean ≈ 0.517', () => {
    const mat = readMat(published);
    const F = mat.variable('F');
    assert.deepEqual([F.shape, F.matlabClass, F.data.length], [[4096, 12], 'logical', 4096 * 12]);
    const values = Array.from(F.data as Uint8Array);
    assert.ok(values.every((value) => value === 0 || value === 1), 'F holds only 0 and 1');
    const patterns = new Set<number>();
    for (let row = 0; row < 4096; row++) patterns.add(values.slice(row * 12, row * 12 + 12).reduce<number>((code, bit) => code * 2 + bit, 0));
    assert.equal(patterns.size, 4096, 'the 4096 rows are distinct, so every pattern appears once');
    const y = mat.variable('y');
    assert.deepEqual([y.shape, y.matlabClass], [[1, 4096], 'double']);
    const labels = Array.from(y.data as Float64Array);
    assert.ok(labels.every((label) => label === 0 || label === 1), 'y holds only 0 and 1');
    const mean = labels.reduce<number>((a, b) => a + b, 0) / labels.length;
    assert.ok(Math.abs(mean - 0.517) < 5e-4, `mean of y: ${mean}`);
  });

  it('a damaged copy is rejected, naming the damaged variable', () => {
    const bytes = Buffer.from(readFileSync(published));
    // y is the second compressed element (at byte 540); its stream ends with an Adler-32 checksum.
    const second = 128 + 8 + bytes.readUInt32LE(132);
    bytes.fill(0, second + 8 + bytes.readUInt32LE(second + 4) - 4, second + 8 + bytes.readUInt32LE(second + 4));
    bad('var_u-damaged.mat', bytes, new RegExp(`variable 'y': the compressed data element at byte ${second} is corrupt`));
    bad('var_u-cut.mat', readFileSync(published).subarray(0, 700), /: variable 'y': truncated: the data element at byte 540 declares 455 bytes but 152 remain/);
  });

  function bad(name: string, bytes: Uint8Array, problem: RegExp): void {
    const file = write(name, bytes);
    assertFileError(() => readMat(file), file, problem);
  }
});
