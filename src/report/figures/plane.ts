/**
 * The information-plane figures of a run — the plane itself and I(X;T), I(Y;T) against epoch per layer —
 * and of several runs compared on the estimator panels they share.
 */
import type { RunData } from '../../store/index.js';
import type { Figure } from '../figure.js';
import { informationPlaneSpec } from './information-plane.js';
import { miEpochsSpec } from './mi-epochs.js';
import { type EstimateRow, estimateRows, isInterval, layerOrder, loggedEpochs, panelsOf, runMethods } from './plane-data.js';
import { barEpochs, epochScaleType, messageSpec } from './plane-style.js';

const PLANE_TITLE = 'Information plane';
const MI_TITLE = 'Mutual information against epoch';
const NO_EPOCH = 'no logged epoch yet';
const NO_ESTIMATE = 'no information estimate recorded';

/** What the dots and bars mean, when some estimator gives bounds. */
function boundsSentence(rows: readonly EstimateRow[]): string {
  return rows.some((row) => isInterval(row.ixtLower, row.ixtUpper) || isInterval(row.iytLower, row.iytUpper))
    ? ' Where the estimator gives bounds (KDE) the dot is at the upper bound (the paper’s f(1)) and the bars span lower to upper bound on both axes.'
    : '';
}

/** Which epochs carry bars, for each run with too many logged epochs to draw them all. */
function barSentence(rows: readonly EstimateRow[]): string {
  if (!rows.some((row) => isInterval(row.ixtLower, row.ixtUpper))) return '';
  const thinned = [...new Set(rows.map((row) => row.run))].flatMap((run) => {
    const epochs = new Set(rows.filter((row) => row.run === run).map((row) => row.epoch));
    const drawn = barEpochs([...epochs]).length;
    return drawn < epochs.size ? [`${drawn} of the ${epochs.size} logged epochs of ${run}`] : [];
  });
  return thinned.length > 0 ? ` Bars are drawn at ${listed(thinned)} (evenly spaced in order, the first and the last included) so that they do not cover the plane.` : '';
}

function channelSentence(rows: readonly EstimateRow[]): string {
  if (!rows.some((row) => row.channels.length > 0)) return '';
  const borrowed = rows.some((row) => row.fromConcat)
    ? ' Layers without channels (dense, flatten) appear there with their concat estimate, which the mean method equals by definition.'
    : '';
  return ` Under the mean method the dot is the mean over channels and a faint ring marks each channel’s own upper bounds (their spread).${borrowed}`;
}

/** Plane columns: the two methods side by side, else up to three panels a row. */
function planeColumns(panels: number, methods: number): number {
  return methods > 1 ? 2 : Math.min(3, panels);
}

function notice(id: string, title: string, run: string, message: string): Figure {
  return { id, title, caption: `${title} of ${run}: ${message}.`, spec: messageSpec(`${title} · ${run}`, message) };
}

/**
 * The run's information-plane figures: `information-plane` (a panel per estimator and conv method) and
 * `mi-epochs` (I(X;T) and I(Y;T) of each layer against epoch). A run without logged epochs gets figures
 * that say so.
 *
 * @example planeFigures(readRun('runs/fig5-mlp')).map((figure) => figure.id) // ['information-plane', 'mi-epochs']
 */
