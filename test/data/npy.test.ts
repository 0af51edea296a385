/** NPY: hand-built and numpy-made files, byte-for-byte agreement with np.save, numpy reading ours, bad files. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type NpyData, decodeNpy, encodeNpy, npyToTensor, readNpy, writeNpy } from '../../src/data/npy.js';
import { type Tensor, tensor } from '../../src/tensor/index.js';
import { assertEveryPrefixRejected, assertFileError, scratchDirectory } from './scratch.js';

const { dir, write } = scratchDirectory();

/** Debian's python3 has numpy; the `python3` on PATH may not. */
const PYTHON = '/usr/bin/python3';
// CI installs numpy (scripts/setup.sh --test): there its absence is a failure, not a skip.
const numpySkip = ((): string | false => {
  if (process.env['CI']) return false;
  if (!existsSync(PYTHON)) return `${PYTHON} is absent, so there is no numpy to compare with`;
  try {
    execFileSync(PYTHON, ['-c', 'import numpy'], { stdio: 'ignore' });
    return false;
  } catch {
    return `numpy is not installed for ${PYTHON} (apt-get install python3-numpy)`;
  }
})();
const python = (code: string, ...args: string[]): string => execFileSync(PYTHON, ['-c', code, ...args], { encoding: 'utf8' });

/** An .npy file built by hand: preamble for `version`, the dict padded as numpy pads it, then the payload. */
function npy(dict: string, payload: Uint8Array, version = 1): Buffer {
  const preamble = Buffer.alloc(version === 1 ? 10 : 12);
  const header = dict + ' '.repeat(63 - ((preamble.length + dict.length) % 64)) + '\n';
  preamble.write('\x93NUMPY', 0, 'latin1');
  preamble[6] = version;
  if (version === 1) preamble.writeUInt16LE(Buffer.byteLength(header), 8);
  else preamble.writeUInt32LE(Buffer.byteLength(header), 8);
  return Buffer.concat([preamble, Buffer.from(header, version === 3 ? 'utf8' : 'latin1'), payload]);
}
const dict = (descr: string, shape: string, fortran = false): string => `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shape}, }`;
const bytesOf = (array: NpyData): Uint8Array => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);

