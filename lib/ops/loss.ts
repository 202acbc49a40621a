/**
 * Loss functions: mean squared error, cross-entropy from logits, binary cross-entropy from logits,
 * and negative log-likelihood.
 *
 * @module
 */

import { arange } from "../tensor/creation.ts";
import { formatShape, shapesEqual } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { add, div, mul, sub } from "./arithmetic.ts";
import {
  asIndices,
  asTensor,
  checkHostIndices,
  requireFloat,
  requireInt,
  type TensorLike,
} from "./convert.ts";
import { gather, oneHot } from "./gather.ts";
import { mean, sum } from "./reduce.ts";
import { logSoftmax } from "./softmax.ts";
import { neg, softplus, square } from "./unary.ts";

/** How per-example losses combine: their mean (default), their sum, or none (one per example). */
export type Reduction = "mean" | "sum" | "none";

function reduce(losses: Tensor, reduction: Reduction): Tensor {
  if (reduction === "mean") return mean(losses);
  if (reduction === "sum") return sum(losses);
  if (reduction === "none") return losses;
  throw new Error(`loss: reduction must be 'mean', 'sum' or 'none', got '${reduction}'`);
}

function sameShape(op: string, a: Tensor, b: Tensor): void {
  if (!shapesEqual(a.shape, b.shape)) {
    throw new Error(
      `${op}: predictions ${formatShape(a.shape)} and targets ${
        formatShape(b.shape)
      } must have the same shape`,
    );
  }
}

/** Mean squared error: the mean of (prediction - target)², elementwise. */
export function mse(
  prediction: TensorLike,
  target: TensorLike,
  reduction: Reduction = "mean",
): Tensor {
  const p = asTensor("mse", prediction), t = asTensor("mse", target);
  requireFloat("mse", p);
  sameShape("mse", p, t);
  return reduce(square(sub(p, t)), reduction);
}

/**
 * Negative log-likelihood of int32 class `labels` [N] under log-probabilities `logProbs` [N, C]:
 * -logProbs[i, labels[i]]. A label outside [0, C) is an error.
 */
export function nll(
  logProbs: TensorLike,
  labels: TensorLike,
  reduction: Reduction = "mean",
): Tensor {
  const lp = asTensor("nll", logProbs);
  requireFloat("nll", lp);
  return pickNegated("nll", "log-probabilities", lp, labels, asIndices("nll", labels), reduction);
}

/**
 * -lp[i, y[i]] for each row, reduced; `op` and `what` name the caller and its first argument in
 * errors, so that crossEntropy's mistakes are reported as crossEntropy's.
 */
function pickNegated(
  op: string,
  what: string,
  lp: Tensor,
  labels: TensorLike,
  y: Tensor,
  reduction: Reduction,
): Tensor {
  requireInt(op, "labels", y);
  if (lp.rank !== 2 || y.rank !== 1 || y.shape[0] !== lp.shape[0]) {
    throw new Error(
      `${op}: expected ${what} [N, C] and labels [N], got ${formatShape(lp.shape)} and ${
        formatShape(y.shape)
      }`,
    );
  }
  const classes = lp.shape[1];
  checkLabels(op, labels, y, classes);
  const mask = oneHot(y, classes);
  // An out-of-range label has an all-zero mask row, which would silently add 0 to the loss (a
  // 1-based label set would quietly drop a class). 0 / (row sum) is 0 for a valid label and NaN
  // for one out of range: the check for label tensors on a backend that cannot read them as the
  // op runs (the GPU), so that the loss turns NaN and the trainer's NaN guard stops the run.
  const poison = div(0, sum(mask, -1));
  return reduce(add(neg(sum(mul(lp, mask), -1)), poison), reduction);
}

/**
 * Throws unless every label is a class index in [0, classes): labels given as numbers are checked
 * on the host, on every backend; a label tensor `y` by the gather kernel, where the backend can
 * read indices as it runs (the CPU backends).
 */
function checkLabels(op: string, labels: TensorLike, y: Tensor, classes: number): void {
  const ids = arange(classes);
  try {
    if (labels instanceof Tensor) gather(ids, y).dispose();
    else checkHostIndices("gather", labels, 0, classes);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`${op}: labels must be class indices in [0, ${classes}); ${message}`, {
      cause: err,
    });
  } finally {
    ids.dispose();
  }
}

/**
 * Cross-entropy of `logits` [N, C] against int32 class `labels` [N], or against float target
 * distributions of the same shape as the logits. Plain arrays shaped like the logits are read as
 * target distributions, other plain arrays as class labels. Computed through logSoftmax, so it is
 * stable for any logit scale.
 */
export function crossEntropy(
  logits: TensorLike,
  labels: TensorLike,
  reduction: Reduction = "mean",
): Tensor {
  const z = asTensor("crossEntropy", logits);
  requireFloat("crossEntropy", z);
  const y = targetsOf(z, labels);
  if (y.dtype === "int32") {
    return pickNegated("crossEntropy", "logits", logSoftmax(z, -1), labels, y, reduction);
  }
  if (y.rank === z.rank - 1) {
    throw new Error(
      `crossEntropy: class labels must be int32, got ${y.dtype} ${formatShape(y.shape)}; ` +
        `make them with { dtype: "int32" } or .toInt(), or pass target distributions shaped ` +
        `like the logits ${formatShape(z.shape)}`,
    );
  }
  sameShape("crossEntropy", z, y);
  return reduce(neg(sum(mul(y, logSoftmax(z, -1)), -1)), reduction);
}

/**
 * crossEntropy's second argument as a tensor. Tensors keep their dtype. Plain arrays are ambiguous:
 * converting them all as indices would truncate soft targets such as [[0.2, 0.8]] to int32 zeros,
 * so those shaped like the logits stay float.
 */
function targetsOf(z: Tensor, labels: TensorLike): Tensor {
  if (labels instanceof Tensor || typeof labels === "number") {
    return asIndices("crossEntropy", labels);
  }
  const asFloat = asTensor("crossEntropy", labels);
  if (shapesEqual(asFloat.shape, z.shape)) return asFloat;
  asFloat.dispose();
  return asIndices("crossEntropy", labels);
}

/**
 * Binary cross-entropy of `logits` against targets in [0, 1] of the same shape, elementwise:
 * softplus(z) - z·y, which equals -[y·log σ(z) + (1 - y)·log(1 - σ(z))] without overflow.
 */
export function binaryCrossEntropyWithLogits(
  logits: TensorLike,
  targets: TensorLike,
  reduction: Reduction = "mean",
): Tensor {
  const z = asTensor("binaryCrossEntropyWithLogits", logits);
  const y = asTensor("binaryCrossEntropyWithLogits", targets, z.dtype);
  requireFloat("binaryCrossEntropyWithLogits", z);
  sameShape("binaryCrossEntropyWithLogits", z, y);
  return reduce(sub(softplus(z), mul(z, y)), reduction);
}
