/**
 * Binning estimators: discretise each activation, treat each sample's row of bin indices as one symbol,
 * and take plug-in entropies of the symbols' empirical distribution.
 *
 * - Saxe et al. (2018, ibsgd `simplebinmi.py`): bin = ⌊t / binsize⌋ (default binsize 0.5). Inputs are
 *   taken as distinct, so H(T|X) = 0 and I(X;T) = H(T); I(Y;T) = H(T) − Σ_c p(c)·H(T|Y=c).
 * - Shwartz-Ziv & Tishby (2017, IDNNs `information_process.py`): `numBins` equally spaced edges on
 *   [−1, 1] (default 30, as np.linspace(−1, 1, 30)), bin = number of edges ≤ t (np.digitize); I(X;T) =
 *   H(T) − H(T|X) with H(T|X) over the distinct input patterns, which is not zero when inputs repeat.
 */
import { Generator, type Tensor, noGrad, randint, tidy } from '../tensor/index.js';
import { type Estimator, type LayerEstimate, NATS_TO_BITS, type ProbeData, exact } from './types.js';

/** Plug-in entropy (nats) of the distribution given by counts. */
export function entropyOfCounts(counts: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.reduce((h, count) => (count > 0 ? h - (count / total) * Math.log(count / total) : h), 0);
}

/** Bits of hash per sample: a collision of two distinct rows has probability 2^−96, N²/2 pairs far below 1e-20. */
const HASH_BITS = 96;

/**
 * For each sample, an id of its row of bin codes (integer-valued floats [N, d], |code| ≤ maxAbs): equal
 * rows get equal ids, distinct rows distinct ids (but for a 2^−96 chance per pair).
 *
 * Sorting N rows of d codes (unique over dim 0) is the costly way; instead each row is hashed by a few
 * matrix products with seeded random integer weights w ∈ [0, 2^R), exact in floating point because every
 * partial sum is an integer below 2^24 (float32) or 2^53 (float64) whatever the summation order, and the
 * short hash rows are made unique. Falls back to sorting the codes when the codes are too wide for R ≥ 4.
 */
function symbolIds(codes: Tensor, maxAbs: number): number[] {
  return tidy(() => {
    const d = codes.size(1);
    // Largest R with maxAbs·d·(2^R − 1) < 2^mantissa.
    const bitsFor = (mantissa: number): number => Math.min(20, Math.floor(mantissa - Math.log2(Math.max(1, maxAbs) * d + 1)));
    let dtype: 'float32' | 'float64' = codes.dtype === 'float64' ? 'float64' : 'float32';
    let bits = bitsFor(dtype === 'float64' ? 53 : 24);
    if (bits < 4 && dtype === 'float32') [dtype, bits] = ['float64', bitsFor(53)];
    if (bits < 4) return codes.unique(0).inverse.toNumbers();
    const columns = Math.ceil(HASH_BITS / bits);
    const weights = randint(0, 2 ** bits, [d, columns], { dtype, generator: new Generator(0x1b5) });
    return codes.to(dtype).matmul(weights).unique(0).inverse.toNumbers();
  });
}

/** Plug-in H(A) and H(A | B) in nats for per-sample symbols a and groups b. */
function entropyAndConditional(symbols: readonly number[], groups: readonly number[]): { h: number; conditional: number } {
  const counts = new Map<number, number>();
  const byGroup = new Map<number, Map<number, number>>();
  symbols.forEach((symbol, i) => {
    counts.set(symbol, (counts.get(symbol) ?? 0) + 1);
    const group = byGroup.get(groups[i]!) ?? new Map<number, number>();
    group.set(symbol, (group.get(symbol) ?? 0) + 1);
    byGroup.set(groups[i]!, group);
  });
  let conditional = 0;
  for (const group of byGroup.values()) {
    const groupCounts = [...group.values()];
    const size = groupCounts.reduce((a, b) => a + b, 0);
    conditional += (size / symbols.length) * entropyOfCounts(groupCounts);
  }
  return { h: entropyOfCounts([...counts.values()]), conditional };
}

