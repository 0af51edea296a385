/**
 * Estimating one layer: input checks, and the paper's two methods for convolutional layers (§3.1):
 * **concat** flattens each sample's C·H·W values into one vector and estimates once; **mean** estimates
 * each channel's H·W vector separately and reports the mean over channels, with the per-channel values.
 * A dense layer ([N, d]) gives the same value under both.
 */
import { type Tensor, noGrad, tidy } from '../tensor/index.js';
import type { Bounded, Estimator, LayerEstimate, ProbeData } from './types.js';

export const CONV_METHODS = ['concat', 'mean'] as const;
export type ConvMethod = (typeof CONV_METHODS)[number];

export interface MethodEstimate extends LayerEstimate {
  method: ConvMethod;
  /** Under the mean method, each channel's own estimate. */
  perChannel?: LayerEstimate[];
}

/** Checks probe data before any estimate: shapes agree, values finite, N ≥ 2, at least two classes. */
export function checkProbeData(data: ProbeData): void {
  const { activations, labels } = data;
  if (activations.ndim < 2) throw new Error(`activations must be [N, d] or [N, C, H, W] but have shape [${activations.shape.join(', ')}]`);
  const n = activations.size(0);
  if (n < 2) throw new Error(`at least 2 samples are needed to estimate information, got ${n}`);
  if (labels.ndim !== 1 || labels.size(0) !== n) {
    throw new Error(`activations have ${n} samples but labels have shape [${labels.shape.join(', ')}]: give one label per sample`);
  }
  if (labels.dtype !== 'int64') throw new Error(`labels must be int64 class indices, not ${labels.dtype}; classLabels(labels) converts and checks them`);
  if (!['float32', 'float64', 'float16', 'bfloat16'].includes(activations.dtype)) throw new Error(`activations must be floating point, not ${activations.dtype}`);
  tidy(() => {
    // One read pass when all is well: a finite sum means no NaN and no ±Inf (either makes the sum NaN or
    // infinite); only an infinite or NaN sum (which finite values can also reach by overflow) pays for the count.
    const bad = Number.isFinite(activations.sum().item()) ? 0 : activations.isfinite().logicalNot().sum().item();
    if (bad > 0) throw new Error(`activations contain ${bad} NaN or infinite values; check the network or the file`);
    if (labels.min().item() < 0 || labels.max().item() >= data.numClasses) {
      throw new Error(`labels must be class indices in [0, ${data.numClasses - 1}]`);
    }
    if (labels.unique().values.size(0) < 2) throw new Error('labels hold a single class: I(Y;T) needs at least two classes in the probe set');
  });
  if (data.inputIds && (data.inputIds.ndim !== 1 || data.inputIds.size(0) !== n)) throw new Error(`inputIds must have one id per sample (${n})`);
  if (data.inputs && data.inputs.size(0) !== n) throw new Error(`inputs have ${data.inputs.size(0)} samples but activations have ${n}`);
}

function meanBound(values: readonly Bounded[]): Bounded {
  return {
    lower: values.reduce((sum, v) => sum + v.lower, 0) / values.length,
    upper: values.reduce((sum, v) => sum + v.upper, 0) / values.length,
  };
}

/**
 * One layer's estimate under a method.
 *
 * @example
 * const estimate = estimateLayer(kdeEstimator({ noiseVariance: 0.1 }), { activations, labels, numClasses: 10 }, 'mean');
 */
export function estimateLayer(estimator: Estimator, data: ProbeData, method: ConvMethod = 'concat'): MethodEstimate {
  return estimateLayerAll((flat) => [estimator.estimate(flat)], data, method)[0]!;
}

/**
 * Several estimates of one layer under a method from one function of the flattened data (e.g. every σ²
 * of a KDE grid from one pass over the sample pairs, kdeEstimates): concat applies it once, mean once per
 * channel, each estimate averaged over the channels.
 *
 * @example estimateLayerAll((flat) => kdeEstimates(flat, [{ noiseVariance: 1e-3 }, { noiseVariance: 0.1 }]), data, 'mean')
 */
export function estimateLayerAll(estimate: (data: ProbeData) => LayerEstimate[], data: ProbeData, method: ConvMethod = 'concat'): MethodEstimate[] {
  checkProbeData(data);
  const { activations } = data;
  const n = activations.size(0);
  if (activations.ndim <= 2 || method === 'concat') {
    const flat = activations.ndim <= 2 ? activations : noGrad(() => activations.reshape([n, -1]));
    try {
      return estimate({ ...data, activations: flat }).map((result) => ({ ...result, method }));
    } finally {
      if (flat !== activations) flat.dispose();
    }
  }
  const channels = activations.size(1);
  const perChannel: LayerEstimate[][] = [];
  for (let c = 0; c < channels; c++) {
    perChannel.push(tidy(() => estimate({ ...data, activations: activations.select(1, c).reshape([n, -1]) })));
  }
  return perChannel[0]!.map((_, k) => {
    const own = perChannel.map((results) => results[k]!);
    return {
      ixt: meanBound(own.map((e) => e.ixt)),
      iyt: meanBound(own.map((e) => e.iyt)),
      ht: meanBound(own.map((e) => e.ht)),
      parameters: { ...own[0]!.parameters, channels },
      method,
      perChannel: own,
    };
  });
}

/** H(Y) in bits of the labels' empirical distribution: the ceiling of I(Y;T). */
export function labelEntropyBits(labels: Tensor, numClasses: number): number {
  const counts = tidy(() => labels.bincount(undefined, numClasses).toNumbers());
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.reduce((h, count) => (count > 0 ? h - (count / total) * Math.log2(count / total) : h), 0);
}
