/** The `infoplane` command line: one file per command under src/cli, each thin. */
import { Command, CommanderError } from 'commander';
import { registerDoctor } from './doctor.js';
import { registerMi } from './mi.js';
import { registerCalibrate } from './calibrate.js';
import { registerConvergence } from './convergence.js';
import { registerRun } from './run.js';
import { registerReport } from './report.js';
import { registerExport } from './export.js';
import { registerServe } from './serve.js';
import { registerSweep } from './sweep.js';
import { registerReestimate } from './reestimate.js';
import { registerImport } from './import.js';
import { registerBias } from './bias.js';

/** Runs the CLI; resolves to the exit code (0 ok, 1 failure, 2 usage error). */
export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('infoplane')
    .description('Information-bottleneck analysis of neural networks')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  registerRun(program);
  registerDoctor(program);
  registerMi(program);
  registerCalibrate(program);
  registerConvergence(program);
  registerReport(program);
  registerExport(program);
  registerServe(program);
  registerSweep(program);
  registerReestimate(program);
  registerImport(program);
  registerBias(program);
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    process.stderr.write(`infoplane: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
