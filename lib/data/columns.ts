/**
 * Columns of examples kept on the host: a typed array plus a shape whose first axis indexes the
 * examples. Loaders return them, and the DataLoader, the split and the statistics read them. Keeping
 * data sets as typed arrays (MNIST pixels stay one byte each) and turning only a batch at a time
 * into a tensor keeps memory small and batching cheap.
 *
 * @module
 */

import { formatShape, sizeOf } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";

/** Any typed array of numbers a column can hold. */
export type NumericArray =
  | Uint8Array
  | Uint8ClampedArray
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array;

/** Element types of the tensors made from a column. */
export type ColumnDType = "float32" | "int32";

/** Examples on the host: flat row-major `data` of `shape`, where `shape[0]` counts the examples. */
export interface ArrayColumn<A extends NumericArray = NumericArray> {
  /** The elements, row-major. */
  readonly data: A;
  /** `[examples, ...shape of one example]`. */
  readonly shape: readonly number[];
  /**
   * The dtype of tensors made from it. By default an `Int32Array` (labels, token ids) gives int32
   * and every other array gives float32 (pixel bytes become float32 0–255).
   */
  readonly dtype?: ColumnDType;
}

/** What a DataLoader or split accepts per column: a tensor, an array with a shape, or a 1-D array. */
export type Column = Tensor | ArrayColumn | NumericArray;

/** The dtype tensors made from `column` get. */
export function columnDType(column: ArrayColumn): ColumnDType {
  return column.dtype ?? (column.data instanceof Int32Array ? "int32" : "float32");
}

/**
 * `column` as an {@link ArrayColumn}, checked. A tensor is read to the host once (synchronously, so
 * CPU tensors only); a bare typed array is one example per element.
 *
 * @throws when the shape does not fit the data, or a tensor cannot be read synchronously.
 */
export function asArrayColumn(where: string, name: string, column: Column): ArrayColumn {
  if (column instanceof Tensor) {
    let data: NumericArray;
    try {
      data = column.dataSync();
    } catch (err) {
      throw new Error(
        `${where}: column '${name}' is a tensor that cannot be read synchronously ` +
          `(${(err as Error).message}). Read it first and pass ` +
          "`{ data: await t.data(), shape: t.shape }`.",
      );
    }
    return { data, shape: column.shape, dtype: column.dtype === "int32" ? "int32" : "float32" };
  }
  if (ArrayBuffer.isView(column)) return { data: column, shape: [column.length] };
  const { data, shape } = column;
  if (shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new Error(
      `${where}: column '${name}' has shape ${formatShape(shape)}; it needs at least one axis ` +
        "(the examples) and whole-number extents",
    );
  }
  if (sizeOf(shape) !== data.length) {
    throw new Error(
      `${where}: column '${name}' has ${data.length} elements, but its shape ` +
        `${formatShape(shape)} needs ${sizeOf(shape)}`,
    );
  }
  return column;
}

/** Elements per example of a column. */
export function rowSize(column: ArrayColumn): number {
  return sizeOf(column.shape.slice(1));
}

/**
 * Copies the examples at `indices` of `column` into `out` (which holds `indices.length` rows),
 * converting element types as typed-array assignment does.
 */
export function gatherRows(column: ArrayColumn, indices: ArrayLike<number>, out: NumericArray) {
  const row = rowSize(column);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    out.set(column.data.subarray(i * row, (i + 1) * row), k * row);
  }
}

/** A new column holding the examples at `indices`, with the same array type and dtype. */
export function selectRows<A extends NumericArray>(
  column: ArrayColumn<A>,
  indices: ArrayLike<number>,
): ArrayColumn<A> {
  const ctor = column.data.constructor as new (n: number) => A;
  const data = new ctor(indices.length * rowSize(column));
  gatherRows(column, indices, data);
  const selected = { data, shape: [indices.length, ...column.shape.slice(1)] };
  return column.dtype ? { ...selected, dtype: column.dtype } : selected;
}
