/**
 * k-nearest-neighbour estimates, in bits, for activations T (N×d), inputs X and class labels Y:
 *
 * - I(X;T): Kraskov, Stögbauer & Grassberger (2004), "Estimating mutual information", Phys. Rev. E 69,
 *   066138, algorithm 1 (eq. 8): I = ψ(k) + ψ(N) − ⟨ψ(n_x + 1) + ψ(n_t + 1)⟩. ε_i is the distance from
 *   sample i to its k-th neighbour under the joint norm max(‖x − x'‖, ‖t − t'‖), and n_x (n_t) counts the
 *   samples j ≠ i with ‖x_j − x_i‖ < ε_i (‖t_j − t_i‖ < ε_i), strictly. Their derivation holds for any
 *   norms in the marginal spaces with the max in the joint one (their §II); ours are Euclidean, so distances
 *   come from matrix products. Without `inputs` I(X;T) is NaN and `parameters.ixt` says why.
 * - I(Y;T): Ross (2014), "Mutual information between discrete and continuous data sets", PLoS ONE 9(2),
 *   e87357: I = ψ(N) − ⟨ψ(N_y)⟩ + ψ(k) − ⟨ψ(m)⟩, with d_i the distance from i to its k-th neighbour among
 *   the N_{y_i} samples of its class and m_i the number of samples of the whole set within d_i. As
 *   scikit-learn's `_compute_mi_cd` (sklearn/feature_selection/_mutual_info.py) counts it: m_i = 1 +
 *   #{j ≠ i : ‖t_j − t_i‖ < d_i} (Ross's "within d_i, the k-th neighbour included" when nothing ties).
 * - H(T): the Kozachenko–Leonenko estimate of the differential entropy (Kraskov et al. eq. 20 with
 *   Euclidean balls): H = ψ(N) − ψ(k) + log V_d + (d/N)·Σ_i log r_i, r_i the distance to i's k-th
 *   neighbour in T and V_d = π^{d/2}/Γ(d/2 + 1) the unit ball's volume. It comes from the same distance
 *   blocks. A differential entropy: it can be negative, and it is not the binning estimators' H(T).
 *
 * Ties: duplicate points (saturated tanh, ReLU zeros, repeated inputs) make ε_i zero and the estimates
 * degenerate, so, as Kraskov et al. advise and scikit-learn does, each space gets Gaussian jitter from a
 * seeded Generator: std `jitter` × the mean absolute deviation of its centred coordinates (1 when that is
 * 0). scikit-learn's 1e-10 lies below what products of centred points resolve: their squared distances
 * carry a rounding error of ~1e-16·‖t‖², and on 400 points drawn from four ±1 patterns the jittered
 * duplicates' computed distances were non-positive for more than half the pairs at 1e-10, for none at
 * 1e-6 (d = 1024, 8192; relative error 1e-3). Spaces of at most DIRECT_MAX_DIMS coordinates take their
 * distances from coordinate differences instead (exact to rounding), where products failed even at 1e-6
 * (d = 2: 2 of 4976 pairs).
 *
 * The pairwise work is blocked as in kde.ts: blocks of rows against all N columns (the k-th neighbour
 * needs whole rows), one block buffer per space reused, float64 throughout; no N×N matrix exists.
 */
import { Generator, type Tensor, empty, noGrad, randn, tensor, tidy } from '../tensor/index.js';
import { invalid } from '../tensor/validate.js';
import { type Estimator, type LayerEstimate, NATS_TO_BITS, type ProbeData, exact } from './types.js';

/** Kraskov et al.'s k = 3 (their recommended 2–4), which is also scikit-learn's default n_neighbors. */
export const DEFAULT_NEIGHBOURS = 3;
/** The jitter's standard deviation relative to the data's spread (see the file header). */
export const DEFAULT_JITTER = 1e-6;
/** The jitter's seed: a fixed one, so that re-estimating the same activations gives the same numbers. */
const JITTER_SEED = 0x6b7367;
/** Up to this many coordinates, squared distances are summed from coordinate differences (see the header). */
const DIRECT_MAX_DIMS = 4;
/**
 * Elements per block: 2^21 float64 values (16 MiB; 512 rows of N = 4096). The per-block temporaries (the
 * joint distances, the comparison masks) then stay below the 32 MiB mmap threshold the addon sets, so they
 * reuse heap memory instead of faulting in fresh pages: N = 4096, d = 10 with inputs took 0.35 s against
 * 0.66 s with twice the rows. Products of d = 1024 ran at 92 GFLOPS against 100 with twice the rows.
 */
