/** Losses against hand-computed values; the logits path equals the probability path. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  accuracy, binaryCrossentropy, categoricalCrossentropy, computeLoss, meanSquaredError,
} from '../../src/nn/index.js';
import { tensor } from '../../src/tensor/index.js';
import { assertClose } from '../helpers.js';

const f64 = { dtype: 'float64' as const };
const int64 = { dtype: 'int64' as const };

describe('losses', () => {
  it('categorical cross-entropy on probabilities, with class indices or one-hot targets', () => {
    const p = tensor([[0.25, 0.75], [0.8, 0.2]], undefined, f64);
    const expected = -(Math.log(0.75) + Math.log(0.8)) / 2;
    assertClose([categoricalCrossentropy(p, tensor([1, 0], undefined, int64)).item()], [expected]);
    assertClose([categoricalCrossentropy(p, tensor([[0, 1], [1, 0]], undefined, f64)).item()], [expected]);
    // A zero probability is clipped to 1e-7 as Keras does, not −log 0 = ∞.
    assertClose([categoricalCrossentropy(tensor([[1, 0]], undefined, f64), tensor([1], undefined, int64)).item()], [-Math.log(1e-7)]);
  });

  it('from a softmax layer the loss uses the logits, and equals the probability path', () => {
    const logits = tensor([[0.5, -1, 2], [3, 0, -2]], undefined, f64);
    const target = tensor([2, 1], undefined, int64);
    const fromLogits = computeLoss('categorical_crossentropy', { name: 'd', type: 'dense', activation: 'softmax', preActivation: logits, output: logits.softmax(1) }, target).item();
    const fromProbabilities = computeLoss('categorical_crossentropy', { name: 'd', type: 'dense', output: logits.softmax(1) }, target).item();
    const byHand = [[0.5, -1, 2, 2], [3, 0, -2, 1]].map(([a, b, c, k]) => Math.log(Math.exp(a!) + Math.exp(b!) + Math.exp(c!)) - [a!, b!, c!][k!]!);
    assertClose([fromLogits], [(byHand[0]! + byHand[1]!) / 2], 1e-12);
    assertClose([fromProbabilities], [fromLogits], 1e-12);
    // Extreme logits: the logits path stays finite and exact where probabilities underflow.
    const extreme = tensor([[0, 200]], undefined, f64);
    const stable = computeLoss('categorical_crossentropy', { name: 'd', type: 'dense', activation: 'softmax', preActivation: extreme, output: extreme.softmax(1) }, tensor([0], undefined, int64)).item();
    assertClose([stable], [200], 1e-12);
  });

  it('binary cross-entropy on probabilities and through a sigmoid layer', () => {
    const p = tensor([0.9, 0.2], undefined, f64);
    const y = tensor([1, 0], undefined, f64);
    assertClose([binaryCrossentropy(p, y).item()], [-(Math.log(0.9) + Math.log(0.8)) / 2]);
    const z = tensor([[2], [-1]], undefined, f64);
    const viaLogits = computeLoss('binary_crossentropy', { name: 'd', type: 'dense', activation: 'sigmoid', preActivation: z, output: z.sigmoid() }, y).item();
    const s = (v: number): number => 1 / (1 + Math.exp(-v));
    assertClose([viaLogits], [-(Math.log(s(2)) + Math.log(1 - s(-1))) / 2], 1e-12);
  });

  it('mean squared error against one-hot rows for class-index targets', () => {
    const out = tensor([[0.5, 0.5], [1, 0]], undefined, f64);
    // (0.25 + 0.25 + 0 + 0)/4 for targets [1, 0] → one-hot [[0,1],[1,0]]
    assertClose([meanSquaredError(out, tensor([1, 0], undefined, int64)).item()], [0.125]);
    assertClose([meanSquaredError(tensor([1, 3], undefined, f64), tensor([2, 1], undefined, f64)).item()], [2.5]);
  });

  it('accuracy: argmax for several classes, a 0.5 threshold for one output', () => {
    assert.equal(accuracy(tensor([[0.1, 0.9], [0.7, 0.3], [0.4, 0.6]]), tensor([1, 1, 1], undefined, int64)), 2 / 3);
    assert.equal(accuracy(tensor([[0.9], [0.2]]), tensor([1, 1])), 0.5);
  });
});
