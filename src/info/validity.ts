/**
 * Validity flags: what makes an estimate doubtful, found with every estimate (the runner, re-estimation
 * and `infoplane mi` all call these) and shown beside it. None of them changes a number; each says why
 * the number may not mean what the information plane suggests.
 *
 * - binning-saturated: every probe sample has its own bin, so I(X;T) = H(T) = log₂ N whatever the layer
 *   does (Saxe et al. 2018, §2: a bin width finer than the activations' spread measures only N).
 * - negative / above-entropy: an estimate below 0 or above its ceiling H(X) = log₂ N (distinct inputs) or
 *   H(Y) is not a mutual information of the probe's distribution.
 * - bound-gap: a bounded estimate (KDE) whose bounds lie further apart than the upper bound's size: the
 *   interval says little about the quantity.
 * - outside-bins: Tishby's bins span [−1, 1] (IDNNs `information_process.py`); activations beyond (ReLU,
 *   linear) all fall into the two end bins, so their spread is not measured.
 * - dpi-violated: for a deterministic feed-forward net X → T_l → T_{l+1} is a Markov chain, so
 *   I(X;T_{l+1}) ≤ I(X;T_l) and I(Y;T_{l+1}) ≤ I(Y;T_l) (data-processing inequality, Cover & Thomas
 *   Thm 2.8.1). Flagged when even the bounds' most generous reading breaks it: the later layer's lower
 *   bound above the earlier layer's upper bound.
 */
import type { Bounded } from './types.js';

export const VALIDITY_CODES = ['binning-saturated', 'dpi-violated', 'negative', 'above-entropy', 'bound-gap', 'outside-bins'] as const;
export type ValidityCode = (typeof VALIDITY_CODES)[number];

export interface ValidityFlag {
  code: ValidityCode;
  message: string;
}

/** What the checks read of an estimate: the estimator's name, its values and parameters. */
export interface CheckedEstimate {
  estimator: string;
  method?: string;
  ixt: Bounded;
  iyt: Bounded;
  ht: Bounded;
  parameters: Record<string, number | string | boolean>;
}

/** Bits of slack for rounding: float32 activations and float64 sums are good to far better than this. */
const SLACK_BITS = 1e-6;

const BINNING_ESTIMATORS = new Set(['bin', 'tishby-bin', 'adaptive-bin']);

const fmt = (value: number): string => value.toFixed(4);

/** Parameters that describe the layer or the sample rather than the estimator's setting. */
const DESCRIPTIVE = new Set(['samples', 'dims', 'channels', 'clippedValues', 'activationMin', 'activationMax']);

/**
 * An estimator and its setting as one string, the same for every layer: the key that pairs estimates of
 * consecutive layers for the data-processing check.
 *
 * @example estimateKey({ estimator: 'kde', parameters: { noiseVariance: 0.1, dims: 20, samples: 4096 }, … }) // 'kde {"noiseVariance":0.1}'
 */
export function estimateKey(estimate: Pick<CheckedEstimate, 'estimator' | 'parameters' | 'method'>): string {
  const setting = Object.fromEntries(Object.entries(estimate.parameters).filter(([name]) => !DESCRIPTIVE.has(name) && name !== 'estimator').sort(([a], [b]) => a.localeCompare(b)));
  return `${estimate.estimator}${estimate.method ? ` ${estimate.method}` : ''} ${JSON.stringify(setting)}`;
}

/**
 * The flags of one estimate on its own, given the probe's bounds: N samples (H(X) = log₂ N for distinct
 * inputs) and H(Y) in bits.
 *
 * @example estimateFlags({ estimator: 'bin', ixt: { lower: 12, upper: 12 }, …, parameters: { samples: 4096 } }, { samples: 4096, hY: 1 })
 * // [{ code: 'binning-saturated', message: 'every one of the 4096 samples has a bin of its own: …' }]
 */
