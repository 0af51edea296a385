/**
 * Synthetic tasks whose mutual information is known, to measure the estimators against the truth
 * (`infoplane bias`). Each task draws ProbeData from an explicit seed and states the true value, in bits,
 * of the quantity that a given estimator estimates — which is not the same for every estimator
 * (estimator-readings.ts: I(X; T+Z) for kde, H(q(T)) and I(Y; q(T)) for the binnings, the Shannon
 * values for ksg, and for renyi as what it is compared with).
 *
 * The tasks, and where their values come from:
 * - gaussian-layer: X ~ N(0, s²I_d), T = X. I(X; T+Z) = (d/2)·log₂(1 + s²/σ²), the Gaussian channel's
 *   capacity formula (Cover & Thomas 2006, §9.1); H(q(T)) = d·H(q(X₁)), a sum over cells of Φ
 *   differences. The Shannon I(X;T) of a deterministic continuous T is infinite: no Shannon reading.
 * - correlated: X ~ N(0, I_d), T = ρX + √(1−ρ²)·W with W ~ N(0, I_d): I(X;T) = −(d/2)·log₂(1 − ρ²)
 *   (Cover & Thomas 2006, Example 8.5.1, once per coordinate pair).
 * - class-gaussians: Y uniform on M classes, T | Y ~ N(μ_Y, I_d) with means on a line, μ_c = (c − (M−1)/2)·Δ·e₁.
 *   Only T₁ depends on Y, so I(Y;T) = I(Y;T₁) at every d, computed by quadrature
 *   (gaussian-integrals.ts); with noise T+Z the variance is 1 + σ², and q(T)'s other coordinates are
 *   independent of (Y, q(T₁)), so I(Y; q(T)) = I(Y; q(T₁)), summed over cells.
 * - channel: Y uniform on M classes, T (one integer) = Y with probability 1 − ε, else uniform over the
 *   other M − 1: the M-ary symmetric channel, I(Y;T) = log₂M − h(ε) − ε·log₂(M − 1) (Cover & Thomas 2006,
 *   Theorem 7.2.1 with uniform input); T is uniform, so with distinct inputs I(X;T) = H(T) = log₂M. With
 *   noise or cells the values are sums over the code's M values (and quadrature for T+Z).
 */
import { z } from 'zod';
import { parseWithSchema } from '../schema.js';
import { Generator, arange, rand, randint, randn, tidy, where } from '../tensor/index.js';
import type { EstimatorSpec } from './estimator-spec.js';
import { type Reading, edgeQuantiser, rankQuantiser, readingOf } from './estimator-readings.js';
import {
  type Quantiser, cellProbabilities, entropyBits, mixtureInformationBits, mixtureQuantiles, tableInformationBits,
} from './gaussian-integrals.js';
import type { ProbeData } from './types.js';

const probability = z.number().min(0).max(1);

/** The tasks and their parameters, as a zod union on `task` (parseKnownMiTask validates with it). */
export const knownMiTaskSchema = z.discriminatedUnion('task', [
  z.object({ task: z.literal('gaussian-layer'), scale: z.number().positive().finite().describe('s, the standard deviation of X = T') }).strict(),
  z.object({ task: z.literal('correlated'), correlation: z.number().gt(-1).lt(1).describe('ρ, the correlation of each coordinate pair (X_i, T_i)') }).strict(),
  z.object({
    task: z.literal('class-gaussians'),
    classes: z.number().int().min(2).describe('M, the number of equally likely classes'),
    separation: z.number().min(0).finite().describe('Δ, the distance between neighbouring class means (in standard deviations)'),
  }).strict(),
  z.object({
    task: z.literal('channel'),
    classes: z.number().int().min(2).describe('M, the number of equally likely classes (and codes)'),
    errorRate: probability.describe('ε, the probability that the code is another class than Y'),
  }).strict(),
]);

/** A task at one setting of its parameters. */
export type KnownMiTask = z.output<typeof knownMiTaskSchema>;
export type KnownMiTaskName = KnownMiTask['task'];
export type Quantity = 'I(X;T)' | 'I(Y;T)';

