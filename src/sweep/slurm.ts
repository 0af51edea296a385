/**
 * The Slurm executor: one sbatch script per sweep — a job array with a task per unfinished trial (the
 * array's %M caps how many run at once), CPUs, memory and a time limit per task, partition and account
 * passed through — submitted with `sbatch --parsable` and followed with `squeue` (tasks queued or
 * running) and `scontrol show job` (each task's end state and exit code, for as long as the controller
 * keeps finished jobs: its MinJobAge). Each task runs `infoplane sweep trial DIR`, which finds its trial
 * from SLURM_ARRAY_TASK_ID. The sweep directory must be on a file system the nodes share.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../store/index.js';
import type { SweepFile } from './spec.js';
import { INFOPLANE_BIN as BIN } from './trial.js';
import { RESUMABLE_STATES, readFailure, recordFailure, sweepStatus, trialStatus } from './state.js';


const jobSchema = z.object({ jobId: z.string(), submittedAt: z.string(), script: z.string(), indices: z.array(z.number().int()) }).strict();
export type SlurmJob = z.output<typeof jobSchema>;

export interface SlurmScript {
  file: string;
  /** Trial indices, one array task each. */
  indices: number[];
}

/** Runs a Slurm command; its failure (or absence) is an error that says what was run and what it answered. */
export function slurmCommand(command: string, args: readonly string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { status?: number | null; signal?: string | null; stderr?: string; stdout?: string };
    const ran = [command, ...args].join(' ');
    if (failure.code === 'ENOENT') {
      throw new Error(`ran \`${ran}\`: ${command} was not found. Is Slurm installed and on PATH here? (A single-node test cluster: bash scripts/slurm-local.sh start, then export SLURM_CONF as it prints.)`);
    }
    const answer = `${failure.stderr ?? ''}${failure.stdout ?? ''}`.trim() || failure.message;
    throw new Error(`ran \`${ran}\`: it exited with ${failure.status ?? failure.signal ?? failure.code} and answered: ${answer}`);
  }
}

/** Indices as sbatch's --array list: `0-3,5,7-9`. */
export function arrayRanges(indices: readonly number[]): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

function jobsFile(sweepDir: string): string {
  return path.join(sweepDir, 'slurm', 'jobs.json');
}

