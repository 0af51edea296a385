/**
 * Runs as one tidy long table — the shape pandas, R and duckdb plot from: one row per run, logged epoch,
 * layer, estimator, method, quantity (ixt, iyt, ht) and bound (lower, upper for the KDE; `value` for
 * estimators that are not bounds), its source (recorded or re-estimated), with the epoch's losses and accuracies and the layer's weight-gradient statistics as
 * columns beside it. CSV (RFC 4180 quoting, written here: ten lines do not need a dependency) or JSON Lines.
 */
import type { EstimateRecord, RunData } from '../store/index.js';
import { estimatorLabel, finite, isBoundedEstimator } from './figures/plane-data.js';

export const EXPORT_COLUMNS = [
  'run', 'epoch', 'layer', 'estimator', 'method', 'source', 'quantity', 'bound', 'value',
  'train_loss', 'train_accuracy', 'test_loss', 'test_accuracy', 'grad_mean', 'grad_std', 'snr', 'weight_norm',
] as const;
export type ExportRow = Record<(typeof EXPORT_COLUMNS)[number], string | number | null>;


/**
 * Every row of the runs' table, in run, epoch, layer, estimate order: the recorded estimates (`source`
 * 'recorded'), then each re-estimation's ('re-estimated', infoplane reestimate), beside the same epoch's
 * losses and gradient statistics.
 */
export function* exportRows(runs: readonly RunData[]): Generator<ExportRow> {
  for (const run of runs) {
    const sources = [
      { source: 'recorded', lines: run.records.map((record) => ({ epoch: record.epoch, layers: record.layers as readonly { name: string; estimates: readonly EstimateRecord[] }[] })) },
      ...run.reestimates.map((reestimate) => ({ source: 're-estimated', lines: reestimate.records })),
    ];
    for (const { source, lines } of sources) {
      for (const line of lines) {
        const record = run.records.find((r) => r.epoch === line.epoch);
        for (const layer of line.layers) {
          const measured = record?.layers.find((l) => l.name === layer.name);
          const kernel = measured?.gradient?.['kernel'];
          const shared = {
            run: run.name,
            epoch: line.epoch,
            layer: layer.name,
            source,
            train_loss: finite(record?.train.loss),
            train_accuracy: finite(record?.train.accuracy),
            test_loss: finite(record?.test.loss),
            test_accuracy: finite(record?.test.accuracy),
            grad_mean: finite(kernel?.mean),
            grad_std: finite(kernel?.std),
            snr: finite(kernel?.snr),
            weight_norm: finite(measured?.weightNorm['kernel']),
          };
          for (const estimate of layer.estimates) {
            for (const quantity of ['ixt', 'iyt', 'ht'] as const) {
              const { lower, upper } = estimate[quantity];
              // By the estimator, not by the numbers: a saturated KDE estimate's bounds can be equal (or one ulp apart).
              const bounds: [string, number][] = isBoundedEstimator(estimate.estimator) ? [['lower', lower], ['upper', upper]] : [['value', upper]];
              for (const [bound, value] of bounds) {
                yield { ...shared, estimator: estimatorLabel(estimate), method: estimate.method, quantity, bound, value: finite(value) };
              }
            }
          }
        }
      }
    }
  }
}

function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The table as CSV lines (header first), each ending in a newline. */
export function* csvLines(rows: Iterable<ExportRow>): Generator<string> {
  yield `${EXPORT_COLUMNS.join(',')}\n`;
  for (const row of rows) yield `${EXPORT_COLUMNS.map((column) => csvField(row[column])).join(',')}\n`;
}

/** The table as JSON Lines, one object per row. */
export function* jsonLines(rows: Iterable<ExportRow>): Generator<string> {
  for (const row of rows) yield `${JSON.stringify(row)}\n`;
}
