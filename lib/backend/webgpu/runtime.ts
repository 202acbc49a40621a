/**
 * The state of the `webgpu` backend once its device exists: the device, its buffer pool, the open
 * command batch and the pipelines compiled so far; and the storage operations built on them.
 *
 * Kernels get it from {@link gpuRuntime}, allocate outputs with {@link GpuRuntime.output} and record
 * work with {@link GpuRuntime.run}.
 *
 * @module
 */

import type { Backend, BackendMemory, KernelOutput, Storage } from "../contract.ts";
import { allocArray, type DType, type TypedArray } from "../../tensor/dtype.ts";
import { sizeOf } from "../../tensor/shape.ts";
import { BufferPool } from "./buffer_pool.ts";
import { CommandBatch } from "./command_batch.ts";
import { assertAlive, type Gpu } from "./device.ts";
import { WGSL_PRELUDE } from "./prelude.ts";
import { assertGpuDType, GpuStorage } from "./storage.ts";

/** Threads per workgroup of the one-thread-per-element kernels. */
export const WORKGROUP = 64;

/** The backend's device-bound state. */
export class GpuRuntime {
  /** Pooled tensor buffers. */
  readonly pool: BufferPool;
  /** The open batch of recorded work. */
  readonly batch: CommandBatch;
  readonly #pipelines = new Map<string, GPUComputePipeline>();
  #runs = 0;

  constructor(readonly gpu: Gpu) {
    this.pool = new BufferPool(gpu.device);
    this.batch = new CommandBatch(gpu.device);
  }

  /** The compute pipeline of `body` (a WGSL compute entry `main` after the prelude), cached. */
  pipeline(body: string): GPUComputePipeline {
    let made = this.#pipelines.get(body);
    if (!made) {
      const module = this.gpu.device.createShaderModule({ code: WGSL_PRELUDE + body });
      made = this.gpu.device.createComputePipeline({
        layout: "auto",
        compute: { module, entryPoint: "main" },
      });
      this.#pipelines.set(body, made);
    }
    return made;
  }

  /** Pipelines compiled so far. */
  get pipelineCount(): number {
    return this.#pipelines.size;
  }

  /** Kernels recorded so far (calls to {@link GpuRuntime.run}), for tests that check fusion. */
  get runs(): number {
    return this.#runs;
  }

  /** A fresh output of `shape` and `dtype`, contents undefined until a kernel writes it. */
  output(shape: readonly number[], dtype: DType, op: string): KernelOutput {
    assertAlive(this.gpu, op);
    assertGpuDType(dtype, op);
    const length = sizeOf(shape);
    const storage = new GpuStorage(dtype, length, this.pool.acquire(length * 4));
    return { storage, shape };
  }

  /**
   * Records `body` over `threads` invocations of `workgroup` threads each, with `buffers` bound
   * after the parameters. The grid turns 2-D past the adapter's per-dimension limit; the prelude's
   * `linearId` gives each invocation its index.
   */
  run(
    body: string,
    buffers: readonly GPUBuffer[],
    params: ArrayLike<number>,
    threads: number,
    workgroup = WORKGROUP,
  ): void {
    assertAlive(this.gpu, "webgpu kernel");
    this.#runs++;
    const groups = Math.ceil(threads / workgroup);
    const limit = this.gpu.device.limits.maxComputeWorkgroupsPerDimension;
    const x = Math.min(groups, limit), y = Math.ceil(groups / Math.max(x, 1));
    this.batch.dispatch({ pipeline: this.pipeline(body), buffers, params, workgroups: [x, y] });
  }

  /** Storage operations of the backend object. */
  backend(): Backend {
    const pool = this.pool, batch = this.batch, gpu = this.gpu;
    return {
      name: "webgpu",
      dtypes: ["float32", "int32"],
      upload(values: TypedArray, dtype: DType): Storage {
        assertAlive(gpu, "upload");
        assertGpuDType(dtype, "upload");
        const buffer = pool.acquire(values.length * 4);
        // Recorded kernels may still read a reused buffer's old contents: submit them first,
        // because writeBuffer runs ahead of anything not yet submitted.
        batch.submit();
        const host = dtype === "int32" ? Int32Array.from(values) : Float32Array.from(values);
        // An empty write makes Deno 2.9.6 panic (ext/webgpu/queue.rs), and there is nothing to write.
        if (host.length > 0) gpu.device.queue.writeBuffer(buffer, 0, host);
        return new GpuStorage(dtype, values.length, buffer);
      },
      async read(storage: Storage): Promise<TypedArray> {
        assertAlive(gpu, "read");
        const s = storage as GpuStorage;
        const bytes = Math.max(4, s.length * 4);
        const staging = gpu.device.createBuffer({
          size: bytes,
          usage: 0x01 /* MAP_READ */ | 0x08, /* COPY_DST */
        });
        batch.copy(s.buffer, staging, bytes); // computes a deferred storage first
        batch.submit();
        try {
          await staging.mapAsync(0x01 /* READ */);
        } catch (e) {
          assertAlive(gpu, "read");
          throw e;
        }
        assertAlive(gpu, "read"); // a kernel that failed validation wrote nothing: say so
        const out = allocArray(s.dtype, s.length);
        const raw = staging.getMappedRange(0, bytes);
        out.set(
          s.dtype === "int32"
            ? new Int32Array(raw, 0, s.length)
            : new Float32Array(raw, 0, s.length),
        );
        staging.unmap();
        staging.destroy();
        return out;
      },
      readSync(): TypedArray {
        throw new Error(
          "dataSync, toArray and item cannot read a webgpu tensor synchronously: GPU reads are " +
            "asynchronous. Use `await t.data()` or `await t.array()` instead.",
        );
      },
      free(storage: Storage): void {
        // The buffer waits for any deferred expression that still reads it (storage.ts).
        (storage as GpuStorage).free(pool);
      },
      memory(): BackendMemory {
        const s = pool.stats();
        return { storages: s.inUse, bytes: s.bytesInUse };
      },
    };
  }
}

let current: GpuRuntime | null = null;

/** Makes the runtime for a new device (called by the backend's factory). */
export function startRuntime(gpu: Gpu): GpuRuntime {
  current = new GpuRuntime(gpu);
  // Release the device while the program can still do so in order, not in the runtime's teardown.
  globalThis.addEventListener("unload", () => gpu.device.destroy());
  return current;
}

/** The running runtime; kernels call this. */
export function gpuRuntime(): GpuRuntime {
  if (!current) throw new Error("the webgpu backend is not set up: `await setBackend('webgpu')`");
  return current;
}
