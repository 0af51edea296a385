/** `infoplane import DIR --out RUN`: a directory of activations written by any framework becomes a run (src/experiment/import.ts). */
import type { Command } from 'commander';
import { importActivations } from '../experiment/import.js';
import { progress } from './progress.js';
import { addEstimatorOptions, estimatorFlagsGiven, estimatorGridFromFlags, positiveInteger } from './probe-files.js';

interface ImportCliOptions {
  out: string;
  name?: string;
  layers?: string;
  framework?: string;
  classes?: number;
  overwrite?: boolean;
  quiet?: boolean;
}

export function registerImport(program: Command): void {
  const command = program.command('import');
  addEstimatorOptions(command, { lists: true });
  command
    .description('make a run directory of activations written by another framework (DIR/epoch-N/LAYER.npy + DIR/labels.npy) and estimate its information plane')
    .argument('<dir>', 'the directory of activations')
    .requiredOption('--out <run>', 'the run directory to write')
    .option('--name <name>', 'the run\'s name (default: the --out directory\'s)')
    .option('--layers <list>', 'layer names in network order (default: DIR/layers.txt, else the file names in natural order)')
    .option('--framework <name>', 'what wrote the activations, recorded in config.json (e.g. pytorch, keras)')
    .option('--classes <count>', 'number of classes (default: largest label + 1)', positiveInteger('--classes'))
    .option('--overwrite', 'replace an existing run directory')
    .option('--quiet', 'no progress bar')
    .addHelpText('after', `
Without estimator flags the plane is estimated with KDE (σ² = 0.1) and binning (bin size 0.5), Saxe et
al.'s settings; re-estimate it under others with infoplane reestimate.

Examples:
  infoplane import exported/mlp --out runs/torch-mlp --framework pytorch
  infoplane import exported/cnn --out runs/keras-cnn --estimator kde --noise-variance 1e-3,0.1`)
    .action((dir: string, options: ImportCliOptions) => {
      const estimators = estimatorFlagsGiven(command) ? estimatorGridFromFlags(command) : undefined;
      const bar = progress('importing', 1, { quiet: options.quiet ?? false });
      const outcome = importActivations(dir, {
        out: options.out,
        ...(options.overwrite ? { overwrite: true } : {}),
        ...(options.name ? { name: options.name } : {}),
        ...(options.layers ? { layers: options.layers.split(',').map((layer) => layer.trim()) } : {}),
        ...(options.framework ? { framework: options.framework } : {}),
        ...(options.classes ? { numClasses: options.classes } : {}),
        ...(estimators ? { estimators } : {}),
        onEpoch: ({ epoch, done, total }) => {
          bar.update({ total });
          bar.tick(1, `epoch ${epoch} (${done}/${total})`);
        },
      });
      bar.done();
      process.stdout.write(`imported ${outcome.epochs.length} epochs × ${outcome.layers.length} layers (${outcome.layers.join(', ')}) into ${outcome.dir}\n`
        + `next: infoplane report ${outcome.dir} · infoplane reestimate ${outcome.dir} --estimator kde --noise-variance 1e-3,1e-2,0.1,1 · infoplane serve ${outcome.dir}/..\n`);
    });
}
