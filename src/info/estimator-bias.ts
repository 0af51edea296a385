/**
 * The estimators' own information plane: each estimator's estimate against the true value on the
 * known-MI tasks (known-mi.ts), over sample sizes N and dimensions d, so that the bias of an estimator at
 * a setting is seen before it is trusted on a network. Planning (which estimates, with which true values,
 * and what is skipped and why) is separate from measuring, so a caller knows the work before it starts.
 */
import { deriveSeed, tidy } from '../tensor/index.js';
import { type EstimatorSpec, parseEstimatorSpec } from './estimator-spec.js';
import {
  DEFAULT_TASK_SETTINGS, KNOWN_MI_TASKS, type KnownMiTask, type KnownMiTaskName, type KnownValue, type Quantity, knownValue, plugInBiasBits,
  parseKnownMiTask, sampleKnownMiTask, taskDimsProblem, taskQuantities, taskSettingText,
} from './known-mi.js';
import { estimateLayer } from './layer.js';
import { createEstimator } from './registry.js';
import type { LayerEstimate } from './types.js';

/** N: from where estimates are rough to where the KDE's log₂ N ceiling (12 bits) is still below many true values. */
export const DEFAULT_BIAS_SAMPLES: readonly number[] = [256, 1024, 4096];
/** d: one coordinate, a few, and enough for the curse of dimensionality to show. */
export const DEFAULT_BIAS_DIMS: readonly number[] = [1, 4, 16];

/**
 * The estimators compared by default: KDE at Saxe et al.'s σ² = 0.1 and at 1e-3 (where its I(X;T) sits at
 * log₂ N and its I(Y;T) at H(Y)), Saxe's binning, adaptive binning, ksg and renyi, each at its defaults.
 *
 * @example defaultBiasEstimators().map((spec) => spec.name) // ['kde', 'kde', 'bin', 'adaptive-bin', 'ksg', 'renyi']
 */
export function defaultBiasEstimators(): EstimatorSpec[] {
  return [{ name: 'kde', noiseVariance: 0.1 }, { name: 'kde', noiseVariance: 1e-3 }, { name: 'bin', binsize: 0.5 }, { name: 'adaptive-bin' }, { name: 'ksg' }, { name: 'renyi' }]
    .map(parseEstimatorSpec);
}

/** Estimators whose cost forbids large N: the largest N each is run at, and why. */
const SAMPLE_LIMITS: Readonly<Record<string, { samples: number; why: string }>> = {
  // Measured on 2 cores: 0.5 s per estimate at N = 1024, 35 s at N = 4096.
  renyi: { samples: 2048, why: 'it eigendecomposes five N×N matrices per estimate (35 s at N = 4096 on 2 cores)' },
};

export interface BiasOptions {
  estimators?: readonly EstimatorSpec[];
  samples?: readonly number[];
  dims?: readonly number[];
  /** Task settings (default: every task at DEFAULT_TASK_SETTINGS). */
  tasks?: readonly KnownMiTask[];
  /** Seeds every sample (default 0): the same seed gives the same samples and estimates. */
  seed?: number;
}

/** One estimate to make: a task sample (N, d, seed) for one estimator, and the true values it is compared with. */
export interface BiasCase {
  task: KnownMiTask;
  samples: number;
  dims: number;
  seed: number;
  estimator: EstimatorSpec;
  quantities: { quantity: Quantity; known: KnownValue; plugInBiasBits?: number }[];
}

/** Combinations not estimated, one entry per task, quantity, estimator and reason, with how many (setting × N × d) it covers. */
export interface BiasSkip {
  task: KnownMiTaskName;
  /** Absent when the whole task is undefined there (the channel at d > 1): no quantity, no estimator. */
  quantity?: Quantity;
  estimator?: EstimatorSpec;
  reason: string;
  count: number;
}

export interface BiasPlan {
  estimators: EstimatorSpec[];
  samples: number[];
  dims: number[];
  tasks: KnownMiTask[];
  seed: number;
  cases: BiasCase[];
  skipped: BiasSkip[];
}

/** An estimate against the truth. Both quantities of one estimate share its `seconds`. */
export interface BiasRow {
  task: KnownMiTaskName;
  /** The task's parameters as text ('ρ=0.9'). */
  setting: string;
  quantity: Quantity;
  samples: number;
  dims: number;
  estimator: EstimatorSpec;
  /** What the estimate reports about itself (LayerEstimate.parameters). */
  parameters: LayerEstimate['parameters'];
  /** What `trueBits` is the value of, for this estimator: 'I(X; T+Z), Z ~ N(0, 0.1·I)'. */
  target: string;
  trueBits: number;
  lowerBits: number;
  upperBits: number;
  /** For cell-counting estimators on the channel: Miller–Madow's first-order bias (known-mi.ts). */
  plugInBiasBits?: number;
  seconds: number;
}

function checkSizes(values: readonly number[], minimum: number, what: string): number[] {
  if (values.length === 0 || values.some((value) => !Number.isSafeInteger(value) || value < minimum)) {
    throw new RangeError(`Expected a non-empty list of integers ≥ ${minimum} for ${what} but received [${values.join(', ')}]`);
  }
  return [...new Set(values)].sort((a, b) => a - b);
}

