/**
 * Reading a run directory through its schemas (schemas.ts): every consumer — report, dashboard, sweeps,
 * re-estimation — reads runs here. A run that is still being written, was killed mid-line or holds a
 * malformed line is read as far as it is valid: each problem becomes a notice naming the file, the line
 * and what is wrong, and the records around it are kept. What cannot be read at all (not a run, a
 * config from a newer infoplane) is an error naming the directory and the fix.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { readNpy } from '../data/npy.js';
import { epochDirectory } from './run-store.js';
import {
  CONFIG_SCHEMA_VERSION, type EpochRecord, METRICS_SCHEMA_VERSION, READABLE_METRICS_VERSIONS, type ReestimateFile, type ReestimateLine, type RunConfigFile, type RunStatus,
  type RunSummaryRecord, epochRecordSchema, reestimateFileSchema, reestimateLineSchema, runConfigFileSchema, runStatusSchema, runSummarySchema,
} from './schemas.js';

/** Something a reader of the run should be told: shown by the CLI and as a notice on the dashboard. */
export interface RunNotice {
  level: 'warning' | 'info';
  /** The file, relative to the run directory. */
  file: string;
  /** 1-based line of metrics.jsonl, where it is about one. */
  line?: number;
  message: string;
}

/** One example's activations of one layer at one logged epoch: values in the layer's output shape. */
export interface ExampleActivation {
  epoch: number;
  layer: string;
  /** One example's shape (the layer's output shape). */
  shape: number[];
  /** Per example, its values (row-major). */
  values: Float32Array[];
}

/** The stored probe examples (activation images): their inputs, labels and every layer at some epochs. */
export interface RunExamples {
  labels: number[];
  inputShape: number[];
  inputs: Float32Array[];
  activations: ExampleActivation[];
}

/** A run as its directory holds it, validated. */
export interface RunData {
  dir: string;
  /** The directory's name: how the run is shown. */
  name: string;
  config: RunConfigFile;
  /** Undefined when status.json is missing or unreadable (a notice says so). */
  status: RunStatus | undefined;
  /** Every valid logged epoch, ascending. */
  records: EpochRecord[];
  /** Present once the run has finished. */
  summary: RunSummaryRecord | undefined;
  /** The stored examples at the first and the last logged epoch, when the run stores examples. */
  examples: RunExamples | undefined;
  /** The run's re-estimations from its stored activations (reestimates/), by id. */
  reestimates: Reestimation[];
  notices: RunNotice[];
}

/** One re-estimation of the run (reestimates/ID): its description and every valid epoch line. */
export interface Reestimation {
  id: string;
  file: ReestimateFile;
  /** Every valid line, epochs ascending. */
  records: ReestimateLine[];
}

/** A run directory that cannot be read. */
export class RunFormatError extends Error {
  override readonly name = 'RunFormatError';
}

