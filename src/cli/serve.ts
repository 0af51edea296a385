/** `infoplane serve`: the live dashboard over a runs directory, until Ctrl-C. */
import { type Command, InvalidArgumentError } from 'commander';
import { startDashboard } from '../web/index.js';

function port(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number > 65_535) throw new InvalidArgumentError(`expected a port from 0 to 65535 but received "${value}".`);
  return number;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('a live dashboard of the runs in runs-dir: run list, interactive information plane, figures, compare view')
    .argument('[runs-dir]', 'the directory holding the run directories', 'runs')
    .option('--port <port>', 'port to listen on (0: any free port)', port, 8080)
    .option('--host <address>', 'address to bind; the default 127.0.0.1 is reachable from this machine only, any other address shows your runs to the network', '127.0.0.1')
    .addHelpText('after', '\nExamples:\n  infoplane serve\n  infoplane serve runs --port 0\n  infoplane serve /scratch/ib-runs --port 9000')
    .action(async (runsDir: string, options: { port: number; host: string }) => {
      const dashboard = await startDashboard({ runsDir, host: options.host, port: options.port }).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EADDRINUSE') throw error;
        throw new Error(`port ${options.port} on ${options.host} is already in use: choose another with --port (0 picks a free one)`);
      });
      process.stdout.write(`infoplane dashboard of ${runsDir} at ${dashboard.url} (Ctrl-C stops it)\n`);
      const signal = await new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      process.stderr.write(`${signal}: stopping the dashboard\n`);
      await dashboard.close();
    });
}
