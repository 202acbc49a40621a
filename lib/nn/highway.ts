/**
 * `Highway`: a highway layer, y = T(x)·H(x) + (1 − T(x))·x, with a learned gate T.
 *
 * @module
 */

import { full } from "../tensor/creation.ts";
import { formatShape } from "../tensor/shape.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { type Initializer, kaimingUniform, xavierUniform, zeros } from "./init.ts";
import { initialValue, positiveInt } from "./layer_args.ts";
import { Module } from "./module.ts";

/** Options of {@link Highway}. */
export interface HighwayOptions {
  /**
   * The gate's initial bias (default −2). A negative bias closes the gate, T ≈ sigmoid(−2) ≈ 0.12,
   * so that at the start each layer mostly carries its input through unchanged and a deep stack
   * behaves like a shallow one (Srivastava et al. used −1 to −3).
   */
  readonly gateBias?: number;
  /** The transform's nonlinearity (default "relu"). */
  readonly activation?: "relu" | "tanh";
  /** Initialiser of the transform's weight [features, features] (default He/Kaiming uniform). */
  readonly weightInit?: Initializer;
}

/**
 * A highway layer (Srivastava, Greff and Schmidhuber, 2015) over `features` units: a transform
 * H(x) = act(x·W_H + b_H) and a transform gate T(x) = sigmoid(x·W_T + b_T), mixed as
 * y = T ⊙ H + (1 − T) ⊙ x. Where the gate is shut the layer passes x through unchanged (the
 * carry), so gradients flow through deep stacks as they do along a residual connection; unlike a
 * residual connection, the network learns per unit and per example how much to carry.
 *
 * Parameters `weight` and `bias` (the transform, He-uniform and zeros), `gateWeight` and
 * `gateBias` (the gate, Xavier-uniform, since a sigmoid follows, and `gateBias`).
 *
 * @example
 * ```ts
 * const layer = new Highway(64);
 * const y = layer.forward(randn([8, 64])); // [8, 64]
 * const t = layer.gate(randn([8, 64])); // how much of each unit is transformed
 * ```
 */
export class Highway extends Module {
  /** Transform weight W_H [features, features]. */
  readonly weight: Tensor;
  /** Transform bias b_H [features]. */
  readonly bias: Tensor;
  /** Gate weight W_T [features, features]. */
  readonly gateWeight: Tensor;
  /** Gate bias b_T [features]. */
  readonly gateBias: Tensor;
  /** The transform's nonlinearity. */
  readonly activation: "relu" | "tanh";

  /** A highway layer of `features` units. */
  constructor(readonly features: number, options: HighwayOptions = {}) {
    super();
    positiveInt("Highway", "features", features);
    const gateBias = options.gateBias ?? -2;
    if (!Number.isFinite(gateBias)) {
      throw new Error(`Highway: gateBias must be a finite number, got ${gateBias}`);
    }
    this.activation = options.activation ?? "relu";
    if (this.activation !== "relu" && this.activation !== "tanh") {
      throw new Error(`Highway: activation must be "relu" or "tanh", got ${this.activation}`);
    }
    const shape = [features, features];
    const fans = { fanIn: features, fanOut: features };
    this.weight = this.registerParameter(
      "weight",
      initialValue("Highway", "weight", options.weightInit ?? kaimingUniform, shape, fans),
    );
    this.bias = this.registerParameter("bias", zeros([features]));
    this.gateWeight = this.registerParameter(
      "gateWeight",
      initialValue("Highway", "gateWeight", xavierUniform, shape, fans),
    );
    this.gateBias = this.registerParameter("gateBias", full([features], gateBias));
  }

  /** The transform gate T(x) [N, features], each value in (0, 1). */
  gate(x: Tensor): Tensor {
    this.#check(x);
    return x.matmul(this.gateWeight).add(this.gateBias).sigmoid();
  }

  /** T ⊙ H + (1 − T) ⊙ x for x [N, features]. */
  forward(x: Tensor): Tensor {
    const t = this.gate(x);
    const pre = x.matmul(this.weight).add(this.bias);
    const h = this.activation === "relu" ? pre.relu() : pre.tanh();
    // T·H + (1 − T)·x, written as x + T·(H − x): one product fewer.
    return x.add(t.mul(h.sub(x)));
  }

  #check(x: Tensor): void {
    if (x.rank !== 2 || x.shape[1] !== this.features) {
      throw new Error(
        `Highway: expected input [N, ${this.features}], got ${formatShape(x.shape)}`,
      );
    }
  }

  protected override describe(): string {
    return `${this.features}, activation: ${this.activation}`;
  }
}