export function planeFigures(run: RunData): Figure[] {
  const rows = estimateRows(run);
  const message = run.records.length === 0 ? NO_EPOCH : rows.length === 0 ? NO_ESTIMATE : undefined;
  if (message) return [notice('information-plane', PLANE_TITLE, run.name, message), notice('mi-epochs', MI_TITLE, run.name, message)];
  const { hX, hY } = run.config.run.probe;
  const panels = panelsOf(rows);
  const epochs = loggedEpochs(run);
  const span: [number, number] = [epochs[0]!, epochs.at(-1)!];
  const layers = layerOrder(run).filter((layer) => rows.some((row) => row.layer === layer));
  const cells = panels.map((panel) => ({ title: panel, rows: rows.filter((row) => row.panel === panel), hX, hY }));
  const probe = `${run.config.run.probe.samples} probe samples: H(X) = ${hX.toFixed(2)} bits, H(Y) = ${hY.toFixed(2)} bits`;
  return [
    {
      id: 'information-plane',
      title: PLANE_TITLE,
      caption: `I(X;T) against I(Y;T) of every layer of ${run.name} at each of its ${epochs.length} logged epochs, one panel per estimator`
        + `${runMethods(run).size > 1 ? ' and conv method' : ''}: dots coloured by layer, each epoch's layers joined input side to output by a line`
        + ` coloured by epoch (${epochScaleType(...span)} colour scale, epochs ${span[0]}–${span[1]}); dashed red lines at x = 0, H(X) and y = 0, H(Y) (${probe}).`
        + `${boundsSentence(rows)}${barSentence(rows)}${channelSentence(rows)}`,
      spec: informationPlaneSpec({ title: `${PLANE_TITLE} · ${run.name}`, cells, layers, epochs: span, columns: planeColumns(panels.length, runMethods(run).size) }),
    },
    {
      id: 'mi-epochs',
      title: MI_TITLE,
      caption: `I(X;T) (top) and I(Y;T) (bottom) of each layer of ${run.name} against epoch + 1 on a log axis (epoch 0, the untrained network, at 1),`
        + ' one column per panel of the information plane; the line is at the upper bound and, where the estimator gives bounds (KDE),'
        + ` a shaded band spans lower to upper bound. Dashed red lines at H(X) and H(Y) (${probe}).`,
      spec: miEpochsSpec({
        title: `${MI_TITLE} · ${run.name}`,
        columns: panels.map((panel) => ({ title: panel, rows: rows.filter((row) => row.panel === panel), bounds: [{ hX, hY }] })),
        series: (row) => row.layer,
        seriesOrder: layers,
        seriesTitle: 'layer',
        epochs: span,
      }),
    },
  ];
}

/** Run labels for a comparison: the run names, numbered where two runs share one. */
function runLabels(runs: readonly RunData[]): string[] {
  return runs.map((run, index) => {
    const same = runs.filter((other) => other.name === run.name).length;
    const before = runs.slice(0, index).filter((other) => other.name === run.name).length;
    return same > 1 ? `${run.name} (${before + 1})` : run.name;
  });
}

/** The last hidden layer of a run (the one before the output), among the layers with estimates. */
function lastHiddenLayer(run: RunData, rows: readonly EstimateRow[]): string {
  const layers = layerOrder(run).filter((layer) => rows.some((row) => row.layer === layer));
  return layers.length > 1 ? layers.at(-2)! : layers[0]!;
}

