/**
 * Quantized activations (src/nn/quantize.ts): levels by hand, relu's tracked range, the straight-through
 * gradient against the unquantized activation's, the range in the state dict, and the spec's checks.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ActivationQuantizer, INITIAL_RANGE_MAX, RANGE_DECAY, type LayerSpec, Sequential, quantizeToLevels,
} from '../../src/nn/index.js';
import { type Tensor, liveTensorCount, noGrad, tensor, tidy } from '../../src/tensor/index.js';
import { assertClose, assertTensor, randomInput } from '../helpers.js';

const f64 = { dtype: 'float64' as const };
const third = 1 / 3;

/** A model of one activation layer. */
function activationLayer(activation: 'tanh' | 'sigmoid' | 'softmax' | 'relu', quantizeBits?: number): Sequential {
  const layer: LayerSpec = quantizeBits === undefined ? { type: 'activation', activation } : { type: 'activation', activation, quantizeBits };
  return new Sequential({ inputShape: [3], layers: [layer] }, 1, f64);
}

const rows = (values: number[]): Tensor => tensor(values, [1, values.length], f64);

describe('quantized forward values', () => {
  it('2 bits on [−1, 1]: the levels −1, −⅓, ⅓, 1; clamped outside; a value half-way rounds up, as TensorFlow does', () => {
    // (x + 1)/step with step ⅔: −0.7 → 0.45 → 0; −0.6 → 0.6 → 1; 0 → 1.5 → 2 (half up); 0.99 → 2.985 → 3.
    const x = tensor([-5, -1, -0.7, -0.6, 0, 0.2, 0.99, 5], undefined, f64);
    assertTensor(quantizeToLevels(x, 4, -1, 1), [8], [-1, -1, -1, -third, third, third, 1, 1], 1e-15);
    assert.throws(() => quantizeToLevels(x, 4, 1, 1), /a quantization range needs finite lo < hi, got \[1, 1\]/);
  });

  it('tanh, 2 bits: the level nearest tanh(x), the boundaries at tanh(x) = −⅔, 0 and ⅔ (x = ∓0.8047, 0)', () => {
    // tanh: −2 → −0.964; −0.81 → −0.6696 (below −⅔); −0.80 → −0.6640; −0.01 → −0.0100; 0; 0.5 → 0.462;
    // 0.80 → 0.6640; 0.81 → 0.6696 (above ⅔); 3 → 0.995.
    const x = tensor([[-2, -0.81, -0.8], [-0.01, 0, 0.5], [0.8, 0.81, 3]], undefined, f64);
    assertTensor(activationLayer('tanh', 2).forward(x), [3, 3], [-1, -1, -third, -third, third, third, third, 1, 1], 1e-15);
  });

  it('sigmoid and softmax on [0, 1]: 1 bit gives {0, 1}; softmax([0, ln 3]) = [¼, ¾] becomes [⅓, ⅔] on 4 levels', () => {
    // sigmoid: −0.1 → 0.475 → 0; 0 → ½ → 1 (half up); 2 → 0.881 → 1.
    assertTensor(activationLayer('sigmoid', 1).forward(rows([-0.1, 0, 2])), [1, 3], [0, 1, 1]);
    const softmax = new Sequential({ inputShape: [2], layers: [{ type: 'activation', activation: 'softmax', quantizeBits: 2 }] }, 1, f64);
    // ¼·3 = 0.75 → 1 → ⅓; ¾·3 = 2.25 → 2 → ⅔.
    assertTensor(softmax.forward(tensor([[0, Math.log(3)]], undefined, f64)), [1, 2], [third, 2 * third], 1e-15);
  });

  it('8 bits: every tanh value on −1 + j·2/255, within half a step of tanh, at most 256 per unit — in training mode with gradients too', () => {
    const model = new Sequential({ inputShape: [4], layers: [{ type: 'dense', units: 3, activation: 'tanh', quantizeBits: 8 }] }, 2, f64);
    const x = randomInput([2000, 4], 7, -3, 3);
    tidy(() => {
      const [out] = model.forwardAll(x);
      assert.ok(out!.output.requiresGrad, 'training mode keeps the graph');
      const values = out!.output.toNumbers();
      const tanh = out!.preActivation!.tanh().toNumbers();
      const step = 2 / 255;
      values.forEach((value, i) => {
        const j = (value + 1) / step;
        assert.ok(Math.abs(j - Math.round(j)) < 1e-9, `value ${value} is not on the grid`);
        assert.ok(Math.abs(value - tanh[i]!) <= step / 2 + 1e-12, `value ${value} is more than half a step from tanh ${tanh[i]}`);
      });
      for (let unit = 0; unit < 3; unit++) assert.ok(new Set(values.filter((_, i) => i % 3 === unit)).size <= 256);
      // The straight-through form adds exactly 0: the same values as without gradients.
      const evaluated = noGrad(() => model.forward(x).toNumbers());
      assert.deepEqual(values, evaluated);
    });
  });
});

