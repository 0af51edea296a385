/**
 * The experiment runner: trains a network and records its journey through the information plane, with
 * the theory's dynamics beside it, into a run directory (see store.ts).
 *
 * Reproducibility: every random stream is derived from the config's seed — weights once, and per epoch the
 * batch order and dropout masks — so a run resumed from its last checkpoint draws exactly what an
 * uninterrupted run draws, and its metrics are the same.
 */
import { size } from '../data/dataset.js';
import {
  GradientMoments, type GradientSummary, type HypothesisSummary, type KdeDerivative, type LossDynamicsRecord, ParallelReplicas, StepCheck, type StepCheckRecord,
  epochLossDynamics, hypothesisSummary, kdeDerivative, pearson,
} from '../dynamics/index.js';
import { DEFAULT_NOISE_VARIANCE, labelEntropyBits } from '../info/index.js';
import type { Sequential } from '../nn/index.js';
import { type Optimizer, createOptimizer } from '../optim/index.js';
import {
  Generator, type Tensor, deriveSeed, keep, noGrad, tensor, tidy,
} from '../tensor/index.js';
import { freeBytes, planActivationStorage } from './activation-storage.js';
import { type Carry, type CheckpointParts, restoreCheckpoint, saveCheckpoint } from './checkpoint.js';
import type { ExperimentConfig } from './config.js';
import { type ExperimentData, disposeExperimentData, loadExperimentData } from './data.js';
import { buildModel } from './model.js';
import { probeLayers } from './probe.js';
import { describeRun } from './provenance.js';
import { derivativeSample, kdeInformation, layerClustering, layerEstimates, layerRecord } from './record.js';
import { flagEstimates } from '../info/validity.js';
import { logEpochs } from './schedule.js';
import {
  type ActivationStorage, type EpochRecord, type LayerRecord, RunStore, type RunNotice, TIMING_PHASES, type Timings, readMetricsFile, readRunConfig,
} from '../store/index.js';
import { evaluate, inferenceBatchSize, trainEpoch } from './trainer.js';

export { TIMING_PHASES, type Timings, type EpochRecord };

/** How a run reports progress; every method optional. */
export interface RunReporter {
  runStart?(info: { dir: string; epochs: number; startEpoch: number; batchesPerEpoch: number; logged: number[] }): void;
  batch?(info: { epoch: number; batch: number; batches: number; loss: number }): void;
  phase?(info: { epoch: number; phase: string }): void;
  logged?(record: EpochRecord): void;
  epochEnd?(info: { epoch: number }): void;
}

export interface RunOptions {
  /** The config (ignored when resuming: the run's own config.json is used). */
  config?: ExperimentConfig;
  out: string;
  resume?: boolean;
  overwrite?: boolean;
  /** On resume: a new total number of epochs (to extend a finished run). */
  epochs?: number;
  reporter?: RunReporter;
}


export interface RunOutcome {
  dir: string;
  records: EpochRecord[];
  summary: RunSummary;
}

/** The hypothesis summary (its tests and settings, see src/dynamics/hypothesis.ts) and the loss-change correlations. */
export interface RunSummary extends HypothesisSummary {
  /** Over logged epochs: correlation of the measured loss change per step with μ·Δθ/steps and with the mean SNR. */
  lossChangeCorrelation: { withMeanGradient: number | undefined; withSnr: number | undefined };
}

const zeroTimings = (): Timings => Object.fromEntries(TIMING_PHASES.map((phase) => [phase, 0])) as Timings;

function timed<T>(timings: Timings, phase: keyof Timings, fn: () => T): T {
  const start = process.hrtime.bigint();
  try {
    return fn();
  } finally {
    timings[phase] += Number(process.hrtime.bigint() - start) / 1e9;
  }
}

class Run {
  readonly store: RunStore;
  readonly config: ExperimentConfig;
  readonly data: ExperimentData;
  readonly model: Sequential;
  readonly optimizer: Optimizer;
  readonly replicas: ParallelReplicas | undefined;
  readonly logged: Set<number>;
  readonly batchSize: number;
  /** Optimizer steps per epoch. */
  readonly batchesPerEpoch: number;
  readonly reporter: RunReporter;
  readonly started = Date.now();
  carry: Carry = { lastLogged: undefined, derivative: new Map() };
  /** H(Y) of the probe's labels, bits (the validity flags' ceiling of I(Y;T)). */
  readonly probeLabelEntropy: number;
  /** What the run keeps of its probe activations: set by runExperiment before the first epoch (activation-storage.ts). */
  activations!: ActivationStorage;
  elapsedBefore = 0;