describe('readNpy on hand-built files', () => {
  it('reads every supported dtype little-endian', () => {
    const read = (descr: string, shape: string, payload: NpyData): unknown[] => {
      const { dtype, shape: readShape, data } = readNpy(write(`${descr.replace(/\W/g, '_')}.npy`, npy(dict(descr, shape), bytesOf(payload))));
      return [dtype, readShape, Array.from(data as ArrayLike<number | bigint>)];
    };
    assert.deepEqual(read('<f4', '(2, 3)', new Float32Array([1, 2, 3, 4, 5, 6.5])), ['float32', [2, 3], [1, 2, 3, 4, 5, 6.5]]);
    assert.deepEqual(read('<f8', '(2,)', new Float64Array([Math.PI, -1e-300])), ['float64', [2], [Math.PI, -1e-300]]);
    assert.deepEqual(read('|i1', '(3,)', new Int8Array([-128, 0, 127])), ['int8', [3], [-128, 0, 127]]);
    assert.deepEqual(read('<i1', '(1,)', new Int8Array([-5])), ['int8', [1], [-5]]);
    assert.deepEqual(read('<i2', '(2,)', new Int16Array([-32768, 300])), ['int16', [2], [-32768, 300]]);
    assert.deepEqual(read('<i4', '(1, 2)', new Int32Array([-(2 ** 31), 2 ** 31 - 1])), ['int32', [1, 2], [-(2 ** 31), 2 ** 31 - 1]]);
    assert.deepEqual(read('<i8', '(2,)', new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n])), ['int64', [2], [-(2n ** 63n), 2n ** 63n - 1n]]);
    assert.deepEqual(read('|u1', '(2,)', new Uint8Array([3, 250])), ['uint8', [2], [3, 250]]);
    assert.deepEqual(read('<u1', '(1,)', new Uint8Array([9])), ['uint8', [1], [9]]);
    assert.deepEqual(read('|b1', '(3,)', new Uint8Array([1, 0, 1])), ['bool', [3], [1, 0, 1]]);
    assert.deepEqual(read('=f4', '(1,)', new Float32Array([0.5])), ['float32', [1], [0.5]]);
    assert.deepEqual(read('>u1', '(1,)', new Uint8Array([200])), ['uint8', [1], [200]]);
  });

  it('reads scalars, 1-tuples, empty arrays, versions 2.0 and 3.0 and double-quoted or Python 2 headers', () => {
    const read = (name: string, bytes: Uint8Array): unknown[] => {
      const { shape, data } = readNpy(write(name, bytes));
      return [shape, Array.from(data as Float32Array)];
    };
    assert.deepEqual(read('scalar.npy', npy(dict('<f4', '()'), bytesOf(new Float32Array([2.5])))), [[], [2.5]]);
    assert.deepEqual(read('one.npy', npy(dict('<f4', '(5,)'), bytesOf(new Float32Array([1, 2, 3, 4, 5])))), [[5], [1, 2, 3, 4, 5]]);
    assert.deepEqual(read('empty.npy', npy(dict('<f4', '(0, 3)'), new Uint8Array(0))), [[0, 3], []]);
    assert.deepEqual(read('v2.npy', npy(dict('<f4', '(3,)'), bytesOf(new Float32Array([7, 8, 9])), 2)), [[3], [7, 8, 9]]);
    assert.deepEqual(read('v3.npy', npy(dict('<f4', '(2,)'), bytesOf(new Float32Array([1, 2])), 3)), [[2], [1, 2]]);
    assert.deepEqual(read('quotes.npy', npy('{"descr": "<f4", "fortran_order": False, "shape": (1,)}', bytesOf(new Float32Array([4])))), [[1], [4]]);
    assert.deepEqual(read('py2.npy', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1L, 2L), }", bytesOf(new Float32Array([4, 5])))), [[1, 2], [4, 5]]);
  });

  it('transposes Fortran-order data to row-major', () => {
    // Column-major [[1, 2, 3], [4, 5, 6]] is 1 4 2 5 3 6.
    const matrix = readNpy(write('f2.npy', npy(dict('<f8', '(2, 3)', true), bytesOf(new Float64Array([1, 4, 2, 5, 3, 6])))));
    assert.deepEqual(Array.from(matrix.data as Float64Array), [1, 2, 3, 4, 5, 6]);
    // 2×3×2 with value = row-major index: column-major position of (i, j, k) is i + 2j + 6k.
    const columnMajor = new Int32Array(12);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 2; k++) columnMajor[i + 2 * j + 6 * k] = i * 6 + j * 2 + k;
    const cube = readNpy(write('f3.npy', npy(dict('<i4', '(2, 3, 2)', true), bytesOf(columnMajor))));
    assert.deepEqual([cube.shape, Array.from(cube.data as Int32Array)], [[2, 3, 2], Array.from({ length: 12 }, (_, i) => i)]);
  });

  it('npyToTensor keeps dtype and shape; allowNaN lets NaN and Infinity through', () => {
    const t = npyToTensor(write('t.npy', npy(dict('<i8', '(2, 1)'), bytesOf(new BigInt64Array([5n, -1n])))));
    assert.deepEqual([t.dtype, [...t.shape], t.toNumbers()], ['int64', [2, 1], [5, -1]]);
    const nan = write('allow.npy', npy(dict('<f4', '(2,)'), bytesOf(new Float32Array([Number.NaN, -Infinity]))));
    assert.deepEqual(Array.from(readNpy(nan, { allowNaN: true }).data as Float32Array), [Number.NaN, -Infinity]);
  });
});

