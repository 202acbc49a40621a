/**
 * Storage of the CPU backends: every tensor's elements are a block of the shared WASM heap
 * (`lib/backend/wasm/heap.ts`), seen from TypeScript as a typed array over that block. The reference
 * kernels work on the typed arrays; the fast kernels pass the blocks' addresses to WASM. Either way
 * inputs are read where they lie and outputs are written where they will stay.
 *
 * @module
 */

import type { Backend, BackendMemory, KernelOutput, Storage, TensorInfo } from "../contract.ts";
import type { DType, DTypeArrayMap, TypedArray } from "../../tensor/dtype.ts";
import { coversStorage, gatherView } from "../../tensor/layout.ts";
import { isContiguous, sizeOf } from "../../tensor/shape.ts";
import { heap } from "../wasm/heap.ts";

const ARRAY_TYPES = { float32: Float32Array, int32: Int32Array, float64: Float64Array } as const;

/** A CPU storage: a heap block and the typed array that views it. */
export class CpuStorage implements Storage {
  /** Element count. */
  readonly length: number;
  /** Byte address of the first element in the heap. */
  readonly address: number;
  /** Always "cpu": the fast and the reference kernels share this storage. */
  readonly backend = "cpu";
  constructor(readonly dtype: DType, readonly values: TypedArray) {
    this.length = values.length;
    this.address = values.byteOffset;
  }
}

/**
 * Frees the heap block of a storage that was garbage collected without `dispose()`, so forgotten
 * tensors do not leak heap memory forever. Explicit disposal unregisters the storage first.
 */
const reclaimer = new FinalizationRegistry<{ address: number; bytes: number }>((block) => {
  live.storages--;
  live.bytes -= block.bytes;
  heap.reclaim(block.address, block.bytes);
});

const live = { storages: 0, bytes: 0 };

/** A typed array of `length` elements of `dtype` over a fresh heap block, not zeroed. */
function heapArray<D extends DType>(dtype: D, length: number): DTypeArrayMap[D] {
  const Type = ARRAY_TYPES[dtype];
  const address = heap.alloc(length * Type.BYTES_PER_ELEMENT);
  // The union of constructors only type-checks with ArrayBuffer; a SharedArrayBuffer works the same.
  return new Type(heap.buffer as unknown as ArrayBuffer, address, length) as DTypeArrayMap[D];
}

/** The heap byte address of a view's first element (what a WASM kernel is passed). */
export function viewAddress(info: TensorInfo): number {
  const s = info.storage as CpuStorage;
  return s.address + info.offset * s.values.BYTES_PER_ELEMENT;
}

/** The typed array behind a CPU kernel input. */
export function valuesOf(info: TensorInfo): TypedArray {
  return (info.storage as CpuStorage).values;
}

/**
 * The elements of a view in row-major order: the storage itself (a subarray, no copy) when the view
 * is contiguous, otherwise a gathered copy (counted, so tests can see which kernels copy).
 */
export function contiguousValues(info: TensorInfo): TypedArray {
  const values = valuesOf(info);
  if (coversStorage(info, values.length)) return values;
  if (isContiguous(info.shape, info.strides)) {
    return values.subarray(info.offset, info.offset + sizeOf(info.shape));
  }
  heap.count("gathers");
  return gatherView(values, info, info.dtype);
}

/** Allocates an output whose every element the kernel will write; its contents start arbitrary. */
export function allocUninitialized<D extends DType>(
  shape: readonly number[],
  dtype: D,
): { out: KernelOutput; values: DTypeArrayMap[D] } {
  const values = heapArray(dtype, sizeOf(shape));
  return { out: { storage: register(new CpuStorage(dtype, values)), shape }, values };
}

/** Allocates a zeroed contiguous kernel output. */
export function allocOutput<D extends DType>(
  shape: readonly number[],
  dtype: D,
): { out: KernelOutput; values: DTypeArrayMap[D] } {
  const made = allocUninitialized(shape, dtype);
  made.values.fill(0);
  return made;
}

/** A kernel output holding a copy of `values`, which a reference kernel computed on the host. */
export function outputOf(values: TypedArray, shape: readonly number[], dtype: DType): KernelOutput {
  const { out, values: target } = allocUninitialized(shape, dtype);
  target.set(values);
  return out;
}

function register(s: CpuStorage): CpuStorage {
  live.storages++;
  live.bytes += s.values.byteLength;
  reclaimer.register(s, { address: s.address, bytes: s.values.byteLength }, s);
  return s;
}

/**
 * Heap storage management, shared by the `cpu` backend (fast kernels) and the `cpu-reference`
 * backend (the TypeScript reference kernels), so tensors move freely between the two.
 */
export const cpuBackend: Backend = {
  name: "cpu",
  dtypes: ["float32", "float64", "int32"],
  upload(values: TypedArray, dtype: DType): Storage {
    heap.count("uploads");
    const copy = heapArray(dtype, values.length);
    copy.set(values);
    return register(new CpuStorage(dtype, copy));
  },
  read(storage: Storage): Promise<TypedArray> {
    return Promise.resolve(cpuBackend.readSync(storage));
  },
  readSync(storage: Storage): TypedArray {
    heap.count("downloads");
    return (storage as CpuStorage).values.slice();
  },
  free(storage: Storage): void {
    const s = storage as CpuStorage;
    reclaimer.unregister(s);
    live.storages--;
    live.bytes -= s.values.byteLength;
    heap.free(s.address, s.values.byteLength);
  },
  memory(): BackendMemory {
    return { ...live };
  },
};
