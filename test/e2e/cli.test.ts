/** The command line end to end: real processes, real files, exit codes. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeNpy } from '../../src/data/npy.js';
import { kdeEstimator } from '../../src/info/index.js';
import { tensor } from '../../src/tensor/index.js';
import { pseudoRandom } from '../helpers.js';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'infoplane.js');
const dir = mkdtempSync(path.join(os.tmpdir(), 'infoplane-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const n = 120;
const labelValues = pseudoRandom(n, 1).map((v) => (v > 0.3 ? 2 : v > -0.3 ? 1 : 0));
const activationValues = pseudoRandom(n * 6, 2).map((v, i) => Math.tanh(v + labelValues[Math.floor(i / 6)]!));
const activationsFile = path.join(dir, 'a.npy');
const labelsFile = path.join(dir, 'y.npy');
writeNpy(activationsFile, tensor(activationValues, [n, 6], { dtype: 'float32' }));
writeNpy(labelsFile, tensor(labelValues, [n], { dtype: 'int32' }));

describe('infoplane mi', () => {
  it('--json gives the same numbers as the library', () => {
    const result = run('mi', '--activations', activationsFile, '--labels', labelsFile, '--noise-variance', '0.2', '--json');
    assert.equal(result.status, 0, result.stderr);
    const output = JSON.parse(result.stdout) as { samples: number; hX: number; estimates: { ixt: { upper: number }; iyt: { lower: number }; method: string }[] };
    const expected = kdeEstimator({ noiseVariance: 0.2 }).estimate({
      activations: tensor(activationValues, [n, 6], { dtype: 'float32' }),
      labels: tensor(labelValues, undefined, { dtype: 'int64' }),
      numClasses: 3,
    });
    assert.equal(output.samples, n);
    assert.equal(output.hX, Math.log2(n));
    assert.equal(output.estimates[0]!.method, 'concat');
    assert.ok(Math.abs(output.estimates[0]!.ixt.upper - expected.ixt.upper) < 1e-9);
    assert.ok(Math.abs(output.estimates[0]!.iyt.lower - expected.iyt.lower) < 1e-9);
  });

  it('prints a table, with both methods for a conv layer', () => {
    const conv = path.join(dir, 'conv.npy');
    writeNpy(conv, tensor(pseudoRandom(n * 2 * 4, 3), [n, 2, 2, 2], { dtype: 'float64' }));
    const result = run('mi', '--activations', conv, '--labels', labelsFile, '--estimator', 'bin', '--method', 'both', '--per-channel');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /bin, concat method/);
    assert.match(result.stdout, /bin, mean method .*channels 2/);
    assert.match(result.stdout, /I\(X;T\)\s+\d+\.\d{4}\s+bits/);
    assert.match(result.stdout, /per channel/);
  });

  it('bad input exits 1 with the file and the problem; usage errors exit 2', () => {
    const short = path.join(dir, 'short.npy');
    writeNpy(short, tensor([0, 1, 2], undefined, { dtype: 'int64' }));
    const mismatch = run('mi', '--activations', activationsFile, '--labels', short);
    assert.equal(mismatch.status, 1);
    assert.match(mismatch.stderr, /short\.npy: 3 labels for 120 activation rows; they must match/);
    const garbled = path.join(dir, 'garbled.npy');
    writeFileSync(garbled, 'not numpy at all');
    assert.match(run('mi', '--activations', garbled, '--labels', labelsFile).stderr, /garbled\.npy: not an NPY file/);
    const missing = run('mi', '--activations', activationsFile);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /required option '--labels <file>' not specified/);
    const badValue = run('mi', '--activations', activationsFile, '--labels', labelsFile, '--noise-variance', 'zero');
    assert.equal(badValue.status, 2);
    assert.match(badValue.stderr, /--noise-variance must be a positive number but is "zero"/);
    assert.equal(run('mi', '--activations', activationsFile, '--labels', labelsFile, '--estimator', 'magic').status, 2);
  });
});

describe('infoplane calibrate and convergence', () => {
  it('calibrate --json chooses a matching σ² from the grid', () => {
    const result = run('calibrate', '--activations', activationsFile, '--labels', labelsFile, '--steps', '6', '--json');
    assert.equal(result.status, 0, result.stderr);
    const output = JSON.parse(result.stdout) as { noiseVariance: number; points: { noiseVariance: number; matches: boolean }[] };
    assert.equal(output.points.length, 6);
    assert.ok(output.points.some((p) => p.matches && p.noiseVariance === output.noiseVariance));
  });

  it('convergence reports each size and the stable size', () => {
    const result = run('convergence', '--activations', activationsFile, '--labels', labelsFile, '--sizes', '30,60,120', '--quiet');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^\s+30\s/m);
    assert.match(result.stdout, /^\s+120\s/m);
    assert.match(result.stdout, /stable within 0\.1 bits|not stable within 0\.1 bits/);
  });
});

describe('infoplane doctor', () => {
  it('reports the engine and a matmul figure', () => {
    const result = run('doctor', '--json');
    assert.equal(result.status, 0, result.stderr);
    const info = JSON.parse(result.stdout) as { libtorchVersion: string; threads: number; matmul2048Gflops: number; devices: string[] };
    assert.match(info.libtorchVersion, /^1\.13/);
    assert.ok(info.threads >= 1 && info.matmul2048Gflops > 0);
    assert.deepEqual(info.devices.slice(0, 1), ['cpu']);
  });

  it('unknown commands are usage errors', () => {
    assert.equal(run('frobnicate').status, 2);
  });
});
