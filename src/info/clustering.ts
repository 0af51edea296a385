/**
 * How a layer's probe representations cluster by class. Goldfeld et al. (2019), "Estimating information
 * flow in deep neural networks" (ICML), show that what the information plane calls compression in a
 * deterministic network is the geometric clustering of the representations of each class; these scores
 * measure that clustering directly, to set beside I(X;T). With D_ij = ‖t_i − t_j‖ (Euclidean), n_c the
 * samples of class c and y_i the class of sample i:
 *   silhouette (Rousseeuw 1987, "Silhouettes: a graphical aid to the interpretation and validation of
 *   cluster analysis", J. Comput. Appl. Math. 20): s_i = (b_i − a_i) / max(a_i, b_i), where
 *   a_i = Σ_{j ∈ y_i, j ≠ i} D_ij / (n_{y_i} − 1) and b_i = min_{c ≠ y_i, n_c > 0} Σ_{j ∈ c} D_ij / n_c; the score
 *   is the mean of s_i over all samples. As scikit-learn's `silhouette_samples`
 *   (sklearn/metrics/cluster/_unsupervised.py): s_i = 0 for a sample alone in its class, and where
 *   a_i = b_i = 0 (its 0/0 becomes 0 by nan_to_num); classes without samples take no part.
 *   distance ratio: the mean of D_ij over the unordered pairs {i, j} of one class, divided by the mean of
 *   D_ij over the unordered pairs of different classes (every pair weighs the same, whatever its class).
 *
 * Both come from one [n, classes] table S_ic = Σ_{j ∈ c} D_ij, filled in one pass over square blocks of the
 * distance matrix, each pair of blocks visited once (D is symmetric: a block gives its rows' sums and,
 * transposed, its columns'). A block's distances come from one matrix product, √max(0, ‖a‖² + ‖b‖² − 2a·b),
 * into a reused buffer, and its class sums from a second product with the one-hot labels, accumulated in
 * float64. No n×n matrix exists beyond one block.
 */
import { type Tensor, empty, noGrad, oneHot, tidy, zeros } from '../tensor/index.js';
import { invalid } from '../tensor/validate.js';
import { defaultBlockSize } from './kde.js';

/** Probe rows scored by default: enough for a stable mean, a small cost beside the KDE on the whole probe. */
export const DEFAULT_CLUSTERING_SAMPLES = 2000;

/** A layer's class clustering on the first `samples` probe rows. */
export interface ClusteringScores {
  /** Mean silhouette coefficient in [−1, 1] (1: tight, well-separated classes); NaN with fewer than two classes. */
  silhouette: number;
  /** Mean within-class over mean between-class pairwise distance (0: every class a point, 1: no class structure); NaN without pairs of either kind. */
  distanceRatio: number;
  /** The rows scored. */
  samples: number;
}

export interface ClusteringOptions {
  /** Score the first this many rows (all when there are fewer). Default `DEFAULT_CLUSTERING_SAMPLES`. */
  samples?: number;
  /** Rows per distance block (default: the KDE's, `defaultBlockSize`). */
  blockSize?: number;
}

/**
 * The silhouette and the within/between distance ratio of activations [N, …] (a conv layer's [N, C, H, W]
 * flattened per sample) under class labels (int64 [N] in [0, numClasses)), on the first `samples` rows.
 * Memory beyond the inputs: a float64 copy of those rows, one block² buffer and [n, numClasses].
 *
 * @example
 * const { silhouette, distanceRatio } = classClustering(activations, probe.labels, 10, { samples: 2000 });
 */