function describeIssues(error: z.ZodError): string {
  return error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`).join('; ')
    + (error.issues.length > 3 ? ` (+${error.issues.length - 3} more)` : '');
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new RunFormatError(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/** A JSON file of the run through its schema, or an error naming the file and the problem. */
function readJsonFile<S extends z.ZodTypeAny>(file: string, schema: S): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(readText(file));
  } catch (error) {
    if (error instanceof RunFormatError) throw error;
    throw new RunFormatError(`${file} is not valid JSON (${(error as Error).message})`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new RunFormatError(`${file} does not match the run-store format: ${describeIssues(parsed.error)}`);
  return parsed.data as z.output<S>;
}

/** config.json, checked for a version this reader knows. */
export function readRunConfig(dir: string): RunConfigFile {
  const file = path.join(dir, 'config.json');
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new RunFormatError(`${dir} is not a directory`);
  if (!existsSync(file)) throw new RunFormatError(`${dir} is not a run directory (no config.json): give a directory that infoplane run wrote`);
  let version: unknown;
  try {
    version = (JSON.parse(readText(file)) as { schemaVersion?: unknown }).schemaVersion;
  } catch (error) {
    if (error instanceof RunFormatError) throw error;
    throw new RunFormatError(`${file} is not valid JSON (${(error as Error).message})`);
  }
  if (version !== CONFIG_SCHEMA_VERSION) {
    throw new RunFormatError(`${file} has schemaVersion ${JSON.stringify(version)}, but this infoplane reads version ${CONFIG_SCHEMA_VERSION}: read it with the infoplane that wrote it, or a newer one`);
  }
  return readJsonFile(file, runConfigFileSchema);
}

/** Paths of the values in `value` that are null where the schema reads a number (non-finite when written). */
function nullMetrics(value: unknown, at: string, found: string[]): void {
  if (value === null) found.push(at);
  else if (Array.isArray(value)) value.forEach((item, i) => nullMetrics(item, `${at}[${i}]`, found));
  else if (typeof value === 'object') for (const [key, item] of Object.entries(value)) nullMetrics(item, at ? `${at}.${key}` : key, found);
}

/** Fields of a record that are null by design (absent, not non-finite). */
const NULL_BY_DESIGN = /(^|\.)(gradient|kdeDerivative|clustering|lossDynamics|predictedSgd|predictedFromMean|activation)$/;

/**
 * The valid records of metrics.jsonl with a notice for every line that is not: a cut-off last line (a run
 * still writing, or killed mid-write), a line that is not JSON, a line of an unknown schemaVersion or one
 * that does not match the schema. Records of epochs that are not ascending are dropped with a notice.
 */
export function readMetricsFile(file: string, notices: RunNotice[]): EpochRecord[] {
  if (!existsSync(file)) {
    notices.push({ level: 'info', file: 'metrics.jsonl', message: 'no metrics.jsonl yet: no epoch has been logged' });
    return [];
  }
  const text = readText(file);
  const lines = text.split('\n');
  const records: EpochRecord[] = [];
  const nonFinite: { line: number; path: string }[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const number = index + 1;
    const notice = (message: string, level: RunNotice['level'] = 'warning'): void => { notices.push({ level, file: 'metrics.jsonl', line: number, message }); };
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      const last = index === lines.length - 1;
      notice(last ? 'the last line is incomplete (the run is still writing it, or was stopped mid-write); it is skipped' : `line ${number} is not valid JSON (${(error as Error).message}); it is skipped`);
      return;
    }
    const version = (value as { schemaVersion?: unknown } | null)?.schemaVersion;
    if (!(READABLE_METRICS_VERSIONS as readonly unknown[]).includes(version)) {
      notice(`line ${number} has schemaVersion ${JSON.stringify(version)}; this infoplane reads ${READABLE_METRICS_VERSIONS.join(' and ')}: it is skipped`);
      return;
    }
    const { schemaVersion: _version, ...record } = value as Record<string, unknown>;
    if (version !== METRICS_SCHEMA_VERSION && record['lossDynamics'] !== null) {
      // Version 1 measured the loss over a different window: its loss dynamics are not comparable.
      record['lossDynamics'] = null;
      if (!notices.some((n) => n.message.startsWith('schemaVersion 1'))) notice('schemaVersion 1 records: their loss dynamics (a different window) are not read', 'info');
    }
    const parsed = epochRecordSchema.safeParse(record);
    if (!parsed.success) {
      notice(`line ${number} does not match the metrics format: ${describeIssues(parsed.error)}; it is skipped`);
      return;
    }
    if (records.length > 0 && parsed.data.epoch <= records.at(-1)!.epoch) {
      notice(`line ${number} repeats or goes back to epoch ${parsed.data.epoch}; it is skipped`);
      return;
    }
    const nulls: string[] = [];
    nullMetrics(record, '', nulls);
    const real = nulls.filter((at) => !NULL_BY_DESIGN.test(at));
    if (real.length > 0) nonFinite.push({ line: number, path: real[0]! });
    records.push(parsed.data);
  });
  if (nonFinite.length > 0) {
    notices.push({ level: 'info', file: 'metrics.jsonl', line: nonFinite[0]!.line, message: `${nonFinite.length} record(s) hold non-finite values (NaN or ±∞, written as null), first ${nonFinite[0]!.path} on line ${nonFinite[0]!.line}; they are left out of figures` });
  }
  return records;
}

/** An NPY array split into its first dimension's rows, as float32. */
function rowsOf(file: string): { rows: Float32Array[]; shape: number[] } {
  const array = readNpy(file);
  const [count, ...shape] = array.shape;
  const size = shape.reduce((a, b) => a * b, 1);
  const values = Float32Array.from(array.data as ArrayLike<number>, Number);
  return { rows: Array.from({ length: count ?? 0 }, (_, i) => values.subarray(i * size, (i + 1) * size)), shape };
}

/**
 * The stored examples of the run (config `probe.examples`) at the given logged epochs: their inputs and
 * every layer's activations; undefined when the run stores none. A missing or damaged file is a notice.
 */
export function readExamples(dir: string, config: RunConfigFile, epochs: readonly number[], notices: RunNotice[]): RunExamples | undefined {
  const described = config.run.examples;
  const root = path.join(dir, 'examples');
  if (!described || described.probeIndices.length === 0 || !existsSync(root)) return undefined;
  try {
    const inputs = rowsOf(path.join(root, 'inputs.npy')).rows;
    const activations: ExampleActivation[] = [];
    for (const epoch of epochs) {
      for (const layer of config.run.layers) {
        const file = path.join(root, epochDirectory(epoch), `${layer.name}.npy`);
        if (!existsSync(file)) continue;
        const { rows, shape } = rowsOf(file);
        activations.push({ epoch, layer: layer.name, shape, values: rows });
      }
    }
    return { labels: described.labels, inputShape: described.inputShape, inputs, activations };
  } catch (error) {
    notices.push({ level: 'warning', file: 'examples', message: `the stored examples cannot be read (${(error as Error).message})` });
    return undefined;
  }
}

/**
 * The valid lines of a JSON Lines file through a schema, with a notice (naming `label` and the line) for
 * every line that is not: cut off at the end, not JSON, not matching.
 */
function readJsonLines<S extends z.ZodTypeAny>(file: string, label: string, schema: S, notices: RunNotice[]): z.output<S>[] {
  if (!existsSync(file)) return [];
  const lines = readText(file).split('\n');
  const values: z.output<S>[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const notice = (message: string): void => { notices.push({ level: 'warning', file: label, line: index + 1, message }); };
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      notice(index === lines.length - 1 ? 'the last line is incomplete (still being written, or stopped mid-write); it is skipped' : `line ${index + 1} is not valid JSON (${(error as Error).message}); it is skipped`);
      return;
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) notice(`line ${index + 1} does not match the format: ${describeIssues(parsed.error)}; it is skipped`);
    else values.push(parsed.data as z.output<S>);
  });
  return values;
}

/** The directory of re-estimation `id` of the run in `dir`. */
export function reestimateDirectory(dir: string, id: string): string {
  return path.join(dir, 'reestimates', id);
}

/**
 * Every re-estimation of the run (reestimates/ID/reestimate.json and estimates.jsonl), in id order; one
 * that cannot be read is a notice and is left out.
 */
export function readReestimates(dir: string, notices: RunNotice[]): Reestimation[] {
  const root = path.join(dir, 'reestimates');
  if (!existsSync(root)) return [];
  const found: Reestimation[] = [];
  for (const id of readdirSync(root).sort()) {
    const sub = path.join(root, id);
    if (!statSync(sub).isDirectory() || !existsSync(path.join(sub, 'reestimate.json'))) continue;
    try {
      const file = readJsonFile(path.join(sub, 'reestimate.json'), reestimateFileSchema);
      const lines = readJsonLines(path.join(sub, 'estimates.jsonl'), `reestimates/${id}/estimates.jsonl`, reestimateLineSchema, notices);
      // Ascending and unique by epoch (a resumed re-estimation never repeats one; a hand-edited file might).
      const records = lines.filter((line, i) => i === 0 || line.epoch > lines[i - 1]!.epoch);
      found.push({ id, file, records });
    } catch (error) {
      notices.push({ level: 'warning', file: `reestimates/${id}`, message: (error as Error).message });
    }
  }
  return found;
}

/** What activations/ holds: the logged epochs with every layer's file, the probe rows and the dtype. */
export interface StoredActivations {
  dir: string;
  /** Epochs whose directory holds a file for every layer, ascending. */
  epochs: number[];
  layers: string[];
  /** Epochs with some layers missing (a run killed mid-write): not re-estimated. */
  incomplete: number[];
}

/**
 * The run's stored activations (config `saveActivations`), or an error naming why there are none and how
 * to get them.
 *
 * @example storedActivations('runs/fig5-mlp', readRunConfig('runs/fig5-mlp')).epochs // [0, 1, …, 20]
 */
export function storedActivations(dir: string, config: RunConfigFile): StoredActivations {
  const root = path.join(dir, 'activations');
  const layers = config.run.layers.map((layer) => layer.name);
  const decision = config.run.activations?.decision;
  if (!existsSync(path.join(root, 'labels.npy'))) {
    throw new RunFormatError(`${dir} has no stored activations (no activations/labels.npy)${decision ? `: ${decision}` : ''}; run it again with --save-activations all, or import activations written by another framework with infoplane import`);
  }
  const epochs: number[] = [];
  const incomplete: number[] = [];
  for (const name of readdirSync(root).sort()) {
    const match = /^epoch-(\d+)$/.exec(name);
    if (!match) continue;
    const epoch = Number(match[1]);
    const complete = layers.every((layer) => existsSync(path.join(root, name, `${layer}.npy`)));
    (complete ? epochs : incomplete).push(epoch);
  }
  if (epochs.length === 0) throw new RunFormatError(`${root} holds no logged epoch with every layer's activations (${layers.join(', ')})`);
  return { dir: root, epochs: epochs.sort((a, b) => a - b), layers, incomplete };
}