/** The job arrays submitted for this sweep, oldest first. */
export function slurmJobs(sweepDir: string): SlurmJob[] {
  const file = jobsFile(sweepDir);
  if (!existsSync(file)) return [];
  const parsed = z.array(jobSchema).safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not a list of submitted jobs; it was not written by infoplane`);
  return parsed.data;
}

/** Array tasks of a job still known to squeue, by task index: PENDING, RUNNING, … */
export function queuedTasks(jobId: string): Map<number, string> {
  let out: string;
  try {
    out = slurmCommand('squeue', ['-h', '-r', '-j', jobId, '-o', '%i %T']);
  } catch (error) {
    // A job past the controller's MinJobAge is unknown to it: nothing of it is queued.
    if (/Invalid job id/i.test((error as Error).message)) return new Map();
    throw error;
  }
  const tasks = new Map<number, string>();
  for (const line of out.split('\n')) {
    const match = /^\s*\d+_(\d+)\s+(\S+)/.exec(line);
    if (match) tasks.set(Number(match[1]), match[2]!);
  }
  return tasks;
}

/** Each array task's end state and exit code from `scontrol show job -o` (empty once the job has aged out). */
export function taskEndStates(jobId: string): Map<number, { state: string; exitCode: string }> {
  let out: string;
  try {
    out = slurmCommand('scontrol', ['show', 'job', '-o', jobId]);
  } catch (error) {
    if (/Invalid job id/i.test((error as Error).message)) return new Map();
    throw error;
  }
  const states = new Map<number, { state: string; exitCode: string }>();
  for (const line of out.split('\n')) {
    // One record per task that started; the tasks that never did share one record whose ArrayTaskId is
    // a list or range (`2-5%2`, `0,3,6,9`). Tasks are told apart by ArrayTaskId, never by JobId.
    const tasks = /\bArrayTaskId=(\S+)/.exec(line);
    const state = /\bJobState=(\S+)/.exec(line);
    if (!tasks || !state) continue;
    for (const task of taskIndices(tasks[1]!)) states.set(task, { state: state[1]!, exitCode: /\bExitCode=(\S+)/.exec(line)?.[1] ?? '?' });
  }
  return states;
}

/**
 * The task indices of an ArrayTaskId field: `3`, `2-5%2`, `0,3,6,9`, `0-9:3`.
 *
 * @example taskIndices('2-5%2') // [2, 3, 4, 5]
 */
export function taskIndices(field: string): number[] {
  const indices: number[] = [];
  for (const part of field.replace(/%\d+$/, '').split(',')) {
    const range = /^(\d+)-(\d+)(?::(\d+))?$/.exec(part);
    if (range) {
      for (let i = Number(range[1]); i <= Number(range[2]); i += Number(range[3] ?? 1)) indices.push(i);
    } else if (/^\d+$/.test(part)) indices.push(Number(part));
  }
  return indices;
}

/**
 * Writes `slurm/sweep.sbatch` for the trials still to run (unfinished; failed ones with `retryFailed`),
 * or returns undefined when there are none. A job of this sweep still queued or running is an error
 * (two arrays would run the same trials).
 */
export function writeSlurmScript(sweepDir: string, sweep: SweepFile, options: { retryFailed: boolean }): SlurmScript | undefined {
  for (const job of slurmJobs(sweepDir)) {
    if (queuedTasks(job.jobId).size > 0) throw new Error(`${sweepDir}: Slurm job ${job.jobId} of this sweep is still queued or running; wait for it, or cancel it with infoplane sweep cancel ${sweepDir}`);
  }
  const statuses = sweepStatus(sweepDir, sweep);
  const indices = statuses.filter((status) => RESUMABLE_STATES.includes(status.state) || (status.state === 'failed' && options.retryFailed)).map((status) => status.trial.index);
  if (indices.length === 0) return undefined;
  const { slurm, threadsPerTrial } = sweep.spec;
  const cpus = slurm.cpusPerTask ?? threadsPerTrial;
  const dir = path.resolve(sweepDir);
  mkdirSync(path.join(dir, 'slurm'), { recursive: true });
  mkdirSync(path.join(dir, 'logs'), { recursive: true });
  const lines = [
    '#!/bin/bash',
    `# infoplane sweep ${sweep.name}: ${indices.length} of its ${sweep.trials.length} trials, one array task each (written ${new Date().toISOString()}).`,
    '# Each task runs the trial whose index is SLURM_ARRAY_TASK_ID in sweep.json; the sweep directory must be',
    '# on a file system the nodes share, and infoplane installed where this path points on every node.',
    `#SBATCH --job-name=infoplane-${sweep.name}`,
    `#SBATCH --array=${arrayRanges(indices)}${slurm.maxConcurrent ? `%${slurm.maxConcurrent}` : ''}`,
    '#SBATCH --ntasks=1',
    `#SBATCH --cpus-per-task=${cpus}`,
    `#SBATCH --mem=${slurm.mem}`,
    `#SBATCH --time=${slurm.time}`,
    `#SBATCH --output=${path.join(dir, 'logs', 'slurm-%A_%a.log')}`,
    ...(slurm.partition ? [`#SBATCH --partition=${slurm.partition}`] : []),
    ...(slurm.account ? [`#SBATCH --account=${slurm.account}`] : []),
    ...slurm.extra.map((flag) => `#SBATCH ${flag}`),
    'set -euo pipefail',
    `export OMP_NUM_THREADS=${cpus} OMP_WAIT_POLICY=PASSIVE`,
    `exec "\${INFOPLANE_NODE:-${process.execPath}}" --max-semi-space-size=64 ${JSON.stringify(BIN)} sweep trial ${JSON.stringify(dir)} --threads ${cpus}`,
    '',
  ];
  const file = path.join(dir, 'slurm', 'sweep.sbatch');
  writeFileAtomic(file, lines.join('\n'));
  return { file, indices };
}

