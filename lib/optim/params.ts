/**
 * The parameters an optimizer updates: accepted as a list or with names, and checked once, up front,
 * so a mistake is reported where the optimizer is made rather than as a silent no-op later.
 *
 * @module
 */

import { formatShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";

/**
 * Parameters as an optimizer or helper accepts them: a list of tensors (`model.parameters()`), or
 * named ones, as `[name, tensor]` pairs (a `Map`, `Object.entries(...)`) or a plain object. Names
 * only make error messages clearer.
 */
export type Params =
  | Iterable<Tensor>
  | Iterable<readonly [string, Tensor]>
  | Readonly<Record<string, Tensor>>;

/** A parameter with the label error messages use for it. */
export interface NamedParam {
  /** `"weight"` when named, otherwise `"parameter 2"` (0-based index). */
  readonly label: string;
  /** The tensor itself. */
  readonly tensor: Tensor;
}

/** Lists `params` with a label for each, in order. */
export function labelParams(params: Params): NamedParam[] {
  const isIterable = typeof (params as Iterable<unknown>)[Symbol.iterator] === "function";
  const entries: (Tensor | readonly [string, Tensor])[] = isIterable
    ? [...(params as Iterable<Tensor | readonly [string, Tensor]>)]
    : Object.entries(params as Record<string, Tensor>);
  return entries.map((entry, i) =>
    entry instanceof Tensor
      ? { label: `parameter ${i}`, tensor: entry }
      : { label: `'${entry[0]}'`, tensor: entry[1] }
  );
}

/**
 * The parameters of an optimizer, checked: at least one, each a live float leaf that requires grad,
 * none twice (it would be updated twice per step).
 *
 * @throws naming the offending parameter and the fix.
 */
export function checkedParams(owner: string, params: Params): NamedParam[] {
  const named = labelParams(params);
  if (named.length === 0) {
    throw new Error(
      `${owner}: got an empty parameter list; pass the tensors to train, e.g. model.parameters()`,
    );
  }
  const seen = new Set<Tensor>();
  for (const { label, tensor } of named) {
    if (!(tensor instanceof Tensor)) {
      throw new Error(`${owner}: ${label} is not a Tensor (got ${String(tensor)})`);
    }
    const what = `${label} (shape ${formatShape(tensor.shape)})`;
    if (tensor.isDisposed) throw new Error(`${owner}: ${what} was disposed`);
    if (tensor.gradNode) {
      throw new Error(
        `${owner}: ${what} was computed by an op, so assigning to it would not change the tensors ` +
          "it came from; pass the leaf tensors (the weights themselves)",
      );
    }
    if (!tensor.requiresGrad) {
      throw new Error(
        `${owner}: ${what} does not require grad, so it would never get a gradient to step on; ` +
          "create it with { requiresGrad: true } or set p.requiresGrad = true",
      );
    }
    if (seen.has(tensor)) {
      throw new Error(`${owner}: ${what} is listed twice; each step would update it twice`);
    }
    seen.add(tensor);
  }
  return named;
}
