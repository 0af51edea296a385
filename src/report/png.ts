/**
 * Greyscale PNG encoding (ISO/IEC 15948: signature, IHDR with colour type 0 and bit depth 8, one zlib
 * IDAT of filter-0 scanlines, IEND; chunk CRCs by zlib's crc32), for the activation images, which a figure
 * carries as data URLs in Vega-Lite image marks. resvg draws PNG from SVG; this makes PNG from pixels.
 */
import { crc32, deflateSync } from 'node:zlib';

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A width × height 8-bit greyscale PNG of `pixels` (row-major, 0 = black, 255 = white).
 *
 * @example greyPng(2, 1, Uint8Array.of(0, 255)) // a black and a white pixel
 */
export function greyPng(width: number, height: number, pixels: Uint8Array): Buffer {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0) || pixels.length !== width * height) {
    throw new RangeError(`greyPng: ${pixels.length} pixels for ${width} × ${height}`);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8);
  const scanlines = Buffer.alloc(height * (width + 1));
  for (let row = 0; row < height; row++) scanlines.set(pixels.subarray(row * width, (row + 1) * width), row * (width + 1) + 1);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(scanlines)), chunk('IEND', new Uint8Array(0))]);
}
