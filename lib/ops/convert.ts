/**
 * Turning op arguments into tensors and kernel outputs back into tensors, with the checks every op
 * shares: disposed inputs, backend mismatches, integer tensors where floats are needed.
 *
 * @module
 */

import type { FusedActivation, KernelOutput } from "../backend/contract.ts";
import { getBackend } from "../backend/registry.ts";
import { scalar, tensor } from "../tensor/creation.ts";
import { type DType, isFloat, type TypedArray } from "../tensor/dtype.ts";
import { formatShape, sizeOf } from "../tensor/shape.ts";
import { type NestedArray, Tensor, wrapStorage } from "../tensor/tensor.ts";

/** Anything an op accepts where a tensor is expected. Numbers become scalars. */
export type TensorLike = Tensor | number | NestedArray | TypedArray;

/**
 * Wraps a kernel's output storage as a tensor on the active backend. Kernel outputs are contiguous,
 * so `shape` may regroup the same elements (a reduction dropping its reduced axes, a batch of
 * matrices seen as one array) without an intermediate view that would have to be freed.
 */
export function fromKernel(out: KernelOutput, shape: readonly number[] = out.shape): Tensor {
  if (sizeOf(shape) !== sizeOf(out.shape)) {
    throw new Error(
      `internal: kernel output of shape ${formatShape(out.shape)} cannot be read as ${
        formatShape(shape)
      }`,
    );
  }
  return wrapStorage(out.storage, getBackend(), shape);
}

/**
 * The tensor for an op argument. A number becomes a scalar: int32 when it is an integer and
 * `likeDType` is int32, otherwise float32 (or `likeDType` when that is a float type).
 *
 * @throws when a tensor was disposed or lives on another backend.
 */
export function asTensor(op: string, x: TensorLike, likeDType?: DType): Tensor {
  if (x instanceof Tensor) {
    if (x.isDisposed) {
      throw new Error(
        `${op}: an input tensor (shape ${formatShape(x.shape)}, ${x.dtype}) was disposed. ` +
          "A tidy() scope ends it unless it is returned from the scope or passed to keep().",
      );
    }
    // Compare storage families, not registry names: `cpu` and `cpu-reference` share storage.
    const active = getBackend().name;
    if (x.storage.backend !== active) {
      throw new Error(
        `${op}: an input tensor lives on backend '${x.storage.backend}' but the active backend is ` +
          `'${active}'; create it again after setBackend(), or switch back`,
      );
    }
    return x;
  }
  if (typeof x === "number") {
    if (likeDType === "int32") {
      return scalar(x, { dtype: Number.isInteger(x) ? "int32" : "float32" });
    }
    return scalar(x, { dtype: likeDType ?? "float32" });
  }
  return tensor(x);
}

/**
 * The tensor for an argument that holds class labels or indices: plain arrays become int32 (rather
 * than the float32 `tensor()` would choose). Tensors pass through unchanged.
 */
export function asIndices(op: string, x: TensorLike): Tensor {
  if (x instanceof Tensor || typeof x === "number") return asTensor(op, x, "int32");
  return tensor(x, { dtype: "int32" });
}

/** Throws a clear error unless `t` holds floats. */
export function requireFloat(op: string, t: Tensor): void {
  if (!isFloat(t.dtype)) {
    throw new Error(
      `${op}: needs a float tensor but got ${t.dtype} (shape ${formatShape(t.shape)}). ` +
        "int32 holds indices and labels; convert with x.toFloat() first.",
    );
  }
}

/** Throws a clear error unless `t` holds int32 indices. */
export function requireInt(op: string, what: string, t: Tensor): void {
  if (t.dtype !== "int32") {
    throw new Error(
      `${op}: ${what} must be an int32 tensor, got ${t.dtype} (shape ${formatShape(t.shape)}); ` +
        `make it with { dtype: "int32" } or convert with x.toInt()`,
    );
  }
}

/** Throws a clear error unless `t` has exactly `rank` dimensions. */
export function requireRank(op: string, what: string, t: Tensor, rank: number): void {
  if (t.rank !== rank) {
    throw new Error(
      `${op}: ${what} must have ${rank} dimensions, got shape ${formatShape(t.shape)}`,
    );
  }
}

/**
 * Throws if indices given as plain numbers fall outside [0, size), with the message the CPU's
 * gather kernel gives. Index tensors are left to the kernels: a backend that keeps them on the GPU
 * cannot read them as the op runs.
 */
export function checkHostIndices(
  op: string,
  indices: TensorLike,
  axis: number,
  size: number,
): void {
  if (indices instanceof Tensor) return;
  for (const index of ([indices] as unknown[]).flat(Infinity) as number[]) {
    if (!(index >= 0 && index < size)) {
      throw new Error(`${op}: index ${index} is out of range for axis ${axis} of size ${size}`);
    }
  }
}

/** The activations the matmul and conv2d kernels fuse into their epilogue. */
const FUSED_ACTIVATIONS: readonly string[] = ["none", "relu"] satisfies FusedActivation[];

/**
 * `activation` (default 'none') once checked to be one the kernels fuse; `op` names the caller in
 * the error.
 */
export function fusedActivation(op: string, activation: string | undefined): FusedActivation {
  if (activation === undefined) return "none";
  if (!FUSED_ACTIVATIONS.includes(activation)) {
    throw new Error(
      `${op}: unknown activation '${activation}'; use one of ${
        FUSED_ACTIVATIONS.map((a) => `'${a}'`).join(", ")
      }`,
    );
  }
  return activation as FusedActivation;
}