/** The tasks' names, in the schema's order. */
export const KNOWN_MI_TASKS: readonly KnownMiTaskName[] = knownMiTaskSchema.options.map((option) => option.shape.task.value);

/**
 * Each task's default settings: true values from a fraction of a bit to beyond log₂ N, so that a plot
 * shows both an estimator's small-value bias and where it saturates.
 */
export const DEFAULT_TASK_SETTINGS: Readonly<Record<KnownMiTaskName, readonly KnownMiTask[]>> = {
  'gaussian-layer': [0.25, 1, 4].map((scale) => ({ task: 'gaussian-layer', scale })),
  correlated: [0.5, 0.9, 0.99].map((correlation) => ({ task: 'correlated', correlation })),
  'class-gaussians': [0.5, 1.5, 4].map((separation) => ({ task: 'class-gaussians', classes: 4, separation })),
  channel: [[4, 0.1], [16, 0.2], [64, 0.05]].map(([classes, errorRate]) => ({ task: 'channel', classes: classes!, errorRate: errorRate! })),
};

/**
 * Validates a task setting, or throws one error listing every invalid field.
 *
 * @example parseKnownMiTask({ task: 'correlated', correlation: 0.9 })
 */
export function parseKnownMiTask(value: unknown): KnownMiTask {
  return parseWithSchema(knownMiTaskSchema, value, 'known-MI task');
}

/**
 * A task's setting as a short text for tables and tooltips.
 *
 * @example taskSettingText({ task: 'channel', classes: 16, errorRate: 0.2 }) // 'M=16 ε=0.2'
 */
export function taskSettingText(task: KnownMiTask): string {
  switch (task.task) {
    case 'gaussian-layer': return `s=${task.scale}`;
    case 'correlated': return `ρ=${task.correlation}`;
    case 'class-gaussians': return `M=${task.classes} Δ=${task.separation}`;
    case 'channel': return `M=${task.classes} ε=${task.errorRate}`;
  }
}

/**
 * The quantities a task knows the value of.
 *
 * @example taskQuantities({ task: 'channel', classes: 4, errorRate: 0.1 }) // ['I(X;T)', 'I(Y;T)']
 */
export function taskQuantities(task: KnownMiTask): Quantity[] {
  switch (task.task) {
    case 'gaussian-layer': case 'correlated': return ['I(X;T)'];
    case 'class-gaussians': return ['I(Y;T)'];
    case 'channel': return ['I(X;T)', 'I(Y;T)'];
  }
}

/**
 * Why a task is not defined at dimension d, or undefined when it is: the channel's code is one integer.
 *
 * @example taskDimsProblem({ task: 'channel', classes: 4, errorRate: 0.1 }, 4) // 'the channel's code is one integer (d = 1 only)'
 */
export function taskDimsProblem(task: KnownMiTask, dims: number): string | undefined {
  return task.task === 'channel' && dims !== 1 ? 'the channel\'s code is one integer (d = 1 only)' : undefined;
}

/** Class means on a line, centred: (c − (M−1)/2)·Δ. */
function classMeans(classes: number, separation: number): number[] {
  return Array.from({ length: classes }, (_, c) => (c - (classes - 1) / 2) * separation);
}

/**
 * N samples of a task at dimension d, drawn from `new Generator(seed)`: float64 activations [N, d],
 * int64 labels and, where the task has them, the inputs X. Tasks without labels of their own (gaussian-
 * layer, correlated) get alternating labels 0, 1, 0, … — independent of T, and always two classes.
 * Tasks whose T is drawn directly (class-gaussians, channel) give T as the inputs (the network is the
 * identity), which the Rényi estimator needs whatever it is asked.
 *
 * @example const data = sampleKnownMiTask({ task: 'correlated', correlation: 0.9 }, 1024, 4, 7);
 */
