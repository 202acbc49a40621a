/**
 * `fill` and contiguous `copy` on the WASM heap, split across the pool when large.
 *
 * @module
 */

import type { KernelOutput, Kernels, TensorInfo } from "../contract.ts";
import type { DType } from "../../tensor/dtype.ts";
import { isContiguous, sizeOf } from "../../tensor/shape.ts";
import { allocUninitialized, viewAddress } from "../cpu/storage.ts";
import { copy as referenceCopy } from "../cpu/elementwise.ts";
import { runTasks, splitRange } from "./pool.ts";

/** Below this many bytes a fill or copy stays on the calling thread. */
const PARALLEL_BYTES = 1 << 20;

const BYTES: Record<DType, number> = { float32: 4, int32: 4, float64: 8 };

/** Splits `n` elements of `dtype` into tasks of whole 64-byte lines (one task when small). */
function chunks(n: number, dtype: DType): [number, number][] {
  const perLine = 64 / BYTES[dtype];
  return n * BYTES[dtype] < PARALLEL_BYTES ? [[0, n]] : splitRange(n, PARALLEL_BYTES / 8, perLine);
}

/** A new tensor of `shape` with every element `value`. */
export function fill(shape: readonly number[], value: number, dtype: DType): KernelOutput {
  const n = sizeOf(shape);
  const { out, values } = allocUninitialized(shape, dtype);
  const fn = dtype === "float32" ? "fill_f32" : dtype === "int32" ? "fill_i32" : "fill_f64";
  const at = values.byteOffset, size = BYTES[dtype];
  runTasks("memory", fn, chunks(n, dtype).map(([s, e]) => [at + s * size, e - s, value]));
  return out;
}

/** Row-major contiguous copy; strided views go through the reference kernel. */
export function copy(x: TensorInfo): KernelOutput {
  if (!isContiguous(x.shape, x.strides)) return referenceCopy(x);
  const n = sizeOf(x.shape), size = BYTES[x.dtype];
  const { out, values } = allocUninitialized(x.shape, x.dtype);
  const src = viewAddress(x), dst = values.byteOffset;
  runTasks(
    "memory",
    "copy_bytes",
    chunks(n, x.dtype).map(([s, e]) => [dst + s * size, src + s * size, (e - s) * size]),
  );
  return out;
}

/** The kernels of this module. */
export const fillKernels: Partial<Kernels> = { fill, copy };
