/**
 * The experiments of the paper and of the work it builds on, as configs. Their KDE runs on float32 kernel
 * blocks, as Saxe et al.'s float32 code: on 10 000 random tanh activations of width 1024 the bounds were
 * within 5.2e-6 bits of float64 (npm run bench:mi), far inside the estimator's own spread, at half the cost.
 */
import type { ExperimentConfigInput } from './config.js';
import type { LayerSpec } from '../nn/index.js';

const mlp = (activation: 'tanh' | 'relu'): LayerSpec[] => [
  { type: 'dense', units: 1024, activation },
  { type: 'dense', units: 20, activation },
  { type: 'dense', units: 20, activation },
  { type: 'dense', units: 20, activation },
  { type: 'dense', units: 10, activation: 'softmax' },
];

/**
 * Saxe et al.'s MNIST MLP (ibsgd MNIST_SaveActivations), the paper's Figure 5. Inputs x/255 in [0, 1] as
 * ibsgd `utils.get_mnist` (its `X*2.0-1.0` is commented out on both the iclr2018 branch and master).
 */
const fig5 = (activation: 'tanh' | 'relu'): ExperimentConfigInput => ({
  name: activation === 'tanh' ? 'fig5-mlp' : 'fig5-mlp-relu',
  dataset: { name: 'mnist', range: '0-1' },
  model: { layers: mlp(activation), initializer: 'keras' },
  optimizer: { type: 'sgd', learningRate: 0.001 },
  loss: 'categorical_crossentropy',
  batchSize: 128,
  epochs: 20,
  seed: 0,
  logEpochs: 'saxe',
  probe: { set: 'test', size: 'all' },
  estimators: [{ name: 'kde', noiseVariance: 0.1, precision: 'float32' }, { name: 'bin', binsize: 0.5 }],
  convMethods: ['concat'],
  // An exact step test costs two passes over the 60 000 training images with every layer's ∂L/∂z kept:
  // 10.5 s per logged epoch here (a 1-epoch run: 15.3 s without, 25.8 s with). Ask for it with
  // --set dynamics.identitySteps=1.
  dynamics: { identitySteps: 0 },
});

/** Saxe et al.'s run of Shwartz-Ziv & Tishby's network on the 12-bit task (ibsgd IBnet_SaveActivations and IBnet_ComputeMI). */
const ibnet = (activation: 'tanh' | 'relu'): ExperimentConfigInput => ({
  name: `ibnet-${activation}`,
  dataset: { name: 'ib12', source: 'file', testFraction: 0.2 },
  model: {
    layers: [10, 7, 5, 4, 3].map((units): LayerSpec => ({ type: 'dense', units, activation })).concat([{ type: 'dense', units: 2, activation: 'softmax' }]),
    initializer: 'truncated-normal',
  },
  optimizer: { type: 'adam', learningRate: 0.0004 },
  loss: 'categorical_crossentropy',
  batchSize: 256,
  epochs: 10000,
  seed: 0,
  logEpochs: 'saxe-ibnet',
  probe: { set: 'all', size: 'all' },
  // ibsgd's IBnet_ComputeMI estimates this network with noise_variance = 1e-3 and binsize = 0.07 (its MNIST
  // notebook's 0.1 and 0.5 are kept beside them), and Tishby's 30 bins on [−1, 1] (IDNNs).
  estimators: [
    { name: 'kde', noiseVariance: 1e-3, precision: 'float32' }, { name: 'kde', noiseVariance: 0.1, precision: 'float32' },
    { name: 'bin', binsize: 0.07 }, { name: 'bin', binsize: 0.5 }, { name: 'tishby-bin', numBins: 30 },
  ],
  convMethods: ['concat'],
});

export const PRESETS: Record<string, ExperimentConfigInput> = {
  'fig5-mlp': fig5('tanh'),
  'fig5-mlp-relu': fig5('relu'),
  /** The paper's Listing 1 CNN (Keras mnist_cnn.py) without dropout, §3.1.2. */
  'mnist-cnn': {
    name: 'mnist-cnn',
    dataset: { name: 'mnist', range: '0-1' },
    model: {
      layers: [
        { type: 'conv2d', filters: 32, kernelSize: 3, activation: 'relu' },
        { type: 'conv2d', filters: 64, kernelSize: 3, activation: 'relu' },
        { type: 'maxPooling2d', poolSize: 2 },
        { type: 'flatten' },
        { type: 'dense', units: 128, activation: 'relu' },
        { type: 'dense', units: 10, activation: 'softmax' },
      ],
      initializer: 'keras',
    },
    optimizer: { type: 'adadelta' },
    loss: 'categorical_crossentropy',
    batchSize: 128,
    epochs: 12,
    seed: 0,
    logEpochs: 'saxe',
    // The paper found the estimates stable above ~100 samples; a 10 000-image probe would cost minutes per
    // logged epoch for the 36 864-wide conv layer.
    probe: { set: 'test', size: 1000 },
    estimators: [{ name: 'kde', noiseVariance: 0.0735, precision: 'float32' }],
    convMethods: ['concat', 'mean'],
    // No exact step tests by default: two passes over 60 000 images per logged epoch (see fig5).
    dynamics: { kdeDerivativeSamples: 200, identitySteps: 0 },
  },
  'ibnet-tanh': ibnet('tanh'),
  'ibnet-relu': ibnet('relu'),
  /**
   * Lorenzen, Igel & Nielsen's (2022, ICLR) quantized 12-bit run, their SYN-Tanh (experiment/Makefile:
   * `quantize.py SYN-Tanh 8`): Shwartz-Ziv & Tishby's 12-10-7-5-4-3-2 network (IB/models/models.py
   * ShwartzZiv99) with every layer's output on 2^8 levels, trained through the quantization
   * (src/nn/quantize.ts), and each layer's exact MI from counts (src/info/exact.ts); Saxe's binning at 0.07
   * (ibnet) beside it. As their IB/experiment.py: Adam at 1e-4 (run_experiment's lr), batch 256, 8000
   * epochs, an 80/20 split, MI over all 4096 inputs. Their FNN does not hand `init` on to NN, so the
   * kernels are Keras' default glorot-uniform ('keras'), not the truncated normal ShwartzZiv99 names.
   * They estimate every 5th epoch and restart runs below 55 % training accuracy at epoch 1000
   * (IB/models/callbacks.py); we log on ibsgd's 12-bit schedule and keep every run.
   * `--set model.activation=relu` gives their SYN-ReLU (relu's range tracked in training).
   */
  'ibnet-quantized': {
    name: 'ibnet-quantized',
    dataset: { name: 'ib12', source: 'file', testFraction: 0.2 },
    model: {
      layers: [10, 7, 5, 4, 3].map((units): LayerSpec => ({ type: 'dense', units, activation: 'tanh', quantizeBits: 8 }))
        .concat([{ type: 'dense', units: 2, activation: 'softmax', quantizeBits: 8 }]),
      initializer: 'keras',
    },
    optimizer: { type: 'adam', learningRate: 1e-4 },
    loss: 'categorical_crossentropy',
    batchSize: 256,
    epochs: 8000,
    seed: 0,
    logEpochs: 'saxe-ibnet',
    probe: { set: 'all', size: 'all' },
    estimators: [{ name: 'quantized', quantizeBits: 8 }, { name: 'bin', binsize: 0.07 }],
    convMethods: ['concat'],
    // The straight-through gradient is not the gradient of the quantized (piecewise constant) loss, so the
    // exact step test's first-order prediction does not apply.
    dynamics: { identitySteps: 0 },
  },
};

export function presetNames(): string[] {
  return Object.keys(PRESETS);
}
