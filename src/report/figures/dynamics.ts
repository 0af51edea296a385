/** Training-dynamics figures (to be written). */
import type { RunData } from '../../store/index.js';
import type { Figure } from '../figure.js';

export function dynamicsFigures(_run: RunData): Figure[] {
  return [];
}

export function compareDynamicsFigures(_runs: readonly RunData[]): Figure[] {
  return [];
}
