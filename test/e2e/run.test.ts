/** `infoplane run` end to end: a real child process, killed with SIGKILL mid-run, resumed to the same metrics. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tinyConfig } from '../experiment/fixtures.js';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'infoplane.js');
const root = mkdtempSync(path.join(os.tmpdir(), 'infoplane-e2e-'));
after(() => rmSync(root, { recursive: true, force: true }));

const configFile = path.join(root, 'tiny.json');
writeFileSync(configFile, JSON.stringify({
  ...tinyConfig,
  model: { layers: [{ type: 'dense', units: 8, activation: 'tanh' }, { type: 'dense', units: 4, activation: 'tanh' }, { type: 'dense', units: 2, activation: 'softmax' }] },
  optimizer: { type: 'adam', learningRate: 0.01 },
  batchSize: 128,
  epochs: 60,
  seed: 5,
  probe: { set: 'test', size: 200 },
  estimators: [{ name: 'kde', noiseVariance: 0.1 }, { name: 'tishby-bin' }],
  dynamics: { kdeDerivativeSamples: 40 },
}));


/** Metrics without wall-clock fields, which legitimately differ between runs. */
function metrics(dir: string): unknown[] {
  return readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => {
    const { elapsedSeconds: _elapsed, timings: _timings, ...rest } = JSON.parse(line) as Record<string, unknown>;
    return rest;
  });
}

function lineCount(file: string): number {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l.endsWith('}')).length : 0;
}

describe('infoplane run', () => {
  it('runs a config file, prints a line per logged epoch and where the run is', () => {
    const dir = path.join(root, 'short');
    const result = spawnSync(process.execPath, [bin, 'run', configFile, '--epochs', '2', '--out', dir, '--quiet'], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^epoch\s+0\s+loss/m);
    assert.match(result.stdout, /^epoch\s+2\s+loss \d\.\d{4}\/\d\.\d{4}\s+acc/m);
    assert.match(result.stdout, /run written to .*short/);
    assert.equal(lineCount(path.join(dir, 'metrics.jsonl')), 3);
    const again = spawnSync(process.execPath, [bin, 'run', configFile, '--epochs', '2', '--out', dir], { encoding: 'utf8' });
    assert.equal(again.status, 1);
    assert.match(again.stderr, /already holds a run/);
    const bad = spawnSync(process.execPath, [bin, 'run', configFile, '--set', 'batchSize=-1', '--out', path.join(root, 'bad')], { encoding: 'utf8' });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /Invalid experiment config:\n- batchSize/);
  });

  it('killed with SIGKILL mid-run and resumed, it records exactly what an uninterrupted run records', async () => {
    const whole = path.join(root, 'whole');
    const uninterrupted = spawnSync(process.execPath, [bin, 'run', configFile, '--out', whole, '--quiet', '--threads', '2'], { encoding: 'utf8' });
    assert.equal(uninterrupted.status, 0, uninterrupted.stderr);

    const killed = path.join(root, 'killed');
    const child = spawn(process.execPath, [bin, 'run', configFile, '--out', killed, '--quiet', '--threads', '2'], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const deadline = Date.now() + 120_000;
    while (lineCount(path.join(killed, 'metrics.jsonl')) < 10) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        assert.fail(`the run wrote ${lineCount(path.join(killed, 'metrics.jsonl'))} records in 120 s, expected 10`);
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    const before = lineCount(path.join(killed, 'metrics.jsonl'));
    assert.ok(before >= 10 && before < 61, `killed after ${before} records`);
    assert.equal(JSON.parse(readFileSync(path.join(killed, 'status.json'), 'utf8')).state, 'running');

    const resumed = spawnSync(process.execPath, [bin, 'run', '--resume', killed, '--quiet', '--threads', '2'], { encoding: 'utf8' });
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stdout, /resuming into/);
    assert.deepEqual(metrics(killed), metrics(whole));
    assert.equal(JSON.parse(readFileSync(path.join(killed, 'status.json'), 'utf8')).state, 'finished');
    assert.deepEqual(JSON.parse(readFileSync(path.join(killed, 'summary.json'), 'utf8')), JSON.parse(readFileSync(path.join(whole, 'summary.json'), 'utf8')));
  });
});
