/** Training dynamics: gradient SNR (minibatch and parallel), loss dynamics, KDE derivative, the hypothesis summary. */
export { GradientMoments, type GradientSummary } from './gradient-stats.js';
export { ParallelReplicas } from './parallel-snr.js';
export { kdeDerivative, discordantPairs, type KdeDerivative } from './kde-derivative.js';
export { hypothesisSummary, type LayerHypothesis, type LayerSeries } from './hypothesis.js';
export { pearson, breakpoint } from './statistics.js';
