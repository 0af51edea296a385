/**
 * A run's description for config.json: the resolved config (everything to reproduce the run, seeds
 * included) and what a reader needs to draw it — the engine, the data's sizes, the logged epochs and what
 * "epoch" means, the probe set with its bounds H(X) and H(Y), the layers.
 */
import { availableParallelism } from 'node:os';
import { size } from '../data/dataset.js';
import { labelEntropyBits } from '../info/index.js';
import type { Sequential } from '../nn/index.js';
import { engineInfo } from '../tensor/index.js';
import { type ActivationStorage, CONFIG_SCHEMA_VERSION, type RunConfigFile } from '../store/index.js';
import type { ExperimentConfig } from './config.js';
import type { ExperimentData } from './data.js';

/**
 * What our epoch numbers mean, beside ibsgd's (see schedule.ts): a plot against Saxe et al.'s records
 * puts our epoch e at their e − 1.
 */
export const EPOCH_NUMBERING = {
  epoch0: 'the untrained network, before any optimizer step',
  epochE: 'the network after e full epochs of training',
  ibsgd: "ibsgd's record 'epoch e' (Keras' 0-based on_epoch_end index) is the network after e + 1 epochs: our epoch e + 1",
} as const;

export function describeRun(options: {
  config: ExperimentConfig;
  data: ExperimentData;
  model: Sequential;
  batchesPerEpoch: number;
  logEpochs: readonly number[];
  activations: ActivationStorage;
  createdAt?: string;
}): RunConfigFile {
  const { config, data, model } = options;
  const info = engineInfo();
  const probeSamples = data.probe.inputs.size(0);
  const labels = data.probe.labels.toNumbers();
  return {
    schemaVersion: CONFIG_SCHEMA_VERSION,
    config,
    run: {
      createdAt: options.createdAt ?? new Date().toISOString(),
      engine: { libtorch: info.libtorchVersion, blas: info.blasCore, threads: info.threads, cpus: availableParallelism() },
      trainSamples: size(data.train),
      testSamples: size(data.test),
      numClasses: data.numClasses,
      batchesPerEpoch: options.batchesPerEpoch,
      logEpochs: [...options.logEpochs],
      epochNumbering: { ...EPOCH_NUMBERING },
      probe: {
        samples: probeSamples,
        set: config.probe.set,
        hX: Math.log2(probeSamples),
        hY: labelEntropyBits(data.probe.labels, data.numClasses),
      },
      layers: model.layers.map((layer, i) => ({ name: layer.name, type: layer.type, shape: [...model.layerShapes[i]!] })),
      activations: options.activations,
      examples: {
        probeIndices: [...data.probe.exampleIndices],
        labels: data.probe.exampleIndices.map((i) => labels[i]!),
        inputShape: data.sampleShape,
      },
    },
  };
}
