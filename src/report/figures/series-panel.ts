/**
 * The time-series panel every dynamics figure draws: one series per colour (layer or run) as lines
 * through points against epoch, with layers beneath (a zero line) or above (event markers).
 */
import { DYNAMICS_LAYOUT, type Encoding, type LayerMember, type PositionDef, type TooltipField, type View, pointSize } from './dynamics-common.js';

export interface SeriesPanelOptions {
  /** Names the panel: its group `${name}_group`, its y scale `${name}_y`, its marks `${name}_lines_marks` and `${name}_points_marks`. */
  name: string;
  title: string | { text: string; subtitle: string[]; subtitleFontSize: number; subtitleColor?: string };
  /** One row per point; every row has its `epoch`. */
  rows: readonly object[];
  x: PositionDef;
  y: PositionDef;
  /** The series' colour: an encoding (by layer, by run) or one colour for a single series. */
  color: NonNullable<Encoding['color']> | string;
  /** A second grouping drawn as line dash, its values in order (the first solid). */
  dash?: { field: string; title: string; values: readonly string[] };
  /** What the points' tooltips show. */
  tooltip: readonly TooltipField[];
  width?: number;
  height?: number;
  /** Layers drawn beneath the series (they inherit none of its encodings). */
  below?: readonly LayerMember[];
  /** Layers drawn above the series. */
  above?: readonly LayerMember[];
}

/**
 * A panel of lines through points; the dash encodes the lines only, so that its legend draws strokes.
 *
 * @example
 * seriesPanel({ name: 'gradient_snr', title: 'SNR', rows, x: epochX(epochs, false), y: logY('snr', 'SNR', values), color: layerColor(layers), tooltip: [tip('snr')] });
 */
export function seriesPanel({ name, title, rows, x, y, color, dash, tooltip, width = DYNAMICS_LAYOUT.width, height = DYNAMICS_LAYOUT.panelHeight, below = [], above = [] }: SeriesPanelOptions): View {
  const single = typeof color === 'string' ? { color } : {};
  const epochs = new Set(rows.map((row) => (row as { epoch: number }).epoch)).size;
  return {
    name,
    title,
    width,
    height,
    layer: [
      ...below,
      {
        data: { values: [...rows] },
        encoding: { x, y, ...(typeof color === 'string' ? {} : { color }) },
        layer: [
          { name: `${name}_lines`, mark: { type: 'line', strokeWidth: 1.5, ...single }, encoding: dash ? { strokeDash: { field: dash.field, type: 'nominal', title: dash.title, sort: [...dash.values] } } : {} },
          { name: `${name}_points`, mark: { type: 'point', filled: true, size: pointSize(epochs), ...single }, encoding: { tooltip: [...tooltip] } },
        ],
      },
      ...above,
    ],
  };
}
