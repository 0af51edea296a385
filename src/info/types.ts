/** What mutual-information estimators take and return. */
import type { Tensor } from '../tensor/index.js';

export const NATS_TO_BITS = 1 / Math.LN2;

/** A quantity that an estimator brackets (KDE), or pins down (lower = upper). In bits. */
export interface Bounded {
  lower: number;
  upper: number;
}

/** One layer's estimate, in bits. */
export interface LayerEstimate {
  /** I(X;T). */
  ixt: Bounded;
  /** I(Y;T). */
  iyt: Bounded;
  /** H(T), the estimator's entropy of the representation. */
  ht: Bounded;
  /** Everything that produced the numbers (estimator, its parameters, sample count, dims). */
  parameters: Record<string, number | string | boolean>;
}

/** The inputs to an estimator: a layer's activations on N probe samples and what is known about them. */
export interface ProbeData {
  /** [N, d] activations (any float dtype). Conv layers are reduced to this by the concat/mean methods. */
  activations: Tensor;
  /** int64 [N] class indices. */
  labels: Tensor;
  numClasses: number;
  /**
   * int64 [N] input identities: samples with the same id had the same input (Tishby's binning needs
   * them when inputs repeat). Defaults to all-distinct.
   */
  inputIds?: Tensor;
  /** [N, …] the inputs themselves (the matrix-based Rényi estimator's I(X;T) needs them). */
  inputs?: Tensor;
}

export interface Estimator {
  /** Stable name: 'kde', 'bin', 'tishby-bin', 'renyi'. */
  readonly name: string;
  estimate(data: ProbeData): LayerEstimate;
}

export function exact(value: number): Bounded {
  return { lower: value, upper: value };
}
