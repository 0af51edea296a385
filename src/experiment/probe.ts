/** A forward pass over the probe set that keeps every layer's output, in batches, without gradients. */
import { type LossName, type Sequential, accuracy, computeLoss } from '../nn/index.js';
import { type Tensor, cat, keep, noGrad, tidy } from '../tensor/index.js';
import type { ProbeSet } from './data.js';
import { inferenceBatchSize } from './trainer.js';

export interface ProbeResult {
  /** Each layer's outputs on the probe set, in layer order. */
  activations: Tensor[];
  loss: number;
  accuracy: number;
}

export function probeLayers(model: Sequential, probe: ProbeSet, lossName: LossName, batchSize = inferenceBatchSize(model)): ProbeResult {
  model.eval();
  const n = probe.inputs.size(0);
  const parts: Tensor[][] = model.layers.map(() => []);
  let lossSum = 0;
  let correct = 0;
  noGrad(() => {
    for (let first = 0; first < n; first += batchSize) {
      tidy(() => {
        const count = Math.min(batchSize, n - first);
        const labels = probe.labels.narrow(0, first, count);
        const outputs = model.forwardAll(probe.inputs.narrow(0, first, count));
        outputs.forEach((out, layer) => parts[layer]!.push(keep(out.output)));
        lossSum += computeLoss(lossName, outputs.at(-1)!, labels).item() * count;
        correct += accuracy(outputs.at(-1)!.output, labels) * count;
      });
    }
  });
  model.train();
  const activations = parts.map((chunks) => {
    if (chunks.length === 1) return chunks[0]!;
    const whole = keep(cat(chunks));
    for (const chunk of chunks) chunk.dispose();
    return whole;
  });
  return { activations, loss: lossSum / n, accuracy: correct / n };
}

export interface Histogram {
  min: number;
  max: number;
  counts: number[];
}

/** Equal-width histogram of all values over their own [min, max]. */
export function histogram(values: Tensor, bins: number): Histogram {
  return tidy(() => {
    // In the values' own dtype: a float64 copy of a 10 000 × 1024 layer cost more than the histogram.
    const flat = values.reshape([-1]);
    const min = flat.min().item();
    const max = flat.max().item();
    const counts = min === max
      ? [flat.numel, ...new Array<number>(bins - 1).fill(0)]
      : flat.histc(bins, min, max).toNumbers();
    return { min, max, counts };
  });
}
