/**
 * `Module`: a named piece of a network with parameters, children and a train/eval mode.
 *
 * Parameters have stable dotted names (`dense_1.kernel`, `conv2d_2.bias`) so that probes, gradient
 * statistics, optimizers and checkpoints all speak about the same thing.
 */
import { type Tensor, keep, noGrad } from '../tensor/index.js';
import type { ActivationName } from './activations.js';

/** What one layer produced for a batch: the probe needs both sides of the activation. */
export interface LayerOutput {
  /** The layer's stable name, e.g. 'dense_1'. */
  name: string;
  /** The layer type, e.g. 'dense'. */
  type: string;
  /** The activation applied, when the layer has one. */
  activation?: ActivationName;
  /** The output before the activation (for layers with one). */
  preActivation?: Tensor;
  /** The layer's output. */
  output: Tensor;
}

export abstract class Module {
  readonly name: string;
  #training = true;
  readonly #parameters = new Map<string, Tensor>();
  readonly #buffers = new Map<string, Tensor>();
  readonly #children: Module[] = [];

  constructor(name: string) {
    this.name = name;
  }

  /** True in training mode (dropout active), false in evaluation mode. */
  get training(): boolean {
    return this.#training;
  }

  /** Sets training mode on this module and every child. */
  train(mode = true): this {
    this.#training = mode;
    for (const child of this.#children) child.train(mode);
    return this;
  }

  /** Evaluation mode: dropout off. */
  eval(): this {
    return this.train(false);
  }

  /** Registers a parameter under a local name; it requires grad and outlives tidy scopes. */
  protected registerParameter(localName: string, value: Tensor): Tensor {
    this.checkFreeName(localName);
    this.#parameters.set(localName, keep(value).requiresGrad_());
    return value;
  }

  /**
   * Registers state that is not trained (a quantizer's tracked range): it outlives tidy scopes and is saved
   * and loaded with the parameters (`stateDict`), but no optimizer or gradient statistic ever sees it.
   */
  protected registerBuffer(localName: string, value: Tensor): Tensor {
    this.checkFreeName(localName);
    this.#buffers.set(localName, keep(value));
    return value;
  }

  private checkFreeName(localName: string): void {
    if (this.#parameters.has(localName) || this.#buffers.has(localName)) throw new Error(`${this.name} already has a parameter or buffer named ${localName}`);
  }

  protected registerChild<M extends Module>(child: M): M {
    if (this.#children.some((existing) => existing.name === child.name)) {
      throw new Error(`${this.name} already has a child named ${child.name}`);
    }
    this.#children.push(child);
    return child;
  }

  get children(): readonly Module[] {
    return this.#children;
  }

  /**
   * Every parameter with its dotted name, in registration order: this module's own first (`kernel`,
   * `bias`), then each child's prefixed by the child's name (`dense_1.kernel`).
   */
  namedParameters(): [string, Tensor][] {
    return this.named((module) => module.#parameters);
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, value]) => value);
  }

  /** Every buffer (untrained state) with its dotted name, in the order of `namedParameters`. */
  namedBuffers(): [string, Tensor][] {
    return this.named((module) => module.#buffers);
  }

  private named(own: (module: Module) => ReadonlyMap<string, Tensor>): [string, Tensor][] {
    const mine = [...own(this)].map(([name, value]): [string, Tensor] => [name, value]);
    const nested = this.#children.flatMap((child) =>
      child.named(own).map(([name, value]): [string, Tensor] => [`${child.name}.${name}`, value]));
    return [...mine, ...nested];
  }

  /** The parameters, then the buffers, by dotted name (shared tensors, not copies). */
  stateDict(): Map<string, Tensor> {
    return new Map([...this.namedParameters(), ...this.namedBuffers()]);
  }

  /** Copies values into the parameters and buffers; names and shapes must match exactly. */
  loadStateDict(state: ReadonlyMap<string, Tensor>): void {
    const own = this.stateDict();
    const missing = [...own.keys()].filter((name) => !state.has(name));
    const unexpected = [...state.keys()].filter((name) => !own.has(name));
    if (missing.length > 0 || unexpected.length > 0) {
      throw new Error(`loadStateDict: parameter names differ (missing: ${missing.join(', ') || 'none'}; unexpected: ${unexpected.join(', ') || 'none'})`);
    }
    for (const [name, target] of own) {
      const source = state.get(name)!;
      if (source.shape.join() !== target.shape.join()) {
        throw new Error(`loadStateDict: ${name} has shape [${target.shape.join(', ')}] but the state holds [${source.shape.join(', ')}]`);
      }
      noGrad(() => target.copy_(source));
    }
  }

  /** Frees every parameter's and buffer's native memory; the module is unusable afterwards. */
  dispose(): void {
    for (const value of this.stateDict().values()) value.dispose();
  }
}
