/**
 * The sweep's figures read back from their scenegraph: a mean dot per setting, panel, layer and logged
 * epoch at the mean across seeds computed here from the trials' records, interval bars ending at the t
 * interval, a faint line per drawn seed and layer; and the sweep report written from the directory.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { headlessView, renderPng, sceneMarks } from '../../src/report/render.js';
import { sweepFigures, sweepPlaneFigure } from '../../src/report/figures/sweep.js';
import { readSweepData } from '../../src/report/sweep-report.js';
import { writeReport } from '../../src/report/report.js';
import { prepareSweep, sweepSpecSchema } from '../../src/sweep/spec.js';
import { runTrial } from '../../src/sweep/trial.js';
import { readRun } from '../../src/store/index.js';
import { tinyConfig } from '../experiment/fixtures.js';
import { cellOrigins, dataItems } from './scene.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'infoplane-sweep-report-'));
after(() => rmSync(root, { recursive: true, force: true }));
const dir = path.join(root, 'sweep');

before(async () => {
  const sweep = prepareSweep(sweepSpecSchema.parse({
    name: 'figs',
    base: { ...tinyConfig, epochs: 3, estimators: [{ name: 'kde', noiseVariance: 0.1 }, { name: 'bin', binsize: 0.5 }], dynamics: { kdeDerivativeSamples: 0 } },
    grid: { 'model.activation': ['tanh', 'relu'] },
    seeds: 2,
  }), dir);
  for (const trial of sweep.trials) await runTrial(dir, trial);
});


describe('sweep figures', () => {
  it('draws a mean dot per setting, panel, layer and logged epoch at the mean of the seeds’ estimates, with bars ending at the t interval', async () => {
    const data = readSweepData(dir);
    const view = await headlessView(sweepPlaneFigure(data).spec);
    const marks = sceneMarks(view);
    const x = view.scale('x') as (value: number) => number;
    const y = view.scale('y') as (value: number) => number;
    const origins = cellOrigins(marks, 'cell');
    assert.deepEqual([...origins.keys()].sort(), ['activation=relu · bin size 0.5', 'activation=relu · kde σ²=0.1', 'activation=tanh · bin size 0.5', 'activation=tanh · kde σ²=0.1']);
    const dots = dataItems(marks, 'mean_dots');
    assert.equal(dots.length, 2 * 2 * 3 * 4, 'settings × panels × layers × epochs');
    const t975 = 12.706204736174705; // two seeds: t(0.975, 1)
    for (const [setting, label] of [[0, 'activation=tanh'], [1, 'activation=relu']] as const) {
      const runs = data.sweep.trials.filter((trial) => trial.setting === setting).map((trial) => readRun(path.join(dir, trial.dir)));
      for (const epoch of [0, 3]) {
        const values = runs.map((run) => run.records.find((record) => record.epoch === epoch)!.layers[1]!.estimates[0]!);
        const ixt = values.map((estimate) => estimate.ixt.upper);
        const iyt = values.map((estimate) => estimate.iyt.upper);
        const mean = (v: number[]) => (v[0]! + v[1]!) / 2;
        const cell = `${label} · kde σ²=0.1`;
        const origin = origins.get(cell)!;
        const layer = runs[0]!.records[0]!.layers[1]!.name;
        const dot = dots.filter((item) => item.datum!['cell'] === cell && item.datum!['layer'] === layer && item.datum!['epoch'] === epoch);
        assert.equal(dot.length, 1);
        assert.ok(Math.abs(dot[0]!.x! - (origin.x + x(mean(ixt)))) < 0.5 && Math.abs(dot[0]!.y! - (origin.y + y(mean(iyt)))) < 0.5, `${cell} ${layer} epoch ${epoch}`);
        // The bar of I(X;T) spans mean ± t·s/√2, with s = |a − b|/√2.
        const half = (t975 * (Math.abs(ixt[0]! - ixt[1]!) / Math.SQRT2)) / Math.SQRT2;
        const bar = dataItems(marks, 'ixt_interval').find((item) => item.datum!['cell'] === cell && item.datum!['layer'] === layer && item.datum!['epoch'] === epoch);
        assert.ok(bar, `a bar at epoch ${epoch} (the first and last logged epochs carry bars)`);
        assert.ok(Math.abs(bar.x! - (origin.x + x(mean(ixt) - half))) < 0.5 && Math.abs(bar.x2! - (origin.x + x(mean(ixt) + half))) < 0.5);
      }
    }
    // A faint line per drawn seed and layer in each cell.
    const seedLines = marks.filter((mark) => mark.role === 'mark' && mark.name === 'seed_lines_marks');
    assert.equal(seedLines.length, 4 * 2 * 3, 'cells × seeds × layers');
  });

  it('writes the sweep report from the directory: report.html with every sweep figure as SVG and PNG, and who was averaged', async () => {
    const outcome = await writeReport(dir);
    const html = readFileSync(outcome.html, 'utf8');
    for (const figure of sweepFigures(readSweepData(dir))) {
      assert.ok(html.includes(`id="${figure.id}"`), figure.id);
      assert.ok(existsSync(path.join(dir, 'figures', `${figure.id}.png`)));
    }
    assert.match(html, /Sweep figs/);
    assert.match(html, /2 settings × 2 seeds = 4 trials \(4 finished\)/);
    for (const figure of outcome.figures) assert.ok((await renderPng(figure.spec)).length > 1000, figure.id);
  });
});
