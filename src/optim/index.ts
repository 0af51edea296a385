/** Optimizers with Keras' formulas and defaults, and one factory for specs. */
import { z } from 'zod';
import { parseWithSchema } from '../schema.js';
import { Adadelta } from './adadelta.js';
import { Adam } from './adam.js';
import { type NamedParameters, Optimizer } from './optimizer.js';
import { Rmsprop } from './rmsprop.js';
import { Sgd } from './sgd.js';

export { Optimizer, type NamedParameters } from './optimizer.js';
export { Sgd, type SgdOptions } from './sgd.js';
export { Adam, type AdamOptions } from './adam.js';
export { Adadelta, type AdadeltaOptions } from './adadelta.js';
export { Rmsprop, type RmspropOptions } from './rmsprop.js';

const positive = z.number().positive();

export const optimizerSpecSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('sgd'), learningRate: positive.optional(), momentum: z.number().min(0).optional(), nesterov: z.boolean().optional() }).strict(),
  z.object({ type: z.literal('adam'), learningRate: positive.optional(), beta1: z.number().min(0).lt(1).optional(), beta2: z.number().min(0).lt(1).optional(), epsilon: positive.optional() }).strict(),
  z.object({ type: z.literal('adadelta'), learningRate: positive.optional(), rho: z.number().min(0).lt(1).optional(), epsilon: positive.optional() }).strict(),
  z.object({ type: z.literal('rmsprop'), learningRate: positive.optional(), rho: z.number().min(0).lt(1).optional(), epsilon: positive.optional() }).strict(),
]);
export type OptimizerSpec = z.input<typeof optimizerSpecSchema>;

/**
 * An optimizer from a spec; omitted hyper-parameters take Keras' defaults.
 *
 * @example createOptimizer({ type: 'adadelta' }, model) // lr 1.0, rho 0.95, epsilon 1e-7
 */
export function createOptimizer(spec: OptimizerSpec, model: NamedParameters): Optimizer {
  const resolved = parseWithSchema(optimizerSpecSchema, spec, 'optimizer spec');
  switch (resolved.type) {
    case 'sgd': return new Sgd(model, resolved);
    case 'adam': return new Adam(model, resolved);
    case 'adadelta': return new Adadelta(model, resolved);
    case 'rmsprop': return new Rmsprop(model, resolved);
  }
}