describe('relu: the range tracked in training', () => {
  it('m ← 0.999·m + 0.001·(batch max) before each training batch, from m = 6; evaluation leaves m as it stands', () => {
    const model = activationLayer('relu', 2);
    const quantizer = model.layers[0]!.children[0] as ActivationQuantizer;
    assert.deepEqual(quantizer.range(), [0, INITIAL_RANGE_MAX]);
    const first = RANGE_DECAY * 6 + (1 - RANGE_DECAY) * 10; // 6.004
    // Levels 0, m/3, 2m/3, m: 1/(m/3) = 0.4997 → 0; 2.5/(m/3) = 1.249 → 1; 10 is clamped to m.
    assertTensor(model.forward(rows([1, 2.5, 10])), [1, 3], [0, first / 3, first], 1e-12);
    assert.equal(quantizer.range()[1], first);
    // A batch of dead units pulls m towards 0: max(batch max, 0) = 0.
    model.forward(rows([-1, -2, -3]));
    assert.equal(quantizer.range()[1], RANGE_DECAY * first);
    model.eval();
    model.forward(rows([100, 0, 0]));
    assert.equal(quantizer.range()[1], RANGE_DECAY * first, 'evaluation does not move the range');
  });

  it('the range is a buffer: in the state dict and restored by loadStateDict, never a parameter; dispose frees it', () => {
    const trained = activationLayer('relu', 8);
    trained.forward(rows([3, 1, 50]));
    assert.deepEqual([...trained.stateDict().keys()], ['activation_1.quantizer.range_max']);
    assert.deepEqual(trained.parameters(), []);
    const fresh = activationLayer('relu', 8).eval();
    const x = rows([0.5, 2, 7]);
    assert.notDeepEqual(fresh.forward(x).toNumbers(), trained.eval().forward(x).toNumbers());
    fresh.loadStateDict(trained.stateDict());
    assert.deepEqual(fresh.forward(x).toNumbers(), trained.forward(x).toNumbers());
    const before = liveTensorCount();
    tidy(() => { trained.train().forward(x); });
    assert.equal(liveTensorCount(), before, 'a training pass, range update included, leaves no tensor behind');
    fresh.dispose();
    assert.equal(liveTensorCount(), before - 1);
  });

  it('conv2d layers quantize their relu output on one tracked range', () => {
    const model = new Sequential({ inputShape: [1, 4, 4], layers: [{ type: 'conv2d', filters: 2, kernelSize: 3, activation: 'relu', quantizeBits: 3 }] }, 3, f64);
    const out = model.forward(randomInput([5, 1, 4, 4], 8));
    const m = (model.layers[0]!.children[0] as ActivationQuantizer).range()[1];
    const codes = out.toNumbers().map((value) => value / (m / 7));
    assert.ok(codes.every((code) => Math.abs(code - Math.round(code)) < 1e-9 && code >= 0 && code <= 7));
  });
});

describe('the straight-through gradient', () => {
  it('tanh, 8 bits: the gradient of Σ w·q(tanh x) is w·(1 − tanh²x), the finite differences of the unquantized tanh', () => {
    const values = randomInput([4, 3], 11, -2, 2).toNumbers();
    const weights = randomInput([4, 3], 12).toNumbers();
    const x = tensor(values, [4, 3], f64).requiresGrad_();
    tidy(() => activationLayer('tanh', 8).forward(x).mul(tensor(weights, [4, 3], f64)).sum().backward());
    const h = 1e-6;
    const finiteDifferences = values.map((v, i) => weights[i]! * (Math.tanh(v + h) - Math.tanh(v - h)) / (2 * h));
    const closedForm = values.map((v, i) => weights[i]! * (1 - Math.tanh(v) ** 2));
    assertClose(x.grad!.toNumbers(), closedForm, 1e-12);
    assertClose(x.grad!.toNumbers(), finiteDifferences, 1e-8);
  });

  it('softmax, 4 bits: the same input gradient as the unquantized softmax', () => {
    const weights = randomInput([5, 3], 14);
    const gradientOf = (model: Sequential): number[] => {
      const x = randomInput([5, 3], 13, -2, 2).requiresGrad_();
      tidy(() => model.forward(x).mul(weights).sum().backward());
      return x.grad!.toNumbers();
    };
    assertClose(gradientOf(activationLayer('softmax', 4)), gradientOf(activationLayer('softmax')), 1e-12);
  });

  it('relu: 1 inside [0, m], 0 below 0 and above m (TensorFlow fake quantization\'s clipped gradient)', () => {
    const x = rows([-1, 5.5, 7]).requiresGrad_();
    tidy(() => activationLayer('relu', 8).eval().forward(x).sum().backward());
    assert.deepEqual(x.grad!.toNumbers(), [0, 1, 0]);
  });
});

describe('quantization settings', () => {
  it('specs: quantizeBits an integer from 1 to 16 on a tanh, sigmoid, softmax or relu layer', () => {
    const build = (layer: Record<string, unknown>): Sequential => new Sequential({ inputShape: [3], layers: [layer as LayerSpec] }, 1);
    assert.throws(() => build({ type: 'dense', units: 2, quantizeBits: 8 }),
      /layers\[0\]\.quantizeBits: quantizes only a "tanh", "sigmoid", "softmax" or "relu" output, but the activation is "linear"/);
    assert.throws(() => build({ type: 'dense', units: 2, activation: 'tanh', quantizeBits: 0 }), /layers\[0\]\.quantizeBits: Number must be greater than or equal to 1/);
    assert.throws(() => build({ type: 'dense', units: 2, activation: 'tanh', quantizeBits: 17 }), /layers\[0\]\.quantizeBits: Number must be less than or equal to 16/);
    assert.throws(() => build({ type: 'activation', activation: 'relu', quantizeBits: 2.5 }), /layers\[0\]\.quantizeBits: Expected integer, received float/);
    assert.throws(() => build({ type: 'flatten', quantizeBits: 8 }), /layers\[0\]: unknown field "quantizeBits"/);
  });

  it('a quantizer built directly checks its arguments with the one message template', () => {
    assert.throws(() => new ActivationQuantizer('q', 'linear', 8), /Expected one of "tanh", "sigmoid", "softmax", "relu" for the activation of a quantized layer but received "linear"/);
    assert.throws(() => new ActivationQuantizer('q', 'tanh', 0), /Expected an integer from 1 to 16 for quantizeBits but received 0/);
  });
});
