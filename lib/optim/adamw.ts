/**
 * AdamW: Adam with weight decay decoupled from the gradient.
 *
 * @module
 */

import { mul } from "../ops/arithmetic.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { Adam, type AdamOptions } from "./adam.ts";
import type { ParamState } from "./first_order.ts";
import type { Params } from "./params.ts";

/**
 * AdamW (Loshchilov & Hutter, 2019); the default learning rate is 0.001 and the default weight
 * decay λ is 0.01. Each step first shrinks the weights, then takes Adam's step on the plain
 * gradient:
 *
 * θ ← θ·(1 − η·λ);  then θ ← θ − η·m̂ / (√v̂ + ε) as in {@link Adam}
 *
 * Adam's L2 decay is divided by √v̂ along with the gradient, so weights with large gradients are
 * barely decayed; here every weight decays at the same rate η·λ.
 */
export class AdamW extends Adam {
  /** Makes an AdamW optimizer over `params`. */
  constructor(params: Params, options: AdamOptions = {}) {
    super(params, { ...options, weightDecay: options.weightDecay ?? 0.01 });
  }

  /** The gradient is left alone: the decay is applied to the weights in {@link AdamW.update}. */
  protected override regularize(_param: Tensor, grad: Tensor): Tensor {
    return grad;
  }

  /** Shrinks the weights by 1 − η·λ, then takes Adam's step. */
  protected override update(param: Tensor, grad: Tensor, state: ParamState): Tensor {
    return super.update(mul(param, 1 - this.lr * this.weightDecay), grad, state);
  }
}
