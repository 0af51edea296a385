/**
 * Bring your own network: a directory of activations written by any framework becomes a run directory
 * (`infoplane import`), with the information plane estimated from it, so the report, the dashboard and
 * re-estimation work on a model infoplane never trained.
 *
 * The layout read (what the README's PyTorch hook and Keras callback write):
 *   DIR/labels.npy            N class indices (any integer-valued dtype)
 *   DIR/input-ids.npy         optional: N input identities (Tishby's binning, when inputs repeat)
 *   DIR/inputs.npy            optional: the N inputs (the renyi and ksg estimators' I(X;T))
 *   DIR/epoch-E/LAYER.npy     per logged epoch E (any integer, padded or not), per layer: N × … activations
 * Layers are in network order as `layers` gives them, else as DIR/layers.txt lists them (one per line),
 * else in natural order of their file names (layer2 before layer10).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { readNpy, writeNpy } from '../data/npy.js';
import { type EstimatorSpec, classLabels, createEstimator, indexVector, labelEntropyBits, parseEstimatorSpec } from '../info/index.js';
import {
  CONFIG_SCHEMA_VERSION, type EpochRecord, type RunConfigFile, RunStore, epochDirectory, storedActivations,
} from '../store/index.js';
import { type Tensor, arange, engineInfo, keep, tensor, tidy } from '../tensor/index.js';
import { availableParallelism } from 'node:os';
import { type ExperimentConfig, resolveConfig } from './config.js';
import { histogram } from './probe.js';
import { flagEstimates } from '../info/validity.js';
import { estimateStoredEpoch } from './reestimate.js';
import { TIMING_PHASES } from '../store/schemas.js';

export interface ImportOptions {
  /** The run directory to write. */
  out: string;
  overwrite?: boolean;
  /** The run's name (default: the directory's). */
  name?: string;
  /** Layer names in network order (default: layers.txt, else natural order of the file names). */
  layers?: readonly string[];
  /** The estimators of the run's own plane (default: KDE σ² = 0.1 and binning 0.5, Saxe et al.'s). */
  estimators?: readonly EstimatorSpec[];
  /** What wrote the activations (recorded). */
  framework?: string;
  /** Number of classes (default: the largest label + 1). */
  numClasses?: number;
  onEpoch?: (event: { epoch: number; done: number; total: number }) => void;
}

const fail = (message: string): never => {
  throw new Error(message);
};

/** Natural order: digit runs compare as numbers (layer2 < layer10). */
function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** The epochs and layers a directory of activations holds, checked: every epoch has every layer. */
export function scanActivationDirectory(dir: string, layers?: readonly string[]): { epochs: { epoch: number; name: string }[]; layers: string[] } {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) fail(`${dir} is not a directory`);
  if (!existsSync(path.join(dir, 'labels.npy'))) fail(`${dir} has no labels.npy: save the N probe labels there (np.save('labels.npy', y))`);
  const epochs = readdirSync(dir).flatMap((name) => {
    const match = /^epoch[-_]?(\d+)$/.exec(name);
    return match && statSync(path.join(dir, name)).isDirectory() ? [{ epoch: Number(match[1]), name }] : [];
  }).sort((a, b) => a.epoch - b.epoch);
  if (epochs.length === 0) fail(`${dir} has no epoch-N directories: save each logged epoch's activations as epoch-N/LAYER.npy`);
  const repeated = epochs.find((entry, i) => i > 0 && entry.epoch === epochs[i - 1]!.epoch);
  if (repeated) fail(`${dir}: epoch ${repeated.epoch} appears twice (${epochs.filter((e) => e.epoch === repeated.epoch).map((e) => e.name).join(', ')})`);
  const found = readdirSync(path.join(dir, epochs[0]!.name)).filter((file) => file.endsWith('.npy')).map((file) => file.slice(0, -4));
  const listFile = path.join(dir, 'layers.txt');
  const order = layers ?? (existsSync(listFile) ? readFileSync(listFile, 'utf8').split('\n').map((line) => line.trim()).filter((line) => line !== '') : [...found].sort(naturalCompare));
  if (order.length === 0) fail(`${path.join(dir, epochs[0]!.name)} holds no LAYER.npy files`);
  for (const layer of order) if (!/^[A-Za-z0-9._-]+$/.test(layer)) fail(`layer name "${layer}" must be letters, digits, '.', '_' or '-' (it names files)`);
  for (const { name } of epochs) {
    const missing = order.filter((layer) => !existsSync(path.join(dir, name, `${layer}.npy`)));
    if (missing.length > 0) fail(`${path.join(dir, name)} lacks ${missing.map((layer) => `${layer}.npy`).join(', ')}: every epoch needs every layer`);
  }
  return { epochs, layers: [...order] };
}

