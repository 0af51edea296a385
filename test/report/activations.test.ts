/** Activation images: the stored examples, their tiling, the greyscale PNGs, and the figure's image marks. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { activationImages, tile } from '../../src/report/figures/activations.js';
import { greyPng } from '../../src/report/png.js';
import { headlessView, sceneMarks } from '../../src/report/render.js';
import { CNN_CONFIG, MLP_CONFIG, fixtureRun } from './fixtures.js';

/** Decodes a greyscale PNG with Python's zlib and binascii (independent of the encoder): [width, height, pixels]. */
function decodeWithPython(png: Buffer): { width: number; height: number; pixels: number[] } {
  const out = execFileSync('/usr/bin/python3', ['-c', `
import sys, struct, zlib, binascii, json
data = sys.stdin.buffer.read()
assert data[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
pos, idat, ihdr = 8, b"", None
while pos < len(data):
    (length,) = struct.unpack(">I", data[pos:pos + 4]); kind = data[pos + 4:pos + 8]; body = data[pos + 8:pos + 8 + length]
    (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
    assert crc == binascii.crc32(kind + body), kind
    if kind == b"IHDR": ihdr = struct.unpack(">IIBBBBB", body)
    if kind == b"IDAT": idat += body
    pos += 12 + length
w, h, depth, colour = ihdr[:4]
assert (depth, colour) == (8, 0)
raw = zlib.decompress(idat)
rows = [raw[r * (w + 1):(r + 1) * (w + 1)] for r in range(h)]
assert all(row[0] == 0 for row in rows)
print(json.dumps([w, h, [p for row in rows for p in row[1:]]]))
`], { input: png, encoding: 'utf8' });
  const [width, height, pixels] = JSON.parse(out) as [number, number, number[]];
  return { width, height, pixels };
}

const python = existsSync('/usr/bin/python3') ? false : 'no /usr/bin/python3';

describe('activation images', () => {
  it('greyPng writes a valid 8-bit greyscale PNG of the given pixels (checked by Python)', { skip: python }, () => {
    const pixels = Uint8Array.from({ length: 15 }, (_, i) => i * 17);
    assert.deepEqual(decodeWithPython(greyPng(5, 3, pixels)), { width: 5, height: 3, pixels: [...pixels] });
    assert.throws(() => greyPng(2, 2, new Uint8Array(3)), /3 pixels for 2 × 2/);
  });

  it('tiles conv channels in a grid with one-pixel gaps and dense units in a near-square grid', () => {
    // 5 channels of 2×3 → 3 per row, 2 rows: 3·3 + 2 gaps = 11 wide, 2·2 + 1 = 5 high.
    const values = Array.from({ length: 30 }, (_, i) => i);
    const conv = tile(values, [5, 2, 3]);
    assert.deepEqual([conv.width, conv.height], [11, 5]);
    // Channel 4 (the second row's second tile) starts at x = 4, y = 3 with its first value, 4·6 = 24.
    assert.equal(conv.values[3 * 11 + 4], 24);
    assert.ok(Number.isNaN(conv.values[3]!), 'a gap');
    const dense = tile(Array.from({ length: 10 }, (_, i) => i), [10]);
    assert.deepEqual([dense.width, dense.height], [4, 3]);
    assert.deepEqual([...dense.values].slice(0, 5), [0, 1, 2, 3, 4]);
  });

  it('the run stores its examples: one image per example for the input and for each layer at the first and last epoch', async () => {
    const run = await fixtureRun(CNN_CONFIG);
    assert.equal(run.examples!.labels.length, 4);
    // One example of each of the first four classes of the probe.
    assert.deepEqual([...new Set(run.examples!.labels)].length, 4);
    const figure = activationImages(run)!;
    const marks = sceneMarks(await headlessView(figure.spec)).filter((mark) => mark.role === 'mark' && mark.marktype === 'image');
    const items = marks.flatMap((mark) => mark.items);
    // conv2d_1, max_pooling2d_1 and dense_1 (flatten is skipped) at epochs 0 and 2, and the input.
    assert.equal(items.length, 4 * (1 + 3 * 2));
  });

  it("the images' pixels are the activations: white is the layer's largest magnitude, black is 0", { skip: python }, async () => {
    const run = await fixtureRun(MLP_CONFIG);
    const figure = activationImages(run)!;
    const cells = (figure.spec as unknown as { data: { values: { example: string; column: string; url: string }[] } }).data.values;
    const last = run.records.at(-1)!.epoch;
    const stored = run.examples!.activations.find((a) => a.layer === 'dense_1' && a.epoch === last)!;
    const largest = Math.max(...stored.values.flatMap((row) => [...row].map(Math.abs)));
    const cell = cells.find((c) => c.column === `dense_1 · epoch ${last}` && c.example.startsWith('example 1 '))!;
    const { width, pixels } = decodeWithPython(Buffer.from(cell.url.replace('data:image/png;base64,', ''), 'base64'));
    // dense_1 has 6 units: a 2×3 grid, each unit a zoom × zoom block; unit k's block starts at (k % 3, k / 3)·zoom.
    const zoom = width / 3;
    stored.values[0]!.forEach((value, k) => {
      const pixel = pixels[Math.floor(k / 3) * zoom * width + (k % 3) * zoom]!;
      assert.equal(pixel, Math.round((255 * Math.abs(value)) / largest), `unit ${k}`);
    });
  });
});
