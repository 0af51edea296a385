/**
 * bench:report — building the report (report.html with every figure inline, and each figure as SVG and
 * PNG) of a finished fig5-mlp run and of a 10 000-epoch ibnet-tanh run (target < 3 s each, median of
 * `--repetitions N`, default 3), and the first report of each process apart (it loads vega and the fonts).
 * Runs: `--fig5 DIR` and `--ibnet DIR` name finished runs; without them the bench trains both presets
 * first (about 2 and 4 minutes here), into a temporary directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveConfig } from '../src/experiment/config.js';
import { PRESETS } from '../src/experiment/presets.js';
import { runExperiment } from '../src/experiment/runner.js';
import { writeReport } from '../src/report/report.js';
import { readRun } from '../src/store/index.js';
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
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
