/**
 * The CPU backend's heap: one shared WebAssembly linear memory that holds every CPU tensor, so the
 * WASM kernels (on this thread and on the worker pool's threads) read their inputs and write their
 * outputs in place, with no copy in or out.
 *
 * Blocks come from size classes (four per power of two, 64-byte aligned) with a free list per class;
 * a freed block is reused by the next request of its class, so a training loop whose shapes repeat
 * stops growing the memory after its first step. The memory is `shared` so that growing it never
 * detaches the typed-array views that existing tensors hold, and so workers can share it.
 *
 * @module
 */

/** WebAssembly pages are 64 KiB. */
const PAGE = 65536;
/** The most a 32-bit linear memory can address: 65536 pages, 4 GiB. */
const MAX_PAGES = 65536;
/** Every block starts on a cache line, which also satisfies any SIMD alignment. */
const ALIGN = 64;

/** Host↔heap copies and view gathers since the process started, for tests that count copies. */
export interface CopyCounts {
  /** Host arrays copied into the heap (`upload`). */
  readonly uploads: number;
  /** Heap blocks copied out to host arrays (`read`, `readSync`). */
  readonly downloads: number;
  /** Non-contiguous views materialised into a temporary contiguous copy by a kernel. */
  readonly gathers: number;
}

/** Allocation totals of the heap. */
export interface HeapStats {
  /** Blocks in use. */
  readonly blocks: number;
  /** Bytes of the blocks in use (size-class rounded). */
  readonly bytesInUse: number;
  /** Bytes of the linear memory (in use, free-listed, and never yet handed out). */
  readonly bytesReserved: number;
  /** Blocks that were never freed explicitly and were reclaimed after garbage collection. */
  readonly reclaimed: number;
}

/** The byte size of the class a request of `bytes` falls in: four classes per power of two. */
export function sizeClass(bytes: number): number {
  if (bytes <= ALIGN) return ALIGN;
  const octave = 2 ** Math.floor(Math.log2(bytes - 1));
  const quarter = Math.max(octave / 4, ALIGN);
  return Math.ceil(bytes / quarter) * quarter;
}

/** The shared memory and its allocator. One per process (and shared with the worker threads). */
export class Heap {
  /** The linear memory every CPU kernel module imports as `env.memory`. */
  readonly memory: WebAssembly.Memory;
  readonly #free = new Map<number, number[]>();
  #top = ALIGN; // address 0 stays unused, so a zero pointer is never a valid block
  #blocks = 0;
  #bytesInUse = 0;
  #reclaimed = 0;
  readonly #counts = { uploads: 0, downloads: 0, gathers: 0 };

  constructor(initialPages = 256) {
    this.memory = new WebAssembly.Memory({
      initial: initialPages,
      maximum: MAX_PAGES,
      shared: true,
    });
  }

  /**
   * A block of at least `bytes` bytes, 64-byte aligned. Its contents are arbitrary (a reused block
   * keeps old values); callers that accumulate into it must zero it.
   *
   * @throws when the 4 GiB memory is exhausted, saying how much is live.
   */
  alloc(bytes: number): number {
    const size = sizeClass(Math.max(bytes, 1));
    const reuse = this.#free.get(size)?.pop();
    const address = reuse ?? this.#bump(size);
    this.#blocks++;
    this.#bytesInUse += size;
    return address;
  }

  /** Returns the block at `address` (of a request of `bytes`) to its class's free list. */
  free(address: number, bytes: number): void {
    const size = sizeClass(Math.max(bytes, 1));
    let list = this.#free.get(size);
    if (!list) this.#free.set(size, list = []);
    list.push(address);
    this.#blocks--;
    this.#bytesInUse -= size;
  }

  /** Frees a block whose owner was garbage collected without being disposed. */
  reclaim(address: number, bytes: number): void {
    this.#reclaimed++;
    this.free(address, bytes);
  }

  /** The memory's current buffer (a new object after each growth; old views stay valid). */
  get buffer(): SharedArrayBuffer {
    return this.memory.buffer as unknown as SharedArrayBuffer;
  }

  /** Records a copy for {@link Heap.copies}. */
  count(kind: keyof CopyCounts): void {
    this.#counts[kind]++;
  }

  /** Copies counted so far. */
  copies(): CopyCounts {
    return { ...this.#counts };
  }

  /** Current totals. */
  stats(): HeapStats {
    return {
      blocks: this.#blocks,
      bytesInUse: this.#bytesInUse,
      bytesReserved: this.buffer.byteLength,
      reclaimed: this.#reclaimed,
    };
  }

  #bump(size: number): number {
    const address = this.#top;
    const end = address + size;
    const have = this.buffer.byteLength;
    if (end > have) {
      // Grow by at least half again, so a growing workload reallocates rarely.
      const needed = Math.ceil((end - have) / PAGE);
      const pages = Math.min(Math.max(needed, Math.ceil(have / PAGE / 2)), MAX_PAGES - have / PAGE);
      if (pages < needed) this.#outOfMemory(size);
      try {
        this.memory.grow(pages);
      } catch {
        this.#outOfMemory(size);
      }
    }
    this.#top = end;
    return address;
  }

  #outOfMemory(size: number): never {
    const mib = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
    throw new RangeError(
      `the CPU backend's memory is full: cannot allocate ${mib(size)} with ${
        mib(this.#bytesInUse)
      } ` +
        `held by ${this.#blocks} live tensors (the limit is 4 GiB). Dispose tensors you no longer ` +
        "need, or wrap loops in tidy(), so their memory is reused.",
    );
  }
}

/** The process's one heap. */
export const heap: Heap = new Heap();
