/**
 * One trial, in the process that runs it (a local executor's child or a Slurm array task): an ordinary run
 * by the ordinary runner into the trial's run directory — skipped when finished, resumed from its
 * checkpoint when interrupted, started afresh otherwise. A failure is recorded in the sweep directory with
 * the error before it is rethrown.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runExperiment, type RunReporter } from '../experiment/runner.js';
import { readSweepFile, type Trial } from './spec.js';
import { clearFailure, recordFailure, trialLog, trialStatus } from './state.js';

/** The infoplane command (bin/infoplane.js) beside this build: what runs `sweep trial` in a child process or a Slurm task. */
export const INFOPLANE_BIN = fileURLToPath(new URL('../../../bin/infoplane.js', import.meta.url));

export interface TrialOutcome {
  trial: Trial;
  /** What was done: nothing (already finished), a resume, or a run from the start. */
  action: 'skipped' | 'resumed' | 'started';
}

/** The trial of a sweep by its index (a Slurm task's SLURM_ARRAY_TASK_ID) or id. */
export function findTrial(sweepDir: string, which: string): Trial {
  const sweep = readSweepFile(sweepDir);
  const trial = /^\d+$/.test(which) ? sweep.trials[Number(which)] : sweep.trials.find((candidate) => candidate.id === which);
  if (!trial) throw new Error(`${sweepDir} has no trial ${which} (it has ${sweep.trials.length}: indices 0…${sweep.trials.length - 1})`);
  return trial;
}

/**
 * Runs the trial to its end. `reporter` sees the run's progress (the CLI prints it to the trial's log,
 * `log`, relative to the sweep directory, which a failure record names).
 *
 * @example await runTrial('sweeps/demo', findTrial('sweeps/demo', process.env.SLURM_ARRAY_TASK_ID!));
 */
export async function runTrial(sweepDir: string, trial: Trial, reporter?: RunReporter, log: string = trialLog(trial)): Promise<TrialOutcome> {
  const status = trialStatus(sweepDir, trial);
  if (status.state === 'finished') return { trial, action: 'skipped' };
  const out = path.join(sweepDir, trial.dir);
  const resumable = existsSync(path.join(out, 'config.json')) && existsSync(path.join(out, 'checkpoints', 'latest.npz'));
  try {
    if (resumable) await runExperiment({ out, resume: true, ...(reporter ? { reporter } : {}) });
    else await runExperiment({ config: trial.config, out, overwrite: true, ...(reporter ? { reporter } : {}) });
  } catch (error) {
    recordFailure(sweepDir, trial, { error: (error as Error).message, exitCode: 1, log });
    throw error;
  }
  clearFailure(sweepDir, trial);
  return { trial, action: resumable ? 'resumed' : 'started' };
}