  constructor(store: RunStore, config: ExperimentConfig, reporter: RunReporter) {
    this.store = store;
    this.config = config;
    this.reporter = reporter;
    this.data = loadExperimentData(config);
    this.probeLabelEntropy = labelEntropyBits(this.data.probe.labels, this.data.numClasses);
    try {
      this.model = buildModel(config, this.data.sampleShape);
      this.optimizer = createOptimizer(config.optimizer, this.model);
      this.batchSize = config.batchSize === 'full' ? size(this.data.train) : config.batchSize;
      this.batchesPerEpoch = Math.ceil(size(this.data.train) / this.batchSize);
      this.logged = new Set(logEpochs(config.logEpochs, config.epochs));
      this.replicas = config.dynamics.snr === 'replicas'
        ? new ParallelReplicas(() => buildModel(config, this.data.sampleShape), config.optimizer, config.loss, this.data.train, config.dynamics.replicas, this.batchSize, deriveSeed(config.seed, 'replicas'))
        : undefined;
    } catch (error) {
      disposeExperimentData(this.data);
      throw error;
    }
  }

  /** The plain-SGD learning rate (the paper's −α‖μ‖² applies), or undefined for any other optimizer. */
  get sgdLearningRate(): number | undefined {
    const spec = this.config.optimizer;
    return spec.type === 'sgd' && !spec.momentum ? this.optimizer.learningRate : undefined;
  }

  get parts(): CheckpointParts {
    return { model: this.model, optimizer: this.optimizer, replicas: this.replicas };
  }

  restore(): number {
    const restored = restoreCheckpoint(this.store, this.parts);
    if (!restored) return 0;
    this.carry = restored.carry;
    this.elapsedBefore = restored.elapsedSeconds;
    this.store.truncateMetrics(restored.nextEpoch - 1);
    return restored.nextEpoch;
  }

  elapsedSeconds(): number {
    return this.elapsedBefore + (Date.now() - this.started) / 1000;
  }

  /** The batches of an epoch at which the exact step test runs: the one step of full-batch mode, else a spread sample. */
  checkedSteps(batches: number): Set<number> {
    if (this.config.batchSize === 'full') return new Set([0]);
    const count = Math.min(this.config.dynamics.identitySteps, batches);
    return new Set(Array.from({ length: count }, (_, i) => Math.floor(((i + 0.5) * batches) / count)));
  }

  /** Trains epoch `epoch` (≥ 1); on logged epochs also gathers the gradient statistics and dynamics inputs. */
  trainEpoch(epoch: number, timings: Timings): TrainedEpoch {
    const logged = this.logged.has(epoch);
    const { dynamics } = this.config;
    const trained: TrainedEpoch = { moments: undefined, before: undefined, lossBefore: undefined, checks: [] };
    const wantMoments = logged && (dynamics.lossDynamics || (dynamics.gradientStats && dynamics.snr === 'minibatch'));
    if (wantMoments) trained.moments = new GradientMoments(this.model.namedParameters());
    const batches = this.batchesPerEpoch;
    let checked = new Set<number>();
    if (logged && dynamics.lossDynamics) {
      // The window is the logged epoch itself: its start is the end of epoch − 1, whose full loss is known
      // when that epoch was logged and is measured here otherwise.
      const last = this.carry.lastLogged;
      trained.lossBefore = last && last.epoch === epoch - 1 ? last.trainLoss : timed(timings, 'losses', () => evaluate(this.model, this.config.loss, this.data.train).loss);
      trained.before = this.model.parameters().map((p) => keep(noGrad(() => p.clone())));
      checked = this.checkedSteps(batches);
    }
    const check = checked.size > 0 ? new StepCheck(this.model, this.config.loss, this.data.train, inferenceBatchSize(this.model, 5000)) : undefined;
    this.model.reseedDropout(deriveSeed(this.config.seed, `dropout:${epoch}`));
    let hookSeconds = 0;
    const hook = (fn: () => void): void => {
      const hookStart = process.hrtime.bigint();
      fn();
      hookSeconds += Number(process.hrtime.bigint() - hookStart) / 1e9;
    };
    const start = process.hrtime.bigint();
    try {
      trainEpoch({
        model: this.model,
        optimizer: this.optimizer,
        loss: this.config.loss,
        data: this.data.train,
        batchSize: this.batchSize,
        generator: new Generator(deriveSeed(this.config.seed, `shuffle:${epoch}`)),
        onBatch: (context) => hook(() => {
          trained.moments?.update(this.optimizer.params.map((_, i) => context.gradients.get(this.optimizer.names[i]!)!));
          if (checked.has(context.batch)) check!.begin();
          this.reporter.batch?.({ epoch, batch: context.batch, batches, loss: context.loss });
        }),
        afterStep: (batch) => {
          if (checked.has(batch)) hook(() => trained.checks.push(check!.end(batch)));
        },
      });
    } catch (error) {
      // A failed epoch (a NaN loss) keeps nothing: the moments and θ's copy go with it.
      disposeTrained(trained);
      throw error;
    } finally {
      check?.dispose();
    }
    timings.training += Number(process.hrtime.bigint() - start) / 1e9 - hookSeconds;
    timings.gradientStats += hookSeconds;
    if (this.replicas) timed(timings, 'gradientStats', () => this.replicas!.step());
    return trained;
  }

