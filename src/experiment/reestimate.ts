/**
 * Re-estimation without retraining: the whole information plane computed again, for other estimator
 * settings, from a run's stored probe activations (activations/epoch-N/LAYER.npy with labels.npy and
 * input-ids.npy), into reestimates/ID/ beside the original (the format: src/store/schemas.ts).
 *
 * Each logged epoch's layers are read once and every setting is estimated on them, so the files are read
 * once per epoch whatever the number of settings. The kernel work runs on libtorch's threads, set to the
 * run's own count: re-estimating with the run's own settings then reproduces its numbers exactly (the
 * reductions' order depends on the thread count). A re-estimation killed part-way keeps every finished
 * epoch and goes on from there when run again.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { npyToTensor } from '../data/npy.js';
import {
  type ConvMethod, type Estimator, type EstimatorSpec, createEstimator, estimateLayer, labelEntropyBits, parseEstimatorSpec,
} from '../info/index.js';
import {
  type EstimateRecord, REESTIMATE_SCHEMA_VERSION, type ReestimateFile, type ReestimateLine, type RunConfigFile, appendJsonLine, epochDirectory,
  type StoredActivations, readReestimates, readRunConfig, reestimateDirectory, storedActivations, writeFileAtomic,
} from '../store/index.js';
import { type Tensor, getNumThreads, keep, setNumThreads, tidy } from '../tensor/index.js';
import { loadExperimentData, disposeExperimentData } from './data.js';
import { flagEstimates } from '../info/validity.js';

/** Estimators whose I(X;T) reads the inputs themselves, not only the layer. */
const INPUT_ESTIMATORS = new Set(['renyi', 'ksg']);

/**
 * The directory name of a setting: the estimator and its options, sorted, readable and stable.
 *
 * @example reestimateId({ name: 'kde', noiseVariance: 0.001, precision: 'float32' }) // 'kde_noiseVariance-0.001_precision-float32'
 */
export function reestimateId(spec: EstimatorSpec): string {
  const options = Object.entries(spec).filter(([key]) => key !== 'name').sort(([a], [b]) => a.localeCompare(b));
  return [spec.name, ...options.map(([key, value]) => `${key}-${String(value)}`)].join('_').replace(/[^A-Za-z0-9._-]/g, '-');
}

export interface ReestimateOptions {
  /** The settings to estimate (validated; each becomes reestimates/ID). */
  settings: readonly EstimatorSpec[];
  /** Conv methods for layers with channels (default: the run's). Dense layers always use concat. */
  methods?: readonly ConvMethod[];
  /** Only these logged epochs (default: every stored one). */
  epochs?: readonly number[];
  /** Redo settings already estimated (default: go on where they stopped, skip finished epochs). */
  force?: boolean;
  /** libtorch threads (default: the run's own, so the run's settings reproduce its numbers exactly). */
  threads?: number;
  /** Called after each epoch with the settings done so far. */
  onEpoch?: (event: { epoch: number; done: number; total: number }) => void;
}

export interface ReestimateOutcome {
  /** Per setting: its id, directory and the epochs it estimated now (empty when it was already done). */
  settings: { id: string; dir: string; spec: EstimatorSpec; estimated: number[] }[];
  epochs: number[];
  seconds: number;
  threads: number;
}

/** The probe's first `rows` inputs, for estimators that need X: stored beside the activations (imported runs) or rebuilt from the run's config. */
function probeInputs(runDir: string, config: RunConfigFile, rows: number): Tensor {
  const stored = path.join(runDir, 'activations', 'inputs.npy');
  if (existsSync(stored)) return tidy(() => keep(npyToTensor(stored).narrow(0, 0, rows).contiguous()));
  if (config.config.dataset.name === 'imported') throw new Error(`${runDir}: the renyi and ksg estimators need the inputs X; put them in activations/inputs.npy (N × …, the probe's order) and import again`);
  const data = loadExperimentData(config.config);
  try {
    return tidy(() => keep(data.probe.inputs.narrow(0, 0, rows).contiguous()));
  } finally {
    disposeExperimentData(data);
  }
}

/** What estimating a stored epoch needs besides the files: the probe's labels (and ids, inputs), the layers' shapes, the methods. */
export interface StoredProbe {
  labels: Tensor;
  inputIds?: Tensor;
  inputs?: Tensor;
  numClasses: number;
  rows: number;
  /** Each layer's per-sample shape (a layer with channels gets the conv methods). */
  layerShapes: ReadonlyMap<string, readonly number[]>;
  methods: readonly ConvMethod[];
}

