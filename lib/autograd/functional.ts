/**
 * Functional autodiff on the same graph machinery: `grad(f)` returns a function computing df/dx,
 * without touching any tensor's `.grad`.
 *
 * @module
 */

import { isFloat } from "../tensor/dtype.ts";
import { tidy } from "../tensor/memory.ts";
import { formatShape } from "../tensor/shape.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { filledLike, propagate } from "./backward.ts";
import { enableGrad } from "./graph.ts";

/** Something {@link grad} can differentiate with respect to: tensors in, one tensor out. */
export type Differentiable = (...xs: Tensor[]) => Tensor;

/** The value of `f` and its gradients with respect to every argument. */
export interface ValueAndGrads {
  /** f(...xs), detached from the graph. */
  readonly value: Tensor;
  /** ∂f/∂xs[i] for each argument, each of its argument's shape. */
  readonly grads: Tensor[];
}

/**
 * Evaluates `f` at fresh leaf copies of `xs` and differentiates it with respect to all of them.
 * Intermediates are freed; the value and gradients are returned to the enclosing scope.
 */
export function valueAndGrads(
  f: Differentiable,
  seed?: Tensor,
): (...xs: Tensor[]) => ValueAndGrads {
  return (...xs) =>
    tidy(() => {
      const leaves = xs.map((x, i) => {
        if (!isFloat(x.dtype)) {
          throw new Error(
            `grad: argument ${i} is an ${x.dtype} tensor (shape ${formatShape(x.shape)}), which ` +
              "has no gradient. Differentiate with respect to float tensors only, and pass labels " +
              "or indices in through a closure: grad((w) => loss(w, labels)).",
          );
        }
        const leaf = x.detach();
        leaf.requiresGrad = true;
        return leaf;
      });
      const value = enableGrad(() => f(...leaves));
      if (!value || typeof value !== "object" || !("gradNode" in value)) {
        throw new Error("grad: the function must return a Tensor (for example a loss)");
      }
      const found = value.requiresGrad ? propagate(value, seed) : new Map<Tensor, Tensor>();
      // An argument f does not depend on has a zero gradient.
      const grads = leaves.map((leaf) => found.get(leaf) ?? filledLike(leaf, 0));
      return { value: value.detach(), grads };
    });
}

/** Like {@link valueAndGrads} for a function of one tensor. */
export function valueAndGrad(
  f: (x: Tensor) => Tensor,
  seed?: Tensor,
): (x: Tensor) => { value: Tensor; grad: Tensor } {
  const inner = valueAndGrads((x) => f(x), seed);
  return (x) => {
    const { value, grads } = inner(x);
    return { value, grad: grads[0] };
  };
}

/** The gradients of `f` with respect to each of its arguments. */
export function grads(f: Differentiable, seed?: Tensor): (...xs: Tensor[]) => Tensor[] {
  const inner = valueAndGrads(f, seed);
  return (...xs) => {
    const { value, grads } = inner(...xs);
    value.dispose();
    return grads;
  };
}

/** The gradient of a one-argument function `f`, e.g. `grad((x) => x.square().sum())(x)`. */
export function grad(f: (x: Tensor) => Tensor, seed?: Tensor): (x: Tensor) => Tensor {
  const inner = grads((x) => f(x), seed);
  return (x) => inner(x)[0];
}
