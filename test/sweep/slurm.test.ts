/**
 * The Slurm executor on a real single-node cluster (scripts/slurm-local.sh: munged, slurmctld and slurmd
 * started here, their own config directory and port): a job-array sweep with a failing setting, every
 * trial's run directory and the aggregate checked; --no-submit; cancelling a running array.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSweepFile } from '../../src/sweep/spec.js';
import { sweepStatus } from '../../src/sweep/state.js';
import { tinyConfig } from '../experiment/fixtures.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const bin = path.join(repo, 'bin', 'infoplane.js');
const script = path.join(repo, 'scripts', 'slurm-local.sh');
const root = mkdtempSync(path.join(os.tmpdir(), 'infoplane-slurm-test-'));
// munged runs as the munge user, which must reach its directory under here.
chmodSync(root, 0o755);
const cluster = { ...process.env, INFOPLANE_SLURM_DIR: path.join(root, 'cluster'), INFOPLANE_SLURM_PORT: '6917' };
let env: NodeJS.ProcessEnv = cluster;

before(() => {
  const started = spawnSync('bash', [script, 'start'], { env: cluster, encoding: 'utf8', timeout: 240_000 });
  assert.equal(started.status, 0, `slurm-local.sh start: ${started.stderr}`);
  const conf = /export SLURM_CONF=(\S+)/.exec(started.stdout)?.[1];
  assert.ok(conf && existsSync(conf), `SLURM_CONF in: ${started.stdout}`);
  env = { ...cluster, SLURM_CONF: conf };
});

after(() => {
  spawnSync('bash', [script, 'stop'], { env: cluster, encoding: 'utf8', timeout: 60_000 });
  rmSync(root, { recursive: true, force: true });
});

const base = { ...tinyConfig, estimators: [{ name: 'bin', binsize: 0.5 }], dynamics: { kdeDerivativeSamples: 0 } };

function specFile(name: string, spec: Record<string, unknown>): string {
  const file = path.join(root, `${name}.json`);
  writeFileSync(file, JSON.stringify({ name, ...spec }));
  return file;
}

const cli = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { env, encoding: 'utf8', timeout: 300_000 });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface StatusJson { counts: Record<string, number>; jobs: { jobId: string }[]; trials: { id: string; state: string; failure?: { error: string; log: string | null } }[] }

describe('Slurm sweeps on a single-node cluster', () => {
  it('runs a job array, a task per trial, two at a time: every run directory, the failed tasks with their logs, the aggregate', () => {
    const file = specFile('array', {
      base,
      grid: { dataset: [base.dataset, { name: 'npy', trainInputs: path.join(root, 'missing-x.npy'), trainLabels: path.join(root, 'missing-y.npy') }] },
      seeds: 3,
    });
    const out = path.join(root, 'array-sweep');
    const result = cli(['sweep', file, '--executor', 'slurm', '--out', out, '--quiet', '--mem', '1G', '--time', '10:00', '--max-concurrent', '2']);
    assert.equal(result.status, 1, `${result.stdout}\n${result.stderr}`);
    const jobId = /submitted job array (\d+) \(6 tasks\)/.exec(result.stdout)?.[1];
    assert.ok(jobId, result.stdout);
    assert.match(result.stdout, /3 finished, 0 running, 3 failed/);
    const sbatch = readFileSync(path.join(out, 'slurm', 'sweep.sbatch'), 'utf8');
    for (const line of ['#SBATCH --array=0-5%2', '#SBATCH --cpus-per-task=1', '#SBATCH --mem=1G', '#SBATCH --time=10:00']) assert.ok(sbatch.includes(line), `${line} in the script`);
    const sweep = readSweepFile(out);
    const statuses = sweepStatus(out, sweep);
    for (const status of statuses.slice(0, 3)) {
      assert.equal(status.state, 'finished');
      const lines = readFileSync(path.join(out, status.trial.dir, 'metrics.jsonl'), 'utf8').trim().split('\n');
      assert.equal(lines.length, tinyConfig.epochs! + 1, `${status.trial.id}: a record per epoch`);
      assert.equal(JSON.parse(readFileSync(path.join(out, status.trial.dir, 'config.json'), 'utf8')).config.seed, status.trial.seed);
    }
    for (const status of statuses.slice(3)) {
      assert.equal(status.state, 'failed');
      assert.match(status.failure!.error, /missing-x\.npy/);
      assert.equal(status.failure!.log, path.join('logs', `slurm-${jobId}_${status.trial.index}.log`));
      assert.match(readFileSync(path.join(out, status.failure!.log!), 'utf8'), /missing-x\.npy: cannot read the file/);
    }
    const info = JSON.parse(readFileSync(path.join(out, 'aggregate.json'), 'utf8')) as { settings: { trials: string[]; leftOut: unknown[] }[] };
    assert.equal(info.settings[0]!.trials.length, 3);
    assert.equal(info.settings[1]!.leftOut.length, 3);
    const status = JSON.parse(cli(['sweep', 'status', out, '--json']).stdout) as StatusJson;
    assert.deepEqual(status.jobs.map((job) => job.jobId), [jobId]);
    assert.equal(status.counts['finished'], 3);
    assert.equal(status.counts['failed'], 3);
  });

  it('--no-submit writes the script only; cancel stops a running array, and its tasks show as cancelled with their logs', async () => {
    const file = specFile('long', { base: { ...base, epochs: 3000, logEpochs: [0, 3000] }, seeds: 2 });
    const out = path.join(root, 'long-sweep');
    const written = cli(['sweep', file, '--executor', 'slurm', '--out', out, '--no-submit']);
    assert.equal(written.status, 0, written.stderr);
    assert.match(written.stdout, /submit it with: sbatch \S+sweep\.sbatch/);
    assert.ok(!existsSync(path.join(out, 'slurm', 'jobs.json')), 'nothing submitted');
    const submitted = cli(['sweep', file, '--executor', 'slurm', '--out', out, '--no-wait']);
    assert.equal(submitted.status, 0, submitted.stderr);
    let status: StatusJson | undefined;
    for (let i = 0; i < 120; i++) {
      status = JSON.parse(cli(['sweep', 'status', out, '--json']).stdout) as StatusJson;
      if (status.counts['running']! >= 1) break;
      await sleep(500);
    }
    assert.ok(status!.counts['running']! >= 1, `a task runs: ${JSON.stringify(status!.counts)}`);
    const cancelled = cli(['sweep', 'cancel', out]);
    assert.equal(cancelled.status, 0, cancelled.stderr);
    assert.match(cancelled.stdout, /cancelled Slurm job \d+/);
    for (let i = 0; i < 60; i++) {
      status = JSON.parse(cli(['sweep', 'status', out, '--json']).stdout) as StatusJson;
      if (status.counts['running'] === 0 && status.counts['queued'] === 0) break;
      await sleep(500);
    }
    assert.equal(status!.counts['cancelled'], 2, JSON.stringify(status));
    for (const trial of status!.trials) {
      assert.equal(trial.state, 'cancelled');
      assert.match(trial.failure!.error, /CANCELLED/);
    }
    const again = cli(['sweep', 'cancel', out]);
    assert.match(again.stdout, /no Slurm job of this sweep is queued or running/);
  });
});
