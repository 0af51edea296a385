/** Every figure of a run, and of runs compared: the report and the dashboard both draw these lists. */
import type { RunData } from '../../store/index.js';
import type { Figure } from '../figure.js';
import { activationImages } from './activations.js';
import { clusteringFigure } from './clustering.js';
import { compareDynamicsFigures, dynamicsFigures } from './dynamics.js';
import { comparePlaneFigures, planeFigures } from './plane.js';
import { sensitivityFigures } from './sensitivity.js';

/** The figures of one run, in the order the report shows them. */
export function runFigures(run: RunData): Figure[] {
  const images = activationImages(run);
  return [...planeFigures(run), ...sensitivityFigures(run), clusteringFigure(run), ...dynamicsFigures(run), ...(images ? [images] : [])];
}

/** Figures overlaying several runs (tanh against ReLU, seeds, σ²). */
export function compareFigures(runs: readonly RunData[]): Figure[] {
  return [...comparePlaneFigures(runs), ...compareDynamicsFigures(runs)];
}
