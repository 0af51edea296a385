/**
 * In-memory datasets and the seeded operations on them: batching, splits, subsets (Shwartz-Ziv &
 * Tishby's 5 % / 45 % / 85 % training sets) and random relabelling.
 */
import { type Generator, type Tensor, arange, keep, randint, randperm, tensor, tidy } from '../tensor/index.js';
import { checkPositiveInteger, invalid } from '../tensor/validate.js';

export interface Dataset {
  name: string;
  /** Samples along dim 0: [N, features] or [N, channels, height, width], float32. */
  inputs: Tensor;
  /** Class indices, int64 [N]. */
  labels: Tensor;
  numClasses: number;
}

export interface DatasetSplits {
  train: Dataset;
  test: Dataset;
}

/** Checks that inputs and labels agree; returns the dataset. */
export function checkDataset(dataset: Dataset): Dataset {
  const n = dataset.inputs.size(0);
  if (dataset.labels.ndim !== 1 || dataset.labels.size(0) !== n) {
    throw new Error(`${dataset.name}: ${n} inputs but labels of shape [${dataset.labels.shape.join(', ')}]; labels must be one class index per input`);
  }
  if (dataset.labels.dtype !== 'int64') throw new Error(`${dataset.name}: labels must be int64 class indices, not ${dataset.labels.dtype}`);
  if (n > 0) {
    const low = tidy(() => dataset.labels.min().item());
    const high = tidy(() => dataset.labels.max().item());
    if (low < 0 || high >= dataset.numClasses) {
      throw new Error(`${dataset.name}: labels range over [${low}, ${high}] but the dataset declares ${dataset.numClasses} classes`);
    }
  }
  return dataset;
}

/** The samples at `indices` (int64 [k]) as a new dataset. */
export function select(dataset: Dataset, indices: Tensor, name = dataset.name): Dataset {
  return {
    name,
    inputs: keep(dataset.inputs.indexSelect(0, indices)),
    labels: keep(dataset.labels.indexSelect(0, indices)),
    numClasses: dataset.numClasses,
  };
}

export function size(dataset: Dataset): number {
  return dataset.inputs.size(0);
}

/**
 * Index batches covering the dataset once: shuffled by `generator` when given, else in order; the last
 * batch may be smaller. Each yielded index tensor is a view, valid until the next one is drawn.
 *
 * @example for (const index of batchIndices(60000, 128, generator)) { … }
 */
export function* batchIndices(count: number, batchSize: number, generator?: Generator): IterableIterator<Tensor> {
  checkPositiveInteger(batchSize, 'batchSize');
  const order = keep(generator ? randperm(count, { generator }) : arange(count));
  try {
    for (let first = 0; first < count; first += batchSize) yield order.narrow(0, first, Math.min(batchSize, count - first));
  } finally {
    order.dispose();
  }
}

/** A random fraction of the samples (⌊fraction·N⌋, at least one), e.g. Shwartz-Ziv & Tishby's 5 %. */
export function randomSubset(dataset: Dataset, fraction: number, generator: Generator): Dataset {
  if (!(fraction > 0 && fraction <= 1)) invalid('a fraction in (0, 1]', 'fraction', fraction);
  const count = Math.max(1, Math.floor(fraction * size(dataset)));
  return tidy(() => select(dataset, randperm(size(dataset), { generator }).narrow(0, 0, count), `${dataset.name} (${+(fraction * 100).toFixed(2)}%)`));
}

/**
 * The indices (int64, ascending) of a seeded class-stratified random subset of `count` samples: each class
 * gets its share of `count` rounded by largest remainder (so counts differ from count·p_c by less than
 * one), its members drawn by a seeded permutation. A probe subset drawn this way has the labels' own H(Y).
 *
 * @example stratifiedIndices(test.labels, test.numClasses, 1000, new Generator(7))
 */
export function stratifiedIndices(labels: Tensor, numClasses: number, count: number, generator: Generator): Tensor {
  const n = labels.size(0);
  if (!Number.isInteger(count) || count < 1 || count > n) invalid(`an integer in [1, ${n}]`, 'count', count);
  const values = labels.toNumbers();
  const members: number[][] = Array.from({ length: numClasses }, () => []);
  values.forEach((label, i) => members[label]!.push(i));
  const exact = members.map((rows) => (rows.length * count) / n);
  const quota = exact.map(Math.floor);
  const byRemainder = exact.map((value, c) => [value - quota[c]!, c] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  const remaining = count - quota.reduce((a, b) => a + b, 0);
  for (let k = 0; k < remaining; k++) quota[byRemainder[k]![1]]!++;
  const chosen = members.flatMap((rows, c) => {
    if (quota[c] === 0) return [];
    const order = tidy(() => randperm(rows.length, { generator }).toNumbers());
    return order.slice(0, quota[c]).map((k) => rows[k]!);
  });
  return tensor(chosen.sort((a, b) => a - b), undefined, { dtype: 'int64' });
}

/** The same inputs with labels drawn uniformly at random (Zhang et al.'s randomised labels). */
export function randomLabels(dataset: Dataset, generator: Generator): Dataset {
  return {
    name: `${dataset.name} (random labels)`,
    inputs: dataset.inputs,
    labels: keep(randint(0, dataset.numClasses, [size(dataset)], { generator })),
    numClasses: dataset.numClasses,
  };
}

/** np.rint: the nearest integer, halves to the even one (2.5 → 2, 3.5 → 4), after rounding off float noise. */
function roundHalfEven(value: number): number {
  const x = Math.round(value * 1e9) / 1e9;
  const floor = Math.floor(x);
  const fraction = x - floor;
  return fraction > 0.5 || (fraction === 0.5 && floor % 2 === 1) ? floor + 1 : floor;
}

/**
 * A seeded split as ibsgd's `utils.data_shuffle`: a random permutation whose first rint((1 − testFraction)·N)
 * samples train (np.rint(80·4096/100) = 3277 of the 12-bit task's 4096) and the rest test.
 */
export function trainTestSplit(dataset: Dataset, testFraction: number, generator: Generator): DatasetSplits {
  if (!(testFraction > 0 && testFraction < 1)) invalid('a fraction in (0, 1)', 'testFraction', testFraction);
  const n = size(dataset);
  const testCount = Math.min(n - 1, Math.max(1, n - roundHalfEven((1 - testFraction) * n)));
  return tidy(() => {
    const order = randperm(n, { generator });
    return {
      train: select(dataset, order.narrow(0, 0, n - testCount), `${dataset.name} train`),
      test: select(dataset, order.narrow(0, n - testCount, testCount), `${dataset.name} test`),
    };
  });
}
