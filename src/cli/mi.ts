/** `infoplane mi`: estimate I(X;T) and I(Y;T) for activations saved as NPY by any framework. */
import path from 'node:path';
import { type Command, Option } from 'commander';
import {
  type ConvMethod, type MethodEstimate, createEstimator, estimateLayer, labelEntropyBits,
} from '../info/index.js';
import { type ValidityFlag, flagEstimates } from '../info/validity.js';
import {
  type ProbeFileOptions, activationLayers, addEstimatorOptions, addProbeFileOptions, estimatorSpecFromFlags, loadProbeFiles,
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
    .description('estimate I(X;T) and I(Y;T) (bits) of a layer saved as NPY, or of every layer of an NPZ, with validity flags')
    .addOption(new Option('--method <method>', 'for conv layers: concat, mean, or both').choices(['concat', 'mean', 'both']).default('concat'))
    .option('--per-channel', 'with the mean method, print each channel')
    .option('--json', 'print one JSON object')
    .addHelpText('after', '\nExamples:\n  infoplane mi --activations layer3.npy --labels y.npy --estimator kde --noise-variance 0.1'
      + '\n  infoplane mi --activations epoch-20.npz --labels y.npy --estimator bin --binsize 0.5   # every layer of the archive, in its order')
    .action((options: MiOptions) => {
      const estimator = createEstimator(estimatorSpecFromFlags(command));
      const data = loadProbeFiles(options);
      const layers = options.activations.toLowerCase().endsWith('.npz') ? activationLayers(options.activations) : [{ name: path.basename(options.activations), activations: data.activations }];
      const methods: ConvMethod[] = options.method === 'both' ? ['concat', 'mean'] : [options.method];
      const n = data.activations.size(0);
      const bounds = { hX: Math.log2(n), hY: labelEntropyBits(data.labels, data.numClasses) };
      const estimated = layers.map((layer) => {
        if (layer.activations.size(0) !== n) throw new Error(`${options.activations}[${layer.name}]: ${layer.activations.size(0)} rows but the labels have ${n}`);
        return { name: layer.name, shape: layer.activations.shape, estimates: methods.map((method) => ({ estimator: estimator.name, ...estimateLayer(estimator, { ...data, activations: layer.activations }, method) })) };
      });
      // Flags on each estimate, and the data-processing check along the archive's layers (src/info/validity.ts).
      flagEstimates(estimated, { samples: n, hY: bounds.hY });
      if (options.json) {
        const json = estimated.map((layer) => ({ ...layer, estimates: layer.estimates.map(({ estimator: _name, ...estimate }) => estimate) }));
        process.stdout.write(`${JSON.stringify({ samples: n, ...(layers.length === 1 ? { shape: json[0]!.shape, estimates: json[0]!.estimates } : { layers: json }), ...bounds })}\n`);
        return;
      }
      process.stdout.write(`${options.activations}: ${n} samples, ${layers.length === 1 ? `shape [${data.activations.shape.join(', ')}]` : `${layers.length} layers`}, ${data.numClasses} classes\n`);
      for (const layer of estimated) {
        for (const estimate of layer.estimates) {
          const parameters = Object.entries(estimate.parameters).filter(([key]) => !['estimator', 'samples'].includes(key)).map(([key, value]) => `${key} ${value}`).join(', ');
          process.stdout.write(`\n${layers.length > 1 ? `${layer.name} [${layer.shape.slice(1).join('×')}]: ` : ''}${estimator.name}, ${estimate.method} method (${parameters})\n${formatEstimate(estimate, options.perChannel ?? false)}\n`);
          for (const flag of (estimate as { flags?: ValidityFlag[] }).flags ?? []) process.stdout.write(`  ⚑ ${flag.code}: ${flag.message}\n`);
        }
      }
      process.stdout.write(`\nbounds: H(X) = log₂ N = ${bounds.hX.toFixed(4)} bits (distinct inputs), H(Y) = ${bounds.hY.toFixed(4)} bits\n`);
    });
}
