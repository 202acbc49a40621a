/**
 * Checking saved state against a model before loading it: the same names, shapes and dtypes, or an
 * error naming the first entry that differs. `loadStateDict` and `loadModule` share it, so both
 * refuse the same mismatches with the same words, and both check everything before changing
 * anything.
 *
 * @module
 */

import { formatShape, shapesEqual } from "../tensor/shape.ts";
import type { Tensor } from "../tensor/tensor.ts";

/** Whether a model entry is trained (a parameter) or only carried along (a buffer). */
export type EntryKind = "parameter" | "buffer";

/** One parameter or buffer of a model, under its dotted name. */
export interface StateEntry {
  /** Dotted name, e.g. `fc1.weight` or `bn.runningMean`. */
  readonly name: string;
  /** Parameter or buffer. */
  readonly kind: EntryKind;
  /** The model's own tensor. */
  readonly tensor: Tensor;
}

/** What saved state says about one entry: enough to compare it with the model's tensor. */
export interface SavedEntry {
  /** Element type name, as the model's dtypes are written (`float32`, `int32`, `float64`). */
  readonly dtype: string;
  /** Extent of each dimension. */
  readonly shape: readonly number[];
}

/**
 * Throws unless `saved` has exactly the model's entries with the same shapes and dtypes. Model
 * entries are checked in their order, then any saved names the model lacks. `op` starts the
 * message and `source` names where the saved state came from (a file name, or "the state dict").
 */
export function checkState(
  op: string,
  source: string,
  model: readonly StateEntry[],
  saved: ReadonlyMap<string, SavedEntry>,
): void {
  for (const { name, kind, tensor } of model) {
    if (tensor.isDisposed) {
      throw new Error(
        `${op}: the model's ${kind} '${name}' was disposed; build a new model to load into`,
      );
    }
    const s = saved.get(name);
    if (!s) {
      throw new Error(
        `${op}: ${kind} '${name}' is in the model but missing from ${source}; it was saved ` +
          "from a different architecture (compare the names in model.stateEntries())",
      );
    }
    if (!shapesEqual(s.shape, tensor.shape)) {
      throw new Error(
        `${op}: ${kind} '${name}' has shape ${formatShape(s.shape)} in ${source} but ` +
          `${formatShape(tensor.shape)} in the model; build the model with the sizes it was ` +
          "saved with",
      );
    }
    if (s.dtype !== tensor.dtype) {
      throw new Error(
        `${op}: ${kind} '${name}' is ${s.dtype} in ${source} but ${tensor.dtype} in the model; ` +
          "cast the saved values or build the model with the saved dtype",
      );
    }
  }
  const known = new Set(model.map((e) => e.name));
  for (const name of saved.keys()) {
    if (!known.has(name)) {
      throw new Error(
        `${op}: ${source} has an entry '${name}' that the model does not have; it was saved ` +
          "from a different architecture (compare the names in model.stateEntries())",
      );
    }
  }
}