export function sampleKnownMiTask(setting: KnownMiTask, samples: number, dims: number, seed: number): ProbeData {
  const task = parseKnownMiTask(setting);
  const problem = taskDimsProblem(task, dims);
  if (problem) throw new RangeError(`${task.task} is not defined at d = ${dims}: ${problem}`);
  if (!Number.isSafeInteger(samples) || samples < 2) throw new RangeError(`a task needs an integer number of samples ≥ 2, got ${samples}`);
  if (!Number.isSafeInteger(dims) || dims < 1) throw new RangeError(`a task needs a positive integer dimension, got ${dims}`);
  const generator = new Generator(seed);
  const options = { dtype: 'float64' as const, generator };
  return tidy(() => {
    const alternating = (): ProbeData['labels'] => arange(0, samples, 1, { dtype: 'int64' }).remainder(2);
    switch (task.task) {
      case 'gaussian-layer':
        return { activations: randn([samples, dims], options).mul(task.scale), labels: alternating(), numClasses: 2 };
      case 'correlated': {
        const inputs = randn([samples, dims], options);
        const activations = inputs.mul(task.correlation).add(randn([samples, dims], options).mul(Math.sqrt(1 - task.correlation ** 2)));
        return { activations, labels: alternating(), numClasses: 2, inputs };
      }
      case 'class-gaussians': {
        const labels = randint(0, task.classes, [samples], { generator, dtype: 'int64' });
        // T = noise + μ_Y·e₁: the means (c − (M−1)/2)·Δ added to the first coordinate only.
        const shift = labels.to('float64').sub((task.classes - 1) / 2).mul(task.separation);
        const activations = randn([samples, dims], options);
        activations.narrow(1, 0, 1).add_(shift.unsqueeze(1));
        return { activations, labels, numClasses: task.classes, inputs: activations };
      }
      case 'channel': {
        const labels = randint(0, task.classes, [samples], { generator, dtype: 'int64' });
        // An error moves Y by 1 … M−1 (mod M): uniform over the other M − 1 codes.
        const other = labels.add(randint(1, task.classes, [samples], { generator, dtype: 'int64' })).remainder(task.classes);
        const code = where(rand([samples], options).lt(task.errorRate), other, labels);
        const activations = code.to('float64').unsqueeze(1);
        return { activations, labels, numClasses: task.classes, inputs: activations };
      }
    }
  });
}

/** A true value: the bits, and what they are the value of. */
export interface KnownValue {
  bits: number;
  /** The quantity the estimator estimates here: 'I(X; T+Z), Z ~ N(0, 0.1·I)', 'H(⌊T/0.5⌋)', 'I(X;T)'. */
  target: string;
}

/** The binary entropy h(ε) in bits. */
function binaryEntropy(p: number): number {
  return entropyBits([p, 1 - p]);
}

/** The channel's joint table p(y, t): 1/M on the diagonal times 1 − ε, ε/(M − 1) elsewhere. */
function channelJoint(classes: number, errorRate: number): number[][] {
  return Array.from({ length: classes }, (_, y) => Array.from({ length: classes }, (_, t) => (t === y ? 1 - errorRate : errorRate / (classes - 1)) / classes));
}

/** A joint table's columns merged by a quantiser's cells: p(y, q(t)). */
function mergedColumns(joint: readonly (readonly number[])[], quantiser: Quantiser): number[][] {
  const cells = [...new Set(joint[0]!.map((_, t) => quantiser.cell(t)))];
  return joint.map((row) => cells.map((cell) => row.reduce((sum, p, t) => (quantiser.cell(t) === cell ? sum + p : sum), 0)));
}

/** The target of a Shannon reading: the quantity itself, or what a non-estimate (renyi) is compared with. */
function shannonTarget(quantity: Quantity, reading: { estimates: boolean }): string {
  return reading.estimates ? quantity : `Shannon ${quantity}, compared with`;
}

/** The 1-D Gaussian mixture (common σ) that a continuous task's coordinate values follow. */
interface ValueDistribution {
  weights: number[];
  means: number[];
  sd: number;
}

/**
 * The distribution of the values adaptive-bin's edges come from (estimator-readings.ts) on a continuous
 * task: one coordinate's, or all d coordinates' pooled (scope 'layer') — for class-gaussians the mixture of
 * T₁ with weight 1/d and N(0, 1) with weight (d − 1)/d.
 */
