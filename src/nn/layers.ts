/**
 * Layers in Keras terms. Image tensors are NCHW throughout (libtorch's native layout); kernels are stored
 * in PyTorch's layout — dense [units, inFeatures], conv [filters, inChannels, kh, kw] — and named as
 * Keras names them (`kernel`, `bias`).
 */
import {
  type Generator, type Tensor, conv2d, dropout, linear, maxPool2d, pad,
} from '../tensor/index.js';
import { type ActivationName, activate } from './activations.js';
import { type InitializerName, initBias, initKernel } from './init.js';
import { type LayerOutput, Module } from './module.js';
import { ActivationQuantizer } from './quantize.js';

export type Padding = 'valid' | 'same';

export abstract class Layer extends Module {
  abstract readonly type: string;
  /** The shape of one sample's output for one sample's input shape (no batch dim). */
  abstract outputShape(inputShape: readonly number[]): number[];
  abstract call(x: Tensor): LayerOutput;

  protected incompatible(inputShape: readonly number[], expected: string): never {
    throw new Error(`${this.name} (${this.type}) expects ${expected} but its input has shape [${inputShape.join(', ')}]`);
  }

  /** With `quantizeBits`, the child that applies the activation and rounds it onto 2^bits levels (src/nn/quantize.ts). */
  protected quantizerFor(activation: ActivationName, quantizeBits: number | undefined): ActivationQuantizer | undefined {
    return quantizeBits === undefined ? undefined : this.registerChild(new ActivationQuantizer('quantizer', activation, quantizeBits));
  }
}

/** The layer's activation of `preActivation`: through its quantizer when it has one. */
function activateLayer(activation: ActivationName, quantizer: ActivationQuantizer | undefined, preActivation: Tensor): Tensor {
  return quantizer ? quantizer.activate(preActivation) : activate(activation, preActivation);
}

export interface ParameterInit {
  initializer: InitializerName;
  generator: Generator;
  /** Parameter dtype: float32, or float64 for exact checks. */
  dtype: 'float32' | 'float64';
}

export class Dense extends Layer {
  readonly type = 'dense';
  readonly kernel: Tensor;
  readonly bias: Tensor;
  readonly quantizer: ActivationQuantizer | undefined;

  /** With `quantizeBits`, the activation's output is quantized onto 2^quantizeBits levels (src/nn/quantize.ts). */
  constructor(name: string, readonly inFeatures: number, readonly units: number, readonly activation: ActivationName, init: ParameterInit, quantizeBits?: number) {
    super(name);
    this.kernel = this.registerParameter('kernel', initKernel(init.initializer, [units, inFeatures], init.generator, init.dtype));
    this.bias = this.registerParameter('bias', initBias(init.initializer, units, [units, inFeatures], init.generator, init.dtype));
    this.quantizer = this.quantizerFor(activation, quantizeBits);
  }

  outputShape(inputShape: readonly number[]): number[] {
    if (inputShape.length !== 1 || inputShape[0] !== this.inFeatures) this.incompatible(inputShape, `[${this.inFeatures}]`);
    return [this.units];
  }

  call(x: Tensor): LayerOutput {
    const preActivation = linear(x, this.kernel, this.bias);
    return { name: this.name, type: this.type, activation: this.activation, preActivation, output: activateLayer(this.activation, this.quantizer, preActivation) };
  }
}

