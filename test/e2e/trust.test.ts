/**
 * Estimator trust end to end through the CLI: a directory of activations from "another framework"
 * imported, re-estimated under a σ² grid and drawn (settings planes and the sensitivity view), its errors;
 * `infoplane mi` on an NPZ of layers with validity flags.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeNpy } from '../../src/data/npy.js';
import { writeNpz } from '../../src/data/npz.js';
import { binEstimator, kdeEstimator } from '../../src/info/index.js';
import { lateTrend, planeSettings, sensitivityFigures, sensitivityRows } from '../../src/report/figures/sensitivity.js';
import { readRun } from '../../src/store/index.js';
import { tensor, tidy } from '../../src/tensor/index.js';
import { assertClose, pseudoRandom } from '../helpers.js';
import { run } from './cli-process.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'infoplane-trust-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// "Another framework's" export: 200 probe samples of 3 classes, two layers (names that sort wrongly:
// layer10 comes after layer2 in the network), at epochs 0, 1, 3, 10 and 30 (unpadded names).
const n = 200;
const labels = pseudoRandom(n, 5).map((v) => (v > 0.33 ? 2 : v > -0.33 ? 1 : 0));
const epochs = [0, 1, 3, 10, 30];
const layerValues = (epoch: number, width: number, seed: number): number[] => pseudoRandom(n * width, seed + epoch)
  .map((v, i) => Math.tanh((1 + epoch / 10) * (v + labels[Math.floor(i / width)]!)));
const exported = path.join(dir, 'export');
for (const epoch of epochs) {
  mkdirSync(path.join(exported, `epoch-${epoch}`), { recursive: true });
  writeNpy(path.join(exported, `epoch-${epoch}`, 'layer2.npy'), tensor(layerValues(epoch, 5, 100), [n, 5], { dtype: 'float32' }));
  writeNpy(path.join(exported, `epoch-${epoch}`, 'layer10.npy'), tensor(layerValues(epoch, 3, 200), [n, 3], { dtype: 'float32' }));
}
writeNpy(path.join(exported, 'labels.npy'), tensor(labels, [n], { dtype: 'int32' }));

describe('infoplane import', () => {
  it('makes a run of the export whose plane equals the estimators applied here, layers in natural order, then re-estimates and draws it', () => {
    const out = path.join(dir, 'imported');
    const result = run('import', exported, '--out', out, '--framework', 'numpy', '--quiet');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /imported 5 epochs × 2 layers \(layer2, layer10\)/);
    const data = readRun(out);
    assert.equal(data.status?.state, 'finished');
    assert.deepEqual(data.config.config.dataset, { name: 'imported', from: path.resolve(exported), framework: 'numpy' });
    assert.deepEqual(data.records.map((r) => r.epoch), epochs);
    const labelTensor = tensor(labels, undefined, { dtype: 'int64' });
    for (const record of data.records) {
      for (const [name, width, seed] of [['layer2', 5, 100], ['layer10', 3, 200]] as const) {
        const layer = record.layers.find((l) => l.name === name)!;
        const activations = tensor(layerValues(record.epoch, width, seed), [n, width], { dtype: 'float32' });
        const kde = tidy(() => kdeEstimator({ noiseVariance: 0.1 }).estimate({ activations, labels: labelTensor, numClasses: 3 }));
        const binned = tidy(() => binEstimator({ binsize: 0.5 }).estimate({ activations, labels: labelTensor, numClasses: 3 }));
        assert.deepEqual([layer.estimates[0]!.ixt, layer.estimates[0]!.iyt], [kde.ixt, kde.iyt]);
        assert.deepEqual([layer.estimates[1]!.ixt, layer.estimates[1]!.iyt], [binned.ixt, binned.iyt]);
      }
      assert.deepEqual(record.layers.map((l) => l.name), ['layer2', 'layer10']);
    }
    const grid = run('reestimate', out, '--estimator', 'kde', '--noise-variance', '1e-3,1e-2,1', '--quiet');
    assert.equal(grid.status, 0, grid.stderr);
    assert.match(grid.stdout, /kde_noiseVariance-0\.001_precision-float64 {2}\(5 epochs estimated/);
    const withGrid = readRun(out);
    assert.deepEqual(planeSettings(withGrid).map((s) => `${s.label} ${s.source}`), [
      'kde σ²=0.001 re-estimated', 'kde σ²=0.01 re-estimated', 'kde σ²=0.1 recorded', 'kde σ²=1 re-estimated', 'bin size 0.5 recorded',
    ]);
    // The sensitivity rows hold each setting's last-epoch numbers as stored.
    for (const row of sensitivityRows(withGrid)) {
      const setting = planeSettings(withGrid).find((s) => s.label === row.setting)!;
      const estimate = setting.records.at(-1)!.layers.find((l) => l.name === row.layer)!.estimates[0]!;
      assert.deepEqual([row.epoch, row.ixtUpper, row.iytLower], [30, estimate.ixt.upper, estimate.iyt.lower]);
    }
    assert.deepEqual(sensitivityFigures(withGrid).map((f) => f.id), ['settings-information-plane', 'sensitivity']);
    const report = run('report', out, '--quiet');
    assert.equal(report.status, 0, report.stderr);
    for (const file of ['settings-information-plane.png', 'sensitivity.png']) assert.ok(existsSync(path.join(out, 'figures', file)), file);
    const html = readFileSync(path.join(out, 'report.html'), 'utf8');
    assert.match(html, /imported from .*export \(written by numpy\)/);
    assert.match(html, /<h2>Sensitivity to the estimator<\/h2>/);
    assert.match(html, /<h2>Validity flags<\/h2>/);
    // An imported run cannot be trained.
    const resume = run('run', '--resume', out);
    assert.equal(resume.status, 1);
    assert.match(resume.stderr, /this run was imported from .*: its network was trained elsewhere, so it cannot be trained or resumed here/);
  });

  it('refuses an export with a layer missing from an epoch, rows that do not match the labels, or no labels, naming the file', () => {
    const broken = path.join(dir, 'broken');
    mkdirSync(path.join(broken, 'epoch-0'), { recursive: true });
    mkdirSync(path.join(broken, 'epoch-5'), { recursive: true });
    writeNpy(path.join(broken, 'epoch-0', 'a.npy'), tensor(layerValues(0, 2, 1), [n, 2], { dtype: 'float32' }));
    writeNpy(path.join(broken, 'epoch-0', 'b.npy'), tensor(layerValues(0, 2, 2), [n, 2], { dtype: 'float32' }));
    writeNpy(path.join(broken, 'epoch-5', 'a.npy'), tensor(layerValues(5, 2, 1), [n, 2], { dtype: 'float32' }));
    const noLabels = run('import', broken, '--out', path.join(dir, 'x1'), '--quiet');
    assert.equal(noLabels.status, 1);
    assert.match(noLabels.stderr, /has no labels\.npy: save the N probe labels there/);
    writeNpy(path.join(broken, 'labels.npy'), tensor(labels, [n], { dtype: 'int32' }));
    const missing = run('import', broken, '--out', path.join(dir, 'x2'), '--quiet');
    assert.match(missing.stderr, /epoch-5 lacks b\.npy: every epoch needs every layer/);
    writeNpy(path.join(broken, 'epoch-5', 'b.npy'), tensor(layerValues(5, 2, 2).slice(0, 2 * (n - 1)), [n - 1, 2], { dtype: 'float32' }));
    const rows = run('import', broken, '--out', path.join(dir, 'x3'), '--quiet');
    assert.match(rows.stderr, /epoch-5\/b\.npy: 199 rows but labels\.npy has 200: one row per probe sample/);
    assert.equal(existsSync(path.join(dir, 'x3')), false, 'nothing written for a refused export');
  });
});

describe('the late-training trend', () => {
  it('is the least-squares change against log(epoch + 1) over the second half of the log axis, signed beyond the threshold', () => {
    // bits = 5 − 0.5·log(e + 1) exactly: the fitted change over epochs 3…99 of 99 is −0.5·(log 100 − log 4).
    const points = [0, 1, 3, 9, 20, 50, 99].map((epoch) => ({ epoch, bits: 5 - 0.5 * Math.log(epoch + 1) }));
    const trend = lateTrend(points);
    assert.equal(trend.from, 9);
    assert.equal(trend.points, 4);
    assertClose([trend.changeBits], [-0.5 * (Math.log(100) - Math.log(10))], 1e-12);
    assert.equal(trend.sign, -1);
    assert.equal(trend.thresholdBits, 0.01);
    assert.equal(lateTrend(points.map((p) => ({ ...p, bits: 2 + 1e-4 * p.epoch }))).sign, 0);
    assert.ok(Number.isNaN(lateTrend(points.slice(0, 2)).sign), 'two points: no trend');
  });
});

describe('infoplane mi on an NPZ of layers', () => {
  it('estimates every layer in the archive order, with the data-processing and saturation flags', () => {
    const file = path.join(dir, 'layers.npz');
    const wide = Array.from({ length: n * 2 }, (_, i) => i * 10 + 0.5);
    const narrow = labels.map((label) => label + 0.25);
    const npy = (values: number[], shape: number[]) => ({ data: new Float32Array(values), shape, dtype: 'float32' as const });
    // "first": every sample its own bin (saturated, 7.64 bits); "second": three bins, fewer bits.
    writeNpz(file, new Map([['first', npy(wide, [n, 2])], ['second', npy(narrow, [n, 1])]]));
    const labelFile = path.join(dir, 'labels.npy');
    writeNpy(labelFile, tensor(labels, [n], { dtype: 'int32' }));
    const result = run('mi', '--activations', file, '--labels', labelFile, '--estimator', 'bin', '--binsize', '1', '--json');
    assert.equal(result.status, 0, result.stderr);
    const output = JSON.parse(result.stdout) as { layers: { name: string; estimates: { ixt: { upper: number }; flags?: { code: string }[] }[] }[] };
    assert.deepEqual(output.layers.map((l) => l.name), ['first', 'second']);
    assertClose([output.layers[0]!.estimates[0]!.ixt.upper], [Math.log2(n)], 1e-12);
    assert.deepEqual(output.layers[0]!.estimates[0]!.flags?.map((f) => f.code), ['binning-saturated']);
    const text = run('mi', '--activations', file, '--labels', labelFile, '--estimator', 'bin', '--binsize', '1');
    assert.match(text.stdout, /first \[2\]: bin, concat method[\s\S]*⚑ binning-saturated[\s\S]*second \[1\]: bin/);
    // Reversed order: the saturated layer after the coarse one breaks the data-processing inequality.
    writeNpz(file, new Map([['second', npy(narrow, [n, 1])], ['first', npy(wide, [n, 2])]]));
    const reversed = JSON.parse(run('mi', '--activations', file, '--labels', labelFile, '--estimator', 'bin', '--binsize', '1', '--json').stdout) as typeof output;
    assert.deepEqual(reversed.layers[1]!.estimates[0]!.flags?.map((f) => f.code).sort(), ['binning-saturated', 'dpi-violated']);
    writeFileSync(path.join(dir, 'empty.npz'), Buffer.alloc(0));
    const bad = run('mi', '--activations', path.join(dir, 'empty.npz'), '--labels', labelFile);
    assert.equal(bad.status, 1);
  });
});
