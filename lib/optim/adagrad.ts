/**
 * AdaGrad: per-coordinate learning rates that shrink with the sum of squared gradients seen.
 *
 * @module
 */

import { add, div, mul, sub } from "../ops/arithmetic.ts";
import { sqrt, square } from "../ops/unary.ts";
import { full } from "../tensor/creation.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { FirstOrderOptimizer, type FirstOrderOptions, type ParamState } from "./first_order.ts";
import type { Params } from "./params.ts";
import { nonNegative } from "./validate.ts";

/** Options of {@link AdaGrad}. */
export interface AdaGradOptions extends FirstOrderOptions {
  /** Starting value s₀ ≥ 0 of the accumulator (default 0, as PyTorch; TensorFlow.js uses 0.1). */
  readonly initialAccumulatorValue?: number;
  /** ε > 0 added to √s to avoid dividing by zero (default 1e-10). */
  readonly eps?: number;
}

/**
 * AdaGrad (Duchi et al., 2011), PyTorch's rule; the default learning rate is 0.01:
 *
 * s ← s + g²;  θ ← θ − η·g / (√s + ε)
 *
 * TensorFlow.js puts ε inside the root, √(s + ε), with ε = 1e-7; the difference vanishes once s is
 * well above ε.
 */
export class AdaGrad extends FirstOrderOptimizer {
  /** The accumulator's starting value s₀. */
  readonly initialAccumulatorValue: number;
  /** ε. */
  readonly eps: number;

  /** Makes an AdaGrad optimizer over `params`. */
  constructor(params: Params, options: AdaGradOptions = {}) {
    super(params, options, 0.01);
    this.initialAccumulatorValue = nonNegative(
      this.owner,
      "initialAccumulatorValue",
      options.initialAccumulatorValue ?? 0,
    );
    this.eps = nonNegative(this.owner, "eps", options.eps ?? 1e-10);
  }

  /** One step of the rule in the class docs. */
  protected update(param: Tensor, grad: Tensor, state: ParamState): Tensor {
    const s = this.buffer(
      state,
      "sum",
      () => full(param.shape, this.initialAccumulatorValue, { dtype: param.dtype }),
    );
    s.assign(add(s, square(grad)));
    return sub(param, mul(div(grad, add(sqrt(s), this.eps)), this.lr));
  }
}
