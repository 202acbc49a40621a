/**
 * Fused optimizer updates on the WASM heap.
 *
 * @module
 */

import type { AdamAttrs, KernelOutput, Kernels, TensorInfo } from "../contract.ts";
import { isContiguous, sizeOf } from "../../tensor/shape.ts";
import { allocUninitialized, viewAddress } from "../cpu/storage.ts";
import { adamConstants, adamUpdate as referenceAdam } from "../cpu/optimizer.ts";
import { runTasks, splitRange } from "./pool.ts";

/** Below this many elements an update stays on the calling thread. */
const PARALLEL_ELEMENTS = 1 << 16;

/** Adam in one pass over contiguous float32 tensors; other layouts use the reference kernel. */
export function adamUpdate(
  param: TensorInfo,
  grad: TensorInfo,
  m: TensorInfo,
  v: TensorInfo,
  attrs: AdamAttrs,
): [KernelOutput, KernelOutput, KernelOutput] {
  const inputs = [param, grad, m, v];
  if (param.dtype !== "float32" || !inputs.every((x) => isContiguous(x.shape, x.strides))) {
    return referenceAdam(param, grad, m, v, attrs);
  }
  const n = sizeOf(param.shape);
  const outs = [0, 1, 2].map(() => allocUninitialized(param.shape, "float32"));
  const [p, g, m0, v0] = inputs.map(viewAddress);
  const [outP, outM, outV] = outs.map((o) => o.values.byteOffset);
  // Float32 arguments round these exactly as the reference rounds them with Math.fround.
  const constants = adamConstants(attrs);
  const ranges = n < PARALLEL_ELEMENTS ? [[0, n]] : splitRange(n, PARALLEL_ELEMENTS / 4, 16);
  runTasks(
    "optimizer",
    "adam_f32",
    ranges.map(([s, e]) => {
      const at = 4 * s;
      return [p + at, g + at, m0 + at, v0 + at, outP + at, outM + at, outV + at, e - s];
    }).map((args) => [...args, ...constants]),
  );
  return [outs[0].out, outs[1].out, outs[2].out];
}

/** The kernels of this module. */
export const optimizerKernels: Partial<Kernels> = { adamUpdate };
