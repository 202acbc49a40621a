/**
 * `Linear`: the fully connected layer, y = x·W + b, optionally with its ReLU fused in.
 *
 * @module
 */

import type { FusedActivation } from "../backend/contract.ts";
import { fusedActivation } from "../ops/convert.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { linear } from "./functional.ts";
import { type Initializer, kaimingUniform, zeros } from "./init.ts";
import { initialValue, positiveInt } from "./layer_args.ts";
import { Module } from "./module.ts";

/** Options of {@link Linear}. */
export interface LinearOptions {
  /** Whether to learn a bias (default true). */
  readonly bias?: boolean;
  /** Initialiser of the weight [in, out] (default He/Kaiming uniform). */
  readonly weightInit?: Initializer;
  /** Initialiser of the bias [out] (default zeros). */
  readonly biasInit?: Initializer;
  /**
   * Applied to the output (default `'none'`). `'relu'` gives what `Linear` followed by `ReLU`
   * gives, but the product, bias and ReLU run as one kernel (see {@link linear}).
   */
  readonly activation?: FusedActivation;
}

/**
 * A fully connected layer: `x.matmul(weight).add(bias)` for x [..., in], with weight [in, out]
 * (the layout that reads left to right, as in the maths x·W) and bias [out]; with
 * `activation: 'relu'`, its ReLU too, in the same kernel.
 *
 * Default initialisation: He/Kaiming uniform weights, U(±√(6 / in)), because layers are most often
 * followed by ReLU and this keeps the activation variance steady from layer to layer; zero biases,
 * since the random weights already make the units differ.
 */
export class Linear extends Module {
  /** Weight [in, out]. */
  readonly weight: Tensor;
  /** Bias [out], or null when built with `bias: false`. */
  readonly bias: Tensor | null;
  /** The activation applied to the output. */
  readonly activation: FusedActivation;

  /** A layer from `inFeatures` to `outFeatures`. */
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    super();
    positiveInt("Linear", "inFeatures", inFeatures);
    positiveInt("Linear", "outFeatures", outFeatures);
    this.activation = fusedActivation("Linear", options.activation);
    const fans = { fanIn: inFeatures, fanOut: outFeatures };
    this.weight = this.registerParameter(
      "weight",
      initialValue(
        "Linear",
        "weight",
        options.weightInit ?? kaimingUniform,
        [inFeatures, outFeatures],
        fans,
      ),
    );
    this.bias = options.bias === false ? null : this.registerParameter(
      "bias",
      initialValue("Linear", "bias", options.biasInit ?? zeros, [outFeatures], fans),
    );
  }

  /** act(x·W + b) for x [..., inFeatures]; gives [..., outFeatures]. */
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias, this.activation);
  }

  protected override describe(): string {
    const bias = this.bias ? "" : ", bias: false";
    const activation = this.activation === "none" ? "" : `, activation: ${this.activation}`;
    return `${this.inFeatures} → ${this.outFeatures}${bias}${activation}`;
  }
}