const BLOCK_ELEMENTS = 2 ** 21;

export interface KsgOptions {
  /** The neighbour order k (an integer ≥ 1). Default DEFAULT_NEIGHBOURS. */
  k?: number;
  /** The jitter's std relative to each space's mean absolute deviation (≥ 0; 0 turns it off). Default DEFAULT_JITTER. */
  jitter?: number;
  /** Rows per distance block (default: as many as fill BLOCK_ELEMENTS). */
  blockSize?: number;
}

/** ψ(x) for x > 0: shifted up by ψ(x) = ψ(x + 1) − 1/x, then the asymptotic series (Abramowitz & Stegun 6.3.18), error < 1e-14 from x ≥ 10. */
function digamma(x: number): number {
  let shift = 0;
  let z = x;
  for (; z < 10; z++) shift -= 1 / z;
  const f = 1 / (z * z);
  return shift + Math.log(z) - 0.5 / z - f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f / 132))));
}

/** log V_d, V_d = π^{d/2} / Γ(d/2 + 1) the volume of the unit d-ball, with Γ from Γ(x + 1) = x·Γ(x), Γ(1) = 1 and Γ(½) = √π. */
function logUnitBallVolume(d: number): number {
  let logGamma = d % 2 === 0 ? 0 : 0.5 * Math.log(Math.PI);
  for (let x = d % 2 === 0 ? 1 : 0.5; x < d / 2 + 1; x++) logGamma += Math.log(x);
  return (d / 2) * Math.log(Math.PI) - logGamma;
}

/** A sample space ready for blocked squared distances: coordinate columns (few dims) or the product factors. */
interface Space {
  dims: number;
  /** [d, N] coordinates, when d ≤ DIRECT_MAX_DIMS. */
  columns?: Tensor;
  /** [t, ‖t‖², 1] and [−2t, 1, ‖t‖²] ([N, d + 2]): left_i · right_j = ‖t_i − t_j‖². */
  left?: Tensor;
  right?: Tensor;
}

/**
 * Flattened, centred and jittered samples in the given sample order. Beside the inputs, the only N×d
 * float64 copies that outlive this are the two product factors (built in place, as in kde.ts), or the
 * coordinate columns.
 */
function prepareSpace(samples: Tensor, order: Tensor, jitter: number, generator: Generator): Space {
  return tidy(() => {
    const n = samples.size(0);
    const dims = samples.numel / n;
    const left = empty([n, dims + 2], { dtype: 'float64' });
    const points = left.narrow(1, 0, dims);
    tidy(() => {
      points.copy_(samples.reshape([n, dims]).indexSelect(0, order));
      // Distances do not change under translation; centring keeps ‖t‖² small and the products' cancellation mild.
      points.sub_(points.mean(0, true));
      if (jitter > 0) {
        const spread = points.abs().mean().item();
        points.add_(randn([n, dims], { generator, dtype: 'float64' }).mul_(jitter * (spread > 0 ? spread : 1)));
      }
    });
    if (dims <= DIRECT_MAX_DIMS) return { dims, columns: points.t().contiguous() };
    const squaredNorms = points.norm(2, 1, true).square();
    left.narrow(1, dims, 1).copy_(squaredNorms);
    left.narrow(1, dims + 1, 1).fill_(1);
    const right = empty([n, dims + 2], { dtype: 'float64' });
    right.narrow(1, 0, dims).copy_(points).mul_(-2);
    right.narrow(1, dims, 1).fill_(1);
    right.narrow(1, dims + 1, 1).copy_(squaredNorms);
    return { dims, left, right };
  });
}

