/** Reading an estimator's inputs from NPY files for the `mi`, `calibrate` and `convergence` commands. */
import { InvalidArgumentError } from 'commander';
import type { ProbeData } from '../info/index.js';
import { npyToTensor } from '../data/npy.js';
import { type Tensor, keep, tidy } from '../tensor/index.js';

export interface ProbeFileOptions {
  activations: string;
  labels: string;
  inputs?: string;
  inputIds?: string;
  classes?: number;
}

/** Integer-valued labels of any numeric dtype as int64, or an error naming the file. */
function readLabels(file: string, count: number): Tensor {
  return tidy(() => {
    const raw = npyToTensor(file);
    if (raw.ndim !== 1 && !(raw.ndim === 2 && raw.size(1) === 1)) throw new Error(`${file}: labels must be a vector of class indices but have shape [${raw.shape.join(', ')}]`);
    const flat = raw.reshape([-1]);
    if (flat.size(0) !== count) throw new Error(`${file}: ${flat.size(0)} labels for ${count} activation rows; they must match`);
    const asFloat = flat.to('float64');
    if (asFloat.sub(asFloat.round()).abs().max().item() !== 0 || asFloat.min().item() < 0) {
      throw new Error(`${file}: labels must be non-negative integers (class indices)`);
    }
    return keep(flat.to('int64'));
  });
}

/** Loads and checks the files; tensors are kept (the caller disposes them by exiting). */
export function loadProbeFiles(options: ProbeFileOptions): ProbeData {
  const activations = npyToTensor(options.activations);
  if (!['float32', 'float64'].includes(activations.dtype)) {
    throw new Error(`${options.activations}: activations must be floating point (float32 or float64), not ${activations.dtype}`);
  }
  if (activations.ndim !== 2 && activations.ndim !== 4) {
    throw new Error(`${options.activations}: activations must be N×d or N×C×H×W but have shape [${activations.shape.join(', ')}]`);
  }
  const count = activations.size(0);
  const labels = readLabels(options.labels, count);
  const largest = tidy(() => labels.max().item());
  const numClasses = options.classes ?? largest + 1;
  if (largest >= numClasses) throw new Error(`${options.labels}: label ${largest} is outside --classes ${numClasses}`);
  const inputs = options.inputs === undefined ? undefined : npyToTensor(options.inputs);
  if (inputs && inputs.size(0) !== count) throw new Error(`${options.inputs}: ${inputs.size(0)} inputs for ${count} activation rows; they must match`);
  const inputIds = options.inputIds === undefined ? undefined : readLabels(options.inputIds, count);
  return { activations, labels, numClasses, ...(inputs ? { inputs } : {}), ...(inputIds ? { inputIds } : {}) };
}

/** Parses a positive number option, or throws a usage error naming the flag. */
export function positiveNumber(flag: string): (value: string) => number {
  return (value: string) => {
    const number = Number(value);
    if (!(number > 0) || !Number.isFinite(number)) throw new InvalidArgumentError(`${flag} must be a positive number but is "${value}".`);
    return number;
  };
}

export function positiveInteger(flag: string): (value: string) => number {
  return (value: string) => {
    const number = Number(value);
    if (!Number.isSafeInteger(number) || number < 1) throw new InvalidArgumentError(`${flag} must be a positive integer but is "${value}".`);
    return number;
  };
}
