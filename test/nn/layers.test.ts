/** Layers and models: forward values by hand, gradients by finite differences, names, shapes, specs. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type ModelSpec, Sequential, fans, initBias, initKernel } from '../../src/nn/index.js';
import { Generator, type Tensor, arange, noGrad, ones, tensor, tidy, zeros } from '../../src/tensor/index.js';
import { assertClose, assertTensor, gradcheck, randomInput } from '../helpers.js';

const f64 = { dtype: 'float64' as const };

/** Sets a parameter's values (shape preserved). */
function setValues(param: Tensor, values: number[]): void {
  noGrad(() => param.copy_(tensor(values, [...param.shape], { dtype: param.dtype })));
}

describe('layer forward values', () => {
  it('dense: x·Wᵀ + b, then the activation, with the pre-activation reachable', () => {
    const model = new Sequential({ inputShape: [2], layers: [{ type: 'dense', units: 3, activation: 'relu' }] }, 1, f64);
    const [kernel, bias] = model.parameters();
    setValues(kernel!, [1, 2, -1, 0, 0.5, 0.5]); // rows are units
    setValues(bias!, [0, 1, -3]);
    const [out] = model.forwardAll(tensor([[1, 2], [3, -1]], undefined, f64));
    // [1,2]: [1+4, -1+1, 0.5+1-3] = [5, 0, -1.5]; [3,-1]: [3-2, -3+1, 1.5-0.5-3] = [1, -2, -2]
    assertTensor(out!.preActivation!, [2, 3], [5, 0, -1.5, 1, -2, -2]);
    assertTensor(out!.output, [2, 3], [5, 0, 0, 1, 0, 0]);
    assert.equal(out!.activation, 'relu');
  });

  it('conv2d valid, same (stride 1) and same with stride 2 (TensorFlow padding, extra pixel after)', () => {
    const image = arange(1, 17, 1, f64).reshape([1, 1, 4, 4]);
    const build = (padding: 'valid' | 'same', strides: number): Sequential => {
      const model = new Sequential({ inputShape: [1, 4, 4], layers: [{ type: 'conv2d', filters: 1, kernelSize: 2, strides, padding }] }, 1, f64);
      setValues(model.parameters()[0]!, [1, 1, 1, 1]);
      setValues(model.parameters()[1]!, [0.5]);
      return model;
    };
    // 2×2 window sums of 1..16 plus 0.5
    assertTensor(build('valid', 1).forward(image), [1, 1, 3, 3], [14.5, 18.5, 22.5, 30.5, 34.5, 38.5, 46.5, 50.5, 54.5]);
    // same, stride 1: one column right and one row below of zeros
    assertTensor(build('same', 1).forward(image), [1, 1, 4, 4],
      [14.5, 18.5, 22.5, 12.5, 30.5, 34.5, 38.5, 20.5, 46.5, 50.5, 54.5, 28.5, 27.5, 29.5, 31.5, 16.5]);
    // same, stride 2 on 4 pixels: total padding (2−1)·2 + 2 − 4 = 0
    assertTensor(build('same', 2).forward(image), [1, 1, 2, 2], [14.5, 22.5, 46.5, 54.5]);
    // same, stride 2 on a 3×3 image: total padding (2−1)·2 + 2 − 3 = 1, all after
    const small = arange(1, 10, 1, f64).reshape([1, 1, 3, 3]);
    const model = new Sequential({ inputShape: [1, 3, 3], layers: [{ type: 'conv2d', filters: 1, kernelSize: 2, strides: 2, padding: 'same' }] }, 1, f64);
    setValues(model.parameters()[0]!, [1, 1, 1, 1]);
    setValues(model.parameters()[1]!, [0]);
    assertTensor(model.forward(small), [1, 1, 2, 2], [12, 9, 15, 9]);
  });

  it('max pooling valid and same; flatten; activation layer; dropout only in training', () => {
    const image = tensor([1, 5, 2, 4, 0, 3, 7, 8, 6], [1, 1, 3, 3], f64);
    const pool = (padding: 'valid' | 'same'): Sequential => new Sequential({ inputShape: [1, 3, 3], layers: [{ type: 'maxPooling2d', poolSize: 2, padding }, { type: 'flatten' }] }, 1, f64);
    assertTensor(pool('valid').forward(image), [1, 1], [5]);
    // same: padded with −∞ after → windows {1,5,4,0}, {2,3}, {7,8}, {6}
    assertTensor(pool('same').forward(image), [1, 4], [5, 3, 8, 6]);
    const softmax = new Sequential({ inputShape: [2], layers: [{ type: 'activation', activation: 'softmax' }] }, 1, f64);
    assertTensor(softmax.forward(tensor([[0, Math.log(3)]], undefined, f64)), [1, 2], [0.25, 0.75]);
    const dropped = new Sequential({ inputShape: [1000], layers: [{ type: 'dropout', rate: 0.5 }] }, 1, f64);
    const x = ones([1, 1000], f64);
    const trained = dropped.forward(x).toNumbers();
    assert.ok(trained.every((v) => v === 0 || v === 2));
    assert.ok(Math.abs(trained.filter((v) => v === 0).length - 500) < 80);
    dropped.eval();
    assertTensor(dropped.forward(x), [1, 1000], new Array<number>(1000).fill(1));
  });
});

