/** The fused exp-sum kernel against a naive reference written here, in both precisions, and its argument checks. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expGroupSums, tensor, tidy } from '../../src/tensor/index.js';
import { assertClose, pseudoRandom } from '../helpers.js';

/** The naive sums: each entry's value per scale (exp, or roots of the previous), row and column sums in float64. */
function naive(x: number[][], scales: number[], steps: number[], floor: number, rowGroups: number[], columnGroups: number[]): number[][][] {
  const m = x.length;
  const n = x[0]!.length;
  const out = [0, 1, 2, 3].map((q) => scales.map(() => new Array<number>(q < 2 ? m : n).fill(0)));
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let previous = 0;
      scales.forEach((scale, k) => {
        const v = steps[k] === 0 ? Math.exp(Math.max(scale * x[i]![j]!, floor)) : previous ** (1 / 2 ** steps[k]!);
        previous = v;
        const same = rowGroups[i] === columnGroups[j];
        out[0]![k]![i]! += v;
        out[2]![k]![j]! += v;
        if (same) {
          out[1]![k]![i]! += v;
          out[3]![k]![j]! += v;
        }
      });
    }
  }
  return out;
}

describe('expGroupSums', () => {
  const m = 37;
  const n = 53;
  const values = pseudoRandom(m * n, 9).map((v) => -40 * (v + 1));
  const x = Array.from({ length: m }, (_, i) => values.slice(i * n, (i + 1) * n));
  const rowGroups = Array.from({ length: m }, (_, i) => Math.floor((i * 3) / m));
  const columnGroups = Array.from({ length: n }, (_, j) => Math.floor((j * 4) / n));
  // σ², 4σ² (two roots), a rescaled σ² and its 4σ²; and a scale that takes entries below the floor.
  const scales = [1, 0.25, 0.1, 0.025, 3];
  const steps = [0, 2, 0, 2, 0];

  for (const dtype of ['float64', 'float32'] as const) {
    it(`sums over rows and columns, in total and within groups, as the naive reference (${dtype})`, () => {
      const expected = naive(x, scales, steps, -87, rowGroups, columnGroups);
      tidy(() => {
        const sums = expGroupSums(tensor(values, [m, n], { dtype }), scales, steps, -87, tensor(rowGroups, undefined, { dtype: 'int64' }), tensor(columnGroups, undefined, { dtype: 'int64' }));
        assert.deepEqual([...sums.rowTotal.shape, ...sums.columnOwn.shape], [scales.length, m, scales.length, n]);
        assert.equal(sums.rowTotal.dtype, 'float64');
        const tolerance = dtype === 'float64' ? 1e-12 : 2e-6;
        [sums.rowTotal, sums.rowOwn, sums.columnTotal, sums.columnOwn].forEach((sum, q) => {
          assertClose(sum.toNumbers(), expected[q]!.flat(), tolerance, `sum ${q}`);
        });
      });
    });
  }

  it('refuses what it cannot do with a clear error', () => {
    tidy(() => {
      const groups = tensor([0, 0], undefined, { dtype: 'int64' });
      assert.throws(() => expGroupSums(tensor([[1, 2], [3, 4]]), [1], [0, 1], -87, groups, groups), /one step per scale/);
      assert.throws(() => expGroupSums(tensor([1, 2]), [1], [0], -87, groups, groups), /x must be 2-D/);
      assert.throws(() => expGroupSums(tensor([[1, 2], [3, 4]]), [1, 1], [1, 0], -87, groups, groups), /steps\[0\] must be 0/);
      assert.throws(() => expGroupSums(tensor([[1, 2], [3, 4]]), [1], [0], -87, tensor([0], undefined, { dtype: 'int64' }), groups), /one group per row and per column/);
      assert.throws(() => expGroupSums(tensor([[1, 2], [3, 4]], undefined, { dtype: 'int64' }), [1], [0], -87, groups, groups), /float32 or float64/);
    });
  });
});
