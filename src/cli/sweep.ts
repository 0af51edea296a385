/**
 * `infoplane sweep SPEC` (run or resume a sweep, locally or as a Slurm job array), `sweep status DIR`,
 * `sweep cancel DIR`, `sweep trial DIR` (one trial: what each child process and array task runs) and
 * `infoplane aggregate DIR`.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { writeAggregate } from '../sweep/aggregate.js';
import { defaultConcurrency, runLocal } from '../sweep/local.js';
import { cancelSlurm, followSlurm, scheduledTrials, slurmJobs, submitSlurm, writeSlurmScript } from '../sweep/slurm.js';
import { loadSweepSpec, prepareSweep, readSweepFile, sweepPresetNames, type SweepFile } from '../sweep/spec.js';
import { type TrialStatus, lockSweep, stateCounts, sweepStatus } from '../sweep/state.js';
import { findTrial, runTrial } from '../sweep/trial.js';
import { setNumThreads } from '../tensor/index.js';
import { progress } from './progress.js';
import { positiveInteger } from './probe-files.js';

interface SweepCliOptions {
  seeds?: number;
  set: string[];
  out?: string;
  executor: 'local' | 'slurm';
  concurrency?: number;
  threads?: number;
  retryFailed?: boolean;
  aggregate: boolean;
  quiet?: boolean;
  submit: boolean;
  wait: boolean;
  partition?: string;
  account?: string;
  mem?: string;
  time?: string;
  cpusPerTask?: number;
  maxConcurrent?: number;
}

function counts(statuses: readonly TrialStatus[]): string {
  const c = stateCounts(statuses);
  return `${c.finished} finished, ${c.running} running, ${c.failed} failed, ${c.interrupted} interrupted, ${c.pending} pending${c.queued > 0 ? `, ${c.queued} queued` : ''}${c.cancelled > 0 ? `, ${c.cancelled} cancelled` : ''}`;
}

function printFailures(sweepDir: string, statuses: readonly TrialStatus[]): void {
  for (const status of statuses.filter((candidate) => candidate.state === 'failed')) {
    process.stderr.write(`  failed: ${status.trial.id} (attempt ${status.failure?.attempt ?? 1}): ${status.failure?.error ?? 'unknown error'}${status.failure?.log ? ` — log ${path.join(sweepDir, status.failure.log)}` : ''}\n`);
  }
}

/** Prints the sweep's end state and aggregates it; returns the number of failed trials. */
function finishSweep(sweepDir: string, sweep: SweepFile, options: SweepCliOptions): number {
  const statuses = sweepStatus(sweepDir, sweep);
  process.stdout.write(`sweep ${sweep.name}: ${counts(statuses)} of ${sweep.trials.length} trials\n`);
  printFailures(sweepDir, statuses);
  if (options.aggregate && statuses.some((status) => status.state === 'finished')) {
    const { files, info } = writeAggregate(sweepDir, sweep);
    const leftOut = info.settings.reduce((sum, setting) => sum + setting.leftOut.length, 0);
    process.stdout.write(`aggregate: ${files[0]}${leftOut > 0 ? ` (${leftOut} unfinished or failed trials left out, listed in ${files[1]})` : ''}\n`);
  }
  return statuses.filter((status) => status.state === 'failed').length;
}

