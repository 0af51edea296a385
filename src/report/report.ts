/**
 * `writeReport`: a run's report.html (self-contained) and every figure as SVG and PNG, from the run
 * directory alone; `writeComparison` the same for several runs overlaid. Both read through the run-store
 * reader, so a running or damaged run gives a report of what is valid, with its notices on top.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type RunData, readRun } from '../store/index.js';
import { isSweepDirectory } from '../sweep/spec.js';
import { writeFileAtomic } from '../store/index.js';
import type { Figure } from './figure.js';
import { compareFigures, runFigures } from './figures/index.js';
import { escapeHtml, reportHtml } from './html.js';
import { renderPng, renderSvg, svgToPng } from './render.js';
import { configHtml, descriptionHtml, finalEstimatesHtml, hypothesisHtml, noticesHtml, sensitivityHtml, validityHtml } from './sections.js';

export interface ReportOutcome {
  /** The report page. */
  html: string;
  /** Every figure file written (SVG and PNG). */
  files: string[];
  figures: Figure[];
  notices: RunData['notices'];
}

export interface ReportOptions {
  /** Where to write (default: the run directory itself). */
  out?: string;
  /** Also write each figure as SVG and PNG under `figures/` (default true). */
  figureFiles?: boolean;
  /** Called as each figure file is written (progress). */
  onFigure?: (figure: Figure, index: number, count: number) => void;
}

/** Pixels per SVG unit of the report's PNGs: 1.5 (a 1000-unit figure 1500 px wide); rasterising at 2 took
 * CPU from the drawing of the next figure on 2 cores. */
const PNG_SCALE = 1.5;

/**
 * Each figure drawn once to SVG; its PNG is rasterised from that SVG by resvg on a libuv worker while the
 * next figure is drawn (vega is single-threaded; a second thread drawing figures was slower on 2 cores).
 */
async function writeFigureFiles(figures: readonly Figure[], dir: string, onFigure: ReportOptions['onFigure']): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  // Each raster's failure is caught where it is started (no unhandled rejection while the next figure is
  // drawn) and rethrown once every raster has settled, so nothing is still writing after an error.
  const rasters: Promise<unknown>[] = [];
  let failure: unknown;
  let done = 0;
  // Largest first (the spec's size stands for its cost), so that the last raster to wait for is a small one.
  const sizes = new Map(figures.map((figure) => [figure, JSON.stringify(figure.spec).length]));
  for (const figure of [...figures].sort((a, b) => sizes.get(b)! - sizes.get(a)!)) {
    const svgFile = path.join(dir, `${figure.id}.svg`);
    const pngFile = path.join(dir, `${figure.id}.png`);
    let svg: string;
    try {
      svg = await renderSvg(figure.spec);
    } catch (error) {
      await Promise.allSettled(rasters);
      throw error;
    }
    writeFileAtomic(svgFile, svg);
    rasters.push(svgToPng(svg, PNG_SCALE).then((png) => {
      writeFileAtomic(pngFile, png);
      onFigure?.(figure, done++, figures.length);
    }).catch((error: unknown) => { failure ??= error; }));
  }
  await Promise.allSettled(rasters);
  if (failure !== undefined) throw failure;
  return figures.flatMap((figure) => [path.join(dir, `${figure.id}.svg`), path.join(dir, `${figure.id}.png`)]);
}

/**
 * Writes a report page into `out`: `report.html` with the sections and figures, and (unless
 * `figureFiles` is false) each figure as SVG and PNG under `figures/`. The run, comparison and sweep
 * reports are each this page with their own sections and figures.
 */
export async function writeReportPage(out: string, page: { title: string; sections: string[]; figures: Figure[]; notices: RunData['notices'] }, options: ReportOptions = {}): Promise<ReportOutcome> {
  mkdirSync(out, { recursive: true });
  const withFiles = options.figureFiles ?? true;
  const files = withFiles ? await writeFigureFiles(page.figures, path.join(out, 'figures'), options.onFigure) : [];
  const html = path.join(out, 'report.html');
  writeFileAtomic(html, reportHtml({ title: page.title, sections: page.sections, figures: page.figures, ...(withFiles ? { figureFiles: 'figures/' } : {}) }));
  return { html, files, figures: page.figures, notices: page.notices };
}

/** Writes one figure to `file`, as SVG or PNG by its extension. */
export async function writeFigure(figure: Figure, file: string): Promise<void> {
  const extension = path.extname(file).toLowerCase();
  if (extension !== '.svg' && extension !== '.png') throw new Error(`${file}: a figure is written as .svg or .png, not "${extension || 'no extension'}"`);
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileAtomic(file, extension === '.svg' ? await renderSvg(figure.spec) : await renderPng(figure.spec));
}

/**
 * Writes `report.html` and `figures/*.svg|png` for the run in `runDir` (or, for a sweep directory, the
 * sweep's report: sweep-report.ts).
 *
 * @example const { html } = await writeReport('runs/fig5-mlp');
 */
export async function writeReport(runDir: string, options: ReportOptions = {}): Promise<ReportOutcome> {
  // A sweep directory gets the sweep's report (averaged planes); its trials are runs of their own.
  if (isSweepDirectory(runDir)) return (await import('./sweep-report.js')).writeSweepReport(runDir, options);
  const run = readRun(runDir);
  return writeReportPage(options.out ?? runDir, {
    title: `${run.name} — infoplane report`,
    sections: [descriptionHtml(run), noticesHtml(run.notices), finalEstimatesHtml(run.records.at(-1)), sensitivityHtml(run), validityHtml(run), hypothesisHtml(run), configHtml(run)],
    figures: runFigures(run),
    notices: run.notices,
  }, options);
}

/**
 * Writes one report overlaying several runs into `out`: their figures compared, and each run's
 * description, notices and final estimates.
 *
 * @example await writeComparison(['runs/tanh', 'runs/relu'], { out: 'runs/tanh-vs-relu' });
 */
export async function writeComparison(runDirs: readonly string[], options: ReportOptions & { out: string }): Promise<ReportOutcome> {
  if (runDirs.length < 2) throw new Error(`compare needs at least two runs, got ${runDirs.length}`);
  const runs = runDirs.map((dir) => readRun(dir));
  const notices = runs.flatMap((run) => run.notices.map((notice) => ({ ...notice, file: `${run.name}/${notice.file}` })));
  return writeReportPage(options.out, {
    title: `${runs.map((run) => run.name).join(' vs ')} — infoplane comparison`,
    sections: [
      `<h1>${escapeHtml(runs.map((run) => run.name).join(' · '))}</h1>`,
      noticesHtml(notices),
      ...runs.map((run) => `${descriptionHtml(run).replace('<h1>', '<h2>').replace('</h1>', '</h2>')}${finalEstimatesHtml(run.records.at(-1))}`),
    ],
    figures: compareFigures(runs),
    notices,
  }, options);
}
