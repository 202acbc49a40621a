/**
 * What the trainer needs from a model, an optimizer, a data source, a loss and a metric, stated as
 * small structural interfaces. The library's `Module`, optimizers and `DataLoader` fit them, and so
 * does any plain object with the same members, which keeps the trainer independent of those folders.
 *
 * @module
 */

import type { Tensor } from "../tensor/tensor.ts";

/** A model the trainer can run: a forward pass, its parameters, and a train/eval switch. */
export interface TrainableModel {
  /** The model's output for a batch of inputs. */
  forward(x: Tensor): Tensor;
  /** The leaf tensors the optimizer updates (used to snapshot and restore weights). */
  parameters(): Tensor[];
  /** Switches to training behaviour (dropout on, batch statistics updated). */
  train(): void;
  /** Switches to evaluation behaviour (dropout off, running statistics used). */
  eval(): void;
  /**
   * Whether the model is in training mode. When present, `evaluate` and `fit` put the model back in
   * the mode they found it in; without it they cannot know, and leave it as they last set it.
   */
  readonly training?: boolean;
}

/** An optimizer the trainer can drive: one update from the gradients, clearing them, and a rate. */
export interface StepOptimizer {
  /** Updates the parameters from their `.grad`. */
  step(): void;
  /** Disposes and clears the parameters' gradients. */
  zeroGrad(): void;
  /** The learning rate; a schedule sets it. */
  lr: number;
}

/** One mini-batch: inputs and targets, with the examples along the first axis of each. */
export interface SupervisedBatch {
  /** Inputs, [N, …]. */
  readonly x: Tensor;
  /** Targets, [N, …]: class labels (int32) or values. */
  readonly y: Tensor;
}

/**
 * Where batches come from: iterating it once is one epoch. Every batch must be new tensors that the
 * consumer owns, because the trainer disposes each batch after its step (a `DataLoader` does this).
 */
export interface BatchSource extends Iterable<SupervisedBatch> {
  /** Batches per epoch. */
  readonly length: number;
}

/**
 * A loss: the model's output and the targets to a one-element tensor to minimise, usually the mean
 * over the batch (e.g. `crossEntropy`, `mse`).
 */
export type LossFn = (prediction: Tensor, target: Tensor) => Tensor;

/**
 * A metric: the model's output and the targets to a one-element tensor, the batch mean (e.g.
 * {@link accuracy}). Epoch values are these means averaged with the batch sizes as weights.
 */
export type MetricFn = (prediction: Tensor, target: Tensor) => Tensor;

/** Named metrics; the names become history columns (`train_accuracy`, `val_accuracy`). */
export type Metrics = Readonly<Record<string, MetricFn>>;

/** A learning rate for each epoch (or step) index t = 0, 1, 2, … (as `lib/optim` schedules are). */
export type LrSchedule = (t: number) => number;
