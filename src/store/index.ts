/** The run directory's format (schemas.ts), its writer (run-store.ts) and its validating reader (reader.ts). */
export {
  CONFIG_SCHEMA_VERSION, METRICS_SCHEMA_VERSION, TIMING_PHASES, RUN_STATES, metric,
  epochRecordSchema, metricsLineSchema, layerRecordSchema, estimateRecordSchema, lossDynamicsSchema, stepCheckSchema, kdeDerivativeSchema, clusteringSchema,
  gradientSummarySchema, histogramSchema, validityFlagSchema, activationStorageSchema, reestimateFileSchema, reestimateLineSchema, REESTIMATE_SCHEMA_VERSION, runConfigFileSchema, runInfoSchema, runStatusSchema, runSummarySchema,
  type EpochRecord, type LayerRecord, type EstimateRecord, type ValidityFlag, type ActivationStorage, type ReestimateFile, type ReestimateLine, type GradientRecord, type HistogramRecord, type KdeDerivativeRecord, type ClusteringRecord,
  type LossDynamicsRecord, type StepCheckRecord, type Timings, type RunConfigFile, type RunInfo, type RunState, type RunStatus, type RunSummaryRecord,
} from './schemas.js';
export { RunStore, readRunStatus, writeFileAtomic, appendJsonLine, epochDirectory, type Checkpoint } from './run-store.js';
export {
  readRun, readRunConfig, readMetricsFile, readExamples, readReestimates, reestimateDirectory, storedActivations, RunFormatError,
  type RunData, type RunNotice, type RunExamples, type ExampleActivation, type Reestimation, type StoredActivations,
} from './reader.js';
