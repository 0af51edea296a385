/**
 * Builds and runs the C++ baselines in bench/native against the same libtorch the addon uses
 * (native/resolve-libtorch.cjs), so a benchmark can put the TS-driven figure beside the C++ one in the
 * same run. Binaries go to native/build/bench and are rebuilt only when their source changes.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { baselineEnvironment } from '../../src/tensor/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function resolver(what: 'include' | 'ldflags'): string[] {
  const out = execFileSync(process.execPath, [path.join(root, 'native', 'resolve-libtorch.cjs'), what], { encoding: 'utf8' }).trim();
  return out === '' ? [] : out.split(/\s+/);
}

/** Compiles bench/native/<name>.cc if its binary is missing or older; returns the binary's path. */
export function buildBaseline(name: string): string {
  const source = path.join(root, 'bench', 'native', `${name}.cc`);
  const binary = path.join(root, 'native', 'build', 'bench', name);
  if (existsSync(binary) && statSync(binary).mtimeMs > statSync(source).mtimeMs) return binary;
  mkdirSync(path.dirname(binary), { recursive: true });
  process.stderr.write(`building the C++ baseline ${name} (about 20 s)…\n`);
  const includes = resolver('include').map((dir) => `-I${dir}`);
  execFileSync('g++', ['-O2', '-std=c++17', ...includes, source, '-o', binary, ...resolver('ldflags'), '-ltorch', '-ltorch_cpu', '-lc10'], { stdio: 'inherit' });
  return binary;
}

/** Runs a baseline binary with the engine's OMP, OpenBLAS and allocator settings; parses its JSON line. */
export function runBaseline<T>(binary: string, args: readonly string[]): T {
  const out = execFileSync(binary, [...args], { encoding: 'utf8', env: baselineEnvironment(), stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').at(-1)!) as T;
}
