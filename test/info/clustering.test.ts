/** Class clustering scores against a naive reference written here and against values worked out by hand. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { classClustering } from '../../src/info/clustering.js';
import { type Tensor, liveTensorCount, tensor } from '../../src/tensor/index.js';
import { assertClose, pseudoRandom } from '../helpers.js';

const int64 = (values: number[]): Tensor => tensor(values, undefined, { dtype: 'int64' });
const float64 = (rows: number[][]): Tensor => tensor(rows, undefined, { dtype: 'float64' });

/**
 * Rousseeuw's silhouette as scikit-learn's silhouette_samples computes it, and the pooled within/between
 * pair-distance ratio, by plain loops: every distance by subtraction, every pair visited.
 */
function naiveClustering(points: number[][], labels: number[]): { silhouette: number; distanceRatio: number } {
  const n = points.length;
  const distance = (i: number, j: number): number => Math.sqrt(points[i]!.reduce((s, x, k) => s + (x - points[j]![k]!) ** 2, 0));
  const classes = [...new Set(labels)];
  let silhouette = 0;
  for (let i = 0; i < n; i++) {
    const mean = (c: number, skipSelf: boolean): number => {
      let total = 0;
      let count = 0;
      for (let j = 0; j < n; j++) {
        if (labels[j] !== c || (skipSelf && j === i)) continue;
        total += distance(i, j);
        count++;
      }
      return total / count;
    };
    if (labels.filter((label) => label === labels[i]).length === 1) continue;
    const a = mean(labels[i]!, true);
    const b = Math.min(...classes.filter((c) => c !== labels[i]).map((c) => mean(c, false)));
    silhouette += Math.max(a, b) > 0 ? (b - a) / Math.max(a, b) : 0;
  }
  let within = 0;
  let withinPairs = 0;
  let between = 0;
  let betweenPairs = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (labels[i] === labels[j]) {
        within += distance(i, j);
        withinPairs++;
      } else {
        between += distance(i, j);
        betweenPairs++;
      }
    }
  }
  return { silhouette: silhouette / n, distanceRatio: within / withinPairs / (between / betweenPairs) };
}

/** 37 random points in 5 dimensions: classes 0–2 of about 12 each (shifted apart a little), class 3 a singleton, class 4 empty. */
function randomData(seed: number): { points: number[][]; labels: number[] } {
  const values = pseudoRandom(37 * 5, seed);
  const labels = Array.from({ length: 37 }, (_, i) => (i === 17 ? 3 : i % 3));
  const points = labels.map((label, i) => values.slice(i * 5, i * 5 + 5).map((v, k) => 3 * v + (k === 0 ? label : 0)));
  return { points, labels };
}

