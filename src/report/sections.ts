/**
 * The report's text blocks from run data: what the run is, its notices, the last logged epoch per layer
 * and estimator, and the hypothesis tests with their settings. Escaped HTML strings; no I/O.
 */
import type { EpochRecord, EstimateRecord, RunData, RunNotice } from '../store/index.js';
import { estimatorLabel, panelLabel } from './figures/plane-data.js';
import { escapeHtml } from './html.js';

const bits = (value: number): string => (Number.isFinite(value) ? value.toFixed(3) : '–');

/** How an estimate is labelled in tables: the figures' panel label (plane-data.ts), with the mean method named. */
export function estimateLabel(estimate: Pick<EstimateRecord, 'estimator' | 'method' | 'parameters'>): string {
  return panelLabel(estimatorLabel(estimate), estimate.method, estimate.method === 'mean');
}

function bounded(value: { lower: number; upper: number }): string {
  return value.lower === value.upper ? bits(value.upper) : `${bits(value.lower)}–${bits(value.upper)}`;
}

export function noticesHtml(notices: readonly RunNotice[]): string {
  return notices.map((notice) => `<div class="notice ${notice.level}">${escapeHtml(`${notice.file}${notice.line ? `, line ${notice.line}` : ''}: ${notice.message}`)}</div>`).join('\n');
}

/** The heading block: name, state, what was trained on what, the bounds H(X) and H(Y). */
export function descriptionHtml(run: RunData): string {
  const { config, run: info } = run.config;
  const layers = info.layers.map((layer) => `${layer.name} [${layer.shape.join('×')}]`).join(', ');
  const state = run.status ? `${run.status.state}, epoch ${run.status.epoch} of ${run.status.epochs}` : 'state unknown';
  const estimators = config.estimators.map((spec) => JSON.stringify(spec)).join(', ');
  return `<h1>${escapeHtml(run.name)}</h1>
<p class="muted">${escapeHtml(`${config.name} · ${state} · created ${info.createdAt} · libtorch ${info.engine.libtorch}, ${info.engine.threads} threads`)}</p>
<table>
<tr><th>data</th><td>${escapeHtml(`${JSON.stringify(config.dataset)}; ${info.trainSamples} training, ${info.testSamples} test samples, ${info.numClasses} classes`)}</td></tr>
<tr><th>network</th><td>${escapeHtml(layers)}</td></tr>
<tr><th>training</th><td>${escapeHtml(`${JSON.stringify(config.optimizer)}, batch ${config.batchSize}, ${config.epochs} epochs, seed ${config.seed}, loss ${config.loss}`)}</td></tr>
<tr><th>probe</th><td>${escapeHtml(`${info.probe.samples} samples of the ${info.probe.set} set: H(X) = ${info.probe.hX.toFixed(3)} bits, H(Y) = ${info.probe.hY.toFixed(3)} bits; ${info.logEpochs.length} logged epochs (${run.records.length} recorded)`)}</td></tr>
<tr><th>estimators</th><td>${escapeHtml(`${estimators}; conv methods ${config.convMethods.join(', ')}`)}</td></tr>
</table>`;
}

/** The last logged epoch's estimates per layer (rows) and estimator (columns): I(X;T) / I(Y;T) in bits. */
export function finalEstimatesHtml(last: EpochRecord | undefined): string {
  if (!last) return '<h2>Estimates</h2><p>No logged epoch yet.</p>';
  const labels = [...new Set(last.layers.flatMap((layer) => layer.estimates.map(estimateLabel)))];
  const header = labels.map((label) => `<th>${escapeHtml(label)}<br><span class="muted">I(X;T) / I(Y;T)</span></th>`).join('');
  const rows = last.layers.map((layer) => {
    const cells = labels.map((label) => {
      const estimate = layer.estimates.find((e) => estimateLabel(e) === label);
      return `<td class="num">${estimate ? escapeHtml(`${bounded(estimate.ixt)} / ${bounded(estimate.iyt)}`) : ''}</td>`;
    }).join('');
    return `<tr><td>${escapeHtml(`${layer.name} [${layer.shape.join('×')}]`)}</td>${cells}</tr>`;
  }).join('\n');
  return `<h2>Estimates at epoch ${last.epoch}</h2>
<p class="caption">${escapeHtml(`Bits; a range is the KDE's lower–upper bound. Training loss ${last.train.loss.toFixed(4)}, accuracy ${(last.train.accuracy * 100).toFixed(2)} %; test loss ${last.test.loss.toFixed(4)}, accuracy ${(last.test.accuracy * 100).toFixed(2)} %.`)}</p>
<table><tr><th>layer</th>${header}</tr>
${rows}</table>`;
}

const verdict = (detected: boolean, text: string): string => `<span class="${detected ? 'yes' : 'no'}">${escapeHtml(text)}</span>`;

/** The hypothesis tests per layer, with the settings they ran with. */
export function hypothesisHtml(run: RunData): string {
  const { summary } = run;
  if (!summary) return '<h2>Stochastic-gradient hypothesis</h2><p>The summary is written when the run finishes.</p>';
  const kink = summary.lossKink;
  const rows = summary.layers.map((layer) => {
    const drop = layer.snrDrop;
    const compression = layer.compression;
    return `<tr><td>${escapeHtml(layer.layer)}</td>
<td>${verdict(drop.detected, drop.detected ? `drop at epoch ${drop.epoch} (p = ${drop.pValue})` : drop.reason)}</td>
<td>${verdict(compression.detected, compression.detected ? `from epoch ${compression.epoch}: −${bits(compression.dropBits ?? Number.NaN)} bits > margin ${bits(compression.marginBits ?? Number.NaN)}` : compression.reason)}</td>
<td>${verdict(layer.coincidence.detected, layer.coincidence.tested ? `${layer.coincidence.detected ? 'coincide' : 'do not coincide'} (p = ${layer.coincidence.pValue})` : layer.coincidence.reason)}</td></tr>`;
  }).join('\n');
  const s = summary.settings;
  return `<h2>Stochastic-gradient hypothesis</h2>
<p>${verdict(kink.detected, kink.detected ? `Training-loss kink at epoch ${kink.epoch} (p = ${kink.pValue}).` : `Training loss: ${kink.reason}.`)}</p>
<table><tr><th>layer</th><th>SNR drop</th><th>compression</th><th>coincidence with the loss kink</th></tr>
${rows}</table>
<p class="caption">${escapeHtml(`Statistical heuristics with stated nulls (src/dynamics/hypothesis.ts): kinks are a two-segment fit on log–log axes against one line, ${s.permutations} residual permutations (seed ${s.seed}), α = ${s.alpha}, at least ${s.minPoints} points; a drop needs the slope to fall; compression is a fall from the I(X;T) peak to the mean of the last ${s.tailPoints} logged epochs by more than max(${s.floorBits} bits, ${s.z} × the series' noise) in both KDE bounds; coincidence is the exact probability of the three events' spread under independent uniform positions.`)}</p>`;
}

/** The resolved config, for the record. */
export function configHtml(run: RunData): string {
  return `<details><summary>The resolved config (config.json)</summary><pre>${escapeHtml(JSON.stringify(run.config, null, 2))}</pre></details>`;
}
