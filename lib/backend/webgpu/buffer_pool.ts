/**
 * GPU buffers reused by size class, so a training loop whose shapes repeat creates no buffers after
 * its first step: a freed tensor's buffer goes back to its class and serves the next request of
 * that class.
 *
 * @module
 */

import { sizeClass } from "../wasm/heap.ts";

/** Usage of every tensor buffer: bound as storage, copied to (uploads) and from (reads). */
const TENSOR_USAGE = 0x80 /* STORAGE */ | 0x08 /* COPY_DST */ | 0x04; /* COPY_SRC */

/** Totals of a {@link BufferPool}. */
export interface BufferPoolStats {
  /** Buffers ever created. */
  readonly created: number;
  /** Buffers handed out and not yet released. */
  readonly inUse: number;
  /** Bytes of the buffers in use. */
  readonly bytesInUse: number;
  /** Released buffers waiting for reuse. */
  readonly pooled: number;
}

/** A pool of tensor buffers on one device. */
export class BufferPool {
  readonly #free = new Map<number, GPUBuffer[]>();
  #created = 0;
  #inUse = 0;
  #bytesInUse = 0;
  #pooled = 0;

  constructor(readonly device: GPUDevice) {}

  /** A buffer of at least `bytes` bytes (its size is `bytes`' size class). */
  acquire(bytes: number): GPUBuffer {
    const size = sizeClass(Math.max(bytes, 4));
    let buffer = this.#free.get(size)?.pop();
    if (buffer) {
      this.#pooled--;
    } else {
      buffer = this.device.createBuffer({ size, usage: TENSOR_USAGE });
      this.#created++;
    }
    this.#inUse++;
    this.#bytesInUse += size;
    return buffer;
  }

  /**
   * Returns a buffer to its class. Commands already recorded that read it still run first (the
   * queue executes in order), so reusing it for a later output is safe.
   */
  release(buffer: GPUBuffer): void {
    let list = this.#free.get(buffer.size);
    if (!list) this.#free.set(buffer.size, list = []);
    list.push(buffer);
    this.#inUse--;
    this.#bytesInUse -= buffer.size;
    this.#pooled++;
  }

  /** Current totals. */
  stats(): BufferPoolStats {
    return {
      created: this.#created,
      inUse: this.#inUse,
      bytesInUse: this.#bytesInUse,
      pooled: this.#pooled,
    };
  }
}
