/**
 * Aggregation across seeds: per setting, per logged epoch, per layer (or the run as a whole), per
 * estimator and bound, the mean and a 95 % confidence interval of every metric over the setting's
 * finished trials — Student's t interval, mean ± t(0.975, n−1)·s/√n with s the sample standard deviation
 * (n − 1 in the denominator). Written as `aggregate.jsonl` (one row per value) and `aggregate.json` (which
 * trials went in, which were left out and why) beside sweep.json. Unfinished and failed trials are never
 * averaged in; a metric that is NaN in a trial (an SNR of zero spread) is left out of that mean only, and
 * `n` says how many trials each mean has.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import jStat from 'jstat';
import { z } from 'zod';
import { estimatorLabel, isBoundedEstimator } from '../report/figures/plane-data.js';
import { type EpochRecord, readRun, writeFileAtomic } from '../store/index.js';
import { parseWithSchema } from '../schema.js';
import { type SweepFile, readSweepFile } from './spec.js';
import { sweepStatus } from './state.js';


export const AGGREGATE_SCHEMA_VERSION = 1;

export const aggregateRowSchema = z.object({
  setting: z.number().int().min(0),
  epoch: z.number().int().min(0),
  /** null for the run's own metrics (losses, accuracies). */
  layer: z.string().nullable(),
  /** The estimator as the figures name it (`kde σ²=0.001`), null for metrics that are not MI estimates. */
  estimator: z.string().nullable(),
  method: z.enum(['concat', 'mean']).nullable(),
  /** ixt, iyt, ht; train_loss, train_accuracy, test_loss, test_accuracy; grad_mean, grad_std, snr, weight_norm (of the kernel). */
  quantity: z.string(),
  bound: z.enum(['lower', 'upper', 'value']),
  /** Trials with a finite value. */
  n: z.number().int().min(1),
  mean: z.number(),
  /** Sample standard deviation; null for n = 1. */
  sd: z.number().nullable(),
  /** The 95 % t interval; null for n = 1. */
  ciLower: z.number().nullable(),
  ciUpper: z.number().nullable(),
}).strict();
export type AggregateRow = z.output<typeof aggregateRowSchema>;

export const aggregateInfoSchema = z.object({
  schemaVersion: z.literal(AGGREGATE_SCHEMA_VERSION),
  createdAt: z.string(),
  confidence: z.number(),
  settings: z.array(z.object({
    index: z.number().int(),
    label: z.string(),
    /** Trial ids averaged. */
    trials: z.array(z.string()),
    /** Trials left out: unfinished or failed, with why. */
    leftOut: z.array(z.object({ id: z.string(), state: z.string(), reason: z.string() }).strict()),
  }).strict()),
}).strict();
export type AggregateInfo = z.output<typeof aggregateInfoSchema>;

/** One value of one trial: where it belongs and what it is. */
export interface Observation {
  epoch: number;
  layer: string | null;
  estimator: string | null;
  method: 'concat' | 'mean' | null;
  quantity: string;
  bound: 'lower' | 'upper' | 'value';
  value: number;
}

/** Every metric of a logged epoch as observations (the export's quantities). */
export function* observations(record: EpochRecord): Generator<Observation> {
  const run = { epoch: record.epoch, layer: null, estimator: null, method: null, bound: 'value' } as const;
  yield { ...run, quantity: 'train_loss', value: record.train.loss };
  yield { ...run, quantity: 'train_accuracy', value: record.train.accuracy };
  yield { ...run, quantity: 'test_loss', value: record.test.loss };
  yield { ...run, quantity: 'test_accuracy', value: record.test.accuracy };
  for (const layer of record.layers) {
    const base = { epoch: record.epoch, layer: layer.name, estimator: null, method: null, bound: 'value' } as const;
    const kernel = layer.gradient?.['kernel'];
    if (kernel) {
      yield { ...base, quantity: 'grad_mean', value: kernel.mean };
      yield { ...base, quantity: 'grad_std', value: kernel.std };
      yield { ...base, quantity: 'snr', value: kernel.snr };
    }
    if (layer.weightNorm['kernel'] !== undefined) yield { ...base, quantity: 'weight_norm', value: layer.weightNorm['kernel'] };
    for (const estimate of layer.estimates) {
      const where = { epoch: record.epoch, layer: layer.name, estimator: estimatorLabel(estimate), method: estimate.method };
      for (const quantity of ['ixt', 'iyt', 'ht'] as const) {
        const { lower, upper } = estimate[quantity];
        if (isBoundedEstimator(estimate.estimator)) {
          yield { ...where, quantity, bound: 'lower', value: lower };
          yield { ...where, quantity, bound: 'upper', value: upper };
        } else {
          yield { ...where, quantity, bound: 'value', value: upper };
        }
      }
    }
  }
}