/** ‖p_i − p_j‖² for the rows i ∈ [i0, i0 + rows) against all N samples, into `out` ([rows, N]); self distances +∞. */
function squaredDistances(space: Space, i0: number, rows: number, out: Tensor): void {
  if (space.columns) {
    out.zero_();
    for (let q = 0; q < space.dims; q++) {
      tidy(() => {
        const coordinate = space.columns!.select(0, q);
        const difference = coordinate.narrow(0, i0, rows).unsqueeze(1).sub(coordinate.unsqueeze(0));
        out.addcmul_(difference, difference);
      });
    }
  } else {
    out.addmm_(space.left!.narrow(0, i0, rows), space.right!.t(), 0, 1);
  }
  // +∞ keeps i out of its own neighbours and out of every count "closer than".
  out.narrow(1, i0, rows).diagonal().fill_(Number.POSITIVE_INFINITY);
}

/** Each row's k-th smallest value ([rows]). */
function kthSmallest(block: Tensor, k: number): Tensor {
  return block.topk(k, 1, false, true).values.select(1, k - 1);
}

/** Per row, how many of its values lie strictly below the row's threshold ([rows], float64). */
function countBelow(block: Tensor, thresholds: Tensor): Float64Array {
  return block.lt(thresholds.unsqueeze(1)).sum(1).to('float64').data('float64');
}

const mean = (values: ArrayLike<number>, f: (value: number, i: number) => number, count = values.length): number => {
  let sum = 0;
  for (let i = 0; i < count; i++) sum += f(values[i]!, i);
  return sum / count;
};

/** Samples ordered by class, classes of one sample last, with each class's range in that order. */
function classOrder(labels: readonly number[], numClasses: number): { order: number[]; ranges: { start: number; end: number }[]; kept: number } {
  const sizes = new Array<number>(numClasses).fill(0);
  for (const label of labels) sizes[label]!++;
  // Ross's estimate needs a k-th neighbour within the class: as scikit-learn, samples alone in their class
  // take no part in I(Y;T) (nor in its N), so they go last and the counts m_i stop before them.
  const key = (label: number): number => (sizes[label]! > 1 ? label : numClasses + label);
  const order = labels.map((_, i) => i).sort((a, b) => key(labels[a]!) - key(labels[b]!));
  const ranges: { start: number; end: number }[] = [];
  let start = 0;
  for (const size of sizes) {
    if (size < 2) continue;
    ranges.push({ start, end: start + size });
    start += size;
  }
  return { order, ranges, kept: start };
}

/**
 * The KSG estimator: I(X;T) by Kraskov et al.'s algorithm 1 (needs `inputs`, NaN without), I(Y;T) by
 * Ross's discrete–continuous estimate, H(T) by Kozachenko–Leonenko (see the file header).
 *
 * @example ksgEstimator({ k: 3 }).estimate({ activations, labels, numClasses: 10, inputs })
 */