async function startSweep(source: string, options: SweepCliOptions): Promise<void> {
  const spec = loadSweepSpec(source, { ...(options.seeds !== undefined ? { seeds: options.seeds } : {}), set: options.set });
  if (options.threads !== undefined) spec.threadsPerTrial = options.threads;
  const slurmFlags = {
    ...(options.partition ? { partition: options.partition } : {}),
    ...(options.account ? { account: options.account } : {}),
    ...(options.mem ? { mem: options.mem } : {}),
    ...(options.time ? { time: options.time } : {}),
    ...(options.cpusPerTask ? { cpusPerTask: options.cpusPerTask } : {}),
    ...(options.maxConcurrent ? { maxConcurrent: options.maxConcurrent } : {}),
  };
  spec.slurm = { ...spec.slurm, ...slurmFlags };
  const sweepDir = options.out ?? path.join('sweeps', spec.name);
  // The lock lives in the sweep directory; sweep.json is written (or checked) once it is held.
  mkdirSync(sweepDir, { recursive: true });
  const release = lockSweep(sweepDir, `infoplane sweep ${source}`);
  try {
    const sweep = prepareSweep(spec, sweepDir);
    const before = sweepStatus(sweepDir, sweep);
    process.stdout.write(`sweep ${sweep.name} in ${sweepDir}: ${sweep.settings.length} settings × ${sweep.trials.length / sweep.settings.length} seeds = ${sweep.trials.length} trials (${counts(before)})\n`);
    if (options.executor === 'slurm') {
      const script = writeSlurmScript(sweepDir, sweep, { retryFailed: options.retryFailed ?? false });
      if (!script) {
        process.stdout.write('nothing to submit: every trial is finished (or failed; --retry-failed runs those again)\n');
      } else if (!options.submit) {
        process.stdout.write(`wrote ${script.file} (${script.indices.length} array tasks); submit it with: sbatch ${script.file}\n`);
        return;
      } else {
        const job = submitSlurm(sweepDir, script);
        process.stdout.write(`submitted job array ${job.jobId} (${script.indices.length} tasks) from ${script.file}\n`);
        if (!options.wait) {
          process.stdout.write(`follow it with: infoplane sweep status ${sweepDir}\n`);
          return;
        }
        const bar = progress(`trials (Slurm job ${job.jobId})`, script.indices.length, { quiet: options.quiet ?? false });
        let shown = 0;
        await followSlurm(sweepDir, sweep, job, {
          onUpdate: ({ ended, running, queued, failed }) => {
            bar.tick(ended - shown, `${running} running · ${queued} queued · ${failed} failed`);
            shown = ended;
          },
        });
        bar.done();
      }
    } else {
      const threads = sweep.spec.threadsPerTrial;
      const concurrency = options.concurrency ?? defaultConcurrency(threads);
      const bar = progress('trials', 1, { quiet: options.quiet ?? false });
      let started = false;
      const outcome = await runLocal(sweepDir, sweep, {
        concurrency,
        threads,
        retryFailed: options.retryFailed ?? false,
        onUpdate: (update) => {
          if (!started) {
            bar.update({ total: update.toRun, label: `trials (${concurrency} at a time, ${threads} thread${threads > 1 ? 's' : ''} each)` });
            started = true;
          }
          const detail = `${update.running} running · ${update.failed} failed${update.event === 'end' && !update.ok ? ` · ${update.trial.id} failed` : ''}`;
          if (update.event === 'end') bar.tick(1, detail);
          else bar.detail(detail);
        },
      });
      bar.done();
      if (outcome.interrupted) throw new Error(`interrupted: run the same command again to resume the sweep in ${sweepDir}`);
      if (outcome.leftFailed.length > 0) process.stdout.write(`${outcome.leftFailed.length} trials failed before and were left alone (--retry-failed runs them again)\n`);
    }
    const failed = finishSweep(sweepDir, sweep, options);
    if (failed > 0) throw new Error(`${failed} of the ${sweep.trials.length} trials failed (listed above); --retry-failed runs them again`);
  } finally {
    release();
  }
}


