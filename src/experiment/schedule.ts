/**
 * Which epochs are logged (probed, estimated, recorded). Saxe et al.'s schedules, from ibsgd's `do_report`:
 * - 'saxe' (MNIST_SaveActivations.ipynb): every epoch below 20, every 5th below 100, every 10th below 200,
 *   then every 100th;
 * - 'saxe-ibnet' (IBnet_SaveActivations.ipynb): every epoch below 20, every 5th below 100, every 20th below
 *   2000 (its comment says "every 10th"; the code says `epoch % 20`), then every 100th.
 *
 * Epoch numbering: our epoch e is the network after e epochs of training, so epoch 0 is the untrained
 * network. ibsgd's records are Keras' 0-based `on_epoch_end` index: its "epoch e" is the network after
 * e + 1 epochs, our epoch e + 1 (the schedules apply to each project's own numbering).
 */

export const LOG_SCHEDULES = ['saxe', 'saxe-ibnet', 'every'] as const;
export type LogSchedule = (typeof LOG_SCHEDULES)[number] | readonly number[];

/** True when `epoch` is logged under Saxe et al.'s MNIST schedule. */
export function isSaxeLogEpoch(epoch: number): boolean {
  if (epoch < 20) return true;
  if (epoch < 100) return epoch % 5 === 0;
  if (epoch < 200) return epoch % 10 === 0;
  return epoch % 100 === 0;
}

/** True when `epoch` is logged under Saxe et al.'s 12-bit (IBnet) schedule. */
export function isSaxeIbnetLogEpoch(epoch: number): boolean {
  if (epoch < 20) return true;
  if (epoch < 100) return epoch % 5 === 0;
  if (epoch < 2000) return epoch % 20 === 0;
  return epoch % 100 === 0;
}

/**
 * The logged epochs in [0, epochs], ascending; the last epoch is always logged so a run ends with a record.
 *
 * @example logEpochs('saxe', 30) // [0, 1, …, 19, 20, 25, 30]
 */
export function logEpochs(schedule: LogSchedule, epochs: number): number[] {
  if (!Number.isInteger(epochs) || epochs < 0) throw new RangeError(`epochs must be a non-negative integer, got ${epochs}`);
  let chosen: number[];
  if (schedule === 'saxe') chosen = Array.from({ length: epochs + 1 }, (_, e) => e).filter(isSaxeLogEpoch);
  else if (schedule === 'saxe-ibnet') chosen = Array.from({ length: epochs + 1 }, (_, e) => e).filter(isSaxeIbnetLogEpoch);
  else if (schedule === 'every') chosen = Array.from({ length: epochs + 1 }, (_, e) => e);
  else {
    const invalid = schedule.filter((e) => !Number.isInteger(e) || e < 0 || e > epochs);
    if (invalid.length > 0) throw new RangeError(`log epochs must be integers in [0, ${epochs}], got ${invalid.join(', ')}`);
    chosen = [...schedule];
  }
  return [...new Set([...chosen, epochs])].sort((a, b) => a - b);
}
