/**
 * Activation images (the paper's Figure 10): for each stored probe example, its input and every layer's
 * activations at the first and the last logged epoch, in greyscale — white the layer's largest value over
 * the examples at that epoch, black 0 (layers with negative values, e.g. tanh, show the magnitude). Conv
 * channels are tiled in a grid; a dense layer's units fill a near-square grid. Each image is a PNG data URL
 * in a Vega-Lite image mark, so the browser, the SVG and the PNG all draw the same pixels.
 */
import type { ExampleActivation, RunData } from '../../store/index.js';
import { FIGURE_CONFIG, type Figure } from '../figure.js';
import { greyPng } from '../png.js';

/** Side of a cell in the figure, px. */
const CELL = 84;

interface Tiled {
  width: number;
  height: number;
  /** Row-major values, NaN for the gaps between tiles. */
  values: Float64Array;
}

/** Lays one example's values out as a 2-D picture: [C, H, W] as a grid of C tiles, [H, W] as is, [d] as a near-square grid. */
export function tile(values: ArrayLike<number>, shape: readonly number[]): Tiled {
  const [channels, height, width] = shape.length === 3 ? shape : shape.length === 2 ? [1, shape[0]!, shape[1]!] : [1, ...squareish(values.length)];
  const perRow = Math.ceil(Math.sqrt(channels!));
  const rows = Math.ceil(channels! / perRow);
  const gap = channels! > 1 ? 1 : 0;
  const outWidth = perRow * width! + (perRow - 1) * gap;
  const outHeight = rows * height! + (rows - 1) * gap;
  const out = new Float64Array(outWidth * outHeight).fill(Number.NaN);
  for (let c = 0; c < channels!; c++) {
    const x0 = (c % perRow) * (width! + gap);
    const y0 = Math.floor(c / perRow) * (height! + gap);
    for (let y = 0; y < height!; y++) {
      for (let x = 0; x < width!; x++) {
        const index = (c * height! + y) * width! + x;
        if (index < values.length) out[(y0 + y) * outWidth + x0 + x] = values[index]!;
      }
    }
  }
  return { width: outWidth, height: outHeight, values: out };
}

/** The near-square [rows, columns] a vector of `n` values fills (28 × 28 for 784, 32 × 32 for 1024). */
function squareish(n: number): [number, number] {
  const columns = Math.ceil(Math.sqrt(n));
  return [Math.ceil(n / columns), columns];
}

/** A tiled picture as a PNG data URL: value/scale → grey, gaps mid-grey, upscaled by whole pixels to about CELL. */
function dataUrl(picture: Tiled, scale: number): string {
  const zoom = Math.max(1, Math.floor(CELL / Math.max(picture.width, picture.height)));
  const width = picture.width * zoom;
  const height = picture.height * zoom;
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const value = picture.values[Math.floor(y / zoom) * picture.width + Math.floor(x / zoom)]!;
      pixels[y * width + x] = Number.isNaN(value) ? 128 : Math.round(255 * Math.min(1, Math.abs(value) / scale));
    }
  }
  return `data:image/png;base64,${greyPng(width, height, pixels).toString('base64')}`;
}

/** The largest magnitude over the examples' values (1 when all are 0). */
function magnitude(rows: readonly ArrayLike<number>[]): number {
  let largest = 0;
  for (const row of rows) for (let i = 0; i < row.length; i++) largest = Math.max(largest, Math.abs(row[i]!));
  return largest > 0 ? largest : 1;
}

interface Cell {
  example: string;
  column: string;
  url: string;
  label: string;
}

/** The activation-images figure of a run that stores examples, or undefined when it stores none. */
export function activationImages(run: RunData): Figure | undefined {
  const examples = run.examples;
  if (!examples || examples.activations.length === 0) return undefined;
  const epochs = [...new Set(examples.activations.map((a) => a.epoch))].sort((a, b) => a - b);
  const rowNames = examples.labels.map((label, i) => `example ${i + 1} (class ${label})`);
  const cells: Cell[] = [];
  const inputScale = magnitude(examples.inputs);
  examples.inputs.forEach((values, i) => cells.push({ example: rowNames[i]!, column: 'input', url: dataUrl(tile(values, examples.inputShape), inputScale), label: `input, largest ${inputScale.toPrecision(3)}` }));
  const columns = ['input'];
  // A flatten layer is the layer before it, reshaped: drawn once, there.
  for (const layer of run.config.run.layers.filter((l) => l.type !== 'flatten')) {
    for (const epoch of epochs) {
      const stored: ExampleActivation | undefined = examples.activations.find((a) => a.layer === layer.name && a.epoch === epoch);
      if (!stored) continue;
      const column = `${layer.name} · epoch ${epoch}`;
      columns.push(column);
      const scale = magnitude(stored.values);
      stored.values.forEach((values, i) => cells.push({ example: rowNames[i]!, column, url: dataUrl(tile(values, stored.shape), scale), label: `${column}, white = ${scale.toPrecision(3)}` }));
    }
  }
  return {
    id: 'activation-images',
    title: `Activation images — ${run.name}`,
    caption: `Each stored probe example's input and every layer's activations at the first and the last logged epoch (${epochs.join(' and ')}), as in the paper's Figure 10: greyscale with white the layer's largest magnitude over these examples at that epoch and black 0 (negative values show their magnitude); conv channels tiled, dense units in a near-square grid, mid-grey gaps.`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: { text: `Activation images — ${run.name}`, subtitle: `first and last logged epoch (${epochs.join(', ')})` },
      config: { ...FIGURE_CONFIG, view: { stroke: null } },
      data: { values: cells },
      width: { step: CELL + 12 },
      height: { step: CELL + 12 },
      mark: { type: 'image', width: CELL, height: CELL, aspect: true },
      encoding: {
        x: { field: 'column', type: 'nominal', sort: columns, title: null, axis: { orient: 'top', labelAngle: -35, labelAlign: 'left', labelLimit: 240, domain: false, ticks: false } },
        y: { field: 'example', type: 'nominal', sort: rowNames, title: null, axis: { domain: false, ticks: false } },
        url: { field: 'url', type: 'nominal' },
        tooltip: [{ field: 'example' }, { field: 'label', title: 'image' }],
      },
    },
  };
}
