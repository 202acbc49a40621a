/**
 * Classification accuracy, the metric most chapters report.
 *
 * @module
 */

import { toFloat } from "../ops/cast.ts";
import { equal } from "../ops/compare.ts";
import { argmax, mean } from "../ops/reduce.ts";
import { formatShape } from "../tensor/shape.ts";
import type { Tensor } from "../tensor/tensor.ts";

/**
 * The fraction of rows whose largest logit is at the label: class `logits` [N, C] against int32
 * `labels` [N]. Returns a one-element float32 tensor; it has no gradient.
 *
 * @example
 * ```ts
 * accuracy(tensor([[2, 1], [0, 3]]), tensor([0, 0], { dtype: "int32" })); // 0.5
 * ```
 */
export function accuracy(logits: Tensor, labels: Tensor): Tensor {
  if (logits.rank !== 2 || labels.rank !== 1 || labels.shape[0] !== logits.shape[0]) {
    throw new Error(
      `accuracy: expected class logits [N, C] and labels [N], got ${formatShape(logits.shape)} ` +
        `and ${formatShape(labels.shape)}`,
    );
  }
  if (labels.dtype !== "int32") {
    throw new Error(
      `accuracy: labels must be int32 class indices, got ${labels.dtype}; convert with .toInt()`,
    );
  }
  return mean(toFloat(equal(argmax(logits, -1), labels)));
}
