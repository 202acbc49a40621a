/**
 * Dot-product attention: a query scores every position of a sequence, the scores become weights by
 * a softmax, and the result is the weighted mean of the positions' values.
 *
 * @module
 */

import { add, mul, sub } from "../ops/arithmetic.ts";
import { matmul } from "../ops/matmul.ts";
import { softmax } from "../ops/softmax.ts";
import { squeeze, unsqueeze } from "../ops/view.ts";
import { formatShape, shapesEqual } from "../tensor/shape.ts";
import type { Tensor } from "../tensor/tensor.ts";

/** What {@link dotAttention} returns. */
export interface AttentionResult {
  /** The weighted mean of the values, [B, D]. */
  readonly context: Tensor;
  /** The attention weights [B, S]: each row is ≥ 0 and sums to 1 (0 on masked positions). */
  readonly weights: Tensor;
}

/** Options of {@link dotAttention}. */
export interface AttentionOptions {
  /** 1 where a position may be attended to and 0 where not (padding), [B, S]. */
  readonly mask?: Tensor;
  /** Multiplies the scores (default 1; 1/√H is the Transformer's choice). */
  readonly scale?: number;
}

// A masked score: low enough that its softmax weight is exactly 0 in float32, yet finite, so a
// row that is all mask still gives numbers (uniform weights) rather than NaN.
const MASKED = -1e9;

/**
 * Attention of one query per example over a sequence (Luong's dot score):
 *
 * score_s = q · k_s,  a = softmax(score),  context = Σ_s a_s v_s,
 *
 * for a query [B, H], keys [B, S, H] and values [B, S, D] (often the same tensor: the encoder's
 * hidden states). Masked positions get weight 0.
 *
 * @example
 * ```ts
 * const { context, weights } = dotAttention(decoderState, encoderStates, encoderStates, { mask });
 * ```
 */
export function dotAttention(
  query: Tensor,
  keys: Tensor,
  values: Tensor,
  options: AttentionOptions = {},
): AttentionResult {
  const { mask, scale = 1 } = options;
  if (
    query.rank !== 2 || keys.rank !== 3 || values.rank !== 3 ||
    keys.shape[0] !== query.shape[0] || keys.shape[2] !== query.shape[1] ||
    values.shape[0] !== query.shape[0] || values.shape[1] !== keys.shape[1]
  ) {
    throw new Error(
      `dotAttention: expected a query [B, H], keys [B, S, H] and values [B, S, D], got ` +
        `${formatShape(query.shape)}, ${formatShape(keys.shape)} and ${formatShape(values.shape)}`,
    );
  }
  if (mask && !shapesEqual(mask.shape, keys.shape.slice(0, 2))) {
    throw new Error(
      `dotAttention: the mask must be [B, S] = ${formatShape(keys.shape.slice(0, 2))}, got ` +
        formatShape(mask.shape),
    );
  }
  // [B, S, H] @ [B, H, 1] → [B, S, 1] → [B, S]
  let scores = squeeze(matmul(keys, unsqueeze(query, -1)), -1);
  if (scale !== 1) scores = mul(scores, scale);
  // mask 1 → score unchanged, mask 0 → score + MASKED.
  if (mask) scores = add(scores, mul(sub(1, mask), MASKED));
  const weights = softmax(scores, -1);
  // [B, 1, S] @ [B, S, D] → [B, 1, D] → [B, D]
  const context = squeeze(matmul(unsqueeze(weights, 1), values), 1);
  return { context, weights };
}
