/**
 * Joining tensors and splitting them apart: concat, stack, split.
 *
 * @module
 */

import { record } from "../autograd/graph.ts";
import { runKernel } from "../backend/registry.ts";
import { promoteTypes } from "../tensor/dtype.ts";
import { formatShape, normalizeAxis } from "../tensor/shape.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { cast } from "./cast.ts";
import { asTensor, fromKernel, type TensorLike } from "./convert.ts";
import { slice, unsqueeze } from "./view.ts";

/** Joins tensors along an existing `axis` (default 0); all other dimensions must match. */
export function concat(xs: readonly TensorLike[], axis = 0): Tensor {
  if (xs.length === 0) throw new Error("concat: needs at least one tensor");
  let ts = xs.map((x) => asTensor("concat", x));
  const first = ts[0];
  const a = normalizeAxis("concat", axis, first.rank);
  for (const t of ts) {
    if (t.rank !== first.rank || t.shape.some((d, i) => i !== a && d !== first.shape[i])) {
      throw new Error(
        `concat: shapes ${
          ts.map((u) => formatShape(u.shape)).join(", ")
        } differ outside axis ${a}; ` +
          "every other dimension must match",
      );
    }
  }
  const dtype = ts.map((t) => t.dtype).reduce(promoteTypes);
  ts = ts.map((t) => cast(t, dtype));
  const out = fromKernel(runKernel("concat", ts, a));
  return record("concat", ts, out, (g, needs) => {
    let start = 0;
    return ts.map((t, i) => {
      const begin = t.shape.map((_, d) => (d === a ? start : 0));
      start += t.shape[a];
      return needs[i] ? slice(g, begin, t.shape) : null;
    });
  });
}

/** Stacks same-shape tensors along a new `axis` (default 0). */
export function stack(xs: readonly TensorLike[], axis = 0): Tensor {
  if (xs.length === 0) throw new Error("stack: needs at least one tensor");
  const ts = xs.map((x) => asTensor("stack", x));
  const shape = ts[0].shape;
  if (ts.some((t) => t.rank !== shape.length || t.shape.some((d, i) => d !== shape[i]))) {
    throw new Error(
      `stack: all shapes must be equal, got ${ts.map((t) => formatShape(t.shape)).join(", ")}`,
    );
  }
  const a = normalizeAxis("stack", axis, shape.length + 1);
  return concat(ts.map((t) => unsqueeze(t, a)), a);
}

/**
 * Splits along `axis` (default 0) into `sections` equal parts, or into parts of the listed sizes.
 * The parts are views.
 */
export function split(x: TensorLike, sections: number | readonly number[], axis = 0): Tensor[] {
  const t = asTensor("split", x);
  const a = normalizeAxis("split", axis, t.rank);
  const length = t.shape[a];
  let sizes: number[];
  if (typeof sections === "number") {
    if (!Number.isInteger(sections) || sections < 1 || length % sections !== 0) {
      throw new Error(
        `split: axis ${a} of ${
          formatShape(t.shape)
        } has length ${length}, which does not split into ${sections} equal parts`,
      );
    }
    sizes = new Array(sections).fill(length / sections);
  } else {
    sizes = [...sections];
    if (
      sizes.reduce((s, n) => s + n, 0) !== length ||
      sizes.some((n) => !Number.isInteger(n) || n < 0)
    ) {
      throw new Error(
        `split: sizes ${
          JSON.stringify(sizes)
        } must be non-negative and sum to ${length}, the length of axis ${a}`,
      );
    }
  }
  let start = 0;
  return sizes.map((n) => {
    const begin = t.shape.map((_, d) => (d === a ? start : 0));
    const size = t.shape.map((d, i) => (i === a ? n : d));
    start += n;
    return slice(t, begin, size);
  });
}
