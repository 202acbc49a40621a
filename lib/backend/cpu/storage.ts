/**
 * Host memory for the CPU reference backend: each storage is a typed array.
 *
 * @module
 */

import type { Backend, BackendMemory, KernelOutput, Storage, TensorInfo } from "../contract.ts";
import { allocArray, type DType, type DTypeArrayMap, type TypedArray } from "../../tensor/dtype.ts";
import { coversStorage, gatherView } from "../../tensor/layout.ts";
import { isContiguous, sizeOf } from "../../tensor/shape.ts";

/** A CPU storage: the typed array that holds the elements. */
export class CpuStorage implements Storage {
  /** Always "cpu". */
  readonly backend = "cpu";
  /** Element count. */
  readonly length: number;
  constructor(readonly dtype: DType, readonly values: TypedArray) {
    this.length = values.length;
  }
}

let storages = 0;
let bytes = 0;

/** The typed array behind a CPU kernel input. */
export function valuesOf(info: TensorInfo): TypedArray {
  return (info.storage as CpuStorage).values;
}

/**
 * The elements of a view in row-major order: the storage itself (a subarray, no copy) when the view
 * is contiguous, otherwise a gathered copy.
 */
export function contiguousValues(info: TensorInfo): TypedArray {
  const values = valuesOf(info);
  if (coversStorage(info, values.length)) return values;
  if (isContiguous(info.shape, info.strides)) {
    return values.subarray(info.offset, info.offset + sizeOf(info.shape));
  }
  return gatherView(values, info, info.dtype);
}

/** Allocates a zeroed contiguous kernel output. */
export function allocOutput<D extends DType>(
  shape: readonly number[],
  dtype: D,
): { out: KernelOutput; values: DTypeArrayMap[D] } {
  const values = allocArray(dtype, sizeOf(shape));
  return { out: { storage: register(new CpuStorage(dtype, values)), shape }, values };
}

/** Wraps an already computed array as a kernel output. */
export function outputOf(values: TypedArray, shape: readonly number[], dtype: DType): KernelOutput {
  return { storage: register(new CpuStorage(dtype, values)), shape };
}

function register(s: CpuStorage): CpuStorage {
  storages++;
  bytes += s.values.byteLength;
  return s;
}

/** The CPU backend's storage management. */
export const cpuBackend: Backend = {
  name: "cpu",
  upload(values: TypedArray, dtype: DType): Storage {
    const copy = allocArray(dtype, values.length);
    copy.set(values);
    return register(new CpuStorage(dtype, copy));
  },
  read(storage: Storage): Promise<TypedArray> {
    return Promise.resolve((storage as CpuStorage).values.slice());
  },
  readSync(storage: Storage): TypedArray {
    return (storage as CpuStorage).values.slice();
  },
  free(storage: Storage): void {
    storages--;
    bytes -= (storage as CpuStorage).values.byteLength;
  },
  memory(): BackendMemory {
    return { storages, bytes };
  },
};
