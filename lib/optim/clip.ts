/**
 * Gradient clipping, applied between `backward()` and `step()`: by the global norm of all gradients
 * (keeps their direction) or by value (per element).
 *
 * @module
 */

import { noGrad } from "../autograd/graph.ts";
import { add, div, maximum, mul } from "../ops/arithmetic.ts";
import { cast } from "../ops/cast.ts";
import { sum } from "../ops/reduce.ts";
import { clip, sqrt, square } from "../ops/unary.ts";
import { scalar } from "../tensor/creation.ts";
import { tidy } from "../tensor/memory.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { labelParams, type Params } from "./params.ts";
import { nonNegative, positive } from "./validate.ts";

/**
 * Rescales all gradients together so that their global L2 norm is at most `maxNorm`:
 *
 * ‖g‖ = √(Σ_p Σ_i g_{p,i}²);  g ← g · maxNorm / max(‖g‖, maxNorm)
 *
 * The direction of the overall update is kept; only its length is capped. Parameters without a
 * gradient are skipped. Returns the norm before clipping as a scalar tensor (no read, so it works
 * on every backend): read it with `.item()` to log it, and let a `tidy` or `dispose()` free it.
 *
 * @example
 * ```ts
 * loss.backward();
 * const norm = clipGradNorm(model.parameters(), 1.0);
 * opt.step();
 * ```
 */
export function clipGradNorm(params: Params, maxNorm: number): Tensor {
  positive("clipGradNorm", "maxNorm", maxNorm);
  const stepping = withGrads(params);
  return noGrad(() =>
    tidy(() => {
      if (stepping.length === 0) return scalar(0);
      const norm = sqrt(stepping.map((p) => sum(square(p.grad!))).reduce((a, b) => add(a, b)));
      // Exactly 1 when the norm is within the bound, so unclipped gradients are untouched.
      const factor = div(maxNorm, maximum(norm, maxNorm));
      // Cast back: with float64 and float32 parameters mixed, the norm is float64.
      for (const p of stepping) p.grad!.assign(cast(mul(p.grad!, factor), p.grad!.dtype));
      return norm;
    })
  );
}

/**
 * Clamps every gradient element to [−value, value]: g ← clip(g, −value, value). Unlike
 * {@link clipGradNorm} this can change the update's direction.
 */
export function clipGradValue(params: Params, value: number): void {
  nonNegative("clipGradValue", "value", value);
  noGrad(() =>
    tidy(() => {
      for (const p of withGrads(params)) p.grad!.assign(clip(p.grad!, -value, value));
    })
  );
}

/** The parameters that have a gradient. */
function withGrads(params: Params): Tensor[] {
  return labelParams(params).map((p) => p.tensor).filter((p) => p.grad);
}
