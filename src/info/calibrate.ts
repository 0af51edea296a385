/**
 * Choosing σ² the way the paper did (§3.1.2): so that the KDE estimate of the labels' information
 * matches the analytical H(Y) within the KDE's own bound gap.
 *
 * Criterion (documented, selectable): over a log-spaced grid of σ², compute the KDE bounds of I(Y;T) on
 * the given activations; a σ² *matches* when |estimate − H(Y)| ≤ upper − lower, where the estimate is
 * the upper bound, the lower bound, or their midpoint (with 1e-9 bits of slack for rounding). The chosen σ² is the largest matching one (the
 * most noise that still resolves the labels). Every grid point is returned so the curve can be drawn.
 */
import type { Tensor } from '../tensor/index.js';
import { kdeEstimator } from './kde.js';
import { estimateLayer, labelEntropyBits } from './layer.js';
import type { Bounded } from './types.js';

export const CALIBRATION_CRITERIA = ['upper', 'lower', 'midpoint'] as const;
export type CalibrationCriterion = (typeof CALIBRATION_CRITERIA)[number];

export interface CalibrationPoint {
  noiseVariance: number;
  iyt: Bounded;
  estimate: number;
  gap: number;
  matches: boolean;
}

export interface Calibration {
  labelEntropy: number;
  criterion: CalibrationCriterion;
  /** The largest matching σ², or undefined when none on the grid matches. */
  noiseVariance: number | undefined;
  points: CalibrationPoint[];
}

/** `count` values log-spaced from `low` to `high` inclusive. */
export function logGrid(low: number, high: number, count: number): number[] {
  if (!(low > 0 && high > low && count >= 2)) throw new RangeError(`a log grid needs 0 < low < high and count ≥ 2, got ${low}, ${high}, ${count}`);
  return Array.from({ length: count }, (_, i) => low * (high / low) ** (i / (count - 1)));
}

export function calibrateNoiseVariance(
  data: { activations: Tensor; labels: Tensor; numClasses: number },
  options: { criterion?: CalibrationCriterion; grid?: readonly number[]; onPoint?: (point: CalibrationPoint, index: number) => void } = {},
): Calibration {
  const criterion = options.criterion ?? 'midpoint';
  const grid = options.grid ?? logGrid(1e-3, 10, 25);
  const labelEntropy = labelEntropyBits(data.labels, data.numClasses);
  const points = grid.map((noiseVariance, index) => {
    const { iyt } = estimateLayer(kdeEstimator({ noiseVariance }), data, 'concat');
    const estimate = criterion === 'upper' ? iyt.upper : criterion === 'lower' ? iyt.lower : (iyt.lower + iyt.upper) / 2;
    const gap = iyt.upper - iyt.lower;
    // 1e-9 bits of slack: at tiny σ² both bounds equal H(Y) up to rounding and the gap is 0.
    const point = { noiseVariance, iyt, estimate, gap, matches: Math.abs(estimate - labelEntropy) <= gap + 1e-9 };
    options.onPoint?.(point, index);
    return point;
  });
  const matching = points.filter((point) => point.matches).map((point) => point.noiseVariance);
  return { labelEntropy, criterion, noiseVariance: matching.length > 0 ? Math.max(...matching) : undefined, points };
}
