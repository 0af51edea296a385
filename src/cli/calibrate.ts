/** `infoplane calibrate`: choose the KDE noise variance σ² the way the paper did, and show the curve. */
import { type Command, Option } from 'commander';
import { CALIBRATION_CRITERIA, type CalibrationCriterion, calibrateNoiseVariance, logGrid } from '../info/index.js';
import path from 'node:path';
import { calibrationFigure } from '../report/figures/estimator-curves.js';
import { writeFigure } from '../report/report.js';
import { progress } from './progress.js';
import { loadProbeFiles, positiveInteger, positiveNumber } from './probe-files.js';

interface CalibrateOptions {
  activations: string;
  labels: string;
  classes?: number;
  criterion: CalibrationCriterion;
  min: number;
  max: number;
  steps: number;
  json?: boolean;
  quiet?: boolean;
  plot?: string;
}

export function registerCalibrate(program: Command): void {
  program
    .command('calibrate')
    .description('pick the KDE σ² at which the estimate of I(Y;T) matches H(Y) within the bound gap (largest such σ² on a log grid)')
    .requiredOption('--activations <file>', 'N×d or N×C×H×W activations (.npy)')
    .requiredOption('--labels <file>', 'N class indices (.npy)')
    .option('--classes <count>', 'number of classes (default: largest label + 1)', positiveInteger('--classes'))
    .addOption(new Option('--criterion <which>', 'which estimate must match H(Y): the upper bound, the lower bound or their midpoint').choices(CALIBRATION_CRITERIA).default('midpoint'))
    .option('--min <σ²>', 'smallest σ² on the grid', positiveNumber('--min'), 1e-3)
    .option('--max <σ²>', 'largest σ² on the grid', positiveNumber('--max'), 10)
    .option('--steps <count>', 'grid points (log-spaced)', positiveInteger('--steps'), 25)
    .option('--plot <file>', 'also draw the curve into FILE.png or FILE.svg')
    .option('--json', 'print one JSON object')
    .option('--quiet', 'no progress bar')
    .addHelpText('after', '\nExample:\n  infoplane calibrate --activations last-hidden.npy --labels y.npy --criterion midpoint')
    .action(async (options: CalibrateOptions) => {
      const data = loadProbeFiles(options);
      const grid = logGrid(options.min, options.max, options.steps);
      const bar = progress('calibrating σ²', grid.length, { quiet: options.quiet || options.json });
      const result = calibrateNoiseVariance(data, {
        criterion: options.criterion,
        grid,
        onPoint: (point) => bar.tick(1, `σ² ${point.noiseVariance.toPrecision(3)}: I(Y;T) ${point.iyt.lower.toFixed(3)}…${point.iyt.upper.toFixed(3)}`),
      });
      bar.done();
      if (options.plot) await writeFigure(calibrationFigure(result, path.basename(options.activations)), options.plot);
      if (options.json) {
        process.stdout.write(`${JSON.stringify(result)}\n`);
        return;
      }
      const width = 40;
      const scale = (bits: number): number => Math.max(0, Math.min(width, Math.round((bits / result.labelEntropy) * width)));
      process.stdout.write(`H(Y) = ${result.labelEntropy.toFixed(4)} bits; criterion: the ${result.criterion} estimate within the bound gap of H(Y)\n\n`);
      process.stdout.write(`${'σ²'.padStart(10)}  ${'lower'.padStart(7)}  ${'upper'.padStart(7)}  match  I(Y;T) from 0 to H(Y): − lower … upper +, | H(Y)\n`);
      for (const point of result.points) {
        const row: string[] = Array.from({ length: width + 1 }, (_, i) => (i === width ? '|' : ' '));
        for (let i = scale(point.iyt.lower); i <= scale(point.iyt.upper); i++) row[i] = '·';
        row[scale(point.iyt.lower)] = '−';
        row[scale(point.iyt.upper)] = '+';
        const chosen = point.noiseVariance === result.noiseVariance ? '  ← chosen' : '';
        process.stdout.write(`${point.noiseVariance.toPrecision(4).padStart(10)}  ${point.iyt.lower.toFixed(4)}  ${point.iyt.upper.toFixed(4)}  ${point.matches ? ' yes ' : '  no '}  ${row.join('')}${chosen}\n`);
      }
      process.stdout.write(result.noiseVariance === undefined
        ? '\nno σ² on the grid matches: widen the grid (--min, --max) or check that the layer separates the classes\n'
        : `\nσ² = ${result.noiseVariance.toPrecision(4)}\n`);
    });
}
