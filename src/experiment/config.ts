/**
 * Experiment configs: one validated schema (an invalid field is an error naming the field and what is
 * allowed), defaults filled in, command-line overrides (`--set model.activation=relu`), and the resolved
 * form written to a run's config.json — complete, seeds included, enough to reproduce the run alone.
 */
import { z } from 'zod';
import { DEFAULT_CLUSTERING_SAMPLES, estimatorSpecSchema } from '../info/index.js';
import { LOSSES, layerSpecSchema } from '../nn/index.js';
import { INITIALIZERS } from '../nn/init.js';
import { ACTIVATIONS } from '../nn/activations.js';
import { optimizerSpecSchema } from '../optim/index.js';
import { parseWithSchema } from '../schema.js';
import { LOG_SCHEDULES } from './schedule.js';

const fraction = z.number().gt(0).max(1);

const datasetSchema = z.discriminatedUnion('name', [
  z.object({
    name: z.literal('mnist'),
    /**
     * Pixel range after scaling: [0, 1] (x/255, as ibsgd `utils.get_mnist` and Keras' mnist_cnn.py), or
     * [−1, 1] (x·2 − 1; a line ibsgd has commented out).
     */
    range: z.enum(['0-1', '-1-1']).default('0-1'),
  }).strict(),
  z.object({ name: z.literal('fashion-mnist'), range: z.enum(['0-1', '-1-1']).default('0-1') }).strict(),
  z.object({
    name: z.literal('ib12'),
    /**
     * 'file': the published var_u.mat of Shwartz-Ziv & Tishby's and Saxe et al.'s figures (the repository's
     * copy unless `path` names another); 'generated': the documented stand-in of src/data/ib12.ts.
     */
    source: z.enum(['file', 'generated']).default('file'),
    /** With source 'file': the .mat file (default: the shipped datasets/var_u.mat). */
    path: z.string().optional(),
    /** With source 'generated': the generator's seed. */
    generatorSeed: z.number().int().min(0).default(0),
    /**
     * The share held out as the test set: ibsgd's split (utils.data_shuffle with 80 % for training) is a
     * random permutation whose first rint(80 % · 4096) = 3277 patterns train and the other 819 test.
     */
    testFraction: z.number().gt(0).lt(1).default(0.2),
  }).strict(),
  z.object({
    /**
     * Activations written by another framework (`infoplane import`): the run holds no network to train, so
     * its model, optimizer and batch size are placeholders no one reads and the runner refuses it.
     */
    name: z.literal('imported'),
    /** The directory the activations were imported from. */
    from: z.string(),
    /** What wrote them, if said (e.g. 'pytorch', 'keras'). */
    framework: z.string().optional(),
  }).strict(),
  z.object({
    name: z.literal('npy'),
    trainInputs: z.string(),
    trainLabels: z.string(),
    testInputs: z.string().optional(),
    testLabels: z.string().optional(),
    /** Without test files: the share of the training files held out. */
    testFraction: z.number().gt(0).lt(1).default(0.2),
  }).strict(),
]);

