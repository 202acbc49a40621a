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
  // Format only the elements that will be shown: formatting every element of a summarised
  // dataset (millions of numbers) took seconds. Width and notation follow the shown values.
  const shown: number[] = [];
  const visit = (dim: number, start: number): void => {
    if (dim === shape.length) {
      shown.push(start);
      return;
    }
    for (const i of indices(shape[dim])) if (i !== null) visit(dim + 1, start + i * strides[dim]);
  };
  visit(0, 0);
  let maxAbs = 0;
  for (const at of shown) {
    const v = values[at];
    if (Number.isFinite(v)) maxAbs = Math.max(maxAbs, Math.abs(v));
  }
  const scientific = dtype !== "int32" && (maxAbs >= 1e5 || (maxAbs > 0 && maxAbs < 1e-3));
  const cells = new Map<number, string>();
  let width = 1;
  for (const at of shown) {
    const cell = formatNumber(values[at], dtype, scientific);
    cells.set(at, cell);
    width = Math.max(width, cell.length);
  }
  if (shape.length === 0) return cells.get(0)!;
  const render = (dim: number, start: number, indent: number): string => {
    const parts = indices(shape[dim]).map((i) => {
      if (i === null) return "...";
      const at = start + i * strides[dim];
      return dim === shape.length - 1
        ? cells.get(at)!.padStart(width)
        : render(dim + 1, at, indent + 1);
    });
    if (dim === shape.length - 1) return `[${parts.join(", ")}]`;
    const sep = "," + "\n".repeat(shape.length - dim - 1) + " ".repeat(indent + 1);
    return `[${parts.join(sep)}]`;
  };
  return render(0, 0, 0);
}
