/**
 * Losses in Keras terms. Targets are class indices (int64 [N]) or class probabilities / one-hot rows
 * (float [N, C]). When the output layer's activation is the one the loss undoes (softmax for categorical
 * cross-entropy, sigmoid for binary), the loss is computed from the pre-activation logits — the same
 * value, computed stably.
 */
import {
  type Tensor, binaryCrossEntropy as bceOfProbabilities, binaryCrossEntropyWithLogits, crossEntropy, mseLoss, oneHot,
} from '../tensor/index.js';
import type { LayerOutput } from './module.js';

export const LOSSES = ['categorical_crossentropy', 'binary_crossentropy', 'mse'] as const;
export type LossName = (typeof LOSSES)[number];

/** Keras' fuzz factor: probabilities are clipped to [ε, 1 − ε] before the log. */
export const KERAS_EPSILON = 1e-7;

/** Float targets [N, C] from class indices, or the targets themselves when already float. */
function asDistribution(target: Tensor, classes: number, like: Tensor): Tensor {
  return target.dtype === 'int64' ? oneHot(target, classes).to(like.dtype) : target;
}

/** Mean over samples of −Σ_c y_c·log p_c, with p clipped as Keras clips it. */
export function categoricalCrossentropy(probabilities: Tensor, target: Tensor): Tensor {
  const targets = asDistribution(target, probabilities.size(1), probabilities);
  return targets.mul(probabilities.clamp(KERAS_EPSILON, 1 - KERAS_EPSILON).log()).sum(1).neg().mean();
}

/** Categorical cross-entropy of logits (log-softmax fused, stable). */
export function categoricalCrossentropyFromLogits(logits: Tensor, target: Tensor): Tensor {
  return crossEntropy(logits, target);
}

/** Binary cross-entropy of probabilities in [0, 1], clipped as Keras clips them. */
export function binaryCrossentropy(probabilities: Tensor, target: Tensor): Tensor {
  return bceOfProbabilities(probabilities.clamp(KERAS_EPSILON, 1 - KERAS_EPSILON), target.to(probabilities.dtype).reshape([...probabilities.shape]));
}

/** Mean squared error; class-index targets are compared as one-hot rows. */
export function meanSquaredError(output: Tensor, target: Tensor): Tensor {
  const targets = output.ndim === 2 && target.ndim === 1 ? asDistribution(target, output.size(1), output) : target.to(output.dtype);
  return mseLoss(output, targets.reshape([...output.shape]));
}

/**
 * The loss of a model's last layer output against targets.
 *
 * @example
 * const loss = computeLoss('categorical_crossentropy', model.forwardAll(x).at(-1)!, labels);
 */
export function computeLoss(name: LossName, last: LayerOutput, target: Tensor): Tensor {
  switch (name) {
    case 'categorical_crossentropy':
      return last.activation === 'softmax' && last.preActivation
        ? categoricalCrossentropyFromLogits(last.preActivation, target)
        : categoricalCrossentropy(last.output, target);
    case 'binary_crossentropy':
      return last.activation === 'sigmoid' && last.preActivation
        ? binaryCrossEntropyWithLogits(last.preActivation, target.to(last.preActivation.dtype).reshape([...last.preActivation.shape]))
        : binaryCrossentropy(last.output, target);
    case 'mse':
      return meanSquaredError(last.output, target);
  }
}

/** Fraction of rows whose largest output is at the target class (one column: output > 0.5 vs target). */
export function accuracy(output: Tensor, target: Tensor): number {
  if (output.ndim === 2 && output.size(1) > 1) {
    const labels = target.ndim === 2 ? target.argmax(1) : target;
    return output.argmax(1).eq(labels).to('float64').mean().item();
  }
  return output.reshape([-1]).gt(0.5).eq(target.reshape([-1]).gt(0.5)).to('float64').mean().item();
}
