/**
 * k-bit quantized activations for quantization-aware training, after Lorenzen, Igel & Nielsen (2022),
 * "Information Bottleneck: Exact Analysis of (Quantized) Neural Networks" (ICLR). A quantized layer's
 * output is rounded onto 2^k evenly spaced levels over a range, so each unit takes at most 2^k values
 * and a layer's mutual information is a plug-in value over finitely many symbols (src/info/exact.ts).
 * Training runs through the quantized forward pass, with the straight-through gradient.
 *
 * Their code (github.com/StephanLorenzen/ExactIBAnalysisInQNNs) quantizes with TensorFlow Model
 * Optimization (tfmot) fake quantization. What it does, and what we do:
 * - k = 8 in the main experiments (experiment/Makefile `quantize.py SYN-Tanh 8`; IB/util/quantization.py
 *   Tanh8BitConfig, Default8BitConfig), 4 in their Appendix C.
 * - Levels: `tf.quantization.fake_quant_with_min_max_vars(num_bits = k, narrow_range = False)`: 2^k levels
 *   lo + j·(hi − lo)/(2^k − 1), j = 0 … 2^k − 1; a value is clamped to [lo, hi] and rounded half up,
 *   ⌊(x − lo)/step + ½⌋ as TensorFlow's kernel does. TensorFlow also "nudges" [lo, hi] so that 0 is a
 *   level; we keep the range as given (0 is a level of every range below but tanh's).
 * - tanh over [−1, 1]. Their TanhQuantizer (IB/util/quantization.py) takes the range from the current
 *   batch's min and max, which makes a sample's value depend on the batch it is evaluated in (their probe
 *   runs in ten chunks, each on its own grid, and their estimator re-bins the layer); tanh's own bound
 *   (IB/models/activations.py `get_activation_bound`) makes T a function of the input alone, on one grid.
 * - relu over [0, m], m tracked in training as tfmot's MovingAverageQuantizer does it (quantizers.py,
 *   quant_ops.py `MovingAvgQuantize`): before a training batch is quantized,
 *   m ← 0.999·m + 0.001·max(batch max, 0), from m = 6; evaluation uses m as it stands. tfmot's lower end
 *   starts at −6 and decays towards min(batch min, 0) = 0; we hold it at relu's bound 0. m is a buffer
 *   (`dense_1.quantizer.range_max`), saved in checkpoints with the weights.
 * - sigmoid and softmax over [0, 1]. Their output layer instead quantizes the logits before the softmax
 *   (tfmot QuantizeAwareActivation quantizes softmax's input), which leaves a unit with more than 2^k
 *   values. Categorical cross-entropy of a softmax layer is still computed from its logits
 *   (src/nn/losses.ts), i.e. at the unquantized probabilities: a probability that rounds to 0 would give
 *   log 0 and, clipped, no gradient. Accuracy and the probe see the quantized output.
 * - Weights are not quantized: their tanh layers do not quantize them either (NoWeightDenseQuantizeConfig);
 *   their relu and output layers round the kernel to k bits over its last range (LastValueQuantizer). The
 *   MI is exact whatever the weights are, because the activations take finitely many values.
 * - Gradient: fake quantization's straight-through estimator, the gradient of clamp(a, lo, hi) — the
 *   activation's own gradient inside the range, 0 outside (TensorFlow's FakeQuantWithMinMaxVarsGradient).
 *   For tanh, sigmoid and softmax the clamp never binds.
 */
import { type Tensor, full, noGrad, tidy } from '../tensor/index.js';
import { invalid } from '../tensor/validate.js';
import { type ActivationName, activate } from './activations.js';
import { Module } from './module.js';

/** The activations a layer can quantize: the bounded ones and relu (whose range is tracked). */
export const QUANTIZABLE_ACTIVATIONS = ['tanh', 'sigmoid', 'softmax', 'relu'] as const satisfies readonly ActivationName[];
export type QuantizableActivation = (typeof QUANTIZABLE_ACTIVATIONS)[number];

/** The most bits a quantized activation may have (TensorFlow's fake quantization allows 2 to 16; we allow 1). */
export const MAX_QUANTIZE_BITS = 16;

/** tfmot MovingAverageQuantizer's `ema_decay`. */
export const RANGE_DECAY = 0.999;
/** tfmot's initial range maximum (`_QuantizeHelper._add_range_weights`: Constant(6.0)). */
export const INITIAL_RANGE_MAX = 6;

const FIXED_RANGES: Readonly<Record<Exclude<QuantizableActivation, 'relu'>, readonly [number, number]>> = {
  tanh: [-1, 1], sigmoid: [0, 1], softmax: [0, 1],
};

