/**
 * NPZ: numpy's archive of named arrays (`np.savez`), a ZIP file of .npy members. Writing stores the members
 * uncompressed, as np.savez does, so `np.load('x.npz')['name']` reads them back; reading also takes
 * `np.savez_compressed` files (deflate) and numpy's ZIP64 entries. Members that are not .npy (a JSON
 * sidecar, say) are kept as raw bytes.
 */
import { crc32, inflateRawSync } from 'node:zlib';
import { readFileBytes, writeFileAtomic } from './bytes.js';
import { type NpyArray, type NpyReadOptions, decodeNpy, encodeNpy } from './npy.js';

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;
const STORED = 0;
const DEFLATED = 8;
/** 1980-01-01 00:00 in MS-DOS date/time: members carry no real time, so the same arrays give the same bytes. */
const DOS_DATE = 0x21;

/**
 * The bytes of a ZIP archive of the given members, stored (not compressed).
 *
 * @example
 * const bytes = encodeZip(new Map([['a.npy', encodeNpy(new Float32Array([1, 2]), [2], 'float32')]]));
 */
export function encodeZip(members: ReadonlyMap<string, Uint8Array>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of members) {
    const nameBytes = Buffer.from(name, 'utf8');
    if (data.length > 0xfffffffe || offset > 0xfffffffe) throw new RangeError(`${name}: ZIP members and archives above 4 GiB are not supported`);
    // The fields local and central headers share (flags … name length), at their offsets in each.
    const flags = /[^\x20-\x7e]/.test(name) ? 0x800 : 0; // bit 11: the name is UTF-8
    const crc = crc32(data);
    const shared = (header: Buffer, at: number): Buffer => {
      header.writeUInt16LE(flags, at);
      header.writeUInt16LE(STORED, at + 2);
      header.writeUInt16LE(DOS_DATE, at + 6);
      header.writeUInt32LE(crc, at + 8);
      header.writeUInt32LE(data.length, at + 12);
      header.writeUInt32LE(data.length, at + 16);
      header.writeUInt16LE(nameBytes.length, at + 20);
      return header;
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL, 0);
    local.writeUInt16LE(20, 4);
    shared(local, 6);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    shared(central, 8);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END, 0);
  end.writeUInt16LE(members.size, 8);
  end.writeUInt16LE(members.size, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/**
 * The members of a ZIP archive by name (stored or deflated, ZIP64 sizes included), each checked against its
 * CRC-32; `name` starts every error message.
 */
export function decodeZip(bytes: Uint8Array, name: string): Map<string, Buffer> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (problem: string): never => {
    throw new Error(`${name}: ${problem}`);
  };
  // The end record is the last 22 bytes plus a comment of at most 65 535 bytes.
  let end = -1;
  for (let at = buffer.length - 22; at >= Math.max(0, buffer.length - 22 - 0xffff); at--) {
    if (buffer.readUInt32LE(at) === END) {
      end = at;
      break;
    }
  }
  if (end < 0) fail(buffer.length < 22 ? `not a ZIP/NPZ file: ${buffer.length} bytes is too short` : 'not a ZIP/NPZ file (no end-of-archive record): truncated or another format');
  const count = buffer.readUInt16LE(end + 10);
  let at = buffer.readUInt32LE(end + 16);
  const members = new Map<string, Buffer>();
  for (let index = 0; index < count; index++) {
    if (at + 46 > buffer.length || buffer.readUInt32LE(at) !== CENTRAL) fail(`damaged archive: directory entry ${index} is missing`);
    const method = buffer.readUInt16LE(at + 10);
    const crc = buffer.readUInt32LE(at + 16);
    let compressedSize = buffer.readUInt32LE(at + 20);
    let size = buffer.readUInt32LE(at + 24);
    const nameLength = buffer.readUInt16LE(at + 28);
    const extraLength = buffer.readUInt16LE(at + 30);
    const commentLength = buffer.readUInt16LE(at + 32);
    let localOffset = buffer.readUInt32LE(at + 42);
    const memberName = buffer.toString('utf8', at + 46, at + 46 + nameLength);
    // ZIP64: each field that reads 0xFFFFFFFF is in the extra field 0x0001, in this order.
    for (let extra = at + 46 + nameLength; extra + 4 <= at + 46 + nameLength + extraLength;) {
      const id = buffer.readUInt16LE(extra);
      const length = buffer.readUInt16LE(extra + 2);
      if (id === 1) {
        let field = extra + 4;
        const next = (): number => {
          if (field + 8 > buffer.length) fail(`damaged archive: the ZIP64 sizes of ${memberName} are cut off`);
          const value = Number(buffer.readBigUInt64LE(field));
          field += 8;
          return value;
        };
        if (size === 0xffffffff) size = next();
        if (compressedSize === 0xffffffff) compressedSize = next();
        if (localOffset === 0xffffffff) localOffset = next();
      }
      extra += 4 + length;
    }
    at += 46 + nameLength + extraLength + commentLength;
    if (localOffset + 30 > buffer.length || buffer.readUInt32LE(localOffset) !== LOCAL) fail(`damaged archive: the entry of ${memberName} is missing`);
    const dataStart = localOffset + 30 + buffer.readUInt16LE(localOffset + 26) + buffer.readUInt16LE(localOffset + 28);
    if (dataStart + compressedSize > buffer.length) fail(`truncated: ${memberName} needs ${compressedSize} bytes but the file ends first`);
    const stored = buffer.subarray(dataStart, dataStart + compressedSize);
    let data: Buffer;
    if (method === STORED) data = stored;
    else if (method === DEFLATED) {
      try {
        data = inflateRawSync(stored);
      } catch (error) {
        return fail(`damaged archive: ${memberName} does not inflate (${(error as Error).message})`);
      }
    } else return fail(`${memberName} uses ZIP compression method ${method}; only stored (np.savez) and deflate (np.savez_compressed) are supported`);
    if (data.length !== size) fail(`damaged archive: ${memberName} has ${data.length} bytes, not the ${size} its entry declares`);
    if (crc32(data) !== crc) fail(`damaged archive: ${memberName} fails its CRC-32 check`);
    members.set(memberName, data);
  }
  return members;
}

