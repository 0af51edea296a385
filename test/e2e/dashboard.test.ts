/**
 * The dashboard in a real browser (Debian's headless Chromium driven by playwright-core) over a runs
 * directory of fixture runs: the plane's marks against layers × logged epochs × panels, the slider, play
 * and the switches changing them, an epoch appended to a running run drawn without a reload (the time
 * from the line written to the marks drawn is printed; bench:report holds the 2 s target), a new run listed without a reload, notices for a cut-off
 * line and an empty run, 404 for traversal URLs; a screenshot of each page. And `infoplane serve` itself.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type Page, chromium } from 'playwright-core';
import { compareFigures, runFigures } from '../../src/report/figures/index.js';
import { readRun } from '../../src/store/index.js';
import { type Dashboard, startDashboard } from '../../src/web/index.js';
import { copyFixtureRun, holdBack, makeRunsDir, metricsLines, rawGet } from '../web/helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.resolve(here, '..', '..', '..', 'bin', 'infoplane.js');
/** This test's output folder (under build/, which git ignores), and a copy where people look for screenshots. */
const OUTPUT = path.resolve(here, '..', '..', 'test-output', 'e2e-dashboard');
const SCREENSHOTS_COPY = '/tmp/infoplane-screenshots';
/** Every wait in the browser is bounded by this. */
const WAIT_MS = 10_000;

const runsDir = makeRunsDir('infoplane-dashboard-');
let dashboard: Dashboard;
let browser: Browser;
let page: Page;
let finishedDir: string;
let liveDir: string;
let heldBack: string[];
const pageErrors: string[] = [];

/** The little of the browser's globals that the functions run in the page use (this file compiles without the DOM lib). */
declare const document: { querySelectorAll(selector: string): { length: number } };
declare const window: { infoplane: { drawnAt: Record<string, number | undefined> } };

/** The plane's dots in the page: the symbol marks (not the legend's) of the information-plane figure's SVG. */
const PLANE_DOTS = '#figure-information-plane svg g.mark-symbol.role-mark path';

function url(rawPath: string): string {
  return new URL(rawPath, dashboard.url).href;
}

/** The window as seen (`name.png`) and, with `fullPage`, the whole page too (`name-full.png`). */
async function screenshot(name: string, fullPage = false): Promise<void> {
  for (const [file, full] of [[`${name}.png`, false], ...(fullPage ? [[`${name}-full.png`, true] as const] : [])] as const) {
    await page.screenshot({ path: path.join(OUTPUT, file), fullPage: full });
    cpSync(path.join(OUTPUT, file), path.join(SCREENSHOTS_COPY, file));
  }
}

async function waitForDots(count: number): Promise<void> {
  await page.waitForFunction(([selector, expected]) => document.querySelectorAll(selector as string).length === expected, [PLANE_DOTS, count] as const, { timeout: WAIT_MS });
}

