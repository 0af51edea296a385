/** Mutual-information estimators behind one interface, the paper's conv methods, calibration, convergence. */
export { type Bounded, type LayerEstimate, type ProbeData, type Estimator, NATS_TO_BITS, exact } from './types.js';
export { kdeEstimator, kdeEstimates, gaussianKernelLogSums, type KdeOptions, type KernelSums, defaultBlockSize, DEFAULT_NOISE_VARIANCE } from './kde.js';
export { binEstimator, tishbyBinEstimator, entropyOfCounts } from './binning.js';
export {
  renyiEstimator, renyiEntropy, jointRenyiEntropy, normalisedGram, labelGram, scottWidth, medianWidth, KERNEL_WIDTH_RULES, type KernelWidthRule, type RenyiOptions,
} from './renyi.js';
export { outputDistributionEstimator } from './distribution.js';
export { ksgEstimator, DEFAULT_NEIGHBOURS, DEFAULT_JITTER, type KsgOptions } from './ksg.js';
export {
  adaptiveBinEstimator, adaptiveBinCodes, ADAPTIVE_BIN_SCOPES, DEFAULT_ADAPTIVE_BIN_SCOPE, type AdaptiveBinScope, type AdaptiveBinOptions,
} from './adaptive-binning.js';
export { quantizedEstimator, DEFAULT_QUANTIZE_BITS } from './exact.js';
export { classClustering, DEFAULT_CLUSTERING_SAMPLES, type ClusteringScores, type ClusteringOptions } from './clustering.js';
export { estimateLayer, estimateLayerAll, checkProbeData, labelEntropyBits, CONV_METHODS, type ConvMethod, type MethodEstimate } from './layer.js';
export { classLabels, indexVector } from './labels.js';
export { calibrateNoiseVariance, logGrid, CALIBRATION_CRITERIA, type CalibrationCriterion, type Calibration, type CalibrationPoint } from './calibrate.js';
export { convergence, sampleSizes, type Convergence, type ConvergencePoint } from './convergence.js';
export {
  estimatorSpecSchema, parseEstimatorSpec, needsInputs, ESTIMATORS, type EstimatorSpec, type EstimatorSpecInput, type EstimatorName,
} from './estimator-spec.js';
export { createEstimator } from './registry.js';
