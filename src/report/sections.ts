/**
 * The report's text blocks from run data: what the run is, its notices, the last logged epoch per layer
 * and estimator, and the hypothesis tests with their settings. Escaped HTML strings; no I/O.
 */
import type { EpochRecord, EstimateRecord, RunData, RunNotice } from '../store/index.js';
import { estimatorLabel, panelLabel } from './figures/plane-data.js';
import { planeSettings, sensitivityRows } from './figures/sensitivity.js';
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
${config.dataset.name === 'imported'
    ? `<tr><th>data</th><td>${escapeHtml(`imported from ${config.dataset.from}${config.dataset.framework ? ` (written by ${config.dataset.framework})` : ''}: ${info.numClasses} classes`)}</td></tr>
<tr><th>network</th><td>${escapeHtml(`${layers}; trained elsewhere: no losses, gradients or weights`)}</td></tr>`
    : `<tr><th>data</th><td>${escapeHtml(`${JSON.stringify(config.dataset)}; ${info.trainSamples} training, ${info.testSamples} test samples, ${info.numClasses} classes`)}</td></tr>
<tr><th>network</th><td>${escapeHtml(layers)}</td></tr>
<tr><th>training</th><td>${escapeHtml(`${JSON.stringify(config.optimizer)}, batch ${config.batchSize}, ${config.epochs} epochs, seed ${config.seed}, loss ${config.loss}`)}</td></tr>`}
<tr><th>probe</th><td>${escapeHtml(`${info.probe.samples} samples of the ${info.probe.set} set: H(X) = ${info.probe.hX.toFixed(3)} bits, H(Y) = ${info.probe.hY.toFixed(3)} bits; ${info.logEpochs.length} logged epochs (${run.records.length} recorded)`)}</td></tr>
<tr><th>estimators</th><td>${escapeHtml(`${estimators}; conv methods ${config.convMethods.join(', ')}`)}</td></tr>
<tr><th>stored activations</th><td>${escapeHtml(info.activations ? info.activations.decision : 'not recorded (a run written before activation storage)')}${run.reestimates.length > 0 ? escapeHtml(`; re-estimated under ${run.reestimates.length} setting(s): ${run.reestimates.map((r) => r.id).join(', ')}`) : ''}</td></tr>
</table>`;
}

/**
 * The sensitivity table (with the sensitivity figure): per layer, how far the last epoch's I(X;T) and
 * I(Y;T) range over the estimator settings, and the late I(X;T) trend under each (▼ falls, ▲ rises, – flat).
 */
export function sensitivityHtml(run: RunData): string {
  if (run.reestimates.length === 0) return '';
  const settings = planeSettings(run);
  if (settings.length < 2) return '';
  const rows = sensitivityRows(run, settings);
  const layers = [...new Set(rows.map((row) => row.layer))];
  const symbol = (sign: number): string => (Number.isNaN(sign) ? '·' : sign < 0 ? '▼' : sign > 0 ? '▲' : '–');
  const span = (values: (number | null)[]): string => {
    const finite = values.filter((value): value is number => value !== null);
    return finite.length === 0 ? '–' : `${bits(Math.min(...finite))}–${bits(Math.max(...finite))}`;
  };
  const body = layers.map((layer) => {
    const own = settings.map((setting) => rows.find((row) => row.layer === layer && row.setting === setting.label));
    const signs = own.map((row) => (row ? row.ixtTrend.sign : Number.NaN));
    const falls = signs.filter((sign) => sign < 0).length;
    const tested = signs.filter((sign) => !Number.isNaN(sign)).length;
    return `<tr><td>${escapeHtml(layer)}</td><td class="num">${span(own.map((row) => row?.ixtUpper ?? null))}</td><td class="num">${span(own.map((row) => row?.iytUpper ?? null))}</td>`
      + `${own.map((row) => `<td class="num" title="${row ? escapeHtml(`${row.ixtTrend.changeBits.toFixed(3)} bits`) : ''}">${row ? symbol(row.ixtTrend.sign) : ''}</td>`).join('')}`
      + `<td>${escapeHtml(falls === 0 ? 'no setting' : falls === tested ? 'every setting' : `${falls} of ${tested} settings`)}</td></tr>`;
  }).join('\n');
  return `<h2>Sensitivity to the estimator</h2>
<p class="caption">${escapeHtml(`Per layer, over the ${settings.length} estimator settings (the run's own and its re-estimations from the stored activations): the range of the last epoch's I(X;T) and I(Y;T) (upper bounds, bits), and the late-training trend of I(X;T) under each setting — ▼ falls ("compresses"), ▲ rises, – flat (see the sensitivity figure for the window and threshold).`)}</p>
<table><tr><th>layer</th><th>I(X;T) range</th><th>I(Y;T) range</th>${settings.map((setting) => `<th>${escapeHtml(setting.label)}</th>`).join('')}<th>I(X;T) falls under</th></tr>
${body}</table>`;
}

/** Every validity flag of the run (its own estimates and its re-estimations), counted per setting and code, with the last logged epoch's in full. */
export function validityHtml(run: RunData): string {
  const sources = [
    { name: 'recorded', records: run.records.map((record) => ({ epoch: record.epoch, layers: record.layers })) },
    ...run.reestimates.map((r) => ({ name: `re-estimated ${r.id}`, records: r.records })),
  ];
  const counts = new Map<string, Map<string, number>>();
  const last: string[] = [];
  for (const source of sources) {
    const final = source.records.at(-1)?.epoch;
    for (const record of source.records) {
      for (const layer of record.layers) {
        for (const estimate of layer.estimates) {
          for (const flag of estimate.flags ?? []) {
            const label = `${estimateLabel(estimate)}${source.name === 'recorded' ? '' : ' (re-estimated)'}`;
            const row = counts.get(label) ?? new Map<string, number>();
            row.set(flag.code, (row.get(flag.code) ?? 0) + 1);
            counts.set(label, row);
            if (record.epoch === final) last.push(`<tr><td>${escapeHtml(label)}</td><td>${escapeHtml(layer.name)}</td><td>${escapeHtml(flag.code)}</td><td>${escapeHtml(flag.message)}</td></tr>`);
          }
        }
      }
    }
  }
  const intro = '<h2>Validity flags</h2><p class="caption">Checks run with every estimate (src/info/validity.ts): binning saturated (every sample its own bin, so I(X;T) = log₂ N), '
    + 'the data-processing inequality broken between consecutive layers beyond the bounds, estimates below 0 or above H(X) or H(Y), KDE bounds further apart than the upper bound, '
    + 'Tishby\'s [−1, 1] bins on activations outside them. A flag does not change a number; it says the number may not mean what the plane suggests.</p>';
  if (counts.size === 0) return `${intro}<p>No estimate of this run is flagged.</p>`;
  const codes = [...new Set([...counts.values()].flatMap((row) => [...row.keys()]))].sort();
  const table = `<table><tr><th>setting</th>${codes.map((code) => `<th>${escapeHtml(code)}</th>`).join('')}</tr>
${[...counts].map(([label, row]) => `<tr><td>${escapeHtml(label)}</td>${codes.map((code) => `<td class="num">${row.get(code) ?? ''}</td>`).join('')}</tr>`).join('\n')}</table>`;
  return `${intro}<p class="caption">Flagged estimates over all logged epochs and layers:</p>${table}
<details><summary>The last logged epoch's flags in full (${last.length})</summary><table><tr><th>setting</th><th>layer</th><th>flag</th><th>finding</th></tr>
${last.join('\n')}</table></details>`;
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
