/**
 * Reference kernels of the fused optimizer updates.
 *
 * @module
 */

import type { AdamAttrs, KernelOutput, TensorInfo } from "../contract.ts";
import { allocUninitialized, contiguousValues } from "./storage.ts";

/**
 * The constants of an Adam step in the order the fused kernels take them:
 * [β₁, 1 − β₁, β₂, 1 − β₂, 1 − β₁ᵗ, 1 − β₂ᵗ, ε, η], each computed in float64. The unfused ops meet
 * them as float32 scalars, so every kernel rounds each once to its dtype.
 */
export function adamConstants(attrs: AdamAttrs): number[] {
  const { lr, beta1, beta2, eps, step } = attrs;
  return [beta1, 1 - beta1, beta2, 1 - beta2, 1 - beta1 ** step, 1 - beta2 ** step, eps, lr];
}

/**
 * Adam, element by element, rounding after every operation exactly where the unfused ops would
 * (`Math.fround` for float32), so the fused step agrees with the step built from single ops.
 */
export function adamUpdate(
  param: TensorInfo,
  grad: TensorInfo,
  m: TensorInfo,
  v: TensorInfo,
  attrs: AdamAttrs,
): [KernelOutput, KernelOutput, KernelOutput] {
  const round = param.dtype === "float32" ? Math.fround : (x: number) => x;
  const [b1, c1, b2, c2, d1, d2, e, rate] = adamConstants(attrs).map(round);
  const p = contiguousValues(param), g = contiguousValues(grad);
  const m0 = contiguousValues(m), v0 = contiguousValues(v);
  const outP = allocUninitialized(param.shape, param.dtype);
  const outM = allocUninitialized(param.shape, param.dtype);
  const outV = allocUninitialized(param.shape, param.dtype);
  for (let i = 0; i < p.length; i++) {
    const gi = g[i];
    const mi = round(round(m0[i] * b1) + round(gi * c1));
    const vi = round(round(v0[i] * b2) + round(round(gi * gi) * c2));
    const mHat = round(mi / d1), vHat = round(vi / d2);
    const stepSize = round(round(mHat / round(round(Math.sqrt(vHat)) + e)) * rate);
    outP.values[i] = round(p[i] - stepSize);
    outM.values[i] = mi;
    outV.values[i] = vi;
  }
  return [outP.out, outM.out, outV.out];
}
