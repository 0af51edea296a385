/** The runner: what a run directory holds, loss dynamics against first order, and store safety. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync, writeSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveConfig } from '../../src/experiment/config.js';
import { tinyConfig } from './fixtures.js';
import { type EpochRecord, runExperiment } from '../../src/experiment/runner.js';
import { RunStore } from '../../src/experiment/store.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'infoplane-runs-'));
after(() => rmSync(root, { recursive: true, force: true }));
let runs = 0;
const out = (): string => path.join(root, `run${runs++}`);


describe('a run directory', () => {
  it('holds the resolved config, one record per logged epoch, a summary and the finished status', async () => {
    const dir = out();
    const outcome = await runExperiment({ config: resolveConfig(tinyConfig), out: dir });
    const written = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as { schemaVersion: number; config: { seed: number }; run: { probe: { samples: number; hX: number }; layers: unknown[] } };
    assert.equal(written.schemaVersion, 1);
    assert.equal(written.config.seed, 3);
    assert.equal(written.run.probe.samples, 300);
    assert.equal(written.run.probe.hX, Math.log2(300));
    assert.equal(written.run.layers.length, 3);
    const records = RunStore.open(dir).readMetrics<EpochRecord & { schemaVersion: number }>();
    assert.deepEqual(records.map((r) => r.epoch), [0, 1, 2, 3, 4]);
    assert.ok(records.every((r) => r.schemaVersion === 1));
    const last = records.at(-1)!;
    assert.equal(last.step, 4 * Math.ceil(3072 / 256));
    assert.deepEqual(last.layers.map((l) => l.name), ['dense_1', 'dense_2', 'dense_3']);
    for (const layer of last.layers) {
      assert.deepEqual(layer.estimates.map((e) => `${e.estimator}/${e.method}`), ['kde/concat', 'bin/concat']);
      const kde = layer.estimates[0]!;
      assert.ok(kde.ixt.lower <= kde.ixt.upper && kde.ixt.upper <= Math.log2(300) + 1e-9);
      assert.ok(kde.iyt.upper <= 1 + 1e-9);
      assert.equal(layer.gradient!['kernel']!.count, 12);
      assert.ok(layer.weightNorm['kernel']! > 0);
      assert.equal(layer.histogram.counts.reduce((a, b) => a + b, 0), 300 * layer.shape[0]!);
      assert.ok(layer.kdeDerivative && layer.kdeDerivative.totalTerms === ((50 * 49) / 2) * layer.shape[0]!);
    }
    assert.equal(records[0]!.layers[0]!.gradient, null, 'nothing trained before epoch 1');
    assert.equal(last.lossDynamics!.steps, 12);
    // Plain SGD: μ·Δθ/steps and −α‖μ‖² are the same number.
    assert.ok(Math.abs(last.lossDynamics!.predictedFromMean! - last.lossDynamics!.predictedSgd!) < 1e-6 * Math.abs(last.lossDynamics!.predictedSgd!));
    assert.deepEqual(JSON.parse(readFileSync(path.join(dir, 'status.json'), 'utf8')).state, 'finished');
    assert.equal(outcome.summary.layers.length, 3);
    assert.ok(existsSync(path.join(dir, 'summary.json')));
  });

  it('full-batch gradient descent with a tiny step: the loss change matches −α‖∇L‖² to first order, layer terms summing to it', async () => {
    const dir = out();
    const config = resolveConfig({ ...tinyConfig, batchSize: 'full', epochs: 3, optimizer: { type: 'sgd', learningRate: 1e-3 }, model: { ...tinyConfig.model, dtype: 'float64' } });
    const { records } = await runExperiment({ config, out: dir });
    for (const record of records.slice(1)) {
      const dynamics = record.lossDynamics!;
      assert.equal(dynamics.steps, 1);
      const relative = Math.abs(dynamics.measuredPerStep - dynamics.predictedSgd!) / Math.abs(dynamics.predictedSgd!);
      assert.ok(relative < 1e-2, `epoch ${record.epoch}: measured ${dynamics.measuredPerStep}, predicted ${dynamics.predictedSgd} (${relative})`);
      assert.ok(Math.abs(dynamics.layerTerms!.at(-1)!.cumulative - dynamics.predictedSgd!) < 1e-12 * Math.abs(dynamics.predictedSgd!) + 1e-18);
      assert.deepEqual(dynamics.layerTerms!.map((t) => t.layer), ['dense_1', 'dense_2', 'dense_3']);
    }
  });

  it('minibatch identity steps: the full loss change of a step matches ∇L·Δθ = −α·∇L·∇̃L', async () => {
    const config = resolveConfig({ ...tinyConfig, epochs: 2, optimizer: { type: 'sgd', learningRate: 1e-3 }, model: { ...tinyConfig.model, dtype: 'float64' }, dynamics: { identitySteps: 2 } });
    const { records } = await runExperiment({ config, out: out() });
    const checks = records.flatMap((r) => r.lossDynamics?.identity ?? []);
    assert.equal(checks.length, 4);
    for (const check of checks) assert.ok(Math.abs(check.measured - check.predicted) < 1e-2 * Math.abs(check.predicted), JSON.stringify(check));
  });

  it('parallel SNR mode records gradient statistics across the replicas', async () => {
    const config = resolveConfig({ ...tinyConfig, epochs: 2, dynamics: { snr: 'parallel', replicas: 4 } });
    const { records } = await runExperiment({ config, out: out() });
    const kernel = records.at(-1)!.layers[0]!.gradient!['kernel']!;
    assert.equal(kernel.count, 4);
    assert.ok(kernel.std > 0 && kernel.snr > 0);
  });
});

describe('store safety', () => {
  it('refuses a directory that holds a run unless overwriting', async () => {
    const dir = out();
    await runExperiment({ config: resolveConfig({ ...tinyConfig, epochs: 1 }), out: dir });
    await assert.rejects(runExperiment({ config: resolveConfig({ ...tinyConfig, epochs: 1 }), out: dir }), /already holds a run .*pass --resume .* or --overwrite/);
    await runExperiment({ config: resolveConfig({ ...tinyConfig, epochs: 1 }), out: dir, overwrite: true });
  });

  it('an unwritable location is a clear error', async () => {
    const file = path.join(root, 'a-file');
    writeFileSync(file, 'x');
    await assert.rejects(runExperiment({ config: resolveConfig(tinyConfig), out: path.join(file, 'run') }), /cannot create .*a-file\/run \(ENOTDIR/);
  });

  /** Runs `body` on a real, small file system (a 2 MiB tmpfs: needs root, as CI has), with a way to fill it. */
  async function onSmallDisk(t: { skip(message: string): void }, body: (mount: string, fill: (leaveBytes?: number) => void) => Promise<void>): Promise<void> {
    const mount = mkdtempSync(path.join(root, 'small-disk-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mount], { stdio: 'ignore' });
    } catch {
      t.skip('mounting a small tmpfs needs root');
      return;
    }
    const filler = path.join(mount, 'filler');
    /** Fills the disk to the last byte, then frees `leaveBytes` again. */
    const fill = (leaveBytes = 0): void => {
      const fd = openSync(filler, 'w');
      const chunk = Buffer.alloc(4096, 1);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      } finally {
        closeSync(fd);
      }
      if (leaveBytes > 0) truncateSync(filler, statSync(filler).size - leaveBytes);
    };
    try {
      await body(mount, fill);
    } finally {
      execFileSync('umount', [mount]);
    }
  }

  it('a disk that fills mid-run: a clear error, the finished epochs intact, and a resume gives the uninterrupted records', async (t) => {
    await onSmallDisk(t, async (mount, fill) => {
      const dir = path.join(mount, 'run');
      const reporter = { epochEnd: ({ epoch }: { epoch: number }) => { if (epoch === 1) fill(); } };
      await assert.rejects(runExperiment({ config: resolveConfig(tinyConfig), out: dir, reporter }), /ENOSPC/);
      const kept = RunStore.open(dir).readMetrics<EpochRecord>().map((r) => r.epoch);
      assert.deepEqual(kept.slice(0, 2), [0, 1], 'the epochs finished before the disk filled are all there');
      assert.equal(RunStore.open(dir).readConfig<{ config: { seed: number } }>().config.seed, 3);
      rmSync(path.join(mount, 'filler'));
      const resumed = await runExperiment({ out: dir, resume: true });
      const reference = await runExperiment({ config: resolveConfig(tinyConfig), out: out() });
      const comparable = (records: EpochRecord[]): unknown[] => records.map(({ elapsedSeconds: _e, timings: _t, ...rest }) => rest);
      assert.deepEqual(comparable(resumed.records), comparable(reference.records));
    });
  });

  it('a metrics line that does not fit on the disk is not left half-written', async (t) => {
    await onSmallDisk(t, async (mount, fill) => {
      const store = RunStore.create(path.join(mount, 'run'));
      store.appendMetrics({ epoch: 0 });
      // One page free: a 20 kB record gets written in part, then the disk is full.
      fill(4096);
      assert.throws(() => store.appendMetrics({ epoch: 1, padding: 'x'.repeat(20_000) }), /cannot append to .*metrics\.jsonl \(ENOSPC: no space left on the device\)/);
      assert.match(readFileSync(store.file('metrics.jsonl'), 'utf8'), /^\{[^\n]*"epoch":0\}\n$/);
      rmSync(path.join(mount, 'filler'));
      store.appendMetrics({ epoch: 2 });
      assert.deepEqual(store.readMetrics<{ epoch: number }>().map((r) => r.epoch), [0, 2]);
    });
  });

  it('a file replaced on a full disk keeps its old content', async (t) => {
    await onSmallDisk(t, async (mount, fill) => {
      const store = RunStore.create(path.join(mount, 'run'));
      store.writeConfig({ seed: 1 });
      fill(4096);
      assert.throws(() => store.writeConfig({ seed: 2, padding: 'x'.repeat(20_000) }), /cannot write .*config\.json \(ENOSPC/);
      assert.deepEqual(store.readConfig(), { seed: 1 });
    });
  });

  it('a partial last metrics line (a kill mid-write) is ignored; a garbled earlier one is reported', () => {
    const dir = out();
    const store = RunStore.create(dir);
    store.appendMetrics({ epoch: 0 });
    writeFileSync(path.join(dir, 'metrics.jsonl'), `${readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8')}{"epoch": 1, "tr`);
    assert.deepEqual(store.readMetrics<{ epoch: number }>().map((r) => r.epoch), [0]);
    writeFileSync(path.join(dir, 'metrics.jsonl'), '{"epoch": 0}\nnot json\n{"epoch": 2}\n');
    assert.throws(() => store.readMetrics(), /metrics\.jsonl: line 2 is not valid JSON/);
  });
});
