/**
 * The training-dynamics figures, read back from the rendered scene: every mark sits where the stored
 * numbers put it on the view's own scales (positions = the panel group's origin + scale(value)), and the
 * scales are what the axes claim (log spacing checked against ln ratios computed here).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveConfig } from '../../src/experiment/config.js';
import { runExperiment } from '../../src/experiment/runner.js';
import { compareDynamicsFigures, dynamicsFigures } from '../../src/report/figures/dynamics.js';
import { renderPng } from '../../src/report/render.js';
import { type RunData, readRun } from '../../src/store/index.js';
import { MLP_CONFIG, fixtureRun } from './fixtures.js';
import { type Scene, figureById, items, near, origin, scale, scene } from './scene.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'infoplane-dynamics-figures-'));
after(() => rmSync(root, { recursive: true, force: true }));

let run: RunData;
let fullBatch: RunData;
before(async () => {
  run = await fixtureRun(MLP_CONFIG);
  const out = path.join(root, 'tiny-full');
  await runExperiment({ config: resolveConfig({ ...MLP_CONFIG, name: 'tiny-full', batchSize: 'full', model: { ...MLP_CONFIG.model!, dtype: 'float64' } }), out });
  fullBatch = readRun(out);
});

const allText = (s: Scene) => s.marks.flatMap((mark) => mark.items.map((item) => item.text ?? '')).join(' ');
/** Text without spaces, commas and bullets: titles wrap lines, bullet them, and the scene joins them with commas. */
const squeeze = (text: string) => text.replace(/[\s,•]/g, '');

