/**
 * Loss dynamics (paper §3.2.1 and its appendix): the measured change of the full training loss per step
 * against what the gradients predict — μ·Δθ/steps and the paper's −α‖μ‖² — and the exact step checks:
 * measured ΔL against the first- and second-order expansions, what first order misses, and each layer's
 * G^l = Σ ∂L/∂z^l·Δz^l measured against the appendix's recursion G^l = −α‖∂L/∂W^l‖² − α‖∂L/∂b^l‖² + G^{l−1}.
 * Loss changes may span decades and either sign: such axes are signed-log (symlog).
 */
import type { RunData } from '../../store/index.js';
import type { Figure } from '../figure.js';
import {
  DYNAMICS_LAYOUT, NO_EPOCH, type TooltipField, charactersIn, config, cornerLegend, type View, epochX, isFiniteNumber, layerColor, layerNames, messageFigure, pointSize, runTitle,
  signedScale, tip, wrapLines,
} from './dynamics-common.js';

export const LOSS_DYNAMICS_FIGURE_ID = 'loss-dynamics';

const PREDICTIONS = ['μ·Δθ / steps', '−α‖μ‖²'] as const;
const ORDERS = ['first order', 'second order'] as const;
const MISSES = ['measured − first order', 'second − first order'] as const;

interface Scatter {
  name: string;
  title: string;
  rows: readonly Record<string, string | number>[];
  x: { field: string; title: string };
  y: { field: string; title: string };
  /** The grouping drawn as colour, its values in order. */
  color: { field: string; title: string; values: readonly string[] };
  tooltip: readonly TooltipField[];
}

/** A square scatter of measured (y) against predicted (x) on one signed-log scale for both, with the line y = x. */
function identityScatter({ name, title, rows, x, y, color, tooltip }: Scatter): View {
  const values = rows.flatMap((row) => [row[x.field] as number, row[y.field] as number]);
  const scale = signedScale(values);
  const [low, high] = (scale.scale as { domain: [number, number] }).domain;
  return {
    name,
    title,
    width: DYNAMICS_LAYOUT.scatterSide,
    height: DYNAMICS_LAYOUT.scatterSide,
    layer: [
      {
        name: `${name}_identity`,
        // Both axes have one domain (and a symlog one holds 0), so its ends give y = x as a straight segment.
        data: { values: [low, high].map((value) => ({ value })) },
        mark: { type: 'line', color: '#999', strokeDash: [4, 3], strokeWidth: 1, clip: true },
        encoding: { x: { field: 'value', type: 'quantitative', ...scale, title: x.title }, y: { field: 'value', type: 'quantitative', ...scale, title: y.title } },
      },
      {
        name: `${name}_points`,
        data: { values: [...rows] },
        mark: { type: 'point', filled: true, size: pointSize(rows.length), opacity: 0.85 },
        encoding: {
          x: { field: x.field, type: 'quantitative' },
          y: { field: y.field, type: 'quantitative' },
          color: { ...(color.field === 'layer' ? layerColor(color.values) : { field: color.field, type: 'nominal', title: color.title, sort: [...color.values] }), legend: cornerLegend },
          shape: { field: color.field, type: 'nominal', title: color.title, sort: [...color.values], legend: cornerLegend },
          tooltip: [...tooltip],
        },
      },
    ],
  };
}

/**
 * The loss-dynamics figure; a run without loss dynamics gets a figure that says so.
 *
 * @example
 * const figure = lossDynamicsFigure(readRun('runs/tiny-full')); // G^l panel when the checks have layers
 */
