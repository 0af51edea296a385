/** A quantized run: exact estimates in the records, and a resume that restores relu's tracked range. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type ExperimentConfigInput, resolveConfig } from '../../src/experiment/config.js';
import { type EpochRecord, runExperiment } from '../../src/experiment/runner.js';
import { RunStore } from '../../src/store/index.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'infoplane-quantized-'));
after(() => rmSync(root, { recursive: true, force: true }));

const quantized: ExperimentConfigInput = {
  name: 'quantized',
  dataset: { name: 'ib12', source: 'generated', testFraction: 0.25 },
  model: {
    layers: [
      { type: 'dense', units: 6, activation: 'relu', quantizeBits: 4 },
      { type: 'dense', units: 4, activation: 'tanh', quantizeBits: 4 },
      { type: 'dense', units: 2, activation: 'softmax', quantizeBits: 4 },
    ],
  },
  optimizer: { type: 'sgd', learningRate: 0.05 },
  batchSize: 64,
  epochs: 6,
  seed: 5,
  logEpochs: [0, 3, 6],
  probe: { set: 'test', size: 300 },
  estimators: [{ name: 'quantized', quantizeBits: 4 }],
  dynamics: { kdeDerivativeSamples: 50, identitySteps: 0 },
  checkpointSeconds: 0,
};

describe('a quantized run', () => {
  it('records exact estimates of every layer, and a resume from a checkpoint (relu\'s range included) equals the uninterrupted run', async () => {
    const stopped = path.join(root, 'stopped');
    const stopAfter4 = { epochEnd: ({ epoch }: { epoch: number }) => { if (epoch === 4) throw new Error('stopped here'); } };
    await assert.rejects(runExperiment({ config: resolveConfig(quantized), out: stopped, reporter: stopAfter4 }), /stopped here/);
    const checkpoint = RunStore.open(stopped).loadCheckpoint()!;
    const range = checkpoint.tensors.get('model.dense_1.quantizer.range_max');
    assert.ok(range, 'the checkpoint holds the tracked range');
    assert.ok(range.item() < 6, `the range moved from its start 6 (${range.item()})`);
    for (const t of checkpoint.tensors.values()) t.dispose();

    const resumed = await runExperiment({ out: stopped, resume: true });
    const reference = await runExperiment({ config: resolveConfig(quantized), out: path.join(root, 'reference') });
    const comparable = (records: EpochRecord[]): unknown[] => records.map(({ elapsedSeconds: _e, timings: _t, ...rest }) => rest);
    assert.deepEqual(comparable(resumed.records), comparable(reference.records));
    for (const record of reference.records) {
      for (const layer of record.layers) {
        const [estimate] = layer.estimates;
        assert.equal(estimate!.estimator, 'quantized');
        assert.ok(estimate!.ixt.upper >= estimate!.iyt.upper && estimate!.ixt.upper <= Math.log2(300) + 1e-9, `${layer.name} at ${record.epoch}`);
      }
    }
  });
});
