/**
 * Re-estimation without retraining: the whole information plane computed again, for other estimator
 * settings, from a run's stored probe activations (activations/epoch-N/LAYER.npy with labels.npy and
 * input-ids.npy), into reestimates/ID/ beside the original (the format: src/store/schemas.ts).
 *
 * Each logged epoch's layers are read once and every setting is estimated on them; the KDE settings of a
 * grid share one pass over the sample pairs (kdeEstimates). Epochs are shared among worker processes of
 * one libtorch thread each (one per core), the parent alone writing the files. Re-estimating the run's own
 * settings (and only those) estimates each on its own, as the run did, and reproduces its numbers exactly
 * (a test and bench:reestimate check it). A re-estimation killed part-way keeps every finished epoch and
 * goes on from there when run again.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { npyToTensor, readNpy } from '../data/npy.js';
import {
  type ConvMethod, type Estimator, type EstimatorSpec, type KdeOptions, createEstimator, estimateLayer, estimateLayerAll, kdeEstimates,
  labelEntropyBits, needsInputs, parseEstimatorSpec,
} from '../info/index.js';
import {
  type EstimateRecord, REESTIMATE_SCHEMA_VERSION, type ReestimateFile, type ReestimateLine, type RunConfigFile, appendJsonLine, epochDirectory,
  type StoredActivations, readReestimates, readRun, readRunConfig, reestimateDirectory, storedActivations, writeFileAtomic,
} from '../store/index.js';
import { type Tensor, getNumThreads, keep, setNumThreads, tidy } from '../tensor/index.js';
import { loadExperimentData, disposeExperimentData } from './data.js';
import { estimateKey, flagEstimates } from '../info/validity.js';
import { estimateRecord } from './record.js';


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
  /** Child processes sharing the epochs (default: one per core; 1 runs in this process). */
  workers?: number;
  /** libtorch threads of each (default: 1 in workers, the run's own count in this process). */
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
  workers: number;
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
  /** Estimate every setting on its own, never in a shared KDE pass (how the run computed its own numbers). */
  separate?: boolean;
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
      const methods = withChannels ? probe.methods : ['concat' as const];
      const data = {
        activations, labels: probe.labels, numClasses: probe.numClasses, ...(probe.inputIds ? { inputIds: probe.inputIds } : {}),
      };
      const estimates = settings.map(() => [] as EstimateRecord[]);
      // KDE settings of one precision share one pass over the sample pairs (kdeEstimates: equal to each
      // setting on its own to rounding, 1e-6 bits in float32), unless asked to estimate them separately.
      const shared = new Map<string, number[]>();
      settings.forEach(({ spec }, index) => {
        if (spec.name === 'kde' && !probe.separate) shared.set(spec.precision, [...(shared.get(spec.precision) ?? []), index]);
      });
      for (const group of shared.values()) {
        if (group.length < 2) continue;
        for (const method of methods) {
          const results = estimateLayerAll((flat) => kdeEstimates(flat, group.map((index) => settings[index]!.spec as KdeOptions)), data, method);
          group.forEach((index, k) => estimates[index]!.push(estimateRecord(settings[index]!.spec.name, results[k]!)));
        }
      }
      settings.forEach(({ spec, estimator }, index) => {
        // The softmax estimator reads only an output layer (as the runner does).
        if (spec.name === 'softmax' && layer !== outputLayer) return;
        if (estimates[index]!.length === 0) {
          for (const method of methods) {
            estimates[index]!.push(estimateRecord(spec.name, estimateLayer(estimator, { ...data, ...(probe.inputs && needsInputs(spec.name) ? { inputs: probe.inputs } : {}) }, method)));
          }
        }
        results[index]!.push({ name: layer, estimates: estimates[index]! });
      });
    });
  }
  return results;
}

/** Replaces a re-estimation's description (reestimate.json) atomically. */
function writeReestimateFile(dir: string, file: ReestimateFile): void {
  writeFileAtomic(path.join(dir, 'reestimate.json'), `${JSON.stringify(file, null, 2)}\n`);
}

interface SettingState {
  id: string;
  dir: string;
  spec: EstimatorSpec;
  file: ReestimateFile;
  pending: Set<number>;
  estimated: number[];
}

/** The settings of an epoch's work, as the in-process loop and a worker both receive them. */
interface EpochTask {
  runDir: string;
  epochs: number[];
  /** Per epoch, the indices (into `specs`) of the settings it still needs. */
  due: number[][];
  specs: EstimatorSpec[];
  methods: ConvMethod[];
  threads: number;
  /** Each setting on its own, as the run computed them (only the run's own settings were asked for). */
  separate: boolean;
}

/** One epoch's lines: per due setting index, its layers (flags set). */
interface EpochResult {
  epoch: number;
  lines: { index: number; layers: ReestimateLine['layers'] }[];
}

/**
 * Estimates the task's epochs in this process, handing each epoch's lines to `onEpoch` in order. Reads
 * the labels (ids, inputs) once; with `separate`, each setting on its own (the run's own: exact reproduction).
 */
