/**
 * `infoplane reestimate RUN`: the information plane again under other estimator settings, from the run's
 * stored activations, into RUN/reestimates/ (src/experiment/reestimate.ts); `--own` re-estimates the
 * run's own settings and reports how far they are from its recorded numbers (0 when reproduced exactly).
 */
import type { Command } from 'commander';
import type { EstimatorSpec } from '../info/index.js';
import { type ReestimateOutcome, reestimateRun, reproductionDifference } from '../experiment/reestimate.js';
import { readRun, readRunConfig } from '../store/index.js';
import { progress } from './progress.js';
import { addEstimatorOptions, estimatorGridFromFlags, positiveInteger } from './probe-files.js';

interface ReestimateCliOptions {
  own?: boolean;
  methods?: string;
  epochs?: string;
  force?: boolean;
  threads?: number;
  workers?: number;
  json?: boolean;
  quiet?: boolean;
}

function printOutcome(runDir: string, outcome: ReestimateOutcome): void {
  const data = readRun(runDir);
  const lines = [`${runDir}: ${outcome.settings.length} setting(s) × ${outcome.epochs.length} logged epochs in ${outcome.seconds.toFixed(1)} s (${outcome.workers > 1 ? `${outcome.workers} workers of ${outcome.threads} thread${outcome.threads > 1 ? 's' : ''}` : `${outcome.threads} threads`})`];
  for (const setting of outcome.settings) {
    const reestimate = data.reestimates.find((r) => r.id === setting.id);
    const last = reestimate?.records.at(-1);
    const flags = reestimate?.records.reduce((sum, line) => sum + line.layers.reduce((n, layer) => n + layer.estimates.reduce((k, e) => k + (e.flags?.length ?? 0), 0), 0), 0) ?? 0;
    lines.push(`\n${setting.id}  (${setting.estimated.length === 0 ? 'already estimated' : `${setting.estimated.length} epochs estimated`}; ${flags} validity flag${flags === 1 ? '' : 's'})`);
    if (!last) continue;
    lines.push(`  epoch ${last.epoch}:            I(X;T)             I(Y;T)   bits`);
    for (const layer of last.layers) {
      for (const estimate of layer.estimates) {
        const range = (b: { lower: number; upper: number }): string => (b.lower === b.upper ? b.upper.toFixed(4) : `${b.lower.toFixed(3)}–${b.upper.toFixed(3)}`).padStart(17);
        lines.push(`  ${`${layer.name}${estimate.method === 'mean' ? ' (mean)' : ''}`.padEnd(16)} ${range(estimate.ixt)}  ${range(estimate.iyt)}${estimate.flags ? `   ⚑ ${estimate.flags.map((f) => f.code).join(', ')}` : ''}`);
      }
    }
  }
  lines.push(`\nwritten to ${runDir}/reestimates/; infoplane report ${runDir} draws the planes side by side and the sensitivity view`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

export function registerReestimate(program: Command): void {
  const command = program.command('reestimate');
  addEstimatorOptions(command, { lists: true });
  command
    .description('estimate the whole information plane again under other estimator settings, from the run\'s stored activations (no retraining), into RUN/reestimates/')
    .argument('<run>', 'a run directory with stored activations (infoplane run keeps them when they fit its disk budget; infoplane import makes one)')
    .option('--own', 'the run\'s own estimator settings: report how far the re-estimate is from the recorded numbers')
    .option('--methods <list>', 'conv methods for layers with channels: concat, mean or concat,mean (default: the run\'s)')
    .option('--epochs <list>', 'only these logged epochs (default: every stored one)')
    .option('--force', 'redo settings already estimated (default: go on where they stopped)')
    .option('--workers <n>', 'child processes sharing the epochs (default: one per core; 1: this process)', positiveInteger('--workers'))
    .option('--threads <n>', 'libtorch threads of each (default: 1 in workers, the run\'s own count in this process)', positiveInteger('--threads'))
    .option('--json', 'print one JSON object')
    .option('--quiet', 'no progress bar')
    .addHelpText('after', `
Options not given take the run's own estimator of that name (e.g. its KDE precision), then the defaults;
comma-separated values give one setting each (their product when several options have lists). The KDE
settings of a grid share one pass over the sample pairs (equal to each on its own within 1e-6 bits);
--own estimates the run's own settings as the run did and reproduces its numbers exactly.

Examples:
  infoplane reestimate runs/fig5-mlp --estimator kde --noise-variance 1e-3,1e-2,0.1,1
  infoplane reestimate runs/ibnet-tanh --estimator bin --binsize 0.01,0.07,0.5
  infoplane reestimate runs/fig5-mlp --own`)
    .action(async (runDir: string, options: ReestimateCliOptions) => {
      const config = readRunConfig(runDir);
      let settings: EstimatorSpec[];
      if (options.own) {
        settings = config.config.estimators;
      } else {
        const name = command.opts<{ estimator: string }>().estimator;
        const own = config.config.estimators.find((spec) => spec.name === name);
        const { name: _name, ...base } = own ?? { name };
        settings = estimatorGridFromFlags(command, base);
      }
      const methods = options.methods?.split(',').map((method) => method.trim());
      const bad = methods?.filter((method) => method !== 'concat' && method !== 'mean');
      if (bad && bad.length > 0) command.error(`error: --methods takes concat and/or mean, not ${bad.join(', ')}`, { exitCode: 2 });
      const epochs = options.epochs?.split(',').map((text) => {
        const epoch = Number(text.trim());
        if (!Number.isInteger(epoch) || epoch < 0) command.error(`error: --epochs takes logged epoch numbers, not "${text}"`, { exitCode: 2 });
        return epoch;
      });
      const bar = progress('re-estimating', 1, { quiet: options.quiet || options.json });
      let shown = 0;
      const outcome = await reestimateRun(runDir, {
        settings,
        ...(methods ? { methods: methods as ('concat' | 'mean')[] } : {}),
        ...(epochs ? { epochs } : {}),
        ...(options.force ? { force: true } : {}),
        ...(options.threads ? { threads: options.threads } : {}),
        ...(options.workers ? { workers: options.workers } : {}),
        onEpoch: ({ epoch, done, total }) => {
          bar.update({ total });
          bar.tick(done - shown, `epoch ${epoch}`);
          shown = done;
        },
      });
      bar.done();
      const reproduced = options.own ? reproductionDifference(runDir, outcome.settings.map((s) => s.id)) : undefined;
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ ...outcome, ...(reproduced ? { reproduced } : {}) })}\n`);
        return;
      }
      printOutcome(runDir, outcome);
      if (reproduced) {
        process.stdout.write(`\nagainst the run's recorded estimates: largest difference ${reproduced.bits} bits over ${reproduced.compared} values${reproduced.bits === 0 ? ' (reproduced exactly)' : ''}\n`);
      }
    });
}