describe('classClustering', () => {
  it('agrees with the naive silhouette and distance ratio to 1e-9 (a singleton class and an empty one), for any block size', () => {
    for (const seed of [1, 2, 3]) {
      const { points, labels } = randomData(seed);
      const expected = naiveClustering(points, labels);
      for (const blockSize of [1, 7, 16, 37, undefined]) {
        const scores = classClustering(float64(points), int64(labels), 5, { ...(blockSize ? { blockSize } : {}) });
        assert.equal(scores.samples, 37);
        assertClose([scores.silhouette, scores.distanceRatio], [expected.silhouette, expected.distanceRatio], 1e-9, `seed ${seed}, block ${blockSize}`);
      }
    }
  });

  it('two pairs on a line, {0, 1} and {10, 11}: silhouette (19/21 + 17/19)/2 and distance ratio 1/10, as worked by hand', () => {
    // Point 0: a = 1, b = (10 + 11)/2, s = 9.5/10.5; point 1: a = 1, b = (9 + 10)/2, s = 8.5/9.5; the others mirror them.
    // Within-class pairs 1 and 1; between-class pairs 10, 11, 9, 10: mean 1 over mean 10.
    const scores = classClustering(float64([[0], [1], [10], [11]]), int64([0, 0, 1, 1]), 2);
    assertClose([scores.silhouette, scores.distanceRatio], [(19 / 21 + 17 / 19) / 2, 0.1], 1e-12);
  });

  it('a singleton class scores 0 for its sample, and the other samples see it as a class: {0, 1}, {10, 11}, {5}', () => {
    // a = 1 for the four paired points; b is the distance to 5 (nearer than the other pair's mean): 5, 4, 5, 6,
    // so s = 4/5, 3/4, 4/5, 5/6; point 5 is alone in its class: s = 0.
    // Within pairs 1, 1; between pairs 10, 11, 9, 10 and 5, 4, 5, 6: ratio 1 / (60/8).
    const scores = classClustering(float64([[0], [1], [10], [11], [5]]), int64([0, 0, 1, 1, 2]), 3);
    assertClose([scores.silhouette, scores.distanceRatio], [(4 / 5 + 3 / 4 + 4 / 5 + 5 / 6 + 0) / 5, 1 / 7.5], 1e-12);
  });

  it('tight, far-apart classes score a silhouette near 1 and a ratio near 0', () => {
    const values = pseudoRandom(200 * 3, 9);
    const labels = Array.from({ length: 200 }, (_, i) => i % 4);
    const points = labels.map((label, i) => values.slice(i * 3, i * 3 + 3).map((v, k) => 1e-3 * v + (k === label % 3 ? 100 * (1 + label) : 0)));
    const scores = classClustering(float64(points), int64(labels), 4);
    assert.ok(scores.silhouette > 0.9999 && scores.silhouette <= 1, `${scores.silhouette}`);
    assert.ok(scores.distanceRatio < 1e-4, `${scores.distanceRatio}`);
  });

  it('scores the first `samples` rows; a conv layer [N, C, H, W] as its flattened samples; float32 input as its values', () => {
    const { points, labels } = randomData(4);
    const first = naiveClustering(points.slice(0, 20), labels.slice(0, 20));
    const scores = classClustering(float64(points), int64(labels), 5, { samples: 20 });
    assert.equal(scores.samples, 20);
    assertClose([scores.silhouette, scores.distanceRatio], [first.silhouette, first.distanceRatio], 1e-9);
    const flat = classClustering(float64(points.map((p) => p.slice(0, 4))), int64(labels), 5);
    const conv = classClustering(float64(points.map((p) => p.slice(0, 4))).reshape([37, 1, 2, 2]), int64(labels), 5);
    assert.deepEqual(conv, flat);
    const rounded = points.map((p) => p.map(Math.fround));
    const single = classClustering(tensor(rounded, undefined, { dtype: 'float32' }), int64(labels), 5);
    const expected = naiveClustering(rounded, labels);
    assertClose([single.silhouette, single.distanceRatio], [expected.silhouette, expected.distanceRatio], 1e-9);
  });

  it('one class only: both scores are NaN (no other class to compare with); identical points: silhouette 0', () => {
    const alone = classClustering(float64([[0], [1], [3]]), int64([1, 1, 1]), 2);
    assert.ok(Number.isNaN(alone.silhouette) && Number.isNaN(alone.distanceRatio));
    // a = b = 0 for every sample: scikit-learn's 0/0 → 0; the ratio is 0/0.
    const same = classClustering(float64([[2], [2], [2], [2]]), int64([0, 1, 0, 1]), 2);
    assert.equal(same.silhouette, 0);
    assert.ok(Number.isNaN(same.distanceRatio));
  });

  it('rejects bad arguments with the one message template, and leaves no tensor behind', () => {
    const points = float64([[0], [1], [2]]);
    const labels = int64([0, 1, 0]);
    const before = liveTensorCount();
    classClustering(points, labels, 2, { blockSize: 2 });
    assert.equal(liveTensorCount(), before);
    assert.throws(() => classClustering(points, labels, 2, { samples: 1 }), /^TypeError: Expected an integer ≥ 2 for samples but received 1$/);
    assert.throws(() => classClustering(points, int64([0, 1]), 2), /Expected int64 labels of shape \[3\] for labels/);
    assert.throws(() => classClustering(points.reshape([3]), labels, 2), /Expected activations of shape \[N, d\]/);
  });
});
