/**
 * The dashboard's view of its runs directory. A run is addressed by name only, and a name is a run when
 * it is one of the directory's own entries: a real directory (not a symlink) holding config.json. A name
 * is looked up in that listing, never joined into a path first, so `..`, `a/b`, absolute paths and
 * symlinks that lead out of the directory are simply not runs. Runs are read through the store's
 * validating reader and cached until one of their files changes.
 */
import { lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { type RunData, type RunState, RunFormatError, readRun } from '../store/index.js';

/** The files whose size and modification time say whether a run changed. */
const RUN_FILES = ['config.json', 'status.json', 'metrics.jsonl', 'summary.json'] as const;

/** True when `dir` (the stored examples: two levels of folders and NPY files) is or holds a symbolic link. */
function linksIn(dir: string, depth = 2): boolean {
  let stat;
  try {
    stat = lstatSync(dir);
  } catch {
    return false;
  }
  if (stat.isSymbolicLink()) return true;
  if (!stat.isDirectory() || depth === 0) return false;
  return readdirSync(dir).some((entry) => linksIn(path.join(dir, entry), depth - 1));
}

/** The last layer's estimate that the run list shows as the run's headline. */
export interface HeadlineEstimate {
  layer: string;
  estimator: string;
  method: string;
  ixtBits: { lower: number; upper: number };
  iytBits: { lower: number; upper: number };
}

/** One row of the run list. */
export interface RunEntry {
  name: string;
  /** `unknown` when status.json is missing or unreadable, `unreadable` when the run cannot be read at all. */
  state: RunState | 'unknown' | 'unreadable';
  loggedEpochs: number;
  lastEpoch: number | null;
  /** The epochs the run was configured for. */
  epochs: number | null;
  testAccuracy: number | null;
  headline: HeadlineEstimate | null;
  warnings: number;
  updatedAt: string | null;
  /** Why the run cannot be read (a config from a newer infoplane, invalid JSON …). */
  error?: string;
}

/** A run as read, or why it could not be. */
export type RunRead = { run: RunData; error?: undefined } | { run?: undefined; error: string };

/**
 * The row of the run list for a run as read.
 *
 * @example
 * runEntry('fig5-mlp', { run: readRun('runs/fig5-mlp') }).lastEpoch // 3000
 */
export function runEntry(name: string, read: RunRead): RunEntry {
  if (read.error !== undefined) {
    return { name, state: 'unreadable', loggedEpochs: 0, lastEpoch: null, epochs: null, testAccuracy: null, headline: null, warnings: 0, updatedAt: null, error: read.error };
  }
  const { run } = read;
  const last = run.records.at(-1);
  const lastLayer = last?.layers.at(-1);
  const estimate = lastLayer?.estimates[0];
  return {
    name,
    state: run.status?.state ?? 'unknown',
    loggedEpochs: run.records.length,
    lastEpoch: last?.epoch ?? null,
    epochs: run.status?.epochs ?? run.config.config.epochs,
    testAccuracy: last && Number.isFinite(last.test.accuracy) ? last.test.accuracy : null,
    headline: lastLayer && estimate
      ? { layer: lastLayer.name, estimator: estimate.estimator, method: estimate.method, ixtBits: estimate.ixt, iytBits: estimate.iyt }
      : null,
    warnings: run.notices.filter((notice) => notice.level === 'warning').length,
    updatedAt: run.status?.updatedAt ?? null,
  };
}

/**
 * A runs directory: its runs by name, read and cached.
 *
 * @example
 * const runs = new RunsDirectory('runs');
 * for (const entry of runs.list()) console.log(entry.name, entry.state, entry.lastEpoch);
 */
export class RunsDirectory {
  readonly root: string;
  private readonly cache = new Map<string, { signature: string; read: RunRead }>();

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /** The names of the runs, sorted: real child directories holding config.json. */
  names(): string[] {
    return [...this.signatures().keys()];
  }

  /** Whether `name` is one of the runs (the only way a request reaches a run's files). */
  has(name: string): boolean {
    let entries;
    try {
      entries = readdirSync(this.root, { withFileTypes: true });
    } catch {
      return false;
    }
    return entries.some((entry) => entry.name === name && entry.isDirectory()) && this.signatureOf(name) !== undefined;
  }

  /**
   * Each run's signature, by name in sorted order: the sizes and modification times of its files. Equal
   * signatures mean the run reads the same (the runner appends lines or replaces whole files).
   */
  signatures(): Map<string, string> {
    let entries;
    try {
      entries = readdirSync(this.root, { withFileTypes: true });
    } catch {
      return new Map();
    }
    const signatures = new Map<string, string>();
    for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const signature = this.signatureOf(entry.name);
      if (signature !== undefined) signatures.set(entry.name, signature);
    }
    return signatures;
  }

  /**
   * Undefined when the directory holds no config.json (it is not a run), or when one of its files is a
   * symbolic link: that could lead out of the runs directory, so such a run is not served.
   */
  private signatureOf(name: string): string | undefined {
    const parts: string[] = [];
    for (const file of RUN_FILES) {
      let stat;
      try {
        stat = lstatSync(path.join(this.root, name, file));
      } catch {
        if (file === 'config.json') return undefined;
        parts.push('-');
        continue;
      }
      if (stat.isSymbolicLink()) return undefined;
      parts.push(`${stat.size}:${stat.mtimeMs}`);
    }
    return parts.join('|');
  }

  /** The run `name` as the reader gives it (cached while its files are unchanged); undefined when not a run. */
  read(name: string): RunRead | undefined {
    return this.has(name) ? this.readRun(name) : undefined;
  }

  /** Reads a run whose name came from the listing. */
  private readRun(name: string): RunRead | undefined {
    const signature = this.signatureOf(name);
    if (signature === undefined) {
      this.cache.delete(name);
      return undefined;
    }
    const cached = this.cache.get(name);
    if (cached?.signature === signature) return cached.read;
    let read: RunRead;
    try {
      // The stored examples are read too: checked for links only when the run changed (not every poll).
      if (linksIn(path.join(this.root, name, 'examples'))) throw new RunFormatError(`${name}/examples holds a symbolic link; the dashboard serves only files inside the runs directory`);
      read = { run: readRun(path.join(this.root, name)) };
    } catch (error) {
      if (!(error instanceof RunFormatError)) throw error;
      // Paths inside the runs directory are shown relative to it: `newer/config.json has schemaVersion 99 …`.
      read = { error: error.message.replaceAll(`${this.root}${path.sep}`, '') };
    }
    this.cache.set(name, { signature, read });
    return read;
  }

  /** Every run's row, unreadable runs with their error. */
  list(): RunEntry[] {
    const names = this.names();
    for (const name of this.cache.keys()) if (!names.includes(name)) this.cache.delete(name);
    return names.flatMap((name) => {
      const read = this.readRun(name);
      return read ? [runEntry(name, read)] : [];
    });
  }
}
