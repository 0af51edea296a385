/**
 * bench:reestimate — re-estimating the fig5-mlp run at 4 σ² values (1e-3, 1e-2, 0.1, 1; KDE as the run
 * computes it, float32 kernels) from its stored activations, against the run itself, in the same process:
 * the whole fig5-mlp preset (20 epochs, all 21 logged, probe 10 000, activations kept) is run, then
 * re-estimated `--repetitions` times (default 3, median reported). Target: < 25 % of the run's wall time.
 * Also checks that re-estimating the run's own settings reproduces its numbers exactly.
 *
 *   npm run bench:reestimate [-- --run DIR] [--repetitions N] [--keep DIR]
 *
 * With --run, an existing fig5-mlp run directory with stored activations is used and its own recorded
 * wall time (the last record's elapsedSeconds) is the baseline instead of a new run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveConfig } from '../src/experiment/config.js';
import { PRESETS } from '../src/experiment/presets.js';
import { reestimateRun, reproductionDifference } from '../src/experiment/reestimate.js';
import { runExperiment } from '../src/experiment/runner.js';
import { parseEstimatorSpec } from '../src/info/index.js';
import { readRun } from '../src/store/index.js';
import { median, verdict } from './lib/stats.js';

function flag(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at < 0 ? undefined : process.argv[at + 1];
}
const repetitions = Number(flag('--repetitions') ?? 3);
const given = flag('--run');
const keep = flag('--keep');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'infoplane-bench-reestimate-'));
const seconds = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e9;

let runDir = given ?? keep ?? path.join(scratch, 'fig5-mlp');
let runSeconds: number;
if (given) {
  runSeconds = readRun(given).records.at(-1)!.elapsedSeconds;
  console.log(`fig5-mlp run ${given}: ${runSeconds.toFixed(1)} s (its own record)`);
} else {
  runDir = keep ?? runDir;
  const start = process.hrtime.bigint();
  await runExperiment({ config: resolveConfig(PRESETS['fig5-mlp']!), out: runDir, overwrite: true });
  runSeconds = seconds(start);
  console.log(`fig5-mlp run (20 epochs, activations kept): ${runSeconds.toFixed(1)} s`);
}
const run = readRun(runDir);
console.log(`  stored: ${run.config.run.activations?.decision ?? 'nothing recorded'}`);
const own = run.config.config.estimators.find((spec) => spec.name === 'kde');
const settings = [1e-3, 1e-2, 0.1, 1].map((noiseVariance) => parseEstimatorSpec({ ...own, name: 'kde', noiseVariance }));
const times: number[] = [];
for (let i = 0; i < repetitions; i++) {
  const start = process.hrtime.bigint();
  await reestimateRun(runDir, { settings, force: true });
  times.push(seconds(start));
  console.log(`  re-estimation ${i + 1}: 4 σ² × ${run.records.length} epochs × ${run.config.run.layers.length} layers in ${times.at(-1)!.toFixed(1)} s`);
}
const ratio = median(times) / runSeconds;
console.log(`re-estimating at 4 σ²: median ${median(times).toFixed(1)} s = ${(100 * ratio).toFixed(1)} % of the run  ${verdict(ratio, 0.25, 'max')}`);

// The run's own settings reproduce its numbers exactly.
const outcome = await reestimateRun(runDir, { settings: run.config.config.estimators, force: true });
const { bits, compared } = reproductionDifference(runDir, outcome.settings.map((setting) => setting.id));
if (compared === 0) throw new Error('no recorded estimate matches the re-estimated own settings');
console.log(`own settings re-estimated: largest difference from the recorded numbers ${bits} bits over ${compared} values ${bits === 0 ? '✓ exact' : '✗'}`);
if (!given && !keep) rmSync(scratch, { recursive: true, force: true });
