/** `infoplane export RUN… [--format csv|jsonl] [--out FILE]`: runs as one tidy long table. */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { type Command, Option } from 'commander';
import { csvLines, exportRows, jsonLines } from '../report/export.js';
import { readRun } from '../store/index.js';
import { printNotices } from './report.js';

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('write runs as one tidy long table (run, epoch, layer, estimator, method, quantity, bound, value, with loss and gradient columns)')
    .argument('<runs...>', 'run directories')
    .addOption(new Option('--format <format>', 'csv or jsonl').choices(['csv', 'jsonl']).default('csv'))
    .option('--out <file>', 'write to a file instead of stdout')
    .addHelpText('after', '\nExamples:\n  infoplane export runs/fig5-mlp > fig5.csv\n  infoplane export runs/ibnet-tanh runs/ibnet-relu --format jsonl --out ibnet.jsonl')
    .action(async (dirs: string[], options: { format: 'csv' | 'jsonl'; out?: string }) => {
      const runs = dirs.map((dir) => readRun(dir));
      for (const run of runs) printNotices(run.notices, run.name);
      const stream = options.out ? createWriteStream(options.out) : process.stdout;
      const lines = options.format === 'csv' ? csvLines(exportRows(runs)) : jsonLines(exportRows(runs));
      try {
        for (const line of lines) if (!stream.write(line)) await once(stream, 'drain');
        if (options.out) {
          (stream as ReturnType<typeof createWriteStream>).end();
          await once(stream, 'finish');
        }
      } catch (error) {
        // A reader that stops early (`| head`) is not a failure of the export.
        if ((error as NodeJS.ErrnoException).code !== 'EPIPE') throw error;
      }
    });
}
