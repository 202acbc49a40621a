/**
 * Indexing reference kernels: gather slices by index, and its adjoint scatter-add.
 *
 * @module
 */

import type { KernelOutput, TensorInfo } from "../contract.ts";
import { sizeOf } from "../../tensor/shape.ts";
import { allocOutput, contiguousValues } from "./storage.ts";

function checkIndex(op: string, index: number, size: number, axis: number): void {
  if (!(index >= 0 && index < size)) {
    throw new Error(`${op}: index ${index} is out of range for axis ${axis} of size ${size}`);
  }
}

/** out[o, j, i] = x[o, indices[j], i], viewing x as [outer, len, inner]. */
export function gather(x: TensorInfo, indices: TensorInfo, axis: number): KernelOutput {
  const idx = contiguousValues(indices);
  const len = x.shape[axis];
  const outer = sizeOf(x.shape.slice(0, axis));
  const inner = sizeOf(x.shape.slice(axis + 1));
  const shape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
  const { out, values } = allocOutput(shape, x.dtype);
  const src = contiguousValues(x);
  for (let j = 0; j < idx.length; j++) checkIndex("gather", idx[j], len, axis);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < idx.length; j++) {
      const from = (o * len + idx[j]) * inner;
      values.set(src.subarray(from, from + inner), (o * idx.length + j) * inner);
    }
  }
  return out;
}

/** out[o, indices[j], i] += updates[o, j, i] into a zero tensor whose `axis` has length `size`. */
export function scatterAdd(
  updates: TensorInfo,
  indices: TensorInfo,
  axis: number,
  size: number,
): KernelOutput {
  const idx = contiguousValues(indices);
  const outer = sizeOf(updates.shape.slice(0, axis));
  const inner = sizeOf(updates.shape.slice(axis + indices.shape.length));
  const shape = [
    ...updates.shape.slice(0, axis),
    size,
    ...updates.shape.slice(axis + indices.shape.length),
  ];
  const { out, values } = allocOutput(shape, updates.dtype);
  const src = contiguousValues(updates);
  for (let j = 0; j < idx.length; j++) checkIndex("scatterAdd", idx[j], size, axis);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < idx.length; j++) {
      const to = (o * size + idx[j]) * inner;
      const from = (o * idx.length + j) * inner;
      for (let i = 0; i < inner; i++) values[to + i] += src[from + i];
    }
  }
  return out;
}
