/**
 * The training-dynamics figures of a run (gradients, the stochastic-gradient hypothesis, loss dynamics,
 * the KDE time derivative, activation histograms) and of runs compared.
 */
import type { RunData } from '../../store/index.js';
import type { Figure } from '../figure.js';
import { compareSnrFigure, compareTrainingFigure } from './compare.js';
import { gradientFigure } from './gradients.js';
import { histogramFigure } from './histograms.js';
import { hypothesisFigure } from './hypothesis.js';
import { kdeDerivativeFigure } from './kde-derivative.js';
import { lossDynamicsFigure } from './loss-dynamics.js';

/**
 * The run's dynamics figures, in the order the report shows them.
 *
 * @example
 * const ids = dynamicsFigures(readRun('runs/fig5-mlp')).map((figure) => figure.id);
 */
export function dynamicsFigures(run: RunData): Figure[] {
  return [gradientFigure(run), hypothesisFigure(run), lossDynamicsFigure(run), kdeDerivativeFigure(run), histogramFigure(run)];
}

/**
 * Figures overlaying several runs' training curves and SNRs.
 *
 * @example
 * const figures = compareDynamicsFigures([readRun('runs/tanh'), readRun('runs/relu')]);
 */
export function compareDynamicsFigures(runs: readonly RunData[]): Figure[] {
  return [compareTrainingFigure(runs), compareSnrFigure(runs)];
}
