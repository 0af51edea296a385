/**
 * Multi-tensor in-place updates (ATen's `_foreach_*`): one native call updates a whole parameter list,
 * so an optimizer step costs a handful of calls, not one per parameter per op.
 */
import { native } from './native.js';
import { Tensor } from './tensor.js';
import { handlesOf } from './functional.js';
import { checkInteger, checkNumber } from './validate.js';

/** selves[i] += alpha·others[i], or selves[i] += others when others is a number. */
export function foreachAdd_(selves: readonly Tensor[], others: readonly Tensor[] | number, alpha = 1): void {
  if (typeof others === 'number') native.foreachAdd_(handlesOf(selves, 'selves'), checkNumber(others, 'others'));
  else native.foreachAdd_(handlesOf(selves, 'selves'), handlesOf(others, 'others'), checkNumber(alpha, 'alpha'));
}
/** selves[i] *= others[i] (or the number others). */
export function foreachMul_(selves: readonly Tensor[], others: readonly Tensor[] | number): void {
  native.foreachMul_(handlesOf(selves, 'selves'), typeof others === 'number' ? checkNumber(others, 'others') : handlesOf(others, 'others'));
}
/** selves[i] /= others[i] (or the number others). */
export function foreachDiv_(selves: readonly Tensor[], others: readonly Tensor[] | number): void {
  native.foreachDiv_(handlesOf(selves, 'selves'), typeof others === 'number' ? checkNumber(others, 'others') : handlesOf(others, 'others'));
}
/** selves[i] += value·tensors1[i]·tensors2[i] */
export function foreachAddcmul_(selves: readonly Tensor[], tensors1: readonly Tensor[], tensors2: readonly Tensor[], value = 1): void {
  native.foreachAddcmul_(handlesOf(selves, 'selves'), handlesOf(tensors1, 'tensors1'), handlesOf(tensors2, 'tensors2'), checkNumber(value, 'value'));
}
/** selves[i] += value·tensors1[i]/tensors2[i] */
export function foreachAddcdiv_(selves: readonly Tensor[], tensors1: readonly Tensor[], tensors2: readonly Tensor[], value = 1): void {
  native.foreachAddcdiv_(handlesOf(selves, 'selves'), handlesOf(tensors1, 'tensors1'), handlesOf(tensors2, 'tensors2'), checkNumber(value, 'value'));
}
export function foreachZero_(selves: readonly Tensor[]): void {
  native.foreachZero_(handlesOf(selves, 'selves'));
}
/** selves[i] ← sources[i] */
export function foreachCopy_(selves: readonly Tensor[], sources: readonly Tensor[]): void {
  native.foreachCopy_(handlesOf(selves, 'selves'), handlesOf(sources, 'sources'));
}
/**
 * Adds the `count`-th sample to streaming moments, per tensor (Welford): δ = x − m; m += δ/count;
 * M₂ += δ·(x − m). The sample variance of n samples is M₂/n (population) or M₂/(n − 1). One fused pass per
 * tensor on CPU; the same update as separate ops elsewhere.
 */
export function foreachWelford_(means: readonly Tensor[], m2s: readonly Tensor[], samples: readonly Tensor[], count: number): void {
  native.foreachWelford_(handlesOf(means, 'means'), handlesOf(m2s, 'm2s'), handlesOf(samples, 'samples'), checkInteger(count, 'count'));
}
/** Elementwise square roots of each tensor, as new tensors. */
export function foreachSqrt(tensors: readonly Tensor[]): Tensor[] {
  return native.foreachSqrt(handlesOf(tensors, 'tensors')).map((handle) => new Tensor(handle));
}
/** Elementwise square roots of each tensor, in place. */
export function foreachSqrt_(selves: readonly Tensor[]): void {
  native.foreachSqrt_(handlesOf(selves, 'selves'));
}
/** New tensors tensors[i] + alpha·others[i], or tensors[i] + others when others is a number. */
export function foreachAdd(tensors: readonly Tensor[], others: readonly Tensor[] | number, alpha = 1): Tensor[] {
  const handles = typeof others === 'number'
    ? native.foreachAdd(handlesOf(tensors, 'tensors'), checkNumber(others, 'others'))
    : native.foreachAdd(handlesOf(tensors, 'tensors'), handlesOf(others, 'others'), checkNumber(alpha, 'alpha'));
  return handles.map((handle) => new Tensor(handle));
}