/** Submits the script; the job is recorded in slurm/jobs.json. */
export function submitSlurm(sweepDir: string, script: SlurmScript): SlurmJob {
  const out = slurmCommand('sbatch', ['--parsable', script.file]).trim();
  const jobId = /^(\d+)/.exec(out)?.[1];
  if (!jobId) throw new Error(`ran \`sbatch --parsable ${script.file}\`: expected a job id, it answered: ${out}`);
  const job: SlurmJob = { jobId, submittedAt: new Date().toISOString(), script: script.file, indices: script.indices };
  writeFileAtomic(jobsFile(sweepDir), `${JSON.stringify([...slurmJobs(sweepDir), job], null, 2)}\n`);
  return job;
}

export interface SlurmUpdate {
  /** Tasks no longer queued or running. */
  ended: number;
  running: number;
  queued: number;
  failed: number;
}

/**
 * Follows a job array until no task is queued or running, then records each task that did not finish
 * its trial as failed, with the scheduler's end state (FAILED, CANCELLED, TIMEOUT, OUT_OF_MEMORY …), the
 * exit code and the task's log.
 */
export async function followSlurm(sweepDir: string, sweep: SweepFile, job: SlurmJob, options: { pollSeconds?: number; onUpdate?: (update: SlurmUpdate) => void } = {}): Promise<void> {
  const poll = (options.pollSeconds ?? 2) * 1000;
  for (;;) {
    const queued = queuedTasks(job.jobId);
    const running = [...queued.values()].filter((state) => state === 'RUNNING' || state === 'COMPLETING').length;
    const failed = job.indices.filter((index) => !queued.has(index) && trialStatus(sweepDir, sweep.trials[index]!).state !== 'finished').length;
    options.onUpdate?.({ ended: job.indices.length - queued.size, running, queued: queued.size - running, failed });
    if (queued.size === 0) break;
    await new Promise((resolve) => setTimeout(resolve, poll));
  }
  recordSlurmEnds(sweepDir, sweep, job);
}

/** Records the tasks of an ended job whose trials did not finish (and had not recorded their own failure). */
export function recordSlurmEnds(sweepDir: string, sweep: SweepFile, job: SlurmJob): void {
  const ends = taskEndStates(job.jobId);
  for (const index of job.indices) {
    const trial = sweep.trials[index]!;
    if (trialStatus(sweepDir, trial).state === 'finished') continue;
    const end = ends.get(index);
    const log = path.join('logs', `slurm-${job.jobId}_${index}.log`);
    const own = readFailure(sweepDir, trial);
    if (own && Date.parse(own.at) >= Date.parse(job.submittedAt)) continue;
    const exit = end ? Number(/^(\d+)/.exec(end.exitCode)?.[1] ?? Number.NaN) : Number.NaN;
    recordFailure(sweepDir, trial, {
      cancelled: end?.state.startsWith('CANCELLED') ?? false,
      error: end ? `Slurm task ${job.jobId}_${index} ended ${end.state} (exit code ${end.exitCode}) before its run finished` : `Slurm task ${job.jobId}_${index} ended without finishing its run (its end state has left the controller)`,
      exitCode: Number.isFinite(exit) ? exit : null,
      log,
    });
  }
}

/** Cancels this sweep's queued or running job arrays (scancel); returns the job ids cancelled. */
export function cancelSlurm(sweepDir: string): string[] {
  const cancelled: string[] = [];
  for (const job of slurmJobs(sweepDir)) {
    if (queuedTasks(job.jobId).size === 0) continue;
    slurmCommand('scancel', [job.jobId]);
    cancelled.push(job.jobId);
  }
  return cancelled;
}

/**
 * The Slurm side of a sweep's status: the tasks its jobs have queued or running (trial index → state),
 * with the end of each job no longer queued recorded first (its unfinished trials failed, with the
 * scheduler's end state and the task's log). Empty for a sweep never submitted.
 */
export function scheduledTrials(sweepDir: string, sweep: SweepFile): Map<number, string> {
  const scheduled = new Map<number, string>();
  for (const job of slurmJobs(sweepDir)) {
    const queued = queuedTasks(job.jobId);
    if (queued.size === 0) recordSlurmEnds(sweepDir, sweep, job);
    for (const [index, state] of queued) scheduled.set(index, state);
  }
  return scheduled;
}
