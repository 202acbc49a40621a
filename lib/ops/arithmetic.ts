/**
 * Elementwise arithmetic with broadcasting: add, sub, mul, div, pow, maximum, minimum, each with its
 * gradient beside it.
 *
 * @module
 */

import { record } from "../autograd/graph.ts";
import type { BinaryKernelName } from "../backend/contract.ts";
import { runKernel } from "../backend/registry.ts";
import { type DType, promoteTypes } from "../tensor/dtype.ts";
import { broadcastShapes } from "../tensor/shape.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { cast } from "./cast.ts";
import { greaterEqual, less } from "./compare.ts";
import { asTensor, fromKernel, type TensorLike } from "./convert.ts";
import { log, neg } from "./unary.ts";
import { broadcastInfo, sumTo } from "./view.ts";

/**
 * Converts two operands to tensors of one dtype: numbers adopt the other operand's dtype where they
 * fit, int32 and float mix to float, and `div` always works in floats.
 */
export function operands(
  op: string,
  a: TensorLike,
  b: TensorLike,
  float = false,
): [Tensor, Tensor] {
  const first = typeof a === "number" ? undefined : asTensor(op, a);
  const y0 = asTensor(op, b, numberDType(b, first?.dtype));
  const x0 = first ?? asTensor(op, a, numberDType(a, y0.dtype));
  let dtype = promoteTypes(x0.dtype, y0.dtype);
  if (float && dtype === "int32") dtype = "float32";
  return [x0.dtype === dtype ? x0 : cast(x0, dtype), y0.dtype === dtype ? y0 : cast(y0, dtype)];
}

/**
 * The dtype a plain number should adopt next to a tensor of `like`. An integer beyond the int32 range
 * would wrap around when stored as int32 (`int32 + 3e9` would come out negative), so it is a float.
 */
function numberDType(x: TensorLike, like: DType | undefined): DType | undefined {
  const fitsInt32 = typeof x === "number" && x >= -(2 ** 31) && x < 2 ** 31;
  return like === "int32" && typeof x === "number" && !fitsInt32 ? "float32" : like;
}

/** The gradient rule of a binary op, before un-broadcasting. */
type BinaryRule = (g: Tensor, a: Tensor, b: Tensor, out: Tensor, needs: readonly boolean[]) => [
  Tensor | null,
  Tensor | null,
];

function binaryOp(op: BinaryKernelName, a: TensorLike, b: TensorLike, rule: BinaryRule): Tensor {
  const [x, y] = operands(op, a, b, op === "div");
  const shape = broadcastShapes(op, x.shape, y.shape);
  const out = fromKernel(
    runKernel("binary", op, broadcastInfo(op, x, shape), broadcastInfo(op, y, shape)),
  );
  return record(op, [x, y], out, (g, needs) => {
    const [gx, gy] = rule(g, x, y, out, needs);
    return [gx && sumTo(gx, x.shape), gy && sumTo(gy, y.shape)];
  });
}

/** a + b, broadcasting. */
export function add(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp("add", a, b, (g) => [g, g]);
}

/** a - b, broadcasting. */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp("sub", a, b, (g, _a, _b, _o, needs) => [g, needs[1] ? neg(g) : null]);
}

/** a · b elementwise, broadcasting. */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp("mul", a, b, (g, x, y, _o, needs) => [
    needs[0] ? mul(g, y) : null,
    needs[1] ? mul(g, x) : null,
  ]);
}

/** a / b elementwise, broadcasting; always a float result. */
export function div(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp("div", a, b, (g, _x, y, out, needs) => [
    needs[0] ? div(g, y) : null,
    needs[1] ? neg(div(mul(g, out), y)) : null,
  ]);
}

/** a raised to b elementwise, broadcasting. The exponent's gradient needs a > 0. */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp("pow", a, b, (g, x, y, out, needs) => [
    needs[0] ? mul(g, mul(y, pow(x, sub(y, 1)))) : null,
    needs[1] ? mul(g, mul(out, log(x))) : null,
  ]);
}

/** The larger of a and b elementwise; ties send the gradient to a. */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp("maximum", a, b, (g, x, y, _o, needs) => [
    needs[0] ? mul(g, greaterEqual(x, y)) : null,
    needs[1] ? mul(g, less(x, y)) : null,
  ]);
}

/** The smaller of a and b elementwise; ties send the gradient to a. */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp("minimum", a, b, (g, x, y, _o, needs) => [
    needs[0] ? mul(g, greaterEqual(y, x)) : null,
    needs[1] ? mul(g, less(y, x)) : null,
  ]);
}
