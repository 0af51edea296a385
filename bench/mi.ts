/**
 * bench:mi — KDE bounds (upper and lower, 10 classes) on N = 10 000 probe samples at d = 1024 and d = 20,
 * beside, in the same run:
 * - the same maths done the naive way, as Saxe et al.'s ibsgd does it: every entropy call recomputes its
 *   full distance matrix, once per bound for all samples and once per bound for each class (target:
 *   ours ≥ 5× faster);
 * - the floor: one float32 10 000×1024 by 1024×10 000 matmul (target: ours ≤ 3× it).
 * Ours runs in float64 and, as the presets run it, with float32 kernel blocks (time and distance from float64).
 * Then N = 70 000, d = 1024 in a child process, reporting its peak resident memory (target < 4 GiB).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { kdeEstimator } from '../src/info/index.js';
import { Generator, type Tensor, engineInfo, getNumThreads, rand, randint, randn, tidy } from '../src/tensor/index.js';
import { median, timeSeconds, verdict } from './lib/stats.js';

const N = 10_000;
const CLASSES = 10;
const NOISE_VARIANCE = 0.1;

/** Saxe et al.'s entropy_estimator_kl, recomputing the distance matrix on every call (float64, as ours). */
function naiveUpperEntropy(x: Tensor, variance: number): number {
  return tidy(() => {
    const [m, d] = x.shape as [number, number];
    const squared = x.square().sum(1, true);
    const distances = squared.add(squared.t()).sub(x.matmul(x.t()).mul(2));
    const logProbabilities = distances.div(-2 * variance).logsumexp(1).sub(Math.log(m) + (d / 2) * Math.log(2 * Math.PI * variance));
    return d / 2 - logProbabilities.mean().item();
  });
}

/** Both bounds of I(X;T) and I(Y;T), computed as ibsgd's notebook computes them (bits). */
function naiveKde(x: Tensor, labels: Tensor): { ixt: { lower: number; upper: number }; iyt: { lower: number; upper: number } } {
  return tidy(() => {
    const d = x.size(1);
    const lower = (t: Tensor): number => naiveUpperEntropy(t, 4 * NOISE_VARIANCE) + (d / 2) * Math.log(0.25);
    const hUpper = naiveUpperEntropy(x, NOISE_VARIANCE);
    const hLower = lower(x);
    let conditionalLower = 0;
    let conditionalUpper = 0;
    for (let c = 0; c < CLASSES; c++) {
      const members = labels.eq(c).nonzero().squeeze(1);
      const rows = x.indexSelect(0, members);
      const p = members.size(0) / x.size(0);
      conditionalUpper += p * naiveUpperEntropy(rows, NOISE_VARIANCE);
      conditionalLower += p * lower(rows);
    }
    const hGivenX = (d / 2) * (Math.log(2 * Math.PI * NOISE_VARIANCE) + 1);
    const bits = (nats: number): number => nats / Math.LN2;
    return {
      ixt: { lower: bits(hLower - hGivenX), upper: bits(hUpper - hGivenX) },
      iyt: { lower: bits(hLower - conditionalLower), upper: bits(hUpper - conditionalUpper) },
    };
  });
}

function peakMemoryChild(): void {
  const generator = new Generator(3);
  const x = randn([70_000, 1024], { generator }).tanh();
  const labels = randint(0, CLASSES, [70_000], { generator });
  const seconds = timeSeconds(() => kdeEstimator({ noiseVariance: NOISE_VARIANCE }).estimate({ activations: x, labels, numClasses: CLASSES }));
  process.stdout.write(`${JSON.stringify({ seconds, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
}

function main(): void {
  const info = engineInfo();
  console.log(`bench:mi on ${getNumThreads()} threads, BLAS ${info.blasCore}; KDE σ² = ${NOISE_VARIANCE}, both bounds, ${CLASSES} classes, N = ${N}`);
  const generator = new Generator(1);
  const floorMatrix = rand([N, 1024], { generator });
  const floor = median([0, 1, 2].map(() => timeSeconds(() => tidy(() => floorMatrix.matmul(floorMatrix.t())))));
  floorMatrix.dispose();
  console.log(`floor: float32 ${N}×1024 · 1024×${N} matmul ${floor.toFixed(3)} s (median of 3)\n`);
  for (const d of [1024, 20]) {
    tidy(() => {
      const x = randn([N, d], { generator }).tanh();
      const labels = randint(0, CLASSES, [N], { generator });
      type Bounds = { ixt: { lower: number; upper: number }; iyt: { lower: number; upper: number } };
      let ours: Bounds = { ixt: { lower: 0, upper: 0 }, iyt: { lower: 0, upper: 0 } };
      const oursSeconds = median([0, 1, 2].map(() => timeSeconds(() => {
        ours = kdeEstimator({ noiseVariance: NOISE_VARIANCE }).estimate({ activations: x, labels, numClasses: CLASSES });
      })));
      let ours32: Bounds = ours;
      const float32Seconds = median([0, 1, 2].map(() => timeSeconds(() => {
        ours32 = kdeEstimator({ noiseVariance: NOISE_VARIANCE, precision: 'float32' }).estimate({ activations: x, labels, numClasses: CLASSES });
      })));
      let naive: Bounds = ours;
      const naiveSeconds = timeSeconds(() => { naive = naiveKde(x.to('float64'), labels); });
      const gap = (a: Bounds, b: Bounds): number => Math.max(...(['ixt', 'iyt'] as const).flatMap((key) => [Math.abs(a[key].lower - b[key].lower), Math.abs(a[key].upper - b[key].upper)]));
      const agreement = gap(naive, ours);
      console.log(`d = ${d}: ours ${oursSeconds.toFixed(3)} s (median of 3), naive ${naiveSeconds.toFixed(3)} s → ${(naiveSeconds / oursSeconds).toFixed(1)}× faster   ${verdict(Number((naiveSeconds / oursSeconds).toFixed(1)), 5, 'min')}`);
      console.log(`          ours / floor ${(oursSeconds / floor).toFixed(2)}×   ${verdict(Number((oursSeconds / floor).toFixed(2)), 3, 'max')}   (estimates agree to ${agreement.toExponential(1)} bits)`);
      console.log(`          float32 kernel blocks (the presets' setting): ${float32Seconds.toFixed(3)} s, ${(float32Seconds / floor).toFixed(2)}× the floor, bounds within ${gap(ours32, ours).toExponential(1)} bits of float64`);
    });
  }
  const child = JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--peak-child'], { encoding: 'utf8' }).trim()) as { seconds: number; maxRssBytes: number };
  const gib = child.maxRssBytes / 2 ** 30;
  console.log(`\nN = 70 000, d = 1024: ${child.seconds.toFixed(1)} s, peak resident memory ${gib.toFixed(2)} GiB (input 0.27 GiB)   ${verdict(Number(gib.toFixed(2)), 4, 'max')}`);
}

if (process.argv.includes('--peak-child')) peakMemoryChild();
else main();
