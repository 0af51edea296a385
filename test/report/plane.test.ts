/**
 * The information-plane figures read back from their compiled scenegraph: every dot, bar, channel ring and
 * bound rule at the pixel the view's scales give the stored bits, the epoch colour bar over the logged
 * span, the MI-against-epoch bands and ceilings, the comparison's shared panels, and runs with no epochs
 * or NaN estimates. Each figure is also rendered to PNG (in the test's directory and in
 * /tmp/infoplane-figures/ to look at).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EstimateRecord, RunData } from '../../src/store/index.js';
import { comparePlaneFigures, planeFigures } from '../../src/report/figures/plane.js';
import { estimatorLabel } from '../../src/report/figures/plane-data.js';
import { headlessView, renderPng, sceneMarks } from '../../src/report/render.js';
import { CNN_CONFIG, MLP_CONFIG, fixtureRun } from './fixtures.js';
import { type Item, cellOrigins, dataItems, figureById, scene as view } from './scene.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'infoplane-plane-'));
after(() => rmSync(root, { recursive: true, force: true }));
const LOOK = '/tmp/infoplane-figures';

let mlp: RunData;
let cnn: RunData;
before(async () => {
  [mlp, cnn] = await Promise.all([fixtureRun(MLP_CONFIG), fixtureRun(CNN_CONFIG)]);
});

type Scale = (value: number) => number;

const near = (actual: number | undefined, expected: number, what: string): void => {
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 0.5, `${what}: ${actual} px, expected ${expected.toFixed(2)} px`);
};

/** The panel of an estimate as the figure names it (the method only where the run has both). */
const panelOf = (run: RunData, estimate: EstimateRecord): string => {
  const methods = new Set(run.records.flatMap((record) => record.layers.flatMap((layer) => layer.estimates.map((e) => e.method))));
  return methods.size > 1 ? `${estimatorLabel(estimate)} · ${estimate.method}` : estimatorLabel(estimate);
};