export interface NpzContents {
  /** The .npy members by name without `.npy`, as numpy's `np.load` names them. */
  arrays: Map<string, NpyArray>;
  /** Any other members, raw. */
  others: Map<string, Buffer>;
}

/** Parses the bytes of an .npz file; `name` starts every error message. */
export function decodeNpz(bytes: Uint8Array, name: string, options: NpyReadOptions = {}): NpzContents {
  const arrays = new Map<string, NpyArray>();
  const others = new Map<string, Buffer>();
  for (const [member, data] of decodeZip(bytes, name)) {
    if (member.endsWith('.npy')) arrays.set(member.slice(0, -4), decodeNpy(data, `${name}: ${member}`, options));
    else others.set(member, data);
  }
  return { arrays, others };
}

/** Reads an .npz file (np.savez or np.savez_compressed). */
export function readNpz(file: string, options: NpyReadOptions = {}): NpzContents {
  return decodeNpz(readFileBytes(file), file, options);
}

/**
 * Writes an .npz file atomically (one write, one fsync, one rename): each array as `<name>.npy`, plus raw
 * members (names kept as given).
 *
 * @example
 * writeNpz('state.npz', new Map([['w', { data: new Float32Array(6), shape: [2, 3], dtype: 'float32' }]]));
 */
export function writeNpz(file: string, arrays: ReadonlyMap<string, NpyArray>, others: ReadonlyMap<string, Uint8Array> = new Map()): void {
  const members = new Map<string, Uint8Array>();
  for (const [key, array] of arrays) members.set(`${key}.npy`, encodeNpy(array.data, array.shape, array.dtype));
  for (const [key, data] of others) members.set(key, data);
  try {
    writeFileAtomic(file, encodeZip(members));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw Object.assign(new Error(`${file}: cannot write the archive (${code ?? (error as Error).message})`), { code });
  }
}
