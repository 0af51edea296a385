/**
 * The local executor: each trial in a child process (`infoplane sweep trial DIR --trial I`), K at a time,
 * each told its thread count (libtorch's and OpenMP's) so that K × threads fills the cores without
 * oversubscribing them. A child's output goes to the trial's log; a child that fails is recorded with its
 * error and the others go on. Children die with the sweep command (their IPC channel closes), so a
 * re-run never finds a stray writer in a trial directory; what they wrote is kept and resumed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SweepFile, Trial } from './spec.js';
import { INFOPLANE_BIN as BIN } from './trial.js';
import { RESUMABLE_STATES, type TrialStatus, readFailure, recordFailure, sweepStatus, trialLog } from './state.js';


export interface LocalOptions {
  /** Trials at once (default: cores ÷ threads per trial, at least 1). */
  concurrency?: number;
  /** Threads per trial (default: the spec's threadsPerTrial). */
  threads?: number;
  /** Retry trials that failed before (default: leave them failed). */
  retryFailed?: boolean;
  /** Called when a trial starts or ends, with every trial's state. */
  onUpdate?: (update: LocalUpdate) => void;
}

export interface LocalUpdate {
  event: 'start' | 'end';
  trial: Trial;
  /** For 'end': whether it finished. */
  ok?: boolean;
  running: number;
  /** Trials this command set out to run, and how many of them have ended (finished or failed). */
  toRun: number;
  ended: number;
  failed: number;
}

export interface LocalOutcome {
  /** Trials that were already finished and skipped. */
  skipped: number;
  ran: number;
  failed: Trial[];
  /** Failed before and left alone (no --retry-failed). */
  leftFailed: Trial[];
  interrupted: boolean;
}

/** The default number of trials at once: cores ÷ threads per trial. */
export function defaultConcurrency(threads: number): number {
  return Math.max(1, Math.floor(os.availableParallelism() / threads));
}

/** The last lines of a log (for a failure's message). */
export function logTail(file: string, lines = 5): string {
  if (!existsSync(file)) return '';
  const text = readFileSync(file, 'utf8').replace(/\r/g, '\n').split('\n').map((line) => line.trim()).filter((line) => line !== '');
  return text.slice(-lines).join(' | ');
}

/**
 * Runs the sweep's unfinished trials in child processes. Resolves when every trial it started has ended,
 * or after SIGINT/SIGTERM has stopped them (`interrupted`).
 */
export async function runLocal(sweepDir: string, sweep: SweepFile, options: LocalOptions = {}): Promise<LocalOutcome> {
  const threads = options.threads ?? sweep.spec.threadsPerTrial;
  const concurrency = options.concurrency ?? defaultConcurrency(threads);
  const statuses: TrialStatus[] = sweepStatus(sweepDir, sweep);
  const stray = statuses.filter((status) => status.state === 'running');
  if (stray.length > 0) {
    throw new Error(`${sweepDir}: trial ${stray.map((status) => status.trial.id).join(', ')} is being run by another live process; stop it first`);
  }
  const queue = statuses.filter((status) => RESUMABLE_STATES.includes(status.state) || (status.state === 'failed' && options.retryFailed)).map((status) => status.trial);
  const outcome: LocalOutcome = {
    skipped: statuses.filter((status) => status.state === 'finished').length,
    ran: 0,
    failed: [],
    leftFailed: options.retryFailed ? [] : statuses.filter((status) => status.state === 'failed').map((status) => status.trial),
    interrupted: false,
  };
  mkdirSync(path.join(sweepDir, 'logs'), { recursive: true });
  const children = new Set<ChildProcess>();
  let stopping = false;
  const stop = (): void => {
    stopping = true;
    outcome.interrupted = true;
    for (const child of children) child.kill('SIGTERM');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const toRun = queue.length;
  let ended = 0;
  const update = (event: LocalUpdate['event'], trial: Trial, ok?: boolean): void => {
    options.onUpdate?.({ event, trial, ...(ok === undefined ? {} : { ok }), running: children.size, toRun, ended, failed: outcome.failed.length });
  };

  const runOne = (trial: Trial): Promise<void> => new Promise((resolve) => {
    const log = path.join(sweepDir, trialLog(trial));
    const fd = openSync(log, 'a');
    const failedBefore = readFailure(sweepDir, trial)?.at;
    const child = spawn(process.execPath, ['--max-semi-space-size=64', BIN, 'sweep', 'trial', sweepDir, '--trial', String(trial.index), '--threads', String(threads)], {
      stdio: ['ignore', fd, fd, 'ipc'],
      env: { ...process.env, OMP_NUM_THREADS: String(threads), OMP_WAIT_POLICY: 'PASSIVE' },
    });
    closeSync(fd);
    children.add(child);
    update('start', trial);
    let settled = false;
    const settle = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      children.delete(child);
      ended++;
      if (ok) outcome.ran++;
      else if (!stopping) outcome.failed.push(trial);
      update('end', trial, ok);
      resolve();
    };
    child.on('error', (error) => {
      recordFailure(sweepDir, trial, { error: `could not start ${process.execPath} ${BIN}: ${error.message}`, exitCode: null, log: trialLog(trial) });
      settle(false);
    });
    child.on('exit', (code, signal) => {
      const ok = code === 0;
      // An interrupted trial is resumed by the next run, not failed. The child records its own error; a
      // crash or a signal from elsewhere leaves that to us.
      if (!ok && !stopping) {
        if (readFailure(sweepDir, trial)?.at === failedBefore) {
          const why = signal ? `killed by ${signal}` : `exited with code ${code}`;
          const tail = logTail(log);
          recordFailure(sweepDir, trial, { error: `the trial process ${why}${tail ? `: ${tail}` : ''}`, exitCode: code, log: trialLog(trial) });
        }
      }
      settle(ok);
    });
  });

  try {
    const workers = Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      while (!stopping) {
        const trial = queue.shift();
        if (!trial) return;
        await runOne(trial);
      }
    });
    await Promise.all(workers);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  return outcome;
}