function listed(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/**
 * Figures overlaying several runs (tanh against ReLU, seeds, σ²) on the estimator panels every run has:
 * `compare-information-plane` (a cell per panel and run) and `compare-mi-epochs` (each run's last hidden
 * layer against epoch). Panels only some runs have, and runs without logged epochs, are left out and the
 * captions say which.
 *
 * @example comparePlaneFigures([readRun('runs/ibnet-tanh'), readRun('runs/ibnet-relu')]).map((figure) => figure.id) // ['compare-information-plane', 'compare-mi-epochs']
 */
export function comparePlaneFigures(runs: readonly RunData[]): Figure[] {
  const planeTitle = `${PLANE_TITLE}, runs compared`;
  const miTitle = `${MI_TITLE}, runs compared`;
  const labels = runLabels(runs);
  const showMethod = new Set(runs.flatMap((run) => [...runMethods(run)])).size > 1;
  const all = runs.map((run, index) => ({ run, label: labels[index]!, rows: estimateRows(run, { runLabel: labels[index]!, showMethod }) }));
  const compared = all.filter((entry) => entry.rows.length > 0);
  const skipped = all.filter((entry) => entry.rows.length === 0).map((entry) => entry.label);
  const panels = panelsOf(compared.flatMap((entry) => entry.rows));
  const shared = panels.filter((panel) => compared.every((entry) => entry.rows.some((row) => row.panel === panel)));
  const message = runs.length === 0 ? 'no runs to compare' : compared.length === 0 ? 'no run has a logged epoch yet'
    : shared.length === 0 ? 'the runs share no estimator panel' : undefined;
  const subject = listed(labels);
  if (message) return [notice('compare-information-plane', planeTitle, subject, message), notice('compare-mi-epochs', miTitle, subject, message)];
  const leftOut = [
    ...panels.filter((panel) => !shared.includes(panel))
      .map((panel) => `${panel} (only in ${listed(compared.filter((entry) => entry.rows.some((row) => row.panel === panel)).map((entry) => entry.label))})`),
    ...(skipped.length > 0 ? [`the runs without estimates (${listed(skipped)})`] : []),
  ];
  const leftOutSentence = leftOut.length > 0 ? ` Left out: ${listed(leftOut)}.` : '';
  const rows = compared.flatMap((entry) => entry.rows.filter((row) => shared.includes(row.panel)));
  const epochs = compared.flatMap((entry) => loggedEpochs(entry.run));
  const span: [number, number] = [Math.min(...epochs), Math.max(...epochs)];
  const layers = [...new Set(compared.flatMap((entry) => layerOrder(entry.run).filter((layer) => entry.rows.some((row) => row.layer === layer))))];
  const probes = compared.map((entry) => ({ label: entry.label, ...entry.run.config.run.probe }));
  const sameBounds = probes.every((probe) => probe.hX === probes[0]!.hX && probe.hY === probes[0]!.hY);
  const boundsText = sameBounds ? `H(X) = ${probes[0]!.hX.toFixed(2)} bits, H(Y) = ${probes[0]!.hY.toFixed(2)} bits`
    : probes.map((probe) => `${probe.label}: H(X) = ${probe.hX.toFixed(2)}, H(Y) = ${probe.hY.toFixed(2)} bits`).join('; ');
  const cells = shared.flatMap((panel) => compared.map((entry) => ({
    title: `${entry.label} · ${panel}`,
    rows: entry.rows.filter((row) => row.panel === panel),
    hX: entry.run.config.run.probe.hX,
    hY: entry.run.config.run.probe.hY,
  })));
  const hidden = compared.map((entry) => ({ ...entry, layer: lastHiddenLayer(entry.run, entry.rows) }));
  const series = (row: EstimateRow): string => `${row.run} · ${row.layer}`;
  return [
    {
      id: 'compare-information-plane',
      title: planeTitle,
      caption: `The information plane of ${subject} side by side, a column per run and a row per estimator panel they share (${listed(shared)}):`
        + ` dots coloured by layer, each epoch's layers joined by a line coloured by epoch (${epochScaleType(...span)} colour scale, epochs ${span[0]}–${span[1]});`
        + ` dashed red lines at x = 0, H(X) and y = 0, H(Y) (${boundsText}).${boundsSentence(rows)}${barSentence(rows)}${channelSentence(rows)}${leftOutSentence}`,
      spec: informationPlaneSpec({ title: `${PLANE_TITLE} · ${subject}`, cells, layers, epochs: span, columns: compared.length }),
    },
    {
      id: 'compare-mi-epochs',
      title: miTitle,
      caption: `I(X;T) (top) and I(Y;T) (bottom) of each run's last hidden layer (${hidden.map((entry) => `${entry.label}: ${entry.layer}`).join('; ')})`
        + ' against epoch + 1 on a log axis (epoch 0 at 1), a colour per run, a column per shared estimator panel; the line is at the upper bound'
        + ` and a shaded band spans lower to upper bound where they differ (KDE). Dashed red lines at H(X) and H(Y) (${boundsText}).${leftOutSentence}`,
      spec: miEpochsSpec({
        title: `${MI_TITLE} · ${subject}`,
        columns: shared.map((panel) => ({
          title: panel,
          rows: hidden.flatMap((entry) => entry.rows.filter((row) => row.panel === panel && row.layer === entry.layer)),
          bounds: probes.map((probe) => ({ hX: probe.hX, hY: probe.hY, ...(sameBounds ? {} : { label: probe.label }) })),
        })),
        series,
        seriesOrder: hidden.map((entry) => `${entry.label} · ${entry.layer}`),
        seriesTitle: 'run · last hidden layer',
        epochs: span,
      }),
    },
  ];
}
