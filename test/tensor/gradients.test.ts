/** Autograd of every differentiable op against central finite differences, in float64. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Generator, Tensor, addmm, avgPool2d, binaryCrossEntropy, binaryCrossEntropyWithLogits, cat, conv2d,
  crossEntropy, dropout, grad, linear, pad, maxPool2d, mseLoss, nllLoss, noGrad, stack, tensor, where,
} from '../../src/tensor/index.js';
import { assertClose, gradcheck, randomInput } from '../helpers.js';

const int64 = (values: number[], shape?: number[]): Tensor => tensor(values, shape, { dtype: 'int64' });

describe('gradients match finite differences', () => {
  const a = randomInput([3, 4], 1);
  const b = randomInput([3, 4], 2);
  const positive = randomInput([3, 4], 3, 0.5, 2);
  const row = randomInput([4], 4);

  const unary: [string, (x: Tensor) => Tensor, Tensor][] = [
    ['neg', (x) => x.neg(), a],
    ['abs', (x) => x.abs(), positive],
    ['exp', (x) => x.exp(), a],
    ['expm1', (x) => x.expm1(), a],
    ['log', (x) => x.log(), positive],
    ['log2', (x) => x.log2(), positive],
    ['log1p', (x) => x.log1p(), positive],
    ['sqrt', (x) => x.sqrt(), positive],
    ['rsqrt', (x) => x.rsqrt(), positive],
    ['square', (x) => x.square(), a],
    ['reciprocal', (x) => x.reciprocal(), positive],
    ['sin', (x) => x.sin(), a],
    ['cos', (x) => x.cos(), a],
    ['erf', (x) => x.erf(), a],
    ['tanh', (x) => x.tanh(), a],
    ['sigmoid', (x) => x.sigmoid(), a],
    ['relu (away from 0)', (x) => x.relu(), positive.sub(1.25)],
    ['leakyRelu (away from 0)', (x) => x.leakyRelu(0.2), positive.sub(1.25)],
    ['gelu', (x) => x.gelu(), a],
    ['softplus', (x) => x.softplus(), a],
    ['clamp (inside and outside the bounds)', (x) => x.clamp(-0.5, 0.5), a],
    ['pow by a scalar', (x) => x.pow(3), a],
    ['scalar base and tensor exponent via exp(x·log 2)', (x) => x.mul(Math.log(2)).exp(), a],
    ['softmax', (x) => x.softmax(1), a],
    ['logSoftmax', (x) => x.logSoftmax(0), a],
    ['cumsum', (x) => x.cumsum(1), a],
    ['sum over a dim', (x) => x.sum(1, true), a],
    ['sum of all', (x) => x.sum(), a],
    ['mean', (x) => x.mean([0, 1]), a],
    ['max over a dim', (x) => x.max(1), a],
    ['min of all', (x) => x.min(), a],
    ['maxDim values', (x) => x.maxDim(0).values, a],
    ['logsumexp', (x) => x.logsumexp(1), a],
    ['var', (x) => x.var(1), a],
    ['std', (x) => x.std(0, false), a],
    ['norm 2', (x) => x.norm(2, 1), a],
    ['norm 1 (away from 0)', (x) => x.norm(1), positive],
    ['reshape', (x) => x.reshape([2, 6]).mul(tensor([1, 2, 3, 4, 5, 6], undefined, { dtype: 'float64' })), a],
    ['view', (x) => x.view([12]), a],
    ['permute', (x) => x.unsqueeze(0).permute([2, 0, 1]), a],
    ['transpose', (x) => x.transpose(0, 1), a],
    ['narrow', (x) => x.narrow(1, 1, 2), a],
    ['select', (x) => x.select(0, 2), a],
    ['indexSelect (with a repeated index)', (x) => x.indexSelect(1, int64([3, 0, 3])), a],
    ['gather', (x) => x.gather(1, int64([0, 3, 1, 1, 2, 2], [3, 2])), a],
    ['flatten', (x) => x.unsqueeze(2).flatten(1), a],
    ['squeeze', (x) => x.unsqueeze(1).squeeze(1), a],
    ['expand', (x) => x.narrow(0, 0, 1).expand([5, 4]), a],
    ['repeat', (x) => x.repeat([2, 1]), a],
    ['flip', (x) => x.flip([0, 1]), a],
    ['contiguous of a transpose', (x) => x.t().contiguous(), a],
    ['maskedFill', (x) => x.maskedFill(x.gt(0), 0), a],
    ['sort values', (x) => x.sort(1).values, a],
    ['topk values', (x) => x.topk(2, 1).values, a],
    ['triu', (x) => x.triu(), a],
    ['pad', (x) => pad(x, [1, 2, 0, 1], 0.5), a],
    ['split', (x) => x.split(2, 1)[1]!, a],
    ['dropout (fixed seed)', (x) => dropout(x, 0.5, { generator: new Generator(5) }), a],
    ['maxPool2d', (x) => maxPool2d(x.reshape([1, 1, 3, 4]), 2), a],
    ['avgPool2d', (x) => avgPool2d(x.reshape([1, 1, 3, 4]), [1, 2]), a],
  ];
  for (const [name, fn, input] of unary) {
    it(name, () => gradcheck(name, fn, [input]));
  }

  const binary: [string, (x: Tensor, y: Tensor) => Tensor, Tensor, Tensor][] = [
    ['add with alpha and broadcasting', (x, y) => x.add(y, 0.5), a, row],
    ['sub', (x, y) => x.sub(y), a, b],
    ['mul', (x, y) => x.mul(y), a, row],
    ['div', (x, y) => x.div(y), a, positive],
    ['pow with a tensor exponent', (x, y) => x.pow(y), positive, b],
    ['maximum', (x, y) => x.maximum(y), a, b],
    ['minimum', (x, y) => x.minimum(y), a, b],
    ['atan2', (x, y) => x.atan2(y), a, positive],
    ['where', (x, y) => where(x.gt(y), x, y.mul(2)), a, b],
    ['matmul', (x, y) => x.matmul(y.t()), a, b],
    ['mm', (x, y) => x.mm(y.t()), a, b],
    ['bmm', (x, y) => x.unsqueeze(0).bmm(y.t().unsqueeze(0)), a, b],
    ['linear', (x, w) => linear(x, w), a, b],
    ['cat', (x, y) => cat([x, y], 1), a, b],
    ['stack', (x, y) => stack([x, y], 2), a, b],
    ['mseLoss', (x, y) => mseLoss(x, y), a, b],
    ['binaryCrossEntropyWithLogits', (x, y) => binaryCrossEntropyWithLogits(x, y.sigmoid()), a, b],
    ['binaryCrossEntropy', (p, y) => binaryCrossEntropy(p.sigmoid(), y.sigmoid()), a, b],
    ['crossEntropy with probability targets', (x, y) => crossEntropy(x, y.softmax(1)), a, b],
    ['addcmul', (x, y) => x.addcmul(y, y, 0.5), a, b],
    ['eigvalsh of a symmetric product', (x, y) => x.matmul(x.t()).add(y.matmul(y.t())).eigvalsh(), a, b],
    ['addcdiv', (x, y) => x.addcdiv(y, x.square().add(1), 2), a, b],
  ];
  for (const [name, fn, x, y] of binary) {
    it(name, () => gradcheck(name, fn, [x, y]));
  }

  it('crossEntropy and nllLoss with class targets', () => {
    const target = int64([2, 0, 3]);
    gradcheck('crossEntropy', (x) => crossEntropy(x, target), [a]);
    gradcheck('crossEntropy sum', (x) => crossEntropy(x, target, { reduction: 'sum' }), [a]);
    gradcheck('nllLoss', (x) => nllLoss(x.logSoftmax(1), target), [a]);
  });

  it('conv2d with respect to input, weight and bias, with stride and padding', () => {
    const input = randomInput([2, 2, 4, 4], 11);
    const weight = randomInput([3, 2, 2, 2], 12);
    const bias = randomInput([3], 13);
    gradcheck('conv2d', (x, w, c) => conv2d(x, w, c, { stride: 2, padding: 1 }), [input, weight, bias]);
    gradcheck('conv2d same', (x, w) => conv2d(x, w, undefined, { padding: 'same' }), [input, randomInput([1, 2, 3, 3], 14)]);
  });

  it('addmm with respect to all three inputs', () => {
    gradcheck('addmm', (c, x, y) => addmm(c, x, y.t()), [row.narrow(0, 0, 3), a, b]);
  });
});

describe('autograd mechanics', () => {
  it('backward accumulates into .grad; clearGrad drops it', () => {
    const w = tensor([1, 2, 3], undefined, { dtype: 'float64' }).requiresGrad_();
    assert.equal(w.grad, null);
    w.square().sum().backward();
    assertClose(w.grad!.toNumbers(), [2, 4, 6]);
    w.square().sum().backward();
    assertClose(w.grad!.toNumbers(), [4, 8, 12]);
    w.clearGrad();
    assert.equal(w.grad, null);
  });

  it('a non-scalar output needs its gradient; retainGraph allows a second pass', () => {
    const w = tensor([1, 2], undefined, { dtype: 'float64' }).requiresGrad_();
    const y = w.mul(3);
    assert.throws(() => y.backward(), /grad can be implicitly created only for scalar outputs/);
    y.backward(tensor([1, 10], undefined, { dtype: 'float64' }), { retainGraph: true });
    y.backward(tensor([1, 10], undefined, { dtype: 'float64' }));
    assertClose(w.grad!.toNumbers(), [6, 60]);
    assert.throws(() => y.backward(tensor([1, 1], undefined, { dtype: 'float64' })), /backward through the graph a second time/);
  });

  it('functional grad leaves .grad alone and supports second derivatives', () => {
    const x = tensor([2], undefined, { dtype: 'float64' }).requiresGrad_();
    const y = x.pow(3).sum();
    const [dy] = grad([y], [x], { createGraph: true });
    assertClose(dy!.toNumbers(), [12]);
    const [d2y] = grad([dy!.sum()], [x]);
    assertClose(d2y!.toNumbers(), [12]);
    assert.equal(x.grad, null);
    const unused = tensor([1], undefined, { dtype: 'float64' }).requiresGrad_();
    assert.deepEqual(grad([x.mul(2).sum()], [unused], { allowUnused: true }), [null]);
  });

  it('noGrad stops recording and restores the mode, even after a throw', () => {
    const w = tensor([1], undefined, { dtype: 'float64' }).requiresGrad_();
    assert.equal(noGrad(() => w.mul(2).requiresGrad), false);
    assert.equal(w.mul(2).requiresGrad, true);
    assert.throws(() => noGrad(() => { throw new Error('inside'); }), /inside/);
    assert.equal(w.mul(2).requiresGrad, true);
  });

  it('detach cuts the graph; in-place updates of a leaf need noGrad', () => {
    const w = tensor([1, 2]).requiresGrad_();
    assert.equal(w.isLeaf, true);
    assert.equal(w.detach().requiresGrad, false);
    assert.equal(w.mul(2).isLeaf, false);
    assert.throws(() => w.add_(1), /leaf Variable that requires grad/);
    noGrad(() => w.add_(1));
    assertClose(w.toNumbers(), [2, 3]);
  });
});
