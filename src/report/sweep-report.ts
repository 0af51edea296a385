/**
 * `writeSweepReport`: a sweep's report.html (self-contained) and its figures as SVG and PNG, from the
 * sweep directory alone — sweep.json, the trials' run directories through the run-store reader, and
 * the aggregate (the written one when it covers the trials finished now, else computed afresh).
 */
import path from 'node:path';
import { readRun, type RunData } from '../store/index.js';
import { type AggregateInfo, aggregateSweep, readAggregate } from '../sweep/aggregate.js';
import { readSweepFile, type SweepFile } from '../sweep/spec.js';
import { type TrialStatus, stateCounts, sweepStatus } from '../sweep/state.js';
import { MAX_SEED_CURVES, type SweepData, sweepFigures } from './figures/sweep.js';
import { escapeHtml } from './html.js';
import { type ReportOptions, type ReportOutcome, writeReportPage } from './report.js';

/** The aggregate to draw: the written one if it averaged exactly the trials finished now. */
function currentAggregate(sweepDir: string, sweep: SweepFile, statuses: readonly TrialStatus[]): ReturnType<typeof aggregateSweep> {
  const written = readAggregate(sweepDir);
  const finished = (setting: number): string => statuses.filter((s) => s.trial.setting === setting && s.state === 'finished').map((s) => s.trial.id).join(',');
  if (written && sweep.settings.every((setting) => written.info.settings[setting.index]?.trials.join(',') === finished(setting.index))) return written;
  return aggregateSweep(sweepDir, sweep);
}

/** Reads what the sweep's figures draw. */
export function readSweepData(sweepDir: string): SweepData & { statuses: TrialStatus[] } {
  const sweep = readSweepFile(sweepDir);
  const statuses = sweepStatus(sweepDir, sweep);
  const { info, rows } = currentAggregate(sweepDir, sweep, statuses);
  const seedRuns = new Map<number, RunData[]>();
  const bounds = new Map<number, { hX: number; hY: number }>();
  for (const setting of sweep.settings) {
    const finished = statuses.filter((status) => status.trial.setting === setting.index && status.state === 'finished').slice(0, MAX_SEED_CURVES);
    const runs = finished.map((status) => readRun(path.join(sweepDir, status.trial.dir)));
    seedRuns.set(setting.index, runs);
    const probe = runs[0]?.config.run.probe;
    if (probe) bounds.set(setting.index, { hX: probe.hX, hY: probe.hY });
  }
  return { sweep, info, rows, seedRuns, bounds, statuses };
}

/** The heading: what the sweep is, and per setting which trials went into the means and which did not. */
export function sweepDescriptionHtml(sweep: SweepFile, info: AggregateInfo, statuses: readonly TrialStatus[]): string {
  const counts = stateCounts(statuses);
  const states = Object.entries(counts).filter(([, n]) => n > 0).map(([state, n]) => `${n} ${state}`).join(', ');
  const grid = Object.entries(sweep.spec.grid).map(([key, values]) => `${key} ∈ {${values.map((value) => JSON.stringify(value)).join(', ')}}`).join('; ');
  const rows = sweep.settings.map((setting) => {
    const entry = info.settings[setting.index];
    const leftOut = entry?.leftOut.map((trial) => `${trial.id}: ${trial.state} (${trial.reason})`).join('; ') ?? '';
    return `<tr><td>${escapeHtml(setting.label)}</td><td class="num">${entry?.trials.length ?? 0}</td><td>${escapeHtml(leftOut || '–')}</td></tr>`;
  }).join('\n');
  return `<h1>${escapeHtml(`Sweep ${sweep.name}`)}</h1>
<p class="muted">${escapeHtml(`base ${typeof sweep.spec.base === 'string' ? sweep.spec.base : 'config'} · ${sweep.settings.length} settings × ${sweep.trials.length / Math.max(1, sweep.settings.length)} seeds = ${sweep.trials.length} trials (${states}) · created ${sweep.createdAt} · means and 95 % t intervals as of ${info.createdAt}`)}</p>
<table>
<tr><th>grid</th><td colspan="2">${escapeHtml(grid || 'none (seeds only)')}</td></tr>
<tr><th>setting</th><th>trials averaged</th><th>left out (unfinished or failed, never averaged in)</th></tr>
${rows}
</table>`;
}

/**
 * Writes `report.html` and `figures/*.svg|png` for the sweep in `sweepDir`.
 *
 * @example await writeSweepReport('sweeps/saxe-ibnet');
 */
export async function writeSweepReport(sweepDir: string, options: ReportOptions = {}): Promise<ReportOutcome> {
  const data = readSweepData(sweepDir);
  return writeReportPage(options.out ?? sweepDir, {
    title: `${data.sweep.name} — infoplane sweep report`,
    sections: [sweepDescriptionHtml(data.sweep, data.info, data.statuses)],
    figures: sweepFigures(data),
    notices: [],
  }, options);
}
