/**
 * Weight penalties to add to the loss: L1 (drives weights to exactly zero) and L2 (shrinks them).
 *
 * @module
 */

import { add, mul } from "../ops/arithmetic.ts";
import { sum } from "../ops/reduce.ts";
import { abs, square } from "../ops/unary.ts";
import { scalar } from "../tensor/creation.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { labelParams, type Params } from "./params.ts";
import { nonNegative } from "./validate.ts";

/**
 * The L1 penalty λ·Σ|θ| over all `params`, a scalar to add to the loss. Its gradient is λ·sign(θ)
 * (0 at θ = 0): a constant pull toward zero, which sets small weights exactly to zero (sparsity).
 *
 * @example
 * ```ts
 * const loss = crossEntropy(logits, y).add(l1Penalty(model.parameters(), 1e-4));
 * ```
 */
export function l1Penalty(params: Params, lambda: number): Tensor {
  return penalty("l1Penalty", params, lambda, (p) => sum(abs(p)));
}

/**
 * The L2 penalty (λ/2)·Σθ² over all `params`, a scalar to add to the loss. Its gradient is λ·θ, so
 * adding it is the same as an optimizer's `weightDecay: λ` (but costs a forward and backward pass).
 */
export function l2Penalty(params: Params, lambda: number): Tensor {
  return mul(penalty("l2Penalty", params, lambda, (p) => sum(square(p))), 0.5);
}

function penalty(
  op: string,
  params: Params,
  lambda: number,
  term: (p: Tensor) => Tensor,
): Tensor {
  nonNegative(op, "lambda", lambda);
  const terms = labelParams(params).map((p) => term(p.tensor));
  return mul(terms.length ? terms.reduce((a, b) => add(a, b)) : scalar(0), lambda);
}
