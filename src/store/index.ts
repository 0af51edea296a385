/** The run directory's format (schemas.ts), its writer (run-store.ts) and its validating reader (reader.ts). */
export {
  CONFIG_SCHEMA_VERSION, METRICS_SCHEMA_VERSION, TIMING_PHASES, RUN_STATES, metric,
  epochRecordSchema, metricsLineSchema, layerRecordSchema, estimateRecordSchema, lossDynamicsSchema, stepCheckSchema, kdeDerivativeSchema,
  gradientSummarySchema, histogramSchema, runConfigFileSchema, runInfoSchema, runStatusSchema, runSummarySchema,
  type EpochRecord, type LayerRecord, type EstimateRecord, type GradientRecord, type HistogramRecord, type KdeDerivativeRecord,
  type LossDynamicsRecord, type StepCheckRecord, type Timings, type RunConfigFile, type RunInfo, type RunState, type RunStatus, type RunSummaryRecord,
} from './schemas.js';
export { RunStore, readRunStatus, writeFileAtomic, epochDirectory, type Checkpoint } from './run-store.js';
export {
  readRun, readRunConfig, readMetricsFile, readExamples, RunFormatError, type RunData, type RunNotice, type RunExamples, type ExampleActivation,
} from './reader.js';