  /** Everything recorded at a logged epoch. */
  logEpoch(epoch: number, timings: Timings, trained: TrainedEpoch | undefined): EpochRecord {
    const { config, data, model } = this;
    this.reporter.phase?.({ epoch, phase: 'losses' });
    const train = timed(timings, 'losses', () => evaluate(model, config.loss, data.train));
    this.reporter.phase?.({ epoch, phase: 'probing' });
    const probe = timed(timings, 'probing', () => probeLayers(model, data.probe, config.loss));
    const test = data.probe.isWholeTestSet ? { loss: probe.loss, accuracy: probe.accuracy } : timed(timings, 'losses', () => evaluate(model, config.loss, data.test));
    let gradients: Map<string, GradientSummary> | undefined;
    if (config.dynamics.gradientStats) {
      gradients = this.replicas ? timed(timings, 'gradientStats', () => this.replicas!.gradientSummary()) : trained?.moments?.summarize();
    }
    const layers: LayerRecord[] = [];
    try {
      model.layers.forEach((layer, index) => {
        const activations = probe.activations[index]!;
        this.reporter.phase?.({ epoch, phase: `MI ${layer.name}` });
        const estimates = timed(timings, 'mi', () => layerEstimates(config, activations, data.probe, data.numClasses, index === model.layers.length - 1));
        const clustering = timed(timings, 'mi', () => layerClustering(config, activations, data.probe, data.numClasses));
        const derivative = timed(timings, 'dynamics', () => this.derivative(layer.name, epoch, activations));
        layers.push(timed(timings, 'dynamics', () => layerRecord(layer, model.layerShapes[index]!, estimates, activations, { gradients, histogramBins: config.dynamics.histogramBins, derivative, clustering })));
      });
      flagEstimates(layers, { samples: data.probe.labels.size(0), hY: this.probeLabelEntropy });
      if (this.activations.rows > 0) timed(timings, 'writing', () => this.saveActivations(epoch, probe.activations));
      if (data.probe.exampleIndices.length > 0) timed(timings, 'writing', () => this.saveExamples(epoch, probe.activations));
    } finally {
      for (const t of probe.activations) t.dispose();
    }
    const lossDynamics = timed(timings, 'dynamics', () => this.lossDynamics(train.loss, trained));
    this.carry.lastLogged = { epoch, step: this.optimizer.iterations, trainLoss: train.loss };
    return {
      epoch,
      step: this.optimizer.iterations,
      elapsedSeconds: this.elapsedSeconds(),
      train,
      test,
      layers,
      lossDynamics,
      snrMode: config.dynamics.snr,
      timings,
    };
  }

  /** The probe's first `activations.rows` rows of every layer, in the stored dtype (and once the labels and input ids of those rows). */
  saveActivations(epoch: number, activations: readonly Tensor[]): void {
    const { data, model } = this;
    const { rows, dtype } = this.activations;
    tidy(() => {
      if (epoch === 0 || !this.carry.lastLogged) this.store.saveProbeIndex(data.probe.labels.narrow(0, 0, rows), data.probe.inputIds.narrow(0, 0, rows));
      model.layers.forEach((layer, index) => {
        const all = activations[index]!;
        const kept = rows === all.size(0) ? all : all.narrow(0, 0, rows);
        // As computed (float32 models: the very values the estimators saw), or halved on request.
        this.store.saveActivations(epoch, layer.name, kept.dtype === dtype ? kept : kept.to(dtype));
      });
    });
  }