describe('information plane', () => {
  it('names an estimator with the options that tell it apart (σ², bin size, bin count), not the layer size', () => {
    const kde = (noiseVariance: number, dims: number) => estimatorLabel({ estimator: 'kde', parameters: { estimator: 'kde', noiseVariance, precision: 'float32', samples: 4096, dims } });
    assert.equal(kde(0.001, 10), 'kde σ²=0.001');
    assert.equal(kde(0.001, 10), kde(0.001, 3));
    assert.notEqual(kde(0.001, 10), kde(0.1, 10));
    assert.equal(estimatorLabel({ estimator: 'bin', parameters: { binsize: 0.07, samples: 10, dims: 2 } }), 'bin size 0.07');
    assert.equal(estimatorLabel({ estimator: 'tishby-bin', parameters: { numBins: 30 } }), 'tishby-bin 30 bins');
    assert.equal(estimatorLabel({ estimator: 'other', parameters: { width: 2, samples: 10 } }), 'other width=2');
  });

  it('has one dot per layer, logged epoch and panel, at the stored upper bounds through the view’s scales', async () => {
    const { view: plane, marks } = await view(figureById(planeFigures(mlp), 'information-plane'));
    const x = plane.scale('x') as Scale;
    const y = plane.scale('y') as Scale;
    const origins = cellOrigins(marks, 'cell');
    assert.deepEqual([...origins.keys()], ['kde σ²=0.1', 'bin size 0.5']);
    const dots = dataItems(marks, 'layer_dots');
    let expected = 0;
    for (const record of mlp.records) {
      for (const layer of record.layers) {
        for (const estimate of layer.estimates) {
          expected++;
          const panel = panelOf(mlp, estimate);
          const found = dots.filter((dot) => dot.datum!['cell'] === panel && dot.datum!['layer'] === layer.name && dot.datum!['epoch'] === record.epoch);
          assert.equal(found.length, 1, `${panel} ${layer.name} epoch ${record.epoch}`);
          const origin = origins.get(panel)!;
          near(found[0]!.x, origin.x + x(estimate.ixt.upper), `x of ${layer.name} at ${record.epoch}`);
          near(found[0]!.y, origin.y + y(estimate.iyt.upper), `y of ${layer.name} at ${record.epoch}`);
        }
      }
    }
    assert.equal(expected, mlp.records.length * 3 * 2);
    assert.equal(dots.length, expected);
  });

  it('colours the epoch lines on a bar from the first to the last logged epoch, and joins each epoch’s layers in network order', async () => {
    const { view: plane, marks } = await view(figureById(planeFigures(mlp), 'information-plane'));
    const epochs = mlp.records.map((record) => record.epoch);
    assert.deepEqual((plane.scale('stroke') as unknown as { domain(): number[] }).domain(), [epochs[0], epochs.at(-1)]);
    const labels = marks.filter((mark) => mark.role === 'legend-label').flatMap((mark) => mark.items.map((item) => item.text!));
    const numeric = labels.filter((label) => /^\d+$/.test(label)).map(Number);
    assert.equal(Math.min(...numeric), epochs[0]);
    assert.equal(Math.max(...numeric), epochs.at(-1));
    for (const layer of ['dense_1', 'dense_2', 'dense_3']) assert.ok(labels.includes(layer), `layer legend has ${layer}`);
    // Each epoch's line: a segment from each layer's dot to the next layer's, coloured by the epoch.
    const x = plane.scale('x') as Scale;
    const y = plane.scale('y') as Scale;
    const stroke = plane.scale('stroke') as unknown as (epoch: number) => string;
    const origins = cellOrigins(marks, 'cell');
    const segments = dataItems(marks, 'epoch_lines');
    assert.equal(segments.length, epochs.length * 2 * 2, 'two segments (three layers) per epoch per panel');
    for (const record of mlp.records) {
      for (const panel of origins.keys()) {
        const origin = origins.get(panel)!;
        const estimates = record.layers.map((layer) => layer.estimates.find((estimate) => panelOf(mlp, estimate) === panel)!);
        const mine = segments.filter((segment) => segment.datum!['cell'] === panel && segment.datum!['epoch'] === record.epoch);
        assert.deepEqual(mine.map((segment) => [segment.datum!['from'], segment.datum!['to']]), [['dense_1', 'dense_2'], ['dense_2', 'dense_3']]);
        mine.forEach((segment, index) => {
          near(segment.x, origin.x + x(estimates[index]!.ixt.upper), `segment ${index} start x at epoch ${record.epoch}`);
          near(segment.y, origin.y + y(estimates[index]!.iyt.upper), `segment ${index} start y at epoch ${record.epoch}`);
          near(segment.x2, origin.x + x(estimates[index + 1]!.ixt.upper), `segment ${index} end x at epoch ${record.epoch}`);
          near(segment.y2, origin.y + y(estimates[index + 1]!.iyt.upper), `segment ${index} end y at epoch ${record.epoch}`);
          assert.equal(segment.stroke, stroke(record.epoch));
        });
      }
    }
  });

  it('rules x = 0, H(X) and y = 0, H(Y) at the scales’ positions, labelled', async () => {
    const { view: plane, marks } = await view(figureById(planeFigures(mlp), 'information-plane'));
    const { hX, hY } = mlp.config.run.probe;
    const x = plane.scale('x') as Scale;
    const y = plane.scale('y') as Scale;
    const origins = cellOrigins(marks, 'cell');
    for (const [cell, origin] of origins) {
      const vertical = dataItems(marks, 'xbound_rules').filter((rule) => rule.datum!['cell'] === cell).map((rule) => rule.x! - origin.x).sort((a, b) => a - b);
      const horizontal = dataItems(marks, 'ybound_rules').filter((rule) => rule.datum!['cell'] === cell).map((rule) => rule.y! - origin.y).sort((a, b) => b - a);
      assert.equal(vertical.length, 2);
      near(vertical[0], x(0), `${cell}: x = 0`);
      near(vertical[1], x(hX), `${cell}: x = H(X)`);
      near(horizontal[0], y(0), `${cell}: y = 0`);
      near(horizontal[1], y(hY), `${cell}: y = H(Y)`);
    }
    assert.deepEqual(dataItems(marks, 'xbound_labels').map((label) => label.text), ['H(X)', 'H(X)']);
    assert.deepEqual(dataItems(marks, 'ybound_labels').map((label) => label.text), ['H(Y)', 'H(Y)']);
  });

  it('draws KDE bars from lower to upper bound on both axes, and none for binning (one value)', async () => {
    const { view: plane, marks } = await view(figureById(planeFigures(mlp), 'information-plane'));
    const x = plane.scale('x') as Scale;
    const y = plane.scale('y') as Scale;
    const origin = cellOrigins(marks, 'cell').get('kde σ²=0.1')!;
    const ixtBars = dataItems(marks, 'ixt_bounds');
    const iytBars = dataItems(marks, 'iyt_bounds');
    assert.ok(ixtBars.every((bar) => bar.datum!['cell'] === 'kde σ²=0.1') && iytBars.every((bar) => bar.datum!['cell'] === 'kde σ²=0.1'), 'no bars on the binning panel');
    assert.equal(ixtBars.length, mlp.records.length * 3);
    assert.equal(iytBars.length, mlp.records.length * 3);
    for (const record of mlp.records) {
      for (const layer of record.layers) {
        const kde = layer.estimates.find((estimate) => estimate.estimator === 'kde')!;
        const match = (bar: Item) => bar.datum!['layer'] === layer.name && bar.datum!['epoch'] === record.epoch;
        const ixt = ixtBars.find(match)!;
        const iyt = iytBars.find(match)!;
        near(Math.min(ixt.x!, ixt.x2!), origin.x + x(kde.ixt.lower), 'I(X;T) bar start');
        near(Math.max(ixt.x!, ixt.x2!), origin.x + x(kde.ixt.upper), 'I(X;T) bar end');
        near(ixt.y, origin.y + y(kde.iyt.upper), 'I(X;T) bar at the dot');
        near(Math.max(iyt.y!, iyt.y2!), origin.y + y(kde.iyt.lower), 'I(Y;T) bar bottom');
        near(Math.min(iyt.y!, iyt.y2!), origin.y + y(kde.iyt.upper), 'I(Y;T) bar top');
      }
    }
    assert.match(figureById(planeFigures(mlp), 'information-plane').caption, /upper bound \(the paper’s f\(1\)\)/);
  });

  it('gives the CNN a concat and a mean panel; the mean panel rings each channel’s own bounds and shows dense layers by their concat estimate', async () => {
    const figure = figureById(planeFigures(cnn), 'information-plane');
    const { view: plane, marks } = await view(figure);
    const x = plane.scale('x') as Scale;
    const y = plane.scale('y') as Scale;
    const origins = cellOrigins(marks, 'cell');
    assert.deepEqual([...origins.keys()], ['kde σ²=0.1 · concat', 'kde σ²=0.1 · mean']);
    const mean = origins.get('kde σ²=0.1 · mean')!;
    const rings = dataItems(marks, 'channel_points');
    let channels = 0;
    for (const record of cnn.records) {
      for (const layer of record.layers) {
        const estimate = layer.estimates.find((candidate) => candidate.method === 'mean');
        for (const [index, channel] of (estimate?.perChannel ?? []).entries()) {
          channels++;
          const ring = rings.find((item) => item.datum!['layer'] === layer.name && item.datum!['epoch'] === record.epoch && item.datum!['channel'] === index);
          assert.ok(ring, `${layer.name} channel ${index} at ${record.epoch}`);
          near(ring.x, mean.x + x(channel.ixt), 'channel I(X;T)');
          near(ring.y, mean.y + y(channel.iyt), 'channel I(Y;T)');
        }
      }
    }
    assert.equal(channels, cnn.records.length * 2 * 3, 'conv and pooling layers, 3 channels each');
    assert.equal(rings.length, channels);
    // Every layer has a dot in the mean panel: dense and flatten at their concat values.
    const meanDots = dataItems(marks, 'layer_dots').filter((dot) => dot.datum!['cell'] === 'kde σ²=0.1 · mean');
    assert.equal(meanDots.length, cnn.records.length * cnn.records[0]!.layers.length);
    const last = cnn.records.at(-1)!;
    const dense = last.layers.find((layer) => layer.type === 'dense')!;
    const dot = meanDots.find((item) => item.datum!['layer'] === dense.name && item.datum!['epoch'] === last.epoch)!;
    near(dot.x, mean.x + x(dense.estimates[0]!.ixt.upper), 'dense layer in the mean panel');
    assert.match(figure.caption, /mean method equals by definition/);
  });

  it('leaves out NaN estimates and still draws the rest', async () => {
    const damaged = structuredClone(mlp);
    damaged.records[2]!.layers[1]!.estimates[0]!.ixt.upper = Number.NaN;
    damaged.records[3]!.layers[0]!.estimates[1]!.iyt.lower = Number.NaN;
    const figure = figureById(planeFigures(damaged), 'information-plane');
    assert.doesNotMatch(JSON.stringify(figure.spec), /NaN/);
    const { marks } = await view(figure);
    const dots = dataItems(marks, 'layer_dots');
    assert.equal(dots.length, mlp.records.length * 3 * 2 - 1);
    assert.ok(!dots.some((dot) => dot.datum!['epoch'] === damaged.records[2]!.epoch && dot.datum!['layer'] === 'dense_2' && dot.datum!['cell'] === 'kde σ²=0.1'));
    assert.ok(dots.every((dot) => Number.isFinite(dot.x) && Number.isFinite(dot.y)));
    const mi = await view(figureById(planeFigures(damaged), 'mi-epochs'));
    assert.ok(dataItems(mi.marks, 'ixt_line').every((point) => Number.isFinite(point.y)));
    assert.equal(dataItems(mi.marks, 'ixt_line').length, mlp.records.length * 3 * 2 - 1);
  });

  it('draws a run with a single logged epoch: its dots, and a colour bar of that one epoch', async () => {
    const single: RunData = { ...mlp, records: mlp.records.slice(0, 1) };
    for (const figure of planeFigures(single)) assert.ok((await renderPng(figure.spec)).length > 2000, figure.id);
    const { view: plane, marks } = await view(figureById(planeFigures(single), 'information-plane'));
    assert.equal(dataItems(marks, 'layer_dots').length, 3 * 2);
    assert.deepEqual((plane.scale('stroke') as unknown as { domain(): number[] }).domain(), [0, 0]);
  });

  it('says "no logged epoch yet" for a run without records instead of throwing', async () => {
    const empty: RunData = { ...mlp, records: [] };
    const figures = planeFigures(empty);
    assert.deepEqual(figures.map((figure) => figure.id), ['information-plane', 'mi-epochs']);
    for (const figure of figures) {
      const texts = sceneMarks(await headlessView(figure.spec)).filter((mark) => mark.role === 'mark').flatMap((mark) => mark.items.map((item) => item.text));
      assert.deepEqual(texts, ['no logged epoch yet']);
    }
  });
});