export function ksgEstimator(options: KsgOptions = {}): Estimator {
  const k = options.k ?? DEFAULT_NEIGHBOURS;
  const jitter = options.jitter ?? DEFAULT_JITTER;
  if (!Number.isSafeInteger(k) || k < 1) invalid('an integer ≥ 1', 'k', k);
  if (!(jitter >= 0) || !Number.isFinite(jitter)) invalid('a finite number ≥ 0', 'jitter', jitter);
  if (options.blockSize !== undefined && (!Number.isSafeInteger(options.blockSize) || options.blockSize < 1)) invalid('a positive integer', 'blockSize', options.blockSize);
  return {
    name: 'ksg',
    estimate(data: ProbeData): LayerEstimate {
      const n = data.activations.size(0);
      const dims = data.activations.numel / n;
      if (n <= k) throw new Error(`the KSG estimator with k = ${k} needs at least ${k + 1} samples, got ${n}`);
      return noGrad(() => tidy(() => {
        const labels = data.labels.toNumbers();
        const { order, ranges, kept } = classOrder(labels, data.numClasses);
        const orderIndex = tensor(order, undefined, { dtype: 'int64' });
        const generator = new Generator(JITTER_SEED);
        // T's jitter is drawn first, so H(T) and I(Y;T) are the same with or without inputs.
        const t = prepareSpace(data.activations, orderIndex, jitter, generator);
        const x = data.inputs ? prepareSpace(data.inputs, orderIndex, jitter, generator) : undefined;
        const size = Math.min(n, options.blockSize ?? Math.max(1, Math.floor(BLOCK_ELEMENTS / n)));
        const bufferT = empty([size * n], { dtype: 'float64' });
        const bufferX = x ? empty([size * n], { dtype: 'float64' }) : undefined;
        // Per sample (in class order): r_i² in T, Ross's k_i and m_i − 1, and KSG's n_x and n_t.
        const nearest = new Float64Array(n);
        const ownK = new Float64Array(n);
        const closer = new Float64Array(n);
        const countX = new Float64Array(n);
        const countT = new Float64Array(n);
        for (let i0 = 0; i0 < n; i0 += size) {
          const rows = Math.min(size, n - i0);
          tidy(() => {
            const blockT = bufferT.narrow(0, 0, rows * n).view([rows, n]);
            squaredDistances(t, i0, rows, blockT);
            nearest.set(kthSmallest(blockT, k).data('float64'), i0);
            // Ross: d_i² from i's own class's columns (k_i = min(k, N_y − 1), as scikit-learn for small
            // classes), then the samples of every class with two or more closer than d_i.
            if (i0 < kept) {
              const thresholds = empty([rows], { dtype: 'float64' }).fill_(Number.NEGATIVE_INFINITY);
              for (const { start, end } of ranges) {
                const [from, to] = [Math.max(start, i0), Math.min(end, i0 + rows)];
                if (to <= from) continue;
                const classK = Math.min(k, end - start - 1);
                const own = blockT.narrow(0, from - i0, to - from).narrow(1, start, end - start);
                thresholds.narrow(0, from - i0, to - from).copy_(kthSmallest(own, classK));
                ownK.fill(classK, from, to);
              }
              closer.set(countBelow(blockT.narrow(1, 0, kept), thresholds), i0);
            }
            if (x) {
              const blockX = bufferX!.narrow(0, 0, rows * n).view([rows, n]);
              squaredDistances(x, i0, rows, blockX);
              // ε_i² under the max norm: the joint squared distance is the larger marginal one.
              const epsilon = kthSmallest(blockX.maximum(blockT), k);
              countX.set(countBelow(blockX, epsilon), i0);
              countT.set(countBelow(blockT, epsilon), i0);
            }
          });
        }
        // KSG algorithm 1 (eq. 8).
        const ixt = x ? digamma(k) + digamma(n) - mean(countX, (nx, i) => digamma(nx + 1) + digamma(countT[i]! + 1)) : Number.NaN;
        // Ross (2014): ψ(N) − ⟨ψ(N_y)⟩ + ⟨ψ(k_i)⟩ − ⟨ψ(m_i)⟩ over the samples of classes with two or more.
        const classSize = new Float64Array(kept);
        for (const { start, end } of ranges) classSize.fill(end - start, start, end);
        const iyt = kept >= 2
          ? digamma(kept) - mean(classSize, digamma) + mean(ownK, digamma, kept) - mean(closer, (c) => digamma(c + 1), kept)
          : Number.NaN;
        // Kozachenko–Leonenko (Kraskov et al. eq. 20): (d/N)·Σ log r_i = (d/2N)·Σ log r_i².
        const ht = digamma(n) - digamma(k) + logUnitBallVolume(dims) + (dims / 2) * mean(nearest, Math.log);
        const notes: LayerEstimate['parameters'] = {
          ...(x ? { inputDims: x.dims } : { ixt: 'needs inputs' }),
          ...(kept >= 2 ? {} : { iyt: 'needs a class with two samples' }),
        };
        return {
          ixt: exact(ixt * NATS_TO_BITS),
          iyt: exact(iyt * NATS_TO_BITS),
          ht: exact(ht * NATS_TO_BITS),
          parameters: { estimator: 'ksg', k, jitter, samples: n, dims, ...notes },
        };
      }));
    },
  };
}
