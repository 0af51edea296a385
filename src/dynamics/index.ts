/** Training dynamics: gradient SNR (minibatch and parallel), loss dynamics, KDE derivative, the hypothesis summary. */
export { GradientMoments, type GradientSummary } from './gradient-stats.js';
export { ParallelReplicas } from './parallel-snr.js';
export { kdeDerivative, discordantPairs, type KdeDerivative } from './kde-derivative.js';
export {
  hypothesisSummary, HYPOTHESIS_DEFAULTS, type HypothesisOptions, type HypothesisSettings, type HypothesisSummary,
  type TestOutcome, type EventTest, type KinkTest, type CompressionTest, type CoincidenceTest, type LayerHypothesis, type LayerSeries,
} from './hypothesis.js';
export { pearson, breakpoint } from './statistics.js';
export { StepCheck, epochLossDynamics, dotAll, type LossDynamicsRecord, type StepCheckRecord, type LayerStepTerm } from './loss-dynamics.js';