export function classClustering(activations: Tensor, labels: Tensor, numClasses: number, options: ClusteringOptions = {}): ClusteringScores {
  const requested = options.samples ?? DEFAULT_CLUSTERING_SAMPLES;
  if (!Number.isSafeInteger(requested) || requested < 2) invalid('an integer ≥ 2', 'samples', requested);
  if (!Number.isSafeInteger(numClasses) || numClasses < 1) invalid('a positive integer', 'numClasses', numClasses);
  if (activations.ndim < 2) invalid('activations of shape [N, d] or [N, C, H, W]', 'activations', `shape [${activations.shape.join(', ')}]`);
  if (labels.ndim !== 1 || labels.size(0) !== activations.size(0) || labels.dtype !== 'int64') {
    invalid(`int64 labels of shape [${activations.size(0)}]`, 'labels', `${labels.dtype} [${labels.shape.join(', ')}]`);
  }
  const n = Math.min(requested, activations.size(0));
  const sums = noGrad(() => tidy(() => {
    const d = activations.numel / activations.size(0);
    const rows = labels.narrow(0, 0, n);
    const points = empty([n, d], { dtype: 'float64' });
    points.copy_(activations.narrow(0, 0, n).reshape([n, d]));
    // Distances do not change under translation; centring keeps ‖t‖² small and the cancellation mild.
    points.sub_(tidy(() => points.mean(0, true)));
    const squaredNorms = tidy(() => points.square().sum(1, true));
    const membership = tidy(() => oneHot(rows, numClasses).to('float64'));
    const toClass = zeros([n, numClasses], { dtype: 'float64' });
    const size = Math.max(1, Math.min(options.blockSize ?? defaultBlockSize(d), n));
    const buffer = empty([size * size], { dtype: 'float64' });
    for (let i0 = 0; i0 < n; i0 += size) {
      const bi = Math.min(size, n - i0);
      for (let j0 = i0; j0 < n; j0 += size) {
        const bj = Math.min(size, n - j0);
        tidy(() => {
          const block = buffer.narrow(0, 0, bi * bj).view([bi, bj]);
          // D² = ‖a‖² + ‖b‖² − 2a·b; rounding can make it slightly negative (clamped) and D_ii not exactly 0 (set).
          block.addmm_(points.narrow(0, i0, bi), points.narrow(0, j0, bj).t(), 0, -2);
          block.add_(squaredNorms.narrow(0, i0, bi)).add_(squaredNorms.narrow(0, j0, bj).t()).clamp_(0).sqrt_();
          if (i0 === j0) block.diagonal().fill_(0);
          toClass.narrow(0, i0, bi).addmm_(block, membership.narrow(0, j0, bj));
          if (j0 !== i0) toClass.narrow(0, j0, bj).addmm_(block.t(), membership.narrow(0, i0, bi));
        });
      }
    }
    return { table: toClass.data('float64'), classOf: rows.toNumbers() };
  }));
  return { ...scoresFromClassSums(sums.table, sums.classOf, numClasses), samples: n };
}

/** Both scores from S_ic = Σ_{j ∈ c} D_ij (row-major [n, numClasses]) and each sample's class. */
function scoresFromClassSums(table: Float64Array, classOf: readonly number[], numClasses: number): Omit<ClusteringScores, 'samples'> {
  const n = classOf.length;
  const counts = new Array<number>(numClasses).fill(0);
  for (const c of classOf) counts[c]!++;
  const present = counts.filter((count) => count > 0).length;
  let silhouetteSum = 0;
  let withinSum = 0;
  let allSum = 0;
  for (let i = 0; i < n; i++) {
    const own = classOf[i]!;
    const row = table.subarray(i * numClasses, (i + 1) * numClasses);
    withinSum += row[own]!;
    for (const value of row) allSum += value;
    if (counts[own]! < 2 || present < 2) continue;
    const a = row[own]! / (counts[own]! - 1);
    let b = Number.POSITIVE_INFINITY;
    for (let c = 0; c < numClasses; c++) if (c !== own && counts[c]! > 0) b = Math.min(b, row[c]! / counts[c]!);
    const larger = Math.max(a, b);
    if (larger > 0) silhouetteSum += (b - a) / larger;
  }
  // Each unordered pair is in the table twice (S_ic of i and S_jd of j).
  const withinPairs = counts.reduce((total, count) => total + (count * (count - 1)) / 2, 0);
  const betweenPairs = (n * n - counts.reduce((total, count) => total + count * count, 0)) / 2;
  const distanceRatio = withinPairs > 0 && betweenPairs > 0 ? (withinSum / 2 / withinPairs) / ((allSum - withinSum) / 2 / betweenPairs) : Number.NaN;
  return { silhouette: present < 2 ? Number.NaN : silhouetteSum / n, distanceRatio };
}
