/**
 * The run store's writer: one directory per run, the only hand-off between computing and showing. What
 * each file holds is defined in schemas.ts; every consumer reads runs through reader.ts.
 *
 *   config.json     the resolved config (seeds included) with the run's provenance
 *   status.json     { state: running | finished | failed, epoch, updatedAt, … }
 *   metrics.jsonl   one JSON object per logged epoch (schemaVersion in each), appended and fsynced
 *   summary.json    the hypothesis summary, when the run finishes
 *   checkpoints/    latest.npz: the latest epoch's model, optimizer and carry-over state, and meta.json
 *   activations/    optional NPY per logged epoch and layer, with the probe's labels and input ids
 *
 * Every file but metrics.jsonl is replaced atomically (written beside, fsynced, renamed); metrics lines
 * are appended whole. A killed run therefore keeps every finished epoch, and nothing written is damaged
 * by a later failure (disk full, permissions): the error names the file and the cause.
 */
import {
  closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, statSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeAll, writeFileAtomic as writeAtomically } from '../data/bytes.js';
import { npyArrayOf, writeNpy } from '../data/npy.js';
import { readNpz, writeNpz } from '../data/npz.js';
import { type Tensor, tensor } from '../tensor/index.js';
import {
  type EpochRecord, METRICS_SCHEMA_VERSION, type RunConfigFile, type RunStatus, type RunSummaryRecord, runStatusSchema,
} from './schemas.js';

const ERRNO_HINTS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EACCES: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOENT: 'no such file or directory',
  EDQUOT: 'disk quota exceeded',
};

function fail(message: string): never {
  throw new Error(message);
}

/** Re-throws a file-system error as one naming the file and the cause in words. */
function fileError(file: string, action: string, error: unknown): never {
  const code = (error as NodeJS.ErrnoException).code;
  const cause = code ? `${code}: ${ERRNO_HINTS[code] ?? (error as Error).message}` : (error as Error).message;
  throw new Error(`cannot ${action} ${file} (${cause})`);
}

/** Writes a file atomically (src/data/bytes.ts), errors naming the file and the cause in words. */
export function writeFileAtomic(file: string, content: string | Uint8Array): void {
  try {
    writeAtomically(file, content);
  } catch (error) {
    fileError(file, 'write', error);
  }
}

/**
 * Appends one JSON line and fsyncs it; a failed write is cut back off, so the file holds whole lines
 * only (but for a crash mid-write, which the readers report and skip as an incomplete last line).
 */