describe('dynamicsFigures', () => {
  it('gives the five dynamics figures in order, each with a title naming the run', () => {
    const figures = dynamicsFigures(run);
    assert.deepEqual(figures.map((f) => f.id), ['gradient-dynamics', 'hypothesis', 'loss-dynamics', 'kde-derivative', 'activation-histograms']);
    for (const f of figures) assert.ok(f.title.includes('tiny-mlp') && f.caption.length > 40, f.id);
  });

  it('gradient-dynamics: one SNR point per layer per logged epoch ≥ 1 at (log epoch, log SNR), ‖μ‖ and ‖σ‖ points likewise', async () => {
    const s = await scene(figureById(dynamicsFigures(run), 'gradient-dynamics'));
    const layers = run.config.run.layers.map((layer) => layer.name);
    const trained = run.records.filter((record) => record.epoch >= 1);
    const x = scale(s, 'x');
    const snrOrigin = origin(s, 'gradient_snr');
    const snrPoints = items(s, 'gradient_snr_points_marks');
    assert.equal(snrPoints.length, layers.length * trained.length);
    for (const record of trained) {
      for (const layer of record.layers) {
        const kernel = layer.gradient!['kernel']!;
        const point = snrPoints.find((item) => item.datum?.['layer'] === layer.name && item.datum['epoch'] === record.epoch);
        assert.ok(point, `${layer.name} epoch ${record.epoch}`);
        near(point.x, snrOrigin.x + x(record.epoch), `x of ${layer.name} at ${record.epoch}`);
        near(point.y, snrOrigin.y + scale(s, 'gradient_snr_y')(kernel.snr), `y of ${layer.name} at ${record.epoch}`);
      }
    }
    // Log axes: equal ratios are equal distances (x against ln epoch, y against ln SNR).
    const at = (epoch: number) => snrPoints.find((item) => item.datum?.['epoch'] === epoch)!.x! - snrOrigin.x;
    near((at(6) - at(1)) / (at(2) - at(1)), Math.log(6) / Math.log(2), 'x spacing');
    const [a, b] = [snrPoints[0]!, snrPoints[snrPoints.length - 1]!];
    const [c, d] = [snrPoints[1]!, snrPoints[snrPoints.length - 2]!];
    const slope = (p: typeof a, q: typeof a) => (p.y! - q.y!) / Math.log((p.datum!['snr'] as number) / (q.datum!['snr'] as number));
    near(slope(a, b), slope(c, d), 'y is logarithmic', 1e-6);
    const momentOrigin = origin(s, 'gradient_moments');
    const moments = items(s, 'gradient_moments_points_marks');
    assert.equal(moments.length, 2 * layers.length * trained.length);
    const std = moments.find((item) => item.datum?.['quantity'] === 'std ‖σ‖' && item.datum['layer'] === layers[0] && item.datum['epoch'] === 2)!;
    near(std.y, momentOrigin.y + scale(s, 'gradient_moments_y')(run.records.find((r) => r.epoch === 2)!.layers[0]!.gradient!['kernel']!.std), 'std y');
    assert.equal(items(s, 'weight_norms_points_marks').length, 2 * layers.length * trained.length, 'weights and biases per layer per epoch');
  });

  it('gradient-dynamics leaves out what a log axis cannot show: a NaN (null or ∞ in the store) and a 0', async () => {
    const records = run.records.map((record) => (record.epoch !== 2 ? record : {
      ...record,
      layers: record.layers.map((layer, i) => (i !== 0 ? layer : { ...layer, gradient: { ...layer.gradient!, kernel: { ...layer.gradient!['kernel']!, snr: Number.NaN, mean: 0 } } })),
    }));
    const s = await scene(figureById(dynamicsFigures({ ...run, records }), 'gradient-dynamics'));
    const points = run.config.run.layers.length * run.records.filter((record) => record.epoch >= 1).length;
    assert.equal(items(s, 'gradient_snr_points_marks').length, points - 1);
    assert.equal(items(s, 'gradient_moments_points_marks').length, 2 * points - 1);
    for (const mark of s.marks) for (const item of mark.items) for (const value of [item.x, item.y]) assert.ok(value === undefined || Number.isFinite(value), `${mark.name}`);
  });

  it('hypothesis: loss, SNR and I(X;T) share one x scale; the kink rule sits at the summary\'s kink epoch; results are written out', async () => {
    const summary = run.summary!;
    const s = await scene(figureById(dynamicsFigures(run), 'hypothesis'));
    const x = scale(s, 'x');
    const kinkEpoch = summary.lossKink.detected ? summary.lossKink.epoch! : summary.lossKink.candidateEpoch!;
    const [rule] = items(s, 'hypothesis_loss_event_rules_marks');
    assert.ok(rule);
    near(rule.x, origin(s, 'hypothesis_loss').x + x(kinkEpoch), 'kink rule');
    assert.equal(rule.datum!['detected'], summary.lossKink.detected);
    assert.equal(rule.datum!['pValue'], summary.lossKink.pValue);
    // One axis: the same epoch lands at the same x in all three panels (epoch 0 at the left edge: log(1 + epoch)).
    for (const epoch of [0, 1, 3, 6]) {
      const xs = ['hypothesis_loss', 'hypothesis_snr', 'hypothesis_information']
        .flatMap((panel) => items(s, `${panel}_points_marks`).filter((item) => item.datum?.['epoch'] === epoch).map((item) => item.x! - origin(s, panel).x));
      assert.ok(xs.length >= (epoch === 0 ? 4 : 7), `epoch ${epoch}: ${xs.length} points`);
      for (const value of xs) near(value, x(epoch), `epoch ${epoch}`);
    }
    near(x(0), 0, 'epoch 0');
    near((x(6) - x(0)) / (x(2) - x(0)), Math.log(7) / Math.log(3), 'log(1 + epoch) spacing');
    const information = items(s, 'hypothesis_information_points_marks');
    const ixt = run.records[3]!.layers[1]!.estimates.find((e) => e.estimator === 'kde' && e.method === 'concat')!.ixt.upper;
    near(information.find((item) => item.datum?.['layer'] === 'dense_2' && item.datum['epoch'] === 3)!.y, origin(s, 'hypothesis_information').y + scale(s, 'hypothesis_information_y')(ixt), 'I(X;T) y');
    const text = squeeze(allText(s));
    assert.ok(text.includes(squeeze(summary.lossKink.reason)));
    for (const layer of summary.layers) {
      assert.ok(text.includes(squeeze(`${layer.layer} — ${layer.snrDrop.reason}`)), layer.snrDrop.reason);
      assert.ok(text.includes(squeeze(`${layer.layer} — ${layer.compression.reason}`)), layer.compression.reason);
    }
    // Each layer's SNR drop or its candidate is marked at its epoch, detected or not.
    const drops = items(s, 'hypothesis_snr_event_rules_marks');
    for (const layer of summary.layers) {
      const epoch = layer.snrDrop.detected ? layer.snrDrop.epoch : layer.snrDrop.candidateEpoch;
      const marker = drops.find((item) => item.datum?.['layer'] === layer.layer);
      near(marker?.x, origin(s, 'hypothesis_snr').x + x(epoch!), `${layer.layer} SNR event`);
      assert.equal(marker!.datum!['detected'], layer.snrDrop.detected);
    }
  });

  it('hypothesis of a running run (no summary): the series, no events, and "summary not yet written"', async () => {
    const s = await scene(figureById(dynamicsFigures({ ...run, summary: undefined }), 'hypothesis'));
    assert.ok(allText(s).includes('summary not yet written'));
    assert.equal(items(s, 'hypothesis_loss_event_rules_marks').length, 0);
    assert.equal(items(s, 'hypothesis_loss_points_marks').length, run.records.length);
  });

  it('loss-dynamics: y = x passes through equal values on every scatter; points at (predicted, measured)', async () => {
    const s = await scene(figureById(dynamicsFigures(run), 'loss-dynamics'));
    for (const panel of ['loss_epoch', 'loss_step', 'loss_layers']) {
      const o = origin(s, panel);
      const [x, y] = [scale(s, `${panel}_x`), scale(s, `${panel}_y`)];
      const line = items(s, `${panel}_identity_marks`);
      assert.equal(line.length, 2, panel);
      for (const item of line) {
        const value = item.datum!['value'] as number;
        near(item.x, o.x + x(value), `${panel} identity x`);
        near(item.y, o.y + y(value), `${panel} identity y`);
      }
      // The segment is the square's diagonal, so every (v, v) between its ends lies on it.
      const [first, last] = line as [typeof line[0], typeof line[0]];
      const mid = ((first.datum!['value'] as number) * 0.3) + ((last.datum!['value'] as number) * 0.7);
      near((x(mid) - x(first.datum!['value'])) / (x(last.datum!['value']) - x(first.datum!['value'])), (y(mid) - y(first.datum!['value'])) / (y(last.datum!['value']) - y(first.datum!['value'])), `${panel} diagonal`);
    }
    const epochs = run.records.filter((record) => record.lossDynamics);
    const points = items(s, 'loss_epoch_points_marks');
    assert.equal(points.length, 2 * epochs.length, 'μ·Δθ/steps and −α‖μ‖² (plain SGD) per logged epoch');
    const o = origin(s, 'loss_epoch');
    for (const record of epochs) {
      const point = points.find((item) => item.datum?.['epoch'] === record.epoch && item.datum['prediction'] === '−α‖μ‖²')!;
      near(point.x, o.x + scale(s, 'loss_epoch_x')(record.lossDynamics!.predictedSgd), `predicted at ${record.epoch}`);
      near(point.y, o.y + scale(s, 'loss_epoch_y')(record.lossDynamics!.measuredPerStep), `measured at ${record.epoch}`);
    }
    const checks = epochs.flatMap((record) => record.lossDynamics!.checks);
    assert.equal(items(s, 'loss_step_points_marks').length, 2 * checks.length);
    assert.equal(items(s, 'loss_remainder_marks').length, 2 * checks.length);
  });

  it('loss-dynamics of a full-batch float64 run: Gˡ measured against the recursion, one point per layer per step check, near y = x', async () => {
    const s = await scene(figureById(dynamicsFigures(fullBatch), 'loss-dynamics'));
    const checks = fullBatch.records.flatMap((record) => (record.lossDynamics?.checks ?? []).map((check) => ({ epoch: record.epoch, check })));
    const layers = fullBatch.config.run.layers.length;
    assert.ok(checks.length >= 6);
    const points = items(s, 'loss_layers_points_marks');
    assert.equal(points.length, layers * checks.length);
    const o = origin(s, 'loss_layers');
    const [x, y] = [scale(s, 'loss_layers_x'), scale(s, 'loss_layers_y')];
    for (const { epoch, check } of checks) {
      for (const term of check.layers) {
        const point = points.find((item) => item.datum?.['epoch'] === epoch && item.datum['layer'] === term.layer)!;
        near(point.x, o.x + x(term.recursion), `${term.layer} recursion`);
        near(point.y, o.y + y(term.measured), `${term.layer} measured`);
        // x and y share one domain, so a point is on y = x when its measured value maps where its recursion does:
        // first order meets the measured Gˡ of a float64 full-batch step to within a pixel.
        assert.ok(Math.abs(x(term.measured) - x(term.recursion)) < 1, `${term.layer} at epoch ${epoch}: ${term.measured} vs ${term.recursion}`);
      }
    }
  });

  it('a full-batch run has no SNR (σ = 0): its SNR panels are left out and the titles say why', async () => {
    for (const id of ['gradient-dynamics', 'hypothesis']) {
      const s = await scene(figureById(dynamicsFigures(fullBatch), id));
      assert.ok(allText(s).includes('full-batch gradients have no spread'), id);
      assert.equal(s.marks.filter((mark) => mark.name?.includes('snr')).length, 0, id);
    }
    const hypothesis = await scene(figureById(dynamicsFigures(fullBatch), 'hypothesis'));
    assert.equal(items(hypothesis, 'hypothesis_information_points_marks').length, 3 * fullBatch.records.length);
  });

  it('loss-dynamics without loss dynamics says so in its text', async () => {
    const records = run.records.map((record) => ({ ...record, lossDynamics: null }));
    const s = await scene(figureById(dynamicsFigures({ ...run, records }), 'loss-dynamics'));
    assert.ok(allText(s).includes('no loss dynamics recorded'));
  });

  it('kde-derivative: rate and kernel-weighted sum per layer per epoch ≥ 1, the share of compressing terms at its value', async () => {
    const s = await scene(figureById(dynamicsFigures(run), 'kde-derivative'));
    const withDerivative = run.records.filter((record) => record.epoch >= 1 && record.layers.every((layer) => layer.kdeDerivative));
    assert.equal(items(s, 'kde_rate_points_marks').length, 2 * 3 * withDerivative.length);
    const shares = items(s, 'kde_share_points_marks');
    assert.equal(shares.length, 3 * withDerivative.length);
    const o = origin(s, 'kde_share');
    for (const record of withDerivative) {
      for (const layer of record.layers) {
        const point = shares.find((item) => item.datum?.['epoch'] === record.epoch && item.datum['layer'] === layer.name)!;
        near(point.y, o.y + scale(s, 'kde_share_y')(layer.kdeDerivative!.compressingTerms / layer.kdeDerivative!.totalTerms), `${layer.name} share`);
        near(point.x, o.x + scale(s, 'x')(record.epoch), `${layer.name} epoch`);
      }
    }
    const rate = items(s, 'kde_rate_points_marks').find((item) => item.datum?.['estimate'] === 'finite difference' && item.datum['epoch'] === 2 && item.datum['layer'] === 'dense_1')!;
    const stored = run.records.find((record) => record.epoch === 2)!.layers[0]!.kdeDerivative!;
    near(rate.datum!['rate'] as number, (stored.fNow - stored.fBefore) / 1, 'rate = (fNow − fBefore)/epochs', 1e-9);
    near(rate.y, origin(s, 'kde_rate').y + scale(s, 'kde_rate_y')(stored.rate), 'rate y');
  });

  it('activation-histograms: one rect per layer per epoch per bin, from the bin\'s lower to its upper edge, the stored count', async () => {
    const s = await scene(figureById(dynamicsFigures(run), 'activation-histograms'));
    const layers = run.config.run.layers.map((layer) => layer.name);
    layers.forEach((name, index) => {
      const rects = items(s, `histogram_${index}_marks`);
      const bins = run.records[0]!.layers[index]!.histogram.counts.length;
      assert.equal(rects.length, run.records.length * bins, name);
      const o = origin(s, `histogram_${index}`);
      const y = scale(s, `histogram_${index}_y`);
      for (const record of run.records) {
        const { min, max, counts } = record.layers[index]!.histogram;
        const column = rects.filter((item) => item.datum?.['epoch'] === record.epoch);
        assert.equal(column.length, bins);
        for (const rect of column) {
          const bin = rect.datum!['bin'] as number;
          // The rect spans its bin's edges (vega orders y, y2 top to bottom: the upper edge first).
          const [top, bottom] = [Math.min(rect.y!, rect.y2!), Math.max(rect.y!, rect.y2!)];
          near(bottom, o.y + y(min + ((bin - 1) * (max - min)) / bins), `${name} epoch ${record.epoch} bin ${bin} lower edge`);
          near(top, o.y + y(min + (bin * (max - min)) / bins), `${name} epoch ${record.epoch} bin ${bin} upper edge`);
          assert.equal(rect.datum!['count'], counts[bin - 1]);
          if (counts[bin - 1] === 0) assert.equal(rect.fill, 'white');
        }
        // One column per logged epoch: the same x for all of its bins.
        assert.equal(new Set(column.map((rect) => rect.x)).size, 1);
      }
    });
  });

  it('a run with no logged epoch: every figure is a text mark saying so', async () => {
    for (const f of dynamicsFigures({ ...run, records: [], summary: undefined })) {
      const s = await scene(f);
      assert.ok(allText(s).includes('no logged epoch yet'), f.id);
    }
  });
});

