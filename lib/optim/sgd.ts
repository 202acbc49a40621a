/**
 * Stochastic gradient descent, with optional momentum (heavy-ball or Nesterov) and dampening.
 *
 * @module
 */

import { add, mul, sub } from "../ops/arithmetic.ts";
import { zerosLike } from "../tensor/creation.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { FirstOrderOptimizer, type FirstOrderOptions, type ParamState } from "./first_order.ts";
import type { Params } from "./params.ts";
import { nonNegative, unitInterval } from "./validate.ts";

/** Options of {@link SGD}. */
export interface SGDOptions extends FirstOrderOptions {
  /** Momentum μ in [0, 1) (default 0: plain gradient descent). */
  readonly momentum?: number;
  /** Dampening τ ≥ 0 of the gradient's share in the momentum buffer (default 0). */
  readonly dampening?: number;
  /** Use Nesterov momentum, which looks one momentum step ahead (needs μ > 0 and τ = 0). */
  readonly nesterov?: boolean;
}

/**
 * Stochastic gradient descent (PyTorch's rule; the default learning rate is 0.01). With gradient
 * g (plus λθ under weight decay) and learning rate η:
 *
 * - plain: θ ← θ − η·g
 * - momentum: b₁ = g, then b_t = μ·b_{t−1} + (1 − τ)·g; θ ← θ − η·b_t
 * - Nesterov: the same buffer, but θ ← θ − η·(g + μ·b_t)
 *
 * TensorFlow.js's `tf.train.momentum` is the same rule with τ = 0.
 *
 * @example
 * ```ts
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * opt.zeroGrad(); loss.backward(); opt.step();
 * ```
 */
export class SGD extends FirstOrderOptimizer {
  /** Momentum μ. */
  readonly momentum: number;
  /** Dampening τ. */
  readonly dampening: number;
  /** Whether the momentum is Nesterov's. */
  readonly nesterov: boolean;

  /** Makes an SGD optimizer over `params`. */
  constructor(params: Params, options: SGDOptions = {}) {
    super(params, options, 0.01);
    this.momentum = unitInterval(this.owner, "momentum", options.momentum ?? 0);
    this.dampening = nonNegative(this.owner, "dampening", options.dampening ?? 0);
    this.nesterov = options.nesterov ?? false;
    if (this.nesterov && (this.momentum === 0 || this.dampening !== 0)) {
      throw new Error(
        `${this.owner}: Nesterov momentum needs momentum > 0 and dampening 0, got momentum ${this.momentum} ` +
          `and dampening ${this.dampening}`,
      );
    }
  }

  /** One step of the rule in the class docs. */
  protected update(param: Tensor, grad: Tensor, state: ParamState): Tensor {
    if (this.momentum === 0) return sub(param, mul(grad, this.lr));
    const buffer = this.buffer(state, "momentum", () => zerosLike(param));
    // The first step starts the buffer at g itself, undamped, as PyTorch does (μ·0 + 1·g = g).
    const share = state.step === 1 ? 1 : 1 - this.dampening;
    buffer.assign(add(mul(buffer, this.momentum), mul(grad, share)));
    const direction = this.nesterov ? add(grad, mul(buffer, this.momentum)) : buffer;
    return sub(param, mul(direction, this.lr));
  }
}
