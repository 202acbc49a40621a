/**
 * Reductions (sum, max, min) and argmax/argmin on float32 in WASM SIMD (`assembly/reduce.ts`),
 * split across the pool when large.
 *
 * The input's dimensions are grouped into runs of kept and reduced axes (size-1 axes dropped), and
 * the common layouts run in WASM: reduce everything, the trailing axes (row sums, softmax's max
 * and sum over classes), the leading axes (a bias gradient summed over the batch), a middle group
 * ([K, R, K], e.g. one axis of a 3-D tensor) and all but a middle group ([R, K, R], a per-channel
 * sum over N, H, W). Sums accumulate in float64 like the reference. Other layouts and dtypes run
 * the reference kernels; strided inputs are first copied once to contiguous.
 *
 * @module
 */

import type { KernelOutput, Kernels, ReduceKernelName, TensorInfo } from "../contract.ts";
import { reducedShape, sizeOf } from "../../tensor/shape.ts";
import { allocUninitialized, viewAddress } from "../cpu/storage.ts";
import * as reference from "../cpu/reduce.ts";
import { withContiguous } from "./contiguous.ts";
import { heap } from "./heap.ts";
import { runTasks, splitRange } from "./pool.ts";

/** Below this many input elements a reduction runs on the calling thread. */
const PARALLEL_ELEMENTS = 1 << 16;

const OPS: Record<ReduceKernelName, number> = { sum: 0, max: 1, min: 2 };

/**
 * The extents of `shape` grouped into alternating runs of kept and reduced axes, outermost first,
 * with size-1 axes dropped; `reducedFirst` says whether the first run is reduced.
 */
export function groupAxes(
  shape: readonly number[],
  axes: readonly number[],
): { extents: number[]; reducedFirst: boolean } {
  const extents: number[] = [];
  let reducedFirst = false, last: boolean | undefined;
  shape.forEach((n, d) => {
    if (n === 1) return;
    const reduced = axes.includes(d);
    if (reduced === last) {
      extents[extents.length - 1] *= n;
      return;
    }
    if (last === undefined) reducedFirst = reduced;
    extents.push(n);
    last = reduced;
  });
  return { extents, reducedFirst };
}

/** Ranges over `count` items of `work` elements each, one range when the total is small. */
function itemRanges(count: number, work: number, align = 1): [number, number][] {
  return count * work < PARALLEL_ELEMENTS
    ? [[0, count]]
    : splitRange(count, Math.ceil(PARALLEL_ELEMENTS / 4 / Math.max(work, 1)), align);
}

/** The whole of `n` elements at `x` reduced to one float32 at `out`, in parallel when large. */
function reduceAll(code: number, x: number, out: number, n: number): void {
  if (n < PARALLEL_ELEMENTS) {
    runTasks("reduce", "rows_f32", [[code, x, out, 0, 1, n, 0]]);
    return;
  }
  // Float64 partial results per chunk, combined here like the reference would.
  const chunks = splitRange(n, PARALLEL_ELEMENTS / 4, 16);
  const partials = heap.alloc(8 * chunks.length);
  try {
    runTasks(
      "reduce",
      "rows_f32",
      chunks.map(([s, e], i) => [code, x + 4 * s, partials + 8 * i, 0, 1, e - s, 1]),
    );
    const parts = new Float64Array(heap.buffer, partials, chunks.length);
    const pick = [(a: number, b: number) => a + b, Math.max, Math.min][code];
    new Float32Array(heap.buffer, out, 1)[0] = parts.reduce((a, b) => pick(a, b));
  } finally {
    heap.free(partials, 8 * chunks.length);
  }
}

/**
 * Runs the WASM kernel for `extents` grouped as {@link groupAxes} returns them, with one to three
 * runs of which at least one is reduced.
 */
function reduceGroups(
  code: number,
  x: number,
  out: number,
  extents: number[],
  reducedFirst: boolean,
): void {
  if (extents.length === 1) {
    reduceAll(code, x, out, extents[0]);
  } else if (extents.length === 2 && !reducedFirst) {
    const [rows, n] = extents;
    const tasks = itemRanges(rows, n).map(([r0, r1]) => [code, x, out, r0, r1, n, 0]);
    runTasks("reduce", "rows_f32", tasks);
  } else if (!reducedFirst || extents.length === 2) {
    const [outer, rows, width] = reducedFirst ? [1, ...extents] : extents;
    // Split the outer blocks when there are several, else the columns.
    const tasks = outer > 1
      ? itemRanges(outer, rows * width).map(([o0, o1]) => [o0, o1, 0, width])
      : itemRanges(width, rows, 8).map(([c0, c1]) => [0, 1, c0, c1]);
    runTasks("reduce", "cols_f32", tasks.map((t) => [code, x, out, ...t, rows, width]));
  } else {
    const [a, b, c] = extents;
    const tasks = itemRanges(b, a * c).map(([b0, b1]) => [code, x, out, b0, b1, a, b, c]);
    runTasks("reduce", "mid_f32", tasks);
  }
}

/** Reduces the sorted `axes`, keeping them as size 1; float32 in WASM. */
export function reduce(op: ReduceKernelName, x: TensorInfo, axes: readonly number[]): KernelOutput {
  const { extents, reducedFirst } = groupAxes(x.shape, axes);
  const reducesSomething = reducedFirst || extents.length > 1;
  if (
    x.dtype !== "float32" || sizeOf(x.shape) === 0 || !reducesSomething || extents.length > 3
  ) {
    return reference.reduce(op, x, axes);
  }
  return withContiguous([x], ([c]) => {
    const { out, values } = allocUninitialized(reducedShape(x.shape, axes, true), "float32");
    const at = viewAddress(c);
    reduceGroups(OPS[op], at, values.byteOffset, extents, reducedFirst);
    return out;
  });
}

/** Index (int32) of the first maximum or minimum along `axis`, kept as size 1; float32 in WASM. */
export function argReduce(op: "argmax" | "argmin", x: TensorInfo, axis: number): KernelOutput {
  if (x.dtype !== "float32") return reference.argReduce(op, x, axis);
  const len = x.shape[axis];
  const outer = sizeOf(x.shape.slice(0, axis)), inner = sizeOf(x.shape.slice(axis + 1));
  const isMin = op === "argmin" ? 1 : 0;
  return withContiguous([x], ([c]) => {
    const { out, values } = allocUninitialized(reducedShape(x.shape, [axis], true), "int32");
    const at = viewAddress(c), dst = values.byteOffset;
    if (inner === 1) {
      const tasks = itemRanges(outer, len).map(([r0, r1]) => [isMin, at, dst, r0, r1, len]);
      runTasks("reduce", "argrows_f32", tasks);
    } else {
      const tasks = itemRanges(outer, len * inner)
        .map(([o0, o1]) => [isMin, at, dst, o0, o1, len, inner]);
      runTasks("reduce", "argcols_f32", tasks);
    }
    return out;
  });
}

/** The kernels of this module. */
export const reduceKernels: Partial<Kernels> = { reduce, argReduce };
