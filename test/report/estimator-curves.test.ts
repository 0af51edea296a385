/** The calibration and convergence figures and the CLI's --plot. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeNpy } from '../../src/data/npy.js';
import type { Calibration } from '../../src/info/index.js';
import { calibrationFigure, convergenceFigure } from '../../src/report/figures/estimator-curves.js';
import { headlessView, sceneMarks } from '../../src/report/render.js';
import { pseudoRandom } from '../helpers.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'infoplane-curves-'));
after(() => rmSync(root, { recursive: true, force: true }));
const bin = fileURLToPath(new URL('../../../bin/infoplane.js', import.meta.url));

const calibration: Calibration = {
  labelEntropy: 1,
  criterion: 'midpoint',
  noiseVariance: 0.1,
  points: [0.01, 0.1, 1].map((noiseVariance, i) => ({ noiseVariance, iyt: { lower: 0.9 - 0.3 * i, upper: 1 - 0.1 * i }, estimate: 0, gap: 0, matches: i < 2 })),
};

describe('estimator curves', () => {
  it('calibration: a point per σ² and bound, the H(Y) rule and the chosen σ² at their scale positions', async () => {
    const view = await headlessView(calibrationFigure(calibration).spec);
    const marks = sceneMarks(view).filter((mark) => mark.role === 'mark');
    const points = marks.filter((mark) => mark.marktype === 'symbol').flatMap((mark) => mark.items);
    assert.equal(points.length, 6);
    const rules = marks.filter((mark) => mark.marktype === 'rule').flatMap((mark) => mark.items);
    const x = view.scale('x') as (value: number) => number;
    const y = view.scale('y') as (value: number) => number;
    // A horizontal rule has y and x..x2, a vertical one x and y..y2.
    assert.ok(rules.some((rule) => rule.y2 === undefined && Math.abs(rule.y! - y(1)) < 0.5), 'H(Y) = 1 bit');
    assert.ok(rules.some((rule) => rule.x2 === undefined && Math.abs(rule.x! - x(0.1)) < 0.5), 'the chosen σ² = 0.1');
    for (const point of points) assert.ok([0.01, 0.1, 1].some((s) => Math.abs(point.x! - x(s)) < 0.5));
  });

  it('convergence: both bounds of both quantities per size, the stable size ruled', async () => {
    const figure = convergenceFigure({
      tolerance: 0.1,
      stableFrom: 100,
      points: [50, 100, 200].map((samples) => ({ samples, estimate: { ixt: { lower: 1, upper: 2 }, iyt: { lower: 0.5, upper: 0.6 }, ht: { lower: 1, upper: 2 }, parameters: {} } })),
    });
    const marks = sceneMarks(await headlessView(figure.spec)).filter((mark) => mark.role === 'mark');
    assert.equal(marks.filter((mark) => mark.marktype === 'symbol').flatMap((mark) => mark.items).length, 3 * 2 * 2);
    assert.equal(marks.filter((mark) => mark.marktype === 'rule').flatMap((mark) => mark.items).length, 2, 'one rule per panel');
  });

  it('infoplane calibrate --plot and convergence --plot write the PNG and the SVG', () => {
    const n = 120;
    const labels = Array.from({ length: n }, (_, i) => i % 2);
    const noise = pseudoRandom(n * 3, 4);
    writeNpy(path.join(root, 't.npy'), new Float32Array(noise.map((v, i) => v + 3 * labels[Math.floor(i / 3)]!)), [n, 3]);
    writeNpy(path.join(root, 'y.npy'), new Int32Array(labels), [n]);
    const args = ['--activations', path.join(root, 't.npy'), '--labels', path.join(root, 'y.npy'), '--quiet'];
    const calibrate = spawnSync(process.execPath, [bin, 'calibrate', ...args, '--steps', '6', '--plot', path.join(root, 'c.png')], { encoding: 'utf8' });
    assert.equal(calibrate.status, 0, calibrate.stderr);
    assert.deepEqual([...readFileSync(path.join(root, 'c.png')).subarray(1, 4)], [0x50, 0x4e, 0x47]);
    const curve = spawnSync(process.execPath, [bin, 'convergence', ...args, '--sizes', '30,60,120', '--plot', path.join(root, 'v.svg')], { encoding: 'utf8' });
    assert.equal(curve.status, 0, curve.stderr);
    assert.match(readFileSync(path.join(root, 'v.svg'), 'utf8'), /^<svg/);
    const bad = spawnSync(process.execPath, [bin, 'calibrate', ...args, '--steps', '3', '--plot', path.join(root, 'c.jpg')], { encoding: 'utf8' });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /c\.jpg: a figure is written as \.svg or \.png, not "\.jpg"/);
  });
});