/**
 * Imports the activations in `dir` as a run directory at `options.out` and estimates its plane.
 *
 * @example importActivations('exported/resnet-probe', { out: 'runs/resnet', framework: 'pytorch' })
 */
export function importActivations(dir: string, options: ImportOptions): { dir: string; epochs: number[]; layers: string[] } {
  const scan = scanActivationDirectory(dir, options.layers);
  const labelsRaw = readNpy(path.join(dir, 'labels.npy'));
  const rows = labelsRaw.shape[0] ?? 0;
  const { labels, numClasses } = tidy(() => {
    const raw = tensor(labelsRaw.data, labelsRaw.shape, { dtype: labelsRaw.dtype });
    try {
      return classLabels(raw, { samples: rows, ...(options.numClasses ? { numClasses: options.numClasses } : {}) });
    } catch (error) {
      return fail(`${path.join(dir, 'labels.npy')}: ${(error as Error).message}`);
    }
  });
  const idsFile = path.join(dir, 'input-ids.npy');
  const inputIds = existsSync(idsFile)
    ? tidy(() => {
      const raw = readNpy(idsFile);
      return keep(indexVector(tensor(raw.data, raw.shape, { dtype: raw.dtype }), 'input ids', rows));
    })
    : keep(arange(rows));
  // Each layer's per-sample shape and dtype, from the first epoch; every epoch must agree.
  const shapes = new Map<string, number[]>();
  for (const { name } of scan.epochs) {
    for (const layer of scan.layers) {
      const file = path.join(dir, name, `${layer}.npy`);
      const array = readNpy(file);
      if (!['float32', 'float64', 'float16'].includes(array.dtype)) fail(`${file}: activations must be floating point (float16, float32 or float64), not ${array.dtype}`);
      if (array.shape[0] !== rows) fail(`${file}: ${array.shape[0]} rows but labels.npy has ${rows}: one row per probe sample, in the labels' order`);
      const shape = array.shape.slice(1);
      const first = shapes.get(layer);
      if (!first) shapes.set(layer, shape);
      else if (first.join() !== shape.join()) fail(`${file}: shape [${shape.join(', ')}] per sample, but [${first.join(', ')}] in the first epoch`);
    }
  }
  const estimators = (options.estimators ?? [{ name: 'kde', noiseVariance: 0.1 }, { name: 'bin', binsize: 0.5 }]).map((spec) => parseEstimatorSpec(spec));
  const epochs = scan.epochs.map((entry) => entry.epoch);
  const config: ExperimentConfig = resolveConfig({
    name: options.name ?? path.basename(path.resolve(options.out)),
    dataset: { name: 'imported', from: path.resolve(dir), ...(options.framework ? { framework: options.framework } : {}) },
    // Placeholders (the dataset says the network was trained elsewhere; nothing reads them).
    model: { layers: [{ type: 'flatten' }] },
    optimizer: { type: 'sgd' },
    batchSize: 'full',
    epochs: epochs.at(-1)!,
    logEpochs: epochs,
    estimators,
    saveActivations: 'all',
    probe: { examples: 0 },
  });
  const store = RunStore.create(options.out, { overwrite: options.overwrite ?? false });
  const root = store.file('activations');
  mkdirSync(root, { recursive: true });
  try {
    writeNpy(path.join(root, 'labels.npy'), labels);
    writeNpy(path.join(root, 'input-ids.npy'), inputIds);
    if (existsSync(path.join(dir, 'inputs.npy'))) copyFileSync(path.join(dir, 'inputs.npy'), path.join(root, 'inputs.npy'));
    for (const { epoch, name } of scan.epochs) {
      mkdirSync(path.join(root, epochDirectory(epoch)), { recursive: true });
      for (const layer of scan.layers) copyFileSync(path.join(dir, name, `${layer}.npy`), path.join(root, epochDirectory(epoch), `${layer}.npy`));
    }
    const info = engineInfo();
    const file: RunConfigFile = {
      schemaVersion: CONFIG_SCHEMA_VERSION,
      config,
      run: {
        createdAt: new Date().toISOString(),
        engine: { libtorch: info.libtorchVersion, blas: info.blasCore, threads: info.threads, cpus: availableParallelism() },
        trainSamples: 0,
        testSamples: 0,
        numClasses,
        batchesPerEpoch: 0,
        logEpochs: epochs,
        probe: { samples: rows, set: 'all', hX: Math.log2(rows), hY: labelEntropyBits(labels, numClasses) },
        layers: scan.layers.map((layer) => ({ name: layer, type: 'imported', shape: shapes.get(layer)! })),
        activations: {
          request: 'all', rows, dtype: 'float32', bytesPerEpoch: 0, totalBytes: 0, budgetBytes: 0, freeBytes: null,
          decision: `imported from ${path.resolve(dir)}: ${epochs.length} epochs × ${scan.layers.length} layers, copied as written`,
        },
      },
    };
    store.writeConfig(file);
    store.writeStatus({ state: 'running', epoch: -1, epochs: epochs.at(-1)! });
    const stored = storedActivations(store.dir, file);
    const settings = estimators.map((spec) => ({ spec, estimator: createEstimator(spec) }));
    const probe = { labels, inputIds, numClasses, rows, layerShapes: shapes, methods: config.convMethods };
    const bounds = { samples: rows, hY: file.run.probe.hY };
    const started = performance.now();
    scan.epochs.forEach(({ epoch }, index) => {
      const start = performance.now();
      const histograms = new Map<string, ReturnType<typeof histogram>>();
      const perSetting = estimateStoredEpoch(stored, epoch, settings, probe, (layer, activations: Tensor) => histograms.set(layer, histogram(activations, config.dynamics.histogramBins)));
      const layers = scan.layers.map((layer) => ({
        name: layer, type: 'imported', activation: null, shape: shapes.get(layer)!,
        estimates: perSetting.flatMap((setting) => setting.find((entry) => entry.name === layer)?.estimates ?? []),
        gradient: null, weightNorm: {}, histogram: histograms.get(layer)!, kdeDerivative: null,
      }));
      flagEstimates(layers, bounds);
      const timings = Object.fromEntries(TIMING_PHASES.map((phase) => [phase, phase === 'mi' ? (performance.now() - start) / 1000 : 0])) as EpochRecord['timings'];
      const record: EpochRecord = {
        epoch, step: 0, elapsedSeconds: (performance.now() - started) / 1000,
        train: { loss: Number.NaN, accuracy: Number.NaN }, test: { loss: Number.NaN, accuracy: Number.NaN },
        layers, lossDynamics: null, snrMode: 'minibatch', timings,
      };
      store.appendMetrics(record);
      store.writeStatus({ state: 'running', epoch, epochs: epochs.at(-1)! });
      options.onEpoch?.({ epoch, done: index + 1, total: epochs.length });
    });
    store.writeStatus({ state: 'finished', epoch: epochs.at(-1)!, epochs: epochs.at(-1)! });
  } catch (error) {
    store.writeStatus({ state: 'failed', epoch: -1, epochs: epochs.at(-1)!, error: (error as Error).message });
    throw error;
  } finally {
    labels.dispose();
    inputIds.dispose();
  }
  return { dir: store.dir, epochs, layers: scan.layers };
}