describe('MI against epoch', () => {
  it('draws a line per layer at the upper bound on an epoch + 1 log axis, a KDE band from lower to upper, and the H(X), H(Y) rules', async () => {
    const figure = figureById(planeFigures(mlp), 'mi-epochs');
    const { view: mi, marks } = await view(figure);
    const x = mi.scale('x') as Scale;
    const yIxt = mi.scale('concat_0_y') as Scale;
    const yIyt = mi.scale('concat_1_y') as Scale;
    assert.equal((mi.scale('x') as unknown as { type: string }).type, 'log');
    const { hX, hY } = mlp.config.run.probe;
    for (const [quantity, scale, ceiling, key] of [['ixt', yIxt, hX, 'ixt'], ['iyt', yIyt, hY, 'iyt']] as const) {
      const origins = cellOrigins(marks, quantity === 'ixt' ? 'concat_0_cell' : 'concat_1_cell');
      assert.deepEqual([...origins.keys()], ['kde σ²=0.1', 'bin size 0.5']);
      const bands = dataItems(marks, `${quantity}_band`);
      assert.ok(bands.length > 0 && bands.every((band) => band.datum!['cell'] === 'kde σ²=0.1'), 'bands only for KDE');
      const kde = origins.get('kde σ²=0.1')!;
      for (const record of mlp.records) {
        for (const layer of record.layers) {
          const estimate = layer.estimates.find((candidate) => candidate.estimator === 'kde')!;
          const band = bands.find((item) => item.datum!['layer'] === layer.name && item.datum!['epoch'] === record.epoch)!;
          near(band.x, kde.x + x(record.epoch + 1), 'band at epoch + 1');
          near(band.y, kde.y + scale(estimate[key].lower), 'band from the lower bound');
          near(band.y2, kde.y + scale(estimate[key].upper), 'band to the upper bound');
          const point = dataItems(marks, `${quantity}_line`).find((item) => item.datum!['cell'] === 'kde σ²=0.1' && item.datum!['layer'] === layer.name && item.datum!['epoch'] === record.epoch)!;
          near(point.y, kde.y + scale(estimate[key].upper), 'line at the upper bound');
        }
      }
      const rules = dataItems(marks, `${quantity}_bound_rules`);
      assert.equal(rules.length, 2, 'a ceiling per panel');
      for (const rule of rules) near(rule.y, origins.get(String(rule.datum!['cell']))!.y + scale(ceiling), `${quantity} ceiling`);
      assert.deepEqual(dataItems(marks, `${quantity}_bound_labels`).map((label) => label.text), quantity === 'ixt' ? ['H(X)', 'H(X)'] : ['H(Y)', 'H(Y)']);
    }
    assert.match(figure.caption, /epoch \+ 1 on a log axis/);
  });
});

