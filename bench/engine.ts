/**
 * bench:engine — the engine's speed on this machine, each figure beside a baseline measured in the same run:
 * - float32 matmul GFLOP/s at 512², 1024², 2048² (target ≥ 80 at 2048²);
 * - the cost of a small op called from TS, µs per call (target ≤ 5), beside the raw addon call;
 * - one epoch of the 784-1024-20-20-20-10 tanh MLP (SGD, batch 128, 60 000 random inputs) driven op by op
 *   from TS, against the same epoch as a C++ loop over the same ATen calls (bench/native/mlp_epoch.cc),
 *   alternating runs, medians compared (target ≤ 1.10×).
 */
import os from 'node:os';
import {
  Generator, type Tensor, crossEntropy, engineInfo, foreachAdd_, foreachZero_, getNumThreads, linear,
  matmulGflops, noGrad, rand, randint, randn, randperm, tidy, zeros,
} from '../src/tensor/index.js';
import { native } from '../src/tensor/native.js';
import { buildBaseline, runBaseline } from './lib/native-baseline.js';
import { median, timeSeconds, verdict } from './lib/stats.js';

const SAMPLES = 60_000;
const BATCH = 128;
const WIDTHS = [784, 1024, 20, 20, 20, 10];
const LEARNING_RATE = 0.001;
const RUNS = 3;

function smallOpMicroseconds(): { api: number; raw: number } {
  const a = zeros([4]);
  const b = zeros([4]);
  const calls = 200_000;
  const once = (): void => {
    for (let i = 0; i < 1000; i++) a.add(b).dispose();
  };
  once();
  const api = timeSeconds(() => { for (let i = 0; i < calls / 1000; i++) once(); }) / calls * 1e6;
  const raw = timeSeconds(() => {
    for (let i = 0; i < calls; i++) native.dispose(native.add(a.handle, b.handle));
  }) / calls * 1e6;
  return { api, raw };
}

/** The same epoch as bench/native/mlp_epoch.cc, op by op from TS. */
function makeMlpEpoch(): () => number {
  const generator = new Generator(1);
  const inputs = rand([SAMPLES, 784], { generator });
  const labels = randint(0, 10, [SAMPLES], { generator });
  const params: Tensor[] = [];
  for (let l = 0; l + 1 < WIDTHS.length; l++) {
    params.push(tidy(() => randn([WIDTHS[l + 1]!, WIDTHS[l]!], { generator }).mul(0.05)).requiresGrad_());
    params.push(zeros([WIDTHS[l + 1]!]).requiresGrad_());
  }
  return () => timeSeconds(() => {
    const order = randperm(SAMPLES, { generator });
    for (let first = 0; first < SAMPLES; first += BATCH) {
      tidy(() => {
        const index = order.narrow(0, first, Math.min(BATCH, SAMPLES - first));
        let h = inputs.indexSelect(0, index);
        const y = labels.indexSelect(0, index);
        for (let l = 0; l + 2 < params.length; l += 2) h = linear(h, params[l]!, params[l + 1]!).tanh();
        const loss = crossEntropy(linear(h, params.at(-2)!, params.at(-1)!), y);
        loss.backward();
        noGrad(() => {
          const grads = params.map((p) => p.grad!);
          foreachAdd_(params, grads, -LEARNING_RATE);
          foreachZero_(grads);
        });
      });
    }
    order.dispose();
  });
}

function main(): void {
  const info = engineInfo();
  const threads = getNumThreads();
  console.log(`bench:engine on ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism()} cores; libtorch ${info.libtorchVersion}, ` +
    `BLAS ${info.blasCore ?? '?'} (${info.blasThreads ?? '?'} threads), torch threads ${threads}, OMP_WAIT_POLICY=${info.ompWaitPolicy}`);

  console.log('\nmatmul (float32, median of 5)');
  for (const size of [512, 1024, 2048]) {
    const gflops = matmulGflops(size);
    console.log(`  ${`${size}²`.padEnd(6)} ${gflops.toFixed(1).padStart(7)} GFLOP/s${size === 2048 ? `   ${verdict(gflops, 80, 'min')}` : ''}`);
  }

  const op = smallOpMicroseconds();
  console.log(`\nsmall op from TS (add of two 4-element tensors + dispose, 200 000 calls)`);
  console.log(`  Tensor API ${op.api.toFixed(2)} µs/call   ${verdict(Number(op.api.toFixed(2)), 5, 'max')}`);
  console.log(`  raw addon  ${op.raw.toFixed(2)} µs/call`);

  const baseline = buildBaseline('mlp_epoch');
  const tsEpoch = makeMlpEpoch();
  console.log(`\nMLP 784-1024-20-20-20-10 tanh, SGD, batch ${BATCH}, ${SAMPLES} inputs: one epoch, ${RUNS} alternating runs after a warm-up`);
  tsEpoch();
  runBaseline<{ epochSeconds: number[] }>(baseline, [String(threads), '1']);
  const ts: number[] = [];
  const cxx: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    ts.push(tsEpoch());
    cxx.push(runBaseline<{ epochSeconds: number[] }>(baseline, [String(threads), '1']).epochSeconds[0]!);
    console.log(`  run ${run + 1}: TS ${ts.at(-1)!.toFixed(3)} s   C++ ${cxx.at(-1)!.toFixed(3)} s`);
  }
  const ratio = median(ts) / median(cxx);
  console.log(`  median: TS ${median(ts).toFixed(3)} s, C++ ${median(cxx).toFixed(3)} s, ratio ${ratio.toFixed(3)}×   ${verdict(Number(ratio.toFixed(3)), 1.1, 'max')}`);
}

main();
