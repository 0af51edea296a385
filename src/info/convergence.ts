/**
 * Sample-size convergence: estimates on seeded random subsets of growing size (50, 100, 200, … N), and
 * the smallest size from which every larger one stays within a tolerance of the full-sample estimate
 * (the paper found the estimates stable above ~100 samples, §3.1.2).
 */
import { Generator, type Tensor, randperm, tidy } from '../tensor/index.js';
import { type ConvMethod, estimateLayer } from './layer.js';
import type { Estimator, LayerEstimate, ProbeData } from './types.js';

export interface ConvergencePoint {
  samples: number;
  estimate: LayerEstimate;
}

export interface Convergence {
  points: ConvergencePoint[];
  tolerance: number;
  /** The smallest size from which I(X;T) and I(Y;T) (both bounds) stay within tolerance bits of the largest size's; undefined if none. */
  stableFrom: number | undefined;
}

/** 50, 100, 200, … doubling, then N itself. */
export function sampleSizes(total: number, start = 50): number[] {
  const sizes: number[] = [];
  for (let size = start; size < total; size *= 2) sizes.push(size);
  sizes.push(total);
  return sizes;
}

function within(a: LayerEstimate, b: LayerEstimate, tolerance: number): boolean {
  return [a.ixt.lower - b.ixt.lower, a.ixt.upper - b.ixt.upper, a.iyt.lower - b.iyt.lower, a.iyt.upper - b.iyt.upper]
    .every((difference) => Math.abs(difference) <= tolerance);
}

export function convergence(
  estimator: Estimator,
  data: ProbeData,
  options: { sizes?: readonly number[]; tolerance?: number; seed?: number; method?: ConvMethod; onPoint?: (point: ConvergencePoint) => void } = {},
): Convergence {
  const n = data.activations.size(0);
  const sizes = options.sizes ?? sampleSizes(n);
  const tolerance = options.tolerance ?? 0.1;
  if (sizes.some((size) => !Number.isInteger(size) || size < 2 || size > n)) throw new RangeError(`sample sizes must be integers in [2, ${n}], got [${sizes.join(', ')}]`);
  const order = randperm(n, { generator: new Generator(options.seed ?? 0) });
  const subset = (t: Tensor | undefined, size: number): Tensor | undefined => t && t.indexSelect(0, order.narrow(0, 0, size));
  const points = sizes.map((samples) => tidy(() => {
    const estimate = estimateLayer(estimator, {
      activations: subset(data.activations, samples)!,
      labels: subset(data.labels, samples)!,
      numClasses: data.numClasses,
      inputIds: subset(data.inputIds, samples),
      inputs: subset(data.inputs, samples),
    }, options.method ?? 'concat');
    const point = { samples, estimate };
    options.onPoint?.(point);
    return point;
  }));
  order.dispose();
  const final = points.at(-1)!.estimate;
  let stableFrom: number | undefined;
  for (let i = points.length - 1; i >= 0 && within(points[i]!.estimate, final, tolerance); i--) stableFrom = points[i]!.samples;
  return { points, tolerance, stableFrom };
}