  /** Every layer's activations of the fixed probe examples (the activation images), and once their inputs. */
  saveExamples(epoch: number, activations: readonly Tensor[]): void {
    const { data, model } = this;
    tidy(() => {
      const indices = tensor(data.probe.exampleIndices, undefined, { dtype: 'int64' });
      const first = !this.carry.lastLogged;
      const once = first ? { inputs: data.probe.inputs.indexSelect(0, indices), labels: data.probe.labels.indexSelect(0, indices), indices } : undefined;
      model.layers.forEach((layer, index) => this.store.saveExamples(epoch, layer.name, activations[index]!.indexSelect(0, indices), index === 0 ? once : undefined));
    });
  }

  /** The KDE time derivative of a layer between the last logged epoch and this one, on the same samples. */
  derivative(layer: string, epoch: number, activations: Tensor): KdeDerivative | null {
    const samples = this.config.dynamics.kdeDerivativeSamples;
    const kde = this.config.estimators.find((spec) => spec.name === 'kde');
    if (samples < 2 || !kde) return null;
    const sample = derivativeSample(activations, samples);
    const previous = this.carry.derivative.get(layer);
    this.carry.derivative.set(layer, sample);
    if (!previous || !this.carry.lastLogged) {
      previous?.dispose();
      return null;
    }
    try {
      return kdeDerivative(previous, sample, epoch - this.carry.lastLogged.epoch, kde.noiseVariance ?? DEFAULT_NOISE_VARIANCE);
    } finally {
      previous.dispose();
    }
  }

  lossDynamics(lossAfter: number, trained: TrainedEpoch | undefined): LossDynamicsRecord | null {
    try {
      if (!trained || trained.lossBefore === undefined) return null;
      const params = this.model.parameters();
      const delta = trained.before ? tidy(() => params.map((p, i) => keep(p.sub(trained.before![i]!)))) : undefined;
      try {
        return epochLossDynamics({
          steps: this.batchesPerEpoch,
          lossBefore: trained.lossBefore,
          lossAfter,
          means: trained.moments?.means,
          delta,
          sgdLearningRate: this.sgdLearningRate,
          checks: trained.checks,
        });
      } finally {
        for (const t of delta ?? []) t.dispose();
      }
    } finally {
      disposeTrained(trained);
    }
  }

  summarize(records: readonly EpochRecord[]): RunSummary {
    const epochs = records.map((r) => r.epoch);
    // I(X;T) from the first KDE estimate (both bounds), else the first estimate.
    const information = (r: EpochRecord, index: number) => kdeInformation(r.layers[index]!.estimates) ?? r.layers[index]!.estimates[0]?.ixt;
    const layers = this.model.layers.map((layer, index) => ({
      layer: layer.name,
      ixt: records.map((r) => information(r, index)?.upper ?? Number.NaN),
      ixtLower: records.map((r) => information(r, index)?.lower ?? Number.NaN),
      snr: records.map((r) => r.layers[index]!.gradient?.['kernel']?.snr ?? Number.NaN),
    }));
    const summary = hypothesisSummary(epochs, records.map((r) => r.train.loss), layers);
    const withDynamics = records.filter((r) => r.lossDynamics);
    const meanSnr = (r: EpochRecord): number => {
      const values = r.layers.map((l) => l.gradient?.['kernel']?.snr).filter((v): v is number => v !== undefined && Number.isFinite(v));
      return values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN;
    };
    return {
      ...summary,
      lossChangeCorrelation: {
        withMeanGradient: pearson(withDynamics.map((r) => r.lossDynamics!.measuredPerStep), withDynamics.map((r) => r.lossDynamics!.predictedFromMean ?? Number.NaN)),
        withSnr: pearson(withDynamics.map((r) => r.lossDynamics!.measuredPerStep), withDynamics.map(meanSnr)),
      },
    };
  }

  dispose(): void {
    for (const sample of this.carry.derivative.values()) sample.dispose();
    this.carry.derivative.clear();
    this.model.dispose();
    this.optimizer.dispose();
    this.replicas?.dispose();
    disposeExperimentData(this.data);
  }
}

/** What a trained epoch hands to its record: the gradient moments, θ at its start, the loss window, the step checks. */
interface TrainedEpoch {
  moments: GradientMoments | undefined;
  before: Tensor[] | undefined;
  lossBefore: number | undefined;
  checks: StepCheckRecord[];
}

/** Frees what a trained epoch holds, once (the fields are cleared, so a second call does nothing). */
function disposeTrained(trained: TrainedEpoch | undefined): void {
  if (!trained) return;
  trained.moments?.dispose();
  for (const t of trained.before ?? []) t.dispose();
  trained.moments = undefined;
  trained.before = undefined;
}

