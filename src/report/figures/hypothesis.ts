/**
 * The stochastic-gradient hypothesis (paper §2.3.4, Figure 4): the training loss, each layer's weight-
 * gradient SNR and each layer's I(X;T) on one epoch axis, with the events that summary.json's tests
 * found — the loss kink, each layer's SNR drop and compression onset — and, where a test found nothing,
 * its best candidate drawn faintly with the reason.
 */
import type { RunData, RunSummaryRecord } from '../../store/index.js';
import type { Figure } from '../figure.js';
import {
  DYNAMICS_LAYOUT, type LayerMember, NO_EPOCH, type PositionDef, type View, config, epochX, isFiniteNumber, isPositive, kdeUpperBits, layerColor,
  layerNames, logY, messageFigure, noSnrReason, runTitle, tip, wrapLines,
} from './dynamics-common.js';
import { seriesPanel } from './series-panel.js';

export const HYPOTHESIS_FIGURE_ID = 'hypothesis';

/** What summary.json says about one event: found at `epoch`, or its best candidate there. */
interface EventRow {
  event: string;
  layer: string;
  epoch: number;
  /** The series' value at the event's epoch (where the marker sits), when logged. */
  value?: number;
  detected: boolean;
  status: string;
  pValue: number | null;
  test: string;
  reason: string;
}

type Outcome = Pick<RunSummaryRecord['lossKink'], 'tested' | 'detected' | 'epoch' | 'candidateEpoch' | 'pValue' | 'test' | 'reason'>;

/** The event's marker: at its epoch when detected, else at the candidate epoch (none when untested). */
function eventRow(event: string, layer: string, outcome: Outcome, valueAt: (epoch: number) => number | undefined): EventRow[] {
  const epoch = outcome.detected ? outcome.epoch : outcome.tested ? outcome.candidateEpoch : null;
  if (epoch === null) return [];
  const value = valueAt(epoch);
  return [{
    event, layer, epoch, ...(isFiniteNumber(value) ? { value } : {}), detected: outcome.detected, status: outcome.detected ? 'detected' : 'not detected (best candidate)',
    pValue: outcome.pValue, test: outcome.test, reason: outcome.reason,
  }];
}

interface Panel {
  name: string;
  title: string;
  /** The test results in words, one line each. */
  results: readonly string[];
  rows: readonly object[];
  x: PositionDef;
  y: PositionDef;
  /** Colour by layer (absent for the training loss). */
  layers?: readonly string[];
  events: readonly EventRow[];
}

/** One panel: the series as lines through points, event rules (faint and dashed when not detected) and markers. */
function panel({ name, title, results, rows, x, y, layers, events }: Panel): View {
  const field = (y as { field: string }).field;
  const color = layers ? { color: layerColor(layers) } : {};
  const eventTooltip = [tip('event', 'nominal'), ...(layers ? [tip('layer', 'nominal')] : []), tip('epoch'), tip('status', 'nominal'), tip('pValue', 'quantitative', 'p-value'), tip('reason', 'nominal'), tip('test', 'nominal')];
  const faint = { opacity: { condition: { test: 'datum.detected', value: 0.9 }, value: 0.35 } } as const;
  const eventLayers: LayerMember[] = events.length === 0 ? [] : [
    {
      name: `${name}_event_rules`,
      data: { values: [...events] },
      mark: { type: 'rule', strokeWidth: 1.5, ...(layers ? {} : { color: '#333' }) },
      encoding: { x: { field: 'epoch', type: 'quantitative' }, ...color, ...faint, strokeDash: { condition: { test: 'datum.detected', value: [1, 0] }, value: [5, 4] }, tooltip: eventTooltip },
    },
    {
      name: `${name}_event_markers`,
      data: { values: events.filter((event) => event.value !== undefined) },
      mark: { type: 'point', shape: 'diamond', size: 110, filled: true, stroke: 'white', strokeWidth: 0.8, ...(layers ? {} : { color: '#333' }) },
      encoding: { x: { field: 'epoch', type: 'quantitative' }, y: { field: 'value', type: 'quantitative' }, ...color, ...faint, tooltip: eventTooltip },
    },
  ];
  return seriesPanel({
    name, rows, x, y, color: layers ? layerColor(layers) : '#555', above: eventLayers,
    title: { text: title, subtitle: wrapLines(results), subtitleFontSize: DYNAMICS_LAYOUT.resultFontSize, subtitleColor: '#444' },
    tooltip: [...(layers ? [tip('layer', 'nominal')] : []), tip('epoch'), tip(field)],
  });
}

/**
 * The hypothesis figure: training loss, SNR and I(X;T) stacked on one shared epoch axis with the tested
 * events. A run without summary.json (still running) shows the series and says that the tests are not written yet.
 *
 * @example
 * const figure = hypothesisFigure(readRun('runs/ibnet-tanh')); // kink rule at summary.lossKink.epoch
 */
