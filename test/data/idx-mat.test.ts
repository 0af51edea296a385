/** IDX and MAT-file readers on good and malformed files; the built-in datasets. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deflateSync, gzipSync } from 'node:zlib';
import { loadFashionMnist, loadMnist } from '../../src/data/builtin.js';
import { generateIb12, icosahedronVertices, loadIb12Mat } from '../../src/data/ib12.js';
import { readIdx } from '../../src/data/idx.js';
import { readMat } from '../../src/data/mat.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'infoplane-data-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, bytes: Uint8Array): string => {
  const target = path.join(dir, name);
  writeFileSync(target, bytes);
  return target;
};

/** An IDX file: header (type code, big-endian dims) then the given payload bytes. */
function idxBytes(type: number, dims: number[], payload: number[]): Uint8Array {
  const header = [0, 0, type, dims.length, ...dims.flatMap((d) => [(d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255])];
  return new Uint8Array([...header, ...payload]);
}

describe('IDX reader', () => {
  it('reads unsigned bytes, big-endian int32 and float64, plain and gzipped', () => {
    const bytes = readIdx(file('u8.idx', idxBytes(0x08, [2, 3], [1, 2, 3, 4, 5, 255])));
    assert.deepEqual(bytes.shape, [2, 3]);
    assert.deepEqual(Array.from(bytes.data), [1, 2, 3, 4, 5, 255]);
    assert.equal(bytes.dtype, 'uint8');
    const ints = readIdx(file('i32.idx', idxBytes(0x0c, [2], [0, 0, 1, 0, 0xff, 0xff, 0xff, 0xfe])));
    assert.deepEqual(Array.from(ints.data), [256, -2]);
    const double = Buffer.alloc(8);
    double.writeDoubleBE(-1.25);
    assert.deepEqual(Array.from(readIdx(file('f64.idx', idxBytes(0x0e, [1], [...double]))).data), [-1.25]);
    const gz = readIdx(file('u8.idx.gz', gzipSync(idxBytes(0x08, [3], [7, 8, 9]))));
    assert.deepEqual(Array.from(gz.data), [7, 8, 9]);
  });

  it('malformed files: each error names the file and the problem', () => {
    const bad = (name: string, bytes: Uint8Array, message: RegExp): void => {
      const target = file(name, bytes);
      assert.throws(() => readIdx(target), (error: Error) => error.message.startsWith(target) && message.test(error.message));
    };
    bad('magic.idx', new Uint8Array([1, 0, 8, 1, 0, 0, 0, 1, 5]), /must start with two zero bytes/);
    bad('type.idx', idxBytes(0x07, [1], [1]), /unknown IDX data type 0x7/);
    bad('truncated.idx', idxBytes(0x08, [2, 2], [1, 2, 3]), /truncated: the header declares 2×2 = 4 uint8 values \(4 bytes\) but the file has 3/);
    bad('trailing.idx', idxBytes(0x08, [2], [1, 2, 3]), /trailing bytes/);
    bad('header.idx', new Uint8Array([0, 0, 8, 3, 0, 0]), /truncated: the header declares 3 dimensions/);
    bad('short.idx', new Uint8Array([0, 0]), /shorter than the 4-byte magic number/);
    const nan = Buffer.alloc(4);
    nan.writeFloatBE(NaN);
    bad('nan.idx', idxBytes(0x0d, [1], [...nan]), /value 0 is NaN; the data must be finite/);
    bad('gz.idx', new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3]), /the gzip stream is corrupt/);
    assert.throws(() => readIdx(path.join(dir, 'missing.idx')), /missing\.idx: cannot read the file \(ENOENT\)/);
  });
});

/** A little-endian MAT-file holding one uncompressed double matrix (column-major values). */
function matBytes(name: string, dims: number[], values: number[], compress: boolean): Uint8Array {
  const tag = (type: number, length: number): Buffer => { const b = Buffer.alloc(8); b.writeUInt32LE(type, 0); b.writeUInt32LE(length, 4); return b; };
  const pad = (b: Buffer): Buffer => Buffer.concat([b, Buffer.alloc((8 - (b.length % 8)) % 8)]);
  const flags = Buffer.alloc(8); flags.writeUInt32LE(6, 0);
  const dimBytes = Buffer.alloc(4 * dims.length); dims.forEach((d, i) => dimBytes.writeInt32LE(d, 4 * i));
  const data = Buffer.alloc(8 * values.length); values.forEach((v, i) => data.writeDoubleLE(v, 8 * i));
  const nameBytes = Buffer.from(name, 'latin1');
  const body = Buffer.concat([tag(6, 8), flags, tag(5, dimBytes.length), pad(dimBytes), tag(1, nameBytes.length), pad(nameBytes), tag(9, data.length), pad(data)]);
  const matrix = Buffer.concat([tag(14, body.length), body]);
  const element = compress ? (() => { const z = deflateSync(matrix); return Buffer.concat([tag(15, z.length), z]); })() : matrix;
  const header = Buffer.alloc(128, ' ');
  header.write('MATLAB 5.0 MAT-file, test', 0, 'latin1');
  header.writeUInt16LE(0x0100, 124);
  header.write('IM', 126, 'latin1');
  return Buffer.concat([header, element]);
}

