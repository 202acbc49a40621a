/**
 * Storage of the `webgpu` backend: each tensor's elements are a pooled GPU buffer. Uploads and
 * reads go through the queue; reads are asynchronous, as a GPU's always are.
 *
 * An elementwise kernel's output starts *deferred* (`fusion.ts`): it holds the expression that
 * computes it, and gets its buffer the first time {@link bufferOf} asks for it. A deferred
 * expression reads other storages' buffers, so each storage counts its holders and returns its
 * buffer to the pool only when the last one lets go.
 *
 * @module
 */

import type { Storage } from "../contract.ts";
import type { DType } from "../../tensor/dtype.ts";
import type { BufferPool } from "./buffer_pool.ts";

/** A computation of a storage's elements that has not run yet. */
export interface Deferred {
  /** Records the kernel that computes the elements into a new pooled buffer, and returns it. */
  compute(): GPUBuffer;
  /** Gives the computation up (its storage was freed before anything needed it). */
  drop(): void;
}

/** A GPU storage: a buffer from the pool, holding `length` elements of `dtype` from byte 0. */
export class GpuStorage implements Storage {
  /** Always "webgpu". */
  readonly backend = "webgpu";
  #buffer: GPUBuffer | null;
  #deferred: Deferred | null;
  /** The op layer's hold (until `free`) plus one per deferred expression that reads the buffer. */
  #holds = 1;
  #freed = false;

  /** A storage of `source`: the buffer that holds (or will hold) the elements, or a deferral. */
  constructor(
    readonly dtype: DType,
    readonly length: number,
    source: GPUBuffer | Deferred,
  ) {
    const deferred = "compute" in source;
    this.#buffer = deferred ? null : source;
    this.#deferred = deferred ? source : null;
  }

  /** The computation still to run, or null once the buffer exists. */
  get deferred(): Deferred | null {
    return this.#deferred;
  }

  /** The buffer, recording the deferred computation first if it has not run. */
  get buffer(): GPUBuffer {
    if (!this.#buffer) {
      if (this.#holds === 0) throw new Error("webgpu: a freed storage was used");
      this.#buffer = this.#deferred!.compute();
      this.#deferred = null;
    }
    return this.#buffer;
  }

  /** Whether the op layer has freed it (deferred expressions may still hold its buffer). */
  get freed(): boolean {
    return this.#freed;
  }

  /** Keeps the buffer out of the pool for one more holder: a deferred expression that reads it. */
  hold(): void {
    if (!this.#buffer || this.#holds === 0) {
      throw new Error("webgpu: only a live, computed storage can be read by an expression");
    }
    this.#holds++;
  }

  /** Lets go of the op layer's hold (`Backend.free`). */
  free(pool: BufferPool): void {
    if (this.#freed) throw new Error("webgpu: a storage was freed twice");
    this.#freed = true;
    this.release(pool);
  }

  /**
   * Lets go of one hold, the op layer's ({@link GpuStorage.free}) or a deferred expression's
   * (computed or dropped). The last returns the buffer to `pool`, or drops a computation that
   * never ran. A premature return would be silent corruption (the pool hands the buffer to the
   * next output), so an extra release throws.
   */
  release(pool: BufferPool): void {
    if (this.#holds === 0) throw new Error("webgpu: a storage was released more than it was held");
    if (--this.#holds > 0) return;
    if (this.#buffer) {
      pool.release(this.#buffer);
    } else {
      this.#deferred!.drop();
      this.#deferred = null;
    }
  }
}

/** The buffer behind a kernel input; the one place a deferred storage is computed. */
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

/** WGSL scalar type of a dtype. */
export function wgslType(dtype: DType): string {
  assertGpuDType(dtype, "webgpu kernel");
  return dtype === "int32" ? "i32" : "f32";
}
