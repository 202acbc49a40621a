/**
 * Loss functions: mean squared error, cross-entropy from logits, binary cross-entropy from logits,
 * and negative log-likelihood.
 *
 * @module
 */

import { formatShape, shapesEqual } from "../tensor/shape.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { mul, sub } from "./arithmetic.ts";
import { asIndices, asTensor, requireFloat, requireInt, type TensorLike } from "./convert.ts";
import { oneHot } from "./gather.ts";
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
 * -logProbs[i, labels[i]].
 */
export function nll(
  logProbs: TensorLike,
  labels: TensorLike,
  reduction: Reduction = "mean",
): Tensor {
  const lp = asTensor("nll", logProbs), y = asIndices("nll", labels);
  requireFloat("nll", lp);
  requireInt("nll", "labels", y);
  if (lp.rank !== 2 || y.rank !== 1 || y.shape[0] !== lp.shape[0]) {
    throw new Error(
      `nll: expected log-probabilities [N, C] and labels [N], got ${formatShape(lp.shape)} and ${
        formatShape(y.shape)
      }`,
    );
  }
  return reduce(neg(sum(mul(lp, oneHot(y, lp.shape[1])), -1)), reduction);
}

/**
 * Cross-entropy of `logits` [N, C] against int32 class `labels` [N], or against float target
 * distributions of the same shape as the logits. Computed through logSoftmax, so it is stable for
 * any logit scale.
 */
export function crossEntropy(
  logits: TensorLike,
  labels: TensorLike,
  reduction: Reduction = "mean",
): Tensor {
  const z = asTensor("crossEntropy", logits), y = asIndices("crossEntropy", labels);
  requireFloat("crossEntropy", z);
  if (y.dtype === "int32") return nll(logSoftmax(z, -1), y, reduction);
  sameShape("crossEntropy", z, y);
  return reduce(neg(sum(mul(y, logSoftmax(z, -1)), -1)), reduction);
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
