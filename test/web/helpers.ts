/** Runs directories for the dashboard tests: copies of the fixture run, and requests sent byte for byte. */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { MLP_CONFIG, fixtureRunDir } from '../report/fixtures.js';

/** A fresh, empty runs directory under the system's temp dir. */
export function makeRunsDir(prefix = 'infoplane-web-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Copies the fixture MLP run (7 logged epochs, 3 layers, KDE and binning) into `dir` as `name`. */
export async function copyFixtureRun(dir: string, name: string): Promise<string> {
  const target = path.join(dir, name);
  cpSync(await fixtureRunDir(MLP_CONFIG), target, { recursive: true });
  return target;
}

/** The metrics lines of a run directory (without the trailing empty string). */
export function metricsLines(runDir: string): string[] {
  return readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8').split('\n').filter((line) => line !== '');
}

/** Rewrites a run as still running, its metrics holding only the first `keep` lines; returns the lines held back. */
export function holdBack(runDir: string, keep: number): string[] {
  const lines = metricsLines(runDir);
  writeFileSync(path.join(runDir, 'metrics.jsonl'), lines.slice(0, keep).map((line) => `${line}\n`).join(''));
  const status = JSON.parse(readFileSync(path.join(runDir, 'status.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(path.join(runDir, 'status.json'), JSON.stringify({ ...status, state: 'running', epoch: keep - 1 }));
  return lines.slice(keep);
}

/** A directory that is not a run (no config.json). */
export function makeNonRun(dir: string, name: string): void {
  mkdirSync(path.join(dir, name));
  writeFileSync(path.join(dir, name, 'notes.txt'), 'not a run');
}

/**
 * GET `rawPath` exactly as written (no URL normalisation: `..` and percent-escapes reach the server as
 * they are), with a 5 s deadline.
 */
export function rawGet(base: string, rawPath: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const request = http.request({ host: url.hostname, port: url.port, path: rawPath, headers, timeout: 5000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => { body += chunk; });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('timeout', () => request.destroy(new Error(`GET ${rawPath}: no answer within 5 s`)));
    request.on('error', reject);
    request.end();
  });
}
