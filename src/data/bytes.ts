/** Byte-level helpers the binary readers share: reading a file with errors that name it, aligned copies in host byte order. */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { endianness } from 'node:os';

/** Reads a whole file; a failure becomes an Error naming the file and the system's reason. */
export function readFileBytes(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new Error(`${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/**
 * Copies `length` bytes of `itemBytes`-wide values starting at `start` into a fresh ArrayBuffer in host byte
 * order. The copy also aligns the values: a typed array cannot view a buffer at an offset that is not a
 * multiple of its element size, and file headers put the data wherever they end.
 */
export function hostOrderCopy(bytes: Uint8Array, start: number, length: number, itemBytes: number, littleEndian: boolean): ArrayBuffer {
  const buffer = new ArrayBuffer(length);
  const copy = Buffer.from(buffer);
  copy.set(bytes.subarray(start, start + length));
  if (itemBytes > 1 && littleEndian !== (endianness() === 'LE')) {
    if (itemBytes === 2) copy.swap16();
    else if (itemBytes === 4) copy.swap32();
    else copy.swap64();
  }
  return buffer;
}

/** The index of the first NaN or ±Infinity in float data, or -1. */
export function firstNonFinite(data: ArrayLike<number | bigint>): number {
  if (!(data instanceof Float32Array || data instanceof Float64Array)) return -1;
  return data.findIndex((value) => !Number.isFinite(value));
}

/**
 * Writes all of `bytes` to a descriptor: writeSync may write less than asked (a nearly full disk) without
 * throwing, so it keeps going until everything is written or a write throws.
 */
export function writeAll(descriptor: number, bytes: Uint8Array): void {
  for (let offset = 0; offset < bytes.length;) offset += writeSync(descriptor, bytes, offset);
}

/**
 * Writes a file atomically: a temporary beside it, fsynced, then renamed over it, so a crash or a full disk
 * never leaves a half-written file. Errors (with the temporary removed) carry the system's code.
 */
export function writeFileAtomic(file: string, content: string | Uint8Array): void {
  const temporary = `${file}.tmp-${process.pid}`;
  try {
    const descriptor = openSync(temporary, 'w');
    try {
      writeAll(descriptor, typeof content === 'string' ? Buffer.from(content) : content);
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
