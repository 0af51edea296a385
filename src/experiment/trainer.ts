/**
 * The training loop primitive: one epoch over shuffled minibatches, with a hook after each backward pass
 * (gradients readable, before the update) and a result per epoch. The runner builds on it.
 */
import { type Dataset, batchIndices, size } from '../data/dataset.js';
import { type LossName, type Sequential, accuracy, computeLoss } from '../nn/index.js';
import type { Optimizer } from '../optim/index.js';
import { type Generator, type Tensor, noGrad, tidy } from '../tensor/index.js';

/** What a batch hook sees: valid only during the call (tensors are freed afterwards). */
export interface BatchContext {
  /** 0-based batch index within the epoch. */
  batch: number;
  batchSize: number;
  /** The minibatch loss (the mean over its samples). */
  loss: number;
  /** Each parameter's minibatch gradient by dotted name, before the optimizer step. */
  gradients: ReadonlyMap<string, Tensor>;
}

export interface EpochOptions {
  model: Sequential;
  optimizer: Optimizer;
  loss: LossName;
  data: Dataset;
  batchSize: number;
  /** Shuffles the batches; the same generator state gives the same batches. */
  generator: Generator;
  /** Called after each backward pass, before the parameters change. */
  onBatch?: (context: BatchContext) => void;
  /** Called after each parameter update with the batch index. */
  afterStep?: (batch: number) => void;
}

export interface EpochResult {
  /** Mean of the minibatch losses, weighted by batch size (Keras' reported training loss). */
  meanLoss: number;
  batches: number;
  /** Each minibatch's loss, in order. */
  batchLosses: number[];
}

/**
 * Trains for one epoch.
 *
 * @example
 * const result = trainEpoch({ model, optimizer, loss: 'categorical_crossentropy', data: train, batchSize: 128, generator });
 */
export function trainEpoch(options: EpochOptions): EpochResult {
  const { model, optimizer, data, batchSize, onBatch } = options;
  model.train();
  const batchLosses: number[] = [];
  let weighted = 0;
  for (const index of batchIndices(size(data), batchSize, options.generator)) {
    // Each index view is freed here, once its batch is done (nothing is left for the finalizers).
    using _index = index;
    tidy(() => {
      const x = data.inputs.indexSelect(0, index);
      const y = data.labels.indexSelect(0, index);
      const loss = computeLoss(options.loss, model.forwardAll(x).at(-1)!, y);
      loss.backward();
      const value = loss.item();
      if (!Number.isFinite(value)) {
        throw new Error(`the training loss became ${value} at batch ${batchLosses.length}: lower the learning rate or check the data for NaN`);
      }
      if (onBatch) {
        const gradients = new Map(optimizer.names.map((name, i) => [name, optimizer.params[i]!.grad!]));
        onBatch({ batch: batchLosses.length, batchSize: index.size(0), loss: value, gradients });
      }
      optimizer.step();
      optimizer.zeroGrad();
      options.afterStep?.(batchLosses.length);
      batchLosses.push(value);
      weighted += value * index.size(0);
    });
  }
  return { meanLoss: weighted / size(data), batches: batchLosses.length, batchLosses };
}

/**
 * Rows per batch for passes without gradients (evaluation, probing): as many as keep the widest layer's
 * output within `budgetBytes` (16 MiB), at most `max`. Bigger batches gain nothing once BLAS is busy, and
 * an output above glibc's 32 MiB mmap threshold comes back as fresh pages, faulted in on every batch: the
 * CNN evaluated its training set in 1000-image batches (147 MB per conv output) at half the speed of 128.
 */
export function inferenceBatchSize(model: Sequential, max = 1000, budgetBytes = 16 * 2 ** 20): number {
  const widest = Math.max(...model.layerShapes.map((shape) => shape.reduce((a, b) => a * b, 1)));
  const bytes = model.dtype === 'float64' ? 8 : 4;
  return Math.max(1, Math.min(max, Math.floor(budgetBytes / (widest * bytes))));
}

export interface Evaluation {
  loss: number;
  accuracy: number;
}

/** Loss and accuracy over a dataset in evaluation mode, without gradients, in batches. */
export function evaluate(model: Sequential, lossName: LossName, data: Dataset, batchSize = inferenceBatchSize(model)): Evaluation {
  model.eval();
  let lossSum = 0;
  let correct = 0;
  noGrad(() => {
    for (const index of batchIndices(size(data), batchSize)) {
      using _index = index;
      tidy(() => {
        const y = data.labels.indexSelect(0, index);
        const last = model.forwardAll(data.inputs.indexSelect(0, index)).at(-1)!;
        const count = index.size(0);
        lossSum += computeLoss(lossName, last, y).item() * count;
        correct += accuracy(last.output, y) * count;
      });
    }
  });
  model.train();
  return { loss: lossSum / size(data), accuracy: correct / size(data) };
}