describe('MAT-file reader', () => {
  it('reads plain and compressed matrices, column-major to row-major', () => {
    for (const compress of [false, true]) {
      const variables = readMat(file(`m${compress}.mat`, matBytes('A', [2, 3], [1, 4, 2, 5, 3, 6], compress)));
      const a = variables.get('A')!;
      assert.deepEqual(a.shape, [2, 3]);
      assert.deepEqual(Array.from(a.data), [1, 2, 3, 4, 5, 6]);
    }
  });

  it('malformed files: truncated, not a MAT-file, corrupt compression', () => {
    const good = matBytes('A', [2, 2], [1, 2, 3, 4], false);
    assert.throws(() => readMat(file('t.mat', good.subarray(0, good.length - 12))), /t\.mat: truncated/);
    assert.throws(() => readMat(file('h.mat', new Uint8Array(50))), /shorter than the 128-byte header/);
    const notMat = Buffer.alloc(200);
    assert.throws(() => readMat(file('n.mat', notMat)), /not a level-5 MAT-file/);
    const compressed = Buffer.from(matBytes('A', [2, 2], [1, 2, 3, 4], true));
    compressed.fill(7, 140, 150);
    assert.throws(() => readMat(file('z.mat', compressed)), /z\.mat: a compressed element at byte 128 is corrupt/);
  });

  const published = '/work/shared/datasets/var_u.mat';
  it('the published 12-bit dataset: 4096 distinct binary rows, labels with mean 0.517', { skip: !existsSync(published) && `${published} is absent` }, () => {
    const data = loadIb12Mat(published);
    assert.deepEqual(data.inputs.shape, [4096, 12]);
    assert.equal(data.inputs.unique(0).values.size(0), 4096);
    assert.deepEqual(data.inputs.unique().values.toNumbers(), [0, 1]);
    assert.ok(Math.abs(data.labels.to('float64').mean().item() - 0.51709) < 1e-4);
  });
});

describe('the generated 12-bit task', () => {
  it('uses the 12 unit vertices of an icosahedron: inner products 1/√5, −1/√5, −1 between distinct ones', () => {
    const vertices = icosahedronVertices();
    assert.equal(vertices.length, 12);
    const dots = new Set<string>();
    for (const u of vertices) {
      assert.ok(Math.abs(Math.hypot(...u) - 1) < 1e-12);
      for (const v of vertices) if (u !== v) dots.add((u[0]! * v[0]! + u[1]! * v[1]! + u[2]! * v[2]!).toFixed(6));
    }
    assert.deepEqual([...dots].sort(), [(-1).toFixed(6), (-1 / Math.sqrt(5)).toFixed(6), (1 / Math.sqrt(5)).toFixed(6)].sort());
  });

  it('every pattern once, about half in each class, the same labels for the same seed', () => {
    const a = generateIb12(3);
    assert.deepEqual(a.inputs.shape, [4096, 12]);
    assert.equal(a.inputs.unique(0).values.size(0), 4096);
    const positive = a.labels.to('float64').mean().item();
    assert.ok(positive > 0.4 && positive < 0.6, `fraction of class 1: ${positive}`);
    assert.deepEqual(generateIb12(3).labels.toNumbers(), a.labels.toNumbers());
    assert.notDeepEqual(generateIb12(4).labels.toNumbers(), a.labels.toNumbers());
  });

  it('labels are invariant under a symmetry of the icosahedron (a rotation permutes the inputs)', () => {
    const { labels } = generateIb12(5);
    const vertices = icosahedronVertices();
    // Rotation by 120° about (1,1,1) maps (x, y, z) → (z, x, y): a symmetry of this icosahedron.
    const image = vertices.map(([x, y, z]) => vertices.findIndex((v) => Math.abs(v[0]! - z!) + Math.abs(v[1]! - x!) + Math.abs(v[2]! - y!) < 1e-9));
    assert.ok(image.every((j) => j >= 0));
    const values = labels.toNumbers();
    for (let r = 0; r < 4096; r++) {
      let rotated = 0;
      for (let i = 0; i < 12; i++) if ((r >> i) & 1) rotated |= 1 << image[i]!;
      assert.equal(values[rotated], values[r]);
    }
  });
});

describe('built-in datasets', () => {
  it('MNIST: 60 000 + 10 000 images in [0, 1], the first training labels 5 0 4 1 9', () => {
    const mnist = loadMnist('image');
    assert.deepEqual(mnist.train.inputs.shape, [60000, 1, 28, 28]);
    assert.deepEqual(mnist.test.inputs.shape, [10000, 1, 28, 28]);
    assert.deepEqual(mnist.train.labels.narrow(0, 0, 5).toNumbers(), [5, 0, 4, 1, 9]);
    assert.equal(mnist.train.inputs.max().item(), 1);
    assert.equal(mnist.train.inputs.min().item(), 0);
    assert.deepEqual(loadMnist('flat').test.inputs.shape, [10000, 784]);
  });

  it('Fashion-MNIST: 1000 test images of each class', { skip: !existsSync('/usr/share/datasets/fashion-mnist') && 'dataset-fashion-mnist is not installed' }, () => {
    const fashion = loadFashionMnist('flat');
    assert.deepEqual(fashion.train.inputs.shape, [60000, 784]);
    assert.deepEqual(fashion.test.labels.bincount().toNumbers(), new Array<number>(10).fill(1000));
    assert.throws(() => loadFashionMnist('flat', dir), /t10k|train-images-idx3-ubyte\[\.gz\] not found\. Install it with `apt-get install dataset-fashion-mnist`/);
  });
});
