/**
 * Losses and accuracies over padded batches, where only the positions a mask marks count.
 *
 * @module
 */

import { div, mul } from "../ops/arithmetic.ts";
import { gather } from "../ops/gather.ts";
import { equal } from "../ops/compare.ts";
import { crossEntropy } from "../ops/loss.ts";
import { argmax, sum } from "../ops/reduce.ts";
import { reshape } from "../ops/view.ts";
import { fromArray } from "../tensor/creation.ts";
import { formatShape, shapesEqual } from "../tensor/shape.ts";
import type { Tensor } from "../tensor/tensor.ts";

/** Throws unless logits are [B, T, C] and labels and mask [B, T]. */
function checkShapes(op: string, logits: Tensor, labels: Tensor, mask: Tensor): void {
  const bt = logits.shape.slice(0, 2);
  if (logits.rank !== 3 || !shapesEqual(labels.shape, bt) || !shapesEqual(mask.shape, bt)) {
    throw new Error(
      `${op}: expected logits [B, T, C] with labels and mask [B, T], got logits ` +
        `${formatShape(logits.shape)}, labels ${formatShape(labels.shape)} and mask ` +
        formatShape(mask.shape),
    );
  }
}

/**
 * The mean cross-entropy over the real positions of a padded batch: logits [B, T, C], int32 labels
 * [B, T] and a mask [B, T] of 1 (real) and 0 (padding). Padding adds nothing to the loss or the
 * gradient, whatever label it carries, and every real token weighs the same however its batch is
 * padded.
 */
export function maskedCrossEntropy(logits: Tensor, labels: Tensor, mask: Tensor): Tensor {
  checkShapes("maskedCrossEntropy", logits, labels, mask);
  const [b, t, c] = logits.shape;
  const perToken = crossEntropy(reshape(logits, [b * t, c]), reshape(labels, [b * t]), "none");
  const flatMask = reshape(mask, [b * t]);
  return div(sum(mul(perToken, flatMask)), sum(flatMask));
}

/**
 * How many real positions of a padded batch the logits [B, T, C] get right (highest logit = label),
 * and how many real positions there are, as plain numbers (it reads them with `item()`, so it runs
 * on the CPU backend).
 */
export function maskedCorrect(
  logits: Tensor,
  labels: Tensor,
  mask: Tensor,
): { correct: number; total: number } {
  checkShapes("maskedCorrect", logits, labels, mask);
  const hits = mul(equal(argmax(logits, -1), labels), mask);
  const correct = sum(hits).item(), total = sum(mask).item();
  return { correct, total };
}

/**
 * The output at each sequence's last real step: row b of the result [B, H] is outputs[b, len_b − 1]
 * of outputs [B, T, H]. For a left-to-right recurrent layer over padded sequences, this is the
 * state after reading exactly the sequence, where outputs[:, T − 1] would have read the padding
 * too.
 */
export function lastOutputs(outputs: Tensor, lengths: readonly number[]): Tensor {
  if (outputs.rank !== 3) {
    throw new Error(`lastOutputs: expected outputs [B, T, H], got ${formatShape(outputs.shape)}`);
  }
  const [batch, time, hidden] = outputs.shape;
  if (lengths.length !== batch) {
    throw new Error(`lastOutputs: got ${lengths.length} lengths for a batch of ${batch}`);
  }
  const rows = Int32Array.from(lengths, (n, b) => {
    if (!Number.isInteger(n) || n < 1 || n > time) {
      throw new Error(
        `lastOutputs: length ${n} of sequence ${b} is not a whole number in 1…${time}`,
      );
    }
    return b * time + n - 1;
  });
  return gather(
    reshape(outputs, [batch * time, hidden]),
    fromArray(rows, [batch], { dtype: "int32" }),
  );
}
