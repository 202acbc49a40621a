/**
 * All parameters as one flat host vector (Float64Array), the form quasi-Newton methods work in:
 * their algebra is dot products and scaled sums over the concatenation of every parameter.
 *
 * @module
 */

import { noGrad } from "../autograd/graph.ts";
import { fromArray } from "../tensor/creation.ts";
import { tidy } from "../tensor/memory.ts";
import type { Tensor } from "../tensor/tensor.ts";

/** Total number of elements in `params`. */
export function flatSize(params: readonly Tensor[]): number {
  return params.reduce((n, p) => n + p.size, 0);
}

/** The parameters' values, concatenated in order (a synchronous read). */
export function readValues(params: readonly Tensor[]): Float64Array {
  return concatenate(params, (p) => p.dataSync());
}

/** The parameters' gradients, concatenated in order; zeros for a parameter without one. */
export function readGrads(params: readonly Tensor[]): Float64Array {
  return concatenate(params, (p) => p.grad?.dataSync());
}

/** Assigns consecutive slices of `x` to the parameters, each in its own shape and dtype. */
export function writeValues(params: readonly Tensor[], x: Float64Array): void {
  noGrad(() =>
    tidy(() => {
      let offset = 0;
      for (const p of params) {
        p.assign(fromArray(x.subarray(offset, offset + p.size), p.shape, { dtype: p.dtype }));
        offset += p.size;
      }
    })
  );
}

/** The index of the parameter that holds element `i` of the flat vector. */
export function paramIndexOf(params: readonly Tensor[], i: number): number {
  let end = 0;
  return params.findIndex((p) => i < (end += p.size));
}

function concatenate(
  params: readonly Tensor[],
  read: (p: Tensor) => ArrayLike<number> | undefined,
): Float64Array {
  const out = new Float64Array(flatSize(params));
  let offset = 0;
  for (const p of params) {
    const values = read(p);
    if (values) out.set(values, offset);
    offset += p.size;
  }
  return out;
}
