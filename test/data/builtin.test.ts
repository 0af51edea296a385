/** The built-in datasets read from installed files: MNIST and Fashion-MNIST. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { loadFashionMnist, loadMnist } from '../../src/data/builtin.js';
import { scratchDirectory } from './scratch.js';

const { dir } = scratchDirectory();

describe('built-in datasets', () => {
  it('MNIST: 60 000 + 10 000 images in [0, 1], the first training labels 5 0 4 1 9', () => {
    const mnist = loadMnist('image');
    assert.deepEqual(mnist.train.inputs.shape, [60000, 1, 28, 28]);
    assert.deepEqual(mnist.test.inputs.shape, [10000, 1, 28, 28]);
    assert.deepEqual(mnist.train.labels.narrow(0, 0, 5).toNumbers(), [5, 0, 4, 1, 9]);
    assert.equal(mnist.train.inputs.max().item(), 1);
    assert.equal(mnist.train.inputs.min().item(), 0);
    assert.deepEqual(loadMnist('flat').test.inputs.shape, [10000, 784]);
  });

  it('Fashion-MNIST: 1000 test images of each class', { skip: !existsSync('/usr/share/datasets/fashion-mnist') && 'dataset-fashion-mnist is not installed' }, () => {
    const fashion = loadFashionMnist('flat');
    assert.deepEqual(fashion.train.inputs.shape, [60000, 784]);
    assert.deepEqual(fashion.test.labels.bincount().toNumbers(), new Array<number>(10).fill(1000));
    assert.throws(() => loadFashionMnist('flat', dir), /t10k|train-images-idx3-ubyte\[\.gz\] not found\. Install it with `apt-get install dataset-fashion-mnist`/);
  });
});
