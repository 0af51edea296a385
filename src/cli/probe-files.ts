/**
 * What the `mi`, `calibrate` and `convergence` commands share: reading an estimator's inputs from NPY files
 * (the library checks them; messages gain the file's name), and the estimator flags, generated from the
 * library's estimator spec schema so that they cannot drift from it.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { z } from 'zod';
import {
  ESTIMATORS, type EstimatorName, type EstimatorSpec, type ProbeData, classLabels, estimatorSpecSchema, indexVector, parseEstimatorSpec,
} from '../info/index.js';
import path from 'node:path';
import { npyToTensor } from '../data/npy.js';
import { readNpz } from '../data/npz.js';
import { type Tensor, tensor } from '../tensor/index.js';

export interface ProbeFileOptions {
  activations: string;
  labels: string;
  inputs?: string;
  inputIds?: string;
  classes?: number;
}

/** Reads an NPY file and converts it with a library check, whose message gains the file's name. */
function readChecked<T>(file: string, check: (values: Tensor) => T): T {
  const raw = npyToTensor(file);
  try {
    return check(raw);
  } catch (error) {
    throw new Error(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    raw.dispose();
  }
}

/** Checks one layer's activations as the estimators take them; `what` names them in messages. */
function checkActivations(activations: Tensor, what: string): Tensor {
  if (!['float32', 'float64', 'float16'].includes(activations.dtype)) {
    throw new Error(`${what}: activations must be floating point (float16, float32 or float64), not ${activations.dtype}`);
  }
  if (activations.ndim !== 2 && activations.ndim !== 4) {
    throw new Error(`${what}: activations must be N×d or N×C×H×W but have shape [${activations.shape.join(', ')}]`);
  }
  return activations.dtype === 'float16' ? activations.to('float32') : activations;
}

/**
 * The layers of an activations file: one (LAYER.npy, named by its file) or every array of an NPZ
 * (np.savez(path, dense_1=…, dense_2=…): a dict of layers, in the archive's order, taken as network order).
 *
 * @example activationLayers('acts.npz') // [{ name: 'dense_1', activations: Tensor }, …]
 */
export function activationLayers(file: string): { name: string; activations: Tensor }[] {
  if (file.toLowerCase().endsWith('.npz')) {
    const { arrays } = readNpz(file);
    if (arrays.size === 0) throw new Error(`${file}: the archive holds no arrays; save each layer with np.savez(path, layer_name=activations)`);
    return [...arrays].map(([name, array]) => ({ name, activations: checkActivations(tensor(array.data, array.shape, { dtype: array.dtype }), `${file}[${name}]`) }));
  }
  return [{ name: path.basename(file).replace(/\.npy$/i, ''), activations: checkActivations(npyToTensor(file), file) }];
}

/** Loads and checks the files; tensors are kept (the caller disposes them by exiting). An NPZ's first layer is the activations. */
export function loadProbeFiles(options: ProbeFileOptions): ProbeData {
  const activations = activationLayers(options.activations)[0]!.activations;
  const count = activations.size(0);
  const { labels, numClasses } = readChecked(options.labels, (values) => classLabels(values, { samples: count, ...(options.classes === undefined ? {} : { numClasses: options.classes }) }));
  const inputs = options.inputs === undefined ? undefined : npyToTensor(options.inputs);
  if (inputs && inputs.size(0) !== count) throw new Error(`${options.inputs}: ${inputs.size(0)} inputs for ${count} activation rows; they must match`);
  const inputIds = options.inputIds === undefined ? undefined : readChecked(options.inputIds, (values) => indexVector(values, 'input ids', count));
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

/** Declares the probe-file flags (activations, labels, inputs, input ids, classes) on a command. */
export function addProbeFileOptions(command: Command): Command {
  return command
    .requiredOption('--activations <file>', 'N×d or N×C×H×W activations (.npy), or a dict of layers (.npz: one estimate each)')
    .requiredOption('--labels <file>', 'N class indices (.npy, any numeric dtype holding integers)')
    .option('--inputs <file>', 'N inputs (.npy): the renyi estimator needs them for I(X;T), ksg uses them for its I(X;T)')
    .option('--input-ids <file>', 'N input identities (.npy): Tishby binning uses them when inputs repeat')
    .option('--classes <count>', 'number of classes (default: largest label + 1)', positiveInteger('--classes'));
}

/** An estimator option's flag: noiseVariance → --noise-variance (which commander reads back as noiseVariance). */
function flagOf(field: string): string {
  return `--${field.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

/** Every option of every estimator in the spec schema, with its schema and the estimators that take it. */
function estimatorOptions(): Map<string, { schema: z.ZodTypeAny; estimators: EstimatorName[] }> {
  const options = new Map<string, { schema: z.ZodTypeAny; estimators: EstimatorName[] }>();
  for (const variant of estimatorSpecSchema.options) {
    for (const [field, schema] of Object.entries<z.ZodTypeAny>(variant.shape)) {
      if (field === 'name') continue;
      const option = options.get(field) ?? { schema, estimators: [] };
      option.estimators.push(variant.shape.name.value);
      options.set(field, option);
    }
  }
  return options;
}

/** The value a flag takes, read off its schema: number, integer, float64|float32, number|scott|median. */
function valueHint(schema: z.ZodTypeAny): string {
  if (schema instanceof z.ZodDefault) return valueHint(schema.removeDefault());
  if (schema instanceof z.ZodEffects) return valueHint(schema.innerType());
  if (schema instanceof z.ZodNumber) return schema.isInt ? 'integer' : 'number';
  if (schema instanceof z.ZodEnum) return (schema.options as string[]).join('|');
  if (schema instanceof z.ZodUnion) return (schema.options as z.ZodTypeAny[]).map(valueHint).join('|');
  return 'value';
}

/** A flag's text as its schema's value (a number when it reads as one); a usage error when the schema rejects it. */
function flagValue(schema: z.ZodTypeAny): (text: string) => unknown {
  return (text) => {
    const number = Number(text);
    const result = schema.safeParse(text.trim() !== '' && !Number.isNaN(number) ? number : text);
    if (!result.success) throw new InvalidArgumentError(result.error.issues.map((issue) => issue.message).join('; '));
    return result.data;
  };
}

/**
 * Declares --estimator and one flag per estimator option, with the schema's description and default.
 * With `lists`, each option flag takes comma-separated values (`--noise-variance 1e-3,0.1`), one setting
 * each (estimatorGridFromFlags); the defaults are then left to the caller.
 */
export function addEstimatorOptions(command: Command, options: { lists?: boolean } = {}): Command {
  command.addOption(new Option('--estimator <name>', 'estimator').choices(ESTIMATORS).default('kde'));
  for (const [field, { schema, estimators }] of estimatorOptions()) {
    const fallback = schema instanceof z.ZodDefault && !options.lists ? ` (default: ${String(schema._def.defaultValue())})` : '';
    const parse = flagValue(schema);
    command.addOption(new Option(`${flagOf(field)} <${valueHint(schema)}${options.lists ? ',…' : ''}>`, `${estimators.join(', ')}: ${schema.description ?? field}${fallback}`)
      .argParser(options.lists ? (text: string) => text.split(',').map((part) => parse(part.trim())) : parse));
  }
  return command;
}

/** The option flags given, after checking each belongs to the chosen estimator (a usage error naming it and the estimator's own flags). */
function givenOptions(command: Command): { name: EstimatorName; given: [string, unknown][] } {
  const flags = command.opts<Record<string, unknown>>();
  const name = flags['estimator'] as EstimatorName;
  const options = [...estimatorOptions()];
  const given = options.filter(([field]) => flags[field] !== undefined);
  const foreign = given.filter(([, { estimators }]) => !estimators.includes(name)).map(([field]) => flagOf(field));
  if (foreign.length > 0) {
    const own = options.filter(([, { estimators }]) => estimators.includes(name)).map(([field]) => flagOf(field));
    command.error(`error: ${foreign.join(', ')} ${foreign.length === 1 ? 'is not an option' : 'are not options'} of the ${name} estimator `
      + `(${own.length > 0 ? `its options: ${own.join(', ')}` : 'it has none'})`, { exitCode: 2, code: 'infoplane.foreignEstimatorOption' });
  }
  return { name, given: given.map(([field]) => [field, flags[field]]) };
}

/**
 * The estimator spec the flags describe, validated by the library. A flag of another estimator than the
 * chosen one is a usage error naming it and the chosen estimator's own flags.
 */
export function estimatorSpecFromFlags(command: Command): EstimatorSpec {
  const { name, given } = givenOptions(command);
  if (name === 'renyi' && command.opts<Record<string, unknown>>()['inputs'] === undefined) command.error('error: the renyi estimator needs --inputs <file> (the inputs X) for I(X;T)', { exitCode: 2, code: 'infoplane.missingInputs' });
  // KSG without inputs still gives I(Y;T) and H(T); its I(X;T) is NaN, and its parameters say why.
  return parseEstimatorSpec({ name, ...Object.fromEntries(given) });
}

/** Whether any estimator flag (--estimator or an option of one) was given on the command line. */
export function estimatorFlagsGiven(command: Command): boolean {
  return ['estimator', ...estimatorOptions().keys()].some((field) => command.getOptionValueSource(field) === 'cli');
}

/**
 * Every setting list flags describe (declared with `addEstimatorOptions(command, { lists: true })`): the
 * cartesian product of the values given, each option not given taken from `base` (e.g. the run's own
 * estimator of that name) and then the schema's default.
 *
 * @example // --estimator kde --noise-variance 1e-3,0.1 → [{ name: 'kde', noiseVariance: 0.001, … }, { name: 'kde', noiseVariance: 0.1, … }]
 */
export function estimatorGridFromFlags(command: Command, base: Record<string, unknown> = {}): EstimatorSpec[] {
  const { name, given } = givenOptions(command);
  let grid: Record<string, unknown>[] = [{ ...base, name }];
  for (const [field, values] of given) grid = grid.flatMap((setting) => (values as unknown[]).map((value) => ({ ...setting, [field]: value })));
  return grid.map((setting) => parseEstimatorSpec(setting));
}
