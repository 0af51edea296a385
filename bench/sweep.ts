/**
 * bench:sweep — two measurements, each against its baseline in the same run.
 *
 * 1. A 20-trial ibnet-tanh sweep (1 000 epochs each, the saxe-ibnet schedule, binning 0.07 as the one
 *    estimator so that the trials are short) with the local executor (2 at a time, 1 thread each) against
 *    the same 20 trials one after another, with 2 threads and with 1 (the faster is the baseline).
 *    Wall-time ratio (target ≥ 1.8 on 2 cores) and CPU utilisation (children's CPU time from
 *    /proc/self/stat over wall time × cores).
 * 2. Per-epoch overhead of one 10 000-epoch ibnet-tanh trial: with its logging (the saxe-ibnet schedule)
 *    and checkpoints by time (checkpointSeconds 5), and with a checkpoint after every epoch (what runs did
 *    before), against the same training with logging and checkpoints off (only the last epoch logged).
 *    The logged epochs' measurements (gradient statistics, losses, probing, MI, dynamics: their
 *    `timings`) are excluded from each. Target ≤ 1.1× the floor. Alternating, `--pairs N` rounds (default 1).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveConfig } from '../src/experiment/config.js';
import { PRESETS } from '../src/experiment/presets.js';
import { runExperiment } from '../src/experiment/runner.js';
import { runLocal } from '../src/sweep/local.js';
import { prepareSweep, sweepSpecSchema } from '../src/sweep/spec.js';
import { readMetricsFile } from '../src/store/index.js';
import { setNumThreads } from '../src/tensor/index.js';
import { median, verdict } from './lib/stats.js';

function flag(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at < 0 ? undefined : process.argv[at + 1];
}
const pairs = Number(flag('--pairs') ?? 1);
const only = flag('--only');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'infoplane-bench-sweep-'));
const CORES = os.availableParallelism();

/** CPU seconds of this process's waited-for children (cutime + cstime of /proc/self/stat). */
function childrenCpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  const ticks = 100; // USER_HZ on Linux
  return (Number(fields[13]) + Number(fields[14])) / ticks;
}

const seconds = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e9;

async function sweepRun(label: string, concurrency: number, threads: number, round: number): Promise<{ wall: number; cpu: number }> {
  const name = `bench-${concurrency}x${threads}`;
  const dir = path.join(scratch, `${name}-${round}`);
  const sweep = prepareSweep(sweepSpecSchema.parse({
    name,
    base: 'ibnet-tanh',
    grid: { epochs: [1000], estimators: [[{ name: 'bin', binsize: 0.07 }]], 'dynamics.kdeDerivativeSamples': [0] },
    seeds: 20,
  }), dir);
  const cpuBefore = childrenCpuSeconds();
  const start = process.hrtime.bigint();
  const outcome = await runLocal(dir, sweep, { concurrency, threads });
  const wall = seconds(start);
  if (outcome.failed.length > 0) throw new Error(`${outcome.failed.length} bench trials failed: see ${dir}/failures`);
  const cpu = childrenCpuSeconds() - cpuBefore;
  console.log(`  ${label.padEnd(28)} ${wall.toFixed(1).padStart(7)} s wall   CPU ${((100 * cpu) / (wall * CORES)).toFixed(0).padStart(3)} % of ${CORES} cores`);
  rmSync(dir, { recursive: true, force: true });
  return { wall, cpu };
}

/** One 10 000-epoch trial; returns its wall time and the time left after the logged epochs' measurements. */
async function trialRun(label: string, overrides: Record<string, unknown>, round: number): Promise<{ wall: number; rest: number; logged: number }> {
  const dir = path.join(scratch, `trial-${label}-${round}`);
  const config = resolveConfig({ ...PRESETS['ibnet-tanh']!, estimators: [{ name: 'bin', binsize: 0.07 }], dynamics: { kdeDerivativeSamples: 0 }, ...overrides });
  const start = process.hrtime.bigint();
  await runExperiment({ config, out: dir });
  const wall = seconds(start);
  const records = readMetricsFile(path.join(dir, 'metrics.jsonl'), []);
  const measured = records.reduce((sum, record) => sum + record.timings.gradientStats + record.timings.losses + record.timings.probing + record.timings.mi + record.timings.dynamics, 0);
  console.log(`  ${label.padEnd(44)} ${wall.toFixed(1).padStart(7)} s wall, ${String(records.length).padStart(3)} logged epochs whose measurements took ${measured.toFixed(1)} s → ${(wall - measured).toFixed(1)} s`);
  rmSync(dir, { recursive: true, force: true });
  return { wall, rest: wall - measured, logged: records.length };
}

try {
  if (only !== 'overhead') {
    console.log(`\nbench:sweep — 20 ibnet-tanh trials of 1 000 epochs (binning 0.07), ${pairs} round${pairs > 1 ? 's' : ''}, alternating\n`);
    // The sequential baseline at both thread counts: its best is the one compared against.
    const variants = [
      ['local, 2 at a time × 1 thread', 2, 1],
      ['one after another × 2 threads', 1, 2],
      ['one after another × 1 thread', 1, 1],
    ] as const;
    const walls = variants.map(() => [] as number[]);
    for (let round = 0; round < pairs; round++) {
      const order = round % 2 === 0 ? [0, 1, 2] : [2, 1, 0];
      for (const index of order) {
        const [label, concurrency, threads] = variants[index]!;
        walls[index]!.push((await sweepRun(label, concurrency, threads, round)).wall);
      }
    }
    const local = median(walls[0]!);
    const sequential = Math.min(median(walls[1]!), median(walls[2]!));
    const ratio = sequential / local;
    console.log(`\n  speed-up ${ratio.toFixed(2)}× against the faster sequential run (median ${sequential.toFixed(1)} s / ${local.toFixed(1)} s)   ${verdict(ratio, 1.8, 'min')}`);
  }
  if (only !== 'sweep') {
    // The trials of a sweep run with one thread each.
    setNumThreads(1);
    console.log(`\nper-epoch overhead of a 10 000-epoch ibnet-tanh trial (1 thread, binning 0.07; the logged epochs' measurements excluded), ${pairs} round${pairs > 1 ? 's' : ''}\n`);
    const floor: number[] = [];
    const byTime: number[] = [];
    const everyEpoch: number[] = [];
    for (let round = 0; round < pairs; round++) {
      const runs = [
        ['floor: last epoch logged, no checkpoints', { logEpochs: [10000], checkpointSeconds: 1e9 }, floor],
        ['trial: saxe-ibnet logging, checkpoints ≤ 5 s', { checkpointSeconds: 5 }, byTime],
        ['before: checkpoint after every epoch', { checkpointSeconds: 0 }, everyEpoch],
      ] as const;
      for (const [label, overrides, into] of round % 2 === 0 ? runs : [...runs].reverse()) into.push((await trialRun(label, overrides, round)).rest);
    }
    const ratio = median(byTime) / median(floor);
    console.log(`\n  trial / floor ${ratio.toFixed(3)}× (${median(byTime).toFixed(1)} s / ${median(floor).toFixed(1)} s)   ${verdict(ratio, 1.1, 'max')}`);
    console.log(`  checkpoint after every epoch / floor ${(median(everyEpoch) / median(floor)).toFixed(3)}×`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
