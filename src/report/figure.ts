/**
 * A figure: a pure function's output, a Vega-Lite spec built from validated run data (no I/O). The same
 * spec gives the SVG and PNG (render.ts) and the interactive chart (vega-embed in the report and the
 * dashboard).
 */
import type { TopLevelSpec } from 'vega-lite';

export interface Figure {
  /** Stable id, used as the file name (`information-plane` → information-plane.svg) and the page anchor. */
  id: string;
  title: string;
  /** One or two sentences for the report: what is drawn, from which numbers. */
  caption: string;
  spec: TopLevelSpec;
}

/** Shared look: one font that Debian's fonts-dejavu-core provides (the PNG renderer has no others). */
export const FIGURE_CONFIG = {
  font: 'DejaVu Sans',
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  title: { fontSize: 14, anchor: 'start' },
  view: { stroke: '#ddd' },
} as const;