/**
 * Reads and validates a run directory: config, status, every valid metrics record, the summary.
 *
 * @example
 * const run = readRun('runs/fig5-mlp');
 * for (const notice of run.notices) console.warn(notice.message);
 */
export function readRun(dir: string): RunData {
  const config = readRunConfig(dir);
  const notices: RunNotice[] = [];
  const optional = <T>(name: string, read: () => T): T | undefined => {
    if (!existsSync(path.join(dir, name))) return undefined;
    try {
      return read();
    } catch (error) {
      notices.push({ level: 'warning', file: name, message: (error as Error).message });
      return undefined;
    }
  };
  const status = optional('status.json', () => readJsonFile(path.join(dir, 'status.json'), runStatusSchema));
  if (!status) notices.push({ level: 'warning', file: 'status.json', message: 'no readable status.json: the run state is unknown' });
  const records = readMetricsFile(path.join(dir, 'metrics.jsonl'), notices);
  if (records.length === 0 && existsSync(path.join(dir, 'metrics.jsonl'))) notices.push({ level: 'info', file: 'metrics.jsonl', message: 'no logged epoch yet' });
  const summary = optional('summary.json', () => readJsonFile(path.join(dir, 'summary.json'), runSummarySchema));
  if (status?.state === 'failed') notices.push({ level: 'warning', file: 'status.json', message: `the run failed: ${status.error ?? 'no reason recorded'}` });
  const logged = records.length === 0 ? [] : [...new Set([records[0]!.epoch, records.at(-1)!.epoch])];
  const examples = readExamples(dir, config, logged, notices);
  const reestimates = readReestimates(dir, notices);
  return { dir, name: path.basename(path.resolve(dir)), config, status, records, summary, examples, reestimates, notices };
}
