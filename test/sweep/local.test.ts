/**
 * The local executor end to end through the CLI, with real child processes: a failing trial is recorded
 * and the others finish; a second sweep command on the same directory is refused; a sweep killed with
 * SIGKILL mid-trial loses nothing, its child stops, and the re-run resumes the interrupted trial to
 * exactly the records of an uninterrupted run.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runExperiment } from '../../src/experiment/runner.js';
import { readSweepFile } from '../../src/sweep/spec.js';
import { sweepStatus, trialStatus } from '../../src/sweep/state.js';
import { setNumThreads } from '../../src/tensor/index.js';
import { tinyConfig } from '../experiment/fixtures.js';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'infoplane.js');
const root = mkdtempSync(path.join(os.tmpdir(), 'infoplane-sweep-local-'));
after(() => rmSync(root, { recursive: true, force: true }));

const base = { ...tinyConfig, estimators: [{ name: 'bin', binsize: 0.5 }], dynamics: { kdeDerivativeSamples: 0 } };

function specFile(name: string, spec: Record<string, unknown>): string {
  const file = path.join(root, `${name}.json`);
  writeFileSync(file, JSON.stringify({ name, ...spec }));
  return file;
}

/** Records without wall-clock fields, which legitimately differ between runs. */
function metrics(dir: string): unknown[] {
  return readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => {
    const { elapsedSeconds: _e, timings: _t, ...rest } = JSON.parse(line) as Record<string, unknown>;
    return rest;
  });
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('local sweeps', () => {
  it('records a failing trial with its error and log, finishes the others, aggregates them and exits 1', () => {
    const file = specFile('failing', {
      base,
      grid: { dataset: [base.dataset, { name: 'npy', trainInputs: path.join(root, 'missing-x.npy'), trainLabels: path.join(root, 'missing-y.npy') }] },
      seeds: 2,
    });
    const out = path.join(root, 'failing-sweep');
    const result = spawnSync(process.execPath, [bin, 'sweep', file, '--out', out, '--quiet'], { encoding: 'utf8' });
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stdout, /2 finished, 0 running, 2 failed/);
    assert.match(result.stderr, /failed: dataset-[0-9a-f]{8}_seed-0 \(attempt 1\): .*missing-x\.npy/);
    const sweep = readSweepFile(out);
    const states = sweepStatus(out, sweep).map((status) => [status.trial.id.replace(/-[0-9a-f]{8}_/, '-X_'), status.state]);
    assert.deepEqual(states.map(([, state]) => state), ['finished', 'finished', 'failed', 'failed']);
    const failed = sweepStatus(out, sweep)[2]!;
    assert.match(failed.failure!.error, /missing-x\.npy/);
    assert.ok(existsSync(path.join(out, failed.failure!.log!)), 'the failure names its log');
    assert.match(readFileSync(path.join(out, failed.failure!.log!), 'utf8'), /missing-x\.npy/);
    const info = JSON.parse(readFileSync(path.join(out, 'aggregate.json'), 'utf8')) as { settings: { trials: string[]; leftOut: { state: string }[] }[] };
    assert.equal(info.settings[0]!.trials.length, 2);
    assert.deepEqual(info.settings[1]!.leftOut.map((trial) => trial.state), ['failed', 'failed']);
    // Re-running leaves failed trials alone unless asked.
    const again = spawnSync(process.execPath, [bin, 'sweep', file, '--out', out, '--quiet'], { encoding: 'utf8' });
    assert.equal(again.status, 1);
    assert.match(again.stdout, /2 trials failed before and were left alone \(--retry-failed/);
    const retried = spawnSync(process.execPath, [bin, 'sweep', file, '--out', out, '--quiet', '--retry-failed'], { encoding: 'utf8' });
    assert.equal(retried.status, 1);
    assert.equal(sweepStatus(out, sweep)[2]!.failure!.attempt, 2);
  });

  it('Slurm missing: a clear error saying what was run, and the sweep directory left consistent', () => {
    const file = specFile('noslurm', { base, seeds: 2 });
    const out = path.join(root, 'noslurm-sweep');
    const result = spawnSync(process.execPath, [bin, 'sweep', file, '--executor', 'slurm', '--out', out, '--quiet'], { encoding: 'utf8', env: { ...process.env, PATH: path.join(root, 'no-such-bin') } });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /ran `sbatch --parsable \S+sweep\.sbatch`: sbatch was not found\. Is Slurm installed and on PATH here\?/);
    assert.ok(!existsSync(path.join(out, 'sweep.lock')), 'the lock is released');
    assert.ok(!existsSync(path.join(out, 'slurm', 'jobs.json')), 'no job recorded');
    assert.deepEqual(sweepStatus(out, readSweepFile(out)).map((status) => status.state), ['pending', 'pending']);
    // The same directory then runs locally.
    const local = spawnSync(process.execPath, [bin, 'sweep', file, '--out', out, '--quiet'], { encoding: 'utf8' });
    assert.equal(local.status, 0, local.stderr);
    assert.match(local.stdout, /2 finished/);
  });

  it('killed with SIGKILL mid-trial: another sweep command is refused meanwhile, the child stops, and the re-run resumes to the uninterrupted records', async () => {
    const file = specFile('killed', { base: { ...base, epochs: 60, optimizer: { type: 'adam', learningRate: 0.01 }, batchSize: 128 }, grid: { 'model.activation': ['tanh', 'relu'] }, seeds: 1 });
    const out = path.join(root, 'killed-sweep');
    const sweepProcess = spawn(process.execPath, [bin, 'sweep', file, '--out', out, '--quiet', '--concurrency', '1'], { stdio: 'ignore' });
    const deadline = Date.now() + 180_000;
    // Wait until the first trial has finished and the second is part-way.
    let second: ReturnType<typeof trialStatus> | undefined;
    while (Date.now() < deadline) {
      await sleep(100);
      if (!existsSync(path.join(out, 'sweep.json'))) continue;
      const sweep = readSweepFile(out);
      const [first, next] = sweepStatus(out, sweep);
      if (first!.state === 'finished' && next!.state === 'running' && next!.epoch >= 5) {
        second = next;
        break;
      }
    }
    assert.ok(second, 'the second trial got under way');
    const refused = spawnSync(process.execPath, [bin, 'sweep', file, '--out', out, '--quiet'], { encoding: 'utf8' });
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /is in use by another sweep command \(pid \d+/);
    sweepProcess.kill('SIGKILL');
    const statusFile = path.join(out, second.trial.dir, 'status.json');
    const childPid = (JSON.parse(readFileSync(statusFile, 'utf8')) as { pid: number }).pid;
    const stopBy = Date.now() + 20_000;
    while (alive(childPid) && Date.now() < stopBy) await sleep(100);
    assert.ok(!alive(childPid), 'the trial process stopped with its sweep');
    const sweep = readSweepFile(out);
    const interrupted = trialStatus(out, sweep.trials[1]!);
    assert.equal(interrupted.state, 'interrupted');
    assert.ok(interrupted.epoch < 60);
    const resumed = spawnSync(process.execPath, [bin, 'sweep', file, '--out', out, '--quiet'], { encoding: 'utf8' });
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stdout, /2 finished, 0 running, 0 failed/);
    assert.match(readFileSync(path.join(out, 'logs', `${sweep.trials[1]!.id}.log`), 'utf8'), /resumed and finished/);
    // The reference with the trials' one thread (a different thread count may reorder float sums).
    setNumThreads(1);
    const whole = path.join(root, 'uninterrupted');
    await runExperiment({ config: sweep.trials[1]!.config, out: whole });
    assert.deepEqual(metrics(path.join(out, sweep.trials[1]!.dir)), metrics(whole));
    assert.ok(existsSync(path.join(out, 'aggregate.jsonl')));
  });
});
