/** Estimators from their specs (src/info/estimator-spec.ts), for configs, the CLI and library users. */
import { adaptiveBinEstimator } from './adaptive-binning.js';
import { binEstimator, tishbyBinEstimator } from './binning.js';
import { outputDistributionEstimator } from './distribution.js';
import { quantizedEstimator } from './exact.js';
import { type EstimatorSpecInput, parseEstimatorSpec } from './estimator-spec.js';
import { kdeEstimator } from './kde.js';
import { ksgEstimator } from './ksg.js';
import { renyiEstimator } from './renyi.js';
import type { Estimator } from './types.js';

/**
 * The estimator a spec describes. The spec is validated first (an option of another estimator, or an
 * out-of-range value, is an error naming it) and unset options take the schema's defaults.
 *
 * @example createEstimator({ name: 'kde', noiseVariance: 0.0735 })
 * @example createEstimator({ name: 'renyi', kernelWidth: 'median' })
 * @example createEstimator({ name: 'ksg', k: 3 })
 */
export function createEstimator(spec: EstimatorSpecInput): Estimator {
  const parsed = parseEstimatorSpec(spec);
  switch (parsed.name) {
    case 'kde': return kdeEstimator({ noiseVariance: parsed.noiseVariance, precision: parsed.precision });
    case 'bin': return binEstimator({ binsize: parsed.binsize });
    case 'tishby-bin': return tishbyBinEstimator({ numBins: parsed.numBins });
    case 'renyi': return renyiEstimator({ alpha: parsed.alpha, kernelWidth: parsed.kernelWidth });
    case 'softmax': return outputDistributionEstimator();
    case 'quantized': return quantizedEstimator({ quantizeBits: parsed.quantizeBits });
    case 'ksg': return ksgEstimator({ k: parsed.k });
    case 'adaptive-bin': return adaptiveBinEstimator({ numBins: parsed.numBins, scope: parsed.scope });
  }
}
