/**
 * Gradient dynamics (paper §2.3.3, Figure 3): per layer the norms of the weight gradient's mean ‖μ‖ and
 * standard deviation ‖σ‖ over minibatches, their ratio SNR = ‖μ‖/‖σ‖, and the weight norms, against
 * epoch on log–log axes.
 */
import type { RunData } from '../../store/index.js';
import type { Figure } from '../figure.js';
import { NO_EPOCH, config, epochX, isPositive, layerColor, layerNames, logY, messageFigure, noSnrReason, runTitle, tip } from './dynamics-common.js';
import { seriesPanel } from './series-panel.js';

export const GRADIENT_FIGURE_ID = 'gradient-dynamics';
const MOMENTS = ['mean ‖μ‖', 'std ‖σ‖'] as const;
const PARAMETERS = ['weights ‖W‖', 'biases ‖b‖'] as const;

/** One layer's weight gradient at one logged epoch (epoch ≥ 1: epoch 0 has no gradient). */
interface GradientRow {
  layer: string;
  epoch: number;
  mean: number;
  std: number;
  snr: number;
  /** Minibatches (or replicas) the moments are over. */
  count: number;
}

function gradientRows(run: RunData): GradientRow[] {
  return run.records.flatMap((record) => record.layers.flatMap((layer) => {
    const kernel = layer.gradient?.['kernel'];
    return kernel ? [{ layer: layer.name, epoch: record.epoch, mean: kernel.mean, std: kernel.std, snr: kernel.snr, count: kernel.count }] : [];
  }));
}

/**
 * The gradient-dynamics figure: ‖μ‖ and ‖σ‖ (solid and dashed), SNR, and ‖W‖ (‖b‖ dashed) per layer,
 * on one shared logarithmic epoch axis.
 *
 * @example
 * const figure = gradientFigure(readRun('runs/fig5-mlp')); // figure.spec: three stacked panels
 */
export function gradientFigure(run: RunData): Figure {
  const title = runTitle('Gradient dynamics', run);
  const caption = 'Per layer, the norms of the mean ‖μ‖ and of the standard deviation ‖σ‖ of the weight (kernel) gradient over '
    + `${run.config.config.dynamics.snr === 'replicas' ? 'replica networks' : 'the minibatches of each logged epoch'}, their ratio SNR = ‖μ‖/‖σ‖ (paper §2.3.3, Figure 3), `
    + 'and the Frobenius norms of the weights and biases, against epoch on log–log axes. Epoch 0 (no gradient yet) and values that are not positive and finite are left out.';
  const rows = gradientRows(run);
  if (run.records.length === 0) return messageFigure(GRADIENT_FIGURE_ID, title, caption, NO_EPOCH);
  if (rows.length === 0) return messageFigure(GRADIENT_FIGURE_ID, title, caption, 'no gradient statistics recorded (dynamics.gradientStats off, or only epoch 0 logged)');
  const layers = layerNames(run);
  const moments = rows.flatMap(({ layer, epoch, mean, std, count }) => [
    { layer, epoch, quantity: MOMENTS[0], norm: mean, count },
    { layer, epoch, quantity: MOMENTS[1], norm: std, count },
  ]).filter((row) => isPositive(row.norm));
  const snr = rows.filter((row) => isPositive(row.snr));
  const norms = run.records.filter((record) => record.epoch >= 1).flatMap((record) => record.layers.flatMap((layer) => Object.entries(layer.weightNorm)
    .map(([parameter, norm]) => ({ layer: layer.name, epoch: record.epoch, parameter: parameter === 'kernel' ? PARAMETERS[0] : parameter === 'bias' ? PARAMETERS[1] : parameter, norm }))))
    .filter((row) => isPositive(row.norm));
  const x = epochX(rows.map((row) => row.epoch), false);
  const color = layerColor(layers);
  const base = [tip('layer', 'nominal'), tip('epoch')];
  const panels = [
    seriesPanel({
      name: 'gradient_moments', title: 'Weight-gradient mean ‖μ‖ and standard deviation ‖σ‖', rows: moments, x, color,
      y: logY('norm', 'gradient norm', moments.map((row) => row.norm)), dash: { field: 'quantity', title: 'moment', values: MOMENTS },
      tooltip: [...base, tip('quantity', 'nominal', 'moment'), tip('norm', 'quantitative', 'gradient norm'), tip('count', 'quantitative', 'minibatches')],
    }),
    // Full-batch training has no SNR to draw: the panel goes and the title says why.
    ...(snr.length > 0 ? [seriesPanel({
      name: 'gradient_snr', title: 'Signal-to-noise ratio ‖μ‖/‖σ‖', rows: snr, x, color, y: logY('snr', 'SNR', snr.map((row) => row.snr)),
      tooltip: [...base, tip('snr', 'quantitative', 'SNR'), tip('mean', 'quantitative', '‖μ‖'), tip('std', 'quantitative', '‖σ‖'), tip('count', 'quantitative', 'minibatches')],
    })] : []),
    seriesPanel({
      name: 'weight_norms', title: 'Parameter norms', rows: norms, x, color, y: logY('norm', 'Frobenius norm', norms.map((row) => row.norm)),
      dash: { field: 'parameter', title: 'parameter', values: PARAMETERS }, tooltip: [...base, tip('parameter', 'nominal'), tip('norm', 'quantitative', 'Frobenius norm')],
    }),
  ];
  return {
    id: GRADIENT_FIGURE_ID,
    title,
    caption,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: { text: title, ...(snr.length === 0 ? { subtitle: noSnrReason(run) } : {}) },
      vconcat: panels,
      resolve: { scale: { x: 'shared', color: 'shared', y: 'independent', strokeDash: 'independent' }, legend: { strokeDash: 'independent' } },
      config,
    },
  };
}