/**
 * One stored epoch's estimates under each setting: every layer's file read once, then each setting's
 * estimates on it, per setting in network order. `onLayer` sees each layer's activations (the importer
 * takes their histogram there).
 *
 * @example estimateStoredEpoch(storedActivations(dir, config), 20, [{ spec, estimator: createEstimator(spec) }], probe)[0] // [{ name: 'dense_1', estimates: [...] }, …]
 */
export function estimateStoredEpoch(
  stored: StoredActivations,
  epoch: number,
  settings: readonly { spec: EstimatorSpec; estimator: Estimator }[],
  probe: StoredProbe,
  onLayer?: (layer: string, activations: Tensor) => void,
): { name: string; estimates: EstimateRecord[] }[][] {
  const results = settings.map(() => [] as { name: string; estimates: EstimateRecord[] }[]);
  const outputLayer = stored.layers.at(-1);
  for (const layer of stored.layers) {
    tidy(() => {
      const file = path.join(stored.dir, epochDirectory(epoch), `${layer}.npy`);
      const read = npyToTensor(file);
      // float16 files are widened: the kernels run in float32 or float64.
      const activations = read.dtype === 'float16' ? read.to('float32') : read;
      if (activations.size(0) !== probe.rows) throw new Error(`${file}: ${activations.size(0)} rows but labels.npy has ${probe.rows}; the stored activations are inconsistent`);
      onLayer?.(layer, activations);
      const withChannels = (probe.layerShapes.get(layer)?.length ?? activations.ndim - 1) > 1;
      settings.forEach(({ spec, estimator }, index) => {
        // The softmax estimator reads only an output layer (as the runner does).
        if (spec.name === 'softmax' && layer !== outputLayer) return;
        const estimates: EstimateRecord[] = (withChannels ? probe.methods : ['concat' as const]).map((method) => {
          const estimate = estimateLayer(estimator, {
            activations, labels: probe.labels, numClasses: probe.numClasses,
            ...(probe.inputIds ? { inputIds: probe.inputIds } : {}), ...(probe.inputs && INPUT_ESTIMATORS.has(spec.name) ? { inputs: probe.inputs } : {}),
          }, method);
          return {
            estimator: spec.name, method, ixt: estimate.ixt, iyt: estimate.iyt, ht: estimate.ht, parameters: estimate.parameters,
            ...(estimate.perChannel ? { perChannel: estimate.perChannel.map((c) => ({ ixt: c.ixt.upper, iyt: c.iyt.upper })) } : {}),
          };
        });
        results[index]!.push({ name: layer, estimates });
      });
    });
  }
  return results;
}

interface SettingState {
  id: string;
  dir: string;
  spec: EstimatorSpec;
  file: ReestimateFile;
  pending: Set<number>;
  estimated: number[];
}

/**
 * Re-estimates the run in `runDir` under each setting, from its stored activations.
 *
 * @example
 * await reestimateRun('runs/fig5-mlp', { settings: [1e-3, 1e-2, 0.1, 1].map((v) => parseEstimatorSpec({ name: 'kde', noiseVariance: v })) });
 */
