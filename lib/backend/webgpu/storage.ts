/**
 * Storage of the `webgpu` backend: each tensor's elements are a pooled GPU buffer. Uploads and
 * reads go through the queue; reads are asynchronous, as a GPU's always are.
 *
 * @module
 */

import type { Storage } from "../contract.ts";
import type { DType } from "../../tensor/dtype.ts";

/** A GPU storage: a buffer from the pool, holding `length` elements of `dtype` from byte 0. */
export class GpuStorage implements Storage {
  /** Always "webgpu". */
  readonly backend = "webgpu";
  constructor(
    readonly dtype: DType,
    readonly length: number,
    readonly buffer: GPUBuffer,
  ) {}
}

/** The buffer behind a kernel input. */
export function bufferOf(storage: Storage): GPUBuffer {
  return (storage as GpuStorage).buffer;
}

/**
 * Throws for float64, which WGSL cannot compute with.
 *
 * @param op what was being attempted, for the message
 */
export function assertGpuDType(dtype: DType, op: string): void {
  if (dtype === "float64") {
    throw new Error(
      `${op}: float64 tensors cannot live on the webgpu backend (WGSL has no 64-bit floats). ` +
        "Cast to float32 with .cast('float32'), or keep float64 work on the cpu backend " +
        "(gradcheck switches to float32 differences on its own).",
    );
  }
}
