/**
 * Checkpoints: everything a resumed run needs to draw and record exactly what the uninterrupted run
 * would — the model, the optimizer's slots and step count, the replicas of `snr: 'replicas'`, and the
 * carry-over between logged epochs (the last logged loss and the KDE-derivative samples) — in the run
 * store's one NPZ (`checkpoints/latest.npz`).
 */
import { z } from 'zod';
import type { ParallelReplicas } from '../dynamics/index.js';
import type { Sequential } from '../nn/index.js';
import type { Optimizer } from '../optim/index.js';
import { type Tensor, keep } from '../tensor/index.js';
import { parseWithSchema } from '../schema.js';
import type { RunStore } from '../store/index.js';

/** What one logged epoch hands to the next. */
export interface Carry {
  /** The last logged epoch, its optimizer step and full training loss (the next window's start). */
  lastLogged: { epoch: number; step: number; trainLoss: number } | undefined;
  /** Per layer: the KDE-derivative sample of its activations at the last logged epoch. */
  derivative: Map<string, Tensor>;
}

const metaSchema = z.object({
  iterations: z.number().int().min(0),
  replicaIterations: z.number().int().min(0),
  lastLogged: z.object({ epoch: z.number().int(), step: z.number().int(), trainLoss: z.number() }).nullable(),
  elapsedSeconds: z.number(),
}).passthrough();

const CARRY = 'carry.';

export interface CheckpointParts {
  model: Sequential;
  optimizer: Optimizer;
  replicas: ParallelReplicas | undefined;
}

/** Replaces the run's checkpoint with the state after `epoch`. */
export function saveCheckpoint(store: RunStore, epoch: number, parts: CheckpointParts, carry: Carry, elapsedSeconds: number): void {
  const tensors = new Map<string, Tensor>();
  for (const [name, value] of parts.model.stateDict()) tensors.set(`model.${name}`, value);
  for (const [name, value] of parts.optimizer.stateDict().slots) tensors.set(`optimizer.${name}`, value);
  if (parts.replicas) for (const [name, value] of parts.replicas.stateTensors()) tensors.set(name, value);
  for (const [layer, sample] of carry.derivative) tensors.set(`${CARRY}${layer}`, sample);
  store.saveCheckpoint(epoch, tensors, {
    iterations: parts.optimizer.iterations,
    replicaIterations: parts.replicas?.optimizers[0]?.iterations ?? 0,
    lastLogged: carry.lastLogged ?? null,
    elapsedSeconds,
  } satisfies z.input<typeof metaSchema>);
}

/**
 * Loads the run's checkpoint into the parts; returns the next epoch to train, the carry and the elapsed
 * time, or undefined when the run has no checkpoint yet.
 */
export function restoreCheckpoint(store: RunStore, parts: CheckpointParts): { nextEpoch: number; carry: Carry; elapsedSeconds: number } | undefined {
  const checkpoint = store.loadCheckpoint();
  if (!checkpoint) return undefined;
  const { tensors } = checkpoint;
  try {
    const meta = parseWithSchema(metaSchema, checkpoint.meta, `${store.file('checkpoints/latest.npz')} meta.json`);
    const pick = (prefix: string): Map<string, Tensor> => new Map([...tensors].filter(([name]) => name.startsWith(prefix)).map(([name, value]) => [name.slice(prefix.length), value]));
    parts.model.loadStateDict(pick('model.'));
    parts.optimizer.loadStateDict({ iterations: meta.iterations, slots: pick('optimizer.') });
    parts.replicas?.loadStateTensors(new Map([...tensors].filter(([name]) => name.startsWith('replica'))), meta.replicaIterations);
    const derivative = new Map([...pick(CARRY)].map(([layer, sample]) => [layer, keep(sample)] as const));
    return { nextEpoch: checkpoint.epoch + 1, carry: { lastLogged: meta.lastLogged ?? undefined, derivative }, elapsedSeconds: meta.elapsedSeconds };
  } finally {
    for (const [name, t] of tensors) if (!name.startsWith(CARRY)) t.dispose();
  }
}