export function estimateEpochs(task: EpochTask, onEpoch: (result: EpochResult) => void): void {
  const config = readRunConfig(task.runDir);
  const stored = storedActivations(task.runDir, config);
  const previousThreads = getNumThreads();
  setNumThreads(task.threads);
  const labelsFile = path.join(stored.dir, 'labels.npy');
  const idsFile = path.join(stored.dir, 'input-ids.npy');
  const labels = tidy(() => keep(npyToTensor(labelsFile).to('int64')));
  const inputIds = existsSync(idsFile) ? tidy(() => keep(npyToTensor(idsFile).to('int64'))) : undefined;
  const rows = labels.size(0);
  const numClasses = config.run.numClasses;
  const readInputs = task.specs.some((spec, index) => needsInputs(spec.name) && task.due.some((due) => due.includes(index)));
  let inputs: Tensor | undefined;
  try {
    inputs = readInputs ? probeInputs(task.runDir, config, rows) : undefined;
    const bounds = { samples: rows, hY: labelEntropyBits(labels, numClasses) };
    const probe: StoredProbe = {
      separate: task.separate, labels, numClasses, rows, methods: task.methods,
      ...(inputIds ? { inputIds } : {}), ...(inputs ? { inputs } : {}),
      layerShapes: new Map(config.run.layers.map((layer) => [layer.name, layer.shape] as const)),
    };
    const estimators = task.specs.map((spec) => createEstimator(spec));
    task.epochs.forEach((epoch, e) => {
      const due = task.due[e]!;
      const estimated = estimateStoredEpoch(stored, epoch, due.map((index) => ({ spec: task.specs[index]!, estimator: estimators[index]! })), probe);
      for (const layers of estimated) flagEstimates(layers, bounds);
      onEpoch({ epoch, lines: due.map((index, k) => ({ index, layers: estimated[k]! })) });
    });
  } finally {
    setNumThreads(previousThreads);
    labels.dispose();
    inputIds?.dispose();
    inputs?.dispose();
  }
}

/** The worker module: a child process that runs estimateEpochs on the task it is sent (reestimate-worker.ts). */
const WORKER = fileURLToPath(new URL('./reestimate-worker.js', import.meta.url));

/**
 * Runs the task's epochs in `workers` child processes of one libtorch thread each (epochs dealt round
 * robin), handing every epoch's result to `onEpoch` as it arrives. On two cores this is about twice one
 * process with two threads: the kernel blocks' many short element-wise ops gain little from a second
 * thread (bench:reestimate).
 */
function estimateInWorkers(task: EpochTask, workers: number, onEpoch: (result: EpochResult) => void): Promise<void> {
  const shares = Array.from({ length: workers }, (_, w) => task.epochs.flatMap((_epoch, e) => (e % workers === w ? [e] : [])));
  const children: ChildProcess[] = [];
  return new Promise<void>((resolve, reject) => {
    let running = 0;
    let failed = false;
    const fail = (error: Error): void => {
      if (failed) return;
      failed = true;
      for (const child of children) child.kill();
      reject(error);
    };
    for (const share of shares) {
      if (share.length === 0) continue;
      running++;
      const child = fork(WORKER, [], {
        env: { ...process.env, OMP_NUM_THREADS: '1', OMP_WAIT_POLICY: 'PASSIVE' },
        stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
        serialization: 'advanced',
      });
      children.push(child);
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
      child.on('message', (message: { result?: EpochResult; error?: string }) => {
        if (message.error) fail(new Error(message.error));
        else if (message.result) onEpoch(message.result);
      });
      child.on('error', (error) => fail(error));
      child.on('exit', (code, signal) => {
        if (code !== 0 && !failed) fail(new Error(`a re-estimation worker stopped (${signal ?? `exit code ${code}`})${stderr ? `: ${stderr.trim().split('\n').at(-1)}` : ''}`));
        if (--running === 0 && !failed) resolve();
      });
      child.send({ ...task, epochs: share.map((e) => task.epochs[e]!), due: share.map((e) => task.due[e]!), threads: 1 });
    }
    if (running === 0) resolve();
  });
}

/**
 * Re-estimates the run in `runDir` under each setting, from its stored activations.
 *
 * @example
 * await reestimateRun('runs/fig5-mlp', { settings: [1e-3, 1e-2, 0.1, 1].map((v) => parseEstimatorSpec({ name: 'kde', noiseVariance: v })) });
 */
