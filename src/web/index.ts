/** The live dashboard (`infoplane serve`): a server over a runs directory that reads it through the store's reader. */
export { startDashboard, buildDashboard, type Dashboard, type DashboardOptions } from './dashboard.js';
export { interactivePlane, type PlaneControls, type PlaneToggle } from './interactive-plane.js';
// The JSON the pages read (/api/runs, /api/runs/:name/figures, /api/compare).
export type { RunEntry, HeadlineEstimate } from './runs-directory.js';
export type { RunView, CompareView, DashboardFigure } from './views.js';
