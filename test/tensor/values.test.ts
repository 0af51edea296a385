/** Op values against hand-computed results. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Generator, arange, avgPool2d, cat, conv2d, crossEntropy, dropout, eye, full, linear, linspace, maxPool2d,
  mseLoss, nllLoss, oneHot, ones, rand, randint, randn, randperm, scalar, stack, tensor, where, zeros,
  binaryCrossEntropy, binaryCrossEntropyWithLogits, addmm, foreachAdd_, foreachAddcdiv_, foreachAddcmul_,
  foreachMul_, foreachZero_, foreachCopy_, foreachDiv_, foreachSqrt, empty, fullLike, onesLike, zerosLike,
  foreachAdd, foreachSqrt_, foreachWelford_, pad, deriveSeed,
} from '../../src/tensor/index.js';
import { assertClose, assertTensor } from '../helpers.js';

const E = Math.E;

describe('creation and data round trips', () => {
  it('copies typed arrays of every dtype in and out unchanged', () => {
    assert.deepEqual(tensor(new Float32Array([1.5, -2]), [2]).toArray(), new Float32Array([1.5, -2]));
    assert.deepEqual(tensor(new Float64Array([1e-300, 3]), [2]).toArray(), new Float64Array([1e-300, 3]));
    assert.deepEqual(tensor(new Int32Array([-7, 2 ** 30]), [2]).toArray(), new Int32Array([-7, 2 ** 30]));
    assert.deepEqual(tensor(new BigInt64Array([-(2n ** 62n), 5n]), [2]).toArray(), new BigInt64Array([-(2n ** 62n), 5n]));
    assert.deepEqual(tensor(new Uint8Array([0, 255]), [2]).toArray(), new Uint8Array([0, 255]));
    const bools = tensor([true, false, true]);
    assert.equal(bools.dtype, 'bool');
    assert.deepEqual(bools.toArray(), new Uint8Array([1, 0, 1]));
    assert.equal(tensor(new Uint8Array([2, 0]), [2], { dtype: 'bool' }).dtype, 'bool');
  });

  it('infers shapes from nested arrays and converts on request', () => {
    const matrix = tensor([[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual(matrix.shape, [2, 3]);
    assert.equal(matrix.dtype, 'float32');
    const labels = tensor([2, 0, 1], undefined, { dtype: 'int64' });
    assert.equal(labels.dtype, 'int64');
    assert.deepEqual(labels.toNumbers(), [2, 0, 1]);
    assert.deepEqual(matrix.to('int32').toArray(), new Int32Array([1, 2, 3, 4, 5, 6]));
    assert.equal(scalar(3.5).item(), 3.5);
    assert.deepEqual(scalar(3.5).shape, []);
  });

  it('copies are independent of the tensor', () => {
    const source = new Float32Array([1, 2]);
    const t = tensor(source, [2]);
    source[0] = 100;
    assert.equal(t.toNumbers()[0], 1);
    const out = t.toArray();
    out[0] = 50;
    assert.equal(t.toNumbers()[0], 1);
  });

  it('fills, ranges and the identity', () => {
    assertTensor(zeros([2, 2]), [2, 2], [0, 0, 0, 0]);
    assertTensor(ones([3]), [3], [1, 1, 1]);
    assertTensor(full([2], 7.25), [2], [7.25, 7.25]);
    assert.deepEqual(empty([4, 0]).shape, [4, 0]);
    assertTensor(arange(4), [4], [0, 1, 2, 3]);
    assert.equal(arange(4).dtype, 'int64');
    assertTensor(arange(1, 2, 0.25), [4], [1, 1.25, 1.5, 1.75]);
    assertTensor(linspace(0, 1, 5), [5], [0, 0.25, 0.5, 0.75, 1]);
    assertTensor(eye(2), [2, 2], [1, 0, 0, 1]);
    const like = tensor([[1, 2]], undefined, { dtype: 'float64' });
    assert.equal(zerosLike(like).dtype, 'float64');
    assertTensor(onesLike(like), [1, 2], [1, 1]);
    assertTensor(fullLike(like, 3), [1, 2], [3, 3]);
  });
});

describe('seeded randomness', () => {
  it('deriveSeed gives distinct, stable, exact seeds per purpose', () => {
    assert.equal(deriveSeed(1, 'init'), deriveSeed(1, 'init'));
    assert.notEqual(deriveSeed(1, 'init'), deriveSeed(1, 'dropout'));
    assert.notEqual(deriveSeed(1, 'init'), deriveSeed(2, 'init'));
    assert.ok(Number.isSafeInteger(deriveSeed(2 ** 40, 'x')));
  });

  it('the same seed gives the same draws, a different seed different ones', () => {
    const a = randn([50], { generator: new Generator(7) }).toNumbers();
    const b = randn([50], { generator: new Generator(7) }).toNumbers();
    const c = randn([50], { generator: new Generator(8) }).toNumbers();
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  it('draws follow their distributions', () => {
    const generator = new Generator(1);
    const normal = randn([20000], { generator, dtype: 'float64' });
    assert.ok(Math.abs(normal.mean().item()) < 0.03);
    assert.ok(Math.abs(normal.std().item() - 1) < 0.03);
    const uniform = rand([20000], { generator });
    assert.ok(uniform.min().item() >= 0 && uniform.max().item() < 1);
    assert.ok(Math.abs(uniform.mean().item() - 0.5) < 0.01);
    const ints = randint(3, 6, [1000], { generator });
    assert.equal(ints.dtype, 'int64');
    assert.deepEqual(ints.unique().values.toNumbers(), [3, 4, 5]);
    const perm = randperm(10, { generator }).toNumbers();
    assert.deepEqual([...perm].sort((x, y) => x - y), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const filled = zeros([10000]).uniform_(-2, 2, generator);
    assert.ok(filled.min().item() >= -2 && filled.max().item() <= 2);
    const normalFilled = zeros([10000], { dtype: 'float64' }).normal_(5, 0.5, generator);
    assert.ok(Math.abs(normalFilled.mean().item() - 5) < 0.02);
    const coin = zeros([10000]).bernoulli_(0.25, generator);
    assert.ok(Math.abs(coin.mean().item() - 0.25) < 0.02);
  });
});

describe('elementwise', () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]], undefined, { dtype: 'float64' });

  it('arithmetic broadcasts rows, columns and scalars', () => {
    assertTensor(x.add(tensor([10, 20, 30], undefined, { dtype: 'float64' })), [2, 3], [11, 22, 33, 14, 25, 36]);
    assertTensor(x.sub(tensor([[1], [2]], undefined, { dtype: 'float64' })), [2, 3], [0, 1, 2, 2, 3, 4]);
    assertTensor(x.mul(2), [2, 3], [2, 4, 6, 8, 10, 12]);
    assertTensor(x.div(4), [2, 3], [0.25, 0.5, 0.75, 1, 1.25, 1.5]);
    assertTensor(x.add(x, 0.5), [2, 3], [1.5, 3, 4.5, 6, 7.5, 9]);
    assertTensor(x.sub(1, 2), [2, 3], [-1, 0, 1, 2, 3, 4]);
    assertTensor(x.pow(2), [2, 3], [1, 4, 9, 16, 25, 36]);
    assertTensor(x.pow(x.mul(0).add(0.5)), [2, 3], [1, Math.SQRT2, Math.sqrt(3), 2, Math.sqrt(5), Math.sqrt(6)]);
    assertTensor(x.remainder(4), [2, 3], [1, 2, 3, 0, 1, 2]);
    assertTensor(x.maximum(3.5), [2, 3], [3.5, 3.5, 3.5, 4, 5, 6]);
    assertTensor(x.minimum(3.5), [2, 3], [1, 2, 3, 3.5, 3.5, 3.5]);
  });

  it('keeps integer dtypes with whole-number scalars, promotes with fractional ones', () => {
    const ints = tensor([1, 2], undefined, { dtype: 'int32' });
    assert.equal(ints.add(1).dtype, 'int32');
    assert.equal(ints.add(0.5).dtype, 'float32');
    assert.equal(tensor([1], undefined, { dtype: 'float32' }).add(tensor([1], undefined, { dtype: 'float64' })).dtype, 'float64');
  });

  it('maths functions', () => {
    const v = tensor([-2, -0.5, 0, 0.5, 2], undefined, { dtype: 'float64' });
    const values = [-2, -0.5, 0, 0.5, 2];
    assertTensor(v.exp(), [5], values.map(Math.exp));
    assertTensor(v.abs(), [5], values.map(Math.abs));
    assertTensor(v.neg(), [5], values.map((a) => -a));
    assertTensor(v.tanh(), [5], values.map(Math.tanh));
    assertTensor(v.sigmoid(), [5], values.map((a) => 1 / (1 + Math.exp(-a))));
    assertTensor(v.relu(), [5], [0, 0, 0, 0.5, 2]);
    assertTensor(v.leakyRelu(0.1), [5], [-0.2, -0.05, 0, 0.5, 2]);
    assertTensor(v.floor(), [5], [-2, -1, 0, 0, 2]);
    assertTensor(v.ceil(), [5], [-2, -0, 0, 1, 2]);
    assertTensor(v.clamp(-1, 1), [5], [-1, -0.5, 0, 0.5, 1]);
    assertTensor(v.clamp(undefined, 0), [5], [-2, -0.5, 0, 0, 0]);
    assertTensor(v.square(), [5], [4, 0.25, 0, 0.25, 4]);
    assertTensor(v.sign(), [5], [-1, -1, 0, 1, 1]);
    assertTensor(v.sin(), [5], values.map(Math.sin));
    assertTensor(v.softplus(), [5], values.map((a) => Math.log1p(Math.exp(a))));
    const p = tensor([0.25, 1, 4, E], undefined, { dtype: 'float64' });
    assertTensor(p.log(), [4], [Math.log(0.25), 0, Math.log(4), 1]);
    assertTensor(p.log2(), [4], [-2, 0, 2, Math.log2(E)]);
    assertTensor(p.sqrt(), [4], [0.5, 1, 2, Math.sqrt(E)]);
    assertTensor(p.rsqrt(), [4], [2, 1, 0.5, 1 / Math.sqrt(E)]);
    assertTensor(p.reciprocal(), [4], [4, 1, 0.25, 1 / E]);
    assertTensor(p.log1p(), [4], [Math.log(1.25), Math.log(2), Math.log(5), Math.log(1 + E)]);
    assertTensor(tensor([0.5], undefined, { dtype: 'float64' }).erf(), [1], [0.5204998778130465]);
  });

  it('comparisons, logic and where', () => {
    const a = tensor([1, 2, 3]);
    const b = tensor([3, 2, 1]);
    assert.deepEqual(a.lt(b).toNumbers(), [1, 0, 0]);
    assert.deepEqual(a.le(b).toNumbers(), [1, 1, 0]);
    assert.deepEqual(a.gt(b).toNumbers(), [0, 0, 1]);
    assert.deepEqual(a.ge(2).toNumbers(), [0, 1, 1]);
    assert.deepEqual(a.eq(b).toNumbers(), [0, 1, 0]);
    assert.deepEqual(a.ne(2).toNumbers(), [1, 0, 1]);
    assert.equal(a.lt(b).dtype, 'bool');
    assert.deepEqual(a.lt(b).logicalOr(a.gt(b)).logicalNot().toNumbers(), [0, 1, 0]);
    assert.deepEqual(a.gt(1).logicalAnd(a.lt(3)).toNumbers(), [0, 1, 0]);
    assertTensor(where(a.gt(1), a, b), [3], [3, 2, 3]);
    assertTensor(where(a.gt(1), 0, a), [3], [1, 0, 0]);
    assert.deepEqual(tensor([0, NaN, Infinity]).isnan().toNumbers(), [0, 1, 0]);
    assert.deepEqual(tensor([0, NaN, Infinity]).isfinite().toNumbers(), [1, 0, 0]);
    assert.deepEqual(tensor([0, NaN, -Infinity]).isinf().toNumbers(), [0, 0, 1]);
  });

  it('addcmul and addcdiv', () => {
    const base = tensor([1, 1]);
    assertTensor(base.addcmul(tensor([2, 3]), tensor([4, 5]), 0.5), [2], [5, 8.5]);
    assertTensor(base.addcdiv(tensor([2, 3]), tensor([4, 6]), 2), [2], [2, 2]);
  });
});

describe('reductions', () => {
  const x = tensor([[1, 5, 3], [4, 2, 6]], undefined, { dtype: 'float64' });

  it('sum, mean, max and min over dims with keepdim', () => {
    assertTensor(x.sum(), [], [21]);
    assertTensor(x.sum(0), [3], [5, 7, 9]);
    assertTensor(x.sum(1, true), [2, 1], [9, 12]);
    assertTensor(x.sum([0, 1]), [], [21]);
    assertTensor(x.mean(1), [2], [3, 4]);
    assertTensor(x.max(), [], [6]);
    assertTensor(x.max(0), [3], [4, 5, 6]);
    assertTensor(x.min(1, true), [2, 1], [1, 2]);
    const best = x.maxDim(1);
    assertTensor(best.values, [2], [5, 6]);
    assert.deepEqual(best.indices.toNumbers(), [1, 2]);
    assert.deepEqual(x.minDim(0).indices.toNumbers(), [0, 1, 0]);
    assert.deepEqual(x.argmax(1).toNumbers(), [1, 2]);
    assert.deepEqual(x.argmax().toNumbers(), [5]);
    assert.deepEqual(x.argmin(0, true).shape, [1, 3]);
  });

  it('logsumexp, var, std and norm', () => {
    assertTensor(x.logsumexp(1), [2], [Math.log(E + E ** 5 + E ** 3), Math.log(E ** 4 + E ** 2 + E ** 6)]);
    // row 0: mean 3, squared deviations 4, 4, 0 → unbiased variance 4, biased 8/3
    assertTensor(x.var(1), [2], [4, 4]);
    assertTensor(x.var(1, false), [2], [8 / 3, 8 / 3]);
    assertTensor(x.std(1, true, true), [2, 1], [2, 2]);
    assertTensor(x.var(), [], [3.5]);
    assertTensor(tensor([3, 4]).norm(), [], [5]);
    assertTensor(tensor([3, -4]).norm(1), [], [7]);
    assertTensor(x.norm(2, 1), [2], [Math.sqrt(35), Math.sqrt(56)]);
    assertTensor(x.norm(Infinity), [], [6]);
  });

  it('softmax, logSoftmax and cumsum', () => {
    const row = tensor([[0, Math.log(3)]], undefined, { dtype: 'float64' });
    assertTensor(row.softmax(1), [1, 2], [0.25, 0.75]);
    assertTensor(row.logSoftmax(-1), [1, 2], [Math.log(0.25), Math.log(0.75)]);
    assertTensor(x.cumsum(1), [2, 3], [1, 6, 9, 4, 6, 12]);
    assert.deepEqual(tensor([true, false]).any().toNumbers(), [1]);
    assert.deepEqual(tensor([true, false]).all().toNumbers(), [0]);
  });

  it('sort, topk, unique with inverse and counts, bincount, histc', () => {
    const v = tensor([3, 1, 2, 3, 1, 3]);
    const sorted = v.sort(0, true);
    assertTensor(sorted.values, [6], [3, 3, 3, 2, 1, 1]);
    assert.deepEqual(v.sort(0, false, true).indices.toNumbers(), [1, 4, 2, 0, 3, 5], 'stable: ties keep their order');
    const top = tensor([0.1, 0.9, 0.5, 0.7]).topk(2);
    assertTensor(top.values, [2], [0.9, 0.7]);
    assert.deepEqual(top.indices.toNumbers(), [1, 3]);
    const unique = v.unique();
    assertTensor(unique.values, [3], [1, 2, 3]);
    assert.deepEqual(unique.inverse.toNumbers(), [2, 0, 1, 2, 0, 2]);
    assert.deepEqual(unique.counts.toNumbers(), [2, 1, 3]);
    const rows = tensor([[1, 0], [0, 1], [1, 0], [1, 1]]);
    const uniqueRows = rows.unique(0);
    assertTensor(uniqueRows.values, [3, 2], [0, 1, 1, 0, 1, 1]);
    assert.deepEqual(uniqueRows.inverse.toNumbers(), [1, 0, 1, 2]);
    assert.deepEqual(uniqueRows.counts.toNumbers(), [1, 2, 1]);
    assert.deepEqual(tensor([0, 2, 2, 5], undefined, { dtype: 'int64' }).bincount().toNumbers(), [1, 0, 2, 0, 0, 1]);
    assert.deepEqual(tensor([0, 2], undefined, { dtype: 'int64' }).bincount(tensor([0.5, 2]), 4).toNumbers(), [0.5, 0, 2, 0]);
    assert.deepEqual(tensor([-1, -0.9, 0.1, 0.2, 0.99, 5]).histc(4, -1, 1).toNumbers(), [2, 0, 2, 1]);
  });
});

describe('shapes and indexing', () => {
  const x = arange(6).reshape([2, 3]);

  it('reshape, view, permute, transpose, flatten, squeeze, unsqueeze', () => {
    assertTensor(x.view([3, 2]), [3, 2], [0, 1, 2, 3, 4, 5]);
    assertTensor(x.reshape([-1]), [6], [0, 1, 2, 3, 4, 5]);
    assertTensor(x.t(), [3, 2], [0, 3, 1, 4, 2, 5]);
    assertTensor(x.transpose(0, 1).contiguous(), [3, 2], [0, 3, 1, 4, 2, 5]);
    assert.equal(x.t().isContiguous, false);
    assert.equal(x.t().contiguous().isContiguous, true);
    const cube = arange(24).reshape([2, 3, 4]);
    assert.deepEqual(cube.permute([2, 0, 1]).shape, [4, 2, 3]);
    assert.equal(cube.permute([2, 0, 1]).contiguous().toNumbers()[1], 4);
    assert.deepEqual(cube.flatten(1).shape, [2, 12]);
    assert.deepEqual(cube.flatten().shape, [24]);
    assert.deepEqual(zeros([1, 3, 1]).squeeze().shape, [3]);
    assert.deepEqual(zeros([1, 3, 1]).squeeze(0).shape, [3, 1]);
    assert.deepEqual(zeros([3]).unsqueeze(1).shape, [3, 1]);
    assertTensor(tensor([1, 2]).unsqueeze(1).expand([2, 3]), [2, 3], [1, 1, 1, 2, 2, 2]);
    assertTensor(tensor([1, 2]).repeat([2]), [4], [1, 2, 1, 2]);
    assertTensor(x.flip([1]), [2, 3], [2, 1, 0, 5, 4, 3]);
    assert.equal(x.size(-1), 3);
    assert.equal(x.numel, 6);
    assert.equal(x.ndim, 2);
  });

  it('narrow, select, indexSelect, gather, scatterAdd, masks', () => {
    assertTensor(x.narrow(1, 1, 2), [2, 2], [1, 2, 4, 5]);
    assertTensor(x.select(0, 1), [3], [3, 4, 5]);
    const index = tensor([2, 0], undefined, { dtype: 'int64' });
    assertTensor(x.indexSelect(1, index), [2, 2], [2, 0, 5, 3]);
    const pick = tensor([[0], [2]], undefined, { dtype: 'int64' });
    assertTensor(x.gather(1, pick), [2, 1], [0, 5]);
    const totals = zeros([3]).scatterAdd(0, tensor([0, 2, 0], undefined, { dtype: 'int64' }), tensor([1, 2, 3]));
    assertTensor(totals, [3], [4, 0, 2]);
    assertTensor(x.maskedFill(x.gt(3), -1), [2, 3], [0, 1, 2, 3, -1, -1]);
    assertTensor(x.maskedSelect(x.gt(3)), [2], [4, 5]);
    assertTensor(x.gt(3).nonzero(), [2, 2], [1, 1, 1, 2]);
    assertTensor(x.triu(), [2, 3], [0, 1, 2, 0, 4, 5]);
    assertTensor(arange(9).reshape([3, 3]).diagonal(), [3], [0, 4, 8]);
  });

  it('cat, stack, split and chunk', () => {
    const a = tensor([[1, 2]]);
    const b = tensor([[3, 4]]);
    assertTensor(cat([a, b]), [2, 2], [1, 2, 3, 4]);
    assertTensor(cat([a, b], 1), [1, 4], [1, 2, 3, 4]);
    assertTensor(stack([a, b]), [2, 1, 2], [1, 2, 3, 4]);
    assertTensor(stack([tensor([1, 2]), tensor([3, 4])], 1), [2, 2], [1, 3, 2, 4]);
    const parts = arange(5).split(2);
    assert.deepEqual(parts.map((part) => part.toNumbers()), [[0, 1], [2, 3], [4]]);
    assert.deepEqual(arange(6).chunk(3).map((part) => part.toNumbers()), [[0, 1], [2, 3], [4, 5]]);
  });
});

describe('linear algebra and nn ops', () => {
  it('matmul, mm, bmm, linear and addmm', () => {
    const a = tensor([[1, 2], [3, 4]]);
    const b = tensor([[5, 6], [7, 8]]);
    assertTensor(a.matmul(b), [2, 2], [19, 22, 43, 50]);
    assertTensor(a.mm(b), [2, 2], [19, 22, 43, 50]);
    assertTensor(a.matmul(tensor([1, 1])), [2], [3, 7]);
    assertTensor(stack([a, b]).bmm(stack([b, a])), [2, 2, 2], [19, 22, 43, 50, 23, 34, 31, 46]);
    assertTensor(linear(a, b, tensor([1, -1])), [2, 2], [18, 22, 40, 52]);
    assertTensor(addmm(tensor([1, -1]), a, b), [2, 2], [20, 21, 44, 49]);
    const buffer = tensor([[1, 1], [1, 1]]);
    assert.equal(buffer.addmm_(a, b, 2, -1), buffer);
    assertTensor(buffer, [2, 2], [-17, -20, -41, -48]);
    // [[2, 1], [1, 2]] has eigenvalues 1 and 3.
    assertTensor(tensor([[2, 1], [1, 2]], undefined, { dtype: 'float64' }).eigvalsh(), [2], [1, 3]);
  });

  it('conv2d with stride, padding (numbers, same, valid) and bias', () => {
    // 1×1×3×3 input 1..9, 1×1×2×2 kernel of ones: each output is the sum of a 2×2 window.
    const input = arange(1, 10, 1, { dtype: 'float32' }).reshape([1, 1, 3, 3]);
    const kernel = ones([1, 1, 2, 2]);
    assertTensor(conv2d(input, kernel), [1, 1, 2, 2], [12, 16, 24, 28]);
    assertTensor(conv2d(input, kernel, tensor([1])), [1, 1, 2, 2], [13, 17, 25, 29]);
    assertTensor(conv2d(input, kernel, undefined, { padding: 'valid' }), [1, 1, 2, 2], [12, 16, 24, 28]);
    assertTensor(conv2d(input, kernel, undefined, { stride: 2, padding: 1 }), [1, 1, 2, 2], [1, 5, 11, 28]);
    const same = conv2d(input, ones([1, 1, 3, 3]), undefined, { padding: 'same' });
    assertTensor(same, [1, 1, 3, 3], [12, 21, 16, 27, 45, 33, 24, 39, 28]);
    // Two output channels, two input channels: channel sums weighted by ±1.
    const twoChannels = cat([input, input.mul(10)], 1);
    const weights = tensor([1, -1]).reshape([1, 2, 1, 1]);
    assertTensor(conv2d(twoChannels, weights), [1, 1, 3, 3], [-9, -18, -27, -36, -45, -54, -63, -72, -81]);
  });

  it('maxPool2d and avgPool2d', () => {
    const input = tensor([[1, 2, 5, 6], [3, 4, 7, 8], [9, 10, 13, 14], [11, 12, 15, 16]]).reshape([1, 1, 4, 4]);
    assertTensor(maxPool2d(input, 2), [1, 1, 2, 2], [4, 8, 12, 16]);
    assertTensor(avgPool2d(input, 2), [1, 1, 2, 2], [2.5, 6.5, 10.5, 14.5]);
    assertTensor(maxPool2d(input, 3, { stride: 1 }), [1, 1, 2, 2], [13, 14, 15, 16]);
    // 3×3 input, 2×2 pool: Keras' valid pooling drops the last row/column.
    assert.deepEqual(maxPool2d(zeros([1, 1, 3, 3]), 2).shape, [1, 1, 1, 1]);
  });

  it('dropout zeroes about p of the values and rescales the rest', () => {
    const input = ones([10000]);
    const dropped = dropout(input, 0.25, { generator: new Generator(3) });
    const values = dropped.toNumbers();
    const kept = values.filter((value) => value !== 0);
    assert.ok(kept.every((value) => Math.abs(value - 4 / 3) < 1e-6));
    assert.ok(Math.abs(kept.length / 10000 - 0.75) < 0.02);
    assert.equal(dropout(input, 0.25, { training: false }), input);
  });

  it('pad: [left, right] for the last dim, then [top, bottom]', () => {
    assertTensor(pad(tensor([[1, 2]]), [1, 0, 0, 1], -1), [2, 3], [-1, 1, 2, -1, -1, -1]);
    assertTensor(pad(tensor([1, 2]), [0, 2]), [4], [1, 2, 0, 0]);
  });

  it('oneHot', () => {
    assertTensor(oneHot(tensor([2, 0], undefined, { dtype: 'int64' }), 3), [2, 3], [0, 0, 1, 1, 0, 0]);
  });

  it('cross-entropy, NLL, MSE and binary cross-entropy', () => {
    const logits = tensor([[0, Math.log(3)], [Math.log(4), 0]], undefined, { dtype: 'float64' });
    const target = tensor([1, 1], undefined, { dtype: 'int64' });
    // p = [0.25, 0.75] and [0.8, 0.2] → −(log 0.75 + log 0.2)/2
    const expected = -(Math.log(0.75) + Math.log(0.2)) / 2;
    assertTensor(crossEntropy(logits, target), [], [expected]);
    assertTensor(crossEntropy(logits, target, { reduction: 'sum' }), [], [2 * expected]);
    assertTensor(crossEntropy(logits, target, { reduction: 'none' }), [2], [-Math.log(0.75), -Math.log(0.2)]);
    const probabilities = tensor([[0, 1], [0.5, 0.5]], undefined, { dtype: 'float64' });
    assertTensor(crossEntropy(logits, probabilities), [], [(-Math.log(0.75) - 0.5 * Math.log(0.8) - 0.5 * Math.log(0.2)) / 2]);
    assertTensor(nllLoss(logits.logSoftmax(1), target), [], [expected]);
    assertTensor(mseLoss(tensor([1, 2]), tensor([2, 4])), [], [2.5]);
    assertTensor(mseLoss(tensor([1, 2]), tensor([2, 4]), { reduction: 'sum' }), [], [5]);
    const p = tensor([0.25, 0.5], undefined, { dtype: 'float64' });
    const y = tensor([1, 0], undefined, { dtype: 'float64' });
    assertTensor(binaryCrossEntropy(p, y), [], [-(Math.log(0.25) + Math.log(0.5)) / 2]);
    assertTensor(binaryCrossEntropyWithLogits(tensor([0, 0], undefined, { dtype: 'float64' }), y), [], [Math.log(2)]);
  });
});

describe('in-place updates', () => {
  it('add_, sub_, mul_, div_, addcmul_, addcdiv_, zero_, fill_, copy_, clamp_, pow_, sqrt_, exp_ return the tensor', () => {
    const t = tensor([1, 2]);
    assert.equal(t.add_(tensor([1, 1]), 2), t);
    assertClose(t.toNumbers(), [3, 4]);
    t.sub_(1).mul_(2).div_(tensor([2, 3]));
    assertClose(t.toNumbers(), [2, 2]);
    t.addcmul_(tensor([1, 2]), tensor([3, 4]), 0.5);
    assertClose(t.toNumbers(), [3.5, 6]);
    t.addcdiv_(tensor([1, 2]), tensor([2, 4]), 2);
    assertClose(t.toNumbers(), [4.5, 7]);
    t.clamp_(5, 6);
    assertClose(t.toNumbers(), [5, 6]);
    t.pow_(2);
    assertClose(t.toNumbers(), [25, 36]);
    t.sqrt_();
    assertClose(t.toNumbers(), [5, 6]);
    t.pow_(2);
    t.zero_().exp_();
    assertClose(t.toNumbers(), [1, 1]);
    t.fill_(9);
    assertClose(t.toNumbers(), [9, 9]);
    t.copy_(tensor([7, 8]));
    assertClose(t.toNumbers(), [7, 8]);
  });

  it('views share memory: an in-place change shows through', () => {
    const base = zeros([2, 3]);
    base.narrow(1, 1, 1).fill_(5);
    assertClose(base.toNumbers(), [0, 5, 0, 0, 5, 0]);
  });

  it('foreach ops update every tensor of a list', () => {
    const params = [tensor([1, 2]), tensor([[3]])];
    const grads = [tensor([10, 20]), tensor([[30]])];
    foreachAdd_(params, grads, -0.1);
    assertClose(params[0]!.toNumbers(), [0, 0]);
    assertClose(params[1]!.toNumbers(), [0]);
    foreachAdd_(params, 1);
    foreachMul_(params, 3);
    foreachMul_(params, grads);
    assertClose(params[0]!.toNumbers(), [30, 60]);
    foreachDiv_(params, grads);
    foreachDiv_(params, 3);
    assertClose(params[1]!.toNumbers(), [1]);
    foreachAddcmul_(params, grads, grads, 0.01);
    assertClose(params[0]!.toNumbers(), [2, 5]);
    foreachAddcdiv_(params, grads, grads, 2);
    assertClose(params[0]!.toNumbers(), [4, 7]);
    assertClose(foreachSqrt([tensor([4, 9])])[0]!.toNumbers(), [2, 3]);
    const roots = [tensor([16, 25])];
    foreachSqrt_(roots);
    assertClose(roots[0]!.toNumbers(), [4, 5]);
    const sums = foreachAdd(roots, 0.5);
    assertClose(sums[0]!.toNumbers(), [4.5, 5.5]);
    assertClose(foreachAdd(roots, sums, 2)[0]!.toNumbers(), [13, 16]);
    assertClose(roots[0]!.toNumbers(), [4, 5]);
    foreachCopy_(params, grads);
    assertClose(params[1]!.toNumbers(), [30]);
    foreachZero_(params);
    assertClose(params[0]!.toNumbers(), [0, 0]);
  });

  it('mulFrom_ writes a product into an existing buffer, and refuses a buffer of another shape', () => {
    const out = zeros([2, 2]);
    out.mulFrom_(tensor([[1, 2], [3, 4]]), 0.25);
    assertClose(out.toNumbers(), [0.25, 0.5, 0.75, 1]);
    out.mulFrom_(tensor([[1, 2], [3, 4]]), tensor([10, -1]));
    assertClose(out.toNumbers(), [10, -2, 30, -4]);
    assert.throws(() => out.mulFrom_(tensor([1, 2, 3]), 2), /mulOut.*shape of self·other/);
  });

  it('foreachWelford_ gives the mean and the summed squared deviations of the samples so far', () => {
    // Samples 1, 4, 10 (and 2, 2, 8): mean 5, Σ(x − 5)² = 16 + 1 + 25 = 42; mean 4, 4 + 4 + 16 = 24.
    for (const dtype of ['float32', 'float64'] as const) {
      const mean = zeros([2], { dtype });
      const m2 = zeros([2], { dtype });
      [[1, 2], [4, 2], [10, 8]].forEach((sample, i) => foreachWelford_([mean], [m2], [tensor(sample, undefined, { dtype })], i + 1));
      assertClose(mean.toNumbers(), [5, 4]);
      assertClose(m2.toNumbers(), [42, 24]);
    }
    // A strided view (transposed) takes the op-by-op path and gives the same.
    const mean = zeros([2, 2]).t();
    const m2 = zeros([2, 2]).t();
    [1, 4, 10].forEach((v, i) => foreachWelford_([mean], [m2], [tensor([[v, 2 * v], [0, v]])], i + 1));
    assertClose(mean.toNumbers(), [5, 10, 0, 5]);
    assertClose(m2.toNumbers(), [42, 168, 0, 42]);
    assert.throws(() => foreachWelford_([zeros([2])], [zeros([3])], [zeros([2])], 1), /foreachWelford_.*differ in shape/);
    assert.throws(() => foreachWelford_([zeros([2])], [zeros([2])], [zeros([2])], 0), /count must be at least 1/);
  });
});
