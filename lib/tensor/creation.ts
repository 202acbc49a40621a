/**
 * Making tensors: from JavaScript values, constants, ranges, and seeded random draws.
 *
 * @module
 */

import { getBackend, runKernel } from "../backend/registry.ts";
import { assertDType, type DType, dtypeOfArray, toTypedArray, type TypedArray } from "./dtype.ts";
import { globalRng } from "./random.ts";
import { assertValidShape, formatShape, type Shape, sizeOf } from "./shape.ts";
import { type NestedArray, type Tensor, wrapStorage } from "./tensor.ts";

/** Options shared by the creation functions. */
export interface CreateOptions {
  /** Element type; float32 unless stated otherwise by the function. */
  readonly dtype?: DType;
  /** Track gradients for this tensor (float dtypes only). */
  readonly requiresGrad?: boolean;
}

function finish(t: Tensor, options: CreateOptions | undefined): Tensor {
  if (options?.requiresGrad) t.requiresGrad = true;
  return t;
}

/** Uploads `values` to the active backend as a contiguous tensor of `shape`. */
function upload(values: TypedArray, shape: Shape, dtype: DType): Tensor {
  const backend = getBackend();
  return wrapStorage(backend.upload(values, dtype), backend, shape);
}

/**
 * Infers the shape of nested arrays and flattens them, rejecting ragged input. The walk keeps one
 * mutable path and writes into a preallocated array: building a path and pushing per element made
 * a dataset-sized input (millions of numbers) take seconds.
 */
function flatten(data: NestedArray): { shape: number[]; flat: Float64Array } {
  const shape: number[] = [];
  for (let level: NestedArray = data; Array.isArray(level); level = level[0]) {
    shape.push(level.length);
    if (level.length === 0) break;
  }
  const flat = new Float64Array(sizeOf(shape));
  const path: number[] = [];
  let n = 0;
  const notANumber = (x: unknown): Error =>
    new Error(`tensor: expected a number at [${path.join(", ")}], got ${JSON.stringify(x)}`);
  const walk = (x: NestedArray, dim: number) => {
    if (dim === shape.length) {
      if (typeof x !== "number") throw notANumber(x);
      flat[n++] = x;
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[dim]) {
      throw new Error(
        `tensor: ragged nested array: the entry at [${
          path.join(", ")
        }] should be a list of length ` +
          `${shape[dim]} (inferred shape ${formatShape(shape)})`,
      );
    }
    const last = dim === shape.length - 1;
    for (let i = 0; i < x.length; i++) {
      path.push(i);
      const v = x[i];
      if (last) {
        if (typeof v !== "number") throw notANumber(v);
        flat[n++] = v;
      } else {
        walk(v, dim + 1);
      }
      path.pop();
    }
  };
  walk(data, 0);
  return { shape, flat };
}

/**
 * A tensor from a number, nested arrays or a typed array. The dtype defaults to the typed array's
 * own type, or float32. `shape` reshapes flat input.
 *
 * @example
 * ```ts
 * const x = tensor([[1, 2], [3, 4]]);          // float32 [2, 2]
 * const y = tensor([0, 2, 1], { dtype: "int32" }); // labels
 * ```
 */
export function tensor(
  data: NestedArray | TypedArray | readonly number[],
  options?: CreateOptions & { readonly shape?: Shape },
): Tensor {
  if (ArrayBuffer.isView(data)) {
    return fromArray(data, options?.shape ?? [data.length], options);
  }
  const { shape, flat } = flatten(data as NestedArray);
  // The flat values are float64 only as a carrier; plain numbers default to float32.
  return fromArray(flat, options?.shape ?? shape, {
    ...options,
    dtype: options?.dtype ?? "float32",
  });
}

/** A tensor of `shape` from flat row-major values. */
export function fromArray(
  values: ArrayLike<number>,
  shape: Shape,
  options?: CreateOptions,
): Tensor {
  assertValidShape("fromArray", shape);
  if (sizeOf(shape) !== values.length) {
    throw new Error(
      `fromArray: ${values.length} values cannot fill shape ${formatShape(shape)} ` +
        `(${sizeOf(shape)} elements)`,
    );
  }
  const dtype = options?.dtype ?? dtypeOfArray(values) ?? "float32";
  assertDType(dtype, "fromArray");
  return finish(upload(toTypedArray(values, dtype), shape, dtype), options);
}

/** A one-element tensor of shape `[]`, float32 unless `options.dtype` says otherwise. */
export function scalar(value: number, options?: CreateOptions): Tensor {
  // Filled in place by the backend: the many scalars of an expression cost no host copies.
  return filled("scalar", [], value, options);
}

