/**
 * Comparisons (float32 masks of 0 and 1, with no gradient) and `where`.
 *
 * Masks are float32 rather than a boolean type so that they multiply straight into arithmetic:
 * `mul(g, greater(x, 0))` is the ReLU gradient.
 *
 * @module
 */

import { record } from "../autograd/graph.ts";
import type { CompareKernelName } from "../backend/contract.ts";
import { runKernel } from "../backend/registry.ts";
import { broadcastShapes } from "../tensor/shape.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { operands } from "./arithmetic.ts";
import { asTensor, fromKernel, type TensorLike } from "./convert.ts";
import { broadcastInfo, sumTo } from "./view.ts";

function compareOp(op: CompareKernelName, a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands(op, a, b);
  const shape = broadcastShapes(op, x.shape, y.shape);
  return fromKernel(
    runKernel("compare", op, broadcastInfo(op, x, shape), broadcastInfo(op, y, shape)),
  );
}

/** 1 where a = b. */
export function equal(a: TensorLike, b: TensorLike): Tensor {
  return compareOp("equal", a, b);
}

/** 1 where a ≠ b. */
export function notEqual(a: TensorLike, b: TensorLike): Tensor {
  return compareOp("notEqual", a, b);
}

/** 1 where a < b. */
export function less(a: TensorLike, b: TensorLike): Tensor {
  return compareOp("less", a, b);
}

/** 1 where a ≤ b. */
export function lessEqual(a: TensorLike, b: TensorLike): Tensor {
  return compareOp("lessEqual", a, b);
}

/** 1 where a > b. */
export function greater(a: TensorLike, b: TensorLike): Tensor {
  return compareOp("greater", a, b);
}

/** 1 where a ≥ b. */
export function greaterEqual(a: TensorLike, b: TensorLike): Tensor {
  return compareOp("greaterEqual", a, b);
}

/**
 * `a` where `cond` is nonzero, `b` elsewhere; all three broadcast together. Gradients flow to the
 * branch that was chosen.
 */
export function where(cond: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  const c = asTensor("where", cond);
  const [x, y] = operands("where", a, b);
  const shape = broadcastShapes("where", broadcastShapes("where", c.shape, x.shape), y.shape);
  const out = fromKernel(
    runKernel(
      "where",
      broadcastInfo("where", c, shape),
      broadcastInfo("where", x, shape),
      broadcastInfo("where", y, shape),
    ),
  );
  return record("where", [c, x, y], out, (g, needs) => {
    return [
      null,
      needs[1] ? sumTo(where(c, g, 0), x.shape) : null,
      needs[2] ? sumTo(where(c, 0, g), y.shape) : null,
    ];
  });
}
