/**
 * bench:report — building the report (report.html with every figure inline, and each figure as SVG and
 * PNG) of a finished fig5-mlp run and of a 10 000-epoch ibnet-tanh run (target < 3 s each, median of
 * `--repetitions N`, default 3), and the first report of each process apart (it loads vega and the fonts).
 * Runs: `--fig5 DIR` and `--ibnet DIR` name finished runs; without them the bench trains both presets
 * first (about 2 and 4 minutes here), into a temporary directory.
 * Then the dashboard (`infoplane serve`) in headless Chromium: a copy of each run with its last lines held
 * back, marked running, is open on its run page; each held-back line is appended to metrics.jsonl and the
 * time until the page has drawn the new marks (the page's own draw time stamp) is measured (target < 2 s).
 * npm run bench:report runs Node with --max-semi-space-size=64, as bin/infoplane.js does.
 */
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveConfig } from '../src/experiment/config.js';
import { PRESETS } from '../src/experiment/presets.js';
import { runExperiment } from '../src/experiment/runner.js';
import { writeReport } from '../src/report/report.js';
import { chromium } from 'playwright-core';
import { readRun } from '../src/store/index.js';
import { startDashboard } from '../src/web/index.js';
import { median, verdict } from './lib/stats.js';

function flag(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at < 0 ? undefined : process.argv[at + 1];
}
const repetitions = Number(flag('--repetitions') ?? 3);
if (!Number.isSafeInteger(repetitions) || repetitions < 1) throw new Error(`Expected a positive integer for --repetitions but received ${flag('--repetitions')}`);

const scratch = mkdtempSync(path.join(os.tmpdir(), 'infoplane-bench-report-'));

async function runDir(preset: 'fig5-mlp' | 'ibnet-tanh', given: string | undefined): Promise<string> {
  if (given) return given;
  const dir = path.join(scratch, preset);
  console.log(`training ${preset} for the bench (pass --${preset === 'fig5-mlp' ? 'fig5' : 'ibnet'} DIR to reuse a finished run)…`);
  await runExperiment({ config: resolveConfig(PRESETS[preset]!), out: dir });
  return dir;
}

async function seconds(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

try {
  const runs = [
    ['fig5-mlp', await runDir('fig5-mlp', flag('--fig5'))],
    ['ibnet-tanh', await runDir('ibnet-tanh', flag('--ibnet'))],
  ] as const;
  console.log(`\nbench:report: report.html and every figure as SVG and PNG, ${repetitions} repetitions after the process's first report\n`);
  console.log('  run           logged   figures   first      median    per repetition');
  for (const [name, dir] of runs) {
    const out = path.join(scratch, `${name}-report`);
    const first = await seconds(() => writeReport(dir, { out }));
    const times: number[] = [];
    for (let i = 0; i < repetitions; i++) times.push(await seconds(() => writeReport(dir, { out })));
    const run = readRun(dir);
    const { figures } = await writeReport(dir, { out, figureFiles: false });
    console.log(`  ${name.padEnd(12)} ${String(run.records.length).padStart(6)}   ${String(figures.length).padStart(7)}   ${first.toFixed(2).padStart(6)} s   ${median(times).toFixed(2).padStart(6)} s   ${times.map((t) => t.toFixed(2)).join(', ')} s   ${verdict(median(times), 3, 'max')} s`);
  }
  await dashboardLatency(runs.map(([name, dir]) => [name, dir] as const));
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

/** Appends held-back metrics lines to copies of the runs open in the dashboard and times each until drawn. */
async function dashboardLatency(runs: readonly (readonly [string, string])[]): Promise<void> {
  const appends = 5;
  const runsDir = path.join(scratch, 'dashboard');
  mkdirSync(runsDir, { recursive: true });
  const dashboard = await startDashboard({ runsDir, host: '127.0.0.1', port: 0 });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  console.log(`\ndashboard: a metrics line written → the run page's plane redrawn (headless Chromium, ${appends} appends per run)\n`);
  try {
    for (const [name, dir] of runs) {
      const copy = path.join(runsDir, name);
      cpSync(dir, copy, { recursive: true });
      const lines = readFileSync(path.join(copy, 'metrics.jsonl'), 'utf8').split('\n').filter((line) => line !== '');
      writeFileSync(path.join(copy, 'metrics.jsonl'), lines.slice(0, -appends).map((line) => `${line}\n`).join(''));
      const status = JSON.parse(readFileSync(path.join(copy, 'status.json'), 'utf8')) as Record<string, unknown>;
      writeFileSync(path.join(copy, 'status.json'), JSON.stringify({ ...status, state: 'running' }));
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      await page.goto(new URL(`/runs/${name}`, dashboard.url).href);
      const drawnAt = (): Promise<number> => page.evaluate(() => (globalThis as unknown as { infoplane: { drawnAt: Record<string, number | undefined> } }).infoplane.drawnAt['information-plane'] ?? 0);
      await page.waitForFunction(() => ((globalThis as unknown as { infoplane: { drawnAt: Record<string, number | undefined> } }).infoplane.drawnAt['information-plane'] ?? 0) > 0, undefined, { timeout: 30_000 });
      const latencies: number[] = [];
      for (const line of lines.slice(-appends)) {
        const before = await drawnAt();
        const written = Date.now();
        appendFileSync(path.join(copy, 'metrics.jsonl'), `${line}\n`);
        await page.waitForFunction((previous) => ((globalThis as unknown as { infoplane: { drawnAt: Record<string, number | undefined> } }).infoplane.drawnAt['information-plane'] ?? 0) > previous, before, { timeout: 30_000 });
        latencies.push((await drawnAt()) - written);
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      console.log(`  ${name.padEnd(12)} median ${(median(latencies) / 1000).toFixed(3)} s, each ${latencies.map((ms) => `${(ms / 1000).toFixed(3)}`).join(', ')} s   ${verdict(median(latencies) / 1000, 2, 'max')} s`);
      await page.close();
    }
  } finally {
    await browser.close();
    await dashboard.close();
  }
}
