/**
 * The run directory's format: one zod schema per file and per metrics.jsonl line. The runner writes
 * values of these types; the report, the dashboard, sweeps and re-estimation read them back through
 * `readRun` (reader.ts), which validates every file and line. docs/run-store.md describes the files and
 * docs/run-store.schema.json is the JSON Schema generated from these definitions (json-schema.ts).
 *
 * Versions: config.json has `schemaVersion` 1; every metrics line has `schemaVersion` 2 (1 was written
 * before the loss dynamics measured the logged epoch itself: its lossDynamics are not read, see reader.ts).
 *
 * Numbers that may be non-finite (an SNR of a gradient with zero spread is ∞, a statistic of too few
 * points NaN) are written by JSON.stringify as null; `metric` reads null back as NaN, and the reader says
 * where such values are.
 */
import { z } from 'zod';
import { experimentConfigSchema } from '../experiment/config.js';
import { estimatorSpecSchema } from '../info/estimator-spec.js';

export const CONFIG_SCHEMA_VERSION = 1;
export const METRICS_SCHEMA_VERSION = 2;
/** The metrics schema versions this reader understands. */
export const READABLE_METRICS_VERSIONS = [1, 2] as const;

interface MetricDef extends z.ZodTypeDef {
  /** Marks the type for the JSON Schema generator (json-schema.ts), which knows no custom zod types. */
  infoplaneMetric: true;
}

/**
 * A number that JSON may hold as null (NaN, ±∞ when written): read as NaN. A zod type of its own: as
 * `z.number().nullable().transform(…)` its three nested parsers took half of the reader's time on a run
 * of 212 logged epochs (0.23 s of validation, 0.13 s without the transform).
 */
class ZodMetric extends z.ZodType<number, MetricDef, number | null> {
  override _parse(input: z.ParseInput): z.ParseReturnType<number> {
    if (typeof input.data === 'number') return z.OK(input.data);
    if (input.data === null) return z.OK(Number.NaN);
    const context = this._getOrReturnCtx(input);
    z.addIssueToContext(context, { code: z.ZodIssueCode.invalid_type, expected: z.ZodParsedType.number, received: context.parsedType });
    return z.INVALID;
  }
}

export const metric = new ZodMetric({ infoplaneMetric: true });

/** Whether a zod definition is `metric`'s (for json-schema.ts). */
export function isMetricDef(def: unknown): boolean {
  return typeof def === 'object' && def !== null && (def as Partial<MetricDef>).infoplaneMetric === true;
}

const bounded = z.object({ lower: metric, upper: metric }).strict();

/** What is doubtful about an estimate (src/info/validity.ts): a code and the finding in words. */
export const validityFlagSchema = z.object({
  code: z.enum(['binning-saturated', 'dpi-violated', 'negative', 'above-entropy', 'bound-gap', 'outside-bins']),
  message: z.string(),
}).strict();

export const estimateRecordSchema = z.object({
  estimator: z.string(),
  method: z.enum(['concat', 'mean']),
  ixt: bounded,
  iyt: bounded,
  ht: bounded,
  /** Everything that produced the numbers: estimator, its options, samples, dims (and channels). */
  parameters: z.record(z.union([z.number(), z.string(), z.boolean()])),
  /** Under the mean method: I(X;T) and I(Y;T) upper bounds per channel. */
  perChannel: z.array(z.object({ ixt: metric, iyt: metric }).strict()).optional(),
  /** Validity flags found with the estimate (absent: none, or a run written before flags). */
  flags: z.array(validityFlagSchema).optional(),
}).strict();

export const gradientSummarySchema = z.object({ mean: metric, std: metric, snr: metric, count: z.number().int() }).strict();

export const histogramSchema = z.object({ min: metric, max: metric, counts: z.array(z.number()) }).strict();

export const kdeDerivativeSchema = z.object({
  rate: metric,
  sign: z.union([z.literal(-1), z.literal(0), z.literal(1)]),
  fBefore: metric,
  fNow: metric,
  kernelWeighted: metric,
  compressingTerms: z.number(),
  totalTerms: z.number(),
  samples: z.number().int(),
  noiseVariance: z.number(),
}).strict();

/** A layer's class clustering (src/info/clustering.ts) on the first `samples` probe samples. */
export const clusteringSchema = z.object({ silhouette: metric, distanceRatio: metric, samples: z.number().int() }).strict();

export const layerRecordSchema = z.object({
  name: z.string(),
  type: z.string(),
  activation: z.string().nullable(),
  /** One sample's output shape. */
  shape: z.array(z.number().int()),
  estimates: z.array(estimateRecordSchema),
  gradient: z.record(gradientSummarySchema).nullable(),
  weightNorm: z.record(metric),
  histogram: histogramSchema,
  kdeDerivative: kdeDerivativeSchema.nullable(),
  /** Null when config clustering.samples is 0; absent in runs written before it. */
  clustering: clusteringSchema.nullable().optional(),
}).strict();

