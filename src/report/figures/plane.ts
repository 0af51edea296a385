/** Information-plane figures (to be written). */
import type { RunData } from '../../store/index.js';
import type { Figure } from '../figure.js';

export function planeFigures(_run: RunData): Figure[] {
  return [];
}

export function comparePlaneFigures(_runs: readonly RunData[]): Figure[] {
  return [];
}