/** TensorFlow's 'same' padding: total = max((⌈n/s⌉ − 1)·s + k − n, 0), the odd pixel after. */
function samePadding(size: number, kernel: number, stride: number): [number, number] {
  const total = Math.max((Math.ceil(size / stride) - 1) * stride + kernel - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

function windowedSize(size: number, kernel: number, stride: number, padding: Padding): number {
  return padding === 'same' ? Math.ceil(size / stride) : Math.floor((size - kernel) / stride) + 1;
}

/** Pads H and W as TensorFlow's 'same' does, with `value`. */
function padSame(x: Tensor, kernel: readonly [number, number], stride: readonly [number, number], value: number): Tensor {
  const [top, bottom] = samePadding(x.size(2), kernel[0], stride[0]);
  const [left, right] = samePadding(x.size(3), kernel[1], stride[1]);
  return top + bottom + left + right === 0 ? x : pad(x, [left, right, top, bottom], value);
}

export class Conv2D extends Layer {
  readonly type = 'conv2d';
  readonly kernel: Tensor;
  readonly bias: Tensor;
  readonly quantizer: ActivationQuantizer | undefined;

  constructor(
    name: string,
    readonly inChannels: number,
    readonly filters: number,
    readonly kernelSize: [number, number],
    readonly strides: [number, number],
    readonly padding: Padding,
    readonly activation: ActivationName,
    init: ParameterInit,
    quantizeBits?: number,
  ) {
    super(name);
    const shape = [filters, inChannels, ...kernelSize];
    this.kernel = this.registerParameter('kernel', initKernel(init.initializer, shape, init.generator, init.dtype));
    this.bias = this.registerParameter('bias', initBias(init.initializer, filters, shape, init.generator, init.dtype));
    this.quantizer = this.quantizerFor(activation, quantizeBits);
  }

  outputShape(inputShape: readonly number[]): number[] {
    const [channels, height, width] = inputShape;
    if (inputShape.length !== 3 || channels !== this.inChannels) this.incompatible(inputShape, `[${this.inChannels}, height, width]`);
    const out = [windowedSize(height!, this.kernelSize[0], this.strides[0], this.padding), windowedSize(width!, this.kernelSize[1], this.strides[1], this.padding)];
    if (out.some((size) => size < 1)) this.incompatible(inputShape, `images of at least ${this.kernelSize.join('×')} pixels`);
    return [this.filters, ...out];
  }

  call(x: Tensor): LayerOutput {
    const stride = this.strides;
    let preActivation: Tensor;
    if (this.padding === 'valid') {
      preActivation = conv2d(x, this.kernel, this.bias, { stride });
    } else if (stride[0] === 1 && stride[1] === 1) {
      preActivation = conv2d(x, this.kernel, this.bias, { padding: 'same' });
    } else {
      preActivation = conv2d(padSame(x, this.kernelSize, stride, 0), this.kernel, this.bias, { stride });
    }
    return { name: this.name, type: this.type, activation: this.activation, preActivation, output: activateLayer(this.activation, this.quantizer, preActivation) };
  }
}

export class MaxPooling2D extends Layer {
  readonly type = 'max_pooling2d';

  constructor(name: string, readonly poolSize: [number, number], readonly strides: [number, number], readonly padding: Padding) {
    super(name);
  }

  outputShape(inputShape: readonly number[]): number[] {
    const [channels, height, width] = inputShape;
    if (inputShape.length !== 3) this.incompatible(inputShape, '[channels, height, width]');
    const out = [windowedSize(height!, this.poolSize[0], this.strides[0], this.padding), windowedSize(width!, this.poolSize[1], this.strides[1], this.padding)];
    if (out.some((size) => size < 1)) this.incompatible(inputShape, `images of at least ${this.poolSize.join('×')} pixels`);
    return [channels!, ...out];
  }

  call(x: Tensor): LayerOutput {
    const input = this.padding === 'same' ? padSame(x, this.poolSize, this.strides, -Infinity) : x;
    return { name: this.name, type: this.type, output: maxPool2d(input, this.poolSize, { stride: this.strides }) };
  }
}

export class Flatten extends Layer {
  readonly type = 'flatten';

  outputShape(inputShape: readonly number[]): number[] {
    return [inputShape.reduce((a, b) => a * b, 1)];
  }

  call(x: Tensor): LayerOutput {
    return { name: this.name, type: this.type, output: x.flatten(1) };
  }
}

export class Dropout extends Layer {
  readonly type = 'dropout';

  constructor(name: string, readonly rate: number, private generator: Generator) {
    super(name);
  }

  /** Draws the dropout masks from a new generator from now on. */
  reseed(generator: Generator): void {
    this.generator = generator;
  }

  outputShape(inputShape: readonly number[]): number[] {
    return [...inputShape];
  }

  call(x: Tensor): LayerOutput {
    return { name: this.name, type: this.type, output: dropout(x, this.rate, { training: this.training, generator: this.generator }) };
  }
}

export class Activation extends Layer {
  readonly type = 'activation';
  readonly quantizer: ActivationQuantizer | undefined;

  constructor(name: string, readonly activation: ActivationName, quantizeBits?: number) {
    super(name);
    this.quantizer = this.quantizerFor(activation, quantizeBits);
  }

  outputShape(inputShape: readonly number[]): number[] {
    return [...inputShape];
  }

  call(x: Tensor): LayerOutput {
    return { name: this.name, type: this.type, activation: this.activation, preActivation: x, output: activateLayer(this.activation, this.quantizer, x) };
  }
}
