/**
 * RMSProp: divide the gradient by a running root-mean-square of recent gradients.
 *
 * @module
 */

import { add, div, mul, sub } from "../ops/arithmetic.ts";
import { sqrt, square } from "../ops/unary.ts";
import { zerosLike } from "../tensor/creation.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { FirstOrderOptimizer, type FirstOrderOptions, type ParamState } from "./first_order.ts";
import type { Params } from "./params.ts";
import { nonNegative, unitInterval } from "./validate.ts";

/** Options of {@link RMSProp}. */
export interface RMSPropOptions extends FirstOrderOptions {
  /** Decay α in [0, 1) of the running mean of g² (default 0.99, PyTorch's alpha; Keras's rho). */
  readonly decay?: number;
  /** Momentum μ in [0, 1) applied to the scaled gradient (default 0). */
  readonly momentum?: number;
  /** Divide by the running variance of g instead of its raw second moment (default false). */
  readonly centered?: boolean;
  /** ε ≥ 0 added to the root (default 1e-8). */
  readonly eps?: number;
}

/**
 * RMSProp (Hinton's lecture 6e), PyTorch's rule; the default learning rate is 0.01:
 *
 * v ← α·v + (1 − α)·g²; centered: m ← α·m + (1 − α)·g and v̂ = v − m², otherwise v̂ = v;
 * u = g / (√v̂ + ε); with momentum b ← μ·b + u and θ ← θ − η·b, otherwise θ ← θ − η·u.
 *
 * TensorFlow.js differs in three details: ε goes inside the root, √(v̂ + ε) (its centered variant
 * even subtracts it); η is folded into the momentum buffer, which only matters when η changes; and
 * its decay defaults to 0.9.
 */
export class RMSProp extends FirstOrderOptimizer {
  /** Decay α. */
  readonly decay: number;
  /** Momentum μ. */
  readonly momentum: number;
  /** Whether the second moment is centered. */
  readonly centered: boolean;
  /** ε. */
  readonly eps: number;

  /** Makes an RMSProp optimizer over `params`. */
  constructor(params: Params, options: RMSPropOptions = {}) {
    super(params, options, 0.01);
    this.decay = unitInterval(this.owner, "decay", options.decay ?? 0.99);
    this.momentum = unitInterval(this.owner, "momentum", options.momentum ?? 0);
    this.centered = options.centered ?? false;
    this.eps = nonNegative(this.owner, "eps", options.eps ?? 1e-8);
  }

  /** One step of the rule in the class docs. */
  protected update(param: Tensor, grad: Tensor, state: ParamState): Tensor {
    const a = this.decay;
    const v = this.buffer(state, "squareAverage", () => zerosLike(param));
    v.assign(add(mul(v, a), mul(square(grad), 1 - a)));
    let variance = v;
    if (this.centered) {
      const m = this.buffer(state, "gradAverage", () => zerosLike(param));
      m.assign(add(mul(m, a), mul(grad, 1 - a)));
      variance = sub(v, square(m));
    }
    let direction = div(grad, add(sqrt(variance), this.eps));
    if (this.momentum > 0) {
      const b = this.buffer(state, "momentum", () => zerosLike(param));
      b.assign(add(mul(b, this.momentum), direction));
      direction = b;
    }
    return sub(param, mul(direction, this.lr));
  }
}
