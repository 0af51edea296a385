/**
 * `infoplane bias`: the estimators against the truth on synthetic tasks with known mutual information
 * (src/info/estimator-bias.ts), as a table of estimate − truth, DIR/bias.json and the figure DIR/bias.svg|png.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import {
  DEFAULT_BIAS_DIMS, DEFAULT_BIAS_SAMPLES, type BiasSkip, defaultBiasEstimators, measureBias, planBias,
} from '../info/estimator-bias.js';
import { type EstimatorSpec, parseEstimatorSpec } from '../info/estimator-spec.js';
import { DEFAULT_TASK_SETTINGS, KNOWN_MI_TASKS, type KnownMiTaskName } from '../info/known-mi.js';
import { type LabelledBiasRow, estimatorBiasFigure, labelBiasRows } from '../report/figures/bias.js';
import { writeFigure } from '../report/report.js';
import { progress } from './progress.js';
import { addEstimatorOptions, estimatorGridFromFlags } from './probe-files.js';

interface BiasCliOptions {
  estimators?: EstimatorSpec[];
  samples: number[];
  dims: number[];
  tasks?: KnownMiTaskName[];
  seed: number;
  out: string;
  json?: boolean;
  quiet?: boolean;
}

/** A comma-separated list of integers ≥ minimum (one value when `single`), or a usage error naming the flag. */
function integers(flag: string, minimum: number, single = false): (text: string) => number[] {
  return (text) => {
    const values = text.split(',').map((part) => Number(part.trim()));
    if ((single && values.length !== 1) || values.some((value) => !Number.isSafeInteger(value) || value < minimum)) {
      throw new InvalidArgumentError(`${flag} must be ${single ? 'an integer' : 'a comma-separated list of integers'} ≥ ${minimum} but is "${text}".`);
    }
    return values;
  };
}

