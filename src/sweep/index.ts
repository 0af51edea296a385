/** Sweeps: specs and trials (spec.ts), their state (state.ts), the local and Slurm executors, aggregation over seeds. */
export {
  SWEEP_PRESETS, SWEEP_SCHEMA_VERSION, expandSweep, isSweepDirectory, loadSweepSpec, parseGridValues, prepareSweep, readSweepFile, sweepPresetNames,
  sweepFileSchema, sweepSpecSchema, type Setting, type SweepFile, type SweepSpec, type SweepSpecInput, type Trial,
} from './spec.js';
export { TRIAL_STATES, lockSweep, stateCounts, sweepStatus, trialStatus, type TrialFailure, type TrialState, type TrialStatus } from './state.js';
export { findTrial, runTrial, type TrialOutcome } from './trial.js';
export { defaultConcurrency, runLocal, type LocalOptions, type LocalOutcome } from './local.js';
export { arrayRanges, cancelSlurm, followSlurm, slurmJobs, submitSlurm, writeSlurmScript, type SlurmJob } from './slurm.js';
export {
  aggregateRowSchema, aggregateInfoSchema, aggregateSweep, meanInterval, observations, readAggregate, writeAggregate, type AggregateInfo, type AggregateRow,
} from './aggregate.js';
