/** The training-loop primitive: it trains, is reproducible bit for bit, and exposes minibatch gradients. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Dataset } from '../../src/data/dataset.js';
import { evaluate, inferenceBatchSize, trainEpoch } from '../../src/experiment/trainer.js';
import { Sequential } from '../../src/nn/index.js';
import { Sgd } from '../../src/optim/index.js';
import { Generator, deriveSeed, keep, randn, tidy } from '../../src/tensor/index.js';

/** Two Gaussian blobs in 4-D, labels by blob: a task a small MLP learns in a few epochs. */
function blobs(seed: number): Dataset {
  return tidy(() => {
    const generator = new Generator(seed);
    const x = randn([256, 4], { generator });
    const labels = x.select(1, 0).add(x.select(1, 1)).gt(0).to('int64');
    return { name: 'blobs', inputs: keep(x.add(labels.unsqueeze(1).to('float32').mul(2).sub(1))), labels: keep(labels), numClasses: 2 };
  });
}

const spec = { inputShape: [4], layers: [{ type: 'dense' as const, units: 8, activation: 'tanh' as const }, { type: 'dense' as const, units: 2, activation: 'softmax' as const }] };

function train(seed: number, epochs: number): { losses: number[]; accuracy: number } {
  const data = blobs(1);
  const model = new Sequential(spec, seed);
  const optimizer = new Sgd(model, { learningRate: 0.1 });
  const generator = new Generator(deriveSeed(seed, 'shuffle'));
  const losses: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    losses.push(...trainEpoch({ model, optimizer, loss: 'categorical_crossentropy', data, batchSize: 32, generator }).batchLosses);
  }
  return { losses, accuracy: evaluate(model, 'categorical_crossentropy', data).accuracy };
}

describe('trainEpoch', () => {
  it('trains: the loss falls and the blobs are separated', () => {
    const { losses, accuracy } = train(1, 10);
    assert.ok(losses.at(-1)! < losses[0]! / 2, `loss ${losses[0]} → ${losses.at(-1)}`);
    assert.ok(accuracy > 0.95, `accuracy ${accuracy}`);
  });

  it('the same seed gives the same losses bit for bit; another seed other losses', () => {
    const first = train(5, 3).losses;
    assert.deepEqual(train(5, 3).losses, first);
    assert.notDeepEqual(train(6, 3).losses, first);
  });

  it('onBatch sees each minibatch gradient before the update, by parameter name', () => {
    const data = blobs(2);
    const model = new Sequential(spec, 1);
    const optimizer = new Sgd(model, { learningRate: 0.1 });
    const seen: { batch: number; size: number; names: string[]; matches: boolean }[] = [];
    const result = trainEpoch({
      model, optimizer, loss: 'categorical_crossentropy', data, batchSize: 100, generator: new Generator(1),
      onBatch: ({ batch, batchSize, gradients }) => {
        const kernel = model.parameters()[0]!;
        // Before the update, the gradient is the one accumulated on the parameter.
        const matches = tidy(() => gradients.get('dense_1.kernel')!.sub(kernel.grad!).abs().max().item() === 0);
        seen.push({ batch, size: batchSize, names: [...gradients.keys()], matches });
      },
    });
    assert.deepEqual(seen.map((s) => s.size), [100, 100, 56]);
    assert.deepEqual(seen[0]!.names, ['dense_1.kernel', 'dense_1.bias', 'dense_2.kernel', 'dense_2.bias']);
    assert.ok(seen.every((s) => s.matches));
    assert.equal(result.batches, 3);
    assert.ok(Math.abs(result.meanLoss - (result.batchLosses[0]! * 100 + result.batchLosses[1]! * 100 + result.batchLosses[2]! * 56) / 256) < 1e-12);
  });

  it('a diverging loss stops training with a clear error', () => {
    const data = blobs(3);
    const model = new Sequential({ inputShape: [4], layers: [{ type: 'dense', units: 2 }] }, 1);
    assert.throws(() => {
      for (let i = 0; i < 50; i++) trainEpoch({ model, optimizer: new Sgd(model, { learningRate: 1e30 }), loss: 'mse', data, batchSize: 64, generator: new Generator(1) });
    }, /the training loss became (Infinity|NaN) at batch \d+: lower the learning rate/);
  });
});

describe('inferenceBatchSize', () => {
  it('keeps the widest layer output of a batch within 16 MiB, at most 1000 rows', () => {
    const cnn = new Sequential({ inputShape: [1, 28, 28], layers: [{ type: 'conv2d', filters: 64, kernelSize: 3, activation: 'relu' }, { type: 'flatten' }, { type: 'dense', units: 10, activation: 'softmax' }] }, 1);
    // 64×26×26 = 43 264 floats a sample: ⌊16 MiB / 173 056 B⌋ = 96 rows; in float64 half as many.
    assert.equal(inferenceBatchSize(cnn), 96);
    assert.equal(inferenceBatchSize(new Sequential({ ...cnn.spec }, 1, { dtype: 'float64' })), 48);
    assert.equal(inferenceBatchSize(new Sequential(spec, 1)), 1000);
    assert.equal(inferenceBatchSize(new Sequential(spec, 1), 5000), 5000);
  });
});
