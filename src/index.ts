/** infoplane's public API. */
export * from './tensor/index.js';
export * from './nn/index.js';
export * from './optim/index.js';
export * from './data/index.js';
export { trainEpoch, evaluate, type BatchContext, type EpochOptions, type EpochResult, type Evaluation } from './experiment/trainer.js';
export * from './info/index.js';
export * from './dynamics/index.js';
export {
  resolveConfig, applyOverrides, experimentConfigSchema, type ExperimentConfig, type ExperimentConfigInput,
} from './experiment/config.js';
export { PRESETS, presetNames } from './experiment/presets.js';
export { runExperiment, type RunOptions, type RunOutcome, type RunSummary, type EpochRecord, type RunReporter } from './experiment/runner.js';
export {
  RunStore, readRun, readRunConfig, RunFormatError, type RunData, type RunNotice, CONFIG_SCHEMA_VERSION, METRICS_SCHEMA_VERSION,
  epochRecordSchema, runConfigFileSchema, runStatusSchema, runSummarySchema,
  type LayerRecord, type EstimateRecord, type RunConfigFile, type RunStatus, type RunSummaryRecord,
} from './store/index.js';
export { logEpochs, isSaxeLogEpoch, type LogSchedule } from './experiment/schedule.js';
