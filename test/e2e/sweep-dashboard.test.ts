/**
 * Sweeps in the dashboard, in headless Chromium: the list shows each sweep with its progress and keeps it
 * current; a sweep's page lists its trials and draws the averaged plane (a mean dot per setting, panel,
 * layer and logged epoch); a trial that is a symbolic link out of the directory is not served; traversal
 * names are 404. Screenshots of both pages.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type Page, chromium } from 'playwright-core';
import { prepareSweep, sweepSpecSchema } from '../../src/sweep/spec.js';
import { recordFailure } from '../../src/sweep/state.js';
import { runTrial } from '../../src/sweep/trial.js';
import { type Dashboard, startDashboard } from '../../src/web/index.js';
import { tinyConfig } from '../experiment/fixtures.js';
import { makeRunsDir, rawGet } from '../web/helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const OUTPUT = path.resolve(here, '..', '..', 'test-output', 'e2e-sweep-dashboard');
const SCREENSHOTS_COPY = '/tmp/infoplane-screenshots';
const WAIT_MS = 15_000;

const runsDir = makeRunsDir('infoplane-sweep-dashboard-');
let dashboard: Dashboard;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

declare const document: { querySelectorAll(selector: string): { length: number }; querySelector(selector: string): { textContent: string } | null };

async function screenshot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(OUTPUT, `${name}.png`), fullPage: true });
  cpSync(path.join(OUTPUT, `${name}.png`), path.join(SCREENSHOTS_COPY, `${name}.png`));
}

before(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  mkdirSync(SCREENSHOTS_COPY, { recursive: true });
  const dir = path.join(runsDir, 'act');
  const sweep = prepareSweep(sweepSpecSchema.parse({
    name: 'act',
    base: { ...tinyConfig, epochs: 3, estimators: [{ name: 'kde', noiseVariance: 0.1 }], dynamics: { kdeDerivativeSamples: 0 } },
    grid: { 'model.activation': ['tanh', 'relu'] },
    seeds: 2,
  }), dir);
  // Three trials finish, one failed.
  for (const trial of sweep.trials.slice(0, 3)) await runTrial(dir, trial);
  recordFailure(dir, sweep.trials[3]!, { error: 'a constructed failure', exitCode: 1, log: null });
  // A sweep whose trial directory is a link out of the runs directory.
  const linked = path.join(runsDir, 'linked');
  const other = prepareSweep(sweepSpecSchema.parse({ name: 'linked', base: { ...tinyConfig, epochs: 1 }, seeds: 1 }), linked);
  mkdirSync(path.join(linked, 'trials'), { recursive: true });
  symlinkSync('/tmp', path.join(linked, other.trials[0]!.dir));
  dashboard = await startDashboard({ runsDir, port: 0 });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'], timeout: 30_000 });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(WAIT_MS);
  page.on('pageerror', (error) => pageErrors.push(error.message));
});

after(async () => {
  await browser?.close();
  await dashboard?.close();
  rmSync(runsDir, { recursive: true, force: true });
});

describe('sweeps in the dashboard', () => {
  it('lists the sweeps with their progress, and the page of one draws its trials and its averaged plane', async () => {
    await page.goto(dashboard.url);
    await page.waitForSelector('#sweeps tr[data-sweep="act"]');
    const row = await page.textContent('#sweeps tr[data-sweep="act"]');
    assert.match(row!, /act\s*2\s*4\s*3 finished, 1 failed/);
    assert.match((await page.textContent('#sweeps tr[data-sweep="linked"]'))!, /symbolic link/);
    await screenshot('sweep-list');
    await page.click('#sweeps a[href="/sweeps/act"]');
    await page.waitForSelector('#trials tr[data-state="failed"]');
    assert.equal(await page.locator('#trials tbody tr').count(), 4);
    assert.match((await page.textContent('#trials tr[data-state="failed"]'))!, /a constructed failure/);
    // Mean dots: 2 settings × 1 panel × 3 layers × 4 logged epochs.
    const dots = '#figure-sweep-information-plane svg g.mark-symbol.role-mark path';
    await page.waitForFunction((selector) => document.querySelectorAll(selector).length > 0, dots);
    const count = await page.evaluate((selector) => document.querySelectorAll(selector).length, dots);
    assert.equal(count, 2 * 3 * 4);
    await page.waitForSelector('#figure-sweep-mi-epochs svg');
    await screenshot('sweep-page');
    assert.deepEqual(pageErrors, []);
  });

  it('answers 404 for names that are not sweeps of the directory', async () => {
    for (const name of ['..', '%2e%2e', '%252e%252e', 'act%2F..%2F..', 'nothing']) {
      assert.equal((await rawGet(dashboard.url, `/api/sweeps/${name}`)).status, 404, name);
      assert.equal((await rawGet(dashboard.url, `/sweeps/${name}`)).status, 404, name);
    }
    const linked = JSON.parse((await rawGet(dashboard.url, '/api/sweeps/linked')).body) as { entry: { error: string }; figures: unknown[]; trials: unknown[] };
    assert.match(linked.entry.error, /is not a directory of this sweep \(a symbolic link/);
    assert.deepEqual(linked.trials, []);
  });
});