function taskNames(text: string): KnownMiTaskName[] {
  const names = text.split(',').map((part) => part.trim());
  const unknown = names.filter((name) => !(KNOWN_MI_TASKS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new InvalidArgumentError(`--tasks takes ${KNOWN_MI_TASKS.join(', ')}, not ${unknown.join(', ')}.`);
  return names as KnownMiTaskName[];
}

/**
 * `kde:noiseVariance=0.1,bin:binsize=0.5,ksg` → specs checked by the library, options named as in a
 * config file; the flag may be repeated and its lists add up.
 */
function estimatorList(text: string, previous: EstimatorSpec[] = []): EstimatorSpec[] {
  return [...previous, ...text.split(',').map((item) => {
    const [name, ...options] = item.trim().split(':');
    const fields = options.map((option) => {
      const [key, value, ...rest] = option.split('=');
      if (!key || value === undefined || rest.length > 0) throw new InvalidArgumentError(`--estimators: "${option}" in "${item}" is not option=value.`);
      // A number when it reads as one (noiseVariance=1e-3), else the text (kernelWidth=median).
      return [key, value.trim() !== '' && !Number.isNaN(Number(value)) ? Number(value) : value] as const;
    });
    try {
      return parseEstimatorSpec({ name, ...Object.fromEntries(fields) });
    } catch (error) {
      throw new InvalidArgumentError(`--estimators: "${item}": ${(error as Error).message.replace(/\n/g, ' ')}`);
    }
  })];
}

const signed = (bits: number): string => `${bits >= 0 ? '+' : '−'}${Math.abs(bits).toFixed(3)}`;

/** The table of estimate − truth, one block per task and quantity (in order of first appearance). */
function table(rows: readonly LabelledBiasRow[]): string {
  const lines: string[] = [];
  const width = Math.max(9, ...rows.map((row) => row.estimator.length));
  const blockOf = (row: LabelledBiasRow): string => `${row.task} · ${row.quantity}`;
  const blocks = [...new Set(rows.map(blockOf))];
  let block = '';
  for (const row of [...rows].sort((a, b) => blocks.indexOf(blockOf(a)) - blocks.indexOf(blockOf(b)))) {
    const key = blockOf(row);
    if (key !== block) {
      block = key;
      lines.push('', `${key}   (bits; estimate − true: upper bound, and lower bound for kde)`,
        `  ${'setting'.padEnd(12)} ${'N'.padStart(5)} ${'d'.padStart(3)}  ${'estimator'.padEnd(width)} ${'true'.padStart(8)} ${'estimate'.padStart(8)} ${'− true'.padStart(8)} ${'lower −'.padStart(8)}  Miller–Madow`);
    }
    const bounded = row.lowerBits !== row.upperBits;
    lines.push(`  ${row.setting.padEnd(12)} ${String(row.samples).padStart(5)} ${String(row.dims).padStart(3)}  ${row.estimator.padEnd(width)} ${row.trueBits.toFixed(3).padStart(8)} `
      + `${row.upperBits.toFixed(3).padStart(8)} ${signed(row.upperBits - row.trueBits).padStart(8)} ${(bounded ? signed(row.lowerBits - row.trueBits) : '').padStart(8)}`
      + `  ${row.plugInBiasBits === undefined ? '' : signed(row.plugInBiasBits)}`);
  }
  return lines.join('\n');
}

/** A spec as --estimators writes it: kde:noiseVariance=0.1:precision=float64. */
function specText(spec: EstimatorSpec): string {
  return [spec.name, ...Object.entries(spec).filter(([key]) => key !== 'name').map(([key, value]) => `${key}=${String(value)}`)].join(':');
}

/** A skip as a line: the estimator by the label its rows carry (else its spec), the task, the reason. */
function skipText(skip: BiasSkip, rows: readonly LabelledBiasRow[]): string {
  if (!skip.estimator) return `${skip.task} (${skip.count}): ${skip.reason}`;
  const spec = JSON.stringify(skip.estimator);
  const label = rows.find((row) => JSON.stringify(row.spec) === spec)?.estimator ?? specText(skip.estimator);
  return `${label} on ${skip.task} ${skip.quantity} (${skip.count}): ${skip.reason}`;
}

/** The specs the flags ask for: --estimators, or --estimator with its option lists, or the defaults. */
function chosenEstimators(command: Command, flags: readonly string[], listed: EstimatorSpec[] | undefined): EstimatorSpec[] | undefined {
  const single = flags.filter((flag) => command.getOptionValueSource(flag) === 'cli');
  if (listed && single.length > 0) {
    command.error('error: give either --estimators or --estimator with its option flags, not both', { exitCode: 2, code: 'infoplane.estimatorsTwice' });
  }
  return listed ?? (single.length > 0 ? estimatorGridFromFlags(command) : undefined);
}

export function registerBias(program: Command): void {
  const command = program.command('bias');
  const before = command.options.length;
  addEstimatorOptions(command, { lists: true });
  // The attributes of --estimator and its option flags, to tell whether any was given.
  const estimatorFlags = command.options.slice(before).map((option) => option.attributeName());
  command
    .description('each estimator against the true value on synthetic tasks with known mutual information, across N and d: where is it biased?')
    .option('--estimators <list>', 'several estimators: NAME or NAME:option=value[:option=value], comma-separated (options as in a config file; repeatable)', estimatorList)
    .option('--samples <list>', 'sample sizes N', integers('--samples', 2), [...DEFAULT_BIAS_SAMPLES])
    .option('--dims <list>', 'dimensions d of T (the channel task has d = 1 only)', integers('--dims', 1), [...DEFAULT_BIAS_DIMS])
    .option('--tasks <list>', `tasks, comma-separated: ${KNOWN_MI_TASKS.join(', ')} (default: all)`, taskNames)
    .option('--seed <n>', 'seed of every sample', (text) => integers('--seed', 0, true)(text)[0]!, 0)
    .option('--out <dir>', 'where bias.json, bias.svg and bias.png go', 'bias')
    .option('--json', 'print one JSON object (what bias.json holds) instead of the table')
    .option('--quiet', 'no progress bar')
    .addHelpText('after', `
Without estimator flags, the estimators compared are
  ${defaultBiasEstimators().map(specText).join(',')}
--estimator NAME with its option flags compares that estimator's settings (comma-separated values give
one setting each, as in reestimate); --estimators mixes estimators, in the form above.
Tasks: gaussian-layer (X ~ N(0, s²I), T = X), correlated (T = ρX + √(1−ρ²)W), class-gaussians
(T | Y ~ N(μ_Y, I)), channel (T = Y through an M-ary symmetric channel); each estimator is compared with
the true value of what it estimates (kde: of T + noise; bins: of the binned T; ksg: Shannon).

Examples:
  infoplane bias
  infoplane bias --estimator kde --noise-variance 1e-3,1e-2,0.1,1 --tasks gaussian-layer,class-gaussians
  infoplane bias --estimators kde:noiseVariance=0.1,bin:binsize=0.5,ksg:k=5 --samples 256,1024 --dims 1,8 --out bias-run`)
    .action(async (options: BiasCliOptions) => {
      const estimators = chosenEstimators(command, estimatorFlags, options.estimators);
      const plan = planBias({
        ...(estimators ? { estimators } : {}),
        samples: options.samples,
        dims: options.dims,
        ...(options.tasks ? { tasks: options.tasks.flatMap((name) => DEFAULT_TASK_SETTINGS[name]) } : {}),
        seed: options.seed,
      });
      const bar = progress('estimating', plan.cases.length, { quiet: options.quiet || options.json });
      const rows = labelBiasRows(measureBias(plan, {
        onCase: (_done, _total, made) => {
          const row = made[0];
          bar.tick(1, row ? `${row.task} ${row.setting} N=${row.samples} d=${row.dims} ${row.estimator.name}` : '');
        },
      }));
      bar.done();
      const skipped = plan.skipped.map((skip) => ({ ...skip, text: skipText(skip, rows) }));
      const result = {
        settings: { estimators: plan.estimators, samples: plan.samples, dims: plan.dims, tasks: plan.tasks, seed: plan.seed },
        rows,
        skipped,
      };
      mkdirSync(options.out, { recursive: true });
      writeFileSync(path.join(options.out, 'bias.json'), `${JSON.stringify(result, null, 1)}\n`);
      const figure = estimatorBiasFigure(rows);
      const figureFiles = rows.length > 0 ? ['bias.svg', 'bias.png'].map((file) => path.join(options.out, file)) : [];
      for (const file of figureFiles) await writeFigure(figure, file);
      const files = [path.join(options.out, 'bias.json'), ...figureFiles];
      if (options.json) {
        process.stdout.write(`${JSON.stringify(result)}\n`);
        return;
      }
      process.stdout.write(`${rows.length} estimates against the truth (seed ${plan.seed})\n${table(rows)}\n`);
      if (skipped.length > 0) process.stdout.write(`\nskipped (count of setting × N × d):\n${skipped.map((skip) => `  ${skip.text}`).join('\n')}\n`);
      process.stdout.write(`\n${figure.caption}\n\nwritten: ${files.join(', ')}\n`);
    });
}
