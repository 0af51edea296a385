/** An experiment's data from its config: the training and test sets, the data variations, the probe set. */
import {
  type Dataset, checkDataset, randomLabels, randomSubset, select, size, stratifiedIndices, trainTestSplit,
} from '../data/dataset.js';
import { loadFashionMnist, loadMnist } from '../data/builtin.js';
import { PUBLISHED_IB12, generateIb12, loadIb12Mat } from '../data/ib12.js';
import { npyToTensor } from '../data/npy.js';
import { classLabels } from '../info/labels.js';
import { Generator, type Tensor, arange, cat, deriveSeed, keep, tidy } from '../tensor/index.js';
import type { ExperimentConfig } from './config.js';

export interface ProbeSet {
  inputs: Tensor;
  labels: Tensor;
  /** Distinct ids of the probe inputs (int64), as estimators that need input identities expect. */
  inputIds: Tensor;
  /** True when the probe is the whole test set, so test metrics come from the probe's forward pass. */
  isWholeTestSet: boolean;
  /** Probe indices of the examples whose activations every logged epoch stores (config probe.examples). */
  exampleIndices: number[];
}

/** The first sample of each class in class order, then the next unused samples, up to `count`. */
export function exampleIndices(labels: readonly number[], count: number): number[] {
  const firsts = new Map<number, number>();
  labels.forEach((label, i) => { if (!firsts.has(label)) firsts.set(label, i); });
  const chosen = [...firsts].sort((a, b) => a[0] - b[0]).map(([, i]) => i).slice(0, count);
  for (let i = 0; chosen.length < Math.min(count, labels.length); i++) if (!chosen.includes(i)) chosen.push(i);
  return chosen.sort((a, b) => a - b);
}

export interface ExperimentData {
  train: Dataset;
  test: Dataset;
  probe: ProbeSet;
  numClasses: number;
  /** One sample's shape. */
  sampleShape: number[];
}

/** A user's NPY inputs and labels; the labels are checked by the library (integers ≥ 0, one per input). */
function userDataset(name: string, inputsFile: string, labelsFile: string): Dataset {
  const inputs = tidy(() => keep(npyToTensor(inputsFile).to('float32')));
  try {
    const { labels, numClasses } = tidy(() => classLabels(npyToTensor(labelsFile), { samples: inputs.size(0) }));
    return checkDataset({ name, inputs, labels: keep(labels), numClasses });
  } catch (error) {
    inputs.dispose();
    throw new Error(`${labelsFile}: ${(error as Error).message}`);
  }
}

function loadSplits(config: ExperimentConfig): { train: Dataset; test: Dataset } {
  const dataset = config.dataset;
  const split = (whole: Dataset, testFraction: number): { train: Dataset; test: Dataset } => {
    try {
      return trainTestSplit(whole, testFraction, new Generator(deriveSeed(config.seed, 'split')));
    } finally {
      disposeDatasets([whole]);
    }
  };
  switch (dataset.name) {
    case 'mnist':
    case 'fashion-mnist': {
      const layout = config.model.layers[0]?.type === 'conv2d' ? 'image' : 'flat';
      const splits = dataset.name === 'mnist' ? loadMnist(layout) : loadFashionMnist(layout);
      if (dataset.range === '-1-1') {
        // x·2 − 1 on request (ibsgd utils.get_mnist has this line commented out: its inputs are x/255).
        for (const part of [splits.train, splits.test]) part.inputs.mul_(2).sub_(1);
      }
      return splits;
    }
    case 'ib12':
      return split(dataset.source === 'file' ? loadIb12Mat(dataset.path ?? PUBLISHED_IB12) : generateIb12(dataset.generatorSeed), dataset.testFraction);
    case 'npy': {
      const train = userDataset('train', dataset.trainInputs, dataset.trainLabels);
      if (dataset.testInputs && dataset.testLabels) return { train, test: userDataset('test', dataset.testInputs, dataset.testLabels) };
      return split(train, dataset.testFraction);
    }
    case 'imported':
      throw new Error(`this run was imported from ${dataset.from}: its network was trained elsewhere, so it cannot be trained or resumed here; `
        + 're-estimate it (infoplane reestimate) or draw it (infoplane report)');
  }
}

/**
 * Loads the data a config describes; all randomness (splits, subsets, relabelling) from streams derived
 * from the config's seed.
 */
export function loadExperimentData(config: ExperimentConfig): ExperimentData {
  let { train, test } = loadSplits(config);
  // Each step below replaces a part; what it replaces is freed at once, so loading holds no stray copies.
  const replace = (old: Dataset, next: Dataset): Dataset => {
    disposeDatasets([old], [next]);
    return next;
  };
  if (config.trainFraction < 1) train = replace(train, randomSubset(train, config.trainFraction, new Generator(deriveSeed(config.seed, 'train-fraction'))));
  if (config.randomLabels) train = replace(train, randomLabels(train, new Generator(deriveSeed(config.seed, 'random-labels'))));
  if (config.model.dtype === 'float64') {
    const widen = (part: Dataset): Dataset => ({ ...part, inputs: tidy(() => keep(part.inputs.to('float64'))) });
    train = replace(train, widen(train));
    test = replace(test, widen(test));
  }
  const numClasses = Math.max(train.numClasses, test.numClasses);
  const source = config.probe.set === 'test' ? test : config.probe.set === 'train' ? train : {
    name: 'all',
    inputs: keep(cat([train.inputs, test.inputs])),
    labels: keep(cat([train.labels, test.labels])),
    numClasses,
  };
  const available = size(source);
  const count = config.probe.size === 'all' ? available : config.probe.size;
  if (count > available) {
    disposeDatasets([train, test, source]);
    throw new Error(`probe.size ${count} is larger than the ${config.probe.set} set (${available} samples)`);
  }
  // A smaller probe is a seeded class-stratified random subset (not the first `count` samples, whose
  // classes need not be balanced), in the set's order.
  const probeData = count === available ? source : tidy(() => select(source, stratifiedIndices(source.labels, numClasses, count, new Generator(deriveSeed(config.seed, 'probe')))));
  if (probeData !== source && source !== train && source !== test) disposeDatasets([source]);
  const sampleShape = train.inputs.shape.slice(1);
  return {
    train,
    test,
    numClasses,
    sampleShape,
    probe: {
      inputs: probeData.inputs,
      labels: probeData.labels,
      inputIds: keep(arange(count)),
      isWholeTestSet: config.probe.set === 'test' && count === size(test),
      exampleIndices: exampleIndices(probeData.labels.toNumbers(), config.probe.examples),
    },
  };
}

/** Frees the datasets' tensors (each once, however often it is shared), except those `still` uses. */
function disposeDatasets(datasets: readonly Dataset[], still: readonly Dataset[] = []): void {
  const kept = new Set(still.flatMap((part) => [part.inputs, part.labels]));
  for (const t of new Set(datasets.flatMap((part) => [part.inputs, part.labels]))) if (!kept.has(t) && !t.isDisposed) t.dispose();
}

/** Frees every tensor of an experiment's data (the runner calls it when a run ends). */
export function disposeExperimentData(data: ExperimentData): void {
  const tensors = new Set([data.train.inputs, data.train.labels, data.test.inputs, data.test.labels, data.probe.inputs, data.probe.labels, data.probe.inputIds]);
  for (const t of tensors) if (!t.isDisposed) t.dispose();
}
