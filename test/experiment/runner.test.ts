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
import { RunStore, epochDirectory, readRunConfig } from '../../src/store/index.js';
import { readNpy } from '../../src/data/npy.js';
import { classClustering } from '../../src/info/index.js';
import { loadExperimentData } from '../../src/experiment/data.js';
import { buildModel } from '../../src/experiment/model.js';
import { ParallelReplicas } from '../../src/dynamics/index.js';
import { deriveSeed, liveTensorCount, tensor, tidy } from '../../src/tensor/index.js';
import { assertClose, collectGarbage } from '../helpers.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'infoplane-runs-'));
after(() => rmSync(root, { recursive: true, force: true }));
let runs = 0;
const out = (): string => path.join(root, `run${runs++}`);
/** The metrics lines of a run directory as JSON, the way they are on disk (schemaVersion included). */
const rawLines = (dir: string): (Record<string, unknown> & { epoch: number })[] => readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown> & { epoch: number });


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
    // Which "epoch 0" this is, beside ibsgd's numbering (its first record is after one epoch).
    assert.match((written.run as unknown as { epochNumbering: { epoch0: string; ibsgd: string } }).epochNumbering.epoch0, /untrained/);
    assert.match((written.run as unknown as { epochNumbering: { ibsgd: string } }).epochNumbering.ibsgd, /our epoch e \+ 1/);
    const records = rawLines(dir) as (EpochRecord & { schemaVersion: number })[];
    assert.deepEqual(records.map((r) => r.epoch), [0, 1, 2, 3, 4]);
    assert.ok(records.every((r) => r.schemaVersion === 2));
    const last = records.at(-1)!;
    assert.equal(last.step, 4 * Math.ceil(3072 / 256));
    assert.deepEqual(last.layers.map((l) => l.name), ['dense_1', 'dense_2', 'dense_3']);
    for (const layer of last.layers) {
      assert.deepEqual(layer.estimates.map((e) => `${e.estimator}/${e.method}`), ['kde/concat', 'bin/concat']);
      const kde = layer.estimates[0]!;
      assert.ok(kde.ixt.lower <= kde.ixt.upper && kde.ixt.upper <= Math.log2(300) + 1e-9);
      assert.ok(kde.iyt.upper <= 1 + 1e-9);
      assert.equal(layer.gradient!['kernel']!.count, 12);
      assert.equal(layer.histogram.counts.reduce((a, b) => a + b, 0), 300 * layer.shape[0]!);
      assert.ok(layer.kdeDerivative && layer.kdeDerivative.totalTerms === ((50 * 49) / 2) * layer.shape[0]!);
    }
    assert.equal(records[0]!.layers[0]!.gradient, null, 'nothing trained before epoch 1');
    // Epoch 0's weight norms are those of the initial weights, built here from the config's seed.
    const initial = buildModel(resolveConfig(tinyConfig), [12]);
    for (const [index, layer] of records[0]!.layers.entries()) {
      const kernel = initial.layers[index]!.namedParameters().find(([name]) => name === 'kernel')![1];
      assertClose([layer.weightNorm['kernel']!], [Math.sqrt(kernel.square().sum().item())], 1e-6);
    }
    initial.dispose();
    assert.equal(last.lossDynamics!.steps, 12);
    assert.equal(last.lossDynamics!.lossAfter, last.train.loss);
    assert.equal(last.lossDynamics!.lossBefore, records.at(-2)!.train.loss, 'the window starts where the epoch before ended');
    assert.deepEqual(JSON.parse(readFileSync(path.join(dir, 'status.json'), 'utf8')).state, 'finished');
    assert.equal(outcome.summary.layers.length, 3);
    assert.ok(existsSync(path.join(dir, 'summary.json')));
  });

  it('full-batch SGD: ΔL against −α‖∇L‖², the curvature term, and G^l measured from pre-activations against the recursion', async () => {
    const dir = out();
    const alpha = 0.05;
    const config = resolveConfig({ ...tinyConfig, batchSize: 'full', epochs: 3, optimizer: { type: 'sgd', learningRate: alpha }, model: { ...tinyConfig.model, dtype: 'float64' } });
    const { records } = await runExperiment({ config, out: dir });
    for (const record of records.slice(1)) {
      const dynamics = record.lossDynamics!;
      assert.equal(dynamics.steps, 1);
      const [check] = dynamics.checks;
      assert.equal(dynamics.checks.length, 1);
      // Both ends of the window are full-loss evaluations of the run itself.
      assert.equal(dynamics.lossAfter, record.train.loss);
      assert.equal(dynamics.lossBefore, records[records.indexOf(record) - 1]!.train.loss);
      assertClose([check!.measured], [dynamics.lossAfter - dynamics.lossBefore], 1e-12);
      // First order: −α‖∇L‖² from the epoch's minibatch moments (one batch: the full gradient) and ∇L·Δθ
      // from the step test's own full pass agree, and the measured change follows them to O(α²).
      assertClose([dynamics.predictedSgd!], [check!.firstOrder], 1e-9);
      const firstError = Math.abs(check!.measured - check!.firstOrder);
      assert.ok(firstError < 0.1 * Math.abs(check!.firstOrder), `epoch ${record.epoch}: ${JSON.stringify(check)}`);
      // The trapezoid rule ½(∇L_before + ∇L_after)·Δθ is exact to third order: it takes the curvature
      // term that first order misses (the remainder) almost whole.
      assert.ok(Math.abs(check!.measured - check!.secondOrder) < 0.05 * firstError, `epoch ${record.epoch}: ${JSON.stringify(check)}`);
      assert.deepEqual(check!.layers.map((t) => t.layer), ['dense_1', 'dense_2', 'dense_3']);
      // G^1 = Σ ∂L/∂z¹·Δz¹ is linear in the step (Δz¹ = ΔW¹x + Δb¹): it equals its recursion term exactly.
      const [first, second, last] = check!.layers;
      assertClose([first!.measured], [first!.recursion], 1e-9);
      // Deeper layers agree to first order; the last layer's G^L is dL/dt (appendix eq. 15).
      for (const layer of [second!, last!]) assert.ok(Math.abs(layer.measured - layer.recursion) < 0.1 * Math.abs(layer.recursion), JSON.stringify(layer));
      assert.ok(Math.abs(last!.measured - check!.measured) < firstError + 1e-15 || Math.abs(last!.measured - check!.measured) < 0.1 * Math.abs(check!.measured), JSON.stringify(check));
      // For full-batch SGD each term is −α(‖∂L/∂W^l‖² + ‖∂L/∂b^l‖²) < 0.
      assert.ok(check!.layers.every((t) => t.term < 0));
    }
  });

  it('loss dynamics of sparsely logged epochs measure and predict over the same steps: the logged epoch itself', async () => {
    // Logged epochs 0, 4 and 8: the change from epoch 3 to 4 is one full-batch step, whatever came before.
    const config = resolveConfig({ ...tinyConfig, batchSize: 'full', epochs: 8, logEpochs: [0, 4, 8], optimizer: { type: 'sgd', learningRate: 1e-3 }, model: { ...tinyConfig.model, dtype: 'float64' } });
    const { records } = await runExperiment({ config, out: out() });
    for (const record of records.slice(1)) {
      const dynamics = record.lossDynamics!;
      assert.equal(dynamics.steps, 1, 'one optimizer step in the logged epoch');
      const relative = Math.abs(dynamics.measuredPerStep - dynamics.predictedSgd!) / Math.abs(dynamics.predictedSgd!);
      assert.ok(relative < 1e-2, `epoch ${record.epoch}: measured ${dynamics.measuredPerStep}, predicted ${dynamics.predictedSgd} (${relative})`);
    }
  });

  it('minibatch step tests: the full loss change of a step against ∇L·Δθ = −α·∇L·∇̃L and the trapezoid rule', async () => {
    const config = resolveConfig({ ...tinyConfig, epochs: 2, optimizer: { type: 'sgd', learningRate: 0.02 }, model: { ...tinyConfig.model, dtype: 'float64' }, dynamics: { identitySteps: 2 } });
    const { records } = await runExperiment({ config, out: out() });
    const checks = records.flatMap((r) => r.lossDynamics?.checks ?? []);
    assert.equal(checks.length, 4);
    for (const check of checks) {
      const firstError = Math.abs(check.measured - check.firstOrder);
      assert.ok(firstError < 0.1 * Math.abs(check.firstOrder), JSON.stringify(check));
      assert.ok(Math.abs(check.measured - check.secondOrder) < 0.05 * firstError, JSON.stringify(check));
      assertClose([check.layers[0]!.measured], [check.layers[0]!.recursion], 1e-9);
    }
  });

  it('replica SNR mode records the statistics of ParallelReplicas after one step of each copy', async () => {
    const config = resolveConfig({ ...tinyConfig, epochs: 1, dynamics: { snr: 'replicas', replicas: 4 } });
    const { records } = await runExperiment({ config, out: out() });
    const kernel = records.at(-1)!.layers[0]!.gradient!['kernel']!;
    // The same copies, built and stepped here (ParallelReplicas itself is checked against hand values in
    // test/dynamics): the runner's record is theirs.
    const data = loadExperimentData(config);
    const replicas = new ParallelReplicas(() => buildModel(config, data.sampleShape), config.optimizer, config.loss, data.train, 4, 256, deriveSeed(config.seed, 'replicas'));
    replicas.step();
    const expected = replicas.gradientSummary().get('dense_1.kernel')!;
    assert.equal(kernel.count, 4);
    assertClose([kernel.mean, kernel.std, kernel.snr], [expected.mean, expected.std, expected.snr], 1e-6);
    replicas.dispose();
  });

  it('records each layer\'s class clustering at every logged epoch: the scores of its stored probe activations\' first clustering.samples rows; null when off', async () => {
    const dir = out();
    const { records } = await runExperiment({ config: resolveConfig({ ...tinyConfig, epochs: 2, clustering: { samples: 100 }, saveActivations: 'all' }), out: dir });
    const labels = readNpy(path.join(dir, 'activations', 'labels.npy'));
    for (const record of records) {
      for (const layer of record.layers) {
        // The activations as the runner saw them (float32, stored as computed), scored here.
        const stored = readNpy(path.join(dir, 'activations', epochDirectory(record.epoch), `${layer.name}.npy`));
        const expected = tidy(() => classClustering(tensor(stored.data as Float32Array, stored.shape), tensor(labels.data as BigInt64Array, labels.shape), 2, { samples: 100 }));
        assert.equal(layer.clustering!.samples, 100);
        assertClose([layer.clustering!.silhouette, layer.clustering!.distanceRatio], [expected.silhouette, expected.distanceRatio], 1e-12, `${layer.name} at ${record.epoch}`);
        assert.ok(layer.clustering!.silhouette >= -1 && layer.clustering!.silhouette <= 1 && layer.clustering!.distanceRatio > 0);
      }
    }
    const off = await runExperiment({ config: resolveConfig({ ...tinyConfig, epochs: 0, clustering: { samples: 0 } }), out: out() });
    assert.deepEqual(off.records[0]!.layers.map((layer) => layer.clustering), [null, null, null]);
  });
});

