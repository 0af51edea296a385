/**
 * The experiment runner: trains a network and records its journey through the information plane, with
 * the theory's dynamics beside it, into a run directory (see store.ts).
 *
 * Reproducibility: every random stream is derived from the config's seed — weights once, and per epoch the
 * batch order and dropout masks — so a run resumed from its last checkpoint draws exactly what an
 * uninterrupted run draws, and its metrics are the same.
 */
import { availableParallelism } from 'node:os';
import { type Dataset, size } from '../data/dataset.js';
import { GradientMoments, type GradientSummary, ParallelReplicas, hypothesisSummary, pearson } from '../dynamics/index.js';
import type { KdeDerivative } from '../dynamics/kde-derivative.js';
import { labelEntropyBits } from '../info/index.js';
import { type Sequential, computeLoss } from '../nn/index.js';
import { type Optimizer, createOptimizer } from '../optim/index.js';
import {
  Generator, type Tensor, deriveSeed, engineInfo, grad, keep, noGrad, tidy,
} from '../tensor/index.js';
import { type ExperimentConfig, CONFIG_SCHEMA_VERSION, resolveConfig } from './config.js';
import { type ExperimentData, loadExperimentData } from './data.js';
import { buildModel } from './model.js';
import { probeLayers } from './probe.js';
import {
  type LayerRecord, derivativeSample, kdeDerivative, kdeInformation, layerEstimates, layerRecord,
} from './record.js';
import { logEpochs } from './schedule.js';
import { RunStore } from './store.js';
import { evaluate, inferenceBatchSize, trainEpoch } from './trainer.js';

export const TIMING_PHASES = ['training', 'gradientStats', 'losses', 'probing', 'mi', 'dynamics', 'writing'] as const;
export type Timings = Record<(typeof TIMING_PHASES)[number], number>;

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

export interface LossDynamicsRecord {
  /** Optimizer steps between this logged epoch and the previous one. */
  steps: number;
  /** Mean change of the full training loss per step over those steps. */
  measuredPerStep: number;
  /** First-order prediction per step from this epoch's mean minibatch gradient μ: μ·Δθ / steps (any optimizer). */
  predictedFromMean: number | null;
  /** −α·‖μ‖², the paper's §3.2.1 prediction (plain SGD). */
  predictedSgd: number | null;
  /** The exact per-step test at sampled steps: measured ΔL against ∇L·Δθ (= −α·∇L·∇̃L for SGD). */
  identity: { step: number; measured: number; predicted: number }[];
  /** Full-batch mode: −α·(‖∂L/∂W^l‖² + ‖∂L/∂b^l‖²) per layer and their running sum G^l (appendix). */
  layerTerms: { layer: string; term: number; cumulative: number }[] | null;
}

export interface EpochRecord {
  epoch: number;
  step: number;
  elapsedSeconds: number;
  train: { loss: number; accuracy: number };
  test: { loss: number; accuracy: number };
  layers: LayerRecord[];
  lossDynamics: LossDynamicsRecord | null;
  snrMode: 'minibatch' | 'parallel';
  timings: Timings;
}

export interface RunOutcome {
  dir: string;
  records: EpochRecord[];
  summary: RunSummary;
}

export interface RunSummary {
  lossKinkEpoch: number | undefined;
  layers: ReturnType<typeof hypothesisSummary>['layers'];
  /** Over logged epochs: correlation of the measured loss change with −‖μ‖² and with the mean SNR. */
  lossChangeCorrelation: { withMeanGradient: number | undefined; withSnr: number | undefined };
}

