/** `infoplane convergence`: estimates on growing random subsets, and the size from which they are stable. */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { type ConvMethod, convergence, createEstimator } from '../info/index.js';
import path from 'node:path';
import { convergenceFigure } from '../report/figures/estimator-curves.js';
import { writeFigure } from '../report/report.js';
import { progress } from './progress.js';
import {
  type ProbeFileOptions, addEstimatorOptions, addProbeFileOptions, estimatorSpecFromFlags, loadProbeFiles, positiveInteger, positiveNumber,
} from './probe-files.js';

interface ConvergenceOptions extends ProbeFileOptions {
  method: ConvMethod;
  sizes?: number[];
  tolerance: number;
  seed: number;
  json?: boolean;
  quiet?: boolean;
  plot?: string;
}

function sizeList(value: string): number[] {
  const sizes = value.split(',').map((part) => Number(part.trim()));
  if (sizes.length === 0 || sizes.some((size) => !Number.isSafeInteger(size) || size < 2)) {
    throw new InvalidArgumentError(`--sizes must be a comma-separated list of integers ≥ 2 but is "${value}".`);
  }
  return sizes;
}

export function registerConvergence(program: Command): void {
  const command = program.command('convergence');
  addEstimatorOptions(addProbeFileOptions(command));
  command
    .description('MI estimates at growing sample sizes (50, 100, 200, … N) and the size from which they stay within a tolerance')
    .addOption(new Option('--method <method>', 'for conv layers').choices(['concat', 'mean']).default('concat'))
    .option('--sizes <list>', 'sample sizes, e.g. 50,100,200 (default: doubling from 50, then N)', sizeList)
    .option('--tolerance <bits>', 'how close to the full-sample estimate counts as stable', positiveNumber('--tolerance'), 0.1)
    .option('--seed <seed>', 'seed of the random subsets', (value) => positiveInteger('--seed')(String(Number(value) + 1)) - 1, 0)
    .option('--plot <file>', 'also draw the curve into FILE.png or FILE.svg')
    .option('--json', 'print one JSON object')
    .option('--quiet', 'no progress bar')
    .addHelpText('after', '\nExample:\n  infoplane convergence --activations conv1.npy --labels y.npy --method mean --tolerance 0.05')
    .action(async (options: ConvergenceOptions) => {
      const estimator = createEstimator(estimatorSpecFromFlags(command));
      const data = loadProbeFiles(options);
      const n = data.activations.size(0);
      const bar = progress('sample sizes', options.sizes?.length ?? Math.ceil(Math.log2(n / 50)) + 1, { quiet: options.quiet || options.json });
      const result = convergence(estimator, data, {
        ...(options.sizes ? { sizes: options.sizes } : {}),
        tolerance: options.tolerance,
        seed: options.seed,
        method: options.method,
        onPoint: (point) => bar.tick(1, `N = ${point.samples}`),
      });
      bar.done();
      if (options.plot) await writeFigure(convergenceFigure(result, path.basename(options.activations)), options.plot);
      if (options.json) {
        process.stdout.write(`${JSON.stringify(result)}\n`);
        return;
      }
      process.stdout.write(`${'N'.padStart(7)}  ${'I(X;T) lower'.padStart(12)}  ${'upper'.padStart(8)}  ${'I(Y;T) lower'.padStart(12)}  ${'upper'.padStart(8)}   (bits)\n`);
      for (const { samples, estimate } of result.points) {
        process.stdout.write(`${String(samples).padStart(7)}  ${estimate.ixt.lower.toFixed(4).padStart(12)}  ${estimate.ixt.upper.toFixed(4).padStart(8)}  ${estimate.iyt.lower.toFixed(4).padStart(12)}  ${estimate.iyt.upper.toFixed(4).padStart(8)}\n`);
      }
      process.stdout.write(result.stableFrom === undefined
        ? `\nnot stable within ${result.tolerance} bits\n`
        : `\nstable within ${result.tolerance} bits of the N = ${result.points.at(-1)!.samples} estimate from N = ${result.stableFrom}\n`);
    });
}
