/**
 * The gradient-SNR set-up as the paper's §2.3.3 describes Tishby's (`snr: 'replicas'`): K copies of the
 * network, identical at the start, each trained only on its own fixed minibatch (so one epoch of a copy is
 * one step). At a logged time the copies' gradients on their own minibatches give the per-element mean and
 * standard deviation across copies, and from them each layer's μ, σ and SNR. Tishby's code itself
 * (IDNNs networks/network.py) trains one network and keeps its gradient on every minibatch of a logged
 * epoch — our 'minibatch' mode (which takes each gradient before its step, IDNNs just after it).
 */
import { type Dataset, size } from '../data/dataset.js';
import { type LossName, type Sequential, computeLoss } from '../nn/index.js';
import { type Optimizer, type OptimizerSpec, createOptimizer } from '../optim/index.js';
import { Generator, type Tensor, keep, randperm, tidy } from '../tensor/index.js';
import { type GradientSummary, GradientMoments } from './gradient-stats.js';

export class ParallelReplicas {
  readonly models: Sequential[];
  readonly optimizers: Optimizer[];
  readonly #batches: { inputs: Tensor; labels: Tensor }[];

  /**
   * @param makeModel builds one copy; called K times, it must give identical networks (same seed).
   */
  constructor(makeModel: () => Sequential, optimizer: OptimizerSpec, private readonly loss: LossName, train: Dataset, replicas: number, batchSize: number, seed: number) {
    if (replicas * batchSize > size(train)) {
      throw new Error(`${replicas} replicas × batch ${batchSize} = ${replicas * batchSize} samples, more than the ${size(train)} training samples`);
    }
    const order = randperm(size(train), { generator: new Generator(seed) });
    this.#batches = Array.from({ length: replicas }, (_, k) => tidy(() => {
      const index = order.narrow(0, k * batchSize, batchSize);
      return { inputs: keep(train.inputs.indexSelect(0, index)), labels: keep(train.labels.indexSelect(0, index)) };
    }));
    order.dispose();
    this.models = Array.from({ length: replicas }, makeModel);
    this.optimizers = this.models.map((model) => createOptimizer(optimizer, model));
  }

  private backward(k: number): void {
    tidy(() => {
      const batch = this.#batches[k]!;
      computeLoss(this.loss, this.models[k]!.forwardAll(batch.inputs).at(-1)!, batch.labels).backward();
    });
  }

  /** One epoch for every copy: one step on its own minibatch. */
  step(): void {
    this.models.forEach((model, k) => {
      model.train();
      this.backward(k);
      this.optimizers[k]!.step();
      this.optimizers[k]!.zeroGrad();
    });
  }

  /** Each parameter's gradient statistics across the copies, at their current parameters. */
  gradientSummary(): Map<string, GradientSummary> {
    const moments = new GradientMoments(this.models[0]!.namedParameters());
    try {
      this.models.forEach((model, k) => {
        this.backward(k);
        tidy(() => moments.update(model.parameters().map((p) => p.grad!)));
        this.optimizers[k]!.zeroGrad();
      });
      return moments.summarize();
    } finally {
      moments.dispose();
    }
  }

  /** Every copy's parameters and optimizer state, by `replica<k>.` names, for checkpoints. */
  stateTensors(): Map<string, Tensor> {
    const state = new Map<string, Tensor>();
    this.models.forEach((model, k) => {
      for (const [name, value] of model.stateDict()) state.set(`replica${k}.model.${name}`, value);
      for (const [name, value] of this.optimizers[k]!.stateDict().slots) state.set(`replica${k}.optimizer.${name}`, value);
    });
    return state;
  }

  loadStateTensors(state: ReadonlyMap<string, Tensor>, iterations: number): void {
    this.models.forEach((model, k) => {
      const pick = (prefix: string) => new Map([...state].filter(([name]) => name.startsWith(prefix)).map(([name, value]) => [name.slice(prefix.length), value]));
      model.loadStateDict(pick(`replica${k}.model.`));
      this.optimizers[k]!.loadStateDict({ iterations, slots: pick(`replica${k}.optimizer.`) });
    });
  }

  dispose(): void {
    for (const model of this.models) model.dispose();
    for (const optimizer of this.optimizers) optimizer.dispose();
    for (const batch of this.#batches) {
      batch.inputs.dispose();
      batch.labels.dispose();
    }
  }
}
