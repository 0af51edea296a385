/**
 * The class-clustering figure, read back from the rendered scene: each layer's silhouette, distance ratio
 * and I(X;T) sit where the stored numbers put them on the panel's own scales, on one epoch axis; the
 * compression onset and the correlations come from summary.json and the records.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CLUSTERING_FIGURE_ID, clusteringFigure } from '../../src/report/figures/clustering.js';
import { runFigures } from '../../src/report/figures/index.js';
import type { RunData } from '../../src/store/index.js';
import { MLP_CONFIG, fixtureRun } from './fixtures.js';
import { type Scene, items, near, origin, scale, scene } from './scene.js';

let run: RunData;
before(async () => {
  run = await fixtureRun(MLP_CONFIG);
});

const allText = (s: Scene) => s.marks.flatMap((mark) => mark.items.map((item) => item.text ?? '')).join(' | ');

/** Pearson's r by its definition, in plain loops. */
function correlation(xs: number[], ys: number[]): number {
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

const kdeUpper = (layer: RunData['records'][number]['layers'][number]) => layer.estimates.find((e) => e.estimator === 'kde' && e.method === 'concat')!.ixt.upper;

describe('clusteringFigure', () => {
  it('is among the run\'s figures, after the information-plane figures and before the dynamics', () => {
    const ids = runFigures(run).map((figure) => figure.id);
    assert.ok(ids.indexOf(CLUSTERING_FIGURE_ID) > ids.indexOf('mi-epochs') && ids.indexOf(CLUSTERING_FIGURE_ID) < ids.indexOf('gradient-dynamics'), ids.join(', '));
  });

  it('draws per layer a point per logged epoch at (epoch, stored score) in its silhouette, distance-ratio and I(X;T) panels, on one epoch axis', async () => {
    const figure = clusteringFigure(run);
    assert.match(figure.caption, /first 300 probe samples/);
    const s = await scene(figure);
    const x = scale(s, 'x');
    const layers = run.config.run.layers.map((layer) => layer.name);
    for (const [column, name] of layers.entries()) {
      for (const [quantity, value] of [
        ['silhouette', (l: (typeof run.records)[number]['layers'][number]) => l.clustering!.silhouette],
        ['distanceRatio', (l: (typeof run.records)[number]['layers'][number]) => l.clustering!.distanceRatio],
        ['ixt', kdeUpper],
      ] as const) {
        const panel = `clustering_${quantity}_${column}`;
        const points = items(s, `${panel}_points_marks`);
        assert.equal(points.length, run.records.length, panel);
        const at = origin(s, panel);
        const y = scale(s, `${panel}_y`);
        for (const record of run.records) {
          const layer = record.layers.find((l) => l.name === name)!;
          const point = points.find((item) => item.datum?.['epoch'] === record.epoch);
          assert.ok(point, `${panel} epoch ${record.epoch}`);
          assert.equal(point.datum!['layer'], name);
          near(point.x, at.x + x(record.epoch), `${panel} x at ${record.epoch}`);
          near(point.y, at.y + y(value(layer)), `${panel} y at ${record.epoch}`);
        }
      }
    }
    // The silhouette row shares one y domain across the layers; I(X;T) has one per layer.
    const domains = (quantity: string) => layers.map((_, column) => (s.view.scale(`clustering_${quantity}_${column}_y`) as unknown as { domain(): number[] }).domain().join());
    assert.equal(new Set(domains('silhouette')).size, 1);
    assert.equal(new Set(domains('ixt')).size, layers.length);
    assert.match(allText(s), /dense_1/);
  });

  it('marks a compression onset that summary.json found and titles the scores with their correlation with I(X;T) from it on', async () => {
    const onset = 2;
    const summary = { ...run.summary!, layers: run.summary!.layers.map((layer, i) => (i !== 1 ? layer : { ...layer, compression: { ...layer.compression, detected: true, epoch: onset } })) };
    const s = await scene(clusteringFigure({ ...run, summary }));
    const from = run.records.filter((record) => record.epoch >= onset).map((record) => record.layers[1]!);
    const expected = (values: number[]) => `r = ${correlation(from.map(kdeUpper), values).toFixed(2).replace('-', '−')}`;
    const text = allText(s);
    assert.ok(text.includes(expected(from.map((l) => l.clustering!.silhouette))), `${expected(from.map((l) => l.clustering!.silhouette))} in ${text}`);
    assert.ok(text.includes(expected(from.map((l) => l.clustering!.distanceRatio))));
    assert.match(text, /compression from epoch 2/);
    assert.equal((text.match(/r = /g) ?? []).length, 2, 'only the compressing layer has correlations');
    for (const quantity of ['ixt', 'silhouette', 'distanceRatio']) {
      const [rule] = items(s, `clustering_${quantity}_1_onset_marks`);
      near(rule?.x, origin(s, `clustering_${quantity}_1`).x + scale(s, 'x')(onset), `${quantity} onset rule`);
    }
    assert.equal(items(s, 'clustering_ixt_0_onset_marks').length, 0);
  });

  it('a run without clustering scores (written before them, or clustering.samples 0) gets a figure saying so', () => {
    const records = run.records.map((record) => ({ ...record, layers: record.layers.map(({ clustering: _, ...layer }) => layer) }));
    const figure = clusteringFigure({ ...run, records });
    assert.match(JSON.stringify(figure.spec), /no clustering scores recorded/);
    assert.match(JSON.stringify(clusteringFigure({ ...run, records: [] }).spec), /no logged epoch yet/);
  });
});