describe('compareDynamicsFigures', () => {
  it('compare-training: one line per run per split, in both panels; compare-snr: one line per run with an SNR per layer', async () => {
    const figures = compareDynamicsFigures([run, fullBatch]);
    assert.deepEqual(figures.map((f) => f.id), ['compare-training', 'compare-snr']);
    const training = await scene(figureById(figures, 'compare-training'));
    for (const panel of ['compare_loss', 'compare_accuracy']) {
      const lines = training.marks.filter((mark) => mark.name === `${panel}_lines_marks`);
      assert.deepEqual(lines.map((line) => `${line.items[0]!.datum!['run']}/${line.items[0]!.datum!['split']}`).sort(),
        ['tiny-full/test', 'tiny-full/training', 'tiny-mlp/test', 'tiny-mlp/training'], panel);
      for (const line of lines) assert.equal(line.items.length, line.items[0]!.datum!['run'] === 'tiny-mlp' ? run.records.length : fullBatch.records.length);
    }
    const loss = items(training, 'compare_loss_points_marks').find((item) => item.datum?.['run'] === 'tiny-full' && item.datum['split'] === 'training' && item.datum['epoch'] === 4)!;
    near(loss.y, origin(training, 'compare_loss').y + scale(training, 'compare_loss_y')(fullBatch.records[4]!.train.loss), 'loss y');
    // Full-batch gradients have no spread (SNR ∞, stored as null): only minibatch runs have SNR lines.
    const snr = await scene(figureById(compareDynamicsFigures([run, { ...run, name: 'tiny-mlp-again' }, fullBatch]), 'compare-snr'));
    for (const index of [0, 1, 2]) {
      const lines = snr.marks.filter((mark) => mark.name === `compare_snr_${index}_lines_marks`);
      assert.deepEqual(lines.map((line) => line.items[0]!.datum!['run']).sort(), ['tiny-mlp', 'tiny-mlp-again']);
      for (const line of lines) assert.equal(line.items.length, run.records.length - 1, 'epochs ≥ 1');
    }
  });

  it('tells runs of one name apart, and says when there is nothing to compare', async () => {
    const training = await scene(figureById(compareDynamicsFigures([run, run]), 'compare-training'));
    const runs = new Set(training.marks.filter((mark) => mark.name === 'compare_loss_lines_marks').map((line) => line.items[0]!.datum!['run']));
    assert.deepEqual([...runs].sort(), ['tiny-mlp (1)', 'tiny-mlp (2)']);
    for (const f of compareDynamicsFigures([])) assert.ok(allText(await scene(f)).includes('no runs to compare'), f.id);
  });
});

describe('rendering the dynamics figures', () => {
  it('renders every figure to PNG (here and once into /tmp/infoplane-figures/)', async () => {
    const shared = '/tmp/infoplane-figures';
    mkdirSync(shared, { recursive: true });
    const all = [
      ...dynamicsFigures(run).map((f) => ({ name: `${run.name}-${f.id}`, f })),
      ...dynamicsFigures(fullBatch).map((f) => ({ name: `${fullBatch.name}-${f.id}`, f })),
      ...compareDynamicsFigures([run, fullBatch]).map((f) => ({ name: f.id, f })),
      { name: `${run.name}-empty-${dynamicsFigures({ ...run, records: [] })[0]!.id}`, f: dynamicsFigures({ ...run, records: [] })[0]! },
    ];
    for (const { name, f } of all) {
      const png = await renderPng(f.spec);
      assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], name);
      assert.ok(png.length > 5000, `${name}: ${png.length} bytes`);
      writeFileSync(path.join(root, `${name}.png`), png);
      writeFileSync(path.join(shared, `dynamics-${name}.png`), png);
    }
  });
});
