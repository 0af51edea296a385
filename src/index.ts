/** infoplane's public API. */
export * from './tensor/index.js';