export async function reestimateRun(runDir: string, options: ReestimateOptions): Promise<ReestimateOutcome> {
  if (options.settings.length === 0) throw new Error('reestimate needs at least one estimator setting');
  const config = readRunConfig(runDir);
  const stored = storedActivations(runDir, config);
  const epochs = options.epochs ? stored.epochs.filter((epoch) => options.epochs!.includes(epoch)) : stored.epochs;
  const missing = (options.epochs ?? []).filter((epoch) => !stored.epochs.includes(epoch));
  if (missing.length > 0) throw new Error(`${runDir}: no stored activations for epoch${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (stored: ${stored.epochs.join(', ')})`);
  const methods = [...(options.methods ?? config.config.convMethods)];
  const started = performance.now();
  const rows = readNpy(path.join(stored.dir, 'labels.npy')).shape[0] ?? 0;
  const existing = new Map(readReestimates(runDir, []).map((r) => [r.id, r] as const));
  const now = (): string => new Date().toISOString();
  const pendingEpochs = (states: readonly SettingState[]): number[] => epochs.filter((epoch) => states.some((state) => state.pending.has(epoch)));
  // Workers when there are epochs to share; else this process, with the run's own thread count. The run's
  // own settings alone are estimated as the run did — here, with its thread count (the reductions' order
  // follows the threads: one-thread workers differed from a two-thread fig5 run by 1e-9 bits).
  const own = new Set(config.config.estimators.map((spec) => JSON.stringify(spec)));
  const ownOnly = options.settings.every((spec) => own.has(JSON.stringify(parseEstimatorSpec(spec))));
  const plannedWorkers = ownOnly && options.workers === undefined ? 1 : Math.max(1, Math.min(options.workers ?? availableParallelism(), epochs.length));
  const threads = options.threads ?? (plannedWorkers > 1 ? 1 : config.run.engine.threads);
  const source = { rows, dtype: config.run.activations?.dtype ?? 'float32', threads };
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
    writeReestimateFile(dir, file);
    return { id, dir, spec, file, pending: new Set(epochs.filter((epoch) => !done.has(epoch))), estimated: [] };
  });
  const todo = pendingEpochs(states);
  const task: EpochTask = {
    runDir, epochs: todo, specs: states.map((state) => state.spec), methods, threads, separate: ownOnly,
    due: todo.map((epoch) => states.flatMap((state, index) => (state.pending.has(epoch) ? [index] : []))),
  };
  const total = task.due.reduce((sum, due) => sum + due.length, 0);
  let done = 0;
  // Lines are appended in epoch order (workers finish out of order): each result waits for the ones before.
  const waiting = new Map<number, EpochResult>();
  let next = 0;
  const write = (result: EpochResult): void => {
    waiting.set(result.epoch, result);
    while (next < todo.length && waiting.has(todo[next]!)) {
      const ready = waiting.get(todo[next]!)!;
      waiting.delete(ready.epoch);
      for (const { index, layers } of ready.lines) {
        const state = states[index]!;
        appendJsonLine(path.join(state.dir, 'estimates.jsonl'), { schemaVersion: REESTIMATE_SCHEMA_VERSION, epoch: ready.epoch, layers });
        state.pending.delete(ready.epoch);
        state.estimated.push(ready.epoch);
        done++;
      }
      options.onEpoch?.({ epoch: ready.epoch, done, total });
      next++;
    }
  };
  const workers = Math.min(plannedWorkers, todo.length);
  try {
    if (workers > 1) await estimateInWorkers(task, workers, write);
    else estimateEpochs(task, write);
    const seconds = (performance.now() - started) / 1000;
    for (const state of states) {
      state.file = { ...state.file, state: 'finished', updatedAt: now(), elapsedSeconds: state.file.elapsedSeconds + (state.estimated.length > 0 ? seconds / states.length : 0) };
      writeReestimateFile(state.dir, state.file);
    }
    return { settings: states.map(({ id, dir, spec, estimated }) => ({ id, dir, spec, estimated })), epochs, seconds, threads, workers: Math.max(1, workers) };
  } catch (error) {
    for (const state of states) {
      writeReestimateFile(state.dir, { ...state.file, state: 'failed', updatedAt: now(), error: (error as Error).message });
    }
    throw error;
  }
}

/**
 * The largest difference between the run's recorded estimates and a re-estimation's, over every epoch,
 * layer, method and bound they share (paired by estimator and setting, estimateKey), bits; with the count compared.
 * 0 bits when re-estimating the run's own settings reproduced its numbers exactly.
 *
 * @example reproductionDifference('runs/fig5-mlp', (await reestimateRun('runs/fig5-mlp', { settings: own })).settings.map((s) => s.id)) // { bits: 0, compared: 1260 }
 */
export function reproductionDifference(runDir: string, ids: readonly string[]): { bits: number; compared: number } {
  const run = readRun(runDir);
  let bits = 0;
  let compared = 0;
  for (const reestimate of run.reestimates.filter((r) => ids.includes(r.id))) {
    for (const line of reestimate.records) {
      const record = run.records.find((r) => r.epoch === line.epoch);
      for (const layer of line.layers) {
        const recorded = record?.layers.find((l) => l.name === layer.name)?.estimates ?? [];
        for (const estimate of layer.estimates) {
          const match = recorded.find((e) => estimateKey(e) === estimateKey(estimate));
          if (!match) continue;
          for (const quantity of ['ixt', 'iyt', 'ht'] as const) {
            for (const bound of ['lower', 'upper'] as const) {
              const [a, b] = [match[quantity][bound], estimate[quantity][bound]];
              if (Number.isNaN(a) && Number.isNaN(b)) continue;
              bits = Math.max(bits, Math.abs(a - b));
              compared++;
            }
          }
        }
      }
    }
  }
  return { bits, compared };
}
