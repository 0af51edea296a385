/** Shared by the reader tests: a scratch directory removed after the test file, and file-error assertions. */
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh temporary directory, deleted when the calling test file ends; `write` puts a file in it. */
export function scratchDirectory(): { dir: string; write: (name: string, content: Uint8Array | string) => string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'infoplane-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    write: (name, content) => {
      const target = path.join(dir, name);
      writeFileSync(target, content);
      return target;
    },
  };
}

/** Asserts that `read` throws an Error whose message starts with `<file>: ` and matches `problem`. */
export function assertFileError(read: () => unknown, file: string, problem: RegExp): void {
  let thrown: unknown;
  try {
    read();
  } catch (error) {
    thrown = error;
  }
  assert.ok(thrown instanceof Error, `expected reading ${file} to throw an Error matching ${problem}, but it ${thrown === undefined ? 'returned' : `threw ${String(thrown)}`}`);
  assert.ok(thrown.message.startsWith(`${file}: `), `the message does not start with the file name: ${thrown.message}`);
  assert.match(thrown.message, problem);
}

/**
 * Asserts that every proper prefix of a valid file — a file cut short anywhere — is rejected with an Error
 * naming the file, except the `validLengths` at which the cut leaves a complete smaller file.
 */
export function assertEveryPrefixRejected(bytes: Uint8Array, read: (file: string) => unknown, write: (content: Uint8Array) => string, validLengths: readonly number[] = []): void {
  for (let length = 0; length < bytes.length; length++) {
    if (validLengths.includes(length)) continue;
    const file = write(bytes.subarray(0, length));
    assertFileError(() => read(file), file, /./);
  }
}
