/** A small experiment on the generated 12-bit task: a few seconds end to end, every feature exercised. */
import type { ExperimentConfigInput } from '../../src/experiment/config.js';

export const tinyConfig: ExperimentConfigInput = {
  name: 'tiny',
  dataset: { name: 'ib12', source: 'generated', testFraction: 0.25 },
  model: { layers: [{ type: 'dense', units: 6, activation: 'tanh' }, { type: 'dense', units: 4, activation: 'tanh' }, { type: 'dense', units: 2, activation: 'softmax' }] },
  optimizer: { type: 'sgd', learningRate: 0.05 },
  batchSize: 256,
  epochs: 4,
  seed: 3,
  logEpochs: 'every',
  probe: { set: 'test', size: 300 },
  estimators: [{ name: 'kde', noiseVariance: 0.1 }, { name: 'bin' }],
  dynamics: { kdeDerivativeSamples: 50 },
};
