/**
 * Noticing that the store changed: a run appended an epoch, finished, appeared or went away. The store
 * is the only source (never the training process): fs.watch on the runs directory and on each run gives
 * a change within milliseconds, and a poll of the runs' signatures every `pollMs` catches what fs.watch
 * misses (network file systems, inotify limits, editors that replace directories).
 */
import { type FSWatcher, watch } from 'node:fs';
import path from 'node:path';
import type { RunsDirectory } from './runs-directory.js';

/** What changed since the last look. */
export interface StoreChange {
  /** Runs whose files changed, new runs included. */
  changed: string[];
  added: string[];
  removed: string[];
}

export interface StoreWatcherOptions {
  /** How often the signatures are polled, whatever fs.watch reports. */
  pollMs?: number;
  /** How long a burst of fs.watch events is gathered into one look. */
  settleMs?: number;
}

const DEFAULTS = { pollMs: 500, settleMs: 20 } as const;

/**
 * Watches a runs directory and calls `onChange` once per look that found a difference.
 *
 * @example
 * const watcher = new StoreWatcher(new RunsDirectory('runs'), (change) => console.log(change.changed));
 * // … later
 * watcher.close();
 */
export class StoreWatcher {
  private readonly options: Required<StoreWatcherOptions>;
  private signatures: Map<string, string>;
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly poll: NodeJS.Timeout;
  private settle: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly runs: RunsDirectory, private readonly onChange: (change: StoreChange) => void, options: StoreWatcherOptions = {}) {
    this.options = { ...DEFAULTS, ...options };
    this.signatures = runs.signatures();
    this.watchDirectory('', runs.root);
    for (const name of this.signatures.keys()) this.watchDirectory(name, path.join(runs.root, name));
    this.poll = setInterval(() => this.look(), this.options.pollMs);
    this.poll.unref();
  }

  /** A watcher on one directory ('' for the runs directory) that schedules a look; failures leave it to the poll. */
  private watchDirectory(key: string, dir: string): void {
    try {
      const watcher = watch(dir, { persistent: false }, () => this.scheduleLook());
      watcher.on('error', () => this.unwatch(key));
      this.watchers.set(key, watcher);
    } catch {
      // ENOSPC (inotify limit), EACCES …: the poll still sees the change, only later.
    }
  }

  private unwatch(key: string): void {
    this.watchers.get(key)?.close();
    this.watchers.delete(key);
  }

  private scheduleLook(): void {
    if (this.closed || this.settle) return;
    this.settle = setTimeout(() => {
      this.settle = undefined;
      this.look();
    }, this.options.settleMs);
    this.settle.unref();
  }

  /** Compares the runs' signatures with the last look's and reports any difference. */
  look(): void {
    if (this.closed) return;
    const now = this.runs.signatures();
    const change: StoreChange = { changed: [], added: [], removed: [] };
    for (const [name, signature] of now) {
      const before = this.signatures.get(name);
      if (before === undefined) {
        change.added.push(name);
        this.watchDirectory(name, path.join(this.runs.root, name));
      }
      if (before !== signature) change.changed.push(name);
    }
    for (const name of this.signatures.keys()) {
      if (!now.has(name)) {
        change.removed.push(name);
        this.unwatch(name);
      }
    }
    if (!this.watchers.has('')) this.watchDirectory('', this.runs.root);
    this.signatures = now;
    if (change.changed.length + change.removed.length > 0) this.onChange(change);
  }

  close(): void {
    this.closed = true;
    clearInterval(this.poll);
    clearTimeout(this.settle);
    for (const key of [...this.watchers.keys()]) this.unwatch(key);
  }
}
