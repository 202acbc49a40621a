/**
 * The error a training run ends with: it says where (epoch and step), and carries the history
 * recorded so far, so a diverged run can still be plotted and compared.
 *
 * @module
 */

import type { History } from "./history.ts";

/** Where in a run a step is. */
export interface StepPosition {
  /** The epoch, from 1. */
  readonly epoch: number;
  /** The batch within the epoch, from 1. */
  readonly batch: number;
  /** Batches per epoch. */
  readonly batches: number;
  /** The step over the whole run, from 1. */
  readonly step: number;
}

/** "epoch 2, step 5 of 10 (step 15 overall)". */
export function describePosition(at: StepPosition): string {
  return `epoch ${at.epoch}, step ${at.batch} of ${at.batches} (step ${at.step} overall)`;
}

/** The last checkpoint a run saved: the file and the epoch whose weights it holds. */
export interface SavedCheckpoint {
  /** The file `fit` saved the model to (`FitOptions.checkpoint`). */
  readonly path: string;
  /** The epoch after which it was saved. */
  readonly epoch: number;
}

/**
 * A training run that stopped at a step, with the history recorded up to it and, when the run
 * saved checkpoints, the last one.
 */
export class TrainingError extends Error {
  /** Epochs finished before the failure, and the steps read so far. */
  readonly history: History;
  /** Where the run stopped. */
  readonly position: StepPosition;
  /** What went wrong, without the position and the checkpoint note. */
  readonly reason: string;
  /** The last checkpoint saved before the failure, or null when none was. */
  readonly checkpoint: SavedCheckpoint | null;

  /**
   * An error at `position` whose message is `fit: <where>: <reason>`, followed by where the last
   * checkpoint is when there is one.
   */
  constructor(
    reason: string,
    position: StepPosition,
    history: History,
    cause?: unknown,
    checkpoint: SavedCheckpoint | null = null,
  ) {
    const note = checkpoint
      ? ` The weights after epoch ${checkpoint.epoch} are saved in ${checkpoint.path}: ` +
        `load them with loadModule(model, ${JSON.stringify(checkpoint.path)}).`
      : "";
    super(`fit: ${describePosition(position)}: ${reason}${note}`, { cause });
    this.name = "TrainingError";
    this.history = history;
    this.position = position;
    this.reason = reason;
    this.checkpoint = checkpoint;
  }
}

/** What is known when the loss turns NaN or infinite. */
export interface Divergence {
  /** The bad loss value. */
  readonly loss: number;
  /** The last finite loss before it and its overall step, if there was one. */
  readonly lastFinite: { readonly loss: number; readonly step: number } | null;
  /** The overall step whose starting weights the parameters were put back to (1: the first). */
  readonly restoredTo: number;
  /** The learning rate at the bad step. */
  readonly lr: number;
}

/** The message for a diverged loss: what happened, the state left behind, and what to try. */
export function divergedMessage(d: Divergence): string {
  const last = d.lastFinite
    ? `The last finite loss was ${d.lastFinite.loss} (step ${d.lastFinite.step}).`
    : "No step before it had a finite loss.";
  const weights = d.restoredTo > 1
    ? `The parameters are back to their values before step ${d.restoredTo}, the last ones ` +
      "checked to give a finite loss."
    : "The parameters are back to their values from before the first step.";
  return `the loss is ${d.loss}. ${last} ${weights} Try a lower learning rate ` +
    `(it was ${d.lr}), clipping gradients (beforeStep: (m) => clipGradNorm(m.parameters(), 1)), ` +
    "and checking the inputs for NaN or Infinity (and class labels for values out of range: " +
    "on the GPU those give a NaN loss rather than an error). The optimizer's state (momentum, " +
    "moments) may now hold NaN: make a new optimizer before training again. The history so far " +
    "is on err.history.";
}
