/** `infoplane doctor`: what the engine runs on, and how fast a matmul is here. */
import type { Command } from 'commander';
import { engineInfo, matmulThroughput } from '../tensor/index.js';

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('print the engine version, BLAS in use, threads, devices and a 2048² matmul GFLOP/s figure')
    .option('--json', 'print one JSON object')
    .action((options: { json?: boolean }) => {
      const info = engineInfo();
      const matmul = matmulThroughput(2048);
      const gflops = matmul.gflops;
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ ...info, matmul2048Gflops: gflops, matmul2048: matmul })}\n`);
        return;
      }
      const rows: [string, string][] = [
        ['libtorch', info.libtorchVersion],
        ['BLAS library', info.blasLibrary ?? 'not found in process maps'],
        ['BLAS kernels', `${info.blasCore ?? 'unknown'} (OPENBLAS_CORETYPE=${info.openblasCoreType ?? 'unset'})`],
        ['BLAS threads', String(info.blasThreads ?? 'unknown')],
        ['torch threads', `${info.threads} (${info.parallelBackend}, OMP_WAIT_POLICY=${info.ompWaitPolicy ?? 'unset'})`],
        ['devices', info.devices.join(', ')],
        ['matmul 2048²', `${gflops.toFixed(1)} GFLOP/s (float32)`],
      ];
      const width = Math.max(...rows.map(([name]) => name.length));
      for (const [name, value] of rows) process.stdout.write(`${name.padEnd(width)}  ${value}\n`);
    });
}
