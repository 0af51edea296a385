/** `Sequential`: a stack of layers built from a spec, with every layer's output reachable. */
import { Generator, type Tensor, deriveSeed } from '../tensor/index.js';
import { toPair } from '../schema.js';
import {
  Activation, Conv2D, Dense, Dropout, Flatten, type Layer, MaxPooling2D, type ParameterInit,
} from './layers.js';
import { type LayerOutput, Module } from './module.js';
import { type ModelSpec, type ResolvedModelSpec, resolveModelSpec } from './spec.js';

/** Keras' layer-name prefixes. */
const NAME_PREFIX: Record<ResolvedModelSpec['layers'][number]['type'], string> = {
  dense: 'dense', conv2d: 'conv2d', maxPooling2d: 'max_pooling2d', flatten: 'flatten', dropout: 'dropout', activation: 'activation',
};

export class Sequential extends Module {
  readonly spec: ResolvedModelSpec;
  readonly dtype: 'float32' | 'float64';
  readonly layers: readonly Layer[];
  /** One sample's shape after each layer. */
  readonly layerShapes: readonly (readonly number[])[];

  /**
   * Builds the model a spec describes, its weights drawn from `seed` (dropout draws from a stream
   * derived from the same seed). Parameters are float32 unless `dtype: 'float64'` is asked for.
   *
   * @example
   * const mlp = new Sequential({ inputShape: [784], layers: [{ type: 'dense', units: 10, activation: 'softmax' }] }, 1);
   */
  constructor(spec: ModelSpec, seed: number, options: { dtype?: 'float32' | 'float64' } = {}) {
    super('sequential');
    this.spec = resolveModelSpec(spec);
    this.dtype = options.dtype ?? 'float32';
    const init: ParameterInit = { initializer: this.spec.initializer, generator: new Generator(deriveSeed(seed, 'init')), dtype: this.dtype };
    const dropoutGenerator = new Generator(deriveSeed(seed, 'dropout'));
    const counters = new Map<string, number>();
    const layers: Layer[] = [];
    const shapes: number[][] = [];
    let shape: readonly number[] = this.spec.inputShape;
    for (const layerSpec of this.spec.layers) {
      const prefix = NAME_PREFIX[layerSpec.type];
      const count = (counters.get(prefix) ?? 0) + 1;
      counters.set(prefix, count);
      const name = `${prefix}_${count}`;
      let layer: Layer;
      switch (layerSpec.type) {
        case 'dense':
          if (shape.length !== 1) throw new Error(`${name} (dense) needs a flat input but receives shape [${shape.join(', ')}]: add { type: 'flatten' } before it`);
          layer = new Dense(name, shape[0]!, layerSpec.units, layerSpec.activation, init, layerSpec.quantizeBits);
          break;
        case 'conv2d':
          if (shape.length !== 3) throw new Error(`${name} (conv2d) needs [channels, height, width] inputs but receives shape [${shape.join(', ')}]`);
          layer = new Conv2D(name, shape[0]!, layerSpec.filters, toPair(layerSpec.kernelSize), toPair(layerSpec.strides), layerSpec.padding, layerSpec.activation, init, layerSpec.quantizeBits);
          break;
        case 'maxPooling2d': {
          const poolSize = toPair(layerSpec.poolSize);
          layer = new MaxPooling2D(name, poolSize, layerSpec.strides === undefined ? poolSize : toPair(layerSpec.strides), layerSpec.padding);
          break;
        }
        case 'flatten':
          layer = new Flatten(name);
          break;
        case 'dropout':
          layer = new Dropout(name, layerSpec.rate, dropoutGenerator);
          break;
        case 'activation':
          layer = new Activation(name, layerSpec.activation, layerSpec.quantizeBits);
          break;
      }
      shape = layer.outputShape(shape);
      layers.push(this.registerChild(layer));
      shapes.push([...shape]);
    }
    this.layers = layers;
    this.layerShapes = shapes;
  }

  get inputShape(): readonly number[] {
    return this.spec.inputShape;
  }

  get outputShape(): readonly number[] {
    return this.layerShapes.at(-1)!;
  }

  private checkInput(x: Tensor): void {
    const sample = x.shape.slice(1);
    if (x.ndim !== this.inputShape.length + 1 || sample.some((size, i) => size !== this.inputShape[i])) {
      throw new Error(`the model expects inputs of shape [batch, ${this.inputShape.join(', ')}] but received [${x.shape.join(', ')}]`);
    }
    if (x.dtype !== this.dtype) {
      throw new Error(`the model's parameters are ${this.dtype} but the inputs are ${x.dtype}: convert them with .to('${this.dtype}')`);
    }
  }

  /**
   * Restarts every dropout layer's mask stream from `seed` (one stream per layer), e.g. at each epoch so
   * that a resumed run draws the same masks as an uninterrupted one.
   */
  reseedDropout(seed: number): void {
    for (const layer of this.layers) if (layer instanceof Dropout) layer.reseed(new Generator(deriveSeed(seed, layer.name)));
  }

  /** Every layer's output (and pre-activation) for a batch, in order. */
  forwardAll(x: Tensor): LayerOutput[] {
    this.checkInput(x);
    const outputs: LayerOutput[] = [];
    let h = x;
    for (const layer of this.layers) {
      const out = layer.call(h);
      outputs.push(out);
      h = out.output;
    }
    return outputs;
  }

  /** The network's output for a batch. */
  forward(x: Tensor): Tensor {
    return this.forwardAll(x).at(-1)!.output;
  }
}