export const layerStepTermSchema = z.object({ layer: z.string(), term: metric, recursion: metric, measured: metric }).strict();

export const stepCheckSchema = z.object({
  step: z.number().int(),
  measured: metric,
  firstOrder: metric,
  secondOrder: metric,
  remainder: metric,
  layers: z.array(layerStepTermSchema),
}).strict();

export const lossDynamicsSchema = z.object({
  steps: z.number().int(),
  lossBefore: metric,
  lossAfter: metric,
  measuredPerStep: metric,
  predictedFromMean: metric.nullable(),
  predictedSgd: metric.nullable(),
  checks: z.array(stepCheckSchema),
}).strict();

export const TIMING_PHASES = ['training', 'gradientStats', 'losses', 'probing', 'mi', 'dynamics', 'writing'] as const;

const evaluation = z.object({ loss: metric, accuracy: metric }).strict();

/** One logged epoch: a line of metrics.jsonl (without its schemaVersion). */
export const epochRecordSchema = z.object({
  epoch: z.number().int().min(0),
  /** Optimizer steps taken so far. */
  step: z.number().int().min(0),
  elapsedSeconds: z.number(),
  train: evaluation,
  test: evaluation,
  layers: z.array(layerRecordSchema),
  lossDynamics: lossDynamicsSchema.nullable(),
  snrMode: z.preprocess((value) => (value === 'parallel' ? 'replicas' : value), z.enum(['minibatch', 'replicas'])),
  /** Seconds per phase of this epoch. */
  timings: z.object(Object.fromEntries(TIMING_PHASES.map((phase) => [phase, z.number()])) as Record<(typeof TIMING_PHASES)[number], z.ZodNumber>).strict(),
}).strict();

/** A metrics line as written: the record and its schemaVersion. */
export const metricsLineSchema = epochRecordSchema.extend({ schemaVersion: z.literal(METRICS_SCHEMA_VERSION) });

/** The run's activation-storage decision (src/experiment/activation-storage.ts). */
export const activationStorageSchema = z.object({
  /** The config's saveActivations as given ('auto', 'all', 'none' or a count). */
  request: z.string(),
  /** Probe samples kept per logged epoch (the first rows of the probe); 0 for none. */
  rows: z.number().int().min(0),
  dtype: z.enum(['float32', 'float16']),
  bytesPerEpoch: z.number(),
  totalBytes: z.number(),
  budgetBytes: z.number(),
  freeBytes: z.number().nullable(),
  /** The decision in words, with the sizes. */
  decision: z.string(),
}).strict();

export const runInfoSchema = z.object({
  createdAt: z.string(),
  engine: z.object({ libtorch: z.string(), blas: z.string().nullable().optional(), threads: z.number().int(), cpus: z.number().int() }).strict(),
  trainSamples: z.number().int(),
  testSamples: z.number().int(),
  numClasses: z.number().int(),
  batchesPerEpoch: z.number().int(),
  logEpochs: z.array(z.number().int()),
  /** What the epoch numbers mean (epoch 0 is the untrained network), beside ibsgd's numbering. */
  epochNumbering: z.object({ epoch0: z.string(), epochE: z.string(), ibsgd: z.string() }).strict().optional(),
  probe: z.object({
    samples: z.number().int(),
    set: z.enum(['test', 'train', 'all']),
    /** H(X) = log₂ samples: the ceiling of I(X;T), bits. */
    hX: z.number(),
    /** H(Y) of the probe's labels: the ceiling of I(Y;T), bits. */
    hY: z.number(),
  }).strict(),
  layers: z.array(z.object({ name: z.string(), type: z.string(), shape: z.array(z.number().int()) }).strict()),
  /** What `activations/` keeps for re-estimation, decided when the run started (absent in older runs). */
  activations: activationStorageSchema.optional(),
  /** The probe examples whose activations `examples/` holds at every logged epoch (activation images). */
  examples: z.object({ probeIndices: z.array(z.number().int()), labels: z.array(z.number().int()), inputShape: z.array(z.number().int()) }).strict().optional(),
}).strict();

/** config.json: the resolved config (everything to reproduce the run) and the run's description. */
export const runConfigFileSchema = z.object({
  schemaVersion: z.literal(CONFIG_SCHEMA_VERSION),
  config: experimentConfigSchema,
  run: runInfoSchema,
}).strict();

export const RUN_STATES = ['running', 'finished', 'failed'] as const;

/** status.json. */
export const runStatusSchema = z.object({
  state: z.enum(RUN_STATES),
  /** The last epoch whose checkpoint is written (−1 before the first). */
  epoch: z.number().int(),
  epochs: z.number().int(),
  updatedAt: z.string(),
  /** The writing process and its host (a sweep tells a live trial from an interrupted one by them). */
  pid: z.number().int(),
  host: z.string().optional(),
  error: z.string().optional(),
}).strict();

