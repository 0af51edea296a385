/** Reading an estimator's inputs from NPY files for the `mi`, `calibrate` and `convergence` commands. */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { ESTIMATORS, type EstimatorName, type EstimatorOptions, type ProbeData } from '../info/index.js';
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

/** The estimator flags shared by `mi` and `convergence`. */
export interface EstimatorFlags extends EstimatorOptions {
  estimator: EstimatorName;
}

/** Declares the probe-file flags (activations, labels, inputs, input ids, classes) on a command. */
export function addProbeFileOptions(command: Command): Command {
  return command
    .requiredOption('--activations <file>', 'N×d or N×C×H×W activations (.npy, float32/float64)')
    .requiredOption('--labels <file>', 'N class indices (.npy, any integer dtype)')
    .option('--inputs <file>', 'N inputs (.npy): the Rényi estimator needs them for I(X;T)')
    .option('--input-ids <file>', 'N input identities (.npy): Tishby binning uses them when inputs repeat')
    .option('--classes <count>', 'number of classes (default: largest label + 1)', positiveInteger('--classes'));
}

/** Declares the estimator and its parameters on a command. */
export function addEstimatorOptions(command: Command): Command {
  return command
    .addOption(new Option('--estimator <name>', 'estimator').choices(ESTIMATORS).default('kde'))
    .option('--noise-variance <σ²>', 'kde: noise variance', positiveNumber('--noise-variance'))
    .addOption(new Option('--precision <dtype>', 'kde: kernel-block precision').choices(['float64', 'float32']))
    .option('--binsize <width>', 'bin: bin width', positiveNumber('--binsize'))
    .option('--num-bins <count>', 'tishby-bin: bins on [−1, 1]', positiveInteger('--num-bins'))
    .option('--alpha <α>', 'renyi: order α', positiveNumber('--alpha'))
    .option('--kernel-width <σ>', 'renyi: Gaussian kernel width', positiveNumber('--kernel-width'));
}