describe('readNpy on malformed files: the error names the file and the problem', () => {
  const good = dict('<f4', '(2,)');
  const two = bytesOf(new Float32Array([1, 2]));
  const bad = (name: string, bytes: Uint8Array, problem: RegExp): void => {
    const file = write(name, bytes);
    assertFileError(() => readNpy(file), file, problem);
  };

  it('the magic string, version and header length', () => {
    bad('empty.npy', new Uint8Array(0), /not an NPY file: the file is empty/);
    bad('magic.npy', Buffer.from('PK\x03\x04 a zip, not an array', 'latin1'), /not an NPY file: it must start with the magic string \\x93NUMPY but starts with the bytes 50 4b 03 04 20 61/);
    bad('preamble.npy', Buffer.from('\x93NUMPY\x01', 'latin1'), /truncated: 7 bytes is shorter than the NPY preamble/);
    const version = (major: number, minor: number): Buffer => {
      const bytes = npy(good, two);
      bytes[6] = major;
      bytes[7] = minor;
      return bytes;
    };
    bad('v4.npy', version(4, 0), /unsupported NPY format version 4\.0 \(supported: 1\.0, 2\.0, 3\.0\)/);
    bad('v11.npy', version(1, 1), /unsupported NPY format version 1\.1/);
    bad('length.npy', npy(good, two).subarray(0, 40), /truncated: the preamble declares a 118-byte header but the file has 30 bytes after the preamble/);
  });

  it('headers that are not the strict dict numpy writes', () => {
    const header = (name: string, text: string, problem: RegExp): void => bad(name, npy(text, two), problem);
    header('keys.npy', "{'descr': '<f4', 'shape': (2,), }", /malformed NPY header \(expected the keys descr, fortran_order, shape but found descr, shape\)/);
    header('extra.npy', "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1, }", /found descr, fortran_order, shape, x/);
    header('duplicate.npy', "{'descr': '<f4', 'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", /duplicate key 'descr'/);
    header('eval.npy', "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': __import__('os'), }", /unexpected name "__import__"; only literals are allowed/);
    header('shape-int.npy', "{'descr': '<f4', 'fortran_order': False, 'shape': (2), }", /shape must be a tuple, such as \(3,\) or \(2, 3\)/);
    header('shape-list.npy', "{'descr': '<f4', 'fortran_order': False, 'shape': [2], }", /shape must be a tuple/);
    header('shape-comma.npy', "{'descr': '<f4', 'fortran_order': False, 'shape': (1,,2), }", /unexpected ","/);
    header('shape-negative.npy', "{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", /shape entries must be non-negative integers/);
    header('fortran.npy', "{'descr': '<f4', 'fortran_order': 0, 'shape': (2,), }", /fortran_order must be True or False/);
    header('string.npy', "{'descr': '<f4, 'fortran_order': False, 'shape': (2,), }", /malformed NPY header/);
    header('unclosed.npy', "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), ", /malformed NPY header \(unexpected "the end"/);
    header('after.npy', `${good} x`, /after the dict the header must hold only space padding and a final newline/);
    header('structured.npy', "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", /structured or record dtypes are not supported/);
    const noNewline = npy(good, two);
    noNewline[noNewline.length - two.length - 1] = 0x20;
    bad('newline.npy', noNewline, /after the dict the header must hold only space padding and a final newline/);
    const badUtf8 = npy(good, two, 3);
    badUtf8[20] = 0xff;
    bad('utf8.npy', badUtf8, /malformed NPY header \(format 3\.0 headers must be UTF-8 text\)/);
  });

  it('dtypes we do not read, big-endian data and bool bytes other than 0/1', () => {
    bad('c16.npy', npy(dict('<c16', '(1,)'), new Uint8Array(16)), /unsupported dtype '<c16' \(supported: <f2 <f4 <f8 <i1 <i2 <i4 <i8 <u1 \|u1 \|i1 \|b1\); convert the array before saving/);
    bad('u2.npy', npy(dict('<u2', '(1,)'), new Uint8Array(2)), /unsupported dtype '<u2'/);
    bad('object.npy', npy(dict('|O', '(1,)'), new Uint8Array(8)), /unsupported dtype '\|O'/);
    bad('big.npy', npy(dict('>f4', '(1,)'), new Uint8Array(4)), /big-endian dtype '>f4' is not supported: save the array little-endian, e.g. np\.save\(path, a\.astype\('<f4'\)\)/);
    bad('bar.npy', npy(dict('|f8', '(1,)'), new Uint8Array(8)), /byte order '\|' \(not applicable\) is invalid for the multi-byte dtype '\|f8'/);
    bad('bool.npy', npy(dict('|b1', '(3,)'), new Uint8Array([1, 0, 2])), /element 2 of the bool array is the byte 2; bool data must be 0 or 1/);
  });

  it('data shorter or longer than the shape needs', () => {
    bad('truncated.npy', npy(good, bytesOf(new Float32Array([1]))), /truncated: shape \(2,\) of '<f4' needs 8 bytes of data but the file has 4 after the header/);
    bad('trailing.npy', npy(dict('<i8', '(2, 1)'), new Uint8Array(17)), /trailing bytes: shape \(2, 1\) of '<i8' needs 16 bytes of data but the file has 17/);
    bad('scalar.npy', npy(dict('<f8', '()'), new Uint8Array(0)), /truncated: shape \(\) of '<f8' needs 8 bytes/);
  });

  it('NaN and infinities unless allowed', () => {
    bad('nan.npy', npy(good, bytesOf(new Float32Array([1, Number.NaN]))), /element 1 is NaN: the array must be finite \(pass \{ allowNaN: true \} to accept NaN and ±Infinity\)/);
    bad('inf.npy', npy(dict('<f8', '(1,)'), bytesOf(new Float64Array([Infinity]))), /element 0 is Infinity: the array must be finite/);
  });

  it('a file cut anywhere is rejected', () => {
    assertEveryPrefixRejected(npy(dict('<i2', '(2, 2)'), bytesOf(new Int16Array([1, 2, 3, 4]))), readNpy, (content) => write('prefix.npy', content));
  });

  it('decodeNpy names what it was given in its errors', () => {
    assert.throws(() => decodeNpy(new Uint8Array([1, 2, 3]), 'activations of layer 2'), /^Error: activations of layer 2: not an NPY file/);
  });
});

describe('writeNpy and encodeNpy', () => {
  it('write what readNpy reads back, from a tensor, a typed array with a shape, or a readNpy result', () => {
    const target = path.join(dir, 'round.npy');
    writeNpy(target, tensor([[1.5, -2], [3, 4]], undefined, { dtype: 'float64' }));
    assert.deepEqual(readNpy(target), { data: new Float64Array([1.5, -2, 3, 4]), shape: [2, 2], dtype: 'float64' });
    writeNpy(target, new Int16Array([1, -2, 3, 4, 5, 6]), [3, 2]);
    assert.deepEqual(readNpy(target), { data: new Int16Array([1, -2, 3, 4, 5, 6]), shape: [3, 2], dtype: 'int16' });
    writeNpy(target, new Float32Array([0.5, 1]));
    assert.deepEqual(readNpy(target), { data: new Float32Array([0.5, 1]), shape: [2], dtype: 'float32' });
    const bools = { data: new Uint8Array([1, 0]), shape: [2], dtype: 'bool' as const };
    writeNpy(target, bools);
    assert.deepEqual(readNpy(target), bools);
    writeNpy(target, tensor([0.5, 1.5], undefined, { dtype: 'bfloat16' }));
    assert.deepEqual(readNpy(target), { data: new Float32Array([0.5, 1.5]), shape: [2], dtype: 'float32' });
  });

  it('write float16 tensors as numpy\'s <f2 and read halves back exactly (normal, subnormal, signed zero, the largest)', () => {
    const target = path.join(dir, 'half.npy');
    // Halves: 1 + 1/1024 (the next after 1), 2^-24 (the smallest subnormal), 65504 (the largest), -0, -2.5.
    const values = [1 + 1 / 1024, 2 ** -24, 65504, -0, -2.5, 0.1];
    const half = tensor(values, undefined, { dtype: 'float16' });
    writeNpy(target, half);
    const bytes = readFileSync(target);
    assert.match(bytes.toString('latin1', 10, 80), /'descr': '<f2'/);
    // 0x3c01 = 1 + 2^-10; 0x0001 = 2^-24; 0x7bff = 65504; 0x8000 = -0; 0xc100 = -2.5; 0x2e66 = 0.0999755859375 (0.1 rounded).
    assert.deepEqual([...new Uint16Array(bytes.buffer.slice(bytes.byteOffset + bytes.length - 12, bytes.byteOffset + bytes.length))], [0x3c01, 0x0001, 0x7bff, 0x8000, 0xc100, 0x2e66]);
    const back = readNpy(target);
    assert.equal(back.dtype, 'float16');
    assert.deepEqual([...back.data as Float32Array], [1 + 1 / 1024, 2 ** -24, 65504, -0, -2.5, 0.0999755859375]);
    assert.throws(() => encodeNpy(new Float32Array([0.1]), [1], 'float16'), /0\.1.* is not a float16 value; convert the tensor with to\('float16'\)/);
  });

  it('pad the header so the data starts at a multiple of 64 bytes, ending it in a newline', () => {
    for (const shape of [[], [7], [3, 100000], [1, 2, 3, 4, 5, 6, 7, 8]]) {
      const count = shape.reduce((a, b) => a * b, 1);
      const bytes = encodeNpy(new Float64Array(count), shape, 'float64');
      const dataStart = bytes.length - 8 * count;
      assert.equal(dataStart % 64, 0, `shape [${shape}]: the data starts at ${dataStart}`);
      assert.equal(bytes[dataStart - 1], 0x0a);
      assert.equal(bytes[6], 1, 'format 1.0');
    }
  });

  it('switch to format 2.0 when the header outgrows a uint16 length', () => {
    const shape = new Array<number>(30000).fill(1);
    const bytes = encodeNpy(new Float32Array([7]), shape, 'float32');
    assert.equal(bytes[6], 2);
    assert.equal((bytes.length - 4) % 64, 0);
    const back = decodeNpy(bytes, 'wide');
    assert.deepEqual([back.shape.length, Array.from(back.data as Float32Array)], [30000, [7]]);
  });

  it('leave no temporary file, replace an existing file, and name the file when writing fails', () => {
    const target = path.join(dir, 'atomic.npy');
    writeFileSync(target, 'old contents');
    writeNpy(target, new Int32Array([42]));
    assert.deepEqual(readNpy(target).data, new Int32Array([42]));
    assert.deepEqual(readdirSync(dir).filter((name) => name.includes('.tmp-')), []);
    const unwritable = path.join(dir, 'no-such-directory', 'x.npy');
    assertFileError(() => writeNpy(unwritable, new Int32Array([1])), unwritable, /cannot write the array \(ENOENT\)/);
    assert.deepEqual(readdirSync(dir).filter((name) => name.includes('.tmp-')), []);
  });

  it('reject arguments that do not describe an NPY array, in the one message template', () => {
    const typeError = (call: () => unknown, message: string): void => assert.throws(call, { name: 'TypeError', message });
    typeError(() => encodeNpy(new Float64Array(2), [2], 'float32'), 'Expected a Float32Array for dtype float32 for data but received Float64Array(2)');
    typeError(() => encodeNpy(new Float32Array(3), [2, 2], 'float32'), 'Expected 4 values for shape [2, 2] for data but received Float32Array(3)');
    typeError(() => encodeNpy(new Uint8Array([0, 2]), [2], 'bool'), 'Expected only 0 and 1 in bool data for data but received Uint8Array(2)');
    typeError(() => encodeNpy(new Float32Array(1), [1], 'bfloat16'), 'Expected one of float16, float32, float64, int8, int16, int32, int64, uint8, bool for dtype but received "bfloat16"');
    typeError(() => encodeNpy(new Float32Array(1), [-1], 'float32'), 'Expected an array of non-negative integers for shape but received [-1]');
    typeError(() => writeNpy(path.join(dir, 'x.npy'), tensor([1]) as never, [1]), 'Expected no shape argument with a Tensor (it has its own) for shape but received [1]');
    typeError(() => writeNpy(path.join(dir, 'x.npy'), new Uint16Array(1) as never), 'Expected a Float32/Float64/Int8/Int16/Int32/BigInt64/Uint8 array for data but received Uint16Array(1)');
  });
});

describe('agreement with numpy', { skip: numpySkip }, () => {
  const made = path.join(dir, 'numpy');
  python(`
import numpy as np, os, sys
d = sys.argv[1]
os.makedirs(d)
save = lambda name, a: np.save(os.path.join(d, name + '.npy'), a)
save('f8', np.arange(12, dtype='<f8').reshape(3, 4) / 4)
save('f4', np.array([0.5, -1.25, 3e38, 2.0 ** -149], dtype='<f4'))
save('i1', np.arange(-128, 128, dtype='i1'))
save('i2', (np.arange(-3, 3) * 1000).astype('<i2').reshape(2, 3))
save('i4', np.array([-2 ** 31, 2 ** 31 - 1, 0], dtype='<i4'))
save('i8', np.array([-2 ** 63, 2 ** 63 - 1, 5], dtype='<i8'))
save('u1', np.arange(256, dtype='u1').reshape(16, 16))
save('b1', np.array([[True, False], [False, True]]))
save('scalar', np.float64(2.5))
save('empty', np.zeros((0, 3), dtype='<f4'))
save('fortran', np.asfortranarray(np.arange(24, dtype='<i4').reshape(2, 3, 4)))
for v in (2, 3):
    with open(os.path.join(d, 'v%d.npy' % v), 'wb') as f:
        np.lib.format.write_array(f, np.arange(6, dtype='<f8').reshape(2, 3), version=(v, 0))
save('big', np.arange(3, dtype='>f8'))
save('nan', np.array([1.0, np.nan]))
save('complex', np.array([1j]))
save('structured', np.zeros(2, dtype=[('a', '<f4'), ('b', '<i4')]))
save('object', np.array([1, 'a'], dtype=object))
`, made);
  const numpyFile = (name: string): string => path.join(made, `${name}.npy`);
  const values = (name: string): unknown[] => Array.from(readNpy(numpyFile(name)).data as ArrayLike<number | bigint>);

  it('reads numpy-made files of every dtype with their values', () => {
    assert.deepEqual(readNpy(numpyFile('f8')).shape, [3, 4]);
    assert.deepEqual(values('f8'), Array.from({ length: 12 }, (_, i) => i / 4));
    assert.deepEqual(values('f4'), [0.5, -1.25, Math.fround(3e38), 2 ** -149]);
    assert.deepEqual(values('i1'), Array.from({ length: 256 }, (_, i) => i - 128));
    assert.deepEqual([readNpy(numpyFile('i2')).shape, values('i2')], [[2, 3], [-3000, -2000, -1000, 0, 1000, 2000]]);
    assert.deepEqual(values('i4'), [-(2 ** 31), 2 ** 31 - 1, 0]);
    assert.deepEqual(values('i8'), [-(2n ** 63n), 2n ** 63n - 1n, 5n]);
    assert.deepEqual(values('u1'), Array.from({ length: 256 }, (_, i) => i));
    assert.deepEqual([readNpy(numpyFile('b1')).dtype, values('b1')], ['bool', [1, 0, 0, 1]]);
    assert.deepEqual([readNpy(numpyFile('scalar')).shape, values('scalar')], [[], [2.5]]);
    assert.deepEqual([readNpy(numpyFile('empty')).shape, values('empty')], [[0, 3], []]);
    assert.deepEqual([readNpy(numpyFile('fortran')).shape, values('fortran')], [[2, 3, 4], Array.from({ length: 24 }, (_, i) => i)]);
    for (const version of ['v2', 'v3']) assert.deepEqual(values(version), [0, 1, 2, 3, 4, 5], version);
  });

  it('rejects the numpy files it cannot represent, saying what to do', () => {
    assertFileError(() => readNpy(numpyFile('big')), numpyFile('big'), /big-endian dtype '>f8' is not supported: save the array little-endian/);
    assertFileError(() => readNpy(numpyFile('nan')), numpyFile('nan'), /element 1 is NaN/);
    assertFileError(() => readNpy(numpyFile('complex')), numpyFile('complex'), /unsupported dtype '<c16'/);
    assertFileError(() => readNpy(numpyFile('structured')), numpyFile('structured'), /structured or record dtypes are not supported/);
    assertFileError(() => readNpy(numpyFile('object')), numpyFile('object'), /unsupported dtype '\|O'/);
  });

  it('encodeNpy writes exactly the bytes np.save writes', () => {
    for (const name of ['f8', 'f4', 'i1', 'i2', 'i4', 'i8', 'u1', 'b1', 'scalar', 'empty']) {
      const { data, shape, dtype } = readNpy(numpyFile(name));
      assert.ok(encodeNpy(data, shape, dtype).equals(readFileSync(numpyFile(name))), `${name}.npy differs from np.save's bytes`);
    }
  });

  it('numpy loads what writeNpy writes, with the same dtype, shape and values', () => {
    const ours = path.join(dir, 'ours');
    const arrays: [string, Tensor | NpyData, readonly number[] | undefined][] = [
      ['tensor-f8', tensor([[1.5, -2], [3, 1e300]], undefined, { dtype: 'float64' }), undefined],
      ['f4', new Float32Array([0.1, -2.5, 3]), [3, 1]],
      ['i1', new Int8Array([-128, 127]), undefined],
      ['i2', new Int16Array([-32768, 32767]), undefined],
      ['i4', new Int32Array([-(2 ** 31), 2 ** 31 - 1]), undefined],
      ['i8', new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n]), undefined],
      ['u1', Uint8Array.from({ length: 256 }, (_, i) => i), [16, 16]],
      ['bool', tensor([true, false, true], undefined, { dtype: 'bool' }), undefined],
      ['scalar', tensor(2.5, [], { dtype: 'float64' }), undefined],
      ['empty', new Float64Array(0), [0, 4]],
    ];
    python('import os, sys; os.makedirs(sys.argv[1])', ours);
    for (const [name, array, shape] of arrays) writeNpy(path.join(ours, `${name}.npy`), array as never, shape);
    const loaded = JSON.parse(python(`
import json, os, sys, numpy as np
out = {}
for name in sorted(os.listdir(sys.argv[1])):
    a = np.load(os.path.join(sys.argv[1], name))
    out[name[:-4]] = [a.dtype.str, list(a.shape), [str(int(v)) if isinstance(v, bool) else str(v) for v in a.ravel().tolist()]]
print(json.dumps(out))
`, ours)) as Record<string, [string, number[], string[]]>;
    assert.deepEqual(loaded, {
      'tensor-f8': ['<f8', [2, 2], ['1.5', '-2.0', '3.0', '1e+300']],
      f4: ['<f4', [3, 1], [String(Math.fround(0.1)), '-2.5', '3.0']],
      i1: ['|i1', [2], ['-128', '127']],
      i2: ['<i2', [2], ['-32768', '32767']],
      i4: ['<i4', [2], ['-2147483648', '2147483647']],
      i8: ['<i8', [2], ['-9223372036854775808', '9223372036854775807']],
      u1: ['|u1', [16, 16], Array.from({ length: 256 }, (_, i) => String(i))],
      bool: ['|b1', [3], ['1', '0', '1']],
      scalar: ['<f8', [], ['2.5']],
      empty: ['<f8', [0, 4], []],
    });
  });
});
