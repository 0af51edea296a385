/**
 * The stochastic-gradient hypothesis (paper §2.3.4): Tishby saw three events together — a kink in the
 * training loss, a drop in each layer's gradient SNR, and the onset of compression (the peak of
 * I(X;T)). This puts the three epochs side by side per layer.
 *
 * - Loss kink: the breakpoint of a two-segment straight-line fit to log(training loss) against
 *   log(epoch) over the logged epochs ≥ 1.
 * - SNR drop: the same breakpoint fit on log(SNR) against log(epoch) for the layer's weight matrix.
 * - Compression onset: the logged epoch at which I(X;T) peaks, if it falls by more than `tolerance`
 *   bits afterwards (else: no compression).
 * They *coincide* when all three are within `window` logged epochs of each other.
 */
import { breakpoint } from './statistics.js';

export interface LayerSeries {
  layer: string;
  /** I(X;T) at each logged epoch (same order as `epochs`). */
  ixt: readonly number[];
  /** The weight matrix's gradient SNR at each logged epoch (NaN where not measured). */
  snr: readonly number[];
}

export interface LayerHypothesis {
  layer: string;
  lossKinkEpoch: number | undefined;
  snrDropEpoch: number | undefined;
  ixtPeakEpoch: number | undefined;
  compresses: boolean;
  /** I(X;T) peak minus its final value, bits. */
  compression: number;
  coincide: boolean;
}

function kinkOf(epochs: readonly number[], values: readonly number[]): number | undefined {
  const points = epochs.map((e, i) => [e, values[i]!] as const).filter(([e, v]) => e >= 1 && v > 0 && Number.isFinite(v));
  const index = breakpoint(points.map(([e]) => Math.log(e)), points.map(([, v]) => Math.log(v)));
  return index === undefined ? undefined : points[index]![0];
}

export function hypothesisSummary(
  epochs: readonly number[],
  trainLoss: readonly number[],
  layers: readonly LayerSeries[],
  options: { tolerance?: number; window?: number } = {},
): { lossKinkEpoch: number | undefined; layers: LayerHypothesis[] } {
  const tolerance = options.tolerance ?? 0.05;
  const window = options.window ?? 2;
  const lossKinkEpoch = kinkOf(epochs, trainLoss);
  const position = (epoch: number | undefined): number | undefined => (epoch === undefined ? undefined : epochs.indexOf(epoch));
  return {
    lossKinkEpoch,
    layers: layers.map((series) => {
      const peakIndex = series.ixt.reduce((best, value, i) => (value > series.ixt[best]! ? i : best), 0);
      const compression = series.ixt[peakIndex]! - series.ixt.at(-1)!;
      const compresses = compression > tolerance;
      const ixtPeakEpoch = compresses ? epochs[peakIndex] : undefined;
      const snrDropEpoch = kinkOf(epochs, series.snr);
      const positions = [position(lossKinkEpoch), position(snrDropEpoch), position(ixtPeakEpoch)];
      const coincide = positions.every((p) => p !== undefined) && Math.max(...(positions as number[])) - Math.min(...(positions as number[])) <= window;
      return { layer: series.layer, lossKinkEpoch, snrDropEpoch, ixtPeakEpoch, compresses, compression, coincide };
    }),
  };
}
