/**
 * Element layout of strided views: turning a (shape, strides, offset) view into positions in its
 * storage. Shared by host-side readback and by the CPU reference kernels.
 *
 * @module
 */

import { allocArray, type DType, type DTypeArrayMap } from "./dtype.ts";
import { isContiguous, sizeOf } from "./shape.ts";

/** A strided view's geometry, without its storage. */
export interface ViewGeometry {
  /** Extent of each dimension. */
  readonly shape: readonly number[];
  /** Storage step per dimension, in elements (0 repeats the dimension). */
  readonly strides: readonly number[];
  /** Storage index of the first element. */
  readonly offset: number;
}

/**
 * The storage index of every element of a view, in row-major order of the view. A counter walks the
 * shape like an odometer, so each index costs O(1) amortised.
 */
export function elementOffsets(view: ViewGeometry): Int32Array {
  const { shape, strides, offset } = view;
  const n = sizeOf(shape);
  const out = new Int32Array(n);
  const rank = shape.length;
  const counter = new Array<number>(rank).fill(0);
  let pos = offset;
  for (let i = 0; i < n; i++) {
    out[i] = pos;
    for (let d = rank - 1; d >= 0; d--) {
      if (++counter[d] < shape[d]) {
        pos += strides[d];
        break;
      }
      counter[d] = 0;
      pos -= strides[d] * (shape[d] - 1);
    }
  }
  return out;
}

/** Whether the view is exactly its storage laid out row-major (no offset, no gaps, no extras). */
export function coversStorage(view: ViewGeometry, storageLength: number): boolean {
  return view.offset === 0 && sizeOf(view.shape) === storageLength &&
    isContiguous(view.shape, view.strides);
}

/** Copies a view's elements out of `values` into a new contiguous array of `dtype`. */
export function gatherView<D extends DType>(
  values: ArrayLike<number>,
  view: ViewGeometry,
  dtype: D,
): DTypeArrayMap[D] {
  const n = sizeOf(view.shape);
  const out = allocArray(dtype, n);
  if (isContiguous(view.shape, view.strides)) {
    for (let i = 0; i < n; i++) out[i] = values[view.offset + i];
    return out;
  }
  const idx = elementOffsets(view);
  for (let i = 0; i < n; i++) out[i] = values[idx[i]];
  return out;
}

/** A walk over an output shape: collapsed dimensions and each operand's strides over them. */
export interface Walk {
  /** Collapsed extents, outermost first (at least one). */
  readonly shape: number[];
  /** Per operand, its element strides over {@link Walk.shape}. */
  readonly strides: number[][];
}

/**
 * Collapses `shape` for operands with `strides` (one list per operand): size-1 dimensions are
 * dropped and a dimension merges into the one inside it when every operand's stride over it is the
 * inner stride times the inner extent.
 */
export function collapse(shape: readonly number[], strides: readonly (readonly number[])[]): Walk {
  const dims: number[] = [];
  const out: number[][] = strides.map(() => []);
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && strides.every((s, k) => s[d] === out[k][0] * dims[0])) {
      dims[0] *= shape[d];
      continue;
    }
    dims.unshift(shape[d]);
    strides.forEach((s, k) => out[k].unshift(s[d]));
  }
  if (dims.length === 0) return { shape: [1], strides: strides.map(() => [0]) };
  return { shape: dims, strides: out };
}