export function estimateFlags(estimate: CheckedEstimate, probe: { samples: number; hY: number }): ValidityFlag[] {
  const flags: ValidityFlag[] = [];
  const hX = Math.log2(probe.samples);
  if (BINNING_ESTIMATORS.has(estimate.estimator) && estimate.ht.upper >= hX - SLACK_BITS) {
    flags.push({
      code: 'binning-saturated',
      message: `every one of the ${probe.samples} samples has a bin of its own: I(X;T) = log₂ N = ${fmt(hX)} bits measures N, not the layer; use wider bins`,
    });
  }
  const quantities = [['I(X;T)', estimate.ixt, hX, 'H(X) = log₂ N'], ['I(Y;T)', estimate.iyt, probe.hY, 'H(Y)']] as const;
  for (const [name, value, ceiling, ceilingName] of quantities) {
    const low = Math.min(value.lower, value.upper);
    const high = Math.max(value.lower, value.upper);
    if (low < -SLACK_BITS) flags.push({ code: 'negative', message: `${name} ${low === value.lower && value.lower !== value.upper ? 'lower bound ' : ''}is ${fmt(low)} bits, below 0` });
    if (high > ceiling + SLACK_BITS) flags.push({ code: 'above-entropy', message: `${name} is ${fmt(high)} bits, above its ceiling ${ceilingName} = ${fmt(ceiling)} bits` });
    const gap = value.upper - value.lower;
    if (gap > SLACK_BITS && gap > Math.abs(value.upper)) {
      flags.push({ code: 'bound-gap', message: `${name}'s bounds ${fmt(value.lower)}–${fmt(value.upper)} bits lie ${fmt(gap)} bits apart, more than the upper bound itself` });
    }
  }
  const clipped = estimate.parameters['clippedValues'];
  if (estimate.estimator === 'tishby-bin' && typeof clipped === 'number' && clipped > 0) {
    const min = Number(estimate.parameters['activationMin']);
    const max = Number(estimate.parameters['activationMax']);
    flags.push({
      code: 'outside-bins',
      message: `${clipped} activation values lie outside Tishby's bins on [−1, 1] (range ${fmt(min)} to ${fmt(max)}) and fall into the end bins; use binning with a bin size (bin) for unbounded activations`,
    });
  }
  return flags;
}

/**
 * Data-processing flags along the network: for each pair of consecutive layers (in network order) and
 * each estimate of the later one, a flag where its lower bound exceeds the upper bound of the earlier
 * layer's estimate with the same `key` (estimator and options). Returns flags per layer per estimate.
 *
 * @example dataProcessingFlags([[kde1], [kde2]], () => 'kde σ²=0.1', ['dense_1', 'dense_2']) // [[[]], [[{ code: 'dpi-violated', … }]]]
 */
export function dataProcessingFlags<E extends CheckedEstimate>(layers: readonly (readonly E[])[], key: (estimate: E) => string, names: readonly string[]): ValidityFlag[][][] {
  return layers.map((estimates, index) => estimates.map((estimate) => {
    const earlier = index === 0 ? undefined : layers[index - 1]!.find((candidate) => key(candidate) === key(estimate));
    if (!earlier) return [];
    return (['ixt', 'iyt'] as const).flatMap((quantity) => {
      const now = estimate[quantity];
      const then = earlier[quantity];
      if (!(now.lower > then.upper + SLACK_BITS)) return [];
      const name = quantity === 'ixt' ? 'I(X;T)' : 'I(Y;T)';
      return [{
        code: 'dpi-violated' as const,
        message: `${name} rises from ${fmt(then.upper)} bits in ${names[index - 1]} to ${fmt(now.lower)} bits in ${names[index]}, beyond the bounds: the data-processing inequality forbids it, so the estimator is off in one of the two`,
      }];
    });
  }));
}

/**
 * Sets each estimate's validity flags for one logged epoch's layers, in network
 * order: its own checks against the probe's bounds, and the data-processing check between consecutive
 * layers (concat estimates only: a mean over channels is not the layer's information). Estimates
 * without findings get no `flags` field.
 *
 * @example flagEstimates(record.layers, { samples: 4096, hY: 1 }); record.layers[0].estimates[1].flags // [{ code: 'binning-saturated', … }]
 */
export function flagEstimates(layers: readonly { name: string; estimates: (CheckedEstimate & { flags?: ValidityFlag[] })[] }[], probe: { samples: number; hY: number }): void {
  const concat = layers.map((layer) => layer.estimates.filter((estimate) => estimate.method === 'concat'));
  const along = dataProcessingFlags(concat, estimateKey, layers.map((layer) => layer.name));
  layers.forEach((layer, index) => {
    for (const estimate of layer.estimates) {
      const position = concat[index]!.indexOf(estimate);
      const flags = [...estimateFlags(estimate, probe), ...(position >= 0 ? along[index]![position]! : [])];
      if (flags.length > 0) estimate.flags = flags;
      else delete estimate.flags;
    }
  });
}
