/** Seeded batching, subsets, relabelling and splits. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  type Dataset, batchIndices, checkDataset, randomLabels, randomSubset, size, stratifiedIndices, trainTestSplit,
} from '../../src/data/dataset.js';
import { Generator, arange, randperm, tensor, zeros } from '../../src/tensor/index.js';

function toy(n: number): Dataset {
  return { name: 'toy', inputs: arange(n, undefined, 1, { dtype: 'float32' }).reshape([n, 1]), labels: arange(n).remainder(3), numClasses: 3 };
}

describe('datasets', () => {
  it('batches cover every index exactly once; the last batch is the remainder', () => {
    const batches = [...batchIndices(10, 4, new Generator(1))].map((index) => index.toNumbers());
    assert.deepEqual(batches.map((batch) => batch.length), [4, 4, 2]);
    assert.deepEqual(batches.flat().sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual([...batchIndices(5, 2)].map((index) => index.toNumbers()), [[0, 1], [2, 3], [4]]);
  });

  it('the same seed shuffles the same way; another seed differently', () => {
    const order = (seed: number): number[] => [...batchIndices(50, 50, new Generator(seed))][0]!.toNumbers();
    assert.deepEqual(order(3), order(3));
    assert.notDeepEqual(order(3), order(4));
    assert.notDeepEqual(order(3), [...Array(50).keys()]);
  });

  it('random subsets keep ⌊fraction·N⌋ distinct samples with their own labels', () => {
    const data = toy(200);
    const subset = randomSubset(data, 0.05, new Generator(2));
    assert.equal(subset.inputs.size(0), 10);
    const values = subset.inputs.reshape([-1]).toNumbers();
    assert.equal(new Set(values).size, 10);
    assert.deepEqual(subset.labels.toNumbers(), values.map((v) => v % 3));
    assert.throws(() => randomSubset(data, 0, new Generator(2)), /Expected a fraction in \(0, 1\] for fraction but received 0/);
  });

  it('random labels keep the inputs and draw labels uniformly over the classes', () => {
    const data = toy(3000);
    const relabelled = randomLabels(data, new Generator(3));
    assert.equal(relabelled.inputs, data.inputs);
    const counts = relabelled.labels.bincount().toNumbers();
    assert.equal(counts.length, 3);
    for (const count of counts) assert.ok(Math.abs(count - 1000) < 100);
    assert.ok(relabelled.labels.ne(data.labels).to('float64').mean().item() > 0.6);
  });

  it('train/test splits are disjoint and together cover the data', () => {
    const split = trainTestSplit(toy(100), 0.25, new Generator(4));
    const train = split.train.inputs.reshape([-1]).toNumbers();
    const test = split.test.inputs.reshape([-1]).toNumbers();
    assert.equal(test.length, 25);
    assert.deepEqual([...train, ...test].sort((a, b) => a - b), [...Array(100).keys()]);
  });

  it("splits as ibsgd's data_shuffle(…, 80): the permutation's first rint(0.8·N) train, the rest test", () => {
    const split = trainTestSplit(toy(4096), 0.2, new Generator(9));
    const order = randperm(4096, { generator: new Generator(9) }).toNumbers();
    // np.rint(80 * 4096 / 100) = np.rint(3276.8) = 3277.
    assert.deepEqual(split.train.inputs.reshape([-1]).toNumbers(), order.slice(0, 3277));
    assert.deepEqual(split.test.inputs.reshape([-1]).toNumbers(), order.slice(3277));
    // np.rint rounds halves to even: 50 % of 5 → 2 train (np.rint(2.5) = 2), of 7 → 4 (np.rint(3.5) = 4).
    assert.equal(size(trainTestSplit(toy(5), 0.5, new Generator(1)).train), 2);
    assert.equal(size(trainTestSplit(toy(7), 0.5, new Generator(1)).train), 4);
  });

  it('a stratified subset keeps each class share to within one sample, distinct, seeded', () => {
    // 70 of class 0, 20 of class 1, 10 of class 2; 33 samples: exact shares 23.1, 6.6, 3.3 → 23, 7, 3.
    const labels = tensor([...Array(70).fill(0), ...Array(20).fill(1), ...Array(10).fill(2)], undefined, { dtype: 'int64' });
    const picked = stratifiedIndices(labels, 3, 33, new Generator(5)).toNumbers();
    assert.equal(new Set(picked).size, 33);
    assert.deepEqual([...picked].sort((a, b) => a - b), picked, 'in the set\'s order');
    assert.deepEqual([0, 1, 2].map((c) => picked.filter((i) => labels.toNumbers()[i] === c).length), [23, 7, 3]);
    assert.deepEqual(stratifiedIndices(labels, 3, 33, new Generator(5)).toNumbers(), picked);
    assert.notDeepEqual(stratifiedIndices(labels, 3, 33, new Generator(6)).toNumbers(), picked);
    assert.notDeepEqual(picked, [...Array(33).keys()], 'not the first samples');
    assert.throws(() => stratifiedIndices(labels, 3, 101, new Generator(5)), /count/);
    // Ten classes of 7, 8, …, 16 (115 samples), 40 drawn: shares 40·n/115 = 2.43, 2.78, 3.13, 3.48, 3.83, 4.17,
    // 4.52, 4.87, 5.22, 5.57 floor to 35 in all; the 5 left go to the largest remainders: classes 7, 4, 1, 9, 6.
    const ten = tensor(Array.from({ length: 10 }, (_, c) => Array(7 + c).fill(c)).flat(), undefined, { dtype: 'int64' });
    const drawn = stratifiedIndices(ten, 10, 40, new Generator(1)).toNumbers();
    assert.equal(drawn.length, 40);
    assert.deepEqual(Array.from({ length: 10 }, (_, c) => drawn.filter((i) => ten.toNumbers()[i] === c).length), [2, 3, 3, 3, 4, 4, 5, 5, 5, 6]);
  });

  it('checkDataset refuses mismatched or out-of-range labels', () => {
    assert.throws(() => checkDataset({ name: 'x', inputs: zeros([3, 2]), labels: tensor([0, 1], undefined, { dtype: 'int64' }), numClasses: 2 }), /x: 3 inputs but labels of shape \[2\]/);
    assert.throws(() => checkDataset({ name: 'x', inputs: zeros([2, 2]), labels: tensor([0, 2], undefined, { dtype: 'int64' }), numClasses: 2 }), /labels range over \[0, 2\] but the dataset declares 2 classes/);
    assert.throws(() => checkDataset({ name: 'x', inputs: zeros([2, 2]), labels: tensor([0, 1]), numClasses: 2 }), /labels must be int64/);
  });
});
