/**
 * What a dashboard page draws, as JSON: the run (or runs) with their notices and the report's figures
 * (src/report/figures), the plane made interactive. A figure that cannot be drawn becomes a notice, so a
 * page always shows what is valid.
 */
import type { Figure } from '../report/figure.js';
import { compareFigures, runFigures } from '../report/figures/index.js';
import type { RunData, RunNotice } from '../store/index.js';
import { type PlaneControls, interactivePlane } from './interactive-plane.js';
import { type RunEntry, type RunRead, runEntry } from './runs-directory.js';

/** The figures the dashboard drives with an epoch slider and toggles. */
const INTERACTIVE_FIGURES = new Set(['information-plane', 'compare-information-plane']);

/** A figure as the page embeds it; `controls` when the page drives it. */
export interface DashboardFigure extends Figure {
  controls?: PlaneControls;
}

/** A run's page: its row, notices (the run's own and the dashboard's) and figures. */
export interface RunView {
  entry: RunEntry;
  notices: RunNotice[];
  figures: DashboardFigure[];
}

/** Several runs' page: each run's row and notices, and the figures overlaying them. */
export interface CompareView {
  runs: { entry: RunEntry; notices: RunNotice[] }[];
  notices: RunNotice[];
  figures: DashboardFigure[];
}

function dashboardFigures(draw: () => Figure[], notices: RunNotice[]): DashboardFigure[] {
  let figures: Figure[];
  try {
    figures = draw();
  } catch (error) {
    notices.push({ level: 'warning', file: 'figures', message: `the figures could not be drawn: ${(error as Error).message}` });
    return [];
  }
  return figures.map((figure) => {
    if (!INTERACTIVE_FIGURES.has(figure.id)) return figure;
    const { spec, controls } = interactivePlane(figure.spec);
    return { ...figure, spec, controls };
  });
}

/**
 * The run page of a run as read.
 *
 * @example
 * runView('fig5-mlp', { run: readRun('runs/fig5-mlp') }).figures.map((figure) => figure.id) // ['information-plane', 'mi-epochs', …]
 */
export function runView(name: string, read: RunRead): RunView {
  const entry = runEntry(name, read);
  if (read.error !== undefined) return { entry, notices: [{ level: 'warning', file: 'config.json', message: read.error }], figures: [] };
  const notices = [...read.run.notices];
  return { entry, notices, figures: dashboardFigures(() => runFigures(read.run), notices) };
}

/**
 * The compare page of runs as read; unreadable runs are shown with their error and left out of the figures.
 *
 * @example
 * compareView(['tanh', 'relu'].map((name) => ({ name, read: { run: readRun(`runs/${name}`) } }))).figures[0].id // 'compare-information-plane'
 */
export function compareView(reads: readonly { name: string; read: RunRead }[]): CompareView {
  const runs = reads.map(({ name, read }) => ({ entry: runEntry(name, read), notices: read.run?.notices ?? [{ level: 'warning' as const, file: 'config.json', message: read.error! }] }));
  const readable: RunData[] = reads.flatMap(({ read }) => (read.run ? [read.run] : []));
  const notices: RunNotice[] = [];
  const figures = readable.length > 0 ? dashboardFigures(() => compareFigures(readable), notices) : [];
  return { runs, notices, figures };
}
