/**
 * Fused optimizer updates: one kernel per parameter instead of a chain of elementwise ops. They are
 * updates, not differentiable ops, so they record no gradient.
 *
 * @module
 */

import type { AdamAttrs } from "../backend/contract.ts";
import { runKernel } from "../backend/registry.ts";
import { formatShape, shapesEqual } from "../tensor/shape.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { asTensor, fromKernel, requireFloat } from "./convert.ts";

/**
 * One Adam step (see {@link AdamAttrs} and the kernel contract for the formula): returns the new
 * parameter, first moment and second moment, leaving the inputs unchanged.
 *
 * @throws when the four tensors differ in shape or dtype, or are not float.
 */
export function adamUpdate(
  param: Tensor,
  grad: Tensor,
  m: Tensor,
  v: Tensor,
  attrs: AdamAttrs,
): [Tensor, Tensor, Tensor] {
  const op = "adamUpdate";
  const inputs = [param, grad, m, v].map((t) => asTensor(op, t));
  requireFloat(op, inputs[0]);
  for (const t of inputs) {
    if (!shapesEqual(t.shape, param.shape) || t.dtype !== param.dtype) {
      throw new Error(
        `${op}: parameter, gradient and moments must match, but ${formatShape(t.shape)} ` +
          `${t.dtype} differs from the parameter's ${formatShape(param.shape)} ${param.dtype}`,
      );
    }
  }
  const outs = runKernel(op, inputs[0], inputs[1], inputs[2], inputs[3], attrs);
  return outs.map((o) => fromKernel(o)) as [Tensor, Tensor, Tensor];
}
