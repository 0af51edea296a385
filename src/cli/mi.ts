/** `infoplane mi`: estimate I(X;T) and I(Y;T) for activations saved as NPY by any framework. */
import { type Command, Option } from 'commander';
import {
  type ConvMethod, ESTIMATORS, type EstimatorName, type MethodEstimate, createEstimator, estimateLayer, labelEntropyBits,
} from '../info/index.js';
import { loadProbeFiles, positiveInteger, positiveNumber } from './probe-files.js';

interface MiOptions {
  activations: string;
  labels: string;
  inputs?: string;
  inputIds?: string;
  classes?: number;
  estimator: EstimatorName;
  method: ConvMethod | 'both';
  noiseVariance?: number;
  binsize?: number;
  numBins?: number;
  alpha?: number;
  kernelWidth?: number;
  perChannel?: boolean;
  json?: boolean;
}

const fixed = (value: number): string => value.toFixed(4).padStart(9);

function formatEstimate(estimate: MethodEstimate, perChannel: boolean): string {
  const bounded = estimate.ixt.lower !== estimate.ixt.upper || estimate.iyt.lower !== estimate.iyt.upper;
  const rows = [
    bounded ? `            ${'lower'.padStart(9)} ${'upper'.padStart(9)}` : '',
    ...([['I(X;T)', estimate.ixt], ['I(Y;T)', estimate.iyt], ['H(T)', estimate.ht]] as const).map(([name, value]) =>
      `  ${name.padEnd(8)}  ${bounded ? `${fixed(value.lower)} ${fixed(value.upper)}` : fixed(value.upper)}  bits`),
  ].filter((row) => row !== '');
  if (perChannel && estimate.perChannel) {
    rows.push('  per channel: I(X;T) upper, I(Y;T) upper');
    estimate.perChannel.forEach((channel, c) => rows.push(`    ${String(c).padStart(4)}  ${fixed(channel.ixt.upper)} ${fixed(channel.iyt.upper)}`));
  }
  return rows.join('\n');
}

export function registerMi(program: Command): void {
  program
    .command('mi')
    .description('estimate I(X;T) and I(Y;T) (bits) of one layer from activations saved as NPY')
    .requiredOption('--activations <file>', 'N×d or N×C×H×W activations (.npy, float32/float64)')
    .requiredOption('--labels <file>', 'N class indices (.npy, any integer dtype)')
    .option('--inputs <file>', 'N inputs (.npy): the Rényi estimator needs them for I(X;T)')
    .option('--input-ids <file>', 'N input identities (.npy): Tishby binning uses them when inputs repeat')
    .option('--classes <count>', 'number of classes (default: largest label + 1)', positiveInteger('--classes'))
    .addOption(new Option('--estimator <name>', 'estimator').choices(ESTIMATORS).default('kde'))
    .addOption(new Option('--method <method>', 'for conv layers: concat, mean, or both').choices(['concat', 'mean', 'both']).default('concat'))
    .option('--noise-variance <σ²>', 'kde: noise variance', positiveNumber('--noise-variance'))
    .option('--binsize <width>', 'bin: bin width', positiveNumber('--binsize'))
    .option('--num-bins <count>', 'tishby-bin: bins on [−1, 1]', positiveInteger('--num-bins'))
    .option('--alpha <α>', 'renyi: order α', positiveNumber('--alpha'))
    .option('--kernel-width <σ>', 'renyi: Gaussian kernel width', positiveNumber('--kernel-width'))
    .option('--per-channel', 'with the mean method, print each channel')
    .option('--json', 'print one JSON object')
    .addHelpText('after', '\nExample:\n  infoplane mi --activations layer3.npy --labels y.npy --estimator kde --noise-variance 0.1')
    .action((options: MiOptions) => {
      const data = loadProbeFiles(options);
      const estimator = createEstimator(options.estimator, options);
      const methods: ConvMethod[] = options.method === 'both' ? ['concat', 'mean'] : [options.method];
      const estimates = methods.map((method) => estimateLayer(estimator, data, method));
      const n = data.activations.size(0);
      const bounds = { hX: Math.log2(n), hY: labelEntropyBits(data.labels, data.numClasses) };
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ samples: n, shape: data.activations.shape, ...bounds, estimates })}\n`);
        return;
      }
      process.stdout.write(`${options.activations}: ${n} samples, shape [${data.activations.shape.join(', ')}], ${data.numClasses} classes\n`);
      for (const estimate of estimates) {
        const parameters = Object.entries(estimate.parameters).filter(([key]) => !['estimator', 'samples'].includes(key)).map(([key, value]) => `${key} ${value}`).join(', ');
        process.stdout.write(`\n${estimator.name}, ${estimate.method} method (${parameters})\n${formatEstimate(estimate, options.perChannel ?? false)}\n`);
      }
      process.stdout.write(`\nbounds: H(X) = log₂ N = ${bounds.hX.toFixed(4)} bits (distinct inputs), H(Y) = ${bounds.hY.toFixed(4)} bits\n`);
    });
}
