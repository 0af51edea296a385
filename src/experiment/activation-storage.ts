/**
 * Which probe activations a run keeps for re-estimation (config `saveActivations`, `activationStorage`),
 * decided once when the run starts and recorded in config.json's `run.activations`, so a resumed run keeps
 * what it began keeping and a reader knows what it may re-estimate.
 */
import { statfsSync } from 'node:fs';
import type { ActivationStorage } from '../store/index.js';
import type { ExperimentConfig } from './config.js';

const MIB = 2 ** 20;
/** NPY header bytes per file (numpy pads it to 64-byte alignment; 128 covers the shapes written). */
const NPY_HEADER_BYTES = 128;

/** Bytes free to an unprivileged writer at `dir`, or undefined where the file system does not say. */
export function freeBytes(dir: string): number | undefined {
  try {
    const stats = statfsSync(dir);
    return Number(stats.bavail) * Number(stats.bsize);
  } catch {
    return undefined;
  }
}

/**
 * The storage decision for a run: how many probe rows each logged epoch keeps (0 for none), in which
 * dtype, and the bytes that takes against the budget and the free disk.
 *
 * @example planActivationStorage(config, { probeSamples: 10000, layerSizes: [1024, 20, 20, 20, 10], loggedEpochs: 21, free: 50e9 })
 * // { rows: 10000, dtype: 'float32', totalBytes: 919_…, decision: 'kept: 0.86 GiB within the 2 GiB budget …', … }
 */
export function planActivationStorage(
  config: Pick<ExperimentConfig, 'saveActivations' | 'activationStorage'>,
  run: { probeSamples: number; layerSizes: readonly number[]; loggedEpochs: number; free: number | undefined },
): ActivationStorage {
  const { dtype, budgetMiB } = config.activationStorage;
  const request = config.saveActivations;
  const bytesPerValue = dtype === 'float16' ? 2 : 4;
  const bytesFor = (rows: number): number => rows * run.layerSizes.reduce((a, b) => a + b, 0) * bytesPerValue + run.layerSizes.length * NPY_HEADER_BYTES;
  const allRows = run.probeSamples;
  const requestedRows = request === 'all' || request === 'auto' ? allRows : request === 'none' ? 0 : Math.min(request, allRows);
  // Labels and input ids (int64), once.
  const indexBytes = 2 * (allRows * 8 + NPY_HEADER_BYTES);
  const perEpoch = bytesFor(requestedRows);
  const total = requestedRows === 0 ? 0 : perEpoch * run.loggedEpochs + indexBytes;
  const budget = budgetMiB * MIB;
  const size = (bytes: number): string => (bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(2)} GiB` : `${(bytes / MIB).toFixed(1)} MiB`);
  const base = { dtype, bytesPerEpoch: perEpoch, budgetBytes: budget, freeBytes: run.free ?? null, request: String(request) };
  if (request === 'none') return { ...base, rows: 0, totalBytes: 0, decision: 'not kept (saveActivations "none"): re-estimation needs a run that keeps them' };
  if (request === 'auto') {
    const limit = Math.min(budget, run.free === undefined ? Number.POSITIVE_INFINITY : run.free / 2);
    if (total > limit) {
      const why = total > budget ? `the ${size(budget)} budget (activationStorage.budgetMiB)` : `half the ${size(run.free!)} free on the disk`;
      return {
        ...base, rows: 0, totalBytes: 0,
        decision: `not kept: all ${run.loggedEpochs} logged epochs' activations would take ${size(total)}, more than ${why}; set saveActivations to a number of probe samples, activationStorage.dtype "float16", or a larger budget`,
      };
    }
  }
  return {
    ...base, rows: requestedRows, totalBytes: total,
    decision: `kept: ${requestedRows} probe samples × ${run.loggedEpochs} logged epochs in ${dtype}, ${size(total)}${request === 'auto' ? ` within the ${size(budget)} budget` : ` (saveActivations ${JSON.stringify(request)})`}`,
  };
}
