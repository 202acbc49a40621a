/**
 * Indexing by integer tensors: gather (and PyTorch's name for it, indexSelect), and one-hot codes.
 *
 * @module
 */

import { record } from "../autograd/graph.ts";
import { runKernel } from "../backend/registry.ts";
import { arange } from "../tensor/creation.ts";
import { normalizeAxis } from "../tensor/shape.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { equal } from "./compare.ts";
import {
  asIndices,
  asTensor,
  checkHostIndices,
  fromKernel,
  requireInt,
  type TensorLike,
} from "./convert.ts";
import { unsqueeze } from "./view.ts";

/**
 * Slices of `x` along `axis` (default 0) at the int32 `indices` (any shape): the result's shape is
 * `x.shape[:axis] ++ indices.shape ++ x.shape[axis+1:]`. Its gradient adds back into the picked
 * slices, so a repeated index accumulates. Embedding lookup is `gather(table, ids)`.
 */
export function gather(x: TensorLike, indices: TensorLike, axis = 0): Tensor {
  const t = asTensor("gather", x);
  const idx = asIndices("gather", indices);
  requireInt("gather", "indices", idx);
  const a = normalizeAxis("gather", axis, t.rank);
  checkHostIndices("gather", indices, a, t.shape[a]);
  const out = fromKernel(runKernel("gather", t, idx, a));
  return record(
    "gather",
    [t, idx],
    out,
    (g) => [fromKernel(runKernel("scatterAdd", g, idx, a, t.shape[a])), null],
  );
}

/** PyTorch's argument order for {@link gather}: `indexSelect(x, axis, indices)`. */
export function indexSelect(x: TensorLike, axis: number, indices: TensorLike): Tensor {
  return gather(x, indices, axis);
}

/**
 * One-hot float32 codes of int32 `indices`: a new last axis of length `depth`, with 1 at each index.
 * An index outside [0, depth) gives an all-zero row.
 */
export function oneHot(indices: TensorLike, depth: number): Tensor {
  const idx = asIndices("oneHot", indices);
  requireInt("oneHot", "indices", idx);
  if (!Number.isInteger(depth) || depth < 1) {
    throw new Error(`oneHot: depth must be a positive integer, got ${depth}`);
  }
  return equal(unsqueeze(idx, -1), arange(depth));
}