export function hypothesisFigure(run: RunData): Figure {
  const title = runTitle('Stochastic-gradient hypothesis', run);
  const caption = 'The three observations of the stochastic-gradient hypothesis (paper §2.3.4, Figure 4) on one epoch axis: the training loss, each layer\'s '
    + 'weight-gradient SNR ‖μ‖/‖σ‖ and each layer\'s I(X;T) (upper bound of the first KDE estimate on concatenated activations). Solid rules and diamonds mark '
    + 'the events that summary.json\'s tests detected (loss kink, SNR drop, compression onset); faint dashed ones the best candidate of a test that found none. '
    + 'The panel subtitles give each test\'s result and p-value, and whether the three events coincide where that was tested; loss and SNR are on log axes.';
  if (run.records.length === 0) return messageFigure(HYPOTHESIS_FIGURE_ID, title, caption, NO_EPOCH);
  const layers = layerNames(run);
  const { summary } = run;
  const loss = run.records.map((record) => ({ epoch: record.epoch, loss: record.train.loss })).filter((row) => isPositive(row.loss));
  const snr = run.records.flatMap((record) => record.layers.map((layer) => ({ layer: layer.name, epoch: record.epoch, snr: layer.gradient?.['kernel']?.snr ?? Number.NaN })))
    .filter((row) => isPositive(row.snr));
  const information = run.records.flatMap((record) => record.layers.map((layer) => ({ layer: layer.name, epoch: record.epoch, ixt: kdeUpperBits(layer.estimates) ?? Number.NaN })))
    .filter((row) => isFiniteNumber(row.ixt));
  const at = <R extends { epoch: number; layer?: string }>(rows: readonly R[], key: keyof R, layer?: string) => (epoch: number) =>
    rows.find((row) => row.epoch === epoch && row.layer === layer)?.[key] as number | undefined;
  const layerResults = summary?.layers ?? [];
  const x = epochX(run.records.map((record) => record.epoch), true);
  const noSummary = 'summary not yet written (the tests run when the run finishes)';
  // A series with nothing to draw (no finite SNR in full-batch training, no KDE estimator) drops its panel; the title says why.
  const panels: (Panel & { missing: string })[] = [
    {
      name: 'hypothesis_loss', title: 'Training loss', x, y: logY('loss', 'training loss', loss.map((row) => row.loss)), rows: loss,
      results: summary ? [`loss kink — ${summary.lossKink.reason}`] : [noSummary],
      events: summary ? eventRow('loss kink', 'all', summary.lossKink, at(loss, 'loss')) : [],
      missing: 'no finite training loss logged',
    },
    {
      name: 'hypothesis_snr', title: 'Weight-gradient SNR ‖μ‖/‖σ‖', x, y: logY('snr', 'SNR', snr.map((row) => row.snr)), rows: snr, layers,
      results: summary ? layerResults.map((result) => `${result.layer} — ${result.snrDrop.reason}`) : [noSummary],
      events: layerResults.flatMap((result) => eventRow('SNR drop', result.layer, result.snrDrop, at(snr, 'snr', result.layer))),
      missing: `${noSnrReason(run)}${summary ? '; SNR drops not tested' : ''}`,
    },
    {
      name: 'hypothesis_information', title: 'I(X;T), KDE upper bound', x, rows: information, layers,
      y: { field: 'ixt', type: 'quantitative', scale: { zero: false }, axis: { title: 'I(X;T) (bits)' } },
      results: summary
        ? layerResults.map((result) => `${result.layer} — ${result.compression.reason}${result.coincidence.tested ? `; the three events ${result.coincidence.reason}` : ''}`)
        : [noSummary],
      events: layerResults.flatMap((result) => eventRow('compression onset', result.layer, result.compression, at(information, 'ixt', result.layer))),
      missing: 'no KDE estimate of I(X;T) on concatenated activations in this run',
    },
  ];
  const notes = [...(summary ? [] : [noSummary]), ...panels.filter((p) => p.rows.length === 0).map((p) => p.missing)];
  if (panels.every((p) => p.rows.length === 0)) return messageFigure(HYPOTHESIS_FIGURE_ID, title, caption, notes.join('; '));
  return {
    id: HYPOTHESIS_FIGURE_ID,
    title,
    caption,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: { text: title, ...(notes.length > 0 ? { subtitle: wrapLines(notes), subtitleFontSize: DYNAMICS_LAYOUT.resultFontSize } : {}) },
      vconcat: panels.filter((p) => p.rows.length > 0).map(panel),
      resolve: { scale: { x: 'shared', color: 'shared', y: 'independent' } },
      config,
    },
  };
}