function edgeDistribution(task: Exclude<KnownMiTask, { task: 'channel' }>, dims: number, scope: 'layer' | 'neuron'): ValueDistribution {
  if (task.task === 'gaussian-layer') return { weights: [1], means: [0], sd: task.scale };
  if (task.task === 'correlated') return { weights: [1], means: [0], sd: 1 };
  const means = classMeans(task.classes, task.separation);
  const own = means.map(() => 1 / task.classes);
  return scope === 'neuron' || dims === 1 ? { weights: own, means, sd: 1 } : { weights: [...own.map((w) => w / dims), (dims - 1) / dims], means: [...means, 0], sd: 1 };
}

/** A reading with adaptive-bin's equal-mass cells turned into this task's cells (as N grows), or why they have none. */
function cellsOfTask(reading: Reading, task: KnownMiTask, dims: number): Exclude<Reading, { kind: 'equal-mass' }> | { skip: string } {
  if (reading.kind === 'cells' && reading.discreteOnly && task.task !== 'channel') return { skip: 'it needs a quantized T, and only the channel\'s integer code is one' };
  if (reading.kind !== 'equal-mass') return reading;
  const formula = `${reading.numBins} equal-mass cells`;
  // The channel's U = M codes are their own ranks.
  if (task.task === 'channel') return { kind: 'cells', quantiser: { ...rankQuantiser(reading.numBins, task.classes), formula }, discreteOnly: false };
  const values = edgeDistribution(task, dims, reading.scope);
  const edges = mixtureQuantiles(values.weights, values.means, values.sd, Array.from({ length: reading.numBins - 1 }, (_, b) => (b + 1) / reading.numBins));
  return { kind: 'cells', quantiser: edgeQuantiser(edges, formula), discreteOnly: false };
}

/**
 * The true value of `quantity` on a task at dimension d, as the estimator `spec` estimates it
 * (estimator-readings.ts says which quantity that is), or why it has none there.
 *
 * @example knownValue({ task: 'gaussian-layer', scale: 1 }, 4, 'I(X;T)', parseEstimatorSpec({ name: 'kde', noiseVariance: 0.1 }))
 * // { bits: 6.919…, target: 'I(X; T+Z), Z ~ N(0, 0.1·I)' }  ((4/2)·log₂(1 + 1/0.1))
 */
export function knownValue(task: KnownMiTask, dims: number, quantity: Quantity, spec: EstimatorSpec): KnownValue | { skip: string } {
  const read = readingOf(spec);
  if ('skip' in read) return read;
  if (!taskQuantities(task).includes(quantity)) return { skip: `the ${task.task} task has no known ${quantity}` };
  const reading = cellsOfTask(read, task, dims);
  if ('skip' in reading) return reading;
  const noisy = (of: string, variance: number): string => `I(${of}; T+Z), Z ~ N(0, ${variance}·I)`;
  const cells = (of: string, quantiser: Quantiser): string => `${of === 'X' ? 'H(q(T))' : 'I(Y; q(T))'}, q(t) = ${quantiser.formula}`;
  switch (task.task) {
    case 'gaussian-layer':
      if (reading.kind === 'noisy') return { bits: (dims / 2) * Math.log2(1 + task.scale ** 2 / reading.noiseVariance), target: noisy('X', reading.noiseVariance) };
      if (reading.kind === 'cells') return { bits: dims * entropyBits(cellProbabilities(0, task.scale, reading.quantiser)), target: cells('X', reading.quantiser) };
      return { skip: 'T = X is deterministic and continuous: the Shannon I(X;T) is infinite' };
    case 'correlated':
      if (reading.kind === 'shannon') return { bits: -(dims / 2) * Math.log2(1 - task.correlation ** 2), target: shannonTarget(quantity, reading) };
      return { skip: 'its I(X;T) takes T as a function of distinct inputs and never reads X (the gaussian-layer task measures that reading)' };
    case 'class-gaussians': {
      const means = classMeans(task.classes, task.separation);
      const uniform = means.map(() => 1 / task.classes);
      const identity = means.map((_, c) => means.map((__, k) => (k === c ? 1 : 0)));
      if (reading.kind === 'noisy') return { bits: mixtureInformationBits(uniform, identity, means, 1 + reading.noiseVariance), target: noisy('Y', reading.noiseVariance) };
      if (reading.kind === 'cells') {
        const joint = means.map((mean) => cellProbabilities(mean, 1, reading.quantiser, means[0], means.at(-1)).map((p) => p / task.classes));
        return { bits: tableInformationBits(joint), target: cells('Y', reading.quantiser) };
      }
      return { bits: mixtureInformationBits(uniform, identity, means, 1), target: shannonTarget(quantity, reading) };
    }
    case 'channel': {
      const joint = channelJoint(task.classes, task.errorRate);
      const codes = joint.map((_, t) => t);
      if (quantity === 'I(X;T)') {
        // T is uniform (a symmetric channel of a uniform Y); each distinct input is a class of its own code.
        const uniform = codes.map(() => 1 / task.classes);
        if (reading.kind === 'noisy') return { bits: mixtureInformationBits(uniform, codes.map((c) => codes.map((k) => (k === c ? 1 : 0))), codes, reading.noiseVariance), target: noisy('X', reading.noiseVariance) };
        if (reading.kind === 'cells') return { bits: entropyBits(mergedColumns([uniform], reading.quantiser)[0]!), target: cells('X', reading.quantiser) };
        return { skip: 'its inputs X are only identities (T is their code), no vectors to read' };
      }
      if (reading.kind === 'noisy') {
        const conditional = joint.map((row) => row.map((p) => p * task.classes));
        return { bits: mixtureInformationBits(codes.map(() => 1 / task.classes), conditional, codes, reading.noiseVariance), target: noisy('Y', reading.noiseVariance) };
      }
      if (reading.kind === 'cells') return { bits: tableInformationBits(mergedColumns(joint, reading.quantiser)), target: cells('Y', reading.quantiser) };
      const { classes: m, errorRate: e } = task;
      return { bits: Math.log2(m) - binaryEntropy(e) - e * Math.log2(m - 1), target: shannonTarget(quantity, reading) };
    }
  }
}