/**
 * Runs (or resumes) an experiment into a run directory.
 *
 * @example
 * const outcome = await runExperiment({ config: resolveConfig(PRESETS['fig5-mlp']), out: 'runs/fig5' });
 */
export async function runExperiment(options: RunOptions): Promise<RunOutcome> {
  const store = options.resume ? RunStore.open(options.out) : RunStore.create(options.out, { overwrite: options.overwrite ?? false });
  let config: ExperimentConfig;
  let createdAt: string | undefined;
  let writtenActivations: ActivationStorage | undefined;
  if (options.resume) {
    const written = readRunConfig(options.out);
    config = written.config;
    createdAt = written.run.createdAt;
    writtenActivations = written.run.activations;
    if (options.epochs !== undefined) config = { ...config, epochs: options.epochs };
  } else {
    if (!options.config) throw new Error('runExperiment needs a config (or resume: true)');
    config = options.config;
  }
  const run = new Run(store, config, options.reporter ?? {});
  let startEpoch = 0;
  try {
    if (options.resume) {
      startEpoch = run.restore();
      if (startEpoch > config.epochs + 1) throw new Error(`${options.out} has already trained ${startEpoch - 1} epochs, more than --epochs ${config.epochs}`);
    }
    // Written on resume too (--epochs may have extended the run), keeping the run's creation time and
    // what it decided to keep of its activations (a resumed run keeps what it began keeping).
    run.activations = writtenActivations ?? planActivationStorage(config, {
      probeSamples: run.data.probe.inputs.size(0),
      layerSizes: run.model.layerShapes.map((shape) => shape.reduce((a, b) => a * b, 1)),
      loggedEpochs: run.logged.size,
      free: freeBytes(store.dir),
    });
    store.writeConfig(describeRun({ config, data: run.data, model: run.model, batchesPerEpoch: run.batchesPerEpoch, logEpochs: [...run.logged], activations: run.activations, createdAt }));
    store.writeStatus({ state: 'running', epoch: startEpoch - 1, epochs: config.epochs });
    run.reporter.runStart?.({ dir: store.dir, epochs: config.epochs, startEpoch, batchesPerEpoch: run.batchesPerEpoch, logged: [...run.logged] });
    let lastCheckpoint = performance.now();
    for (let epoch = startEpoch; epoch <= config.epochs; epoch++) {
      const timings = zeroTimings();
      const trained = epoch > 0 ? run.trainEpoch(epoch, timings) : undefined;
      if (run.logged.has(epoch)) {
        let record: EpochRecord;
        try {
          record = run.logEpoch(epoch, timings, trained);
        } catch (error) {
          disposeTrained(trained);
          throw error;
        }
        timed(timings, 'writing', () => store.appendMetrics(record));
        run.reporter.logged?.(record);
      } else {
        disposeTrained(trained);
      }
      // Checkpointed at each logged epoch (its record is then never ahead of the checkpoint by more than
      // the truncation on resume undoes), at the last, and otherwise every checkpointSeconds.
      if (run.logged.has(epoch) || epoch === config.epochs || performance.now() - lastCheckpoint >= config.checkpointSeconds * 1000) {
        timed(timings, 'writing', () => {
          saveCheckpoint(store, epoch, run.parts, run.carry, run.elapsedSeconds());
          store.writeStatus({ state: 'running', epoch, epochs: config.epochs });
        });
        lastCheckpoint = performance.now();
      }
      run.reporter.epochEnd?.({ epoch });
      // Let the event loop breathe (signals, streams) between epochs.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const notices: RunNotice[] = [];
    const records = readMetricsFile(store.file('metrics.jsonl'), notices);
    if (notices.some((notice) => notice.level === 'warning')) throw new Error(`${store.file('metrics.jsonl')}: ${notices.map((notice) => notice.message).join('; ')}`);
    const summary = run.summarize(records);
    store.writeSummary(summary);
    store.writeStatus({ state: 'finished', epoch: config.epochs, epochs: config.epochs });
    return { dir: store.dir, records, summary };
  } catch (error) {
    try {
      store.writeStatus({ state: 'failed', epoch: store.readStatus()?.epoch ?? -1, epochs: config.epochs, error: (error as Error).message });
    } catch {
      // The store itself may be what failed (disk full); the original error is the one to report.
    }
    throw error;
  } finally {
    run.dispose();
  }
}
