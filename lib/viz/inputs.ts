/**
 * Reading chart inputs: plain arrays, typed arrays and tensors become plain numbers, checked on the
 * way, with errors that name the helper and the argument at fault.
 *
 * @module
 */

import type { Tensor } from "../tensor/tensor.ts";

/** Numbers as charts accept them: an array, a typed array or a 1-D tensor. */
export type NumberList = ArrayLike<number> | Tensor;

/** Class labels: numbers or names, as an array or a 1-D tensor. */
export type LabelList = ArrayLike<number | string> | Tensor;

/** A matrix: rows of numbers, or a 2-D tensor. */
export type MatrixInput = readonly ArrayLike<number>[] | Tensor;

/** Whether `v` is one of the library's tensors (told apart by shape and a synchronous read). */
export function isTensor(v: unknown): v is Tensor {
  return typeof v === "object" && v !== null && Array.isArray((v as Tensor).shape) &&
    typeof (v as Tensor).dataSync === "function";
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/**
 * The values of a list as numbers. `finite` (default true) rejects NaN and ±Infinity; otherwise
 * they are kept (a line chart leaves a gap there).
 */
export function numberList(
  helper: string,
  name: string,
  value: NumberList,
  { finite = true }: { finite?: boolean } = {},
): number[] {
  let values: ArrayLike<unknown>;
  if (isTensor(value)) {
    const dims = value.shape.filter((d) => d !== 1);
    if (dims.length > 1) {
      throw new Error(
        `${helper}: ${name} must be 1-D, got a tensor of shape ${shapeText(value.shape)}`,
      );
    }
    values = value.dataSync();
  } else if (value !== null && typeof value === "object" && typeof value.length === "number") {
    values = value;
  } else {
    throw new Error(
      `${helper}: ${name} must be an array of numbers or a tensor, got ${typeof value}`,
    );
  }
  if (values.length === 0) throw new Error(`${helper}: ${name} is empty`);
  const out = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== "number") {
      throw new Error(`${helper}: ${name}[${i}] is ${JSON.stringify(v)}, not a number`);
    }
    if (finite && !Number.isFinite(v)) {
      throw new Error(`${helper}: ${name}[${i}] is ${v}; only finite numbers can be drawn`);
    }
    out[i] = v;
  }
  return out;
}

/** Class labels as numbers or strings. */
export function labelList(helper: string, name: string, value: LabelList): (number | string)[] {
  if (isTensor(value)) return numberList(helper, name, value);
  if (value === null || typeof value !== "object" || typeof value.length !== "number") {
    throw new Error(
      `${helper}: ${name} must be an array of labels or a tensor, got ${typeof value}`,
    );
  }
  if (value.length === 0) throw new Error(`${helper}: ${name} is empty`);
  return Array.from(value, (v, i) => {
    if (typeof v === "string" || (typeof v === "number" && Number.isFinite(v))) return v;
    throw new Error(
      `${helper}: ${name}[${i}] is ${
        JSON.stringify(v) ?? String(v)
      }; labels are numbers or strings`,
    );
  });
}

/** A matrix as its shape and row-major values, all finite. */
export function matrixOf(
  helper: string,
  name: string,
  value: MatrixInput,
): { rows: number; cols: number; values: Float64Array } {
  if (isTensor(value)) {
    const dims = value.shape.length > 2
      ? value.shape.filter((d, i) => d !== 1 || i >= value.shape.length - 2)
      : value.shape;
    if (dims.length !== 2) {
      throw new Error(
        `${helper}: ${name} must be 2-D, got a tensor of shape ${shapeText(value.shape)}`,
      );
    }
    const values = Float64Array.from(value.dataSync());
    if (values.length === 0) throw new Error(`${helper}: ${name} is empty`);
    checkFinite(helper, name, values, dims[1]);
    return { rows: dims[0], cols: dims[1], values };
  }
  if (!Array.isArray(value) || value.length === 0) {
    throw new Error(`${helper}: ${name} must be a non-empty array of rows or a 2-D tensor`);
  }
  const cols = value[0]?.length;
  if (typeof cols !== "number" || cols === 0) {
    throw new Error(`${helper}: ${name}[0] must be a non-empty row of numbers`);
  }
  const values = new Float64Array(value.length * cols);
  value.forEach((row: ArrayLike<number>, r: number) => {
    if (row?.length !== cols) {
      throw new Error(
        `${helper}: ${name} rows differ in length: row 0 has ${cols}, row ${r} has ${row?.length}`,
      );
    }
    for (let c = 0; c < cols; c++) {
      if (typeof row[c] !== "number") {
        throw new Error(
          `${helper}: ${name}[${r}][${c}] is ${JSON.stringify(row[c])}, not a number`,
        );
      }
      values[r * cols + c] = row[c];
    }
  });
  checkFinite(helper, name, values, cols);
  return { rows: value.length, cols, values };
}

function checkFinite(helper: string, name: string, values: ArrayLike<number>, cols: number): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      const r = Math.floor(i / cols), c = i % cols;
      throw new Error(
        `${helper}: ${name}[${r}][${c}] is ${values[i]}; only finite numbers can be drawn`,
      );
    }
  }
}

/** Checks that named lists have one length. */
export function sameLength(helper: string, lists: Record<string, ArrayLike<unknown>>): void {
  const entries = Object.entries(lists);
  const [firstName, first] = entries[0];
  for (const [name, list] of entries.slice(1)) {
    if (list.length !== first.length) {
      throw new Error(
        `${helper}: ${name} has ${list.length} values but ${firstName} has ${first.length}; ` +
          `they must match`,
      );
    }
  }
}

/**
 * The distinct classes in `labels`, in the order legends list them: ascending when all are
 * numbers, else in order of first appearance.
 */
export function classOrder(labels: readonly (number | string)[]): (number | string)[] {
  const seen = new Map<string, number | string>();
  for (const l of labels) if (!seen.has(String(l))) seen.set(String(l), l);
  const classes = [...seen.values()];
  return classes.every((c) => typeof c === "number")
    ? (classes as number[]).sort((a, b) => a - b)
    : classes;
}

/** Checks a `[min, max]` range option. */
export function rangeOf(
  helper: string,
  name: string,
  value: readonly number[] | undefined,
  fallback: () => [number, number],
): [number, number] {
  if (value === undefined) return fallback();
  if (
    !Array.isArray(value) || value.length !== 2 || !value.every(Number.isFinite) ||
    !(value[1] > value[0])
  ) {
    throw new Error(
      `${helper}: ${name} must be [min, max] with finite min < max, got ${JSON.stringify(value)}`,
    );
  }
  return [value[0], value[1]];
}

/** The extent of `values` widened by `pad` of its span on each side (by 0.5 when it is a point). */
export function paddedExtent(values: readonly number[], pad = 0.1): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const margin = hi > lo ? (hi - lo) * pad : 0.5;
  return [lo - margin, hi + margin];
}

/** Checks a resolution option: a whole number of cells per side from 2 to 500. */
export function resolutionOf(helper: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 2 || value > 500) {
    throw new Error(
      `${helper}: options.resolution must be a whole number from 2 to 500, got ${value}`,
    );
  }
  return value;
}
