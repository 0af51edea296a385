#!/usr/bin/env node
// The infoplane command. Requires the TypeScript build (run `bash scripts/setup.sh` once).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../build/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error('infoplane is not built yet. Run `bash scripts/setup.sh` (or `npm start`) first.');
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv);
