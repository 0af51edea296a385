/** Lifetimes: tidy scopes, keep, dispose, the finalizer safety net, and flat memory over a long run. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Generator, Tensor, crossEntropy, externalMemoryBytes, foreachAdd_, keep, linear, liveTensorCount, noGrad, randint, randn, scopeDepth,
  tidy, zeros,
} from '../../src/tensor/index.js';
import { collectGarbage } from '../helpers.js';

describe('tidy scopes', () => {
  it('frees what fn made and keeps what it returns, in arrays, objects and Maps', () => {
    let inner: Tensor | undefined;
    const before = liveTensorCount();
    const result = tidy(() => {
      inner = zeros([2]).add(1);
      const kept = inner.mul(2);
      return { list: [kept], map: new Map([['x', kept.exp()]]) };
    });
    assert.equal(inner!.isDisposed, true);
    assert.equal(result.list[0]!.isDisposed, false);
    assert.equal(result.map.get('x')!.isDisposed, false);
    assert.equal(liveTensorCount(), before + 2);
    result.list[0]!.dispose();
    result.map.get('x')!.dispose();
    assert.equal(liveTensorCount(), before);
  });

  it('nested scopes hand returned tensors to the enclosing scope', () => {
    let middle: Tensor | undefined;
    const outer = tidy(() => {
      middle = tidy(() => zeros([1]).add(1));
      assert.equal(middle.isDisposed, false);
      return middle.add(1);
    });
    assert.equal(middle!.isDisposed, true);
    assert.deepEqual(outer.toNumbers(), [2]);
    assert.equal(scopeDepth(), 0);
  });

  it('keep exempts a tensor; a throw still frees the rest and closes the scope', () => {
    let parameter: Tensor | undefined;
    let temporary: Tensor | undefined;
    assert.throws(() => tidy(() => {
      parameter = keep(zeros([3]));
      temporary = zeros([3]);
      throw new Error('boom');
    }), /boom/);
    assert.equal(parameter!.isDisposed, false);
    assert.equal(temporary!.isDisposed, true);
    assert.equal(scopeDepth(), 0);
  });

  it('refuses async functions', () => {
    assert.throws(() => tidy(async () => zeros([1])), /Expected a synchronous function for tidy/);
    assert.equal(scopeDepth(), 0);
  });

  it('tensors made outside any scope are freed by the garbage collector when dropped', async () => {
    await collectGarbage();
    const before = liveTensorCount();
    (() => {
      for (let i = 0; i < 1000; i++) zeros([16]);
    })();
    assert.equal(liveTensorCount(), before + 1000);
    await collectGarbage();
    assert.ok(liveTensorCount() < before + 50, `live tensors after GC: ${liveTensorCount() - before} of 1000 remain`);
  });

  it('reports native memory to V8 and takes it back on dispose', () => {
    const before = externalMemoryBytes();
    const big = zeros([10_000_000]);
    assert.equal(externalMemoryBytes() - before, 40_000_000);
    const view = big.narrow(0, 0, 10);
    assert.equal(externalMemoryBytes() - before, 40_000_000, 'a view shares memory and is not counted again');
    big.dispose();
    view.dispose();
    assert.equal(externalMemoryBytes(), before);
  });
});

describe('a long training-like run', () => {
  it('50 000 steps inside tidy keep the live-tensor count and resident memory flat', async () => {
    const generator = new Generator(5);
    const params = [randn([16, 8], { generator }).mul(0.3), zeros([16]), randn([4, 16], { generator }).mul(0.3), zeros([4])]
      .map((p) => p.requiresGrad_());
    const x = randn([32, 8], { generator });
    const y = randint(0, 4, [32], { generator });
    const step = (): number => tidy(() => {
      const logits = linear(linear(x, params[0]!, params[1]!).tanh(), params[2]!, params[3]!);
      const loss = crossEntropy(logits, y);
      loss.backward();
      noGrad(() => foreachAdd_(params, params.map((p) => p.grad!), -0.05));
      for (const p of params) p.clearGrad();
      return loss.item();
    });
    const firstLoss = step();
    for (let i = 0; i < 5000; i++) step();
    await collectGarbage();
    const liveAfterWarmup = liveTensorCount();
    const rssAfterWarmup = process.memoryUsage().rss;
    let lastLoss = 0;
    for (let i = 0; i < 45_000; i++) lastLoss = step();
    await collectGarbage();
    const growth = process.memoryUsage().rss - rssAfterWarmup;
    assert.equal(liveTensorCount(), liveAfterWarmup, 'live tensors after 45 000 more steps');
    assert.ok(growth < 8 * 1024 * 1024, `resident memory grew by ${(growth / 1048576).toFixed(1)} MiB over 45 000 steps`);
    assert.ok(lastLoss < firstLoss, `the steps train: loss ${firstLoss} → ${lastLoss}`);
  });
});