describe('runs compared', () => {
  it('places each run in its own cell of the panels all runs share, and says which panels were left out', async () => {
    const figures = comparePlaneFigures([mlp, cnn]);
    const plane = figureById(figures, 'compare-information-plane');
    assert.match(plane.caption, /Left out: .*bin size 0\.5 · concat \(only in tiny-mlp\)/);
    assert.match(plane.caption, /Left out: .*kde σ²=0\.1 · mean \(only in tiny-cnn\)/);
    const { view: compared, marks } = await view(plane);
    const origins = cellOrigins(marks, 'cell');
    assert.deepEqual([...origins.keys()], ['tiny-mlp · kde σ²=0.1 · concat', 'tiny-cnn · kde σ²=0.1 · concat']);
    const x = compared.scale('x') as Scale;
    const dots = dataItems(marks, 'layer_dots');
    for (const run of [mlp, cnn]) {
      const cell = `${run.name} · kde σ²=0.1 · concat`;
      const mine = dots.filter((dot) => dot.datum!['cell'] === cell);
      assert.equal(mine.length, run.records.length * run.records[0]!.layers.length);
      const last = run.records.at(-1)!;
      const layer = last.layers[0]!;
      const dot = mine.find((item) => item.datum!['layer'] === layer.name && item.datum!['epoch'] === last.epoch)!;
      near(dot.x, origins.get(cell)!.x + x(layer.estimates.find((e) => e.method === 'concat')!.ixt.upper), `${run.name} dot`);
      // Each cell has its own run's ceiling.
      const ceilings = dataItems(marks, 'xbound_rules').filter((rule) => rule.datum!['cell'] === cell).map((rule) => rule.x! - origins.get(cell)!.x);
      assert.ok(ceilings.some((px) => Math.abs(px - x(run.config.run.probe.hX)) < 0.5), `${run.name} H(X)`);
    }
  });

  it('overlays each run’s last hidden layer against epoch, a colour per run', async () => {
    const twin: RunData = { ...structuredClone(mlp), name: 'tiny-mlp-twin' };
    const figure = figureById(comparePlaneFigures([mlp, twin]), 'compare-mi-epochs');
    const { view: mi, marks } = await view(figure);
    assert.deepEqual((mi.scale('color') as unknown as { domain(): string[] }).domain(), ['tiny-mlp · dense_2', 'tiny-mlp-twin · dense_2']);
    const points = dataItems(marks, 'ixt_line');
    assert.equal(points.length, 2 * 2 * mlp.records.length, 'two runs, two panels, every logged epoch');
    assert.ok(points.every((point) => point.datum!['layer'] === 'dense_2'));
    assert.doesNotMatch(figure.caption, /Left out/);
    assert.equal(dataItems(marks, 'ixt_bound_rules').length, 2, 'one H(X) per panel when the runs share it');
  });

  it('names duplicate run names apart, and says so when no run has an epoch or there is nothing to compare', () => {
    const plane = figureById(comparePlaneFigures([mlp, mlp]), 'compare-information-plane');
    assert.match(plane.caption, /tiny-mlp \(1\) and tiny-mlp \(2\)/);
    const none = comparePlaneFigures([{ ...mlp, records: [] }]);
    assert.deepEqual(none.map((figure) => figure.id), ['compare-information-plane', 'compare-mi-epochs']);
    assert.match(none[0]!.caption, /no run has a logged epoch yet/);
    assert.match(comparePlaneFigures([])[1]!.caption, /no runs to compare/);
    const partial = figureById(comparePlaneFigures([mlp, { ...cnn, records: [] }]), 'compare-mi-epochs');
    assert.match(partial.caption, /Left out: .*runs without estimates \(tiny-cnn\)/);
  });
});

describe('rendering', () => {
  it('renders every figure to PNG (the test directory and /tmp/infoplane-figures/ to look at)', async () => {
    mkdirSync(LOOK, { recursive: true });
    const figures = [
      ...planeFigures(mlp).map((figure) => ['tiny-mlp', figure] as const),
      ...planeFigures(cnn).map((figure) => ['tiny-cnn', figure] as const),
      ...comparePlaneFigures([mlp, cnn]).map((figure) => ['tiny-mlp-vs-cnn', figure] as const),
      ...planeFigures({ ...mlp, records: [] }).map((figure) => ['empty', figure] as const),
    ];
    for (const [run, figure] of figures) {
      const png = await renderPng(figure.spec);
      assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47], `${run} ${figure.id} is a PNG`);
      assert.ok(png.length > 2000, `${run} ${figure.id} has content`);
      writeFileSync(path.join(root, `${run}-${figure.id}.png`), png);
      writeFileSync(path.join(LOOK, `${run}-${figure.id}.png`), png);
    }
  });
});
