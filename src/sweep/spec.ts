/**
 * Sweep specs: a base (a run preset or a config), a grid of overrides whose cartesian product gives the
 * settings, and seeds; expanded into trials, each with its own complete, validated config and a stable id,
 * written to the sweep directory's `sweep.json` beside one ordinary run directory per trial.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { type ExperimentConfig, applyOverrides, experimentConfigSchema, resolveConfig } from '../experiment/config.js';
import { PRESETS, presetNames } from '../experiment/presets.js';
import { parseWithSchema } from '../schema.js';
import { writeFileAtomic } from '../store/index.js';

export const SWEEP_SCHEMA_VERSION = 1;

/** A grid value: anything a config field holds. */
const gridValue = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.unknown()), z.record(z.unknown())]);

export const slurmOptionsSchema = z.object({
  /** CPUs per array task (default: the sweep's threadsPerTrial). */
  cpusPerTask: z.number().int().positive().optional(),
  /** Memory per task, as sbatch's --mem takes it (e.g. '2G'). */
  mem: z.string().min(1).default('2G'),
  /** Time limit per task, as sbatch's --time takes it (e.g. '2:00:00'). */
  time: z.string().min(1).default('4:00:00'),
  /** At most this many tasks at once (the array's %M); default: no cap. */
  maxConcurrent: z.number().int().positive().optional(),
  partition: z.string().min(1).optional(),
  account: z.string().min(1).optional(),
  /** More sbatch options, each a whole `--name=value` flag, written as #SBATCH lines. */
  extra: z.array(z.string().regex(/^--[a-z][a-z-]*(=.*)?$/, 'an sbatch flag such as --qos=short')).default([]),
}).strict();

export const sweepSpecSchema = z.object({
  name: z.string().min(1).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" and "-" (it names directories)'),
  /** A run preset's name or a whole config (as a run's config file holds it). */
  base: z.union([z.string().min(1), z.record(z.unknown())]),
  /**
   * Config paths (as `infoplane run --set` takes them) and the values each takes; the settings are the
   * cartesian product, keys in order. A key with one value sets it for every trial.
   */
  grid: z.record(z.array(gridValue).min(1)).default({}),
  /** Seeds per setting: a count (seeds 0 … N−1) or the list. */
  seeds: z.union([z.number().int().positive(), z.array(z.number().int().min(0)).min(1)]).default(1),
  /** libtorch threads of each trial (local trials run cores ÷ this at a time). */
  threadsPerTrial: z.number().int().positive().default(1),
  slurm: slurmOptionsSchema.default({}),
}).strict();

export type SweepSpecInput = z.input<typeof sweepSpecSchema>;
export type SweepSpec = z.output<typeof sweepSpecSchema>;

export const settingSchema = z.object({
  index: z.number().int().min(0),
  /** `key=value` of each grid key with more than one value ('base' when none varies). */
  label: z.string(),
  values: z.record(z.unknown()),
}).strict();