/**
 * Checks a layer's quantization settings: `bits` an integer from 1 to 16, the activation one of
 * QUANTIZABLE_ACTIVATIONS. Throws the project's one message template otherwise.
 *
 * @example checkQuantization('linear', 8) // TypeError: Expected one of "tanh", "sigmoid", "softmax", "relu" for the activation of a quantized layer but received "linear"
 */
export function checkQuantization(activation: ActivationName, bits: number): QuantizableActivation {
  if (!Number.isInteger(bits) || bits < 1 || bits > MAX_QUANTIZE_BITS) invalid(`an integer from 1 to ${MAX_QUANTIZE_BITS}`, 'quantizeBits', bits);
  if (!(QUANTIZABLE_ACTIVATIONS as readonly string[]).includes(activation)) {
    invalid(`one of ${QUANTIZABLE_ACTIVATIONS.map((name) => `"${name}"`).join(', ')}`, 'the activation of a quantized layer', activation);
  }
  return activation as QuantizableActivation;
}

/**
 * Rounds values onto `levels` evenly spaced levels lo + j·step over [lo, hi] (step = (hi − lo)/(levels − 1)),
 * clamping first and rounding half up as TensorFlow's fake quantization does. No gradient flows through
 * the rounding; see `straightThroughQuantize`.
 *
 * @example quantizeToLevels(tensor([-1, -0.5, 0.2, 0.9, 3]), 4, -1, 1) // levels −1, −⅓, ⅓, 1 → [−1, −⅓, ⅓, 1, 1]
 */
export function quantizeToLevels(values: Tensor, levels: number, lo: number, hi: number): Tensor {
  if (!(hi > lo) || !Number.isFinite(hi) || !Number.isFinite(lo)) throw new RangeError(`a quantization range needs finite lo < hi, got [${lo}, ${hi}]`);
  const step = (hi - lo) / (levels - 1);
  return values.clamp(lo, hi).sub(lo).div(step).add(0.5).floor().mul(step).add(lo);
}

/**
 * The quantized values with the straight-through gradient: forward `quantizeToLevels`, backward the
 * gradient of clamp(values, lo, hi). Written q + (c − c.detach()), not c + (q − c).detach(): the latter
 * adds and subtracts c in floating point, which can move q by an ulp off its level; c − c.detach() is
 * exactly 0.
 *
 * @example straightThroughQuantize(x.tanh(), 256, -1, 1).sum().backward() // x.grad = 1 − tanh²(x)
 */
export function straightThroughQuantize(values: Tensor, levels: number, lo: number, hi: number): Tensor {
  const clamped = values.clamp(lo, hi);
  const identity = clamped.detach();
  return quantizeToLevels(identity, levels, lo, hi).add(clamped.sub(identity));
}

/**
 * A layer's activation followed by k-bit quantization (see the file's comment for ranges and gradient).
 * A child of its layer named 'quantizer'; relu's tracked range maximum is its buffer 'range_max'.
 *
 * @example
 * const quantizer = new ActivationQuantizer('quantizer', 'tanh', 2); // levels −1, −⅓, ⅓, 1
 * quantizer.activate(tensor([[0, 0.5, 3]])) // tanh → [0, 0.46, 0.995] → [⅓, ⅓, 1]
 */
export class ActivationQuantizer extends Module {
  readonly activation: QuantizableActivation;
  /** 2^bits. */
  readonly levels: number;
  /** relu's tracked upper end m (float64 [1]); undefined for the fixed ranges. */
  readonly rangeMax: Tensor | undefined;

  constructor(name: string, activation: ActivationName, readonly bits: number) {
    super(name);
    this.activation = checkQuantization(activation, bits);
    this.levels = 2 ** bits;
    this.rangeMax = this.activation === 'relu' ? this.registerBuffer('range_max', full([1], INITIAL_RANGE_MAX, { dtype: 'float64' })) : undefined;
  }

  /** The range [lo, hi] the next evaluation-mode call quantizes over. */
  range(): [number, number] {
    if (this.activation === 'relu') return [0, this.rangeMax!.item()];
    const [lo, hi] = FIXED_RANGES[this.activation];
    return [lo, hi];
  }

  /** The activation of `preActivation`, quantized; in training mode relu's range first moves towards this batch's max. */
  activate(preActivation: Tensor): Tensor {
    const activated = activate(this.activation, preActivation);
    if (this.rangeMax && this.training) {
      // quant_ops.MovingAvgQuantize: assign the moving average first, then quantize with the new range.
      const batchMax = Math.max(0, noGrad(() => tidy(() => activated.max().item())));
      const next = RANGE_DECAY * this.range()[1] + (1 - RANGE_DECAY) * batchMax;
      noGrad(() => this.rangeMax!.fill_(next));
    }
    const [lo, hi] = this.range();
    return straightThroughQuantize(activated, this.levels, lo, hi);
  }
}