export function reestimateRun(runDir: string, options: ReestimateOptions): ReestimateOutcome {
  if (options.settings.length === 0) throw new Error('reestimate needs at least one estimator setting');
  const config = readRunConfig(runDir);
  const stored = storedActivations(runDir, config);
  const epochs = options.epochs ? stored.epochs.filter((epoch) => options.epochs!.includes(epoch)) : stored.epochs;
  const missing = (options.epochs ?? []).filter((epoch) => !stored.epochs.includes(epoch));
  if (missing.length > 0) throw new Error(`${runDir}: no stored activations for epoch${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (stored: ${stored.epochs.join(', ')})`);
  const methods = [...(options.methods ?? config.config.convMethods)];
  const threads = options.threads ?? config.run.engine.threads;
  const started = performance.now();
  const labelsFile = path.join(stored.dir, 'labels.npy');
  const idsFile = path.join(stored.dir, 'input-ids.npy');
  const labels = tidy(() => keep(npyToTensor(labelsFile).to('int64')));
  const inputIds = existsSync(idsFile) ? tidy(() => keep(npyToTensor(idsFile).to('int64'))) : undefined;
  const rows = labels.size(0);
  const numClasses = config.run.numClasses;
  const probe = { samples: rows, hY: labelEntropyBits(labels, numClasses) };
  const previousThreads = getNumThreads();
  setNumThreads(threads);
  const source = { rows, dtype: config.run.activations?.dtype ?? 'float32', threads };
  const existing = new Map(readReestimates(runDir, []).map((r) => [r.id, r] as const));
  const now = (): string => new Date().toISOString();
  const states: SettingState[] = options.settings.map((raw) => {
    const spec = parseEstimatorSpec(raw);
    const id = reestimateId(spec);
    const dir = reestimateDirectory(runDir, id);
    const before = existing.get(id);
    const compatible = before && JSON.stringify(before.file.methods) === JSON.stringify(methods) && before.file.source.rows === rows;
    if (before && (options.force || !compatible)) {
      if (!options.force) throw new Error(`${dir} holds a re-estimation with other methods or probe rows (${before.file.methods.join(', ')}, ${before.file.source.rows} rows); pass --force to replace it`);
      rmSync(dir, { recursive: true, force: true });
    }
    const kept = before && !options.force ? before.records : [];
    mkdirSync(dir, { recursive: true });
    // Keep only whole, valid lines of the epochs asked for: a line cut off by a kill is rewritten away.
    const lines = kept.filter((line) => epochs.includes(line.epoch));
    writeFileAtomic(path.join(dir, 'estimates.jsonl'), lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
    const done = new Set(lines.map((line) => line.epoch));
    const file: ReestimateFile = {
      schemaVersion: REESTIMATE_SCHEMA_VERSION, id, estimator: spec, methods, source,
      createdAt: before && !options.force ? before.file.createdAt : now(), updatedAt: now(), state: 'running',
      epochs: [...epochs], elapsedSeconds: before && !options.force ? before.file.elapsedSeconds : 0,
    };
    writeFileAtomic(path.join(dir, 'reestimate.json'), `${JSON.stringify(file, null, 2)}\n`);
    return { id, dir, spec, file, pending: new Set(epochs.filter((epoch) => !done.has(epoch))), estimated: [] };
  });
  const needsInputs = states.some((state) => INPUT_ESTIMATORS.has(state.spec.name) && state.pending.size > 0);
  const inputs = needsInputs ? probeInputs(runDir, config, rows) : undefined;
  const estimators = new Map(states.map((state) => [state.id, createEstimator(state.spec)] as const));
  const total = states.reduce((sum, state) => sum + state.pending.size, 0);
  let done = 0;
  const context = { labels, numClasses, rows, ...(inputIds ? { inputIds } : {}), ...(inputs ? { inputs } : {}), layerShapes: new Map(config.run.layers.map((layer) => [layer.name, layer.shape] as const)) };
  try {
    for (const epoch of epochs) {
      const due = states.filter((state) => state.pending.has(epoch));
      if (due.length === 0) continue;
      const estimated = estimateStoredEpoch(stored, epoch, due.map((state) => ({ spec: state.spec, estimator: estimators.get(state.id)! })), { ...context, methods });
      const lines = new Map<string, ReestimateLine>(due.map((state, i) => [state.id, { schemaVersion: REESTIMATE_SCHEMA_VERSION, epoch, layers: estimated[i]! }]));
      for (const state of due) {
        const line = lines.get(state.id)!;
        flagEstimates(line.layers, probe);
        appendJsonLine(path.join(state.dir, 'estimates.jsonl'), line);
        state.pending.delete(epoch);
        state.estimated.push(epoch);
        done++;
      }
      options.onEpoch?.({ epoch, done, total });
    }
    const seconds = (performance.now() - started) / 1000;
    for (const state of states) {
      state.file = { ...state.file, state: 'finished', updatedAt: now(), elapsedSeconds: state.file.elapsedSeconds + (state.estimated.length > 0 ? seconds / states.length : 0) };
      writeFileAtomic(path.join(state.dir, 'reestimate.json'), `${JSON.stringify(state.file, null, 2)}\n`);
    }
    return { settings: states.map(({ id, dir, spec, estimated }) => ({ id, dir, spec, estimated })), epochs, seconds, threads };
  } catch (error) {
    for (const state of states) {
      writeFileAtomic(path.join(state.dir, 'reestimate.json'), `${JSON.stringify({ ...state.file, state: 'failed', updatedAt: now(), error: (error as Error).message }, null, 2)}\n`);
    }
    throw error;
  } finally {
    setNumThreads(previousThreads);
    labels.dispose();
    inputIds?.dispose();
    inputs?.dispose();
  }
}