export const experimentConfigSchema = z.object({
  name: z.string().min(1).default('run'),
  dataset: datasetSchema,
  /** Shwartz-Ziv & Tishby's data-size study: train on a random share of the training set (e.g. 0.05). */
  trainFraction: fraction.default(1),
  /** Train on randomly relabelled data (Zhang et al.). */
  randomLabels: z.boolean().default(false),
  model: z.object({
    layers: z.array(layerSpecSchema).min(1),
    initializer: z.enum(INITIALIZERS).default('keras'),
    /** Overrides every hidden layer's activation (the last layer keeps its own), e.g. 'relu'. */
    activation: z.enum(ACTIVATIONS).optional(),
    dtype: z.enum(['float32', 'float64']).default('float32'),
  }).strict(),
  optimizer: optimizerSpecSchema,
  loss: z.enum(LOSSES).default('categorical_crossentropy'),
  /** Minibatch size, or 'full' for full-batch gradient descent. */
  batchSize: z.union([z.number().int().positive(), z.literal('full')]),
  epochs: z.number().int().min(0),
  seed: z.number().int().min(0).default(0),
  /**
   * 'saxe' (ibsgd's MNIST schedule: every epoch < 20, every 5th < 100, every 10th < 200, then every 100th),
   * 'saxe-ibnet' (its 12-bit schedule: every 20th < 2000 instead), 'every', or a list (see schedule.ts).
   */
  logEpochs: z.union([z.enum(LOG_SCHEDULES), z.array(z.number().int().min(0))]).default('saxe'),
  probe: z.object({
    /** The test set, the training set, or both together ('all', as Saxe et al.'s FULL_MI). */
    set: z.enum(['test', 'train', 'all']).default('test'),
    /** Probe samples (a seeded class-stratified random subset of the set), or 'all'. */
    size: z.union([z.number().int().min(2), z.literal('all')]).default('all'),
    /**
     * Probe examples whose every layer's activations are stored at each logged epoch (the activation
     * images of the paper's Figure 10): the first probe sample of each class in class order, then the next
     * ones; 0 for none.
     */
    examples: z.number().int().min(0).default(4),
  }).strict().default({}),
  /** Each estimator's options as src/info/estimator-spec.ts defines them, defaults filled in. */
  estimators: z.array(estimatorSpecSchema).min(1).default([{ name: 'kde', noiseVariance: 0.1 }]),
  /** For conv layers: the paper's concat and/or mean methods. */
  convMethods: z.array(z.enum(['concat', 'mean'])).min(1).default(['concat']),
  clustering: z.object({
    /**
     * Each layer's class clustering at each logged epoch (src/info/clustering.ts: mean silhouette and
     * within/between class distance ratio, Goldfeld et al. 2019's reading of compression) on the first
     * this many probe samples; 0: off.
     */
    samples: z.number().int().min(0).refine((samples) => samples !== 1, 'must be 0 (off) or at least 2').default(DEFAULT_CLUSTERING_SAMPLES),
  }).strict().default({}),
  dynamics: z.object({
    /** Per-layer gradient mean, std and SNR over each logged epoch's minibatches. */
    gradientStats: z.boolean().default(true),
    /**
     * 'minibatch': one network's gradients on each minibatch of the logged epoch — what Tishby's code does
     * (IDNNs networks/network.py keeps every batch's gradient of the one network it trains) and Saxe et
     * al.'s (ibsgd loggingreporter.py). 'replicas': the paper's §2.3.3 description instead — K copies of the
     * network, each trained on its own fixed minibatch, gradients compared across copies. Configs written
     * with the earlier name 'parallel' for 'replicas' still load.
     */
    snr: z.preprocess((value) => (value === 'parallel' ? 'replicas' : value), z.enum(['minibatch', 'replicas'])).default('minibatch'),
    /** With snr 'replicas': how many networks. */
    replicas: z.number().int().min(2).default(16),
    /** Loss dynamics: measured loss change against −α·‖μ‖² (and −α·‖∇L‖² with its layer terms in full-batch mode). */
    lossDynamics: z.boolean().default(true),
    /**
     * Steps per logged epoch tested exactly (src/dynamics/loss-dynamics.ts): the full loss before and after
     * the step against ∇L·Δθ and the trapezoid second order, and G^l from the pre-activations against the
     * appendix's recursion. Each costs two passes over the training set; full-batch mode tests its one step.
     */
    identitySteps: z.number().int().min(0).default(1),
    /** The KDE time derivative (§3.2.4) on this many probe samples (0: off). */
    kdeDerivativeSamples: z.number().int().min(0).default(1000),
    /** Bins of each layer's activation histogram. */
    histogramBins: z.number().int().min(2).default(50),
  }).strict().default({}),
  /**
   * Seconds between checkpoints of unlogged epochs (each logged epoch and the last are always
   * checkpointed): a killed run loses at most this much training, and a resume still equals the
   * uninterrupted run. 0 checkpoints every epoch (an fsync each: a third of an unlogged 12-bit epoch).
   */
  checkpointSeconds: z.number().min(0).default(5),
  /**
   * Keep each logged epoch's probe activations (activations/epoch-N/LAYER.npy, with the probe's labels and
   * input ids once) for re-estimation without retraining (`infoplane reestimate`): 'auto' keeps all of
   * them when they fit `activationStorage.budgetMiB` and half the free disk, else none (what was decided,
   * and why, is recorded in config.json's run.activations); 'all', 'none', or the first k probe samples.
   */
  saveActivations: z.union([z.enum(['auto', 'none', 'all']), z.number().int().positive()]).default('auto'),
  activationStorage: z.object({
    /** float32 keeps the values the estimators saw (re-estimation reproduces the run exactly); float16 halves the bytes. */
    dtype: z.enum(['float32', 'float16']).default('float32'),
    /** The most disk 'auto' may fill with activations, MiB. */
    budgetMiB: z.number().positive().default(2048),
  }).strict().default({}),
}).strict();

export type ExperimentConfigInput = z.input<typeof experimentConfigSchema>;
export type ExperimentConfig = z.output<typeof experimentConfigSchema>;

/** Validates a config and fills in defaults. */
export function resolveConfig(value: unknown): ExperimentConfig {
  const config = parseWithSchema(experimentConfigSchema, value, 'experiment config');
  if (config.dynamics.snr === 'replicas' && config.batchSize === 'full') {
    throw new Error('Invalid experiment config:\n- dynamics.snr: "replicas" trains one network per minibatch and needs a numeric batchSize, not "full"');
  }
  return config;
}

/** Parses a --set value: JSON when it parses (numbers, booleans, arrays, objects), else the string itself. */
function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Applies `path=value` overrides to a plain config object (before validation), creating objects on the
 * way; array indices are numbers: `model.layers.0.units=512`.
 *
 * @example applyOverrides(config, ['model.activation=relu', 'epochs=5'])
 */
export function applyOverrides(config: Record<string, unknown>, overrides: readonly string[]): Record<string, unknown> {
  const result = structuredClone(config);
  for (const override of overrides) {
    const equals = override.indexOf('=');
    if (equals <= 0) throw new Error(`--set expects path=value (e.g. model.activation=relu) but received "${override}"`);
    const path = override.slice(0, equals).split('.');
    let target: Record<string, unknown> = result;
    for (const key of path.slice(0, -1)) {
      const next = target[key];
      if (next === undefined) target[key] = {};
      else if (typeof next !== 'object' || next === null) throw new Error(`--set ${override}: ${key} is not an object in the config`);
      target = target[key] as Record<string, unknown>;
    }
    target[path.at(-1)!] = parseValue(override.slice(equals + 1));
  }
  return result;
}
