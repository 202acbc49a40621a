/**
 * Element types a tensor can hold.
 *
 * - `float32` is the working type of the library: activations, weights, gradients.
 * - `int32` holds indices and class labels. It has no gradient.
 * - `float64` exists so that gradient checks can use finite differences without float32 rounding
 *   noise. Only the CPU reference kernels implement it.
 *
 * @module
 */

/** The name of an element type. */
export type DType = "float32" | "int32" | "float64";

/** The typed array that stores the elements of each {@link DType}. */
export interface DTypeArrayMap {
  float32: Float32Array;
  int32: Int32Array;
  float64: Float64Array;
}

/** Any of the typed arrays tensors are stored in. */
export type TypedArray = DTypeArrayMap[DType];

/** Every element type, in a fixed order (useful for validation messages). */
export const DTYPES: readonly DType[] = ["float32", "int32", "float64"];

/** Whether a dtype holds real numbers that can carry gradients. */
export function isFloat(dtype: DType): boolean {
  return dtype !== "int32";
}

/** Allocates a zero-filled typed array of `length` elements for `dtype`. */
export function allocArray<D extends DType>(dtype: D, length: number): DTypeArrayMap[D] {
  switch (dtype) {
    case "float32":
      return new Float32Array(length) as DTypeArrayMap[D];
    case "int32":
      return new Int32Array(length) as DTypeArrayMap[D];
    case "float64":
      return new Float64Array(length) as DTypeArrayMap[D];
  }
  throw new Error(`unknown dtype '${dtype}'; use one of ${DTYPES.join(", ")}`);
}

/**
 * Copies `values` into a new typed array of `dtype`, truncating toward zero for `int32`.
 *
 * @throws when a value cannot be an int32 (NaN, infinite, or beyond ±2³¹): an Int32Array would
 * silently wrap it to another number, and a wrong label or index is hard to trace back.
 */
export function toTypedArray<D extends DType>(
  values: ArrayLike<number>,
  dtype: D,
): DTypeArrayMap[D] {
  const out = allocArray(dtype, values.length);
  if (dtype === "int32") {
    for (let i = 0; i < values.length; i++) {
      const v = Math.trunc(values[i]);
      if (!(v >= -2147483648 && v <= 2147483647)) {
        throw new Error(
          `int32: value ${values[i]} at flat index ${i} does not fit in an int32 ` +
            "(whole numbers from -2147483648 to 2147483647); use float32 for it",
        );
      }
      out[i] = v;
    }
  } else {
    out.set(values);
  }
  return out;
}

/** The dtype that stores a typed array of this kind, or undefined for other array kinds. */
export function dtypeOfArray(values: ArrayLike<number>): DType | undefined {
  if (values instanceof Float32Array) return "float32";
  if (values instanceof Int32Array) return "int32";
  if (values instanceof Float64Array) return "float64";
  return undefined;
}

/**
 * The dtype of `a op b` for arithmetic: the wider float wins, and any float beats int32.
 * Two int32 operands stay int32.
 */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  if (a === "float64" || b === "float64") return "float64";
  return "float32";
}

/** Throws a readable error when `dtype` is not a known element type. */
export function assertDType(dtype: string, where: string): asserts dtype is DType {
  if (!(DTYPES as readonly string[]).includes(dtype)) {
    throw new Error(`${where}: unknown dtype '${dtype}'; use one of ${DTYPES.join(", ")}`);
  }
}
