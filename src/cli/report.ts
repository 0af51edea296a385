/** `infoplane report RUN [--out DIR]` and `infoplane compare RUN RUN … --out DIR`: the HTML report with every figure. */
import type { Command } from 'commander';
import { type ReportOptions, type ReportOutcome, writeComparison, writeReport } from '../report/report.js';
import type { RunNotice } from '../store/index.js';
import { progress } from './progress.js';

interface ReportCliOptions {
  out?: string;
  figures: boolean;
  quiet?: boolean;
}

/** A progress bar over the figure files, and the report options that drive it. */
function figureProgress(options: ReportCliOptions): { reportOptions: ReportOptions; finish(): void } {
  const bar = progress('figures', 1, { quiet: options.quiet ?? false });
  let finished = false;
  const finish = (): void => {
    if (!finished) bar.done();
    finished = true;
  };
  return {
    reportOptions: {
      figureFiles: options.figures,
      onFigure: (figure, index, count) => {
        bar.update({ total: count });
        bar.tick(1, figure.id);
        if (index === count - 1) finish();
      },
    },
    finish,
  };
}

/** Writes a run's notices to stderr, each as `level: [run/]file[:line]: message`. */
export function printNotices(notices: readonly RunNotice[], run?: string): void {
  for (const notice of notices) process.stderr.write(`${notice.level}: ${run ? `${run}/` : ''}${notice.file}${notice.line ? `:${notice.line}` : ''}: ${notice.message}\n`);
}

function printOutcome(outcome: ReportOutcome): void {
  printNotices(outcome.notices);
  process.stdout.write(`report written to ${outcome.html}${outcome.files.length ? ` (and ${outcome.files.length} figure files)` : ''}\n`);
}

/** Writes a run's report with a progress bar (the `run` command calls it when a run finishes). */
export async function reportWithProgress(runDir: string, options: ReportCliOptions): Promise<ReportOutcome> {
  const { reportOptions, finish } = figureProgress(options);
  try {
    return await writeReport(runDir, { ...reportOptions, ...(options.out ? { out: options.out } : {}) });
  } finally {
    finish();
  }
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write a self-contained report.html of a run (every figure, the config, the summary), with each figure as SVG and PNG')
    .argument('<run>', 'a run directory')
    .option('--out <dir>', 'where to write (default: the run directory)')
    .option('--no-figures', 'the HTML only, without the SVG and PNG files')
    .option('--quiet', 'no progress bar')
    .addHelpText('after', '\nExamples:\n  infoplane report runs/fig5-mlp\n  infoplane report runs/ibnet-tanh --out reports/ibnet')
    .action(async (run: string, options: ReportCliOptions) => printOutcome(await reportWithProgress(run, options)));
  program
    .command('compare')
    .description('one report overlaying several runs (tanh against ReLU, seeds, σ²)')
    .argument('<runs...>', 'two or more run directories')
    .requiredOption('--out <dir>', 'where to write the comparison')
    .option('--no-figures', 'the HTML only, without the SVG and PNG files')
    .option('--quiet', 'no progress bar')
    .addHelpText('after', '\nExample:\n  infoplane compare runs/ibnet-tanh runs/ibnet-relu --out reports/tanh-vs-relu')
    .action(async (runs: string[], options: ReportCliOptions & { out: string }) => {
      const { reportOptions, finish } = figureProgress(options);
      try {
        printOutcome(await writeComparison(runs, { ...reportOptions, out: options.out }));
      } finally {
        finish();
      }
    });
}