/**
 * Plug-in estimates from each sample's row of integer codes (integer-valued floats [N, d], |code| ≤ maxAbs):
 * each distinct row is one symbol of T; H(T), I(Y;T) = H(T) − H(T|Y) and I(X;T) = H(T) − H(T|X), H(T|X)
 * over the distinct inputs `data.inputIds` (all distinct when absent). The binning estimators and the
 * exact estimator of quantized layers (exact.ts) share it.
 *
 * @example estimateFromCodes(codes, 29, { activations, labels, numClasses: 2 }, { estimator: 'tishby-bin', numBins: 30 })
 */
export function estimateFromCodes(codes: Tensor, maxAbs: number, data: ProbeData, parameters: LayerEstimate['parameters']): LayerEstimate {
  const symbols = symbolIds(codes, maxAbs);
  const labels = data.labels.toNumbers();
  const { h, conditional: hGivenY } = entropyAndConditional(symbols, labels);
  const inputIds = data.inputIds ? data.inputIds.toNumbers() : symbols.map((_, i) => i);
  const { conditional: hGivenX } = entropyAndConditional(symbols, inputIds);
  return {
    ixt: exact((h - hGivenX) * NATS_TO_BITS),
    iyt: exact((h - hGivenY) * NATS_TO_BITS),
    ht: exact(h * NATS_TO_BITS),
    parameters: { ...parameters, samples: symbols.length, dims: codes.numel / Math.max(1, symbols.length) },
  };
}

/** Saxe et al.'s bin width (ibsgd MNIST_ComputeMI: binsize = 0.5). */
export const DEFAULT_BINSIZE = 0.5;
/** Shwartz-Ziv & Tishby's edges (IDNNs: np.linspace(−1, 1, 30)). */
export const DEFAULT_NUM_BINS = 30;

/** Saxe et al.'s binning: bin = ⌊t / binsize⌋. */
export function binEstimator(options: { binsize?: number } = {}): Estimator {
  const binsize = options.binsize ?? DEFAULT_BINSIZE;
  if (!(binsize > 0) || !Number.isFinite(binsize)) throw new RangeError(`binsize must be a positive number, got ${binsize}`);
  return {
    name: 'bin',
    estimate: (data) => noGrad(() => tidy(() => {
      // In the activations' own precision, as Saxe's np.floor(x / binsize) on float32 activations.
      const flat = data.activations.reshape([data.activations.size(0), -1]);
      const codes = flat.div(binsize).floor();
      const maxAbs = Math.max(Math.abs(codes.min().item()), Math.abs(codes.max().item()));
      // Saxe's inputs are distinct: H(T|X) = 0 whatever inputIds says.
      return estimateFromCodes(codes, maxAbs, { ...data, inputIds: undefined }, { estimator: 'bin', binsize });
    })),
  };
}

/** Shwartz-Ziv & Tishby's binning: numBins edges on [−1, 1]; H(T|X) over distinct inputs. */
export function tishbyBinEstimator(options: { numBins?: number } = {}): Estimator {
  const numBins = options.numBins ?? DEFAULT_NUM_BINS;
  if (!Number.isInteger(numBins) || numBins < 2) throw new RangeError(`numBins must be an integer ≥ 2, got ${numBins}`);
  return {
    name: 'tishby-bin',
    estimate: (data) => noGrad(() => tidy(() => {
      const flat = data.activations.reshape([data.activations.size(0), -1]).to('float64');
      // np.digitize(t, edges) = the number of the equally spaced edges −1 + k·step that are ≤ t, i.e.
      // ⌊(t + 1)/step⌋ + 1 clamped to [0, numBins] (computed without an N×d×numBins comparison).
      const step = 2 / (numBins - 1);
      const codes = flat.add(1).div(step).floor().add(1).clamp(0, numBins);
      // What falls outside [−1, 1] lands in the end bins: counted for the validity flag (validity.ts).
      const clippedValues = flat.abs().gt(1).sum().item();
      const range: Record<string, number> = clippedValues > 0 ? { activationMin: flat.min().item(), activationMax: flat.max().item() } : {};
      return estimateFromCodes(codes, numBins, data, { estimator: 'tishby-bin', numBins, clippedValues, ...range });
    })),
  };
}
