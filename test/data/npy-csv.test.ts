/** NPY read/write (against numpy where available) and numeric CSV, on good and malformed files. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readCsv } from '../../src/data/csv.js';
import { decodeNpy, encodeNpy, npyToTensor, readNpy, writeNpy } from '../../src/data/npy.js';
import { tensor } from '../../src/tensor/index.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'infoplane-npy-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: Uint8Array | string): string => {
  const target = path.join(dir, name);
  writeFileSync(target, content);
  return target;
};

const PYTHON = '/usr/bin/python3';
const numpy = (() => {
  try {
    execFileSync(PYTHON, ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const python = (code: string): string => execFileSync(PYTHON, ['-c', code], { encoding: 'utf8' }).trim();

/** A version-1.0 NPY file with the given header dict and payload. */
function npy(dict: string, payload: Uint8Array, version = 1): Uint8Array {
  const prefix = version === 1 ? 10 : 12;
  const header = dict + ' '.repeat((64 - ((prefix + dict.length + 1) % 64)) % 64) + '\n';
  const head = Buffer.alloc(prefix);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = version;
  if (version === 1) head.writeUInt16LE(header.length, 8);
  else head.writeUInt32LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), payload]);
}
const f32 = (values: number[]): Uint8Array => new Uint8Array(new Float32Array(values).buffer);

