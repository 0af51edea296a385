/**
 * The KDE time derivative (paper §3.2.4): per layer the change of the KDE upper bound f on I(X;T) between
 * logged epochs, (f_now − f_before)/epochs, beside the kernel-weighted first-order sum
 * (1/2σ²N)·Σ_ij (K_ij/S_i)·ΔD_ij/epochs (src/dynamics/kde-derivative.ts), and the share of the terms
 * (a_k^i − a_k^j)(Δa_k^i − Δa_k^j) that are negative — pairs of samples moving closer along a unit, the
 * paper's necessary condition for compression.
 */
import type { RunData } from '../../store/index.js';
import type { Figure } from '../figure.js';
import {
  DYNAMICS_LAYOUT, NO_EPOCH, config, epochX, isFiniteNumber, layerColor, layerNames, messageFigure, runTitle, signedScale, tip,
} from './dynamics-common.js';
import { seriesPanel } from './series-panel.js';

export const KDE_DERIVATIVE_FIGURE_ID = 'kde-derivative';

const ESTIMATES = ['finite difference', 'kernel-weighted sum'] as const;

/**
 * The KDE-derivative figure: the rate and its first-order sum (signed-log axis), and the share of
 * compressing terms, against epoch.
 *
 * @example
 * const figure = kdeDerivativeFigure(readRun('runs/fig5-mlp'));
 */
export function kdeDerivativeFigure(run: RunData): Figure {
  const title = runTitle('KDE time derivative', run);
  const caption = 'Per layer, the change of the KDE upper bound f on I(X;T) between logged epochs on the same probe samples, the finite difference (f_now − f_before)/epochs (solid), '
    + 'and the kernel-weighted first-order sum (1/2σ²N)·Σ (K_ij/S_i)·ΔD_ij per epoch (dashed), in bits per epoch on a signed-log axis (paper §3.2.4; negative is '
    + 'compression); below, the share of the terms (a_k^i − a_k^j)(Δa_k^i − Δa_k^j) that are negative, the pairs moving closer (a necessary condition for f to fall).';
  if (run.records.length === 0) return messageFigure(KDE_DERIVATIVE_FIGURE_ID, title, caption, NO_EPOCH);
  const rows = run.records.flatMap((record) => record.layers.flatMap((layer) => (layer.kdeDerivative && record.epoch > 0
    ? [{ layer: layer.name, epoch: record.epoch, ...layer.kdeDerivative, share: layer.kdeDerivative.totalTerms > 0 ? layer.kdeDerivative.compressingTerms / layer.kdeDerivative.totalTerms : Number.NaN }]
    : [])));
  if (rows.length === 0) return messageFigure(KDE_DERIVATIVE_FIGURE_ID, title, caption, 'no KDE derivative recorded (dynamics.kdeDerivativeSamples 0, no KDE estimator, or only epoch 0 logged)');
  const layers = layerNames(run);
  const rates = rows.flatMap((row) => [row.rate, row.kernelWeighted].flatMap((rate, i) => (isFiniteNumber(rate)
    ? [{ layer: row.layer, epoch: row.epoch, estimate: ESTIMATES[i]!, rate, fBefore: row.fBefore, fNow: row.fNow, samples: row.samples, noiseVariance: row.noiseVariance }] : [])));
  const shares = rows.filter((row) => isFiniteNumber(row.share));
  const x = epochX(rows.map((row) => row.epoch), false);
  const rateScale = signedScale(rates.map((row) => row.rate));
  const color = layerColor(layers);
  return {
    id: KDE_DERIVATIVE_FIGURE_ID,
    title,
    caption,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title,
      vconcat: [
        seriesPanel({
          name: 'kde_rate', title: 'Rate of the KDE upper bound on I(X;T)', rows: rates, x, color,
          y: { field: 'rate', type: 'quantitative', ...rateScale, title: 'bits per epoch' },
          dash: { field: 'estimate', title: 'estimate', values: ESTIMATES },
          // Taller: a signed-log axis holds decades of both signs.
          height: 1.5 * DYNAMICS_LAYOUT.panelHeight,
          below: rateScale.scale?.type === 'symlog' ? [{ data: { values: [{}] }, mark: { type: 'rule', color: '#999', strokeWidth: 0.8 }, encoding: { y: { datum: 0, type: 'quantitative' } } }] : [],
          tooltip: [
            tip('layer', 'nominal'), tip('epoch'), tip('estimate', 'nominal'), tip('rate', 'quantitative', 'bits per epoch'), tip('fBefore', 'quantitative', 'f before (bits)'),
            tip('fNow', 'quantitative', 'f now (bits)'), tip('samples'), tip('noiseVariance', 'quantitative', 'σ²'),
          ],
        }),
        seriesPanel({
          name: 'kde_share', title: 'Share of compressing terms', rows: shares, x, color,
          y: { field: 'share', type: 'quantitative', scale: { zero: false }, axis: { title: 'compressing share', format: '.0%' } },
          tooltip: [tip('layer', 'nominal'), tip('epoch'), tip('share'), tip('compressingTerms', 'quantitative', 'negative terms'), tip('totalTerms', 'quantitative', 'all terms'), tip('sign')],
        }),
      ],
      resolve: { scale: { x: 'shared', color: 'shared', y: 'independent' } },
      config,
    },
  };
}
