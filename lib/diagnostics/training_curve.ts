/**
 * A bare training loop that records the training loss every so many steps, for comparing many
 * networks on exactly the same batches.
 *
 * @module
 */

import { disposeBatch } from "../train/checked_calls.ts";
import type { LossFn, StepOptimizer, SupervisedBatch, TrainableModel } from "../train/contracts.ts";
import { keep, tidy } from "../tensor/memory.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { stack } from "../ops/join.ts";

/** Options of {@link trainingCurve}. */
export interface TrainingCurveOptions {
  /** Training steps, one batch each. */
  readonly steps: number;
  /** Updates the parameters from their gradients. */
  readonly optimizer: StepOptimizer;
  /** The loss to minimise, e.g. `crossEntropy`. */
  readonly loss: LossFn;
  /** Steps per point of the curve (default 25); each point is their mean loss. */
  readonly every?: number;
}

/** A training run's curve: the mean training loss of each window of steps. */
export interface TrainingCurve {
  /** The last step of each window (counted from 1). */
  readonly step: number[];
  /** The mean training loss over the window. */
  readonly loss: number[];
  /** Seconds the run took. */
  readonly seconds: number;
}

/**
 * Trains `model` for `options.steps` steps on `batches`, pass after pass as many as it takes, and
 * returns its training-loss curve: `fit` without validation, epochs or progress display, for
 * runs counted in steps. The batches are disposed after their steps. Give
 * every network a fresh loader with the same seed and they all see the same batches in the same
 * order (a seeded `DataLoader` reshuffles the same way each time).
 *
 * @example
 * ```ts
 * const curve = await trainingCurve(net, loader, {
 *   steps: 200, optimizer: new Adam(net.parameters(), { lr: 1e-3 }), loss: crossEntropy,
 * });
 * ```
 */
export async function trainingCurve(
  model: TrainableModel,
  batches: Iterable<SupervisedBatch>,
  options: TrainingCurveOptions,
): Promise<TrainingCurve> {
  const { steps, optimizer, loss } = options;
  const every = options.every ?? 25;
  for (const [name, v] of [["steps", steps], ["every", every]] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new Error(`trainingCurve: ${name} must be a positive integer, got ${v}`);
    }
  }
  const started = performance.now();
  const curve: TrainingCurve = { step: [], loss: [], seconds: 0 };
  let window: Tensor[] = [];
  let epoch = batches[Symbol.iterator]();
  for (let step = 1; step <= steps; step++) {
    let next = epoch.next();
    if (next.done) {
      // The end of a pass: start the next one (a shuffling loader reshuffles).
      epoch = batches[Symbol.iterator]();
      next = epoch.next();
      if (next.done) throw new Error("trainingCurve: the batches are empty");
    }
    const batch = next.value;
    window.push(keep(tidy(() => {
      optimizer.zeroGrad();
      const value = loss(model.forward(batch.x), batch.y);
      value.backward();
      return value.detach();
    })));
    optimizer.step();
    disposeBatch(batch);
    if (step % every === 0 || step === steps) {
      // One read per window: reads cost far more than steps on a GPU.
      const mean = tidy(() => stack(window).mean());
      const value = (await mean.data())[0];
      mean.dispose();
      for (const t of window) t.dispose();
      window = [];
      curve.step.push(step);
      curve.loss.push(value);
    }
  }
  return { ...curve, seconds: (performance.now() - started) / 1000 };
}
