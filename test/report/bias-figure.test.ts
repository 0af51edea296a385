/** The estimator-bias figure: a dot per row, the identity line per panel, KDE's bars and log₂ N where it caps. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type BiasFigureRow, estimatorBiasFigure } from '../../src/report/figures/bias.js';
import { headlessView, sceneMarks } from '../../src/report/render.js';

const row = (fields: Partial<BiasFigureRow>): BiasFigureRow => ({
  task: 'gaussian-layer', setting: 's=1', quantity: 'I(X;T)', samples: 256, dims: 1, estimator: 'bin size 0.5', target: 'H(q(T))',
  trueBits: 3, lowerBits: 3, upperBits: 3, ...fields,
});

const rows: BiasFigureRow[] = [
  row({ dims: 1, trueBits: 3.06, lowerBits: 3.02, upperBits: 3.02 }),
  row({ dims: 4, trueBits: 12.2, lowerBits: 8, upperBits: 8 }),
  row({ dims: 4, estimator: 'kde σ²=0.1', trueBits: 6.9, lowerBits: 5.1, upperBits: 8 }),
  row({ dims: 4, samples: 1024, trueBits: 12.2, lowerBits: 10, upperBits: 10 }),
  row({ task: 'channel', setting: 'M=4 ε=0.1', quantity: 'I(Y;T)', trueBits: 1.37, lowerBits: 1.44, upperBits: 1.44 }),
  row({ task: 'channel', setting: 'M=4 ε=0.1', quantity: 'I(X;T)', trueBits: 2, lowerBits: 1.93, upperBits: 1.93 }),
  row({ task: 'correlated', setting: 'ρ=0.9', estimator: 'ksg k=3', trueBits: Number.NaN }),
];

describe('estimator bias figure', () => {
  it('one panel per task, quantity and d in task order; the channel\'s, at one d, do not name it', async () => {
    const headers = sceneMarks(await headlessView(estimatorBiasFigure(rows).spec))
      .filter((mark) => mark.role === 'title-text')
      .flatMap((mark) => mark.items.map((item) => item.text))
      .filter((text) => text !== 'Estimator bias on tasks with known mutual information');
    assert.deepEqual(headers, ['gaussian-layer · I(X;T) · d=1', 'gaussian-layer · I(X;T) · d=4', 'channel · I(X;T)', 'channel · I(Y;T)']);
  });

  it('a dot per finite row, a KDE bar from its upper to its lower bound, the diagonal per panel, log₂ N only below a true value', async () => {
    const marks = sceneMarks(await headlessView(estimatorBiasFigure(rows).spec)).filter((mark) => mark.role === 'mark');
    const dots = marks.filter((mark) => mark.marktype === 'symbol').flatMap((mark) => mark.items);
    assert.equal(dots.length, 6, 'the NaN row is left out');
    const rules = marks.filter((mark) => mark.marktype === 'rule').flatMap((mark) => mark.items);
    const bars = rules.filter((rule) => rule.datum?.['layer'] === 'point');
    assert.deepEqual(bars.map((bar) => bar.datum?.['estimator']), ['kde σ²=0.1']);
    const ceilings = rules.filter((rule) => rule.datum?.['layer'] === 'ceiling').map((rule) => `${rule.datum?.['panel']} ${rule.datum?.['label']}`);
    // d = 4's true 12.2 bits lie above log₂ 256 = 8 and log₂ 1024 = 10; nowhere else is a true value above log₂ N.
    assert.deepEqual(ceilings.sort(), ['gaussian-layer · I(X;T) · d=4 log₂1024', 'gaussian-layer · I(X;T) · d=4 log₂256']);
    const diagonals = marks.filter((mark) => mark.marktype === 'line').flatMap((mark) => mark.items);
    assert.equal(diagonals.length, 4 * 2);
    for (const point of diagonals) assert.equal(point.datum?.['x'], point.datum?.['y']);
    const d4 = diagonals.filter((point) => point.datum?.['panel'] === 'gaussian-layer · I(X;T) · d=4');
    assert.deepEqual(d4.map((point) => point.datum?.['x']), [0, 12.2]);
    // The panel's scales, read off its diagonal's two ends (linear, independent per panel).
    const scale = (axis: 'x' | 'y') => (bits: number): number => d4[0]![axis]! + ((d4[1]![axis]! - d4[0]![axis]!) * bits) / 12.2;
    const [x, y] = [scale('x'), scale('y')];
    const near = (a: number | undefined, b: number): boolean => a !== undefined && Math.abs(a - b) < 0.01;
    // KDE's bar: at its true value, from the upper bound (8) down to the lower (5.1); its dot at the upper bound.
    assert.ok(near(bars[0]!.x, x(6.9)) && near(bars[0]!.y, y(8)) && near(bars[0]!.y2, y(5.1)), JSON.stringify(bars[0]));
    const inD4 = dots.filter((dot) => dot.datum?.['panel'] === 'gaussian-layer · I(X;T) · d=4');
    assert.deepEqual(inD4.map((dot) => [near(dot.x, x(dot.datum!['trueBits'] as number)), near(dot.y, y(dot.datum!['upperBits'] as number))]), [[true, true], [true, true], [true, true]]);
  });

  it('says in its caption what to look for', () => {
    const { caption } = estimatorBiasFigure(rows);
    assert.match(caption, /below it the estimator is biased down/);
    assert.match(caption, /log₂ N/);
  });
});
