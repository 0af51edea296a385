/**
 * Which epochs are logged (probed, estimated, recorded). Saxe et al.'s schedule (ibsgd's MNIST notebook):
 * every epoch below 20, every 5th below 100, every 10th below 200, then every 100th. Epoch 0 is the
 * untrained network.
 */

export type LogSchedule = 'saxe' | 'every' | readonly number[];

/** True when `epoch` is logged under Saxe et al.'s schedule. */
export function isSaxeLogEpoch(epoch: number): boolean {
  if (epoch < 20) return true;
  if (epoch < 100) return epoch % 5 === 0;
  if (epoch < 200) return epoch % 10 === 0;
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
  else if (schedule === 'every') chosen = Array.from({ length: epochs + 1 }, (_, e) => e);
  else {
    const invalid = schedule.filter((e) => !Number.isInteger(e) || e < 0 || e > epochs);
    if (invalid.length > 0) throw new RangeError(`log epochs must be integers in [0, ${epochs}], got ${invalid.join(', ')}`);
    chosen = [...schedule];
  }
  return [...new Set([...chosen, epochs])].sort((a, b) => a - b);
}