export const trialSchema = z.object({
  index: z.number().int().min(0),
  /** Stable: from the varying grid values and the seed, e.g. `activation-relu_seed-3`. */
  id: z.string().regex(/^(?!\.{1,2}$)[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" and "-", not "." or ".."'),
  setting: z.number().int().min(0),
  seed: z.number().int().min(0),
  /** The run directory, relative to the sweep directory: always trials/ID (readers never follow another path). */
  dir: z.string(),
  config: experimentConfigSchema,
}).strict().refine((trial) => trial.dir === `trials/${trial.id}`, { message: 'a trial\'s dir is trials/<its id>', path: ['dir'] });

export const sweepFileSchema = z.object({
  schemaVersion: z.literal(SWEEP_SCHEMA_VERSION),
  name: z.string(),
  createdAt: z.string(),
  spec: sweepSpecSchema,
  settings: z.array(settingSchema),
  trials: z.array(trialSchema),
}).strict();

export type Setting = z.output<typeof settingSchema>;
export type Trial = z.output<typeof trialSchema>;
export type SweepFile = z.output<typeof sweepFileSchema>;

/** Sweep presets: Saxe et al.'s tanh-against-ReLU study of the 12-bit network, and a demo that finishes in minutes here. */
export const SWEEP_PRESETS: Record<string, SweepSpecInput> = {
  // Saxe et al. (2018) §3 / ibsgd IBnet_*: the 12-bit network, tanh and ReLU, averaged over 50 trials.
  // Its 100 trials keep no probe activations: 107 MiB each (212 logged epochs), 10 GiB in all; --set
  // saveActivations=auto keeps them for re-estimation.
  'saxe-ibnet': { name: 'saxe-ibnet', base: 'ibnet-tanh', grid: { 'model.activation': ['tanh', 'relu'], saveActivations: ['none'] }, seeds: 50 },
  // Two activations × 3 seeds of the 12-bit network for 300 epochs, two estimators: about 2 minutes on 2 cores.
  'demo-sweep': {
    name: 'demo-sweep',
    base: 'ibnet-tanh',
    grid: {
      'model.activation': ['tanh', 'relu'],
      epochs: [300],
      estimators: [[{ name: 'kde', noiseVariance: 1e-3, precision: 'float32' }, { name: 'bin', binsize: 0.07 }]],
      'dynamics.kdeDerivativeSamples': [0],
    },
    seeds: 3,
  },
};

export function sweepPresetNames(): string[] {
  return Object.keys(SWEEP_PRESETS);
}

/** Splits `v1,v2` at the commas outside brackets, braces and quotes; each value JSON when it parses, else the text. */
export function parseGridValues(text: string): unknown[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((part) => {
    try {
      return JSON.parse(part) as unknown;
    } catch {
      return part;
    }
  });
}

/** `--set key=v1,v2` flags as grid entries (in order; a later flag for a key replaces an earlier one). */
export function gridFromFlags(flags: readonly string[]): Record<string, unknown[]> {
  const grid: Record<string, unknown[]> = {};
  for (const flag of flags) {
    const equals = flag.indexOf('=');
    if (equals <= 0) throw new Error(`--set expects key=v1,v2,… (e.g. model.activation=tanh,relu) but received "${flag}"`);
    grid[flag.slice(0, equals)] = parseGridValues(flag.slice(equals + 1));
  }
  return grid;
}

/** The spec of a sweep preset or a SWEEP.json file, with the command line's seeds and grid merged in, validated. */
export function loadSweepSpec(source: string, options: { seeds?: number; set?: readonly string[]; name?: string } = {}): SweepSpec {
  let input: Record<string, unknown>;
  if (SWEEP_PRESETS[source]) input = structuredClone(SWEEP_PRESETS[source]) as Record<string, unknown>;
  else if (PRESETS[source]) input = { name: source, base: source };
  else if (existsSync(source)) {
    try {
      input = JSON.parse(readFileSync(source, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new Error(`${source}: not valid JSON (${(error as Error).message})`);
    }
  } else {
    throw new Error(`"${source}" is neither a sweep preset (${sweepPresetNames().join(', ')}), a run preset (${presetNames().join(', ')}) nor a sweep file`);
  }
  if (options.seeds !== undefined) input['seeds'] = options.seeds;
  if (options.name !== undefined) input['name'] = options.name;
  if (options.set && options.set.length > 0) input['grid'] = { ...(input['grid'] as Record<string, unknown> | undefined), ...gridFromFlags(options.set) };
  return parseWithSchema(sweepSpecSchema, input, `sweep spec ${source}`);
}

function baseConfig(base: SweepSpec['base']): Record<string, unknown> {
  if (typeof base !== 'string') return structuredClone(base);
  const preset = PRESETS[base];
  if (!preset) throw new Error(`sweep base "${base}" is not a run preset (${presetNames().join(', ')})`);
  return structuredClone(preset) as Record<string, unknown>;
}

/** A value as it appears in a trial id: short text as it is (unsafe characters replaced), anything else by a hash. */
function idPart(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[A-Za-z0-9._-]{1,24}$/.test(text)) return text;
  return createHash('sha1').update(text).digest('hex').slice(0, 8);
}

/** The last path component of a grid key, or the whole path (dots to '-') when two keys share it. */
function keyNames(keys: readonly string[]): Map<string, string> {
  const last = (key: string): string => key.split('.').at(-1)!;
  return new Map(keys.map((key) => [key, keys.filter((other) => last(other) === last(key)).length > 1 ? key.replace(/\./g, '-') : last(key)]));
}

function product(grid: Record<string, unknown[]>): Record<string, unknown>[] {
  return Object.entries(grid).reduce<Record<string, unknown>[]>(
    (settings, [key, values]) => settings.flatMap((setting) => values.map((value) => ({ ...setting, [key]: value }))),
    [{}],
  );
}

function overrideOf(key: string, value: unknown): string {
  return `${key}=${JSON.stringify(value)}`;
}

/**
 * The settings (grid product, keys in order) and trials (settings × seeds, setting-major) of a spec, each
 * trial's config resolved and validated. A grid key or value the config does not accept is an error naming it.
 *
 * @example expandSweep(loadSweepSpec('demo-sweep')).trials.map((trial) => trial.id) // ['activation-tanh_seed-0', …]
 */
export function expandSweep(spec: SweepSpec): { settings: Setting[]; trials: Trial[] } {
  const base = baseConfig(spec.base);
  const keys = Object.keys(spec.grid);
  const varying = keys.filter((key) => spec.grid[key]!.length > 1);
  const names = keyNames(varying);
  // Check each key and value on its own first, so that the error names the one at fault.
  for (const key of keys) {
    for (const value of spec.grid[key]!) {
      try {
        resolveConfig(applyOverrides(base, [overrideOf(key, value)]));
      } catch (error) {
        throw new Error(`sweep ${spec.name}: grid ${key} = ${JSON.stringify(value)} is not accepted by the config (${(error as Error).message.replace(/\n/g, ' ')})`);
      }
    }
  }
  const seeds = typeof spec.seeds === 'number' ? Array.from({ length: spec.seeds }, (_, i) => i) : [...new Set(spec.seeds)];
  const settings = product(spec.grid).map((values, index): Setting => ({
    index,
    label: varying.length === 0 ? 'base' : varying.map((key) => `${names.get(key)}=${typeof values[key] === 'string' ? values[key] : JSON.stringify(values[key])}`).join(' '),
    values,
  }));
  const trials: Trial[] = [];
  const ids = new Set<string>();
  for (const setting of settings) {
    const settingId = varying.map((key) => `${names.get(key)}-${idPart(setting.values[key])}`).join('_');
    for (const seed of seeds) {
      const id = `${settingId ? `${settingId}_` : ''}seed-${seed}`;
      if (ids.has(id)) throw new Error(`sweep ${spec.name}: two trials would share the id ${id}; give the grid values that differ distinct names`);
      ids.add(id);
      const overrides = [...Object.entries(setting.values).map(([key, value]) => overrideOf(key, value)), `seed=${seed}`, `name=${JSON.stringify(`${spec.name}-${id}`)}`];
      let config: ExperimentConfig;
      try {
        config = resolveConfig(applyOverrides(base, overrides));
      } catch (error) {
        throw new Error(`sweep ${spec.name}: setting ${setting.label} is not a valid config (${(error as Error).message.replace(/\n/g, ' ')})`);
      }
      trials.push({ index: trials.length, id, setting: setting.index, seed, dir: `trials/${id}`, config });
    }
  }
  return { settings, trials };
}

/** The sweep directory's sweep.json, validated. */
export function readSweepFile(dir: string): SweepFile {
  const file = path.join(dir, 'sweep.json');
  if (!existsSync(file)) throw new Error(`${dir} is not a sweep directory (no sweep.json); start one with infoplane sweep PRESET --out ${dir}`);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof value === 'object' && value !== null && (value as { schemaVersion?: unknown }).schemaVersion !== SWEEP_SCHEMA_VERSION) {
    throw new Error(`${file}: schemaVersion ${JSON.stringify((value as { schemaVersion?: unknown }).schemaVersion)} is not one this infoplane reads (${SWEEP_SCHEMA_VERSION}); use the infoplane version that wrote it`);
  }
  return parseWithSchema(sweepFileSchema, value, file);
}

/** Whether `dir` holds a sweep. */
export function isSweepDirectory(dir: string): boolean {
  return existsSync(path.join(dir, 'sweep.json'));
}

/**
 * Writes (or, for the same spec, keeps) the sweep directory's sweep.json. A directory holding a sweep of
 * another spec is refused, naming the first difference.
 */
export function prepareSweep(spec: SweepSpec, dir: string): SweepFile {
  const { settings, trials } = expandSweep(spec);
  if (isSweepDirectory(dir)) {
    const existing = readSweepFile(dir);
    const difference = existing.trials.length !== trials.length ? `${existing.trials.length} trials there, ${trials.length} in this spec`
      : trials.map((trial, i) => (JSON.stringify(trial) !== JSON.stringify(existing.trials[i]) ? `trial ${trial.id} differs` : '')).find((text) => text !== '');
    if (difference) throw new Error(`${dir} holds another sweep (${difference}); resume it with its own spec, or choose another --out`);
    return existing;
  }
  mkdirSync(dir, { recursive: true });
  const file: SweepFile = { schemaVersion: SWEEP_SCHEMA_VERSION, name: spec.name, createdAt: new Date().toISOString(), spec, settings, trials };
  writeFileAtomic(path.join(dir, 'sweep.json'), `${JSON.stringify(file, null, 2)}\n`);
  return file;
}
