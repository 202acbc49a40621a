/**
 * Reduction reference kernels: sum, max and min over any set of axes, and argmax/argmin along one.
 *
 * @module
 */

import type { KernelOutput, ReduceKernelName, TensorInfo } from "../contract.ts";
import { elementOffsets } from "../../tensor/layout.ts";
import { contiguousStrides, reducedShape, sizeOf } from "../../tensor/shape.ts";
import { allocOutput, contiguousValues, outputOf } from "./storage.ts";
import { allocArray } from "../../tensor/dtype.ts";

/**
 * Reduces `axes` (sorted, distinct), keeping them as size 1. Each input element finds its output slot
 * through the output's strides with the reduced axes' strides set to 0. Sums accumulate in float64.
 */
export function reduce(op: ReduceKernelName, x: TensorInfo, axes: readonly number[]): KernelOutput {
  const outShape = reducedShape(x.shape, axes, true);
  const outStrides = contiguousStrides(outShape).map((s, i) => (axes.includes(i) ? 0 : s));
  const slot = elementOffsets({ shape: x.shape, strides: outStrides, offset: 0 });
  const src = contiguousValues(x);
  const acc = new Float64Array(sizeOf(outShape));
  if (op === "sum") {
    for (let i = 0; i < src.length; i++) acc[slot[i]] += src[i];
  } else {
    acc.fill(op === "max" ? -Infinity : Infinity);
    const pick = op === "max" ? Math.max : Math.min;
    for (let i = 0; i < src.length; i++) acc[slot[i]] = pick(acc[slot[i]], src[i]);
  }
  const values = allocArray(x.dtype, acc.length);
  values.set(acc);
  return outputOf(values, outShape, x.dtype);
}

/** Index of the first extreme element along `axis`, as int32 with `axis` kept as size 1. */
export function argReduce(op: "argmax" | "argmin", x: TensorInfo, axis: number): KernelOutput {
  const src = contiguousValues(x);
  const len = x.shape[axis];
  const inner = sizeOf(x.shape.slice(axis + 1));
  const outer = sizeOf(x.shape.slice(0, axis));
  const { out, values } = allocOutput(reducedShape(x.shape, [axis], true), "int32");
  const better = op === "argmax"
    ? (a: number, b: number) => a > b
    : (a: number, b: number) => a < b;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      let best = 0;
      let bestValue = src[base];
      for (let k = 1; k < len; k++) {
        const v = src[base + k * inner];
        // A NaN wins and stays, so argmax of a broken tensor points at the NaN.
        if (Number.isNaN(bestValue)) break;
        if (better(v, bestValue) || Number.isNaN(v)) {
          best = k;
          bestValue = v;
        }
      }
      values[o * inner + i] = best;
    }
  }
  return out;
}