describe('NPY', () => {
  it('reads hand-built files: versions 1 and 2, scalars, 1-tuples, Fortran order', () => {
    const matrix = readNpy(file('m.npy', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", f32([1, 2, 3, 4, 5, 6]))));
    assert.deepEqual(matrix.shape, [2, 3]);
    assert.deepEqual(Array.from(matrix.data as Float32Array), [1, 2, 3, 4, 5, 6]);
    assert.equal(matrix.dtype, 'float32');
    const v2 = readNpy(file('v2.npy', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", f32([7, 8, 9]), 2)));
    assert.deepEqual([v2.shape, Array.from(v2.data as Float32Array)], [[3], [7, 8, 9]]);
    const scalar = readNpy(file('s.npy', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", f32([2.5]))));
    assert.deepEqual([scalar.shape, Array.from(scalar.data as Float32Array)], [[], [2.5]]);
    const fortran = readNpy(file('f.npy', npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", f32([1, 4, 2, 5, 3, 6]))));
    assert.deepEqual(Array.from(fortran.data as Float32Array), [1, 2, 3, 4, 5, 6]);
    const bytes = readNpy(file('u.npy', npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }", new Uint8Array([3, 250]))));
    assert.deepEqual([bytes.dtype, Array.from(bytes.data as Uint8Array)], ['uint8', [3, 250]]);
  });

  it('malformed files: each error names the file and the problem', () => {
    const bad = (name: string, bytes: Uint8Array, message: RegExp): void => {
      const target = file(name, bytes);
      assert.throws(() => readNpy(target), (error: Error) => error.message.startsWith(target) && message.test(error.message));
    };
    const good = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
    bad('magic.npy', Buffer.from('NUMPY not really'), /not an NPY file/);
    bad('version.npy', (() => { const b = Buffer.from(npy(good, f32([1, 2]))); b[6] = 9; return b; })(), /unsupported NPY format version 9/);
    bad('truncated.npy', npy(good, f32([1])), /truncated: shape \(2\) of <f4 needs 8 data bytes but the file has 4/);
    bad('trailing.npy', npy(good, f32([1, 2, 3])), /trailing bytes/);
    bad('header.npy', npy("{'descr': '<f4', 'shape': (2,), }", f32([1, 2])), /malformed NPY header \(expected the keys descr, fortran_order, shape/);
    bad('garbled.npy', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), __import__('os')}", f32([1, 2])), /malformed NPY header \(cannot parse/);
    bad('dtype.npy', npy("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(16)), /unsupported dtype '<c16'/);
    bad('bigendian.npy', npy("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", f32([1])), /big-endian dtype '>f4' is not supported: save the array little-endian/);
    bad('nan.npy', npy(good, f32([1, NaN])), /element 1 is NaN: the array must be finite/);
    assert.equal(Number.isNaN((decodeNpy(npy(good, f32([1, NaN])), 'x', { allowNaN: true }).data as Float32Array)[1]), true);
  });

  it('writes what it reads: a round trip through encodeNpy and writeNpy, atomically', () => {
    const target = path.join(dir, 'round.npy');
    writeNpy(target, tensor([[1.5, -2], [3, 4]], undefined, { dtype: 'float64' }));
    assert.deepEqual(npyToTensor(target).toNumbers(), [1.5, -2, 3, 4]);
    assert.equal(readFileSync(target).indexOf('\n') % 64, 63, 'data starts at a multiple of 64 bytes');
    assert.deepEqual(readdirSync(dir).filter((name) => name.includes('.tmp-')), []);
    const labels = decodeNpy(encodeNpy(new BigInt64Array([5n, -1n]), [2], 'int64'), 'x');
    assert.deepEqual([labels.dtype, Array.from(labels.data as BigInt64Array)], ['int64', [5n, -1n]]);
    assert.throws(() => writeNpy(path.join(dir, 'no-such-dir', 'x.npy'), tensor([1])), /cannot write the array \(ENOENT\)/);
  });

  it('agrees with numpy both ways', { skip: !numpy && 'Debian numpy (/usr/bin/python3) is not installed' }, () => {
    const made = path.join(dir, 'numpy.npy');
    python(`import numpy as np; np.save(${JSON.stringify(made)}, np.arange(12, dtype='<f8').reshape(3, 4) / 4)`);
    assert.deepEqual(npyToTensor(made).toNumbers(), Array.from({ length: 12 }, (_, i) => i / 4));
    const fortran = path.join(dir, 'fortran.npy');
    python(`import numpy as np; np.save(${JSON.stringify(fortran)}, np.asfortranarray(np.arange(6, dtype='<i4').reshape(2, 3)))`);
    assert.deepEqual(npyToTensor(fortran).toNumbers(), [0, 1, 2, 3, 4, 5]);
    const ours = path.join(dir, 'ours.npy');
    writeNpy(ours, tensor([[1, 2, 3], [4, 5, 6]], undefined, { dtype: 'int64' }));
    assert.equal(python(`import numpy as np; a = np.load(${JSON.stringify(ours)}); print(a.dtype, a.shape, a.sum())`), 'int64 (2, 3) 21');
  });
});

describe('CSV', () => {
  it('reads numbers with a detected header, a label column by name or index, quotes and CRLF', () => {
    const table = readCsv(file('t.csv', 'a,b,label\r\n1,2.5,0\r\n"3",-4e-1,1\r\n'), { labelColumn: 'label' });
    assert.deepEqual(table.shape, [2, 2]);
    assert.deepEqual(Array.from(table.inputs), [1, 2.5, 3, -0.4]);
    assert.deepEqual(Array.from(table.labels!), [0, 1]);
    assert.deepEqual(table.columnNames, ['a', 'b', 'label']);
    const noHeader = readCsv(file('n.csv', '1;2\n3;4\n'), { delimiter: ';', labelColumn: -1 });
    assert.deepEqual([Array.from(noHeader.inputs), Array.from(noHeader.labels!)], [[1, 3], [2, 4]]);
  });

  it('malformed files name the line, the column and the problem', () => {
    assert.throws(() => readCsv(file('ragged.csv', '1,2\n3\n')), /ragged\.csv: line 2 has 1 columns but the first row has 2/);
    assert.throws(() => readCsv(file('text.csv', 'x,y\n1,two\n')), /text\.csv: line 2, column 2: "two" is not a finite number/);
    assert.throws(() => readCsv(file('empty-cell.csv', '1,,3\n')), /line 1, column 2: empty cell/);
    assert.throws(() => readCsv(file('nan.csv', '1,NaN\n')), /"NaN" is not a finite number/);
    assert.throws(() => readCsv(file('empty.csv', '\n\n')), /empty\.csv: the file has no rows/);
    assert.throws(() => readCsv(file('label.csv', 'a,b\n1,2\n'), { labelColumn: 'c' }), /no column named "c" \(columns: a, b\)/);
  });
});

describe('missing files', () => {
  it('say so, naming the file', () => {
    const missing = path.join(dir, 'absent');
    assert.ok(!existsSync(missing));
    assert.throws(() => readNpy(missing), /absent: cannot read the file \(ENOENT\)/);
    assert.throws(() => readCsv(missing), /absent: cannot read the file \(ENOENT\)/);
  });
});