before(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  mkdirSync(SCREENSHOTS_COPY, { recursive: true });
  finishedDir = await copyFixtureRun(runsDir, 'finished');
  liveDir = await copyFixtureRun(runsDir, 'live');
  heldBack = holdBack(liveDir, 4);
  const truncated = await copyFixtureRun(runsDir, 'truncated');
  const lines = metricsLines(truncated);
  writeFileSync(path.join(truncated, 'metrics.jsonl'), `${lines.slice(0, -1).join('\n')}\n${lines.at(-1)!.slice(0, 200)}`);
  holdBack(await copyFixtureRun(runsDir, 'empty'), 0);
  const newer = await copyFixtureRun(runsDir, 'newer');
  const config = JSON.parse(readFileSync(path.join(newer, 'config.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(path.join(newer, 'config.json'), JSON.stringify({ ...config, schemaVersion: 99 }));
  dashboard = await startDashboard({ runsDir, port: 0 });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'], timeout: 30_000 });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(WAIT_MS);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => { if (message.type() === 'error') pageErrors.push(message.text()); });
});

afterEach(() => {
  assert.deepEqual(pageErrors.splice(0), [], 'errors in the page');
});

after(async () => {
  await browser?.close();
  await dashboard?.close();
  rmSync(runsDir, { recursive: true, force: true });
});

describe('the dashboard in Chromium', () => {
  it('lists the runs with their state, and a new run without a reload', async () => {
    await page.goto(url('/'));
    await page.waitForFunction(() => document.querySelectorAll('#runs tbody tr').length === 5, undefined, { timeout: WAIT_MS });
    assert.equal(await page.locator('tr[data-run="live"]').getAttribute('data-state'), 'running');
    assert.match(await page.locator('tr[data-run="empty"]').innerText(), /no logged epoch yet/);
    assert.equal(await page.locator('tr[data-run="newer"]').getAttribute('data-state'), 'unreadable');
    assert.match(await page.locator('tr[data-run="newer"]').innerText(), /schemaVersion 99/);
    assert.equal(await page.locator('tr[data-run="finished"]').getAttribute('data-state'), 'finished');
    assert.match(await page.locator('tr[data-run="finished"]').innerText(), /7\s+6 \/ 6/);
    await copyFixtureRun(runsDir, 'arrived');
    await page.locator('tr[data-run="arrived"]').waitFor({ timeout: WAIT_MS });
    await screenshot('run-list');
  });

  it('draws the plane: one dot per layer per logged epoch per panel, and every other figure of the run', async () => {
    const run = readRun(finishedDir);
    const layers = run.config.run.layers.length;
    const panels = new Set(run.records[0]!.layers[0]!.estimates.map((estimate) => estimate.estimator)).size;
    await page.goto(url('/runs/finished'));
    await waitForDots(layers * run.records.length * panels);
    const ids = runFigures(run).map((figure) => figure.id);
    await page.waitForFunction((count) => document.querySelectorAll('section.figure svg.marks').length === count, ids.length, { timeout: WAIT_MS });
    assert.deepEqual(await page.locator('section.figure').evaluateAll((sections) => sections.map((section) => section.getAttribute('data-figure'))), ids);
    await screenshot('run-finished', true);
  });

  it('moves the plane with the slider, plays it, switches layers off and shows exact values on hover', async () => {
    const run = readRun(finishedDir);
    const layers = run.config.run.layers.length;
    const epochs = run.records.length;
    const panels = new Set(run.records[0]!.layers[0]!.estimates.map((estimate) => estimate.estimator)).size;
    const slider = page.locator('#figure-information-plane input[type="range"]');
    await slider.fill('2');
    await waitForDots(layers * 3 * panels);
    assert.match(await page.locator('#figure-information-plane output').innerText(), /^2 of 0…6$/);
    await page.locator('#figure-information-plane .controls input[type="checkbox"]').first().check();
    await waitForDots(layers * panels);
    await screenshot('run-slider-epoch-2-only');
    await page.locator('#figure-information-plane .controls input[type="checkbox"]').first().uncheck();
    await page.locator('#figure-information-plane button.play').click();
    await waitForDots(layers * epochs * panels);
    assert.match(await page.locator('#figure-information-plane button.play').innerText(), /play/);
    const firstLayer = run.config.run.layers[0]!.name;
    await page.locator(`#figure-information-plane input[data-toggle="layer"][value="${firstLayer}"]`).uncheck();
    await waitForDots((layers - 1) * epochs * panels);
    await page.locator(`#figure-information-plane input[data-toggle="layer"][value="${firstLayer}"]`).check();
    await waitForDots(layers * epochs * panels);
    await page.locator(PLANE_DOTS).last().hover({ force: true });
    const tooltip = page.locator('#vg-tooltip-element');
    await tooltip.waitFor({ state: 'visible', timeout: WAIT_MS });
    assert.match(await tooltip.innerText(), /I\(X;T\) upper \(bits\)\s*\d+\.\d{4}/);
    await screenshot('run-hover');
  });

  it('draws an epoch appended to a running run without a reload (bench:report times it against its 2 s target)', async () => {
    const run = readRun(liveDir);
    const layers = run.config.run.layers.length;
    const panels = new Set(run.records[0]!.layers[0]!.estimates.map((estimate) => estimate.estimator)).size;
    await page.goto(url('/runs/live'));
    await waitForDots(layers * 4 * panels);
    const latencies: number[] = [];
    for (const line of heldBack.slice(0, 2)) {
      const before = await page.evaluate(() => window.infoplane.drawnAt['information-plane'] ?? 0);
      const written = Date.now();
      appendFileSync(path.join(liveDir, 'metrics.jsonl'), `${line}\n`);
      await waitForDots(layers * (4 + latencies.length + 1) * panels);
      const drawn = await page.evaluate(() => window.infoplane.drawnAt['information-plane']!);
      assert.ok(drawn > before);
      latencies.push(drawn - written);
    }
    console.log(`dashboard: line written → plane marks drawn in ${latencies.map((ms) => `${ms} ms`).join(', ')}`);
    const caption = await page.locator('#figure-information-plane .caption').innerText();
    assert.equal(caption, runFigures(readRun(liveDir)).find((figure) => figure.id === 'information-plane')!.caption, 'the caption follows the run');
    assert.match(await page.locator('#progress').innerText(), /6 logged epochs, last 5/);
    await screenshot('run-live');
  });

  it('shows a cut-off last line as a warning banner, with the valid epochs drawn', async () => {
    await page.goto(url('/runs/truncated'));
    const banner = page.locator('.notice-warning', { hasText: 'the last line is incomplete' });
    await banner.waitFor({ timeout: WAIT_MS });
    assert.match(await banner.innerText(), /metrics\.jsonl line 7/);
    await page.locator(PLANE_DOTS).first().waitFor({ timeout: WAIT_MS });
    await screenshot('run-truncated');
  });

  it('says "no logged epoch yet" for a run without epochs', async () => {
    await page.goto(url('/runs/empty'));
    await page.locator('#no-epochs').waitFor({ timeout: WAIT_MS });
    assert.match(await page.locator('#progress').innerText(), /no logged epoch yet/);
    await screenshot('run-empty');
  });

  it('shows why a run of an unknown schemaVersion cannot be read', async () => {
    await page.goto(url('/runs/newer'));
    await page.locator('.notice-warning', { hasText: 'newer/config.json has schemaVersion 99' }).waitFor({ timeout: WAIT_MS });
    assert.equal(await page.locator('#progress').innerText(), 'this run cannot be read');
    await screenshot('run-unreadable');
  });

  it('compares runs', async () => {
    const expected = compareFigures([readRun(finishedDir), readRun(liveDir)]).map((figure) => figure.id);
    await page.goto(url('/compare?runs=finished,live'));
    await page.waitForFunction(() => document.querySelectorAll('#runs tbody tr').length === 2, undefined, { timeout: WAIT_MS });
    if (expected.length === 0) await page.locator('#figures .empty', { hasText: 'no figure to compare yet' }).waitFor({ timeout: WAIT_MS });
    else await page.waitForFunction((count) => document.querySelectorAll('section.figure svg.marks').length === count, expected.length, { timeout: WAIT_MS });
    await screenshot('compare', true);
  });

  it('answers traversal URLs with 404, in the browser and byte for byte', async () => {
    for (const rawPath of ['/runs/..%2F..%2Fetc', '/runs/%252e%252e%252f', '/runs/%2Fetc%2Fpasswd', '/static/..%2f..%2fpackage.json', '/vendor/..%2f..%2fpackage.json']) {
      const response = await page.goto(url(rawPath));
      assert.equal(response?.status(), 404, rawPath);
    }
    for (const rawPath of ['/runs/../x', '/static/../../package.json', '/vendor/../../../package.json', '/api/runs/..%2f..%2f']) {
      assert.equal((await rawGet(dashboard.url, rawPath)).status, 404, rawPath);
    }
    await page.goto(url('/runs/..%2F..%2Fetc'));
    await screenshot('not-found');
    // The browser reports each 404 it was sent to as a console error: those are the answers wanted.
    pageErrors.splice(0, pageErrors.length, ...pageErrors.filter((message) => !/status of 404 \(Not Found\)/.test(message)));
  });
});

describe('infoplane serve', () => {
  it('prints its URL on 127.0.0.1, serves the runs and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [bin, 'serve', runsDir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const deadline = setTimeout(() => child.kill('SIGKILL'), WAIT_MS);
    try {
      const address = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          out += chunk;
          const match = out.match(/http:\/\/127\.0\.0\.1:\d+\//);
          if (match) resolve(match[0]);
        });
        child.on('exit', () => reject(new Error(`serve exited before printing its URL: ${out}`)));
      });
      const runs = (await (await fetch(new URL('/api/runs', address))).json()) as { name: string }[];
      assert.ok(runs.some((run) => run.name === 'finished'));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      clearTimeout(deadline);
      child.kill('SIGKILL');
    }
  });

  it('exits 1 naming a runs directory that does not exist or a port in use, and 2 for a bad port', () => {
    const missing = spawnSync(process.execPath, [bin, 'serve', path.join(runsDir, 'nowhere')], { encoding: 'utf8', timeout: WAIT_MS });
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /the runs directory .*nowhere does not exist/);
    const badPort = spawnSync(process.execPath, [bin, 'serve', runsDir, '--port', 'eighty'], { encoding: 'utf8', timeout: WAIT_MS });
    assert.equal(badPort.status, 2);
    assert.match(badPort.stderr, /expected a port from 0 to 65535 but received "eighty"/);
    const taken = spawnSync(process.execPath, [bin, 'serve', runsDir, '--port', new URL(dashboard.url).port], { encoding: 'utf8', timeout: WAIT_MS });
    assert.equal(taken.status, 1);
    assert.match(taken.stderr, /port \d+ on 127\.0\.0\.1 is already in use: choose another with --port/);
  });
});
