/** Gradient statistics, parallel replicas, discordant pairs and breakpoints (the hypothesis summary: hypothesis.test.ts). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  GradientMoments, ParallelReplicas, breakpoint, discordantPairs, pearson,
} from '../../src/dynamics/index.js';
import type { Dataset } from '../../src/data/dataset.js';
import { Sequential } from '../../src/nn/index.js';
import { Generator, noGrad, randperm, tensor, zeros } from '../../src/tensor/index.js';
import { assertClose, pseudoRandom } from '../helpers.js';

describe('streaming gradient statistics', () => {
  it('Welford moments equal the stacked computation (np.mean / np.std over batches, then norms)', () => {
    const batches = 7;
    const shapes = [[3, 4], [3]];
    const stacked = shapes.map((shape, p) => Array.from({ length: batches }, (_, b) => pseudoRandom(shape.reduce((x, y) => x * y), 100 * p + b).map((v) => v + 0.3 * p)));
    const moments = new GradientMoments(shapes.map((shape, p) => [`layer.p${p}`, zeros(shape, { dtype: 'float64' })] as const));
    for (let b = 0; b < batches; b++) moments.update(shapes.map((shape, p) => tensor(stacked[p]![b]!, shape, { dtype: 'float64' })));
    const summary = moments.summarize();
    stacked.forEach((gradients, p) => {
      const elements = gradients[0]!.length;
      let meanSquares = 0;
      let varianceSum = 0;
      for (let e = 0; e < elements; e++) {
        const values = gradients.map((g) => g[e]!);
        const mean = values.reduce((a, b) => a + b, 0) / batches;
        meanSquares += mean ** 2;
        varianceSum += values.reduce((a, v) => a + (v - mean) ** 2, 0) / batches;
      }
      const s = summary.get(`layer.p${p}`)!;
      assertClose([s.mean, s.std, s.snr], [Math.sqrt(meanSquares), Math.sqrt(varianceSum), Math.sqrt(meanSquares / varianceSum)], 1e-12);
      assert.equal(s.count, batches);
    });
    moments.reset();
    assert.equal(moments.summarize().get('layer.p0')!.mean, 0);
  });
});

describe("Tishby's parallel networks", () => {
  it('with zero weights and MSE on constant inputs, each copy\'s gradient is minus its batch\'s class shares: mean and std across copies match', () => {
    const n = 64;
    const labelValues = pseudoRandom(n, 7).map((v) => (v > 0.2 ? 1 : 0));
    const train: Dataset = { name: 't', inputs: zeros([n, 1], { dtype: 'float64' }).add(1), labels: tensor(labelValues, undefined, { dtype: 'int64' }), numClasses: 2 };
    const seed = 11;
    const replicas = new ParallelReplicas(() => new Sequential({ inputShape: [1], layers: [{ type: 'dense', units: 2 }] }, 1, { dtype: 'float64' }), { type: 'sgd' }, 'mse', train, 4, 8, seed);
    noGrad(() => { for (const model of replicas.models) for (const p of model.parameters()) p.zero_(); });
    // The copies' batches, as ParallelReplicas draws them: consecutive slices of one seeded permutation.
    const order = randperm(n, { generator: new Generator(seed) }).toNumbers();
    // Output 0 for every sample, target one-hot: dL/dW_j = dL/db_j = −(2/(8·2))·#class j = −share of class j.
    const perCopy = [0, 1, 2, 3].map((k) => {
      const share = order.slice(8 * k, 8 * k + 8).filter((i) => labelValues[i] === 1).length / 8;
      return [-(1 - share), -share];
    });
    const mean = [0, 1].map((j) => perCopy.reduce((a, g) => a + g[j]!, 0) / 4);
    const variance = [0, 1].map((j) => perCopy.reduce((a, g) => a + (g[j]! - mean[j]!) ** 2, 0) / 4);
    const summary = replicas.gradientSummary();
    const kernel = summary.get('dense_1.kernel')!;
    assertClose([kernel.mean, kernel.std], [Math.hypot(...mean), Math.sqrt(variance[0]! + variance[1]!)], 1e-12);
    assertClose([summary.get('dense_1.bias')!.mean], [Math.hypot(...mean)], 1e-12);
    // One epoch of each copy is one step on its own batch: copy k's bias becomes −α·gradient.
    replicas.step();
    assertClose(replicas.models[2]!.parameters()[1]!.toNumbers(), perCopy[2]!.map((g) => -0.01 * g), 1e-12);
    replicas.dispose();
  });

  it('refuses more copies than the data can fill', () => {
    const train: Dataset = { name: 't', inputs: zeros([10, 1]), labels: tensor([0, 1, 0, 1, 0, 1, 0, 1, 0, 1], undefined, { dtype: 'int64' }), numClasses: 2 };
    assert.throws(() => new ParallelReplicas(() => new Sequential({ inputShape: [1], layers: [{ type: 'dense', units: 2 }] }, 1), { type: 'sgd' }, 'mse', train, 3, 4, 0), /3 replicas × batch 4 = 12 samples, more than the 10 training samples/);
  });
});

describe('discordant pairs (the KDE derivative\'s compression terms)', () => {
  it('matches the O(n²) count, ties counting for neither', () => {
    for (const seed of [1, 2, 3]) {
      const u = pseudoRandom(60, seed).map((v) => Math.round(v * 5));
      const w = pseudoRandom(60, seed + 10).map((v) => Math.round(v * 4));
      let brute = 0;
      for (let i = 0; i < 60; i++) for (let j = i + 1; j < 60; j++) if ((u[i]! - u[j]!) * (w[i]! - w[j]!) < 0) brute++;
      assert.equal(discordantPairs(u, w), brute);
    }
    assert.equal(discordantPairs([1, 2, 3], [3, 2, 1]), 3);
    assert.equal(discordantPairs([1, 2, 3], [1, 2, 3]), 0);
  });
});

describe('series statistics', () => {
  it('pearson and the two-segment breakpoint', () => {
    assertClose([pearson([1, 2, 3, 4], [2, 4, 6, 8])!, pearson([1, 2, 3, 4], [4, 3, 2, 1])!], [1, -1], 1e-12);
    assert.equal(pearson([1, 1, 1], [1, 2, 3]), undefined);
    const xs = [0, 1, 2, 3, 4, 5, 6, 7, 8];
    const ys = xs.map((x) => (x <= 3 ? 10 - 2 * x : 4 - 0.1 * (x - 3)));
    assert.equal(breakpoint(xs, ys), 3);
  });
});
