/**
 * Shape ops that share storage instead of copying: reshape, transpose, slice, broadcast, squeeze.
 * Only reshape of a non-contiguous view and `contiguous` copy.
 *
 * @module
 */

import type { TensorInfo } from "../backend/contract.ts";
import { runKernel } from "../backend/registry.ts";
import { record } from "../autograd/graph.ts";
import {
  contiguousStrides,
  formatShape,
  normalizeAxes,
  normalizeAxis,
  type Shape,
  shapesEqual,
  sizeOf,
} from "../tensor/shape.ts";
import { type Tensor, viewOf } from "../tensor/tensor.ts";
import { asTensor, fromKernel, type TensorLike } from "./convert.ts";
import { pad } from "./pad.ts";
import { sum } from "./reduce.ts";

/** Resolves one `-1` in a target shape and checks the element count. */
function resolveShape(op: string, from: Shape, to: Shape): number[] {
  const unknown = to.filter((d) => d === -1).length;
  if (unknown > 1 || to.some((d) => !Number.isInteger(d) || d < -1)) {
    throw new Error(`${op}: invalid target shape ${formatShape(to)} (use at most one -1)`);
  }
  const known = to.reduce((n, d) => (d === -1 ? n : n * d), 1);
  const total = sizeOf(from);
  const out = to.map((d) => (d === -1 ? (known === 0 ? 0 : total / known) : d));
  if (sizeOf(out) !== total || out.some((d) => !Number.isInteger(d))) {
    throw new Error(
      `${op}: cannot reshape ${formatShape(from)} (${total} elements) into ${formatShape(to)}`,
    );
  }
  return out;
}

/** A row-major copy of `x`, or `x` itself when it already is one. Gradients pass straight through. */
export function contiguous(x: TensorLike): Tensor {
  const t = asTensor("contiguous", x);
  if (t.isContiguous) return t;
  return record("contiguous", [t], fromKernel(runKernel("copy", t)), (g) => [g]);
}

/**
 * The same elements in a new shape (row-major order); one dimension may be -1 to infer it. A view
 * when `x` is contiguous (or the shape does not change), a copy otherwise; never `x` itself.
 */
export function reshape(x: TensorLike, shape: Shape): Tensor {
  const t = asTensor("reshape", x);
  const target = resolveShape("reshape", t.shape, shape);
  let out: Tensor;
  if (shapesEqual(target, t.shape)) {
    // Still a new view, never `t` itself: disposing the result must not free the caller's input.
    out = viewOf(t, t.shape, t.strides, t.offset, "reshape");
  } else {
    const base = t.isContiguous ? t : fromKernel(runKernel("copy", t));
    out = viewOf(base, target, contiguousStrides(target), base.offset, "reshape");
    if (base !== t) base.dispose();
  }
  return record("reshape", [t], out, (g) => [reshape(g, t.shape)]);
}

/** Flattens dimensions `startAxis` … `endAxis` (inclusive) into one. */
export function flatten(x: TensorLike, startAxis = 0, endAxis = -1): Tensor {
  const t = asTensor("flatten", x);
  if (t.rank === 0) return reshape(t, [1]);
  const s = normalizeAxis("flatten", startAxis, t.rank);
  const e = normalizeAxis("flatten", endAxis, t.rank);
  if (s > e) {
    // Otherwise the empty range would silently insert a new size-1 axis.
    throw new Error(
      `flatten: start axis ${s} comes after end axis ${e} in ${formatShape(t.shape)}`,
    );
  }
  return reshape(t, [
    ...t.shape.slice(0, s),
    sizeOf(t.shape.slice(s, e + 1)),
    ...t.shape.slice(e + 1),
  ]);
}

/** Removes size-1 dimensions: the listed ones, or all of them. */
export function squeeze(x: TensorLike, axes?: number | readonly number[]): Tensor {
  const t = asTensor("squeeze", x);
  const drop = axes === undefined
    ? t.shape.flatMap((d, i) => (d === 1 ? [i] : []))
    : normalizeAxes("squeeze", axes, t.rank);
  for (const a of drop) {
    if (t.shape[a] !== 1) {
      throw new Error(
        `squeeze: axis ${a} has size ${t.shape[a]} in ${
          formatShape(t.shape)
        }; only size-1 axes can go`,
      );
    }
  }
  return reshape(t, t.shape.filter((_, i) => !drop.includes(i)));
}

/** Inserts a size-1 dimension at `axis` (which may be `rank`, or negative counting from the end). */
export function unsqueeze(x: TensorLike, axis: number): Tensor {
  const t = asTensor("unsqueeze", x);
  const a = normalizeAxis("unsqueeze", axis, t.rank + 1);
  return reshape(t, [...t.shape.slice(0, a), 1, ...t.shape.slice(a)]);
}

/**
 * Permutes the dimensions: output dimension i is input dimension `perm[i]`. Without `perm`, reverses
 * them (a matrix transpose for rank 2). Always a view.
 */
