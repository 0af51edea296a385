/**
 * The report page: one self-contained HTML document (opens offline: vega, vega-lite and vega-embed are
 * inlined from node_modules, each figure's spec and data inline as JSON), with the run's description, its
 * notices, the summary tables and every figure, each interactive in the page and linked as SVG and PNG.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Figure } from './figure.js';

const require = createRequire(import.meta.url);

/** A file of an installed package (its `exports` do not list the browser builds): from the package's root. */
export function packageFile(name: string, file: string): string {
  let dir = path.dirname(require.resolve(name));
  while (!existsSync(path.join(dir, 'package.json')) || (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string }).name !== name) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the ${name} package's directory`);
    dir = parent;
  }
  return path.join(dir, file);
}

/** The browser builds of vega, vega-lite and vega-embed (the report inlines them, the dashboard serves them). */
export const BROWSER_LIBRARIES = [
  ['vega', 'build/vega.min.js'],
  ['vega-lite', 'build/vega-lite.min.js'],
  ['vega-embed', 'build/vega-embed.min.js'],
] as const;

/** The browser builds that the page inlines, read once. */
let scripts: string | undefined;
function libraryScripts(): string {
  scripts ??= BROWSER_LIBRARIES
    .map(([name, file]) => `<script>${scriptSafe(readFileSync(packageFile(name, file), 'utf8'))}</script>`)
    .join('\n');
  return scripts;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for HTML content and quoted attributes (the report's and the dashboard's pages). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character]!);
}

/** Script content that cannot end its <script> element early. */
function scriptSafe(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1');
}

/** JSON that can sit inside a <script> element (no `<` at all). */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export interface ReportPage {
  title: string;
  /** Escaped HTML blocks before the figures: description, notices, tables. */
  sections: string[];
  figures: readonly Figure[];
  /** Where each figure's files are, relative to the page (e.g. `figures/`), or undefined for none. */
  figureFiles?: string;
}

const STYLE = `
body { font-family: "DejaVu Sans", system-ui, sans-serif; margin: 2rem auto; max-width: 1200px; padding: 0 1rem; color: #222; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; } h2 { font-size: 1.25rem; margin-top: 2.2rem; border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; }
table { border-collapse: collapse; margin: 0.6rem 0; font-size: 0.88rem; } th, td { border: 1px solid #ddd; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f5f5f5; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.notice { background: #fff4ce; border: 1px solid #e0c060; padding: 0.5rem 0.8rem; margin: 0.4rem 0; border-radius: 4px; }
.notice.info { background: #eef5ff; border-color: #9ab8e0; }
.figure { margin: 1.5rem 0; } .caption { color: #555; font-size: 0.9rem; max-width: 60rem; } .files { font-size: 0.85rem; }
.muted { color: #777; } details { margin: 1rem 0; } pre { background: #f7f7f7; padding: 0.8rem; overflow: auto; font-size: 0.8rem; }
.yes { color: #1a7f37; font-weight: bold; } .no { color: #666; }
`;

/** The whole page as one string. */
export function reportHtml(page: ReportPage): string {
  const figures = page.figures.map((figure, index) => `
<div class="figure" id="${escapeHtml(figure.id)}">
  <h2>${escapeHtml(figure.title)}</h2>
  <p class="caption">${escapeHtml(figure.caption)}</p>
  <div class="chart" id="chart-${index}"></div>
  ${page.figureFiles === undefined ? '' : `<p class="files">files: <a href="${escapeHtml(`${page.figureFiles}${figure.id}.svg`)}">SVG</a> · <a href="${escapeHtml(`${page.figureFiles}${figure.id}.png`)}">PNG</a></p>`}
</div>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<style>${STYLE}</style>
${libraryScripts()}
</head>
<body>
${page.sections.join('\n')}
${figures}
<script type="application/json" id="figure-specs">${jsonForScript(page.figures.map((figure) => figure.spec))}</script>
<script>
const specs = JSON.parse(document.getElementById('figure-specs').textContent);
specs.forEach((spec, index) => {
  vegaEmbed('#chart-' + index, spec, { renderer: 'svg', actions: { export: true, source: false, compiled: false, editor: false } })
    .catch((error) => { document.getElementById('chart-' + index).textContent = 'This figure could not be drawn: ' + error.message; });
});
</script>
</body>
</html>
`;
}