export function registerSweep(program: Command): void {
  const sweep = program
    .command('sweep')
    .description('run many seeds and settings of an experiment (locally or as a Slurm job array), then average them')
    .addHelpText('after', `\nSweep presets: ${sweepPresetNames().join(', ')}. Examples:\n  infoplane sweep demo-sweep\n  infoplane sweep ibnet-tanh --seeds 5 --set model.activation=tanh,relu --set epochs=1000 --out sweeps/act\n  infoplane sweep saxe-ibnet --executor slurm --partition cpu --time 4:00:00 --max-concurrent 20\n  infoplane sweep status sweeps/act\n  infoplane sweep cancel sweeps/act`);
  sweep
    .command('start', { isDefault: true, hidden: true })
    .argument('<spec>', 'a sweep preset, a run preset (with --seeds and --set), or a SWEEP.json file')
    .option('--seeds <n>', 'seeds per setting (0 … n−1)', positiveInteger('--seeds'))
    .option('--set <key=v1,v2>', 'a grid key and its values (repeatable; the settings are the product)', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option('--out <dir>', 'sweep directory (default: sweeps/<name>)')
    .addOption(new Option('--executor <kind>', 'where trials run').choices(['local', 'slurm']).default('local'))
    .option('--concurrency <k>', 'local: trials at once (default: cores ÷ threads per trial)', positiveInteger('--concurrency'))
    .option('--threads <n>', 'threads per trial (default: the spec\'s threadsPerTrial, 1)', positiveInteger('--threads'))
    .option('--retry-failed', 'run trials that failed before again')
    .option('--no-aggregate', 'do not aggregate when the sweep ends')
    .option('--quiet', 'no progress bar')
    .option('--no-submit', 'slurm: write the sbatch script only')
    .option('--no-wait', 'slurm: submit and return (follow with `infoplane sweep status DIR`)')
    .option('--partition <name>', 'slurm partition')
    .option('--account <name>', 'slurm account')
    .option('--mem <size>', 'slurm memory per task (e.g. 2G)')
    .option('--time <limit>', 'slurm time limit per task (e.g. 4:00:00)')
    .option('--cpus-per-task <n>', 'slurm CPUs per task (default: threads per trial)', positiveInteger('--cpus-per-task'))
    .option('--max-concurrent <m>', 'slurm: at most m tasks at once (the array\'s %m)', positiveInteger('--max-concurrent'))
    .action(async (source: string, options: SweepCliOptions) => {
      await startSweep(source, options);
    });
  sweep
    .command('status')
    .description('the state of each trial of a sweep (and of its Slurm tasks)')
    .argument('<dir>', 'a sweep directory')
    .option('--json', 'as JSON')
    .action((dir: string, options: { json?: boolean }) => {
      const file = readSweepFile(dir);
      const jobs = slurmJobs(dir);
      const statuses = sweepStatus(dir, file, { scheduled: jobs.length > 0 ? scheduledTrials(dir, file) : new Map() });
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ name: file.name, counts: stateCounts(statuses), jobs, trials: statuses.map((s) => ({ id: s.trial.id, state: s.state, epoch: s.epoch, epochs: s.epochs, ...(s.failure ? { failure: s.failure } : {}) })) }, null, 2)}\n`);
        return;
      }
      process.stdout.write(`sweep ${file.name} (${dir}): ${counts(statuses)} of ${file.trials.length} trials${jobs.length > 0 ? `; Slurm job${jobs.length > 1 ? 's' : ''} ${jobs.map((job) => job.jobId).join(', ')}` : ''}\n`);
      for (const status of statuses) {
        process.stdout.write(`  ${status.trial.id.padEnd(32)} ${status.state.padEnd(12)} epoch ${Math.max(status.epoch, 0)}/${status.epochs}${status.failure ? `  ${status.failure.error}${status.failure.log ? ` (log ${path.join(dir, status.failure.log)})` : ''}` : ''}\n`);
      }
    });
  sweep
    .command('cancel')
    .description('cancel a sweep\'s Slurm job array (scancel); finished trials are kept, the others resume on the next `sweep` run')
    .argument('<dir>', 'a sweep directory')
    .action((dir: string) => {
      readSweepFile(dir);
      const cancelled = cancelSlurm(dir);
      process.stdout.write(cancelled.length > 0 ? `cancelled Slurm job ${cancelled.join(', ')}\n` : 'no Slurm job of this sweep is queued or running\n');
    });
  sweep
    .command('trial', { hidden: true })
    .description('run one trial of a sweep (what each local child process and Slurm array task runs)')
    .argument('<dir>', 'a sweep directory')
    .option('--trial <index-or-id>', 'the trial (default: $SLURM_ARRAY_TASK_ID)')
    .option('--threads <n>', 'libtorch threads', positiveInteger('--threads'))
    .action(async (dir: string, options: { trial?: string; threads?: number }) => {
      // A local executor's child: stop between epochs when the sweep command is gone; let go of the
      // channel at the end (it would keep the process alive).
      const orphaned = (): never => process.exit(143);
      if (process.send) process.on('disconnect', orphaned);
      try {
        const which = options.trial ?? process.env['SLURM_ARRAY_TASK_ID'];
        if (which === undefined) throw new InvalidArgumentError('give --trial or run as a Slurm array task (SLURM_ARRAY_TASK_ID)');
        if (options.threads !== undefined) setNumThreads(options.threads);
        const trial = findTrial(dir, which);
        process.stdout.write(`trial ${trial.id} (${trial.index}) of ${dir} on pid ${process.pid}\n`);
        const slurmJob = process.env['SLURM_ARRAY_JOB_ID'];
        const log = slurmJob ? path.join('logs', `slurm-${slurmJob}_${process.env['SLURM_ARRAY_TASK_ID']}.log`) : undefined;
        const outcome = await runTrial(dir, trial, {
          logged: (record) => process.stdout.write(`epoch ${record.epoch}: train loss ${record.train.loss.toFixed(4)}, test accuracy ${(record.test.accuracy * 100).toFixed(1)} %\n`),
        }, log);
        process.stdout.write(`trial ${trial.id}: ${outcome.action === 'skipped' ? 'already finished' : `${outcome.action === 'resumed' ? 'resumed and ' : ''}finished`}\n`);
      } finally {
        if (process.send) {
          process.off('disconnect', orphaned);
          process.disconnect();
        }
      }
    });
  program
    .command('aggregate')
    .description('per setting, layer and logged epoch: the mean and 95% interval over seeds of every metric of a sweep\'s finished trials')
    .argument('<dir>', 'a sweep directory')
    .action((dir: string) => {
      const file = readSweepFile(dir);
      const { files, info, rows } = writeAggregate(dir, file);
      for (const setting of info.settings) {
        process.stdout.write(`  ${setting.label}: ${setting.trials.length} trials averaged${setting.leftOut.length > 0 ? `, left out ${setting.leftOut.map((t) => `${t.id} (${t.state})`).join(', ')}` : ''}\n`);
      }
      process.stdout.write(`${rows.length} rows written to ${files[0]} (and ${files[1]})\n`);
    });
}
