/**
 * Adam: momentum on the gradient and on its square, with both corrected for their start at zero.
 *
 * @module
 */

import { adamUpdate } from "../ops/optimizer_update.ts";
import { zerosLike } from "../tensor/creation.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { FirstOrderOptimizer, type FirstOrderOptions, type ParamState } from "./first_order.ts";
import type { Params } from "./params.ts";
import { nonNegative, unitInterval } from "./validate.ts";

/** Options of {@link Adam} and {@link AdamW}. */
export interface AdamOptions extends FirstOrderOptions {
  /** Decays (β₁, β₂), each in [0, 1), of the first and second moments (default [0.9, 0.999]). */
  readonly betas?: readonly [number, number];
  /** ε ≥ 0 added to the root of the second moment (default 1e-8; TensorFlow.js uses 1e-7). */
  readonly eps?: number;
}

/**
 * Adam (Kingma & Ba, 2015); the default learning rate is 0.001. At the parameter's step t:
 *
 * m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + (1 − β₂)·g²;
 * m̂ = m / (1 − β₁ᵗ);  v̂ = v / (1 − β₂ᵗ);  θ ← θ − η·m̂ / (√v̂ + ε)
 *
 * Weight decay here is L2 (added to g, so it is rescaled by v̂ like the gradient); for decay that
 * shrinks every weight at the same rate, use {@link AdamW}. This is also TensorFlow.js's rule.
 */
export class Adam extends FirstOrderOptimizer {
  /** β₁, the decay of the first moment. */
  readonly beta1: number;
  /** β₂, the decay of the second moment. */
  readonly beta2: number;
  /** ε. */
  readonly eps: number;

  /** Makes an Adam optimizer over `params`. */
  constructor(params: Params, options: AdamOptions = {}) {
    super(params, options, 1e-3);
    [this.beta1, this.beta2] = checkBetas(this.owner, options.betas);
    this.eps = nonNegative(this.owner, "eps", options.eps ?? 1e-8);
  }

  /** One step of the rule in the class docs, as one fused kernel per parameter. */
  protected update(param: Tensor, grad: Tensor, state: ParamState): Tensor {
    const m = this.buffer(state, "m", () => zerosLike(param));
    const v = this.buffer(state, "v", () => zerosLike(param));
    const { beta1, beta2, eps, lr } = this;
    const [next, m2, v2] = adamUpdate(param, grad, m, v, {
      lr,
      beta1,
      beta2,
      eps,
      step: state.step,
    });
    m.assign(m2);
    v.assign(v2);
    return next;
  }
}

/** The (β₁, β₂) pair, defaulted and checked. */
function checkBetas(owner: string, betas?: readonly [number, number]): [number, number] {
  const [b1, b2] = betas ?? [0.9, 0.999];
  return [unitInterval(owner, "betas[0]", b1), unitInterval(owner, "betas[1]", b2)];
}
