/**
 * Numeric assertions for tests and notebook checks cells.
 *
 * @module
 */

import type { TypedArray } from "../tensor/dtype.ts";
import { formatShape } from "../tensor/shape.ts";
import type { NestedArray } from "../tensor/tensor.ts";

/** Values {@link assertClose} can compare: a tensor (read synchronously), a typed array, nested arrays or a number. */
export type Comparable =
  | { readonly shape: readonly number[]; dataSync(): TypedArray }
  | ArrayLike<number>
  | NestedArray;

/** Tolerances: |actual - expected| ≤ atol + rtol·|expected| must hold elementwise. */
export interface CloseOptions {
  /** Relative tolerance (default 1e-5). */
  readonly rtol?: number;
  /** Absolute tolerance (default 1e-6). */
  readonly atol?: number;
  /** Prefix for the failure message. */
  readonly message?: string;
}

/** A comparable's shape (null for a bare typed array) and flat values. */
interface Flat {
  readonly shape: number[] | null;
  readonly values: ArrayLike<number>;
}

/** Something with a shape whose values must be read asynchronously: a tensor on any backend. */
interface AsyncReadable {
  readonly shape: readonly number[];
  data(): Promise<TypedArray>;
}

/** Values {@link assertCloseAsync} can compare: a tensor on any backend, or what {@link assertClose} takes. */
export type AsyncComparable = AsyncReadable | Comparable;

function isTensorLike(x: unknown): x is { shape: readonly number[] } {
  return typeof x === "object" && x !== null && !ArrayBuffer.isView(x) && "shape" in x;
}

function flat(x: Comparable): Flat {
  if (isTensorLike(x) && "dataSync" in x) return { shape: [...x.shape], values: x.dataSync() };
  if (typeof x === "number") return { shape: [], values: [x] };
  if (ArrayBuffer.isView(x)) return { shape: null, values: x as ArrayLike<number> };
  const shape: number[] = [];
  for (let level: unknown = x; Array.isArray(level); level = level[0]) shape.push(level.length);
  return { shape, values: (x as unknown[]).flat(Infinity) as number[] };
}

async function flatAsync(x: AsyncComparable): Promise<Flat> {
  if (isTensorLike(x) && "data" in x) return { shape: [...x.shape], values: await x.data() };
  return flat(x as Comparable);
}

/**
 * Asserts that two tensors or arrays have the same shape (when both have one) and agree elementwise
 * within tolerance. NaN matches only NaN, and infinities must match exactly. The message names the
 * worst element. Tensors are read synchronously, so they must be on a backend that allows it (not
 * the GPU): use {@link assertCloseAsync} for code that runs on every backend.
 */
export function assertClose(
  actual: Comparable,
  expected: Comparable,
  options: CloseOptions = {},
): void {
  compare(flat(actual), flat(expected), options);
}

/** {@link assertClose} for tensors on any backend: reads them with `await data()`. */
export async function assertCloseAsync(
  actual: AsyncComparable,
  expected: AsyncComparable,
  options: CloseOptions = {},
): Promise<void> {
  compare(await flatAsync(actual), await flatAsync(expected), options);
}

function compare(a: Flat, e: Flat, options: CloseOptions): void {
  const rtol = options.rtol ?? 1e-5, atol = options.atol ?? 1e-6;
  const prefix = options.message ? `${options.message}: ` : "";
  if (
    a.shape && e.shape &&
    (a.shape.length !== e.shape.length || a.shape.some((d, i) => d !== e.shape![i]))
  ) {
    throw new Error(
      `${prefix}shape ${formatShape(a.shape)} differs from expected ${formatShape(e.shape)}`,
    );
  }
  if (a.values.length !== e.values.length) {
    throw new Error(
      `${prefix}${a.values.length} elements differ from the expected ${e.values.length}`,
    );
  }
  let bad = 0, worst = -1, worstExcess = -Infinity;
  for (let i = 0; i < a.values.length; i++) {
    const x = a.values[i], y = e.values[i];
    let excess: number;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      excess = Number.isNaN(x) && Number.isNaN(y) ? -1 : Infinity;
    } else if (!Number.isFinite(x) || !Number.isFinite(y)) excess = x === y ? -1 : Infinity;
    else excess = Math.abs(x - y) - (atol + rtol * Math.abs(y));
    if (excess > 0) bad++;
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = i;
    }
  }
  if (bad > 0) {
    const x = a.values[worst], y = e.values[worst];
    throw new Error(
      `${prefix}${bad} of ${a.values.length} elements differ beyond rtol=${rtol}, atol=${atol}; ` +
        `worst at flat index ${worst}: got ${x}, expected ${y} (difference ${Math.abs(x - y)})`,
    );
  }
}

/** Asserts that `fn` throws an error whose message contains every one of `parts`. */
export function assertThrowsWith(fn: () => unknown, ...parts: string[]): Error {
  let error: unknown;
  let result: unknown;
  try {
    result = fn();
  } catch (err) {
    error = err;
  }
  if (error === undefined && result instanceof Promise) {
    // An async function never throws synchronously: without this, its rejection would be lost
    // and the assertion would fail with a misleading "nothing was thrown".
    result.catch(() => {});
    throw new Error(
      "assertThrowsWith: the function returned a Promise; use `await assertRejectsWith(...)` " +
        "for async code",
    );
  }
  return checkError(error, parts, "thrown");
}

/** Asserts that `fn` returns a promise that rejects with an error mentioning every one of `parts`. */
export async function assertRejectsWith(
  fn: () => Promise<unknown>,
  ...parts: string[]
): Promise<Error> {
  let error: unknown;
  try {
    await fn();
  } catch (err) {
    error = err;
  }
  return checkError(error, parts, "rejected");
}

function checkError(error: unknown, parts: readonly string[], verb: string): Error {
  if (!(error instanceof Error)) {
    throw new Error(
      `expected an error mentioning ${JSON.stringify(parts)}, but ` +
        (error === undefined ? `nothing was ${verb}` : `got the non-Error ${String(error)}`),
    );
  }
  for (const part of parts) {
    if (!error.message.includes(part)) {
      throw new Error(
        `the error message does not mention ${JSON.stringify(part)}: "${error.message}"`,
      );
    }
  }
  return error;
}
