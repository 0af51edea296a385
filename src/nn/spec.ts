/**
 * Declarative model specs in Keras terms, validated field by field.
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

const activation = z.enum(ACTIVATIONS).default('linear');
const padding = z.enum(['valid', 'same']).default('valid');

export const layerSpecSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('dense'), units: z.number().int().positive(), activation }).strict(),
  z.object({
    type: z.literal('conv2d'),
    filters: z.number().int().positive(),
    kernelSize: intOrPair,
    strides: intOrPair.default(1),
    padding,
    activation,
  }).strict(),
  z.object({ type: z.literal('maxPooling2d'), poolSize: intOrPair.default(2), strides: intOrPair.optional(), padding }).strict(),
  z.object({ type: z.literal('flatten') }).strict(),
  z.object({ type: z.literal('dropout'), rate: z.number().min(0).lt(1) }).strict(),
  z.object({ type: z.literal('activation'), activation: z.enum(ACTIVATIONS) }).strict(),
]);

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
