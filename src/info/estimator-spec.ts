/**
 * Estimator specs: the one definition of each estimator's options, as a zod union on `name`. Experiment
 * configs, `createEstimator` and the CLI's flags all read it: each option's default and its one-line
 * description (the CLI's help text) live here, and an option of another estimator is an error naming it.
 */
import { z } from 'zod';
import { parseWithSchema } from '../schema.js';
import { ADAPTIVE_BIN_SCOPES, DEFAULT_ADAPTIVE_BIN_SCOPE } from './adaptive-binning.js';
import { DEFAULT_BINSIZE, DEFAULT_NUM_BINS } from './binning.js';
import { DEFAULT_QUANTIZE_BITS } from './exact.js';
import { DEFAULT_NOISE_VARIANCE, DEFAULT_PRECISION } from './kde.js';
import { DEFAULT_NEIGHBOURS } from './ksg.js';
import { DEFAULT_ALPHA, DEFAULT_KERNEL_WIDTH, KERNEL_WIDTH_RULES } from './renyi.js';

const positive = z.number().positive().finite();
// Both binnings take numBins and the CLI has one --num-bins flag for both: one schema, one description.
const numBins = z.number().int().min(2).default(DEFAULT_NUM_BINS)
  .describe("number of bins: tishby-bin's equally spaced edges on [−1, 1], adaptive-bin's bins of equally many distinct values");

export const estimatorSpecSchema = z.discriminatedUnion('name', [
  z.object({
    name: z.literal('kde'),
    noiseVariance: positive.default(DEFAULT_NOISE_VARIANCE).describe('σ², the variance of the Gaussian noise added to each activation'),
    precision: z.enum(['float64', 'float32']).default(DEFAULT_PRECISION)
      .describe("kernel-block precision: 'float64' exact, 'float32' half the work (within ~1e-5 bits)"),
  }).strict(),
  z.object({
    name: z.literal('bin'),
    binsize: positive.default(DEFAULT_BINSIZE).describe('bin width: each activation t becomes ⌊t / binsize⌋'),
  }).strict(),
  z.object({
    name: z.literal('tishby-bin'),
    numBins,
  }).strict(),
  z.object({
    name: z.literal('renyi'),
    alpha: positive.refine((alpha) => alpha !== 1, 'α must differ from 1 (the entropy is 0/0 there)').default(DEFAULT_ALPHA)
      .describe('order α of the Rényi entropy'),
    kernelWidth: z.union([positive, z.enum(KERNEL_WIDTH_RULES)], { errorMap: () => ({ message: `expected a positive number or one of ${KERNEL_WIDTH_RULES.map((rule) => `"${rule}"`).join(', ')}` }) })
      .default(DEFAULT_KERNEL_WIDTH)
      .describe("Gaussian kernel width σ: a number, 'median' (the median distance between samples) or 'scott' (Scott's rule; saturates wide layers)"),
  }).strict(),
  z.object({ name: z.literal('softmax') }).strict(),
  z.object({
    name: z.literal('quantized'),
    quantizeBits: z.number().int().min(1).max(16).default(DEFAULT_QUANTIZE_BITS)
      .describe("the network's quantizeBits: exact plug-in MI of a quantized layer, each unit on at most 2^quantizeBits levels"),
  }).strict(),
  z.object({
    name: z.literal('ksg'),
    k: z.number().int().min(1).default(DEFAULT_NEIGHBOURS).describe('neighbour order k of the KSG/Ross k-nearest-neighbour estimates (I(X;T) needs the inputs)'),
  }).strict(),
  z.object({
    name: z.literal('adaptive-bin'),
    numBins,
    scope: z.enum(ADAPTIVE_BIN_SCOPES).default(DEFAULT_ADAPTIVE_BIN_SCOPE)
      .describe("where adaptive-bin's edges come from: 'layer' (all the layer's values) or 'neuron' (each unit's own)"),
  }).strict(),
]);

/** A validated spec with every default filled in. */
export type EstimatorSpec = z.output<typeof estimatorSpecSchema>;
/** A spec as written in a config or passed by a library user: options may be left out. */
export type EstimatorSpecInput = z.input<typeof estimatorSpecSchema>;
export type EstimatorName = EstimatorSpec['name'];

/** Estimators whose I(X;T) reads the inputs X themselves (ProbeData.inputs), not only the layer. */
const INPUT_ESTIMATORS: ReadonlySet<string> = new Set(['renyi', 'ksg']);

/**
 * Whether an estimator's I(X;T) needs the probe's inputs.
 *
 * @example needsInputs('ksg') // true; needsInputs('kde') // false
 */
export function needsInputs(name: string): boolean {
  return INPUT_ESTIMATORS.has(name);
}

/** The estimators' names, in the schema's order. */
export const ESTIMATORS: readonly EstimatorName[] = estimatorSpecSchema.options.map((option) => option.shape.name.value);

/**
 * Validates a spec and fills in its defaults, or throws one error listing every invalid field.
 *
 * @example parseEstimatorSpec({ name: 'kde' }) // { name: 'kde', noiseVariance: 0.1, precision: 'float64' }
 */
export function parseEstimatorSpec(value: unknown): EstimatorSpec {
  const name = typeof value === 'object' && value !== null ? (value as { name?: unknown }).name : undefined;
  const known = typeof name === 'string' && (ESTIMATORS as readonly string[]).includes(name);
  return parseWithSchema(estimatorSpecSchema, value, known ? `options of the ${name} estimator` : 'estimator spec');
}
