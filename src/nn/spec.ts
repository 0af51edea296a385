/**
 * Declarative model specs in Keras terms, validated field by field. A dense, conv2d or activation layer
 * may add `quantizeBits: k`: its activation's output is then rounded onto 2^k levels (src/nn/quantize.ts).
 *
 * @example
 * const spec: ModelSpec = {
 *   inputShape: [1, 28, 28],
 *   layers: [
 *     { type: 'conv2d', filters: 32, kernelSize: 3, activation: 'relu' },
 *     { type: 'maxPooling2d', poolSize: 2 },
 *     { type: 'flatten' },
 *     { type: 'dense', units: 10, activation: 'softmax' },
 *   ],
 * };
 */
import { z } from 'zod';
import { intOrPair, parseWithSchema } from '../schema.js';
import { ACTIVATIONS } from './activations.js';
import { INITIALIZERS } from './init.js';
import { MAX_QUANTIZE_BITS, QUANTIZABLE_ACTIVATIONS } from './quantize.js';

const activation = z.enum(ACTIVATIONS).default('linear');
const padding = z.enum(['valid', 'same']).default('valid');
/** Quantization-aware training (Lorenzen et al. 2022): the activation's output rounded onto 2^k levels. */
const quantizeBits = z.number().int().min(1).max(MAX_QUANTIZE_BITS).optional();

export const layerSpecSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('dense'), units: z.number().int().positive(), activation, quantizeBits }).strict(),
  z.object({
    type: z.literal('conv2d'),
    filters: z.number().int().positive(),
    kernelSize: intOrPair,
    strides: intOrPair.default(1),
    padding,
    activation,
    quantizeBits,
  }).strict(),
  z.object({ type: z.literal('maxPooling2d'), poolSize: intOrPair.default(2), strides: intOrPair.optional(), padding }).strict(),
  z.object({ type: z.literal('flatten') }).strict(),
  z.object({ type: z.literal('dropout'), rate: z.number().min(0).lt(1) }).strict(),
  z.object({ type: z.literal('activation'), activation: z.enum(ACTIVATIONS), quantizeBits }).strict(),
]).superRefine((layer, context) => {
  if ('quantizeBits' in layer && layer.quantizeBits !== undefined && !(QUANTIZABLE_ACTIVATIONS as readonly string[]).includes(layer.activation)) {
    const names = QUANTIZABLE_ACTIVATIONS.map((name) => `"${name}"`);
    const allowed = `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
    context.addIssue({ code: 'custom', path: ['quantizeBits'], message: `quantizes only a ${allowed} output, but the activation is "${layer.activation}"` });
  }
});

export const modelSpecSchema = z.object({
  /** One sample's shape: [features] for vectors, [channels, height, width] for images. */
  inputShape: z.array(z.number().int().positive()).min(1).max(3),
  layers: z.array(layerSpecSchema).min(1),
  /** 'keras' (glorot-uniform kernels, zero biases) or 'torch' (PyTorch's defaults). */
  initializer: z.enum(INITIALIZERS).default('keras'),
}).strict();

export type LayerSpec = z.input<typeof layerSpecSchema>;
export type ModelSpec = z.input<typeof modelSpecSchema>;
export type ResolvedModelSpec = z.output<typeof modelSpecSchema>;

/** Validates a spec and fills in Keras' defaults. */
export function resolveModelSpec(spec: unknown): ResolvedModelSpec {
  return parseWithSchema(modelSpecSchema, spec, 'model spec');
}
