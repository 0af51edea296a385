/**
 * Loss dynamics (paper §3.2.1 and its appendix). For a step θ → θ + Δθ the full training loss changes by
 *   ΔL = ∇L·Δθ + ½·Δθᵀ H Δθ + O(‖Δθ‖³),
 * which for minibatch SGD (Δθ = −α∇̃L) is the paper's dL/dt = −α·∇L·∇̃L, whose expectation over minibatches
 * is −α‖μ‖² (§3.2.1: the mean gradient, not the SNR, drives the loss). The appendix splits the first-order
 * change by layer: with z^l a layer's pre-activation and G^l ≡ Σ_i ∂L/∂z_i^l · ∂z_i^l/∂t,
 *   G^l = −α‖∂L/∂W^l‖² − α‖∂L/∂b^l‖² + G^{l−1},  G^0 = 0,  G^L = dL/dt        (appendix, eqs. 1–19),
 * i.e. in general G^l = Σ_{l' ≤ l} ∂L/∂θ^{l'}·Δθ^{l'}.
 *
 * `StepCheck` tests this at one optimizer step by measuring each side on its own:
 * - measured: ΔL from the full loss before and after the step, and G^l as Σ ∂L/∂z^l·Δz^l from every
 *   parameterised layer's pre-activations on the whole training set before and after the step;
 * - predicted: the first-order ∇L·Δθ and the recursion's per-layer terms from the full gradient;
 *   the second order by the trapezoid rule ½(∇L_before + ∇L_after)·Δθ, whose error is O(‖Δθ‖³); their
 *   difference ½(∇L_after − ∇L_before)·Δθ ≈ ½Δθᵀ H Δθ is the curvature term that first order leaves out
 *   (for full-batch SGD, ½α²·∇LᵀH∇L).
 * `epochLossDynamics` gives the epoch-level view over the same window: the measured change of the full
 * loss per step across one logged epoch against μ·Δθ/steps and −α‖μ‖² from that epoch's own gradients.
 */
import { type Dataset, size } from '../data/dataset.js';
import { type LossName, type Sequential, computeLoss } from '../nn/index.js';
import { type Tensor, grad, keep, noGrad, tidy } from '../tensor/index.js';

/** One layer's share of a step's first-order loss change. */
export interface LayerStepTerm {
  layer: string;
  /** ∂L/∂θ^l·Δθ^l (for full-batch SGD: −α(‖∂L/∂W^l‖² + ‖∂L/∂b^l‖²)). */
  term: number;
  /** G^l by the appendix's recursion: the sum of the terms of this layer and the ones before. */
  recursion: number;
  /** G^l measured: Σ over samples and units of ∂L/∂z^l · (z^l after − z^l before). */
  measured: number;
}

/** The exact test of one optimizer step. */
export interface StepCheckRecord {
  /** 0-based batch index of the step within its epoch. */
  step: number;
  /** Full training loss after minus before the step. */
  measured: number;
  /** ∇L·Δθ (= −α·∇L·∇̃L for SGD). */
  firstOrder: number;
  /** ½(∇L_before + ∇L_after)·Δθ, exact to third order. */
  secondOrder: number;
  /** measured − firstOrder: what first order misses (≈ secondOrder − firstOrder when the step is small). */
  remainder: number;
  layers: LayerStepTerm[];
}

/** The epoch-level loss dynamics of one logged epoch. */
export interface LossDynamicsRecord {
  /** Optimizer steps in the logged epoch. */
  steps: number;
  /** Full training loss at the start and at the end of the logged epoch. */
  lossBefore: number;
  lossAfter: number;
  /** (lossAfter − lossBefore) / steps. */
  measuredPerStep: number;
  /** μ·Δθ / steps, with μ the epoch's mean minibatch gradient and Δθ the epoch's parameter change. */
  predictedFromMean: number | null;
  /** −α·‖μ‖², the paper's §3.2.1 prediction (plain SGD only). */
  predictedSgd: number | null;
  /** Exact per-step tests at sampled steps (every step in full-batch mode: there is one). */
  checks: StepCheckRecord[];
}

/** Σ a_i·b_i over matching tensors, accumulated in float64. */
export function dotAll(a: readonly Tensor[], b: readonly Tensor[]): number {
  if (a.length !== b.length) throw new Error(`dotAll: ${a.length} tensors against ${b.length}`);
  return tidy(() => a.reduce((sum, t, i) => sum + t.to('float64').mul(b[i]!.to('float64')).sum().item(), 0));
}

/** The model's layers that have parameters, with the indices of their parameters in `parameters()`. */
function parameterisedLayers(model: Sequential): { name: string; index: number; parameters: number[] }[] {
  const names = model.namedParameters().map(([name]) => name);
  return model.layers.flatMap((layer, index) => {
    const parameters = names.flatMap((name, i) => (name.startsWith(`${layer.name}.`) ? [i] : []));
    return parameters.length > 0 ? [{ name: layer.name, index, parameters }] : [];
  });
}

interface FullPass {
  loss: number;
  gradients: Tensor[];
  /** Per chunk, per parameterised layer: ∂L/∂z (kept), when asked for. */
  zGradients: Tensor[][] | undefined;
  /** Per parameterised layer: Σ w·z over the whole set, with w the given weights or the new ∂L/∂z. */
  zDots: number[];
}

/**
 * The full-data loss (evaluation mode, in chunks) and its gradient by functional autograd (.grad is
 * untouched); with `weights` (∂L/∂z of an earlier pass, chunk by chunk), Σ weights·z of this pass's
 * pre-activations, else this pass's own ∂L/∂z and Σ ∂L/∂z·z.
 */
