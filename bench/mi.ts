/**
 * bench:mi — KDE bounds (upper and lower, 10 classes) on N = 10 000 probe samples at d = 1024 and d = 20,
 * beside, in the same run and alternating with ours (`--repetitions N` rounds, default 3; medians compared):
 * - a fair naive implementation, Saxe et al.'s ibsgd algorithm (kde.py): each entropy call builds its
 *   distance matrix x2 + x2ᵀ − 2·X·Xᵀ by one matmul and takes a logsumexp over rows — once per bound for
 *   all samples and once per bound for each class — here in float64 row blocks (target: ours ≥ 5× faster);
 * - the floor at the same d: one float32 10 000×d by d×10 000 matmul into a reused 10 000² buffer plus one
 *   elementwise pass (exp) over it, the least any all-pairs kernel estimate does (target: ours ≤ 3× it).
 * Ours runs in float64 and, as the presets run it, with float32 kernel blocks (time and distance from float64).
 * Then N = 70 000, d = 1024 in a child process, reporting its peak resident memory (target < 4 GiB).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { kdeEstimator } from '../src/info/index.js';
import { Generator, type Tensor, engineInfo, getNumThreads, randint, randn, tidy, zeros } from '../src/tensor/index.js';
import { median, timeSeconds, verdict } from './lib/stats.js';

const N = 10_000;
const CLASSES = 10;
const NOISE_VARIANCE = 0.1;

/** Rows per block of the naive distance matrix: 256 × 10 000 float64 is 20 MB, under glibc's 32 MiB mmap threshold. */
const NAIVE_BLOCK_ROWS = 256;

/**
 * Saxe et al.'s entropy_estimator_kl (ibsgd kde.py), recomputing the distance matrix on every call, in
 * float64 (as ours) and in row blocks so that no N×N matrix is held.
 */
function naiveUpperEntropy(x: Tensor, variance: number): number {
  return tidy(() => {
    const [m, d] = x.shape as [number, number];
    const squared = x.square().sum(1, true);
    const squaredRow = squared.t();
    let logProbabilitySum = 0;
    for (let first = 0; first < m; first += NAIVE_BLOCK_ROWS) {
      tidy(() => {
        const rows = Math.min(NAIVE_BLOCK_ROWS, m - first);
        // ibsgd's dists = x2 + x2ᵀ − 2·X·Xᵀ for these rows, then logsumexp(−dists / 2σ²) over each row.
        const distances = x.narrow(0, first, rows).matmul(x.t()).mul_(-2).add_(squaredRow).add_(squared.narrow(0, first, rows));
        logProbabilitySum += distances.div_(-2 * variance).logsumexp(1).sum().item();
      });
    }
    return d / 2 - (logProbabilitySum / m - Math.log(m) - (d / 2) * Math.log(2 * Math.PI * variance));
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

/** The floor at x's width: x·xᵀ in float32 into the reused N×N `buffer`, then one elementwise pass over it. */
function floorSeconds(x: Tensor, buffer: Tensor): number {
  return timeSeconds(() => { buffer.addmm_(x, x.t(), 0, 1).exp_(); });
}

function main(): void {
  const info = engineInfo();
  const at = process.argv.indexOf('--repetitions');
  const repetitions = at > 0 ? Number(process.argv[at + 1]) : 3;
  if (!Number.isSafeInteger(repetitions) || repetitions < 1) throw new Error(`Expected a positive integer for --repetitions but received ${process.argv[at + 1]}`);
  console.log(`bench:mi on ${getNumThreads()} threads, BLAS ${info.blasCore}, OMP_WAIT_POLICY=${info.ompWaitPolicy}; KDE σ² = ${NOISE_VARIANCE}, both bounds, ${CLASSES} classes, N = ${N}`);
  console.log(`ours (float64; float32 kernel blocks), naive (ibsgd's algorithm, float64, ${NAIVE_BLOCK_ROWS}-row blocks) and the floor (float32 matmul into a reused buffer + exp) alternate, ${repetitions} round${repetitions === 1 ? '' : 's'}`);
  const generator = new Generator(1);
  const buffer = zeros([N, N]); // written once here, so no floor run pays its page faults
  type Bounds = { ixt: { lower: number; upper: number }; iyt: { lower: number; upper: number } };
  const gap = (a: Bounds, b: Bounds): number => Math.max(...(['ixt', 'iyt'] as const).flatMap((key) => [Math.abs(a[key].lower - b[key].lower), Math.abs(a[key].upper - b[key].upper)]));
  for (const d of [1024, 20]) {
    tidy(() => {
      const x = randn([N, d], { generator }).tanh();
      const x64 = x.to('float64');
      const labels = randint(0, CLASSES, [N], { generator });
      const seconds = { ours: [] as number[], ours32: [] as number[], naive: [] as number[], floor: [] as number[] };
      let ours!: Bounds;
      let ours32!: Bounds;
      let naive!: Bounds;
      console.log(`\nd = ${d}\n  round   ours float64   ours float32      naive      floor`);
      for (let round = 1; round <= repetitions; round++) {
        seconds.ours.push(timeSeconds(() => { ours = kdeEstimator({ noiseVariance: NOISE_VARIANCE }).estimate({ activations: x, labels, numClasses: CLASSES }); }));
        seconds.naive.push(timeSeconds(() => { naive = naiveKde(x64, labels); }));
        seconds.ours32.push(timeSeconds(() => { ours32 = kdeEstimator({ noiseVariance: NOISE_VARIANCE, precision: 'float32' }).estimate({ activations: x, labels, numClasses: CLASSES }); }));
        seconds.floor.push(floorSeconds(x, buffer));
        console.log(`  ${String(round).padStart(5)}   ${[seconds.ours, seconds.ours32, seconds.naive, seconds.floor].map((s) => `${s.at(-1)!.toFixed(3).padStart(10)} s`).join(' ')}`);
      }
      const [oursSeconds, float32Seconds, naiveSeconds, floor] = [seconds.ours, seconds.ours32, seconds.naive, seconds.floor].map(median) as [number, number, number, number];
      console.log(`  median  ${[oursSeconds, float32Seconds, naiveSeconds, floor].map((s) => `${s.toFixed(3).padStart(10)} s`).join(' ')}`);
      console.log(`  naive / ours float64 ${(naiveSeconds / oursSeconds).toFixed(1)}×   ${verdict(Number((naiveSeconds / oursSeconds).toFixed(1)), 5, 'min')}   (estimates agree to ${gap(naive, ours).toExponential(1)} bits)`);
      console.log(`  ours float64 / floor ${(oursSeconds / floor).toFixed(2)}×   ${verdict(Number((oursSeconds / floor).toFixed(2)), 3, 'max')}`);
      console.log(`  ours float32 / floor ${(float32Seconds / floor).toFixed(2)}× (the presets' setting; bounds within ${gap(ours32, ours).toExponential(1)} bits of float64)`);
    });
  }
  buffer.dispose();
  const child = JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--peak-child'], { encoding: 'utf8' }).trim()) as { seconds: number; maxRssBytes: number };
  const gib = child.maxRssBytes / 2 ** 30;
  console.log(`\nN = 70 000, d = 1024: ${child.seconds.toFixed(1)} s, peak resident memory ${gib.toFixed(2)} GiB (input 0.27 GiB)   ${verdict(Number(gib.toFixed(2)), 4, 'max')}`);
}

if (process.argv.includes('--peak-child')) peakMemoryChild();
else main();
