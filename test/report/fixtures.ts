/**
 * Small real runs for figure, report and dashboard tests, written once per test process by the runner
 * itself (a few seconds): an MLP on the 12-bit task and a small CNN on 2 % of MNIST with both conv methods.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveConfig, type ExperimentConfigInput } from '../../src/experiment/config.js';
import { runExperiment } from '../../src/experiment/runner.js';
import { type RunData, readRun } from '../../src/store/index.js';
import { tinyConfig } from '../experiment/fixtures.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'infoplane-report-fixtures-'));

export const MLP_CONFIG: ExperimentConfigInput = { ...tinyConfig, name: 'tiny-mlp', epochs: 6, dynamics: { kdeDerivativeSamples: 50, identitySteps: 1 } };

export const CNN_CONFIG: ExperimentConfigInput = {
  name: 'tiny-cnn',
  dataset: { name: 'mnist' },
  trainFraction: 0.02,
  model: {
    layers: [
      { type: 'conv2d', filters: 3, kernelSize: 3, activation: 'relu' },
      { type: 'maxPooling2d', poolSize: 2 },
      { type: 'flatten' },
      { type: 'dense', units: 10, activation: 'softmax' },
    ],
  },
  optimizer: { type: 'adadelta' },
  batchSize: 128,
  epochs: 2,
  seed: 1,
  logEpochs: 'every',
  probe: { set: 'test', size: 200 },
  estimators: [{ name: 'kde', noiseVariance: 0.1 }],
  convMethods: ['concat', 'mean'],
  dynamics: { kdeDerivativeSamples: 50, identitySteps: 0 },
};

const made = new Map<string, Promise<string>>();

/** The directory of a run of `config`, trained once per process. */
export function fixtureRunDir(config: ExperimentConfigInput): Promise<string> {
  const name = config.name ?? 'run';
  if (!made.has(name)) {
    const dir = path.join(root, name);
    made.set(name, runExperiment({ config: resolveConfig(config), out: dir }).then(() => dir));
  }
  return made.get(name)!;
}

/** The run of `config` as the reader gives it. */
export async function fixtureRun(config: ExperimentConfigInput): Promise<RunData> {
  return readRun(await fixtureRunDir(config));
}