interface Carry {
  lastLogged: { epoch: number; step: number; trainLoss: number } | undefined;
  /** Per layer: the last logged KDE I(X;T) and the derivative sample of its activations. */
  derivative: Map<string, { ixt: number; sample: Tensor }>;
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

/** The full-data loss and its gradient (by functional autograd: .grad is untouched), in batches. */
function fullGradient(model: Sequential, config: ExperimentConfig, train: Dataset): { loss: number; gradients: Tensor[] } {
  const n = size(train);
  const params = model.parameters();
  const totals = params.map((p) => keep(noGrad(() => p.mul(0))));
  let loss = 0;
  model.eval();
  const batch = inferenceBatchSize(model, 5000);
  for (let first = 0; first < n; first += batch) {
    tidy(() => {
      const count = Math.min(batch, n - first);
      const value = computeLoss(config.loss, model.forwardAll(train.inputs.narrow(0, first, count)).at(-1)!, train.labels.narrow(0, first, count)).mul(count / n);
      const parts = grad([value], params);
      noGrad(() => parts.forEach((part, i) => totals[i]!.add_(part!)));
      loss += value.item();
    });
  }
  model.train();
  return { loss, gradients: totals };
}

function dot(a: readonly Tensor[], b: readonly Tensor[]): number {
  return tidy(() => a.reduce((sum, t, i) => sum + t.to('float64').mul(b[i]!.to('float64')).sum().item(), 0));
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
  readonly reporter: RunReporter;
  readonly started = Date.now();
  carry: Carry = { lastLogged: undefined, derivative: new Map() };
  elapsedBefore = 0;

  constructor(store: RunStore, config: ExperimentConfig, reporter: RunReporter) {
    this.store = store;
    this.config = config;
    this.reporter = reporter;
    this.data = loadExperimentData(config);
    this.model = buildModel(config, this.data.sampleShape);
    this.optimizer = createOptimizer(config.optimizer, this.model);
    this.batchSize = config.batchSize === 'full' ? size(this.data.train) : config.batchSize;
    this.logged = new Set(logEpochs(config.logEpochs, config.epochs));
    this.replicas = config.dynamics.snr === 'parallel'
      ? new ParallelReplicas(() => buildModel(config, this.data.sampleShape), config.optimizer, config.loss, this.data.train, config.dynamics.replicas, this.batchSize, deriveSeed(config.seed, 'replicas'))
      : undefined;
  }

  get isSgd(): boolean {
    const spec = this.config.optimizer;
    return spec.type === 'sgd' && !spec.momentum;
  }

  /** The run's description for config.json: everything to reproduce it, and what a reader needs to draw it. */
  describe(): Record<string, unknown> {
    const info = engineInfo();
    return {
      schemaVersion: CONFIG_SCHEMA_VERSION,
      config: this.config,
      run: {
        createdAt: new Date().toISOString(),
        engine: { libtorch: info.libtorchVersion, blas: info.blasCore, threads: info.threads, cpus: availableParallelism() },
        trainSamples: size(this.data.train),
        testSamples: size(this.data.test),
        numClasses: this.data.numClasses,
        batchesPerEpoch: Math.ceil(size(this.data.train) / this.batchSize),
        logEpochs: [...this.logged],
        probe: {
          samples: this.data.probe.inputs.size(0),
          set: this.config.probe.set,
          hX: Math.log2(this.data.probe.inputs.size(0)),
          hY: labelEntropyBits(this.data.probe.labels, this.data.numClasses),
        },
        layers: this.model.layers.map((layer, i) => ({ name: layer.name, type: layer.type, shape: this.model.layerShapes[i] })),
      },
    };
  }

  checkpointTensors(): Map<string, Tensor> {
    const tensors = new Map<string, Tensor>();
    for (const [name, value] of this.model.stateDict()) tensors.set(`model.${name}`, value);
    for (const [name, value] of this.optimizer.stateDict().slots) tensors.set(`optimizer.${name}`, value);
    if (this.replicas) for (const [name, value] of this.replicas.stateTensors()) tensors.set(name, value);
    return tensors;
  }

  saveCheckpoint(epoch: number): void {
    const tensors = this.checkpointTensors();
    for (const [layer, { sample }] of this.carry.derivative) tensors.set(`carry.${layer}`, sample);
    this.store.saveCheckpoint(epoch, tensors, {
      iterations: this.optimizer.iterations,
      replicaIterations: this.replicas?.optimizers[0]?.iterations ?? 0,
      lastLogged: this.carry.lastLogged ?? null,
      derivativeIxt: Object.fromEntries([...this.carry.derivative].map(([layer, { ixt }]) => [layer, ixt])),
      elapsedSeconds: this.elapsedSeconds(),
    });
  }

  restore(): number {
    const checkpoint = this.store.loadCheckpoint();
    if (!checkpoint) return 0;
    const pick = (prefix: string) => new Map([...checkpoint.tensors].filter(([name]) => name.startsWith(prefix)).map(([name, value]) => [name.slice(prefix.length), value]));
    const meta = checkpoint.meta as { iterations: number; replicaIterations: number; lastLogged: Carry['lastLogged'] | null; derivativeIxt: Record<string, number>; elapsedSeconds: number };
    this.model.loadStateDict(pick('model.'));
    this.optimizer.loadStateDict({ iterations: meta.iterations, slots: pick('optimizer.') });
    this.replicas?.loadStateTensors(new Map([...checkpoint.tensors].filter(([name]) => name.startsWith('replica'))), meta.replicaIterations);
    this.carry = {
      lastLogged: meta.lastLogged ?? undefined,
      derivative: new Map(Object.entries(meta.derivativeIxt).map(([layer, ixt]) => [layer, { ixt, sample: keep(checkpoint.tensors.get(`carry.${layer}`)!) }])),
    };
    this.elapsedBefore = meta.elapsedSeconds;
    for (const [name, t] of checkpoint.tensors) if (!name.startsWith('carry.')) t.dispose();
    this.store.truncateMetrics(checkpoint.epoch);
    return checkpoint.epoch + 1;
  }

  elapsedSeconds(): number {
    return this.elapsedBefore + (Date.now() - this.started) / 1000;
  }

  /** Trains epoch `epoch` (≥ 1); on logged epochs also gathers the gradient statistics and dynamics inputs. */
  trainEpoch(epoch: number, timings: Timings): { moments: GradientMoments | undefined; before: Tensor[] | undefined; identity: LossDynamicsRecord['identity']; stepLosses: number[] } {
    const logged = this.logged.has(epoch);
    const { dynamics } = this.config;
    const wantMoments = logged && (dynamics.lossDynamics || (dynamics.gradientStats && dynamics.snr === 'minibatch'));
    const moments = wantMoments ? new GradientMoments(this.model.namedParameters()) : undefined;
    const before = logged && dynamics.lossDynamics ? this.model.parameters().map((p) => keep(noGrad(() => p.clone()))) : undefined;
    const batches = Math.ceil(size(this.data.train) / this.batchSize);
    const identitySteps = logged && dynamics.lossDynamics ? new Set(Array.from({ length: Math.min(dynamics.identitySteps, batches) }, (_, i) => Math.floor(((i + 0.5) * batches) / Math.min(dynamics.identitySteps, batches)))) : new Set<number>();
    const identity: LossDynamicsRecord['identity'] = [];
    let pending: { step: number; loss: number; gradients: Tensor[]; params: Tensor[] } | undefined;
    this.model.reseedDropout(deriveSeed(this.config.seed, `dropout:${epoch}`));
    let hookSeconds = 0;
    const start = process.hrtime.bigint();
    const result = trainEpoch({
      model: this.model,
      optimizer: this.optimizer,
      loss: this.config.loss,
      data: this.data.train,
      batchSize: this.batchSize,
      generator: new Generator(deriveSeed(this.config.seed, `shuffle:${epoch}`)),
      onBatch: (context) => {
        const hookStart = process.hrtime.bigint();
        if (moments) moments.update(this.optimizer.params.map((_, i) => context.gradients.get(this.optimizer.names[i]!)!));
        if (identitySteps.has(context.batch)) {
          const full = fullGradient(this.model, this.config, this.data.train);
          pending = { step: context.batch, loss: full.loss, gradients: full.gradients, params: this.model.parameters().map((p) => keep(noGrad(() => p.clone()))) };
        }
        this.reporter.batch?.({ epoch, batch: context.batch, batches, loss: context.loss });
        hookSeconds += Number(process.hrtime.bigint() - hookStart) / 1e9;
      },
      afterStep: () => {
        if (!pending) return;
        const hookStart = process.hrtime.bigint();
        const after = fullGradient(this.model, this.config, this.data.train);
        const delta = tidy(() => this.model.parameters().map((p, i) => keep(noGrad(() => p.sub(pending!.params[i]!)))));
        identity.push({ step: pending.step, measured: after.loss - pending.loss, predicted: dot(pending.gradients, delta) });
        for (const t of [...pending.gradients, ...pending.params, ...delta, ...after.gradients]) t.dispose();
        pending = undefined;
        hookSeconds += Number(process.hrtime.bigint() - hookStart) / 1e9;
      },
    });
    timings.training += Number(process.hrtime.bigint() - start) / 1e9 - hookSeconds;
    timings.gradientStats += hookSeconds;
    if (this.replicas) timed(timings, 'gradientStats', () => this.replicas!.step());
    return { moments, before, identity, stepLosses: result.batchLosses };
  }

  /** Everything recorded at a logged epoch. */
  logEpoch(epoch: number, timings: Timings, trained: ReturnType<Run['trainEpoch']> | undefined): EpochRecord {
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
    model.layers.forEach((layer, index) => {
      const activations = probe.activations[index]!;
      this.reporter.phase?.({ epoch, phase: `MI ${layer.name}` });
      const estimates = timed(timings, 'mi', () => layerEstimates(config, activations, data.probe, data.numClasses, index === model.layers.length - 1));
      const derivative = timed(timings, 'dynamics', () => this.derivative(layer.name, epoch, estimates, activations));
      layers.push(timed(timings, 'dynamics', () => layerRecord(layer, model.layerShapes[index]!, estimates, activations, { gradients, histogramBins: config.dynamics.histogramBins, derivative })));
    });
    if (config.saveActivations !== 'none') {
      timed(timings, 'writing', () => {
        if (epoch === 0 || !this.carry.lastLogged) this.store.saveProbeIndex(data.probe.labels, data.probe.inputIds);
        model.layers.forEach((layer, index) => {
          const activations = probe.activations[index]!;
          const rows = config.saveActivations === 'all' ? activations : tidy(() => activations.narrow(0, 0, Math.min(config.saveActivations as number, activations.size(0))).contiguous());
          this.store.saveActivations(epoch, layer.name, rows);
          if (rows !== activations) rows.dispose();
        });
      });
    }
    const lossDynamics = timed(timings, 'dynamics', () => this.lossDynamics(train.loss, trained));
    for (const t of probe.activations) t.dispose();
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

  derivative(layer: string, epoch: number, estimates: LayerRecord['estimates'], activations: Tensor): KdeDerivative | null {
    const samples = this.config.dynamics.kdeDerivativeSamples;
    const ixt = kdeInformation(estimates);
    if (samples < 2 || ixt === undefined) return null;
    const sample = derivativeSample(activations, samples);
    const previous = this.carry.derivative.get(layer);
    this.carry.derivative.set(layer, { ixt, sample });
    if (!previous || !this.carry.lastLogged) return null;
    try {
      return kdeDerivative(previous.ixt, ixt, epoch - this.carry.lastLogged.epoch, previous.sample, sample);
    } finally {
      previous.sample.dispose();
    }
  }

  lossDynamics(trainLoss: number, trained: ReturnType<Run['trainEpoch']> | undefined): LossDynamicsRecord | null {
    const last = this.carry.lastLogged;
    if (!this.config.dynamics.lossDynamics || !trained || !last) {
      for (const t of trained?.before ?? []) t.dispose();
      trained?.moments?.dispose();
      return null;
    }
    const steps = this.optimizer.iterations - last.step;
    const alpha = this.optimizer.learningRate;
    const params = this.model.parameters();
    const moments = trained.moments;
    let predictedFromMean: number | null = null;
    let predictedSgd: number | null = null;
    let layerTerms: LossDynamicsRecord['layerTerms'] = null;
    if (moments && trained.before) {
      const delta = tidy(() => params.map((p, i) => keep(p.sub(trained.before![i]!))));
      predictedFromMean = dot(moments.means, delta) / steps;
      for (const t of delta) t.dispose();
      if (this.isSgd) predictedSgd = -alpha * dot(moments.means, moments.means);
      if (this.config.batchSize === 'full' && this.isSgd) {
        let cumulative = 0;
        layerTerms = this.model.layers.filter((layer) => layer.parameters().length > 0).map((layer) => {
          const indices = this.optimizer.names.map((name, i) => (name.startsWith(`${layer.name}.`) ? i : -1)).filter((i) => i >= 0);
          const term = -alpha * indices.reduce((sum, i) => sum + dot([moments.means[i]!], [moments.means[i]!]), 0);
          cumulative += term;
          return { layer: layer.name, term, cumulative };
        });
      }
    }
    for (const t of trained.before ?? []) t.dispose();
    moments?.dispose();
    // Full batch: one step per epoch, and that step's own loss is L before it, so the change is exact.
    const measured = this.config.batchSize === 'full' && trained.stepLosses.length === 1 && steps === 1
      ? trainLoss - trained.stepLosses[0]!
      : (trainLoss - last.trainLoss) / steps;
    return { steps, measuredPerStep: measured, predictedFromMean, predictedSgd, identity: trained.identity, layerTerms };
  }

  summarize(records: readonly EpochRecord[]): RunSummary {
    const epochs = records.map((r) => r.epoch);
    const layers = this.model.layers.map((layer, index) => ({
      layer: layer.name,
      ixt: records.map((r) => kdeInformation(r.layers[index]!.estimates) ?? r.layers[index]!.estimates[0]?.ixt.upper ?? Number.NaN),
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
    for (const { sample } of this.carry.derivative.values()) sample.dispose();
    this.model.dispose();
    this.optimizer.dispose();
    this.replicas?.dispose();
  }
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
  let createdAt: unknown;
  if (options.resume) {
    const written = store.readConfig<{ config: unknown; run?: { createdAt?: unknown } }>();
    config = resolveConfig(written.config);
    createdAt = written.run?.createdAt;
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
    // Written on resume too (--epochs may have extended the run), keeping the run's creation time.
    const description = run.describe();
    if (createdAt !== undefined) (description['run'] as { createdAt: unknown }).createdAt = createdAt;
    store.writeConfig(description);
    store.writeStatus({ state: 'running', epoch: startEpoch - 1, epochs: config.epochs });
    run.reporter.runStart?.({ dir: store.dir, epochs: config.epochs, startEpoch, batchesPerEpoch: Math.ceil(size(run.data.train) / run.batchSize), logged: [...run.logged] });
    for (let epoch = startEpoch; epoch <= config.epochs; epoch++) {
      const timings = zeroTimings();
      const trained = epoch > 0 ? run.trainEpoch(epoch, timings) : undefined;
      if (run.logged.has(epoch)) {
        const record = run.logEpoch(epoch, timings, trained);
        timed(timings, 'writing', () => store.appendMetrics(record as unknown as Record<string, unknown>));
        run.reporter.logged?.(record);
      } else {
        trained?.moments?.dispose();
        for (const t of trained?.before ?? []) t.dispose();
      }
      timed(timings, 'writing', () => {
        run.saveCheckpoint(epoch);
        store.writeStatus({ state: 'running', epoch, epochs: config.epochs });
      });
      run.reporter.epochEnd?.({ epoch });
      // Let the event loop breathe (signals, streams) between epochs.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const records = store.readMetrics<EpochRecord>();
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

