/**
 * The output layer read as a distribution (an option of Saxe et al.'s notebook): a softmax row is
 * p(ŷ | x) for the network's prediction Ŷ, so its information needs no noise and no bins:
 *   I(X;Ŷ) = H(E_x p(ŷ|x)) − E_x H(p(ŷ|x)),  I(Y;Ŷ) = H(E_x p(ŷ|x)) − Σ_c p(c)·H(E_{x∈c} p(ŷ|x)).
 */
import { type Tensor, noGrad, tensor, tidy } from '../tensor/index.js';
import { type Estimator, type LayerEstimate, NATS_TO_BITS, type ProbeData, exact } from './types.js';

/** Mean Shannon entropy (nats) of rows that are distributions; rows must be [N, k]. */
function meanRowEntropy(rows: Tensor): number {
  return tidy(() => rows.clamp(1e-300).log().mul(rows).sum(1).neg().mean().item());
}

function entropyOfMeanRow(rows: Tensor): number {
  return meanRowEntropy(rows.mean(0, true));
}

export function outputDistributionEstimator(): Estimator {
  return {
    name: 'softmax',
    estimate(data: ProbeData): LayerEstimate {
      return noGrad(() => tidy(() => {
        const p = data.activations.to('float64');
        if (p.ndim !== 2) throw new Error(`the softmax estimator needs [N, classes] probabilities but received shape [${p.shape.join(', ')}]`);
        const rowSums = p.sum(1);
        if (p.min().item() < -1e-9 || rowSums.sub(1).abs().max().item() > 1e-4) {
          throw new Error('the softmax estimator needs rows of probabilities (non-negative, summing to 1): use it on a softmax output layer');
        }
        const hPrediction = entropyOfMeanRow(p);
        const labels = data.labels.toNumbers();
        let hGivenY = 0;
        for (let c = 0; c < data.numClasses; c++) {
          const members = labels.flatMap((label, i) => (label === c ? [i] : []));
          if (members.length === 0) continue;
          const rows = p.indexSelect(0, tensor(members, undefined, { dtype: 'int64' }));
          hGivenY += (members.length / labels.length) * entropyOfMeanRow(rows);
        }
        return {
          ixt: exact((hPrediction - meanRowEntropy(p)) * NATS_TO_BITS),
          iyt: exact((hPrediction - hGivenY) * NATS_TO_BITS),
          ht: exact(hPrediction * NATS_TO_BITS),
          parameters: { estimator: 'softmax', samples: labels.length, dims: p.size(1) },
        };
      }));
    },
  };
}
