/**
 * The dashboard's view of the sweeps in its runs directory: a sweep is one of the directory's own
 * entries, a real directory (not a symlink) holding sweep.json, looked up in that listing by name (as
 * runs are). Its trials are read only from `trials/ID` directories that are real directories without
 * symbolic links in them; anything else is shown as not readable. Views are cached until a file of the
 * sweep (sweep.json, the aggregate, a trial's status or metrics) changes.
 */
import { lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Figure } from '../report/figure.js';
import { sweepFigures } from '../report/figures/sweep.js';
import { readSweepData } from '../report/sweep-report.js';
import { readSweepFile, type SweepFile } from '../sweep/spec.js';
import { type TrialState, type TrialStatus, stateCounts, sweepStatus } from '../sweep/state.js';

/** One row of the sweep list. */
export interface SweepEntry {
  name: string;
  settings: number;
  trials: number;
  counts: Record<TrialState, number> | null;
  /** Why the sweep cannot be read. */
  error?: string;
}

export interface SweepView {
  entry: SweepEntry;
  trials: { id: string; setting: string; seed: number; state: TrialState; epoch: number; epochs: number; error: string | null }[];
  figures: Figure[];
  /** Changes whenever what the view shows changes. */
  signature: string;
}

function stamp(file: string): string {
  try {
    const stat = lstatSync(file);
    return stat.isSymbolicLink() ? 'link' : `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return '-';
  }
}

export class SweepsDirectory {
  readonly root: string;
  private readonly cache = new Map<string, { signature: string; view: SweepView }>();

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /** The sweeps: real child directories holding sweep.json (not a link), sorted. */
  names(): string[] {
    let entries;
    try {
      entries = readdirSync(this.root, { withFileTypes: true });
    } catch {
      return [];
    }
    return entries.filter((entry) => entry.isDirectory() && !['-', 'link'].includes(stamp(path.join(this.root, entry.name, 'sweep.json'))))
      .map((entry) => entry.name).sort();
  }

  has(name: string): boolean {
    return this.names().includes(name);
  }

  /** Problems that keep the sweep from being served: trial directories that are links or hold links. */
  private linkProblem(dir: string, ids: readonly string[]): string | undefined {
    for (const id of ids) {
      const trial = path.join(dir, 'trials', id);
      let stat;
      try {
        stat = lstatSync(trial);
      } catch {
        continue;
      }
      if (stat.isSymbolicLink() || !stat.isDirectory()) return `trials/${id} is not a directory of this sweep (a symbolic link or a file)`;
      if (readdirSync(trial).some((file) => lstatSync(path.join(trial, file)).isSymbolicLink())) return `trials/${id} holds a symbolic link; the dashboard serves only files inside the runs directory`;
    }
    return undefined;
  }

  private signatureOf(dir: string, ids: readonly string[]): string {
    return [stamp(path.join(dir, 'sweep.json')), stamp(path.join(dir, 'aggregate.json')), ...ids.flatMap((id) => ['status.json', 'metrics.jsonl'].map((file) => stamp(path.join(dir, 'trials', id, file)))), ...ids.map((id) => stamp(path.join(dir, 'failures', `${id}.json`)))].join('|');
  }

  /** A message with paths inside the runs directory relative to it. */
  private relative(error: unknown): string {
    return (error as Error).message.replaceAll(`${this.root}${path.sep}`, '');
  }

  /** The sweep file, or the row saying why it cannot be read. */
  private readSweep(name: string): { dir: string; sweep: SweepFile } | { entry: SweepEntry } {
    const dir = path.join(this.root, name);
    try {
      return { dir, sweep: readSweepFile(dir) };
    } catch (error) {
      return { entry: { name, settings: 0, trials: 0, counts: null, error: this.relative(error) } };
    }
  }

  /** The sweep's row and each trial's status (none when a trial directory is a link). */
  private rows(name: string, dir: string, sweep: SweepFile): { entry: SweepEntry; statuses: TrialStatus[] } {
    const base = { name, settings: sweep.settings.length, trials: sweep.trials.length };
    try {
      const problem = this.linkProblem(dir, sweep.trials.map((trial) => trial.id));
      if (problem) return { entry: { ...base, counts: null, error: problem }, statuses: [] };
      const statuses = sweepStatus(dir, sweep);
      return { entry: { ...base, counts: stateCounts(statuses) }, statuses };
    } catch (error) {
      // A trial directory changing under the listing (removed, replaced) is shown, not a failed request.
      return { entry: { ...base, counts: null, error: this.relative(error) }, statuses: [] };
    }
  }

  /** The sweep's page (cached while its files are unchanged), or undefined when `name` is not a sweep. */
  view(name: string): SweepView | undefined {
    if (!this.has(name)) return undefined;
    const read = this.readSweep(name);
    if ('entry' in read) return { entry: read.entry, trials: [], figures: [], signature: `error:${read.entry.error}` };
    const { dir, sweep } = read;
    const signature = this.signatureOf(dir, sweep.trials.map((trial) => trial.id));
    const cached = this.cache.get(name);
    if (cached?.signature === signature) return cached.view;
    const { entry, statuses } = this.rows(name, dir, sweep);
    let figures: Figure[] = [];
    if (statuses.some((status) => status.state === 'finished')) {
      try {
        figures = sweepFigures(readSweepData(dir));
      } catch (error) {
        entry.error = `the sweep's figures could not be drawn: ${this.relative(error)}`;
      }
    }
    const view: SweepView = {
      entry,
      trials: statuses.map((status) => ({
        id: status.trial.id,
        setting: sweep.settings[status.trial.setting]?.label ?? '?',
        seed: status.trial.seed,
        state: status.state,
        epoch: status.epoch,
        epochs: status.epochs,
        error: status.failure?.error ?? null,
      })),
      figures,
      signature,
    };
    this.cache.set(name, { signature, view });
    return view;
  }

  /** The sweep's row alone: sweep.json and each trial's state, without the figures (the list polls it). */
  entry(name: string): SweepEntry | undefined {
    if (!this.has(name)) return undefined;
    const read = this.readSweep(name);
    return 'entry' in read ? read.entry : this.rows(name, read.dir, read.sweep).entry;
  }

  /** Every sweep's row. */
  list(): SweepEntry[] {
    return this.names().flatMap((name) => {
      const entry = this.entry(name);
      return entry ? [entry] : [];
    });
  }
}
