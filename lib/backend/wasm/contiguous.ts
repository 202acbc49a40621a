/**
 * Contiguous float32 operands for the fast kernels. A strided or broadcast view (the gradient of a
 * `sum` arrives as one) is copied once into a temporary contiguous block, counted as a gather, so a
 * fast kernel never drops to the slow reference just because of its operands' layout.
 *
 * @module
 */

import type { TensorInfo } from "../contract.ts";
import { copy as referenceCopy } from "../cpu/elementwise.ts";
import { cpuBackend } from "../cpu/storage.ts";
import { contiguousStrides, isContiguous } from "../../tensor/shape.ts";
import { heap } from "./heap.ts";

/** Whether every view is float32 (the dtype the fast kernels handle). */
export function allFloat32(...views: TensorInfo[]): boolean {
  return views.every((v) => v.dtype === "float32");
}

/** Whether every view is contiguous float32, so a fast kernel can read it in place. */
export function allContiguousFloat32(...views: TensorInfo[]): boolean {
  return views.every((v) => v.dtype === "float32" && isContiguous(v.shape, v.strides));
}

/**
 * Calls `run` with contiguous versions of `views`: each non-contiguous one is copied into a
 * temporary block, freed when `run` returns.
 */
export function withContiguous<T>(
  views: readonly TensorInfo[],
  run: (views: TensorInfo[]) => T,
): T {
  const temporaries: TensorInfo[] = [];
  const ready = views.map((v) => {
    if (isContiguous(v.shape, v.strides)) return v;
    heap.count("gathers");
    const out = referenceCopy(v);
    const made: TensorInfo = {
      storage: out.storage,
      shape: out.shape,
      strides: contiguousStrides(out.shape),
      offset: 0,
      dtype: v.dtype,
    };
    temporaries.push(made);
    return made;
  });
  try {
    return run(ready);
  } finally {
    for (const t of temporaries) cpuBackend.free(t.storage);
  }
}
