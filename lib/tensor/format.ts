/**
 * Text formatting of tensors: aligned nested brackets, summarised with `...` past a size limit.
 *
 * @module
 */

import type { TensorInfo } from "../backend/contract.ts";
import type { DType, TypedArray } from "./dtype.ts";
import { formatShape } from "./shape.ts";

/** What {@link formatTensor} needs of a tensor. */
export interface Formattable extends TensorInfo {
  readonly size: number;
  readonly isDisposed: boolean;
  dataSync(): TypedArray;
}

/** Tensors with more elements than this print only their edges. */
const SUMMARY_THRESHOLD = 1000;
/** How many leading and trailing entries a summarised dimension keeps. */
const EDGE = 3;

/** Formats one number for a tensor of `dtype` so that columns align. */
export function formatNumber(v: number, dtype: DType, scientific: boolean): string {
  if (dtype === "int32") return String(v);
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  return scientific ? v.toExponential(4) : v.toFixed(4);
}

/** Header line plus values, e.g. `Tensor [2, 2] float32` then `[[1.0000, 2.0000], ...]`. */
export function formatTensor(t: Formattable): string {
  const header = `Tensor ${formatShape(t.shape)} ${t.dtype}`;
  if (t.isDisposed) return `${header} (disposed)`;
  let values: TypedArray;
  try {
    values = t.dataSync();
  } catch {
    return `${header} on ${t.storage.backend} (read the values with await t.data())`;
  }
  return `${header}\n${formatValues(values, t.shape, t.dtype)}`;
}

/** The bracketed body for contiguous `values` of `shape`. */
export function formatValues(values: TypedArray, shape: readonly number[], dtype: DType): string {
  const summarise = values.length > SUMMARY_THRESHOLD;
  let maxAbs = 0;
  for (const v of values) if (Number.isFinite(v)) maxAbs = Math.max(maxAbs, Math.abs(v));
  const scientific = dtype !== "int32" && (maxAbs >= 1e5 || (maxAbs > 0 && maxAbs < 1e-3));
  const cells = Array.from(values, (v) => formatNumber(v, dtype, scientific));
  const width = cells.reduce((w, c) => Math.max(w, c.length), 1);
  if (shape.length === 0) return cells[0];
  const strides: number[] = [];
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  const indices = (n: number): (number | null)[] =>
    summarise && n > 2 * EDGE
      ? [
        ...Array.from({ length: EDGE }, (_, i) => i),
        null,
        ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i),
      ]
      : Array.from({ length: n }, (_, i) => i);
  const render = (dim: number, start: number, indent: number): string => {
    const parts = indices(shape[dim]).map((i) => {
      if (i === null) return "...";
      const at = start + i * strides[dim];
      return dim === shape.length - 1 ? cells[at].padStart(width) : render(dim + 1, at, indent + 1);
    });
    if (dim === shape.length - 1) return `[${parts.join(", ")}]`;
    const sep = "," + "\n".repeat(shape.length - dim - 1) + " ".repeat(indent + 1);
    return `[${parts.join(sep)}]`;
  };
  return render(0, 0, 0);
}
