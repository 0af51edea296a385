/**
 * Rendering a figure's Vega-Lite spec: compiled by vega-lite, run headless by vega (no browser, no
 * canvas: `renderer: 'none'`) to an SVG string, and rasterised by resvg to PNG with the system's DejaVu
 * fonts. One path for every figure; the browser uses the same specs through vega-embed.
 */
import { renderAsync } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** Errors only: vega-lite's optimiser notes ("Maximum optimization runs reached") are not for a user. */
const quiet = vega.logger(vega.Error);

/** The Vega spec that a Vega-Lite spec compiles to. */
export function compileSpec(spec: TopLevelSpec): vega.Spec {
  return compile(spec, { logger: quiet }).spec;
}

/** A headless view of the spec, run once (its scenegraph holds every mark at its position). */
export async function headlessView(spec: TopLevelSpec): Promise<vega.View> {
  const view = new vega.View(vega.parse(compileSpec(spec)), { renderer: 'none', logLevel: vega.Error });
  await view.runAsync();
  return view;
}

/**
 * The spec without its tooltips, which a static SVG or PNG never shows (vega writes no <title> for them)
 * but which cost a formatted object per mark item: 15 % of drawing a 10 000-epoch run's figures.
 * Inline data is left as it is.
 */
export function withoutTooltips<T>(spec: T): T {
  if (Array.isArray(spec)) return spec.map(withoutTooltips) as T;
  if (spec === null || typeof spec !== 'object') return spec;
  return Object.fromEntries(Object.entries(spec).filter(([key]) => key !== 'tooltip').map(([key, value]) => [key, key === 'data' || key === 'datasets' ? value : withoutTooltips(value)])) as T;
}

/** The figure as an SVG document. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = await headlessView(withoutTooltips(spec));
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const pngOptions = (scale: number) => ({ font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, fitTo: { mode: 'zoom' as const, value: scale }, background: 'white' });

/** The figure as PNG bytes, at `scale` pixels per SVG unit (2: sharp on high-density screens). */
export async function renderPng(spec: TopLevelSpec, scale = 2): Promise<Buffer> {
  return svgToPng(await renderSvg(spec), scale);
}

/**
 * An SVG document rasterised to PNG by resvg on a libuv worker thread, so that the next figure's (single
 * threaded) vega rendering can run meanwhile.
 */
export async function svgToPng(svg: string, scale = 2): Promise<Buffer> {
  return (await renderAsync(svg, pngOptions(scale))).asPng();
}

/** A mark of the scenegraph, as tests read it: its mark name, role and the items' positions and data. */
export interface SceneMark {
  name: string | undefined;
  role: string;
  marktype: string;
  items: { x?: number; y?: number; x2?: number; y2?: number; width?: number; height?: number; fill?: string; stroke?: string; text?: string; datum?: Record<string, unknown> }[];
}

/** Every mark of a headless view's scenegraph, flattened (groups descended). */
export function sceneMarks(view: vega.View): SceneMark[] {
  const marks: SceneMark[] = [];
  const visit = (node: { marktype?: string; name?: string; role?: string; items?: unknown[] }, offset: { x: number; y: number }): void => {
    if (!node.marktype) return;
    const items = (node.items ?? []) as Record<string, unknown>[];
    marks.push({
      name: node.name,
      role: node.role ?? '',
      marktype: node.marktype,
      items: items.map((item) => ({
        ...(typeof item['x'] === 'number' ? { x: (item['x'] as number) + offset.x } : {}),
        ...(typeof item['y'] === 'number' ? { y: (item['y'] as number) + offset.y } : {}),
        ...(typeof item['x2'] === 'number' ? { x2: (item['x2'] as number) + offset.x } : {}),
        ...(typeof item['y2'] === 'number' ? { y2: (item['y2'] as number) + offset.y } : {}),
        ...(typeof item['width'] === 'number' ? { width: item['width'] as number } : {}),
        ...(typeof item['height'] === 'number' ? { height: item['height'] as number } : {}),
        ...(typeof item['fill'] === 'string' ? { fill: item['fill'] as string } : {}),
        ...(typeof item['stroke'] === 'string' ? { stroke: item['stroke'] as string } : {}),
        ...(item['text'] !== undefined ? { text: String(item['text']) } : {}),
        ...(item['datum'] && typeof item['datum'] === 'object' ? { datum: item['datum'] as Record<string, unknown> } : {}),
      })),
    });
    if (node.marktype === 'group') {
      for (const item of items) {
        const origin = { x: offset.x + ((item['x'] as number | undefined) ?? 0), y: offset.y + ((item['y'] as number | undefined) ?? 0) };
        for (const child of (item['items'] as unknown[] | undefined) ?? []) visit(child as Parameters<typeof visit>[0], origin);
      }
    }
  };
  visit((view.scenegraph() as unknown as { root: Parameters<typeof visit>[0] }).root, { x: 0, y: 0 });
  return marks;
}
