/** The command line as the end-to-end tests run it: bin/infoplane.js in a child process, its output captured. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** bin/infoplane.js of this checkout (tests run from build/test/e2e). */
export const INFOPLANE = fileURLToPath(new URL('../../../bin/infoplane.js', import.meta.url));

/** Runs `infoplane ARGS…` to completion: its exit status and output. */
export function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [INFOPLANE, ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