/** `full` under the name the caller used, so a bad shape is reported against `zeros(…)` etc. */
function filled(op: string, shape: Shape, value: number, options?: CreateOptions): Tensor {
  assertValidShape(op, shape);
  const dtype = options?.dtype ?? "float32";
  assertDType(dtype, op);
  const out = runKernel("fill", shape, value, dtype);
  return finish(wrapStorage(out.storage, getBackend(), out.shape), options);
}

/** A tensor of `shape` with every element `value`. */
export function full(shape: Shape, value: number, options?: CreateOptions): Tensor {
  return filled("full", shape, value, options);
}

/** Zeros of `shape`. */
export function zeros(shape: Shape, options?: CreateOptions): Tensor {
  return filled("zeros", shape, 0, options);
}

/** Ones of `shape`. */
export function ones(shape: Shape, options?: CreateOptions): Tensor {
  return filled("ones", shape, 1, options);
}

/** Zeros with the shape and dtype of `t` (an explicit `options.dtype` wins). */
export function zerosLike(t: Tensor, options?: CreateOptions): Tensor {
  return filled("zerosLike", t.shape, 0, { ...options, dtype: options?.dtype ?? t.dtype });
}

/** Ones with the shape and dtype of `t` (an explicit `options.dtype` wins). */
export function onesLike(t: Tensor, options?: CreateOptions): Tensor {
  return filled("onesLike", t.shape, 1, { ...options, dtype: options?.dtype ?? t.dtype });
}

/**
 * Evenly spaced values in [start, stop): `arange(5)` is 0…4. The dtype is int32 when start, stop and
 * step are all integers, float32 otherwise, unless given.
 */
export function arange(start: number, stop?: number, step = 1, options?: CreateOptions): Tensor {
  if (stop === undefined) [start, stop] = [0, start];
  if (step === 0 || !Number.isFinite(step)) {
    throw new Error(`arange: step must be a nonzero number, got ${step}`);
  }
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const dtype = options?.dtype ??
    ([start, stop, step].every(Number.isInteger) ? "int32" : "float32");
  const values = Array.from({ length: n }, (_, i) => start + i * step);
  return fromArray(values, [n], { ...options, dtype });
}

/** `n` evenly spaced float32 values from `start` to `stop`, both included. */
export function linspace(start: number, stop: number, n: number, options?: CreateOptions): Tensor {
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`linspace: n must be a positive integer, got ${n}`);
  }
  const values = Array.from(
    { length: n },
    (_, i) => (n === 1 ? start : start + ((stop - start) * i) / (n - 1)),
  );
  return fromArray(values, [n], options);
}

/** The identity matrix with `n` rows and `m` (default `n`) columns. */
export function eye(n: number, m = n, options?: CreateOptions): Tensor {
  assertValidShape("eye", [n, m]);
  const values = new Float64Array(n * m);
  for (let i = 0; i < Math.min(n, m); i++) values[i * m + i] = 1;
  return fromArray(values, [n, m], { dtype: "float32", ...options });
}

/** Uniform draws in [low, high) from the seeded generator. */
export function rand(
  shape: Shape,
  options?: CreateOptions & { readonly low?: number; readonly high?: number },
): Tensor {
  assertValidShape("rand", shape);
  const low = options?.low ?? 0, high = options?.high ?? 1;
  const values = new Float64Array(sizeOf(shape));
  for (let i = 0; i < values.length; i++) values[i] = low + (high - low) * globalRng.uniform();
  return fromArray(values, shape, { dtype: "float32", ...options });
}

/** Normal draws with the given mean (0) and standard deviation (1) from the seeded generator. */
export function randn(
  shape: Shape,
  options?: CreateOptions & { readonly mean?: number; readonly std?: number },
): Tensor {
  assertValidShape("randn", shape);
  const mean = options?.mean ?? 0, std = options?.std ?? 1;
  const values = new Float64Array(sizeOf(shape));
  for (let i = 0; i < values.length; i++) values[i] = mean + std * globalRng.normal();
  return fromArray(values, shape, { dtype: "float32", ...options });
}

/** Uniform int32 draws in [low, high) from the seeded generator. */
export function randint(low: number, high: number, shape: Shape): Tensor {
  assertValidShape("randint", shape);
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new Error(`randint: need integers low < high, got ${low} and ${high}`);
  }
  const values = new Int32Array(sizeOf(shape));
  for (let i = 0; i < values.length; i++) values[i] = low + globalRng.int(high - low);
  return fromArray(values, shape, { dtype: "int32" });
}
