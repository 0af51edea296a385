/** `infoplane run`: the main job — train a network and record its journey through the information plane. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { type ExperimentConfig, applyOverrides, resolveConfig } from '../experiment/config.js';
import { PRESETS, presetNames } from '../experiment/presets.js';
import { type EpochRecord, type RunReporter, runExperiment } from '../experiment/runner.js';
import { setNumThreads } from '../tensor/index.js';
import { progress, type Progress } from './progress.js';
import { positiveInteger } from './probe-files.js';
import { reportWithProgress } from './report.js';

interface RunCliOptions {
  epochs?: number;
  out?: string;
  seed?: number;
  resume?: string;
  overwrite?: boolean;
  set: string[];
  snr?: 'minibatch' | 'replicas';
  replicas?: number;
  fullBatch?: boolean;
  saveActivations?: string;
  threads?: number;
  quiet?: boolean;
  json?: boolean;
  report: boolean;
}

function nonNegativeInteger(flag: string): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!Number.isSafeInteger(number) || number < 0) throw new InvalidArgumentError(`${flag} must be a non-negative integer but is "${value}".`);
    return number;
  };
}

/** A preset's config, or a JSON file's. */
function baseConfig(source: string): Record<string, unknown> {
  const preset = PRESETS[source];
  if (preset) return structuredClone(preset) as Record<string, unknown>;
  if (!existsSync(source)) {
    throw new Error(`"${source}" is neither a preset (${presetNames().join(', ')}) nor a config file`);
  }
  try {
    return JSON.parse(readFileSync(source, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`${source}: not valid JSON (${(error as Error).message})`);
  }
}

/** The config with the command line's overrides applied, validated. */
export function configFromCommandLine(source: string, options: RunCliOptions): ExperimentConfig {
  const overrides = [...options.set];
  if (options.epochs !== undefined) overrides.push(`epochs=${options.epochs}`);
  if (options.seed !== undefined) overrides.push(`seed=${options.seed}`);
  if (options.snr !== undefined) overrides.push(`dynamics.snr="${options.snr}"`);
  if (options.replicas !== undefined) overrides.push(`dynamics.replicas=${options.replicas}`);
  if (options.fullBatch) overrides.push('batchSize="full"');
  if (options.saveActivations !== undefined) {
    overrides.push(`saveActivations=${/^\d+$/.test(options.saveActivations) ? options.saveActivations : JSON.stringify(options.saveActivations)}`);
  }
  return resolveConfig(applyOverrides(baseConfig(source), overrides));
}

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/** A one-line summary of a logged epoch: losses, accuracies and each layer's first estimate. */
export function epochLine(record: EpochRecord): string {
  const bits = (value: number | undefined): string => (value === undefined ? '–' : value.toFixed(2));
  const first = record.layers.map((layer) => layer.estimates[0]);
  const seconds = Object.values(record.timings).reduce((a, b) => a + b, 0);
  return [
    `epoch ${String(record.epoch).padStart(4)}`,
    `loss ${record.train.loss.toFixed(4)}/${record.test.loss.toFixed(4)}`,
    `acc ${(record.train.accuracy * 100).toFixed(1)}/${(record.test.accuracy * 100).toFixed(1)}%`,
    `I(X;T) ${first.map((e) => bits(e?.ixt.upper)).join(' ')}`,
    `I(Y;T) ${first.map((e) => bits(e?.iyt.upper)).join(' ')}`,
    `(${seconds.toFixed(1)} s)`,
  ].join('  ');
}

/** One bar for the whole run (every training batch), the phase after it, a result line per logged epoch. */
function reporter(options: RunCliOptions): RunReporter {
  let bar: Progress | undefined;
  let batchesPerEpoch = 1;
  return {
    runStart: ({ dir, epochs, startEpoch, batchesPerEpoch: batches }) => {
      batchesPerEpoch = batches;
      if (!options.json) process.stdout.write(`${startEpoch > 0 ? 'resuming' : 'running'} into ${dir} (epochs ${startEpoch}…${epochs})\n`);
      bar = progress('training', Math.max(1, (epochs - Math.max(startEpoch, 1) + 1) * batches), { quiet: options.quiet || options.json });
    },
    batch: ({ epoch, batch, loss }) => bar?.tick(1, `epoch ${epoch} batch ${batch + 1}/${batchesPerEpoch} loss ${loss.toFixed(4)}`),
    phase: ({ epoch, phase }) => bar?.detail(`epoch ${epoch}: ${phase}`),
    logged: (record) => {
      const line = options.json ? JSON.stringify(record) : epochLine(record);
      if (bar) bar.print(line);
      else process.stdout.write(`${line}\n`);
    },
  };
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('train a network and record every layer\'s information-plane trajectory and the training dynamics into a run directory')
    .argument('[preset-or-config]', `a preset (${presetNames().join(', ')}) or a config .json file`)
    .option('--epochs <n>', 'number of epochs (on --resume: a new total)', nonNegativeInteger('--epochs'))
    .option('--out <dir>', 'run directory (default: runs/<name>-<time>)')
    .option('--seed <seed>', 'seed for every random stream', nonNegativeInteger('--seed'))
    .option('--resume <dir>', 'continue a run from its last checkpoint')
    .option('--overwrite', 'replace an existing run directory')
    .option('--set <path=value>', 'override any config field, e.g. --set model.activation=relu (repeatable)', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .addOption(new Option('--snr <mode>', "gradient SNR: 'minibatch' (one network, as Tishby's and Saxe's code) or 'replicas' (one network per fixed minibatch, the paper's §2.3.3)").choices(['minibatch', 'replicas']))
    .option('--replicas <k>', 'networks for --snr replicas', positiveInteger('--replicas'))
    .option('--full-batch', 'full-batch gradient descent (loss dynamics against −α‖∇L‖² per layer)')
    .option('--save-activations <which>', "save probe activations of each logged epoch as NPY: 'all' or the first k samples")
    .option('--threads <n>', 'libtorch threads (default: every core)', positiveInteger('--threads'))
    .option('--quiet', 'no progress bars')
    .option('--json', 'one JSON record per logged epoch on stdout')
    .option('--no-report', 'do not write report.html and the figure files when the run finishes')
    .addHelpText('after', '\nExamples:\n  infoplane run fig5-mlp --epochs 3\n  infoplane run ibnet-relu --epochs 2000 --snr replicas --replicas 32\n  infoplane run my-config.json --set model.activation=relu --out runs/relu\n  infoplane run --resume runs/fig5-mlp-20261124-203000')
    .action(async (source: string | undefined, options: RunCliOptions) => {
      if (options.threads !== undefined) setNumThreads(options.threads);
      if (!source && !options.resume) throw new InvalidArgumentError('give a preset or config file, or --resume <dir>');
      if (options.resume && (options.set.length > 0 || options.seed !== undefined || options.snr || options.fullBatch)) {
        throw new InvalidArgumentError('--resume continues a run with its own config; only --epochs may change it');
      }
      const config = options.resume ? undefined : configFromCommandLine(source!, options);
      const out = options.resume ?? options.out ?? path.join('runs', `${config!.name}-${timestamp()}`);
      const outcome = await runExperiment({
        ...(config ? { config } : {}),
        out,
        resume: options.resume !== undefined,
        overwrite: options.overwrite ?? false,
        ...(options.resume && options.epochs !== undefined ? { epochs: options.epochs } : {}),
        reporter: reporter(options),
      });
      // The report is drawn from the run directory alone, as `infoplane report` draws it.
      const report = options.report ? await reportWithProgress(outcome.dir, { figures: true, quiet: (options.quiet ?? false) || (options.json ?? false) }) : undefined;
      if (options.json) return;
      process.stderr.write('\n');
      const { summary } = outcome;
      const { settings } = summary;
      const p = (value: number | null): string => (value === null ? '–' : value < 0.001 ? value.toExponential(1) : value.toFixed(3));
      const bits = (value: number | null): string => (value === null ? '–' : value.toFixed(3));
      const kink = (event: typeof summary.lossKink, noun: string): string => {
        if (!event.tested) return `${noun}: not tested`;
        if (event.detected) return `${noun} at epoch ${event.epoch} (p=${p(event.pValue)})`;
        return event.pValue! < settings.alpha ? `no ${noun}: kink rises at ${event.candidateEpoch} (p=${p(event.pValue)})` : `no ${noun} (p=${p(event.pValue)})`;
      };
      const compression = (event: (typeof summary.layers)[number]['compression']): string => {
        if (!event.tested) return 'compression: not tested';
        if (event.detected) return `compression from epoch ${event.epoch} (drop ${bits(event.dropBits)} > ${bits(event.marginBits)} bits)`;
        return event.dropBits! > event.marginBits!
          ? `no compression (lower bound drop ${bits(event.lowerDropBits)} ≤ ${bits(event.marginBits)} bits)`
          : `no compression (drop ${bits(event.dropBits)} ≤ ${bits(event.marginBits)} bits)`;
      };
      const coincidence = (test: (typeof summary.layers)[number]['coincidence']): string => (
        test.tested ? `${test.detected ? 'coincide' : 'do not coincide'} (spread ${test.spread}, p=${p(test.pValue)})` : 'coincidence not tested'
      );
      process.stdout.write(`\nstochastic-gradient hypothesis — training loss: ${kink(summary.lossKink, 'kink')}\n`);
      for (const layer of summary.layers) {
        process.stdout.write(`  ${layer.layer.padEnd(16)} ${kink(layer.snrDrop, 'SNR drop').padEnd(40)} ${compression(layer.compression).padEnd(56)} ${coincidence(layer.coincidence)}\n`);
      }
      process.stdout.write(
        `  (statistical heuristics, alpha ${settings.alpha}: kinks = two-segment vs one line on log–log axes, ${settings.permutations} residual permutations, seed ${settings.seed}, `
        + `≥ ${settings.minPoints} points; compression = peak − mean of last ${settings.tailPoints} > max(${settings.floorBits}, ${settings.z}·noise) bits on each KDE bound; `
        + 'coincidence = exact P(spread ≤ observed) for independent uniform positions; details in summary.json)\n',
      );
      process.stdout.write(`\nrun written to ${outcome.dir}\n`);
      if (report) process.stdout.write(`report: ${report.html}\n`);
    });
}