describe('memory', () => {
  it('several runs in one process leave no tensor behind', async () => {
    const config = resolveConfig({ ...tinyConfig, epochs: 2, dynamics: { identitySteps: 1, kdeDerivativeSamples: 50 } });
    await runExperiment({ config, out: out() });
    // Earlier tests' garbage is collected first, so that only what the runs leave is counted.
    await collectGarbage();
    const before = liveTensorCount();
    for (let i = 0; i < 3; i++) await runExperiment({ config, out: out() });
    await runExperiment({ config: resolveConfig({ ...tinyConfig, epochs: 1, batchSize: 'full', probe: { set: 'all', size: 500 } }), out: out() });
    // Freed deterministically: the count is back where it was without the finalizers' help.
    assert.equal(liveTensorCount(), before);
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
      const kept = rawLines(dir).map((r) => r.epoch);
      assert.deepEqual(kept.slice(0, 2), [0, 1], 'the epochs finished before the disk filled are all there');
      assert.equal(readRunConfig(dir).config.seed, 3);
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
      assert.deepEqual(rawLines(store.dir).map((r) => r.epoch), [0, 2]);
    });
  });

  it('a file replaced on a full disk keeps its old content', async (t) => {
    await onSmallDisk(t, async (mount, fill) => {
      const store = RunStore.create(path.join(mount, 'run'));
      store.writeConfig({ seed: 1 });
      fill(4096);
      assert.throws(() => store.writeConfig({ seed: 2, padding: 'x'.repeat(20_000) }), /cannot write .*config\.json \(ENOSPC/);
      assert.deepEqual(JSON.parse(readFileSync(store.file('config.json'), 'utf8')), { seed: 1 });
    });
  });

  it('checkpoints unlogged epochs by time: none between logged epochs within checkpointSeconds, every one at 0, and a resume from an unlogged epoch’s checkpoint equals the uninterrupted run', async () => {
    const sparse = { ...tinyConfig, epochs: 12, logEpochs: [0, 6, 12], dynamics: { kdeDerivativeSamples: 50 } };
    /** The epoch of the checkpoint on disk after each epoch. */
    const checkpointEpochs = async (checkpointSeconds: number, dir: string, stopAt?: number): Promise<number[]> => {
      const seen: number[] = [];
      const reporter = {
        epochEnd: ({ epoch }: { epoch: number }) => {
          const checkpoint = RunStore.open(dir).loadCheckpoint()!;
          seen.push(checkpoint.epoch);
          for (const t of checkpoint.tensors.values()) t.dispose();
          if (epoch === stopAt) throw new Error('stopped here');
        },
      };
      const run = runExperiment({ config: resolveConfig({ ...sparse, checkpointSeconds }), out: dir, reporter });
      if (stopAt === undefined) await run;
      else await assert.rejects(run, /stopped here/);
      return seen;
    };
    assert.deepEqual(await checkpointEpochs(3600, out()), [0, 0, 0, 0, 0, 0, 6, 6, 6, 6, 6, 6, 12]);
    assert.deepEqual(await checkpointEpochs(0, out()), [...Array(13).keys()]);
    // Stopped after epoch 9 with a checkpoint at every epoch: resumed from 9, an unlogged epoch.
    const stopped = out();
    assert.deepEqual((await checkpointEpochs(0, stopped, 9)).at(-1), 9);
    const resumed = await runExperiment({ out: stopped, resume: true });
    const reference = await runExperiment({ config: resolveConfig({ ...sparse, checkpointSeconds: 0 }), out: out() });
    const comparable = (records: EpochRecord[]): unknown[] => records.map(({ elapsedSeconds: _e, timings: _t, ...rest }) => rest);
    assert.deepEqual(comparable(resumed.records), comparable(reference.records));
    assert.deepEqual(resumed.records.map((record) => record.epoch), [0, 6, 12]);
  });

  it('truncating for a resume drops later epochs and a cut-off last line, and keeps a garbled earlier line for the reader to report', () => {
    const dir = out();
    const store = RunStore.create(dir);
    writeFileSync(path.join(dir, 'metrics.jsonl'), '{"epoch": 0}\nnot json\n{"epoch": 2}\n{"epoch": 3}\n{"epoch": 4, "tr');
    store.truncateMetrics(2);
    assert.equal(readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8'), '{"epoch": 0}\nnot json\n{"epoch": 2}\n');
  });
});