function fullPass(model: Sequential, lossName: LossName, data: Dataset, chunkSize: number, weights?: Tensor[][]): FullPass {
  const n = size(data);
  const params = model.parameters();
  const layers = parameterisedLayers(model);
  const gradients = params.map((p) => keep(noGrad(() => p.mul(0))));
  const zGradients: Tensor[][] | undefined = weights ? undefined : [];
  const zDots = layers.map(() => 0);
  let loss = 0;
  model.eval();
  try {
    for (let first = 0, chunk = 0; first < n; first += chunkSize, chunk++) {
      tidy(() => {
        const count = Math.min(chunkSize, n - first);
        const outputs = model.forwardAll(data.inputs.narrow(0, first, count));
        const value = computeLoss(lossName, outputs.at(-1)!, data.labels.narrow(0, first, count)).mul(count / n);
        const zs = layers.map((layer) => outputs[layer.index]!.preActivation!);
        const parts = grad([value], weights ? params : [...params, ...zs]);
        noGrad(() => {
          params.forEach((_, i) => gradients[i]!.add_(parts[i]!));
          const w = weights ? weights[chunk]! : zs.map((_, l) => keep(parts[params.length + l]!.to('float64')));
          zs.forEach((z, l) => { zDots[l]! += w[l]!.mul(z.to('float64')).sum().item(); });
          zGradients?.push(w);
        });
        loss += value.item();
      });
    }
  } catch (error) {
    for (const t of [...gradients, ...(zGradients ?? []).flat()]) t.dispose();
    throw error;
  } finally {
    model.train();
  }
  return { loss, gradients, zGradients, zDots };
}

/**
 * The exact test of one optimizer step: `begin()` before the step (after its gradient is computed),
 * `end()` after the update. Costs two passes over the training set.
 *
 * @example
 * const check = new StepCheck(model, 'categorical_crossentropy', train, 1000);
 * check.begin(); optimizer.step(); const record = check.end(7);
 */
export class StepCheck {
  readonly #model: Sequential;
  readonly #loss: LossName;
  readonly #data: Dataset;
  readonly #chunkSize: number;
  #before: (FullPass & { params: Tensor[] }) | undefined;

  constructor(model: Sequential, lossName: LossName, data: Dataset, chunkSize: number) {
    this.#model = model;
    this.#loss = lossName;
    this.#data = data;
    this.#chunkSize = chunkSize;
  }

  begin(): void {
    if (this.#before) throw new Error('StepCheck.begin called twice without end');
    const pass = fullPass(this.#model, this.#loss, this.#data, this.#chunkSize);
    this.#before = { ...pass, params: this.#model.parameters().map((p) => keep(noGrad(() => p.clone()))) };
  }

  end(step: number): StepCheckRecord {
    const before = this.#before;
    if (!before) throw new Error('StepCheck.end called without begin');
    // Until the after-pass succeeds, `dispose()` still frees what begin() kept.
    const after = fullPass(this.#model, this.#loss, this.#data, this.#chunkSize, before.zGradients);
    this.#before = undefined;
    const params = this.#model.parameters();
    const delta = tidy(() => params.map((p, i) => keep(noGrad(() => p.sub(before.params[i]!)))));
    try {
      const firstOrder = dotAll(before.gradients, delta);
      const trapezoid = (firstOrder + dotAll(after.gradients, delta)) / 2;
      let recursion = 0;
      const layers = parameterisedLayers(this.#model).map((layer, l) => {
        const term = dotAll(layer.parameters.map((i) => before.gradients[i]!), layer.parameters.map((i) => delta[i]!));
        recursion += term;
        return { layer: layer.name, term, recursion, measured: after.zDots[l]! - before.zDots[l]! };
      });
      const measured = after.loss - before.loss;
      return { step, measured, firstOrder, secondOrder: trapezoid, remainder: measured - firstOrder, layers };
    } finally {
      for (const t of [...before.gradients, ...before.params, ...(before.zGradients ?? []).flat(), ...after.gradients, ...delta]) t.dispose();
    }
  }

  /** Frees a check begun but not ended (an error mid-step). */
  dispose(): void {
    const before = this.#before;
    this.#before = undefined;
    if (before) for (const t of [...before.gradients, ...before.params, ...(before.zGradients ?? []).flat()]) t.dispose();
  }
}

/**
 * The epoch-level record over one logged epoch: the measured change per step of the full loss across the
 * epoch against the first-order predictions from the same epoch's gradients and parameter change.
 *
 * @param means the epoch's mean minibatch gradient per parameter; `delta` the epoch's parameter change.
 */
export function epochLossDynamics(options: {
  steps: number;
  lossBefore: number;
  lossAfter: number;
  means: readonly Tensor[] | undefined;
  delta: readonly Tensor[] | undefined;
  /** The plain-SGD learning rate, or undefined for other optimizers. */
  sgdLearningRate: number | undefined;
  checks: StepCheckRecord[];
}): LossDynamicsRecord {
  const { steps, lossBefore, lossAfter, means, delta, sgdLearningRate } = options;
  return {
    steps,
    lossBefore,
    lossAfter,
    measuredPerStep: (lossAfter - lossBefore) / steps,
    predictedFromMean: means && delta ? dotAll(means, delta) / steps : null,
    predictedSgd: means && sgdLearningRate !== undefined ? -sgdLearningRate * dotAll(means, means) : null,
    checks: options.checks,
  };
}