const testOutcome = {
  tested: z.boolean(),
  detected: z.boolean(),
  pValue: z.number().nullable(),
  /** The test in words, with its settings. */
  test: z.string(),
  /** Why not tested or not detected, or what was found. */
  reason: z.string(),
};
const eventTest = { ...testOutcome, epoch: z.number().nullable(), candidateEpoch: z.number().nullable(), points: z.number().int() };
const nullableNumber = z.number().nullable();

export const kinkTestSchema = z.object({ ...eventTest, statistic: nullableNumber, slopeBefore: nullableNumber, slopeAfter: nullableNumber }).strict();
export const compressionTestSchema = z.object({
  ...eventTest,
  peakBits: nullableNumber,
  finalBits: nullableNumber,
  dropBits: nullableNumber,
  lowerDropBits: nullableNumber,
  marginBits: nullableNumber,
  noiseBits: nullableNumber,
  boundGapAtPeakBits: nullableNumber,
}).strict();
export const coincidenceTestSchema = z.object({
  ...testOutcome,
  positions: z.tuple([z.number(), z.number(), z.number()]).nullable(),
  spread: nullableNumber,
  loggedEpochs: z.number().int(),
}).strict();

/** summary.json: the hypothesis tests (src/dynamics/hypothesis.ts) with their settings, and loss-change correlations. */
export const runSummarySchema = z.object({
  settings: z.object({
    alpha: z.number(),
    permutations: z.number().int(),
    seed: z.number().int(),
    z: z.number(),
    floorBits: z.number(),
    tailPoints: z.number().int(),
    minPoints: z.number().int(),
    minSegmentPoints: z.number().int(),
  }).strict(),
  lossKink: kinkTestSchema,
  layers: z.array(z.object({ layer: z.string(), snrDrop: kinkTestSchema, compression: compressionTestSchema, coincidence: coincidenceTestSchema }).strict()),
  /** Over logged epochs: correlation of the measured loss change per step with μ·Δθ/steps and with the mean SNR (absent when undefined). */
  lossChangeCorrelation: z.object({ withMeanGradient: z.number().optional(), withSnr: z.number().optional() }).strict(),
}).strict();

export const REESTIMATE_SCHEMA_VERSION = 1;

/**
 * reestimates/ID/reestimate.json: one re-estimation of a run from its stored activations — the
 * estimator with every option, the methods, what it read, its state and the epochs it covers.
 */
export const reestimateFileSchema = z.object({
  schemaVersion: z.literal(REESTIMATE_SCHEMA_VERSION),
  id: z.string(),
  estimator: estimatorSpecSchema,
  methods: z.array(z.enum(['concat', 'mean'])).min(1),
  /** The stored activations it read: probe samples per epoch, their dtype, and the threads used (as the run's, so its own settings reproduce its numbers). */
  source: z.object({ rows: z.number().int().min(2), dtype: z.enum(['float32', 'float16']), threads: z.number().int().min(1) }).strict(),
  createdAt: z.string(),
  updatedAt: z.string(),
  state: z.enum(['running', 'finished', 'failed']),
  /** The logged epochs it covers, ascending. */
  epochs: z.array(z.number().int().min(0)),
  elapsedSeconds: z.number(),
  error: z.string().optional(),
}).strict();

/** One line of reestimates/ID/estimates.jsonl: one logged epoch's estimates, per layer in network order. */
export const reestimateLineSchema = z.object({
  schemaVersion: z.literal(REESTIMATE_SCHEMA_VERSION),
  epoch: z.number().int().min(0),
  layers: z.array(z.object({ name: z.string(), estimates: z.array(estimateRecordSchema) }).strict()),
}).strict();

export type ReestimateFile = z.output<typeof reestimateFileSchema>;
export type ReestimateLine = z.output<typeof reestimateLineSchema>;
export type EstimateRecord = z.output<typeof estimateRecordSchema>;
export type ValidityFlag = z.output<typeof validityFlagSchema>;
export type ActivationStorage = z.output<typeof activationStorageSchema>;
export type GradientRecord = z.output<typeof gradientSummarySchema>;
export type HistogramRecord = z.output<typeof histogramSchema>;
export type KdeDerivativeRecord = z.output<typeof kdeDerivativeSchema>;
export type ClusteringRecord = z.output<typeof clusteringSchema>;
export type LayerRecord = z.output<typeof layerRecordSchema>;
export type StepCheckRecord = z.output<typeof stepCheckSchema>;
export type LossDynamicsRecord = z.output<typeof lossDynamicsSchema>;
export type Timings = z.output<typeof epochRecordSchema>['timings'];
export type EpochRecord = z.output<typeof epochRecordSchema>;
export type RunInfo = z.output<typeof runInfoSchema>;
export type RunConfigFile = z.output<typeof runConfigFileSchema>;
export type RunState = (typeof RUN_STATES)[number];
export type RunStatus = z.output<typeof runStatusSchema>;
export type RunSummaryRecord = z.output<typeof runSummarySchema>;
