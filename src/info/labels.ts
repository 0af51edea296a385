/**
 * Labels from any source (NPY files of another framework, CSV columns, float arrays): the checks that make
 * a numeric tensor a vector of class indices, each failing with what is wrong and how to fix it.
 */
import { type Tensor, keep, tidy } from '../tensor/index.js';
import { checkPositiveInteger } from '../tensor/validate.js';

/**
 * A vector of non-negative integers (class indices, input ids) from a numeric tensor of any dtype, as a
 * new int64 [N] tensor. `what` names the values in messages ('labels', 'input ids'); with `samples`, their
 * count must match. An [N, 1] column is accepted as a vector.
 *
 * @example indexVector(tensor([3, 0, 3]), 'input ids', 3) // int64 [3, 0, 3]
 */
export function indexVector(values: Tensor, what: string, samples?: number): Tensor {
  if (values.ndim !== 1 && !(values.ndim === 2 && values.size(1) === 1)) {
    const hint = values.ndim === 2 ? ' (one-hot rows become indices with argmax(1))' : '';
    throw new Error(`${what} must be a vector of N integers but have shape [${values.shape.join(', ')}]; give one per sample${hint}`);
  }
  const count = values.size(0);
  if (samples !== undefined && count !== samples) throw new Error(`${count} ${what} for ${samples} samples; give one per sample`);
  if (count === 0) throw new Error(`${what} are empty; give one per sample`);
  return tidy(() => {
    const flat = values.reshape([-1]);
    const asFloat = flat.to('float64');
    // NaN and ±Inf fail the first test (x − round(x) is NaN), fractions too; negatives the second.
    const bad = asFloat.sub(asFloat.round()).ne(0).logicalOr(asFloat.lt(0)).nonzero();
    if (bad.size(0) > 0) {
      const index = bad.narrow(0, 0, 1).item();
      throw new Error(`${what} must be non-negative integers but ${bad.size(0)} are not (the first, at index ${index}, is ${asFloat.narrow(0, index, 1).item()}); `
        + 'round or re-encode them as 0, 1, 2, …');
    }
    return keep(flat.to('int64'));
  });
}

/**
 * Class labels as estimators take them: int64 [N] class indices and the number of classes (by default the
 * largest label + 1; a given `numClasses` must cover every label).
 *
 * @example classLabels(tensor([0, 2, 1], undefined, { dtype: 'float64' }), { samples: 3 }) // { labels: int64 [0, 2, 1], numClasses: 3 }
 */
export function classLabels(values: Tensor, options: { samples?: number; numClasses?: number } = {}): { labels: Tensor; numClasses: number } {
  if (options.numClasses !== undefined) checkPositiveInteger(options.numClasses, 'numClasses');
  const labels = indexVector(values, 'labels', options.samples);
  const largest = tidy(() => labels.max().item());
  const numClasses = options.numClasses ?? largest + 1;
  if (largest >= numClasses) {
    labels.dispose();
    throw new Error(`label ${largest} is outside the ${numClasses} classes (indices 0 to ${numClasses - 1}); the number of classes must be at least ${largest + 1}`);
  }
  return { labels, numClasses };
}
