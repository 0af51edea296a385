/** Networks: modules, layers, models from specs, initialisers and losses. */
export { Module, type LayerOutput } from './module.js';
export { Layer, Dense, Conv2D, MaxPooling2D, Flatten, Dropout, Activation, type Padding } from './layers.js';
export { Sequential } from './sequential.js';
export { type ModelSpec, type LayerSpec, type ResolvedModelSpec, resolveModelSpec, modelSpecSchema, layerSpecSchema } from './spec.js';
export { ACTIVATIONS, type ActivationName, activate } from './activations.js';
export {
  ActivationQuantizer, QUANTIZABLE_ACTIVATIONS, type QuantizableActivation, MAX_QUANTIZE_BITS, RANGE_DECAY, INITIAL_RANGE_MAX,
  checkQuantization, quantizeToLevels, straightThroughQuantize,
} from './quantize.js';
export { INITIALIZERS, type InitializerName, initKernel, initBias, fans, truncatedNormal } from './init.js';
export {
  LOSSES, type LossName, KERAS_EPSILON, computeLoss, accuracy, categoricalCrossentropy, categoricalCrossentropyFromLogits,
  binaryCrossentropy, meanSquaredError,
} from './losses.js';
