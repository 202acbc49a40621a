/**
 * Reductions over any set of axes: sum, mean, max, min, variance, standard deviation, logSumExp,
 * and argmax/argmin along one axis.
 *
 * @module
 */

import { noGrad, record } from "../autograd/graph.ts";
import { runKernel } from "../backend/registry.ts";
import { tidy } from "../tensor/memory.ts";
import { normalizeAxes, normalizeAxis, reducedShape, sizeOf } from "../tensor/shape.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { add, div, mul, sub } from "./arithmetic.ts";
import { equal, greater, where } from "./compare.ts";
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
  return fromKernel(runKernel("reduce", op, t, axes), reducedShape(t.shape, axes, keepDims));
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
  const out = reduceKernel(op, t, ax, keepDims);
  return record(op, [t], out, (g) => {
    const mask = equal(t, expandReduced(out, t.shape, ax));
    const ties = sum(mask, ax, true);
    return [mul(mask, expandReduced(div(reshape(g, ties.shape), ties), t.shape, ax))];
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
  return varianceOf(t, normalizeAxes("variance", axes, t.rank), keepDims, correction);
}

/** Σ(x - mean)² / (n - correction) over the (normalised) axes `ax`. */
function varianceOf(t: Tensor, ax: number[], keepDims: boolean, correction: number): Tensor {
  const n = sizeOf(ax.map((a) => t.shape[a]));
  const centered = sub(t, mean(t, ax, true));
  return div(sum(square(centered), ax, keepDims), n - correction);
}

/**
 * Standard deviation over `axes`: the square root of {@link variance}. Where it is 0 (a constant
 * slice, or a single element) its gradient is 0, the subgradient, rather than the NaN that the
 * chain rule through √ gives (∞ · 0): one constant feature must not poison a whole training run.
 */
export function std(x: TensorLike, axes?: Axes, keepDims = false, correction = 0): Tensor {
  const t = asTensor("std", x);
  requireFloat("std", t);
  const ax = normalizeAxes("std", axes, t.rank);
  // Unrecorded, since the rule below replaces the chain through √; tidy frees the intermediates.
  const out = noGrad(() => tidy(() => sqrt(varianceOf(t, ax, keepDims, correction))));
  // d std / dx = (x - mean) / ((n - correction) · std): the mean's own dependence on x cancels,
  // because the deviations sum to zero.
  return record("std", [t], out, (g) => {
    const n = sizeOf(ax.map((a) => t.shape[a]));
    const s = expandReduced(out, t.shape, ax);
    const slope = div(sub(t, mean(t, ax, true)), mul(s, n - correction));
    return [mul(expandReduced(g, t.shape, ax), where(greater(s, 0), slope, 0))];
  });
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
  return fromKernel(runKernel("argReduce", op, t, a), reducedShape(t.shape, [a], keepDims));
}
