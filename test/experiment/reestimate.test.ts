/** Stored activations and re-estimation: what a run keeps, reproducing its numbers, other settings, resuming, errors. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveConfig } from '../../src/experiment/config.js';
import { planActivationStorage } from '../../src/experiment/activation-storage.js';
import { reestimateId, reestimateRun, reproductionDifference } from '../../src/experiment/reestimate.js';
import { runExperiment } from '../../src/experiment/runner.js';
import { readNpy } from '../../src/data/npy.js';
import { createEstimator, estimateLayer, parseEstimatorSpec } from '../../src/info/index.js';
import { epochDirectory, readRun, readRunConfig } from '../../src/store/index.js';
import { tensor, tidy } from '../../src/tensor/index.js';
import { tinyConfig } from './fixtures.js';
import { assertClose } from '../helpers.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'infoplane-reestimate-'));
after(() => rmSync(root, { recursive: true, force: true }));
let count = 0;
const out = (): string => path.join(root, `run${count++}`);

const MIB = 2 ** 20;
const HEADER = 128;

describe('activation storage', () => {
  const config = resolveConfig(tinyConfig);
  const run = { probeSamples: 300, layerSizes: [6, 4, 2], loggedEpochs: 5, free: 1e12 };
  // Per epoch: 300 rows × 12 values × 4 bytes + 3 headers; labels and ids (int64) once.
  const perEpoch = 300 * 12 * 4 + 3 * HEADER;
  const index = 2 * (300 * 8 + HEADER);

  it("'auto' keeps every row when the run fits the budget and half the free disk, with the bytes counted by hand", () => {
    const plan = planActivationStorage(config, run);
    assert.equal(plan.rows, 300);
    assert.equal(plan.bytesPerEpoch, perEpoch);
    assert.equal(plan.totalBytes, 5 * perEpoch + index);
    assert.match(plan.decision, /^kept: 300 probe samples × 5 logged epochs in float32/);
  });

  it("'auto' keeps none beyond the budget or half the free disk, and says which and how to get them", () => {
    const tight = planActivationStorage({ ...config, activationStorage: { dtype: 'float32', budgetMiB: (5 * perEpoch + index - 1) / MIB } }, run);
    assert.equal(tight.rows, 0);
    assert.match(tight.decision, /more than the .* budget \(activationStorage\.budgetMiB\); set saveActivations to a number of probe samples, activationStorage\.dtype "float16"/);
    const disk = planActivationStorage(config, { ...run, free: 2 * (5 * perEpoch + index) - 2 });
    assert.equal(disk.rows, 0);
    assert.match(disk.decision, /half the .* free on the disk/);
    assert.equal(planActivationStorage(config, { ...run, free: 2 * (5 * perEpoch + index) }).rows, 300);
  });

  it("float16 halves the values' bytes; a count keeps that many rows whatever the budget; 'none' keeps none", () => {
    const half = planActivationStorage({ ...config, activationStorage: { dtype: 'float16', budgetMiB: 2048 } }, run);
    assert.equal(half.bytesPerEpoch, 300 * 12 * 2 + 3 * HEADER);
    const some = planActivationStorage({ ...config, saveActivations: 50, activationStorage: { dtype: 'float32', budgetMiB: 1e-6 } }, run);
    assert.equal(some.rows, 50);
    assert.equal(some.bytesPerEpoch, 50 * 12 * 4 + 3 * HEADER);
    assert.equal(planActivationStorage({ ...config, saveActivations: 'none' }, run).rows, 0);
  });
});

describe('re-estimation', () => {
  it("a run keeps its activations by default, records the decision, and re-estimating its own settings reproduces every number exactly", async () => {
    const dir = out();
    const { records } = await runExperiment({ config: resolveConfig(tinyConfig), out: dir });
    const written = readRunConfig(dir);
    assert.equal(written.run.activations!.rows, 300);
    assert.equal(written.run.activations!.request, 'auto');
    for (const record of records) for (const layer of written.run.layers) assert.ok(existsSync(path.join(dir, 'activations', epochDirectory(record.epoch), `${layer.name}.npy`)));
    const outcome = await reestimateRun(dir, { settings: written.config.estimators });
    assert.deepEqual(outcome.epochs, records.map((record) => record.epoch));
    // 5 epochs × 3 layers × 2 estimators × (I(X;T), I(Y;T), H(T)) × (lower, upper), every one equal.
    assert.deepEqual(reproductionDifference(dir, outcome.settings.map((s) => s.id)), { bits: 0, compared: 5 * 3 * 2 * 3 * 2 });
    const run = readRun(dir);
    assert.equal(run.reestimates.length, 2);
    for (const reestimate of run.reestimates) {
      assert.equal(reestimate.file.state, 'finished');
      for (const line of reestimate.records) {
        const record = records.find((r) => r.epoch === line.epoch)!;
        for (const layer of line.layers) {
          const [estimate] = layer.estimates;
          const recorded = record.layers.find((l) => l.name === layer.name)!.estimates.find((e) => e.estimator === estimate!.estimator)!;
          // Bit for bit: the same float32 activations, the same estimator, the same threads.
          assert.deepEqual([estimate!.ixt, estimate!.iyt, estimate!.ht, estimate!.parameters, estimate!.flags], [recorded.ixt, recorded.iyt, recorded.ht, recorded.parameters, recorded.flags]);
        }
      }
    }
  });

  it('each setting of a grid equals the estimator run in the test on the stored files, one directory per setting named by its options', async () => {
    const dir = out();
    await runExperiment({ config: resolveConfig({ ...tinyConfig, epochs: 2 }), out: dir });
    const settings = [1e-3, 1].map((noiseVariance) => parseEstimatorSpec({ name: 'kde', noiseVariance }));
    const outcome = await reestimateRun(dir, { settings });
    assert.deepEqual(outcome.settings.map((s) => s.id), ['kde_noiseVariance-0.001_precision-float64', 'kde_noiseVariance-1_precision-float64']);
    const labelsFile = readNpy(path.join(dir, 'activations', 'labels.npy'));
    const run = readRun(dir);
    for (const [index, spec] of settings.entries()) {
      const reestimate = run.reestimates.find((r) => r.id === reestimateId(spec))!;
      assert.deepEqual(reestimate.records.map((line) => line.epoch), [0, 1, 2]);
      for (const line of reestimate.records) {
        for (const layer of line.layers) {
          const stored = readNpy(path.join(dir, 'activations', epochDirectory(line.epoch), `${layer.name}.npy`));
          const expected = tidy(() => estimateLayer(createEstimator(spec), {
            activations: tensor(stored.data as Float32Array, stored.shape), labels: tensor(labelsFile.data as BigInt64Array, labelsFile.shape), numClasses: 2,
          }));
          // The grid's σ² share one pass over the pairs (kdeEstimates), in worker processes of one thread:
          // equal to the single-setting estimator to rounding.
          const got = layer.estimates[0]!;
          assertClose([got.ixt.lower, got.ixt.upper, got.iyt.lower, got.iyt.upper], [expected.ixt.lower, expected.ixt.upper, expected.iyt.lower, expected.iyt.upper], 1e-9, `setting ${index}, ${layer.name} at ${line.epoch}`);
        }
      }
    }
    // Run again: nothing to do, the lines kept.
    const again = await reestimateRun(dir, { settings });
    assert.deepEqual(again.settings.map((s) => s.estimated), [[], []]);
  });

  it('a re-estimation stopped mid-write goes on where it stopped and ends with the lines of an uninterrupted one', async () => {
    const dir = out();
    await runExperiment({ config: resolveConfig({ ...tinyConfig, epochs: 3 }), out: dir });
    const spec = parseEstimatorSpec({ name: 'bin', binsize: 0.1 });
    await reestimateRun(dir, { settings: [spec] });
    const file = path.join(dir, 'reestimates', reestimateId(spec), 'estimates.jsonl');
    const whole = readFileSync(file, 'utf8');
    const lines = whole.split('\n').filter((line) => line !== '');
    // As if killed while writing the third line: two whole lines and half of one.
    writeFileSync(file, `${lines.slice(0, 2).join('\n')}\n`);
    appendFileSync(file, lines[2]!.slice(0, 40));
    const resumed = await reestimateRun(dir, { settings: [spec] });
    assert.deepEqual(resumed.settings[0]!.estimated, [2, 3]);
    assert.equal(readFileSync(file, 'utf8'), whole);
  });

  it('float16 storage on request: <f2 files, and re-estimates within the halves\' rounding of the float32 numbers', async () => {
    const dir = out();
    const { records } = await runExperiment({ config: resolveConfig({ ...tinyConfig, epochs: 1, activationStorage: { dtype: 'float16' } }), out: dir });
    const header = readFileSync(path.join(dir, 'activations', epochDirectory(1), 'dense_1.npy')).toString('latin1', 10, 60);
    assert.match(header, /'<f2'/);
    const kde = parseEstimatorSpec({ name: 'kde', noiseVariance: 0.1 });
    await reestimateRun(dir, { settings: [kde] });
    const line = readRun(dir).reestimates[0]!.records.at(-1)!;
    const recorded = records.at(-1)!.layers[0]!.estimates[0]!;
    const half = line.layers[0]!.estimates[0]!;
    // tanh activations in [−1, 1] rounded to 11 significant bits: the bounds move by far less than 0.01 bits.
    assert.ok(Math.abs(half.ixt.upper - recorded.ixt.upper) < 0.01 && Math.abs(half.iyt.upper - recorded.iyt.upper) < 0.01);
  });

  it('a run without stored activations is a clear error naming its storage decision and the fix', async () => {
    const dir = out();
    await runExperiment({ config: resolveConfig({ ...tinyConfig, epochs: 0, saveActivations: 'none' }), out: dir });
    await assert.rejects(() => reestimateRun(dir, { settings: [parseEstimatorSpec({ name: 'bin' })] }),
      /has no stored activations \(no activations\/labels\.npy\): not kept \(saveActivations "none"\).*run it again with --save-activations all, or import/);
    await assert.rejects(() => reestimateRun(dir, { settings: [] }), /at least one estimator setting/);
  });
});
