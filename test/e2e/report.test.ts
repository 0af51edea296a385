/** `infoplane report`, `compare` and `export` as a user runs them, on real runs and on bad input. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { runFigures } from '../../src/report/figures/index.js';
import { readRun } from '../../src/store/index.js';
import { CNN_CONFIG, MLP_CONFIG, fixtureRunDir } from '../report/fixtures.js';

/** The little of the browser's globals that the function run in the page uses. */
declare const document: { querySelectorAll(selector: string): { length: number } };

const bin = fileURLToPath(new URL('../../../bin/infoplane.js', import.meta.url));
const root = mkdtempSync(path.join(os.tmpdir(), 'infoplane-e2e-report-'));
after(() => rmSync(root, { recursive: true, force: true }));
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

describe('infoplane report, compare, export', () => {
  it('report writes report.html and the figure files into --out and says where', async () => {
    const out = path.join(root, 'report');
    const result = run('report', await fixtureRunDir(MLP_CONFIG), '--out', out, '--quiet');
    assert.equal(result.status, 0, result.stderr);
    const ids = ['information-plane', 'mi-epochs', 'class-clustering', 'gradient-dynamics', 'hypothesis', 'loss-dynamics', 'kde-derivative', 'activation-histograms', 'activation-images'];
    assert.equal(result.stdout, `report written to ${path.join(out, 'report.html')} (and ${2 * ids.length} figure files)\n`);
    for (const id of ids) {
      assert.ok(existsSync(path.join(out, 'figures', `${id}.png`)) && existsSync(path.join(out, 'figures', `${id}.svg`)), id);
    }
  });

  it('report.html opens offline in Chromium and draws every figure, requesting nothing beyond the file', async () => {
    const runDir = await fixtureRunDir(CNN_CONFIG);
    const out = path.join(root, 'offline');
    assert.equal(run('report', runDir, '--out', out, '--quiet', '--no-figures').status, 0);
    const figures = runFigures(readRun(runDir)).length;
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1300, height: 1800 } });
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      await page.route('**', (route) => (route.request().url().startsWith('file:') ? route.continue() : (problems.push(`requested ${route.request().url()}`), route.abort())));
      await page.goto(`file://${path.join(out, 'report.html')}`);
      // Each figure is drawn by vega-embed into its own chart element as an SVG.
      await page.waitForFunction((count) => document.querySelectorAll('.chart svg.marks').length === count, figures, { timeout: 20_000 });
      mkdirSync(path.join(root, 'screenshots'), { recursive: true });
      await page.screenshot({ path: path.join(root, 'screenshots', 'report.png'), fullPage: true });
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
    }
  });

  it('a directory that is not a run is a clear error (exit 1)', () => {
    const result = run('report', root, '--quiet');
    assert.equal(result.status, 1);
    assert.match(result.stderr, /is not a run directory \(no config\.json\): give a directory that infoplane run wrote/);
  });

  it('compare needs two runs; export writes the CSV header and rows of both runs', async () => {
    const dirs = [await fixtureRunDir(MLP_CONFIG), await fixtureRunDir(CNN_CONFIG)];
    const one = run('compare', dirs[0]!, '--out', path.join(root, 'c1'), '--quiet');
    assert.equal(one.status, 1);
    assert.match(one.stderr, /compare needs at least two runs, got 1/);
    const both = run('compare', ...dirs, '--out', path.join(root, 'c2'), '--quiet', '--no-figures');
    assert.equal(both.status, 0, both.stderr);
    const table = run('export', ...dirs);
    assert.equal(table.status, 0, table.stderr);
    const lines = table.stdout.trim().split('\n');
    assert.equal(lines[0], 'run,epoch,layer,estimator,method,source,quantity,bound,value,train_loss,train_accuracy,test_loss,test_accuracy,grad_mean,grad_std,snr,weight_norm');
    assert.deepEqual([...new Set(lines.slice(1).map((line) => line.split(',')[0]))], ['tiny-mlp', 'tiny-cnn']);
    const jsonl = run('export', dirs[1]!, '--format', 'jsonl');
    assert.equal(JSON.parse(jsonl.stdout.split('\n')[0]!).run, 'tiny-cnn');
  });
});