export function appendJsonLine(file: string, value: unknown): void {
  const bytes = Buffer.from(`${JSON.stringify(value)}\n`);
  try {
    const fd = openSync(file, 'a');
    const size = fstatSync(fd).size;
    try {
      writeAll(fd, bytes);
      fsyncSync(fd);
    } catch (error) {
      try {
        ftruncateSync(fd, size);
      } catch {
        // Nothing more can be done; the reader reports an unterminated last line and skips it.
      }
      throw error;
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    fileError(file, 'append to', error);
  }
}

export interface Checkpoint {
  epoch: number;
  tensors: Map<string, Tensor>;
  meta: Record<string, unknown>;
}

/** The folder of a logged epoch's arrays: `epoch-000042`. */
export function epochDirectory(epoch: number): string {
  return `epoch-${String(epoch).padStart(6, '0')}`;
}

/**
 * A run directory's status.json through its schema, or undefined when it is missing, not JSON or not
 * valid (the run's state is then unknown). Written whole by rename, it is never seen half-written.
 */
export function readRunStatus(dir: string): RunStatus | undefined {
  const file = path.join(dir, 'status.json');
  if (!existsSync(file)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  const parsed = runStatusSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

export class RunStore {
  readonly dir: string;

  private constructor(dir: string) {
    this.dir = dir;
  }

  /** A new run directory; refuses one that already holds a run unless `overwrite`. */
  static create(dir: string, options: { overwrite?: boolean } = {}): RunStore {
    if (existsSync(dir)) {
      if (!statSync(dir).isDirectory()) throw new Error(`${dir} exists and is not a directory`);
      const entries = readdirSync(dir);
      if (entries.length > 0) {
        if (!options.overwrite) {
          throw new Error(`${dir} already holds a run (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}): pass --resume ${dir} to continue it or --overwrite to replace it`);
        }
        for (const entry of entries) rmSync(path.join(dir, entry), { recursive: true, force: true });
      }
    }
    try {
      mkdirSync(path.join(dir, 'checkpoints'), { recursive: true });
    } catch (error) {
      fileError(dir, 'create', error);
    }
    return new RunStore(dir);
  }

  /** An existing run directory (to resume or read). */
  static open(dir: string): RunStore {
    if (!existsSync(path.join(dir, 'config.json'))) throw new Error(`${dir} is not a run directory (no config.json)`);
    return new RunStore(dir);
  }

  file(name: string): string {
    return path.join(this.dir, name);
  }

  writeConfig(config: RunConfigFile | Record<string, unknown>): void {
    writeFileAtomic(this.file('config.json'), `${JSON.stringify(config, null, 2)}\n`);
  }

  writeStatus(status: Omit<RunStatus, 'updatedAt' | 'pid' | 'host'>): void {
    writeFileAtomic(this.file('status.json'), `${JSON.stringify({ ...status, updatedAt: new Date().toISOString(), pid: process.pid, host: os.hostname() }, null, 2)}\n`);
  }

  /** status.json through its schema, or undefined when it is missing or not valid (the run's state is then unknown). */
  readStatus(): RunStatus | undefined {
    return readRunStatus(this.dir);
  }

  writeSummary(summary: RunSummaryRecord): void {
    writeFileAtomic(this.file('summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  }

  /**
   * Appends one record as a line and fsyncs it. A write that fails part-way (a full disk) is cut back off,
   * so the file never holds a partial line followed by later ones.
   */
  appendMetrics(record: EpochRecord | Record<string, unknown>): void {
    appendJsonLine(this.file('metrics.jsonl'), { schemaVersion: METRICS_SCHEMA_VERSION, ...record });
  }

  /**
   * Keeps only the lines of epochs ≤ `epoch` (for a resume after a kill between a record and its
   * checkpoint), byte for byte. A cut-off last line goes; a line that is not JSON elsewhere is kept as it
   * is (it is the reader's to report, not the writer's to destroy). Records are read through readRun.
   */
  truncateMetrics(epoch: number): void {
    const file = this.file('metrics.jsonl');
    if (!existsSync(file)) return;
    const lines = readFileSync(file, 'utf8').split('\n');
    const kept = lines.filter((line, index) => {
      if (line.trim() === '') return false;
      try {
        const value = JSON.parse(line) as { epoch?: unknown };
        return typeof value.epoch !== 'number' || value.epoch <= epoch;
      } catch {
        return index !== lines.length - 1;
      }
    });
    writeFileAtomic(file, kept.map((line) => `${line}\n`).join(''));
  }

  /**
   * Replaces the checkpoint with this epoch's: one NPZ (`checkpoints/latest.npz`, readable with np.load)
   * holding every tensor and a `meta.json` member, written with one fsync and one atomic rename — cheap
   * enough to take after every epoch, even the 12-bit network's 5-ms ones.
   */
  saveCheckpoint(epoch: number, tensors: ReadonlyMap<string, Tensor>, meta: Record<string, unknown>): void {
    const file = path.join(this.file('checkpoints'), 'latest.npz');
    const arrays = new Map([...tensors].map(([key, value]) => [key, npyArrayOf(value)] as const));
    try {
      writeNpz(file, arrays, new Map([['meta.json', Buffer.from(JSON.stringify({ epoch, meta }))]]));
    } catch (error) {
      fileError(file, 'write', error);
    }
  }

  /** The latest complete checkpoint, or undefined before the first. */
  loadCheckpoint(): Checkpoint | undefined {
    const file = path.join(this.file('checkpoints'), 'latest.npz');
    if (!existsSync(file)) return undefined;
    const { arrays, others } = readNpz(file, { allowNaN: true });
    const metaBytes = others.get('meta.json') ?? fail(`${file}: no meta.json member; the checkpoint is damaged`);
    let parsed: { epoch: number; meta: Record<string, unknown> };
    try {
      parsed = JSON.parse(metaBytes.toString('utf8')) as typeof parsed;
    } catch (error) {
      return fail(`${file}: meta.json is not valid JSON (${(error as Error).message})`);
    }
    const tensors = new Map([...arrays].map(([key, { data, shape, dtype }]) => [key, tensor(data, shape, { dtype })] as const));
    return { epoch: parsed.epoch, tensors, meta: parsed.meta };
  }

  /** Saves a logged epoch's activations of one layer (and, once, the probe's labels and input ids). */
  saveActivations(epoch: number, layer: string, activations: Tensor): void {
    const dir = path.join(this.file('activations'), epochDirectory(epoch));
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      fileError(dir, 'create', error);
    }
    writeNpy(path.join(dir, `${layer}.npy`), activations);
  }

  /**
   * Saves the examples' activations of one layer at a logged epoch (`examples/epoch-NNNNNN/LAYER.npy`,
   * [examples, …layer shape]) and, with `inputs`, once, the examples' inputs and labels.
   */
  saveExamples(epoch: number, layer: string, activations: Tensor, once?: { inputs: Tensor; labels: Tensor; indices: Tensor }): void {
    const dir = path.join(this.file('examples'), epochDirectory(epoch));
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      fileError(dir, 'create', error);
    }
    if (once) {
      writeNpy(path.join(this.file('examples'), 'inputs.npy'), once.inputs);
      writeNpy(path.join(this.file('examples'), 'labels.npy'), once.labels);
      writeNpy(path.join(this.file('examples'), 'indices.npy'), once.indices);
    }
    writeNpy(path.join(dir, `${layer}.npy`), activations);
  }

  saveProbeIndex(labels: Tensor, inputIds: Tensor): void {
    const dir = this.file('activations');
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      fileError(dir, 'create', error);
    }
    writeNpy(path.join(dir, 'labels.npy'), labels);
    writeNpy(path.join(dir, 'input-ids.npy'), inputIds);
  }
}
