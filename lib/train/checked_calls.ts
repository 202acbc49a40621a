/**
 * Calling the model, the loss and the metrics on a batch with errors that say which shapes met.
 * The ops already name their own shapes, but not which of the user's pieces passed them in, and a
 * model output that does not fit the loss is the commonest first-run mistake.
 *
 * @module
 */

import { formatShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import type { LossFn, MetricFn, Metrics, SupervisedBatch, TrainableModel } from "./contracts.ts";

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Throws unless `batch` is `{ x, y }` with live tensors, the first axis of each being the batch.
 * Returns the batch size.
 */
export function checkBatch(batch: SupervisedBatch): number {
  const { x, y } = (batch ?? {}) as Partial<SupervisedBatch>;
  if (!(x instanceof Tensor) || !(y instanceof Tensor)) {
    throw new Error(
      "each batch must be an object { x, y } of two tensors (inputs and targets), as a " +
        "DataLoader over columns x and y gives",
    );
  }
  if (x.isDisposed || y.isDisposed) {
    throw new Error(
      "this batch's tensors were already disposed. Training disposes every batch after its step, " +
        "so the data source must make new tensors on each pass (a DataLoader does); do not reuse " +
        "an array of ready-made batches",
    );
  }
  if (x.rank === 0 || y.rank === 0 || x.shape[0] !== y.shape[0]) {
    throw new Error(
      `the batch's inputs ${formatShape(x.shape)} and targets ${formatShape(y.shape)} must ` +
        "have the same length along the first (batch) axis",
    );
  }
  return x.shape[0];
}

/** Disposes whatever tensors a batch holds, even a malformed one. */
export function disposeBatch(batch: SupervisedBatch): void {
  for (const t of Object.values(batch ?? {})) if (t instanceof Tensor) t.dispose();
}

/**
 * The metrics, checked to be functions with names that do not clash with the loss's column.
 * `where` names the caller in errors.
 */
export function checkedMetrics(where: string, metrics: Metrics = {}): Metrics {
  for (const [name, fn] of Object.entries(metrics)) {
    if (typeof fn !== "function") {
      throw new Error(
        `${where}: metric '${name}' must be a function (prediction, target) => tensor`,
      );
    }
    if (name === "loss") {
      throw new Error(`${where}: 'loss' is the loss's own column; give the metric another name`);
    }
  }
  return metrics;
}

/** `model.forward(x)`, checked to give a tensor. */
export function forwardOf(model: TrainableModel, x: Tensor): Tensor {
  let out: unknown;
  try {
    out = model.forward(x);
  } catch (err) {
    throw new Error(`the model failed on input ${formatShape(x.shape)}: ${messageOf(err)}`, {
      cause: err,
    });
  }
  if (!(out instanceof Tensor)) {
    throw new Error(`the model's forward(x) must return a tensor, got ${String(out)}`);
  }
  return out;
}

/** The loss of `out` against `y`, checked to be one number. */
export function lossOf(loss: LossFn, out: Tensor, y: Tensor): Tensor {
  return scalarOf("the loss", loss, out, y);
}

/** The metric `name` of `out` against `y`, checked to be one number. */
export function metricOf(name: string, metric: MetricFn, out: Tensor, y: Tensor): Tensor {
  return scalarOf(`the metric '${name}'`, metric, out, y);
}

function scalarOf(
  what: string,
  fn: (prediction: Tensor, target: Tensor) => Tensor,
  out: Tensor,
  y: Tensor,
): Tensor {
  const pair = `model output ${formatShape(out.shape)} ${out.dtype} vs target ${
    formatShape(y.shape)
  } ${y.dtype}`;
  let value: unknown;
  try {
    value = fn(out, y);
  } catch (err) {
    throw new Error(
      `${what} failed on ${pair}: ${messageOf(err)}. Check that the model's last layer fits ` +
        "the targets (crossEntropy and accuracy: logits [N, C] with int32 labels [N]; mse: the " +
        "target's shape)",
      { cause: err },
    );
  }
  if (!(value instanceof Tensor) || value.size !== 1) {
    const got = value instanceof Tensor ? `shape ${formatShape(value.shape)}` : String(value);
    throw new Error(
      `${what} must return a one-element tensor (the batch mean), got ${got} on ${pair}; ` +
        "use the 'mean' reduction",
    );
  }
  return value;
}
