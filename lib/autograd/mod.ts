/**
 * Reverse-mode autodiff, PyTorch flavoured (`requiresGrad`, `loss.backward()`, `.grad`, `noGrad`),
 * with functional `grad` / `valueAndGrad` on the same graph.
 *
 * @module
 */

export { backward, zeroGrad } from "./backward.ts";
export {
  type Differentiable,
  grad,
  grads,
  valueAndGrad,
  type ValueAndGrads,
  valueAndGrads,
} from "./functional.ts";
export { enableGrad, isGradEnabled, noGrad } from "./graph.ts";
export type { GradientRule, GradNode } from "./node.ts";
