/**
 * Reductions over any set of axes: sum, mean, max, min, variance, standard deviation, logSumExp,
 * and argmax/argmin along one axis.
 *
 * @module
 */

import { record } from "../autograd/graph.ts";
import { runKernel } from "../backend/registry.ts";
import { normalizeAxes, normalizeAxis, reducedShape, sizeOf } from "../tensor/shape.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { add, div, mul, sub } from "./arithmetic.ts";
import { equal } from "./compare.ts";
import { asTensor, fromKernel, requireFloat, type TensorLike } from "./convert.ts";
import { exp, log, sqrt, square } from "./unary.ts";
import { broadcastTo, reshape } from "./view.ts";

/** Which axes to reduce: one, several, or (when omitted) all. */
export type Axes = number | readonly number[];

/** Runs a reduce kernel and drops the reduced axes unless `keepDims`. */
function reduceKernel(
  op: "sum" | "max" | "min",
  t: Tensor,
  axes: number[],
  keepDims: boolean,
): Tensor {
  const kept = fromKernel(runKernel("reduce", op, t, axes));
  return keepDims ? kept : reshape(kept, reducedShape(t.shape, axes, false));
}

/** Broadcasts a reduced gradient or value back over the reduced axes of `shape`. */
function expandReduced(g: Tensor, shape: readonly number[], axes: number[]): Tensor {
  return broadcastTo(reshape(g, reducedShape(shape, axes, true)), shape);
}

/** Sum over `axes` (all when omitted). */
export function sum(x: TensorLike, axes?: Axes, keepDims = false): Tensor {
  const t = asTensor("sum", x);
  const ax = normalizeAxes("sum", axes, t.rank);
  const out = reduceKernel("sum", t, ax, keepDims);
  return record("sum", [t], out, (g) => [expandReduced(g, t.shape, ax)]);
}

/** Mean over `axes` (all when omitted). */
export function mean(x: TensorLike, axes?: Axes, keepDims = false): Tensor {
  const t = asTensor("mean", x);
  requireFloat("mean", t);
  const ax = normalizeAxes("mean", axes, t.rank);
  const count = sizeOf(ax.map((a) => t.shape[a]));
  return div(sum(t, ax, keepDims), count);
}

/**
 * Max (or min) over `axes`. The gradient is shared evenly among tied extremes, so it is the
 * subgradient that treats the extremes symmetrically.
 */
function extreme(
  op: "max" | "min",
  x: TensorLike,
  axes: Axes | undefined,
  keepDims: boolean,
): Tensor {
  const t = asTensor(op, x);
  const ax = normalizeAxes(op, axes, t.rank);
  const kept = fromKernel(runKernel("reduce", op, t, ax));
  const out = keepDims ? kept : reshape(kept, reducedShape(t.shape, ax, false));
  return record(op, [t], out, (g) => {
    const mask = equal(t, broadcastTo(kept, t.shape));
    const ties = sum(mask, ax, true);
    return [mul(mask, expandReduced(div(reshape(g, kept.shape), ties), t.shape, ax))];
  });
}

/** Maximum over `axes` (all when omitted). */
export function max(x: TensorLike, axes?: Axes, keepDims = false): Tensor {
  return extreme("max", x, axes, keepDims);
}

/** Minimum over `axes` (all when omitted). */
export function min(x: TensorLike, axes?: Axes, keepDims = false): Tensor {
  return extreme("min", x, axes, keepDims);
}

/**
 * Variance over `axes`: the mean squared deviation (divide by n), as NumPy and TensorFlow do. Pass
 * `correction: 1` for the unbiased estimate (divide by n - 1).
 */
export function variance(x: TensorLike, axes?: Axes, keepDims = false, correction = 0): Tensor {
  const t = asTensor("variance", x);
  requireFloat("variance", t);
  const ax = normalizeAxes("variance", axes, t.rank);
  const n = sizeOf(ax.map((a) => t.shape[a]));
  const centered = sub(t, mean(t, ax, true));
  return div(sum(square(centered), ax, keepDims), n - correction);
}

/** Standard deviation over `axes`: the square root of {@link variance}. */
export function std(x: TensorLike, axes?: Axes, keepDims = false, correction = 0): Tensor {
  return sqrt(variance(x, axes, keepDims, correction));
}

/**
 * log Σ exp(x) over `axes`, computed as m + log Σ exp(x - m) with m the maximum, so it never
 * overflows.
 */
export function logSumExp(x: TensorLike, axes?: Axes, keepDims = false): Tensor {
  const t = asTensor("logSumExp", x);
  requireFloat("logSumExp", t);
  const ax = normalizeAxes("logSumExp", axes, t.rank);
  // The shift is a constant for differentiation: the result does not depend on it.
  const m = fromKernel(runKernel("reduce", "max", t, ax));
  const shifted = add(log(sum(exp(sub(t, m)), ax, true)), m);
  return keepDims ? shifted : reshape(shifted, reducedShape(t.shape, ax, false));
}

/** Index (int32) of the first maximum along `axis` (default: the last). Not differentiable. */
export function argmax(x: TensorLike, axis = -1, keepDims = false): Tensor {
  return argReduce("argmax", x, axis, keepDims);
}

/** Index (int32) of the first minimum along `axis` (default: the last). Not differentiable. */
export function argmin(x: TensorLike, axis = -1, keepDims = false): Tensor {
  return argReduce("argmin", x, axis, keepDims);
}

function argReduce(
  op: "argmax" | "argmin",
  x: TensorLike,
  axis: number,
  keepDims: boolean,
): Tensor {
  const t = asTensor(op, x);
  const a = normalizeAxis(op, axis, t.rank);
  const kept = fromKernel(runKernel("argReduce", op, t, a));
  return keepDims ? kept : reshape(kept, reducedShape(t.shape, [a], false));
}