/**
 * Mean, sample standard deviation and the `confidence` t interval of the finite values (undefined when none is).
 *
 * @example meanInterval([1, 2, 3, 4, 5]) // { n: 5, mean: 3, sd: 1.5811…, ciLower: 1.0367…, ciUpper: 4.9633… }
 */
export function meanInterval(values: readonly number[], confidence = 0.95): { n: number; mean: number; sd: number | null; ciLower: number | null; ciUpper: number | null } | undefined {
  const finite = values.filter((value) => Number.isFinite(value));
  const n = finite.length;
  if (n === 0) return undefined;
  const mean = finite.reduce((sum, value) => sum + value, 0) / n;
  if (n === 1) return { n, mean, sd: null, ciLower: null, ciUpper: null };
  const sd = Math.sqrt(finite.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (n - 1));
  const half = (jStat.studentt.inv(1 - (1 - confidence) / 2, n - 1) * sd) / Math.sqrt(n);
  return { n, mean, sd, ciLower: mean - half, ciUpper: mean + half };
}

const keyOf = (o: Omit<Observation, 'value'>): string => JSON.stringify([o.epoch, o.layer, o.estimator, o.method, o.quantity, o.bound]);

/** The aggregate of a sweep (what `infoplane aggregate` writes), computed from its finished trials. */
export function aggregateSweep(sweepDir: string, sweep: SweepFile = readSweepFile(sweepDir), confidence = 0.95): { info: AggregateInfo; rows: AggregateRow[] } {
  const statuses = sweepStatus(sweepDir, sweep);
  const rows: AggregateRow[] = [];
  const settings: AggregateInfo['settings'] = [];
  for (const setting of sweep.settings) {
    const mine = statuses.filter((status) => status.trial.setting === setting.index);
    const leftOut = mine.filter((status) => status.state !== 'finished').map((status) => ({
      id: status.trial.id,
      state: status.state,
      reason: status.state === 'failed' ? (status.failure?.error ?? 'failed') : status.state === 'pending' ? 'not started' : `stopped after epoch ${status.epoch} of ${status.epochs}`,
    }));
    const finished = mine.filter((status) => status.state === 'finished');
    const groups = new Map<string, { where: Omit<Observation, 'value'>; values: number[] }>();
    for (const status of finished) {
      const run = readRun(path.join(sweepDir, status.trial.dir));
      for (const record of run.records) {
        for (const { value, ...where } of observations(record)) {
          const key = keyOf(where);
          const group = groups.get(key) ?? { where, values: [] };
          group.values.push(value);
          groups.set(key, group);
        }
      }
    }
    for (const { where, values } of groups.values()) {
      const stats = meanInterval(values, confidence);
      if (stats) rows.push({ setting: setting.index, ...where, ...stats });
    }
    settings.push({ index: setting.index, label: setting.label, trials: finished.map((status) => status.trial.id), leftOut });
  }
  rows.sort((a, b) => a.setting - b.setting || a.epoch - b.epoch);
  return { info: { schemaVersion: AGGREGATE_SCHEMA_VERSION, createdAt: new Date().toISOString(), confidence, settings }, rows };
}

/** Aggregates the sweep and writes aggregate.jsonl and aggregate.json beside its sweep.json. */
export function writeAggregate(sweepDir: string, sweep?: SweepFile): { info: AggregateInfo; rows: AggregateRow[]; files: string[] } {
  const { info, rows } = aggregateSweep(sweepDir, sweep);
  const files = [path.join(sweepDir, 'aggregate.jsonl'), path.join(sweepDir, 'aggregate.json')];
  writeFileAtomic(files[0]!, rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
  writeFileAtomic(files[1]!, `${JSON.stringify(info, null, 2)}\n`);
  return { info, rows, files };
}

/** A sweep's written aggregate, validated, or undefined when it has none yet. */
export function readAggregate(sweepDir: string): { info: AggregateInfo; rows: AggregateRow[] } | undefined {
  const infoFile = path.join(sweepDir, 'aggregate.json');
  const rowsFile = path.join(sweepDir, 'aggregate.jsonl');
  if (!existsSync(infoFile) || !existsSync(rowsFile)) return undefined;
  const info = parseWithSchema(aggregateInfoSchema, JSON.parse(readFileSync(infoFile, 'utf8')), infoFile);
  const rows = readFileSync(rowsFile, 'utf8').split('\n').filter((line) => line !== '').map((line, index) => {
    try {
      return parseWithSchema(aggregateRowSchema, JSON.parse(line), `${rowsFile} line ${index + 1}`);
    } catch (error) {
      throw new Error(error instanceof SyntaxError ? `${rowsFile} line ${index + 1}: not valid JSON (${error.message}); run infoplane aggregate ${sweepDir} again` : (error as Error).message);
    }
  });
  return { info, rows };
}
