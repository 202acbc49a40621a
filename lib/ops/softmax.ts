/**
 * Softmax and log-softmax along one axis, numerically stable for any input scale.
 *
 * @module
 */

import { normalizeAxis } from "../tensor/shape.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { div, sub } from "./arithmetic.ts";
import { asTensor, requireFloat, type TensorLike } from "./convert.ts";
import { logSumExp, max, sum } from "./reduce.ts";
import { exp } from "./unary.ts";

/**
 * e^x / Σ e^x along `axis` (default: the last). The maximum is subtracted first, which changes
 * nothing mathematically but keeps exp from overflowing.
 */
export function softmax(x: TensorLike, axis = -1): Tensor {
  const t = asTensor("softmax", x);
  requireFloat("softmax", t);
  // Checked here so that a bad axis is reported against softmax, not the max inside it.
  const a = normalizeAxis("softmax", axis, t.rank);
  const e = exp(sub(t, max(t, a, true).detach()));
  return div(e, sum(e, a, true));
}

/** x - logΣe^x along `axis` (default: the last): log-probabilities that never overflow. */
export function logSoftmax(x: TensorLike, axis = -1): Tensor {
  const t = asTensor("logSoftmax", x);
  requireFloat("logSoftmax", t);
  return sub(t, logSumExp(t, normalizeAxis("logSoftmax", axis, t.rank), true));
}
