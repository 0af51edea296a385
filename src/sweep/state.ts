/**
 * A sweep's state, read from its directory alone: each trial's from its run directory (status.json, a
 * checkpoint) and from the sweep's record of trial processes that ended badly (`failures/ID.json`, written
 * by whichever executor saw the failure); the lock that keeps two `sweep` commands off one directory.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { readRunStatus, writeFileAtomic } from '../store/index.js';
import type { SweepFile, Trial } from './spec.js';

export const TRIAL_STATES = ['pending', 'queued', 'running', 'interrupted', 'cancelled', 'finished', 'failed'] as const;
/** States a sweep run picks up again without being asked (failed ones need --retry-failed). */
export const RESUMABLE_STATES: readonly TrialState[] = ['pending', 'interrupted', 'cancelled'];
export type TrialState = (typeof TRIAL_STATES)[number];

export const failureSchema = z.object({
  /** Why: the process's error line, its exit code or signal, or the scheduler's end state. */
  error: z.string(),
  exitCode: z.number().int().nullable(),
  /** The trial's log, relative to the sweep directory. */
  log: z.string().nullable(),
  at: z.string(),
  attempt: z.number().int().min(1),
  /** Cancelled by the user (scancel): resumed by the next sweep run like an interrupted trial. */
  cancelled: z.boolean().default(false),
}).strict();
export type TrialFailure = z.output<typeof failureSchema>;

export interface TrialStatus {
  trial: Trial;
  state: TrialState;
  /** Last epoch trained (from status.json), −1 before the first. */
  epoch: number;
  epochs: number;
  failure: TrialFailure | undefined;
}

function failureFile(sweepDir: string, trial: Trial): string {
  return path.join(sweepDir, 'failures', `${trial.id}.json`);
}

/** The trial's log file, relative to the sweep directory. */
export function trialLog(trial: Trial): string {
  return path.join('logs', `${trial.id}.log`);
}

export function readFailure(sweepDir: string, trial: Trial): TrialFailure | undefined {
  const file = failureFile(sweepDir, trial);
  if (!existsSync(file)) return undefined;
  try {
    const parsed = failureSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : { error: `${file} is not a valid failure record`, exitCode: null, log: null, at: '', attempt: 1, cancelled: false };
  } catch {
    return { error: `${file} is not valid JSON`, exitCode: null, log: null, at: '', attempt: 1, cancelled: false };
  }
}

/** Records that the trial's process failed (the attempt counted from the previous record). */
export function recordFailure(sweepDir: string, trial: Trial, failure: Omit<TrialFailure, 'at' | 'attempt' | 'cancelled'> & { cancelled?: boolean }): void {
  const previous = readFailure(sweepDir, trial);
  mkdirSync(path.join(sweepDir, 'failures'), { recursive: true });
  const record: TrialFailure = { ...failure, cancelled: failure.cancelled ?? false, at: new Date().toISOString(), attempt: (previous?.attempt ?? 0) + 1 };
  writeFileAtomic(failureFile(sweepDir, trial), `${JSON.stringify(record, null, 2)}\n`);
}

/** Forgets a trial's failure (before it is retried; the attempt count is kept in the next record). */
export function clearFailure(sweepDir: string, trial: Trial): void {
  const file = failureFile(sweepDir, trial);
  if (existsSync(file)) rmSync(file);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface StatusOptions {
  /** Trial index → Slurm state (PENDING, RUNNING, …) of the trials a scheduler holds. */
  scheduled?: ReadonlyMap<number, string>;
}

/**
 * One trial's state: finished (its run finished); running (the scheduler says so, or its status is
 * running and written by a live process on this host); queued (waiting in the scheduler); failed (a
 * failure recorded and not since resolved, or its run failed); cancelled (by scancel); interrupted (a
 * run that stopped part-way); pending (nothing written yet). The last three are resumed by the next run.
 */
export function trialStatus(sweepDir: string, trial: Trial, options: StatusOptions = {}): TrialStatus {
  const runDir = path.join(sweepDir, trial.dir);
  const failure = readFailure(sweepDir, trial);
  const status = readRunStatus(runDir);
  const base = { trial, epoch: status?.epoch ?? -1, epochs: status?.epochs ?? trial.config.epochs, failure };
  if (status?.state === 'finished') return { ...base, state: 'finished', failure: undefined };
  // A retried trial keeps its last failure record until it finishes.
  const scheduled = options.scheduled?.get(trial.index);
  if (scheduled === 'RUNNING' || scheduled === 'COMPLETING') return { ...base, state: 'running' };
  if (scheduled !== undefined) return { ...base, state: 'queued' };
  const live = status?.state === 'running' && (status.host === undefined || status.host === os.hostname()) && alive(status.pid);
  if (live) return { ...base, state: 'running' };
  if (failure) return { ...base, state: failure.cancelled ? 'cancelled' : 'failed' };
  if (status?.state === 'failed') return { ...base, state: 'failed', failure: { error: status.error ?? 'the run failed', exitCode: null, log: trialLog(trial), at: status.updatedAt, attempt: 1, cancelled: false } };
  return { ...base, state: existsSync(path.join(runDir, 'config.json')) ? 'interrupted' : 'pending' };
}

export function sweepStatus(sweepDir: string, sweep: SweepFile, options: StatusOptions = {}): TrialStatus[] {
  return sweep.trials.map((trial) => trialStatus(sweepDir, trial, options));
}

/** Counts of each state. */
export function stateCounts(statuses: readonly TrialStatus[]): Record<TrialState, number> {
  const counts = Object.fromEntries(TRIAL_STATES.map((state) => [state, 0])) as Record<TrialState, number>;
  for (const status of statuses) counts[status.state]++;
  return counts;
}

const lockSchema = z.object({ pid: z.number().int(), host: z.string(), startedAt: z.string(), command: z.string() }).strict();

/**
 * Takes the sweep directory's lock (`sweep.lock`, created exclusively), or throws naming the process that
 * holds it. A lock left by a process that is gone (on this host) is taken over. Returns the release.
 */
export function lockSweep(sweepDir: string, command: string): () => void {
  const file = path.join(sweepDir, 'sweep.lock');
  const content = `${JSON.stringify({ pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString(), command })}\n`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, content);
      closeSync(fd);
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        process.off('exit', release);
        try {
          rmSync(file, { force: true });
        } catch {
          // Nothing to do: a stale lock is taken over by the next command.
        }
      };
      process.on('exit', release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`cannot create ${file} (${(error as Error).message})`);
    }
    let holder: z.output<typeof lockSchema> | undefined;
    try {
      const parsed = lockSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      if (parsed.success) holder = parsed.data;
    } catch {
      // Unreadable (being written, or damaged): treated as held unless it stays that way.
    }
    if (holder && (holder.host !== os.hostname() || alive(holder.pid))) {
      throw new Error(`${sweepDir} is in use by another sweep command (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt}: ${holder.command}); wait for it, or stop it, before running another`);
    }
    if (!holder && attempt === 0) {
      // Possibly being written this instant: look once more before taking it over.
      const wait = Date.now() + 200;
      while (Date.now() < wait) { /* a short busy wait: this is a rare path */ }
      try {
        if (lockSchema.safeParse(JSON.parse(readFileSync(file, 'utf8'))).success) continue;
      } catch {
        // Still not a lock: stale.
      }
    }
    rmSync(file, { force: true });
  }
  throw new Error(`cannot take the lock ${file}: another command keeps taking it`);
}
