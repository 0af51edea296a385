/**
 * Runs compared (tanh against ReLU, seeds, σ²): their training and test loss and accuracy, and each
 * layer's weight-gradient SNR, coloured by run.
 */
import type { RunData } from '../../store/index.js';
import type { Figure } from '../figure.js';
import { DYNAMICS_LAYOUT, type PositionDef, type View, config, epochX, isFiniteNumber, isPositive, logY, messageFigure, tip } from './dynamics-common.js';
import { seriesPanel } from './series-panel.js';

export const COMPARE_TRAINING_ID = 'compare-training';
export const COMPARE_SNR_ID = 'compare-snr';

const SPLITS = ['training', 'test'] as const;

/** How each run is shown: its name, numbered when two runs share one. */
function runLabels(runs: readonly RunData[]): string[] {
  return runs.map((run, i) => (runs.filter((other) => other.name === run.name).length > 1 ? `${run.name} (${i + 1})` : run.name));
}

const runColor = (labels: readonly string[]) => ({ field: 'run', type: 'nominal', sort: [...labels], title: 'run' }) as const;

/** A panel of every run's series: coloured by run, dashed by split when the rows have one. */
function runPanel(name: string, title: string, rows: readonly { epoch: number; split?: string }[], y: PositionDef, labels: readonly string[], x: PositionDef, width?: number): View {
  const split = rows.some((row) => row.split !== undefined);
  return seriesPanel({
    name, title, rows, x, y, color: runColor(labels), ...(width ? { width } : {}),
    ...(split ? { dash: { field: 'split', title: 'data', values: SPLITS } } : {}),
    tooltip: [tip('run', 'nominal'), ...(split ? [tip('split', 'nominal', 'data')] : []), tip('epoch'), tip('value')],
  });
}

/**
 * Loss and accuracy of every run against epoch: training solid, test dashed.
 *
 * @example
 * const figure = compareTrainingFigure([readRun('runs/tanh'), readRun('runs/relu')]);
 */
export function compareTrainingFigure(runs: readonly RunData[]): Figure {
  const labels = runLabels(runs);
  const title = `Training curves — ${labels.join(', ') || 'no runs'}`;
  const caption = 'Loss (log scale) and accuracy on the training set (solid) and the test set or probe (dashed) of each run against epoch, coloured by run.';
  const rows = runs.flatMap((run, i) => run.records.flatMap((record) => SPLITS.map((split) => {
    const evaluation = split === 'training' ? record.train : record.test;
    return { run: labels[i]!, epoch: record.epoch, split, loss: evaluation.loss, accuracy: evaluation.accuracy };
  })));
  if (rows.length === 0) return messageFigure(COMPARE_TRAINING_ID, title, caption, runs.length === 0 ? 'no runs to compare' : 'no logged epoch yet');
  const loss = rows.filter((row) => isPositive(row.loss)).map(({ run, epoch, split, loss: value }) => ({ run, epoch, split, value }));
  const accuracy = rows.filter((row) => isFiniteNumber(row.accuracy)).map(({ run, epoch, split, accuracy: value }) => ({ run, epoch, split, value }));
  const x = epochX(rows.map((row) => row.epoch), true);
  return {
    id: COMPARE_TRAINING_ID,
    title,
    caption,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title,
      vconcat: [
        runPanel('compare_loss', 'Loss', loss, logY('value', 'loss', loss.map((row) => row.value)), labels, x),
        runPanel('compare_accuracy', 'Accuracy', accuracy, { field: 'value', type: 'quantitative', scale: { zero: false }, axis: { title: 'accuracy', format: '.0%' } }, labels, x),
      ],
      resolve: { scale: { x: 'shared', color: 'shared', strokeDash: 'shared', y: 'independent' } },
      config,
    },
  };
}

/**
 * Each layer's weight-gradient SNR ‖μ‖/‖σ‖ against epoch, one panel per layer name, coloured by run.
 *
 * @example
 * const figure = compareSnrFigure([readRun('runs/tanh'), readRun('runs/relu')]);
 */
export function compareSnrFigure(runs: readonly RunData[]): Figure {
  const labels = runLabels(runs);
  const title = `Gradient SNR by layer — ${labels.join(', ') || 'no runs'}`;
  const caption = 'The weight-gradient SNR ‖μ‖/‖σ‖ of each layer (one panel per layer name) against epoch on log–log axes, coloured by run; epoch 0 has no gradient.';
  const rows = runs.flatMap((run, i) => run.records.flatMap((record) => record.layers.map((layer) => ({
    run: labels[i]!, layer: layer.name, epoch: record.epoch, value: layer.gradient?.['kernel']?.snr ?? Number.NaN,
  })))).filter((row) => isPositive(row.value));
  if (rows.length === 0) return messageFigure(COMPARE_SNR_ID, title, caption, runs.length === 0 ? 'no runs to compare' : 'no gradient SNR recorded yet');
  // Layer names in the order the runs list them.
  const layers = [...new Set(runs.flatMap((run) => run.config.run.layers.map((layer) => layer.name)).concat(rows.map((row) => row.layer)))]
    .filter((layer) => rows.some((row) => row.layer === layer));
  const x = epochX(rows.map((row) => row.epoch), false, DYNAMICS_LAYOUT.width / 2);
  const y = logY('value', 'SNR', rows.map((row) => row.value));
  // Two columns of half-width panels: a deep network's layers stay on one page.
  const panels = layers.map((layer, i) => runPanel(`compare_snr_${i}`, layer, rows.filter((row) => row.layer === layer), y, labels, x, DYNAMICS_LAYOUT.width / 2));
  return {
    id: COMPARE_SNR_ID,
    title,
    caption,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title,
      concat: panels,
      columns: 2,
      resolve: { scale: { x: 'shared', color: 'shared', y: 'shared' } },
      config,
    },
  };
}