export function lossDynamicsFigure(run: RunData): Figure {
  const title = runTitle('Loss dynamics', run);
  const caption = 'The measured change of the full training loss per optimizer step over each logged epoch against μ·Δθ/steps (the epoch\'s mean minibatch gradient '
    + 'times its parameter change) and against −α‖μ‖² (paper §3.2.1, plain SGD only); the exact step checks: measured ΔL against the first-order ∇L·Δθ and the '
    + 'second-order ½(∇L + ∇L′)·Δθ expansions, what first order misses, and per layer Gˡ = Σ ∂L/∂zˡ·Δzˡ measured against the appendix\'s recursion '
    + 'Gˡ = −α‖∂L/∂Wˡ‖² − α‖∂L/∂bˡ‖² + Gˡ⁻¹. Dashed: y = x. Values spanning decades or both signs are on signed-log axes (linear near 0, logarithmic beyond).';
  if (run.records.length === 0) return messageFigure(LOSS_DYNAMICS_FIGURE_ID, title, caption, NO_EPOCH);
  const withDynamics = run.records.flatMap((record) => (record.lossDynamics ? [{ epoch: record.epoch, dynamics: record.lossDynamics }] : []));
  if (withDynamics.length === 0) {
    const why = run.config.config.dynamics.lossDynamics ? 'no logged epoch holds them yet (epoch 0 has none; runs written before metrics schema 2 are not read)' : 'dynamics.lossDynamics is off in this run';
    return messageFigure(LOSS_DYNAMICS_FIGURE_ID, title, caption, `no loss dynamics recorded: ${why}`);
  }
  const epochRows = withDynamics.flatMap(({ epoch, dynamics }) => [dynamics.predictedFromMean, dynamics.predictedSgd]
    .flatMap((predicted, i) => (isFiniteNumber(predicted) && isFiniteNumber(dynamics.measuredPerStep)
      ? [{ epoch, steps: dynamics.steps, prediction: PREDICTIONS[i]!, predicted, measuredPerStep: dynamics.measuredPerStep }] : [])));
  const checks = withDynamics.flatMap(({ epoch, dynamics }) => dynamics.checks.map((check) => ({ epoch, ...check })));
  const checkRows = checks.flatMap(({ epoch, step, measured, firstOrder, secondOrder }) => [firstOrder, secondOrder]
    .flatMap((expansion, i) => (isFiniteNumber(expansion) && isFiniteNumber(measured) ? [{ epoch, step, order: ORDERS[i]!, expansion, measured }] : [])));
  const missRows = checks.flatMap(({ epoch, step, remainder, firstOrder, secondOrder }) => [remainder, secondOrder - firstOrder]
    .flatMap((miss, i) => (isFiniteNumber(miss) && epoch > 0 ? [{ epoch, step, part: MISSES[i]!, miss }] : [])));
  const layerRows = checks.flatMap(({ epoch, step, layers }) => layers
    .filter((layer) => isFiniteNumber(layer.measured) && isFiniteNumber(layer.recursion))
    .map((layer) => ({ epoch, step, layer: layer.layer, measured: layer.measured, recursion: layer.recursion, term: layer.term })));
  const notes = [
    ...(checks.length === 0 ? ['no exact step checks in this run (dynamics.identitySteps = 0)'] : []),
    ...(checks.length > 0 && layerRows.length === 0 ? ['the step checks hold no per-layer Gˡ terms'] : []),
    ...(isFiniteNumber(run.summary?.lossChangeCorrelation.withMeanGradient) ? [`over logged epochs, corr(measured ΔL per step, −‖μ‖²) = ${run.summary.lossChangeCorrelation.withMeanGradient.toPrecision(3)}`] : []),
    ...(isFiniteNumber(run.summary?.lossChangeCorrelation.withSnr) ? [`corr(measured ΔL per step, mean SNR) = ${run.summary.lossChangeCorrelation.withSnr.toPrecision(3)}`] : []),
  ];
  const panels: View[] = [
    ...(epochRows.length > 0 ? [identityScatter({
      name: 'loss_epoch', title: 'Per logged epoch', rows: epochRows,
      x: { field: 'predicted', title: 'predicted ΔL per step' }, y: { field: 'measuredPerStep', title: 'measured ΔL per step' },
      color: { field: 'prediction', title: 'prediction', values: PREDICTIONS },
      tooltip: [tip('epoch'), tip('prediction', 'nominal'), tip('predicted'), tip('measuredPerStep', 'quantitative', 'measured per step'), tip('steps')],
    })] : []),
    ...(checkRows.length > 0 ? [identityScatter({
      name: 'loss_step', title: 'Exact step checks', rows: checkRows,
      x: { field: 'expansion', title: 'expansion of ΔL' }, y: { field: 'measured', title: 'measured ΔL of the step' },
      color: { field: 'order', title: 'expansion', values: ORDERS },
      tooltip: [tip('epoch'), tip('step'), tip('order', 'nominal'), tip('expansion'), tip('measured')],
    })] : []),
    ...(missRows.length > 0 ? [missPanel(missRows)] : []),
    ...(layerRows.length > 0 ? [identityScatter({
      name: 'loss_layers', title: 'Per layer: Gˡ (appendix)', rows: layerRows,
      x: { field: 'recursion', title: 'Gˡ by the recursion' }, y: { field: 'measured', title: 'Gˡ measured, Σ ∂L/∂z·Δz' },
      color: { field: 'layer', title: 'layer', values: layerNames(run) },
      tooltip: [tip('epoch'), tip('step'), tip('layer', 'nominal'), tip('recursion'), tip('measured'), tip('term', 'quantitative', 'layer term ∂L/∂θ^l·Δθ^l')],
    })] : []),
  ];
  if (panels.length === 0) return messageFigure(LOSS_DYNAMICS_FIGURE_ID, title, caption, 'no finite loss-dynamics values to draw');
  return {
    id: LOSS_DYNAMICS_FIGURE_ID,
    title,
    caption,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: { text: title, ...(notes.length > 0 ? { subtitle: wrapLines(notes, charactersIn(2 * DYNAMICS_LAYOUT.scatterSide, DYNAMICS_LAYOUT.resultFontSize)), subtitleFontSize: DYNAMICS_LAYOUT.resultFontSize } : {}) },
      concat: panels,
      columns: 2,
      spacing: 40,
      resolve: { scale: { color: 'independent', shape: 'independent', x: 'independent', y: 'independent' } },
      config,
    },
  };
}

/** What first order misses, against epoch: the measured remainder and the second-order correction. */
function missPanel(rows: readonly { epoch: number; step: number; part: string; miss: number }[]): View {
  return {
    name: 'loss_remainder',
    title: 'What first order misses',
    width: DYNAMICS_LAYOUT.scatterSide,
    height: DYNAMICS_LAYOUT.scatterSide,
    data: { values: [...rows] },
    mark: { type: 'point', filled: true, size: pointSize(rows.length), opacity: 0.85 },
    encoding: {
      x: epochX(rows.map((row) => row.epoch), false, DYNAMICS_LAYOUT.scatterSide),
      y: { field: 'miss', type: 'quantitative', ...signedScale(rows.map((row) => row.miss)), title: 'loss change' },
      color: { field: 'part', type: 'nominal', title: 'of the step', sort: [...MISSES], legend: cornerLegend },
      shape: { field: 'part', type: 'nominal', title: 'of the step', sort: [...MISSES], legend: cornerLegend },
      tooltip: [tip('epoch'), tip('step'), tip('part', 'nominal'), tip('miss', 'quantitative', 'loss change')],
    },
  };
}
