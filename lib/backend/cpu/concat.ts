/**
 * Joining and padding reference kernels.
 *
 * @module
 */

import type { KernelOutput, TensorInfo } from "../contract.ts";
import { elementOffsets } from "../../tensor/layout.ts";
import { contiguousStrides, sizeOf } from "../../tensor/shape.ts";
import { allocOutput, contiguousValues } from "./storage.ts";

/** Concatenates along `axis`: each input contributes one run of `len_i × inner` per outer index. */
export function concat(xs: readonly TensorInfo[], axis: number): KernelOutput {
  const first = xs[0];
  const outer = sizeOf(first.shape.slice(0, axis));
  const inner = sizeOf(first.shape.slice(axis + 1));
  const total = xs.reduce((n, x) => n + x.shape[axis], 0);
  const shape = first.shape.map((d, i) => (i === axis ? total : d));
  const { out, values } = allocOutput(shape, first.dtype);
  let start = 0;
  for (const x of xs) {
    const run = x.shape[axis] * inner;
    const src = contiguousValues(x);
    for (let o = 0; o < outer; o++) {
      values.set(src.subarray(o * run, (o + 1) * run), o * total * inner + start);
    }
    start += run;
  }
  return out;
}

/** Pads each dimension with `value`: the input lands at the offset given by the `before` amounts. */
export function pad(
  x: TensorInfo,
  paddings: readonly (readonly [number, number])[],
  value: number,
): KernelOutput {
  const shape = x.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
  const { out, values } = allocOutput(shape, x.dtype);
  values.fill(value);
  const strides = contiguousStrides(shape);
  const base = paddings.reduce((o, [before], i) => o + before * strides[i], 0);
  const dest = elementOffsets({ shape: x.shape, strides, offset: base });
  const src = contiguousValues(x);
  for (let i = 0; i < src.length; i++) values[dest[i]] = src[i];
  return out;
}
