/** The network a config describes, for the data it will see. */
import { type LayerSpec, Sequential } from '../nn/index.js';
import type { ExperimentConfig } from './config.js';

/** Layer specs with `model.activation` applied to every hidden layer that has an activation. */
export function resolvedLayers(config: ExperimentConfig): LayerSpec[] {
  const { layers, activation } = config.model;
  if (!activation) return layers;
  return layers.map((layer, index) => (index < layers.length - 1 && 'activation' in layer && layer.type !== 'activation' ? { ...layer, activation } : layer));
}

/** Builds the model (weights from the config's seed) for samples of `sampleShape`. */
export function buildModel(config: ExperimentConfig, sampleShape: readonly number[]): Sequential {
  return new Sequential({ inputShape: [...sampleShape], layers: resolvedLayers(config), initializer: config.model.initializer }, config.seed, { dtype: config.model.dtype });
}
