/** infoplane's public API. */
export * from './tensor/index.js';
export * from './nn/index.js';
export * from './optim/index.js';
export * from './data/index.js';
export { trainEpoch, evaluate, type BatchContext, type EpochOptions, type EpochResult, type Evaluation } from './experiment/trainer.js';
