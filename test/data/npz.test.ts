/** NPZ: numpy-made archives (np.savez and np.savez_compressed), our own round trip, numpy reading ours, bad files. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { encodeNpy } from '../../src/data/npy.js';
import { decodeNpz, encodeZip, readNpz, writeNpz } from '../../src/data/npz.js';
import { assertEveryPrefixRejected, assertFileError, scratchDirectory } from './scratch.js';

const { write } = scratchDirectory();

// np.savez(f, a=np.arange(6, dtype=np.float32).reshape(2, 3), b=np.array([1, -2, 3], dtype=np.int64)), numpy 2.4
// (ZIP64 local headers, real sizes in the directory).
const SAVEZ = 'UEsDBC0AAAAAAAAAIQBP6QAq//////////8FABQAYS5ucHkBABAAmAAAAAAAAACYAAAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzogJzxmNCcsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgyLCAzKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAKAAAAAAAAgD8AAABAAABAQAAAgEAAAKBAUEsDBC0AAAAAAAAAIQB0qPMw//////////8FABQAYi5ucHkBABAAmAAAAAAAAACYAAAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzogJzxpOCcsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgzLCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAKAQAAAAAAAAD+/////////wMAAAAAAAAAUEsBAi0DLQAAAAAAAAAhAE/pACqYAAAAmAAAAAUAAAAAAAAAAAAAAIABAAAAAGEubnB5UEsBAi0DLQAAAAAAAAAhAHSo8zCYAAAAmAAAAAUAAAAAAAAAAAAAAIABzwAAAGIubnB5UEsFBgAAAAACAAIAZgAAAJ4BAAAAAA==';
// np.savez_compressed(f, w=np.array([[0.5, -1.25], [2.0, 3.0]])): a deflated member.
const SAVEZ_COMPRESSED = 'UEsDBC0AAAAIAAAAIQB1JQQm//////////8FABQAdy5ucHkBABAAoAAAAAAAAABWAAAAAAAAAJvsF+obEMnIUMZQrZ6SWpxcpG6loG6TZqGuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5GkY6CkaaOgq1CmQDLgYweGAPob/sh9AMDhCKwwEAUEsBAi0DLQAAAAgAAAAhAHUlBCZWAAAAoAAAAAUAAAAAAAAAAAAAAIABAAAAAHcubnB5UEsFBgAAAAABAAEAMwAAAI0AAAAAAA==';

describe('NPZ', () => {
  it('reads what np.savez and np.savez_compressed wrote', () => {
    const { arrays } = decodeNpz(Buffer.from(SAVEZ, 'base64'), 'savez.npz');
    assert.deepEqual([...arrays.keys()], ['a', 'b']);
    assert.deepEqual(arrays.get('a'), { data: new Float32Array([0, 1, 2, 3, 4, 5]), shape: [2, 3], dtype: 'float32' });
    assert.deepEqual(arrays.get('b'), { data: new BigInt64Array([1n, -2n, 3n]), shape: [3], dtype: 'int64' });
    const compressed = decodeNpz(Buffer.from(SAVEZ_COMPRESSED, 'base64'), 'compressed.npz');
    assert.deepEqual(compressed.arrays.get('w'), { data: new Float64Array([0.5, -1.25, 2, 3]), shape: [2, 2], dtype: 'float64' });
  });

  it('writes arrays and raw members that read back the same; the same arrays give the same bytes', () => {
    const arrays = new Map([
      ['model.dense_1.kernel', { data: new Float32Array([1.5, -2, 3, 4.25]), shape: [2, 2], dtype: 'float32' as const }],
      ['scalar', { data: new Float64Array([Math.PI]), shape: [], dtype: 'float64' as const }],
    ]);
    const others = new Map([['meta.json', Buffer.from('{"epoch":3}')]]);
    const file = write('state.npz', new Uint8Array());
    writeNpz(file, arrays, others);
    const back = readNpz(file);
    assert.deepEqual(back.arrays, arrays);
    assert.deepEqual(back.others, others);
    const again = write('again.npz', new Uint8Array());
    writeNpz(again, arrays, others);
    assert.deepEqual(readNpz(again), back);
  });

  it('a file cut short anywhere, a flipped byte, or another format is an error naming the file', () => {
    const bytes = encodeZip(new Map([['x.npy', encodeNpy(new Int32Array([7, 8]), [2], 'int32')], ['y.bin', Buffer.from('payload')]]));
    assert.deepEqual(readNpz(write('whole.npz', bytes)).arrays.get('x')!.data, new Int32Array([7, 8]));
    assertEveryPrefixRejected(bytes, (file) => readNpz(file), (content) => write('cut.npz', content));
    const flipped = Buffer.from(bytes);
    flipped[flipped.indexOf('payload') + 2] ^= 1;
    const file = write('flipped.npz', flipped);
    assertFileError(() => readNpz(file), file, /y\.bin fails its CRC-32 check/);
    const npy = write('plain.npz', Buffer.from('\x93NUMPY not a zip at all, but long enough to look', 'latin1'));
    assertFileError(() => readNpz(npy), npy, /not a ZIP\/NPZ file/);
  });

  const PYTHON = '/usr/bin/python3';
  const numpy = existsSync(PYTHON) && ((): boolean => {
    try {
      execFileSync(PYTHON, ['-c', 'import numpy'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  it('numpy reads ours', { skip: numpy ? false : 'numpy is not installed for /usr/bin/python3' }, () => {
    const file = write('for-numpy.npz', new Uint8Array());
    writeNpz(file, new Map([['w', { data: new Float32Array([1, 2, 3, 4, 5, 6]), shape: [2, 3], dtype: 'float32' as const }]]), new Map([['meta.json', Buffer.from('{}')]]));
    const printed = execFileSync(PYTHON, ['-c', 'import sys, numpy as np; z = np.load(sys.argv[1]); print(z.files, z["w"].dtype, z["w"].tolist(), z["meta.json"])', file], { encoding: 'utf8' });
    assert.equal(printed.trim(), "['w', 'meta.json'] float32 [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]] b'{}'");
  });
});
