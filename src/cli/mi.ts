/** `infoplane mi`: estimate I(X;T) and I(Y;T) for activations saved as NPY by any framework. */
import { type Command, Option } from 'commander';
import {
  type ConvMethod, type MethodEstimate, createEstimator, estimateLayer, labelEntropyBits,
} from '../info/index.js';
import {
  type ProbeFileOptions, addEstimatorOptions, addProbeFileOptions, estimatorSpecFromFlags, loadProbeFiles,
} from './probe-files.js';

interface MiOptions extends ProbeFileOptions {
  method: ConvMethod | 'both';
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
  const command = program.command('mi');
  addEstimatorOptions(addProbeFileOptions(command));
  command
    .description('estimate I(X;T) and I(Y;T) (bits) of one layer from activations saved as NPY')
    .addOption(new Option('--method <method>', 'for conv layers: concat, mean, or both').choices(['concat', 'mean', 'both']).default('concat'))
    .option('--per-channel', 'with the mean method, print each channel')
    .option('--json', 'print one JSON object')
    .addHelpText('after', '\nExample:\n  infoplane mi --activations layer3.npy --labels y.npy --estimator kde --noise-variance 0.1')
    .action((options: MiOptions) => {
      const estimator = createEstimator(estimatorSpecFromFlags(command));
      const data = loadProbeFiles(options);
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