describe('layer gradients match finite differences', () => {
  it('dense, conv2d (valid, same, strided), max pooling, flatten and softmax: input gradients', () => {
    gradcheck('dense tanh', (x) => new Sequential({ inputShape: [3], layers: [{ type: 'dense', units: 2, activation: 'tanh' }] }, 1, f64).forward(x), [randomInput([4, 3], 1)]);
    for (const [padding, strides] of [['valid', 1], ['same', 1], ['same', 2]] as const) {
      gradcheck(`conv2d ${padding} ${strides}`, (x) => new Sequential({ inputShape: [2, 5, 5], layers: [{ type: 'conv2d', filters: 3, kernelSize: 3, strides, padding, activation: 'sigmoid' }] }, 1, f64).forward(x), [randomInput([2, 2, 5, 5], 2)]);
    }
    gradcheck('max pooling same', (x) => new Sequential({ inputShape: [1, 5, 5], layers: [{ type: 'maxPooling2d', poolSize: 2, padding: 'same' }, { type: 'flatten' }, { type: 'dense', units: 3, activation: 'softmax' }] }, 1, f64).forward(x), [randomInput([2, 1, 5, 5], 3)]);
  });

  it('every parameter of a small CNN: d(loss)/d(θ) from backward equals finite differences', () => {
    const model = new Sequential({
      inputShape: [1, 6, 6],
      layers: [
        { type: 'conv2d', filters: 2, kernelSize: 3, activation: 'relu' },
        { type: 'maxPooling2d', poolSize: 2 },
        { type: 'flatten' },
        { type: 'dense', units: 3, activation: 'tanh' },
        { type: 'dense', units: 2, activation: 'softmax' },
      ],
    }, 4, f64);
    const x = randomInput([3, 1, 6, 6], 5);
    const weights = randomInput([3, 2], 6);
    const objective = (): Tensor => model.forward(x).mul(weights).sum();
    tidy(() => objective().backward());
    const step = 1e-6;
    for (const [name, param] of model.namedParameters()) {
      const analytic = tidy(() => param.grad!.toNumbers());
      const flat = noGrad(() => param.view([-1]));
      const numeric = Array.from({ length: param.numel }, (_, i) => noGrad(() => tidy(() => {
        const element = flat.narrow(0, i, 1);
        const original = element.item();
        element.fill_(original + step);
        const plus = objective().item();
        element.fill_(original - step);
        const minus = objective().item();
        element.fill_(original);
        return (plus - minus) / (2 * step);
      })));
      assertClose(analytic, numeric, 1e-6, name);
      flat.dispose();
    }
  });
});

