/** The command line end to end: real processes, real files, exit codes. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeNpy } from '../../src/data/npy.js';
import { estimatorSpecSchema, kdeEstimator, medianWidth } from '../../src/info/index.js';
import { tensor } from '../../src/tensor/index.js';
import { assertClose, pseudoRandom } from '../helpers.js';
import { run } from './cli-process.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'infoplane-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

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
    assert.match(mismatch.stderr, /short\.npy: 3 labels for 120 samples; give one per sample/);
    const fractional = path.join(dir, 'fractional.npy');
    writeNpy(fractional, tensor(labelValues.map((v, i) => (i === 7 ? 1.5 : v)), [n], { dtype: 'float64' }));
    const notIntegers = run('mi', '--activations', activationsFile, '--labels', fractional);
    assert.equal(notIntegers.status, 1);
    assert.match(notIntegers.stderr, /fractional\.npy: labels must be non-negative integers but 1 are not \(the first, at index 7, is 1\.5\)/);
    assert.match(run('mi', '--activations', activationsFile, '--labels', labelsFile, '--classes', '2').stderr, /y\.npy: label 2 is outside the 2 classes/);
    const garbled = path.join(dir, 'garbled.npy');
    writeFileSync(garbled, 'not numpy at all');
    assert.match(run('mi', '--activations', garbled, '--labels', labelsFile).stderr, /garbled\.npy: not an NPY file/);
    const missing = run('mi', '--activations', activationsFile);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /required option '--labels <file>' not specified/);
    const badValue = run('mi', '--activations', activationsFile, '--labels', labelsFile, '--noise-variance', 'zero');
    assert.equal(badValue.status, 2);
    assert.match(badValue.stderr, /option '--noise-variance <number>' argument 'zero' is invalid\. Expected number, received string/);
    const badWidth = run('mi', '--activations', activationsFile, '--labels', labelsFile, '--estimator', 'renyi', '--kernel-width', 'wide');
    assert.equal(badWidth.status, 2);
    assert.match(badWidth.stderr, /argument 'wide' is invalid\. expected a positive number or one of "scott", "median"/);
    assert.equal(run('mi', '--activations', activationsFile, '--labels', labelsFile, '--estimator', 'magic').status, 2);
  });
});

describe('infoplane mi: estimator flags from the estimator spec schema', () => {
  it('a flag of another estimator is a usage error naming it and the chosen estimator\'s own flags', () => {
    const foreign = run('mi', '--activations', activationsFile, '--labels', labelsFile, '--estimator', 'bin', '--noise-variance', '0.1');
    assert.equal(foreign.status, 2);
    assert.match(foreign.stderr, /--noise-variance is not an option of the bin estimator \(its options: --binsize\)/);
    const two = run('mi', '--activations', activationsFile, '--labels', labelsFile, '--alpha', '2', '--num-bins', '9');
    assert.equal(two.status, 2);
    assert.match(two.stderr, /--num-bins, --alpha are not options of the kde estimator \(its options: --noise-variance, --precision\)/);
    assert.match(run('mi', '--activations', activationsFile, '--labels', labelsFile, '--estimator', 'softmax', '--binsize', '1').stderr, /--binsize is not an option of the softmax estimator \(it has none\)/);
    const noInputs = run('mi', '--activations', activationsFile, '--labels', labelsFile, '--estimator', 'renyi');
    assert.equal(noInputs.status, 2);
    assert.match(noInputs.stderr, /the renyi estimator needs --inputs <file>/);
  });

  it('--help lists one flag per option of the schema, with its description and default', () => {
    const help = run('mi', '--help');
    assert.equal(help.status, 0, help.stderr);
    const flags = {
      noiseVariance: '--noise-variance <number>', precision: '--precision <float64|float32>', binsize: '--binsize <number>', numBins: '--num-bins <integer>', alpha: '--alpha <number>',
      kernelWidth: '--kernel-width <number|scott|median>', k: '--k <integer>', scope: '--scope <layer|neuron>', quantizeBits: '--quantize-bits <integer>',
    };
    // One flag per option name: an option two estimators share (numBins) has its first variant's description.
    const all = estimatorSpecSchema.options.flatMap((variant) => Object.entries(variant.shape).filter(([field]) => field !== 'name').map(([field, schema]) => [field, (schema as { description?: string }).description!] as const));
    const described = all.filter(([field], index) => all.findIndex(([other]) => other === field) === index);
    assert.deepEqual(described.map(([field]) => field).sort(), Object.keys(flags).sort(), 'every option of the schema has a flag');
    const squashed = help.stdout.replace(/\s+/g, ' ');
    for (const [field, description] of described) assert.ok(squashed.includes(`${flags[field as keyof typeof flags]} `) && squashed.includes(description.replace(/\s+/g, ' ')), field);
    assert.match(squashed, /kde: σ², the variance of the Gaussian noise added to each activation \(default: 0\.1\)/);
    assert.match(squashed, /renyi: Gaussian kernel width σ: .* \(default: median\)/);
  });

  it('--kernel-width median reaches the Rényi estimator and is recorded with the width it chose', () => {
    const result = run('mi', '--activations', activationsFile, '--labels', labelsFile, '--inputs', activationsFile, '--estimator', 'renyi', '--kernel-width', 'median', '--json');
    assert.equal(result.status, 0, result.stderr);
    const output = JSON.parse(result.stdout) as { estimates: { parameters: Record<string, unknown> }[] };
    const parameters = output.estimates[0]!.parameters;
    assert.equal(parameters['kernelWidthRule'], 'median');
    assert.ok(Math.abs((parameters['kernelWidth'] as number) - medianWidth(tensor(activationValues, [n, 6], { dtype: 'float32' }))) < 1e-9);
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

  it('convergence: a constant layer carries 0 bits at every size, so it is stable from the smallest', () => {
    const constant = path.join(dir, 'constant.npy');
    writeNpy(constant, tensor(new Array<number>(n * 6).fill(0.25), [n, 6], { dtype: 'float32' }));
    const result = run('convergence', '--activations', constant, '--labels', labelsFile, '--sizes', '30,60,120', '--quiet');
    assert.equal(result.status, 0, result.stderr);
    // 0 up to rounding (which may print as −0.0000).
    assert.match(result.stdout, /^\s+30(\s+-?0\.0000){4}$/m);
    assert.match(result.stdout, /^\s+120\s/m);
    assert.match(result.stdout, /\nstable within 0\.1 bits of the N = 120 estimate from N = 30\n/);
  });

  it('convergence: far-apart distinct points carry log₂ N bits, a bit more at each doubling, so only the full size is stable', () => {
    // t_i = 10·i: with σ² = 0.1 the kernel between any two points is e^(−500), so I(X;T) = log₂ N exactly.
    const spread = path.join(dir, 'spread.npy');
    writeNpy(spread, tensor([...Array(n).keys()].map((i) => 10 * i), [n, 1], { dtype: 'float64' }));
    const result = run('convergence', '--activations', spread, '--labels', labelsFile, '--sizes', '30,60,120', '--quiet', '--json');
    assert.equal(result.status, 0, result.stderr);
    const output = JSON.parse(result.stdout) as { stableFrom: number; points: { samples: number; estimate: { ixt: { upper: number } } }[] };
    assert.deepEqual(output.points.map((p) => Number(p.estimate.ixt.upper.toFixed(9))), [30, 60, 120].map((size) => Number(Math.log2(size).toFixed(9))));
    assert.equal(output.stableFrom, 120);
    const text = run('convergence', '--activations', spread, '--labels', labelsFile, '--sizes', '30,60,120', '--quiet');
    assert.match(text.stdout, /\nstable within 0\.1 bits of the N = 120 estimate from N = 120\n/);
  });
});

describe('infoplane doctor', () => {
  it('reports the engine and a matmul figure', () => {
    const result = run('doctor', '--json');
    assert.equal(result.status, 0, result.stderr);
    const info = JSON.parse(result.stdout) as { libtorchVersion: string; threads: number; matmul2048Gflops: number; matmul2048: { flops: number; seconds: number }; devices: string[] };
    assert.match(info.libtorchVersion, /^1\.13/);
    assert.ok(info.threads >= 1);
    // The figure is 2·2048³ floating-point operations (a hand count) over the measured median seconds.
    assert.equal(info.matmul2048.flops, 2 * 2048 ** 3);
    assert.ok(info.matmul2048.seconds > 0 && Number.isFinite(info.matmul2048.seconds));
    assertClose([info.matmul2048Gflops], [info.matmul2048.flops / info.matmul2048.seconds / 1e9], 1e-12);
    assert.deepEqual(info.devices.slice(0, 1), ['cpu']);
  });

  it('unknown commands are usage errors', () => {
    assert.equal(run('frobnicate').status, 2);
  });
});
