/**
 * Elementwise functions of one tensor, each with its derivative beside it.
 *
 * @module
 */

import { record } from "../autograd/graph.ts";
import type { UnaryKernelName } from "../backend/contract.ts";
import { runKernel } from "../backend/registry.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { div, mul, sub } from "./arithmetic.ts";
import { greater, greaterEqual, lessEqual, where } from "./compare.ts";
import { asTensor, fromKernel, requireFloat, type TensorLike } from "./convert.ts";

/** Ops that also make sense on int32. */
const INT_OK: ReadonlySet<UnaryKernelName> = new Set(["neg", "abs", "sign"]);

/** Runs a unary kernel and records `rule(g, x, y)` as the gradient. */
function unaryOp(
  op: UnaryKernelName,
  x: TensorLike,
  rule: (g: Tensor, x: Tensor, y: Tensor) => Tensor | null,
): Tensor {
  const t = asTensor(op, x);
  if (!INT_OK.has(op)) requireFloat(op, t);
  const y = fromKernel(runKernel("unary", op, t));
  return record(op, [t], y, (g) => [rule(g, t, y)]);
}

/** -x. */
export function neg(x: TensorLike): Tensor {
  return unaryOp("neg", x, (g) => neg(g));
}

/** e^x; d/dx = e^x. */
export function exp(x: TensorLike): Tensor {
  return unaryOp("exp", x, (g, _x, y) => mul(g, y));
}

/** Natural logarithm; d/dx = 1/x. */
export function log(x: TensorLike): Tensor {
  return unaryOp("log", x, (g, t) => div(g, t));
}

/** Square root; d/dx = 1/(2√x). */
export function sqrt(x: TensorLike): Tensor {
  return unaryOp("sqrt", x, (g, _x, y) => div(g, mul(y, 2)));
}

/** |x|; d/dx = sign(x). */
export function abs(x: TensorLike): Tensor {
  return unaryOp("abs", x, (g, t) => mul(g, sign(t)));
}

/** -1, 0 or 1 by the sign of x; its gradient is zero. */
export function sign(x: TensorLike): Tensor {
  return unaryOp("sign", x, () => null);
}

/** max(x, 0); d/dx = 1 where x > 0. */
export function relu(x: TensorLike): Tensor {
  return unaryOp("relu", x, (g, t) => mul(g, greater(t, 0)));
}

/** 1 / (1 + e^-x); d/dx = y(1 - y). */
export function sigmoid(x: TensorLike): Tensor {
  return unaryOp("sigmoid", x, (g, _x, y) => mul(g, mul(y, sub(1, y))));
}

/** Hyperbolic tangent; d/dx = 1 - y². */
export function tanh(x: TensorLike): Tensor {
  return unaryOp("tanh", x, (g, _x, y) => mul(g, sub(1, mul(y, y))));
}

/** log(1 + e^x), computed without overflow; d/dx = sigmoid(x). */
export function softplus(x: TensorLike): Tensor {
  return unaryOp("softplus", x, (g, t) => mul(g, sigmoid(t)));
}

/** x²; d/dx = 2x. */
export function square(x: TensorLike): Tensor {
  const t = asTensor("square", x);
  return mul(t, t);
}

/** x where x > 0, `alpha`·x elsewhere (default alpha 0.2, as TensorFlow.js). */
export function leakyRelu(x: TensorLike, alpha = 0.2): Tensor {
  const t = asTensor("leakyRelu", x);
  requireFloat("leakyRelu", t);
  const y = fromKernel(runKernel("leakyRelu", t, alpha));
  // g·alpha rather than a mask of 1 and alpha: a number beside g adopts g's dtype, so a float64
  // gradient is not computed with alpha rounded to float32.
  return record("leakyRelu", [t], y, (g) => [where(greater(t, 0), g, mul(g, alpha))]);
}

/** Clamps x to [lo, hi]; the gradient passes where lo ≤ x ≤ hi. */
export function clip(x: TensorLike, lo: number, hi: number): Tensor {
  const t = asTensor("clip", x);
  if (!(lo <= hi)) throw new Error(`clip: need lo <= hi, got lo=${lo} and hi=${hi}`);
  const y = fromKernel(runKernel("clip", t, lo, hi));
  return record("clip", [t], y, (g) => [mul(g, mul(greaterEqual(t, lo), lessEqual(t, hi)))]);
}