describe('models from specs', () => {
  const cnn: ModelSpec = {
    inputShape: [1, 28, 28],
    layers: [
      { type: 'conv2d', filters: 32, kernelSize: 3, activation: 'relu' },
      { type: 'conv2d', filters: 64, kernelSize: [3, 3], activation: 'relu' },
      { type: 'maxPooling2d', poolSize: [2, 2] },
      { type: 'flatten' },
      { type: 'dense', units: 128, activation: 'relu' },
      { type: 'dense', units: 10, activation: 'softmax' },
    ],
  };

  it('the paper\'s CNN: Keras layer names, dotted parameter names, shapes after each layer', () => {
    const model = new Sequential(cnn, 1);
    assert.deepEqual(model.layers.map((layer) => layer.name), ['conv2d_1', 'conv2d_2', 'max_pooling2d_1', 'flatten_1', 'dense_1', 'dense_2']);
    assert.deepEqual(model.layerShapes, [[32, 26, 26], [64, 24, 24], [64, 12, 12], [9216], [128], [10]]);
    assert.deepEqual(model.namedParameters().map(([name, p]) => `${name}:${p.shape.join('x')}`), [
      'conv2d_1.kernel:32x1x3x3', 'conv2d_1.bias:32', 'conv2d_2.kernel:64x32x3x3', 'conv2d_2.bias:64',
      'dense_1.kernel:128x9216', 'dense_1.bias:128', 'dense_2.kernel:10x128', 'dense_2.bias:10',
    ]);
    const outputs = tidy(() => model.forwardAll(zeros([2, 1, 28, 28])).map((out) => [...out.output.shape]));
    assert.deepEqual(outputs, [[2, 32, 26, 26], [2, 64, 24, 24], [2, 64, 12, 12], [2, 9216], [2, 128], [2, 10]]);
    model.dispose();
  });

  it('invalid specs name the field and what is allowed', () => {
    const bad = (spec: unknown, message: RegExp): void => assert.throws(() => new Sequential(spec as never, 1), message);
    bad({ inputShape: [4], layers: [{ type: 'dense', units: 0 }] }, /layers\[0\]\.units: Number must be greater than 0/);
    bad({ inputShape: [4], layers: [{ type: 'dense', units: 2, activation: 'swish' }] }, /layers\[0\]\.activation: expected one of "linear", "tanh", "relu", "sigmoid", "softmax" but received "swish"/);
    bad({ inputShape: [4], layers: [{ type: 'dens', units: 2 }] }, /layers\[0\]\.type: expected one of "dense", "conv2d"/);
    bad({ inputShape: [4], layers: [{ type: 'dense', units: 2, unit: 3 }] }, /unknown field "unit"/);
    bad({ inputShape: [1, 28, 28], layers: [{ type: 'dense', units: 2 }] }, /dense_1 \(dense\) needs a flat input but receives shape \[1, 28, 28\]: add \{ type: 'flatten' \}/);
    bad({ inputShape: [1, 2, 2], layers: [{ type: 'conv2d', filters: 2, kernelSize: 3 }] }, /conv2d_1 \(conv2d\) expects images of at least 3×3 pixels/);
  });

  it('refuses inputs of the wrong shape or dtype with a clear error', () => {
    const model = new Sequential({ inputShape: [4], layers: [{ type: 'dense', units: 2 }] }, 1);
    assert.throws(() => model.forward(zeros([3, 5])), /the model expects inputs of shape \[batch, 4\] but received \[3, 5\]/);
    assert.throws(() => model.forward(zeros([3, 4], f64)), /parameters are float32 but the inputs are float64/);
  });

  it('the same seed builds the same weights; another seed other weights', () => {
    const spec = { inputShape: [5], layers: [{ type: 'dense' as const, units: 4 }] };
    const a = new Sequential(spec, 7).parameters()[0]!.toNumbers();
    assert.deepEqual(new Sequential(spec, 7).parameters()[0]!.toNumbers(), a);
    assert.notDeepEqual(new Sequential(spec, 8).parameters()[0]!.toNumbers(), a);
  });
});

describe('initialisers', () => {
  it('truncated-normal: N(0, 1/units) with nothing beyond two standard deviations, zero biases', () => {
    const generator = new Generator(3);
    const kernel = initKernel('truncated-normal', [100, 400], generator, 'float64');
    const sigma = 1 / Math.sqrt(100);
    assert.ok(kernel.abs().max().item() <= 2 * sigma + 1e-15);
    // The variance of a standard normal truncated at ±2 is 0.7737.
    assert.ok(Math.abs(kernel.var().item() / (0.7737 * sigma ** 2) - 1) < 0.03);
    assert.deepEqual(initBias('truncated-normal', 2, [2, 3], generator).toNumbers(), [0, 0]);
  });

  it('keras: glorot-uniform kernels within ±√(6/(fanIn+fanOut)) with the uniform variance, zero biases', () => {
    const generator = new Generator(1);
    const kernel = initKernel('keras', [64, 32, 3, 3], generator, 'float64');
    assert.deepEqual(fans([64, 32, 3, 3]), { fanIn: 288, fanOut: 576 });
    const limit = Math.sqrt(6 / (288 + 576));
    assert.ok(kernel.abs().max().item() <= limit);
    assert.ok(Math.abs(kernel.var().item() / (limit ** 2 / 3) - 1) < 0.03);
    assert.deepEqual(initBias('keras', 3, [3, 4], generator).toNumbers(), [0, 0, 0]);
  });

  it('torch: kernels and biases uniform within ±1/√fanIn', () => {
    const generator = new Generator(2);
    const kernel = initKernel('torch', [200, 100], generator, 'float64');
    const bias = initBias('torch', 200, [200, 100], generator, 'float64');
    assert.ok(kernel.abs().max().item() <= 0.1 && kernel.abs().max().item() > 0.099);
    assert.ok(Math.abs(kernel.var().item() / (0.01 / 3) - 1) < 0.03);
    assert.ok(bias.abs().max().item() <= 0.1 && bias.abs().min().item() >= 0);
    assert.ok(bias.abs().sum().item() > 0);
  });
});
