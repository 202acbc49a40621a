/**
 * AdaDelta: RMSProp whose step size comes from a running RMS of past updates, so the units match
 * and no learning rate is needed (η = 1).
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

/** Options of {@link AdaDelta}. */
export interface AdaDeltaOptions extends FirstOrderOptions {
  /** Decay ρ in [0, 1) of both running averages (default 0.9). */
  readonly rho?: number;
  /** ε ≥ 0 inside both roots (default 1e-6). */
  readonly eps?: number;
}

/**
 * AdaDelta (Zeiler, 2012), PyTorch's rule; the default learning rate is 1:
 *
 * v ← ρ·v + (1 − ρ)·g²;  Δ = √(u + ε) / √(v + ε) · g;  u ← ρ·u + (1 − ρ)·Δ²;  θ ← θ − η·Δ
 *
 * TensorFlow.js divides by the root of the *previous* v (before this step's g² is added), so its
 * first step is Δ = g; the paper and PyTorch use the updated v, as here.
 */
export class AdaDelta extends FirstOrderOptimizer {
  /** Decay ρ. */
  readonly rho: number;
  /** ε. */
  readonly eps: number;

  /** Makes an AdaDelta optimizer over `params`. */
  constructor(params: Params, options: AdaDeltaOptions = {}) {
    super(params, options, 1);
    this.rho = unitInterval(this.owner, "rho", options.rho ?? 0.9);
    this.eps = nonNegative(this.owner, "eps", options.eps ?? 1e-6);
  }

  /** One step of the rule in the class docs. */
  protected update(param: Tensor, grad: Tensor, state: ParamState): Tensor {
    const { rho, eps } = this;
    const v = this.buffer(state, "squareAverage", () => zerosLike(param));
    const u = this.buffer(state, "deltaAverage", () => zerosLike(param));
    v.assign(add(mul(v, rho), mul(square(grad), 1 - rho)));
    const delta = mul(div(sqrt(add(u, eps)), sqrt(add(v, eps))), grad);
    u.assign(add(mul(u, rho), mul(square(delta), 1 - rho)));
    return sub(param, mul(delta, this.lr));
  }
}
