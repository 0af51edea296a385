/**
 * bench:fig5 — the full `fig5-mlp` preset (20 epochs, every one logged, probe 10 000) end to end, with a
 * breakdown, beside the floor for this work measured in the same run with the same engine and settings:
 * plain training of the same model for the same epochs, plus per logged epoch one forward pass over the
 * training set and the probe set, plus per layer one 10 000 × 10 000 Gram matrix of its probe activations
 * and one elementwise pass over it. The two alternate (instrumented, floor, instrumented, …) for `--pairs N`
 * pairs (default 3); the medians are compared. Target: the instrumented run ≤ 1.25× the floor (stretch 1.1×).
 * `--epochs N` shortens both (for a smoke test).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveConfig } from '../src/experiment/config.js';
import { loadExperimentData } from '../src/experiment/data.js';
import { buildModel } from '../src/experiment/model.js';
import { PRESETS } from '../src/experiment/presets.js';
import { TIMING_PHASES, runExperiment } from '../src/experiment/runner.js';
import { logEpochs } from '../src/experiment/schedule.js';
import { trainEpoch } from '../src/experiment/trainer.js';
import { createOptimizer } from '../src/optim/index.js';
import { Generator, type Tensor, cat, deriveSeed, empty, engineInfo, getNumThreads, noGrad, tidy } from '../src/tensor/index.js';
import { median, timeSeconds, verdict } from './lib/stats.js';

/** The positive integer after `name` on the command line, else `fallback`. */
function integerFlag(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`Expected a positive integer for ${name} but received ${process.argv[at + 1]}`);
  return value;
}
const epochs = integerFlag('--epochs', 20);
const pairs = integerFlag('--pairs', 3);
/** `--keep DIR`: the last instrumented run is left in DIR (replaced), e.g. to read its numbers or report it. */
const keepAt = process.argv.indexOf('--keep');
const keep = keepAt < 0 ? undefined : process.argv[keepAt + 1];
const config = resolveConfig({ ...PRESETS['fig5-mlp'], epochs });

/** A run's wall-clock seconds and its breakdown by phase. */
type Timed = { seconds: number; phases: Record<string, number> };

async function instrumented(): Promise<Timed> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'infoplane-fig5-'));
  try {
    let records: Awaited<ReturnType<typeof runExperiment>>['records'] = [];
    const start = process.hrtime.bigint();
    ({ records } = await runExperiment({ config, out: keep ?? path.join(dir, 'run'), overwrite: keep !== undefined }));
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const phases: Record<string, number> = Object.fromEntries(TIMING_PHASES.map((phase) => [phase, records.reduce((sum, r) => sum + r.timings[phase], 0)]));
    phases['other (data loading, checkpoints)'] = seconds - Object.values(phases).reduce((a, b) => a + b, 0);
    return { seconds, phases };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function floor(): Timed {
  const phases = { 'data loading': 0, training: 0, 'forward passes': 0, 'Gram + elementwise': 0 };
  const start = process.hrtime.bigint();
  let data!: ReturnType<typeof loadExperimentData>;
  phases['data loading'] = timeSeconds(() => { data = loadExperimentData(config); });
  const model = buildModel(config, data.sampleShape);
  const optimizer = createOptimizer(config.optimizer, model);
  /** Forward over a set in batches of 1000 without gradients; with `keepLayers`, every layer's outputs concatenated. */
  const forward = (inputs: Tensor, keepLayers: boolean): Tensor[] => noGrad(() => tidy(() => {
    const parts: Tensor[][] = model.layers.map(() => []);
    for (let first = 0; first < inputs.size(0); first += 1000) {
      const outputs = model.forwardAll(inputs.narrow(0, first, Math.min(1000, inputs.size(0) - first)));
      if (keepLayers) outputs.forEach((out, layer) => parts[layer]!.push(out.output));
    }
    return keepLayers ? parts.map((chunks) => cat(chunks)) : [];
  }));
  const probeSize = data.probe.inputs.size(0);
  const gram = empty([probeSize, probeSize]);
  for (const epoch of logEpochs(config.logEpochs, epochs)) {
    if (epoch > 0) {
      phases.training += timeSeconds(() => trainEpoch({ model, optimizer, loss: config.loss, data: data.train, batchSize: 128, generator: new Generator(deriveSeed(config.seed, `shuffle:${epoch}`)) }));
    }
    tidy(() => {
      let probe: Tensor[] = [];
      phases['forward passes'] += timeSeconds(() => {
        forward(data.train.inputs, false);
        probe = forward(data.probe.inputs, true);
      });
      phases['Gram + elementwise'] += timeSeconds(() => {
        // Into one reused N×N buffer, as the guide's fastest measurement (a fresh one costs page faults).
        for (const activations of probe) gram.addmm_(activations, activations.t(), 0, 1).exp_();
      });
    });
  }
  gram.dispose();
  model.dispose();
  optimizer.dispose();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, phases };
}

/** Each phase's median over the runs, in seconds. */
function medianPhases(runs: readonly Timed[]): [string, number][] {
  return Object.keys(runs[0]!.phases).map((phase) => [phase, median(runs.map((run) => run.phases[phase]!))]);
}

async function main(): Promise<void> {
  const info = engineInfo();
  console.log(`bench:fig5 on ${getNumThreads()} threads, BLAS ${info.blasCore}, OMP_WAIT_POLICY=${info.ompWaitPolicy}: the fig5-mlp preset, ${epochs} epochs, every one logged, probe ${config.probe.size === 'all' ? '10 000' : config.probe.size}`);
  console.log(`the instrumented run and its floor (same process, engine and settings) alternate, ${pairs} pairs, instrumented first\n`);
  console.log('  pair   instrumented     floor     ratio');
  const runs: Timed[] = [];
  const floors: Timed[] = [];
  for (let pair = 1; pair <= pairs; pair++) {
    runs.push(await instrumented());
    floors.push(floor());
    console.log(`  ${String(pair).padStart(4)}   ${runs.at(-1)!.seconds.toFixed(1).padStart(10)} s  ${floors.at(-1)!.seconds.toFixed(1).padStart(6)} s   ${(runs.at(-1)!.seconds / floors.at(-1)!.seconds).toFixed(3)}×`);
  }
  const ratio = median(runs.map((run) => run.seconds)) / median(floors.map((run) => run.seconds));
  console.log(`  median ${median(runs.map((run) => run.seconds)).toFixed(1).padStart(10)} s  ${median(floors.map((run) => run.seconds)).toFixed(1).padStart(6)} s   ${ratio.toFixed(3)}× (ratio of medians)   ${verdict(Number(ratio.toFixed(3)), 1.25, 'max')} (stretch 1.1×)`);
  for (const [label, timed] of [['instrumented run', runs], ['floor', floors]] as const) {
    console.log(`\n${label}, median of each phase over ${pairs} runs:`);
    for (const [phase, seconds] of medianPhases(timed)) console.log(`  ${phase.padEnd(34)} ${seconds.toFixed(1).padStart(6)} s`);
  }
}

await main();