export function transpose(x: TensorLike, perm?: readonly number[]): Tensor {
  const t = asTensor("transpose", x);
  const p = perm
    ? perm.map((a) => normalizeAxis("transpose", a, t.rank))
    : t.shape.map((_, i) => t.rank - 1 - i);
  if (p.length !== t.rank || new Set(p).size !== t.rank) {
    throw new Error(
      `transpose: perm ${JSON.stringify(perm)} is not a permutation of the ${t.rank} axes of ${
        formatShape(t.shape)
      }`,
    );
  }
  const out = viewOf(
    t,
    p.map((a) => t.shape[a]),
    p.map((a) => t.strides[a]),
    t.offset,
    "transpose",
  );
  const inverse = new Array<number>(p.length);
  p.forEach((a, i) => (inverse[a] = i));
  return record("transpose", [t], out, (g) => [transpose(g, inverse)]);
}

/** Swaps two dimensions (PyTorch's `transpose(dim0, dim1)`); a view. */
export function swapAxes(x: TensorLike, axis1: number, axis2: number): Tensor {
  const t = asTensor("swapAxes", x);
  const perm = t.shape.map((_, i) => i);
  const a = normalizeAxis("swapAxes", axis1, t.rank), b = normalizeAxis("swapAxes", axis2, t.rank);
  [perm[a], perm[b]] = [perm[b], perm[a]];
  return transpose(t, perm);
}

/**
 * The block starting at `begin` with extent `size` along each leading dimension, as a view. A size of
 * -1 runs to the end; a negative begin counts from the end; missing entries take the whole dimension.
 */
export function slice(x: TensorLike, begin: readonly number[], size?: readonly number[]): Tensor {
  const t = asTensor("slice", x);
  if (begin.length > t.rank || (size && size.length > t.rank)) {
    throw new Error(
      `slice: got ${begin.length} begin entries for a tensor of shape ${formatShape(t.shape)}`,
    );
  }
  const starts = t.shape.map((d, i) => {
    const b = begin[i] ?? 0;
    return b < 0 ? b + d : b;
  });
  const extents = t.shape.map((d, i) => {
    const s = size?.[i] ?? -1;
    return s === -1 ? d - starts[i] : s;
  });
  t.shape.forEach((d, i) => {
    if (
      !Number.isInteger(starts[i]) || !Number.isInteger(extents[i]) || starts[i] < 0 ||
      extents[i] < 0 || starts[i] + extents[i] > d
    ) {
      throw new Error(
        `slice: begin ${JSON.stringify(begin)} with size ${
          JSON.stringify(size ?? [])
        } reaches outside ` +
          `${formatShape(t.shape)} (axis ${i}: ${starts[i]} + ${extents[i]} > ${d})`,
      );
    }
  });
  const offset = t.offset + starts.reduce((o, s, i) => o + s * t.strides[i], 0);
  const out = viewOf(t, extents, t.strides, offset, "slice");
  return record("slice", [t], out, (g) => [
    pad(g, t.shape.map((d, i) => [starts[i], d - starts[i] - extents[i]] as [number, number])),
  ]);
}

/** `x`'s view geometry broadcast to `shape` (zero strides on the repeated dimensions). */
export function broadcastInfo(op: string, x: Tensor, shape: Shape): TensorInfo {
  const lead = shape.length - x.rank;
  if (lead < 0) {
    throw new Error(
      `${op}: cannot broadcast ${formatShape(x.shape)} to the smaller rank of ${
        formatShape(shape)
      }`,
    );
  }
  const strides = shape.map((d, i) => {
    if (i < lead) return 0;
    const own = x.shape[i - lead];
    if (own === d) return x.strides[i - lead];
    if (own === 1) return 0;
    throw new Error(`${op}: cannot broadcast ${formatShape(x.shape)} to ${formatShape(shape)}`);
  });
  return { storage: x.storage, shape, strides, offset: x.offset, dtype: x.dtype };
}

/**
 * `x` repeated along size-1 (or missing leading) dimensions to `shape`, as a zero-stride view. Always
 * a new view, even when the shape already matches, so disposing it never frees `x`.
 */
export function broadcastTo(x: TensorLike, shape: Shape): Tensor {
  const t = asTensor("broadcastTo", x);
  const info = broadcastInfo("broadcastTo", t, shape);
  const out = viewOf(t, info.shape, info.strides, info.offset, "broadcastTo");
  return record("broadcastTo", [t], out, (g) => [sumTo(g, t.shape)]);
}

/**
 * Sums `g` down to `shape`, undoing a broadcast: the gradient of any op that broadcast an operand of
 * that shape.
 */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  const axes = g.shape.flatMap((
    d,
    i,
  ) => (i < lead || (shape[i - lead] === 1 && d !== 1) ? [i] : []));
  return reshape(sum(g, axes, true), shape);
}
