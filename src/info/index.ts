/** Mutual-information estimators behind one interface, the paper's conv methods, calibration, convergence. */
export { type Bounded, type LayerEstimate, type ProbeData, type Estimator, NATS_TO_BITS, exact } from './types.js';
export { kdeEstimator, gaussianKernelLogSums, type KdeOptions, type KernelSums, defaultBlockSize } from './kde.js';
export { binEstimator, tishbyBinEstimator, entropyOfCounts } from './binning.js';
export { renyiEstimator, renyiEntropy, jointRenyiEntropy, normalisedGram, labelGram, silvermanWidth, type RenyiOptions } from './renyi.js';
export { outputDistributionEstimator } from './distribution.js';
export { estimateLayer, checkProbeData, labelEntropyBits, CONV_METHODS, type ConvMethod, type MethodEstimate } from './layer.js';
export { calibrateNoiseVariance, logGrid, CALIBRATION_CRITERIA, type CalibrationCriterion, type Calibration, type CalibrationPoint } from './calibrate.js';
export { convergence, sampleSizes, type Convergence, type ConvergencePoint } from './convergence.js';
export { createEstimator, ESTIMATORS, type EstimatorName, type EstimatorOptions } from './registry.js';