/**
 * The first-order bias, in bits, of a plug-in (cell-count) estimate from N samples on the channel task —
 * Miller (1955), "Note on the bias of information estimates": E[Ĥ] − H ≈ −(K − 1)/(2N ln 2) for K cells
 * of nonzero probability (Paninski 2003, "Estimation of entropy and mutual information", §3.1). For
 * I(Y;T) = H(T) − Σ_c p(c)·H(T | c), the class terms each carry −(K_c − 1)/(2N ln 2), which gives
 * (Σ_c (K_c − 1) − (K − 1))/(2N ln 2) = (M − 1)²/(2N ln 2) when every class reaches every code. Only for
 * estimators that count cells (bin, tishby-bin, adaptive-bin, quantized); undefined otherwise. The
 * expansion holds for N ≫ K (N ≫ Σ_c K_c for I(Y;T)): beyond it the plug-in is bounded by the sample's
 * own entropies instead, so no value is given for N below the count of cells (of the joint table, for I(Y;T)).
 *
 * @example plugInBiasBits({ task: 'channel', classes: 4, errorRate: 0.1 }, 'I(X;T)', parseEstimatorSpec({ name: 'bin', binsize: 1 }), 256) // −3/(512·ln 2) ≈ −0.00845
 */
export function plugInBiasBits(task: KnownMiTask, quantity: Quantity, spec: EstimatorSpec, samples: number): number | undefined {
  const read = readingOf(spec);
  if (task.task !== 'channel' || 'skip' in read) return undefined;
  const reading = cellsOfTask(read, task, 1);
  if ('skip' in reading || reading.kind !== 'cells') return undefined;
  const merged = mergedColumns(channelJoint(task.classes, task.errorRate), reading.quantiser);
  const occupied = (row: readonly number[]): number => row.filter((p) => p > 0).length;
  const marginal = merged[0]!.map((_, k) => merged.reduce((sum, row) => sum + row[k]!, 0));
  const jointCells = merged.reduce((sum, row) => sum + occupied(row), 0);
  if (samples < (quantity === 'I(X;T)' ? occupied(marginal) : jointCells)) return undefined;
  const entropyBias = -(occupied(marginal) - 1);
  const classBias = jointCells - merged.length;
  return (quantity === 'I(X;T)' ? entropyBias : entropyBias + classBias) / (2 * samples * Math.LN2);
}
