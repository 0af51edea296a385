/**
 * Optimizers update parameters in place under no-grad, one multi-tensor (`_foreach_`) call per formula
 * term, so a step costs a handful of native calls whatever the number of parameters. Formulas and
 * defaults follow Keras (each subclass cites them); `learningRate` is public so that the dynamics code can
 * read α.
 */
import { type Tensor, keep, noGrad, tidy, zerosLike } from '../tensor/index.js';
import { checkNumber } from '../tensor/validate.js';

export interface NamedParameters {
  namedParameters(): [string, Tensor][];
}

export abstract class Optimizer {
  readonly names: readonly string[];
  readonly params: readonly Tensor[];
  #learningRate: number;
  /** Steps taken so far (Keras' `iterations`). */
  iterations = 0;
  /** Per-parameter state slots, e.g. 'm' and 'v' for Adam, allocated on first use. */
  readonly #slots = new Map<string, Tensor[]>();
  /** Per-parameter work buffers reused by every step (never saved). */
  readonly #scratch = new Map<string, Tensor[]>();

  constructor(model: NamedParameters, learningRate: number) {
    const named = model.namedParameters();
    if (named.length === 0) throw new Error('the optimizer was given a model without parameters');
    this.names = named.map(([name]) => name);
    this.params = named.map(([, value]) => value);
    this.#learningRate = Optimizer.checkRate(learningRate);
  }

  private static checkRate(value: number): number {
    checkNumber(value, 'learningRate');
    if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`Expected a positive learning rate but received ${value}`);
    return value;
  }

  /** α, the learning rate. */
  get learningRate(): number {
    return this.#learningRate;
  }
  set learningRate(value: number) {
    this.#learningRate = Optimizer.checkRate(value);
  }

  /** One state tensor per parameter, zero-initialised and kept for the optimizer's life. */
  protected slot(name: string): Tensor[] {
    return Optimizer.buffers(this.#slots, name, this.params);
  }

  /**
   * One work buffer per parameter, allocated once and overwritten by each step: a fresh allocation per
   * step costs page faults on every touch (bench/train measured it), a reused one does not.
   */
  protected scratch(name: string): Tensor[] {
    return Optimizer.buffers(this.#scratch, name, this.params);
  }

  private static buffers(store: Map<string, Tensor[]>, name: string, params: readonly Tensor[]): Tensor[] {
    let tensors = store.get(name);
    if (!tensors) {
      tensors = params.map((param) => keep(noGrad(() => zerosLike(param))));
      store.set(name, tensors);
    }
    return tensors;
  }

  /** Applies one update from the gradients that `backward` accumulated. */
  step(): void {
    const grads = this.params.map((param, index) => {
      const grad = param.grad;
      if (grad === null) throw new Error(`step(): ${this.names[index]} has no gradient; call backward() on the loss first`);
      return grad;
    });
    this.iterations++;
    tidy(() => noGrad(() => this.update(grads)));
    for (const grad of grads) grad.dispose();
  }

  /** The update rule, given each parameter's gradient, run under no-grad inside a tidy scope. */
  protected abstract update(grads: readonly Tensor[]): void;

  /** Drops every accumulated gradient (before the next backward). */
  zeroGrad(): void {
    for (const param of this.params) param.clearGrad();
  }

  /** The optimizer's state by `<parameter>.<slot>` name (shared tensors), plus its step count. */
  stateDict(): { iterations: number; slots: Map<string, Tensor> } {
    const slots = new Map<string, Tensor>();
    for (const [slot, tensors] of this.#slots) tensors.forEach((tensor, index) => slots.set(`${this.names[index]}.${slot}`, tensor));
    return { iterations: this.iterations, slots };
  }

  /** Restores a state saved by `stateDict` (slot names and shapes must match this optimizer's parameters). */
  loadStateDict(state: { iterations: number; slots: ReadonlyMap<string, Tensor> }): void {
    const slotNames = new Set([...state.slots.keys()].map((key) => key.slice(key.lastIndexOf('.') + 1)));
    for (const slotName of slotNames) {
      const tensors = this.slot(slotName);
      this.names.forEach((name, index) => {
        const source = state.slots.get(`${name}.${slotName}`);
        if (!source) throw new Error(`loadStateDict: the optimizer state has no ${name}.${slotName}`);
        if (source.shape.join() !== tensors[index]!.shape.join()) {
          throw new Error(`loadStateDict: ${name}.${slotName} has shape [${source.shape.join(', ')}], expected [${tensors[index]!.shape.join(', ')}]`);
        }
        noGrad(() => tensors[index]!.copy_(source));
      });
    }
    this.iterations = state.iterations;
  }

  /** Frees the optimizer's state (not the parameters). */
  dispose(): void {
    for (const store of [this.#slots, this.#scratch]) {
      for (const tensors of store.values()) for (const tensor of tensors) tensor.dispose();
      store.clear();
    }
  }
}