/**
 * Every estimate the options ask for, with its true values, and every combination skipped with the
 * reason (an estimator that does not estimate the quantity, a task undefined at d, a cost limit).
 *
 * @example
 * const plan = planBias({ estimators: [parseEstimatorSpec({ name: 'bin', binsize: 1 })], tasks: [{ task: 'channel', classes: 8, errorRate: 0.1 }], samples: [256], dims: [1] });
 * plan.cases[0].quantities // [{ quantity: 'I(X;T)', known: { bits: 3, … } }, { quantity: 'I(Y;T)', … }]
 */
export function planBias(options: BiasOptions = {}): BiasPlan {
  const estimators = [...(options.estimators ?? defaultBiasEstimators())];
  if (estimators.length === 0) throw new RangeError('Expected at least one estimator for estimators but received []');
  const samples = checkSizes(options.samples ?? DEFAULT_BIAS_SAMPLES, 2, 'samples');
  const dims = checkSizes(options.dims ?? DEFAULT_BIAS_DIMS, 1, 'dims');
  const tasks = (options.tasks ?? KNOWN_MI_TASKS.flatMap((name) => DEFAULT_TASK_SETTINGS[name])).map(parseKnownMiTask);
  const seed = options.seed ?? 0;
  const skipped = new Map<string, BiasSkip>();
  const skip = (entry: Omit<BiasSkip, 'count'>): void => {
    const key = JSON.stringify([entry.task, entry.quantity, entry.estimator, entry.reason]);
    const existing = skipped.get(key);
    if (existing) existing.count++;
    else skipped.set(key, { ...entry, count: 1 });
  };
  // The true value does not depend on N: computed once per task, d, quantity and estimator.
  const known = new Map<string, KnownValue | { skip: string }>();
  const knownOnce = (task: KnownMiTask, d: number, quantity: Quantity, estimator: EstimatorSpec): KnownValue | { skip: string } => {
    const key = JSON.stringify([task, d, quantity, estimator]);
    if (!known.has(key)) known.set(key, knownValue(task, d, quantity, estimator));
    return known.get(key)!;
  };
  const cases: BiasCase[] = [];
  for (const task of tasks) {
    for (const n of samples) {
      for (const d of dims) {
        const problem = taskDimsProblem(task, d);
        if (problem) {
          skip({ task: task.task, reason: problem });
          continue;
        }
        for (const estimator of estimators) {
          const limit = SAMPLE_LIMITS[estimator.name];
          const quantities: BiasCase['quantities'] = [];
          for (const quantity of taskQuantities(task)) {
            const value = knownOnce(task, d, quantity, estimator);
            if ('skip' in value) skip({ task: task.task, quantity, estimator, reason: value.skip });
            else if (limit && n > limit.samples) skip({ task: task.task, quantity, estimator, reason: `N > ${limit.samples}: ${limit.why}` });
            else {
              const bias = plugInBiasBits(task, quantity, estimator, n);
              quantities.push({ quantity, known: value, ...(bias === undefined ? {} : { plugInBiasBits: bias }) });
            }
          }
          if (quantities.length > 0) {
            cases.push({ task, samples: n, dims: d, seed: deriveSeed(seed, `${task.task} ${taskSettingText(task)} N=${n} d=${d}`), estimator, quantities });
          }
        }
      }
    }
  }
  return { estimators, samples, dims, tasks, seed, cases, skipped: [...skipped.values()] };
}

/**
 * Makes the plan's estimates: each case's sample (every estimator of a task, N and d sees the same one)
 * and one estimate, compared with each quantity's true value. `onCase` follows the progress.
 *
 * @example const rows = measureBias(planBias(), { onCase: (done, total) => bar.tick() });
 */
export function measureBias(plan: BiasPlan, options: { onCase?: (done: number, total: number, rows: readonly BiasRow[]) => void } = {}): BiasRow[] {
  const rows: BiasRow[] = [];
  plan.cases.forEach((item, index) => {
    const estimator = createEstimator(item.estimator);
    const { estimate, seconds } = tidy(() => {
      const data = sampleKnownMiTask(item.task, item.samples, item.dims, item.seed);
      const started = performance.now();
      const result = estimateLayer(estimator, data);
      return { estimate: result, seconds: (performance.now() - started) / 1000 };
    });
    const made = item.quantities.map(({ quantity, known, plugInBiasBits }): BiasRow => {
      const bounds = quantity === 'I(X;T)' ? estimate.ixt : estimate.iyt;
      return {
        task: item.task.task,
        setting: taskSettingText(item.task),
        quantity,
        samples: item.samples,
        dims: item.dims,
        estimator: item.estimator,
        parameters: estimate.parameters,
        target: known.target,
        trueBits: known.bits,
        lowerBits: bounds.lower,
        upperBits: bounds.upper,
        ...(plugInBiasBits === undefined ? {} : { plugInBiasBits }),
        seconds,
      };
    });
    rows.push(...made);
    options.onCase?.(index + 1, plan.cases.length, made);
  });
  return rows;
}
