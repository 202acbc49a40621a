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
