/** Estimators by name, for configs and the CLI. */
import { binEstimator, tishbyBinEstimator } from './binning.js';
import { outputDistributionEstimator } from './distribution.js';
import { kdeEstimator } from './kde.js';
import { renyiEstimator } from './renyi.js';
import type { Estimator } from './types.js';

export const ESTIMATORS = ['kde', 'bin', 'tishby-bin', 'renyi', 'softmax'] as const;
export type EstimatorName = (typeof ESTIMATORS)[number];

export interface EstimatorOptions {
  /** kde: σ² (default 0.1). */
  noiseVariance?: number;
  /** kde: kernel-block precision (default float64). */
  precision?: 'float64' | 'float32';
  /** bin: bin width (default 0.5). */
  binsize?: number;
  /** tishby-bin: number of bin edges on [−1, 1] (default 30). */
  numBins?: number;
  /** renyi: α (default 1.01). */
  alpha?: number;
  /** renyi: Gaussian kernel width (default: Silverman's rule). */
  kernelWidth?: number;
}

/**
 * An estimator by name with its options (unused options are ignored).
 *
 * @example createEstimator('kde', { noiseVariance: 0.0735 })
 */
export function createEstimator(name: EstimatorName, options: EstimatorOptions = {}): Estimator {
  switch (name) {
    case 'kde': return kdeEstimator({ ...(options.noiseVariance === undefined ? {} : { noiseVariance: options.noiseVariance }), ...(options.precision ? { precision: options.precision } : {}) });
    case 'bin': return binEstimator(options.binsize === undefined ? {} : { binsize: options.binsize });
    case 'tishby-bin': return tishbyBinEstimator(options.numBins === undefined ? {} : { numBins: options.numBins });
    case 'renyi': return renyiEstimator({ ...(options.alpha === undefined ? {} : { alpha: options.alpha }), ...(options.kernelWidth === undefined ? {} : { kernelWidth: options.kernelWidth }) });
    case 'softmax': return outputDistributionEstimator();
  }
}
