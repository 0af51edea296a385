/** `infoplane bias` end to end: a real process, its files, its table and its usage errors. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { knownValue } from '../../src/info/known-mi.js';
import { parseEstimatorSpec } from '../../src/info/index.js';
import { run as infoplane } from './cli-process.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'infoplane-bias-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** `infoplane bias ARGS…`. */
const run = (...args: string[]) => infoplane('bias', ...args);

interface BiasJson {
  settings: { samples: number[]; dims: number[]; seed: number; estimators: { name: string }[] };
  rows: { task: string; setting: string; quantity: string; samples: number; dims: number; estimator: string; trueBits: number; upperBits: number; lowerBits: number; plugInBiasBits?: number; seconds: number }[];
  skipped: { task: string; quantity?: string; reason: string; count: number; text: string }[];
}

describe('infoplane bias', () => {
  const out = path.join(dir, 'small');
  const small = ['--estimators', 'bin:binsize=1,ksg', '--tasks', 'channel,correlated', '--samples', '64,128', '--dims', '1,2', '--seed', '3', '--out', out];

  it('writes bias.json with a row per task setting, N, d, estimator and quantity, the figure, and a table of estimate − truth', () => {
    const result = run(...small);
    assert.equal(result.status, 0, result.stderr);
    const json = JSON.parse(readFileSync(path.join(out, 'bias.json'), 'utf8')) as BiasJson;
    assert.deepEqual(json.settings.samples, [64, 128]);
    assert.equal(json.settings.seed, 3);
    // channel (3 settings, d = 1): bin's two quantities and ksg's I(Y;T); correlated (3 settings × 2 d): ksg only.
    const count = (task: string, estimator: string): number => json.rows.filter((row) => row.task === task && row.estimator === estimator).length;
    assert.equal(count('channel', 'bin size 1'), 3 * 2 * 2);
    assert.equal(count('channel', 'ksg k=3'), 3 * 2);
    assert.equal(count('correlated', 'ksg k=3'), 3 * 2 * 2);
    assert.equal(json.rows.length, 12 + 6 + 12);
    const channel = json.rows.find((row) => row.task === 'channel' && row.setting === 'M=16 ε=0.2' && row.quantity === 'I(Y;T)' && row.estimator === 'bin size 1' && row.samples === 128)!;
    const truth = knownValue({ task: 'channel', classes: 16, errorRate: 0.2 }, 1, 'I(Y;T)', parseEstimatorSpec({ name: 'bin', binsize: 1 }));
    assert.ok('bits' in truth && channel.trueBits === truth.bits);
    assert.equal(channel.lowerBits, channel.upperBits);
    assert.ok(json.rows.every((row) => Number.isFinite(row.upperBits) && row.seconds >= 0));
    assert.ok(json.skipped.some((skip) => skip.task === 'correlated' && /^bin size 1 on correlated I\(X;T\) \(12\): its I\(X;T\) takes T as a function of distinct inputs/.test(skip.text)));
    assert.ok(json.skipped.some((skip) => skip.task === 'channel' && skip.quantity === undefined && skip.count === 6));
    assert.deepEqual([...readFileSync(path.join(out, 'bias.png')).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.match(readFileSync(path.join(out, 'bias.svg'), 'utf8'), /^<svg/);
    assert.match(result.stdout, /channel · I\(Y;T\)/);
    // Miller–Madow's prediction where N exceeds the joint table's cells (16 for M = 4), none for M = 16's 256.
    assert.match(result.stdout, /M=4 ε=0\.1\s+128\s+1\s+bin size 1\s+1\.373\s+\d\.\d{3}\s+[+−]\d\.\d{3} {11}\+0\.051\n/);
    assert.match(result.stdout, /M=16 ε=0\.2\s+128\s+1\s+bin size 1\s+2\.497\s+\d\.\d{3}\s+[+−]\d\.\d{3} {11}\n/);
    assert.match(result.stdout, /skipped \(count of setting × N × d\):/);
    // One estimate gives both of the channel's quantities: 6 + 6 + 12 estimates.
    assert.match(result.stderr, /estimating \[█+\] 24\/24 100% .*ETA/);
  });

  it('--json prints what bias.json holds; the same seed gives the same numbers', () => {
    const result = run(...small, '--json');
    assert.equal(result.status, 0, result.stderr);
    const printed = JSON.parse(result.stdout) as BiasJson;
    const written = JSON.parse(readFileSync(path.join(out, 'bias.json'), 'utf8')) as BiasJson;
    const numbers = (json: BiasJson): number[] => json.rows.map((row) => row.upperBits);
    assert.deepEqual(numbers(printed), numbers(written));
    assert.equal(result.stderr, '');
  });

  it('--estimator with option lists compares that estimator\'s settings, as reestimate does', () => {
    const grid = path.join(dir, 'grid');
    const result = run('--estimator', 'kde', '--noise-variance', '0.01,0.1', '--tasks', 'gaussian-layer', '--samples', '64', '--dims', '1', '--out', grid, '--quiet');
    assert.equal(result.status, 0, result.stderr);
    const json = JSON.parse(readFileSync(path.join(grid, 'bias.json'), 'utf8')) as BiasJson;
    assert.deepEqual([...new Set(json.rows.map((row) => row.estimator))], ['kde σ²=0.01', 'kde σ²=0.1']);
    assert.ok(json.rows.every((row) => row.lowerBits < row.upperBits));
  });

  it('bad flags exit 2 with what is wrong and write nothing', () => {
    const nowhere = path.join(dir, 'never');
    const cases: [string[], RegExp][] = [
      [['--samples', '1,64'], /--samples must be a comma-separated list of integers ≥ 2 but is "1,64"\./],
      [['--dims', 'two'], /--dims must be a comma-separated list of integers ≥ 1 but is "two"\./],
      [['--tasks', 'xor'], /--tasks takes gaussian-layer, correlated, class-gaussians, channel, not xor\./],
      [['--estimators', 'kde:noiseVariance=-1'], /--estimators: "kde:noiseVariance=-1": Invalid options of the kde estimator: - noiseVariance: Number must be greater than 0/],
      [['--estimators', 'magic'], /--estimators: "magic": Invalid estimator spec: - name: expected one of "kde"/],
      [['--estimators', 'bin:binsize'], /--estimators: "binsize" in "bin:binsize" is not option=value\./],
      [['--estimators', 'bin', '--binsize', '1'], /give either --estimators or --estimator with its option flags, not both/],
      [['--seed', '-1'], /--seed must be an integer ≥ 0 but is "-1"\./],
    ];
    for (const [args, message] of cases) {
      const result = run(...args, '--out', nowhere);
      assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
    }
    assert.equal(existsSync(nowhere), false);
  });
});
