/**
 * `Conv2d`: 2-D convolution over NCHW images, with a learnable filter bank and bias, and optionally
 * a ReLU fused into the same kernel.
 *
 * @module
 */

import { conv2d, type Conv2dOptions } from "../ops/conv.ts";
import { fusedActivation } from "../ops/convert.ts";
import { type Padding2d, type Pair, pair } from "../ops/window.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { fans, type Initializer, kaimingUniform, zeros } from "./init.ts";
import { initialValue, positiveInt } from "./layer_args.ts";
import { Module } from "./module.ts";

/** Options of {@link Conv2d}. */
export interface Conv2dLayerOptions {
  /** Step between windows (default 1). */
  readonly stride?: Pair;
  /** Border handling: 'valid' (default), 'same', or explicit zero padding. */
  readonly padding?: Padding2d;
  /** Spacing between filter taps (default 1). */
  readonly dilation?: Pair;
  /** Channel groups; both channel counts must be divisible by it (default 1). */
  readonly groups?: number;
  /** Whether to learn a per-channel bias (default true). */
  readonly bias?: boolean;
  /**
   * Applied to the output in the convolution's own kernel (default 'none'): `{ activation: 'relu' }`
   * computes what `new Sequential(conv, new ReLU())` does, without the separate ReLU pass.
   */
  readonly activation?: Conv2dOptions["activation"];
  /** Initialiser of the filter [out, in / groups, kH, kW] (default He/Kaiming uniform). */
  readonly weightInit?: Initializer;
  /** Initialiser of the bias [out] (default zeros). */
  readonly biasInit?: Initializer;
}

/**
 * A convolution layer: input [N, inChannels, H, W] to [N, outChannels, OH, OW], with filter
 * `weight` [outChannels, inChannels / groups, kH, kW] and `bias` [outChannels].
 *
 * Default initialisation: He/Kaiming uniform over the fan-in (inChannels / groups · kH · kW), as
 * for {@link Linear}: convolutions are usually followed by ReLU. Zero biases.
 */
export class Conv2d extends Module {
  /** Filter bank [out, in / groups, kH, kW]. */
  readonly weight: Tensor;
  /** Bias [out], or null when built with `bias: false`. */
  readonly bias: Tensor | null;
  /** The window settings, as given (defaults filled in). */
  readonly options: Required<
    Pick<Conv2dLayerOptions, "stride" | "padding" | "dilation" | "groups" | "activation">
  >;

  /** A layer from `inChannels` to `outChannels` with a `kernelSize` window (one number or [kH, kW]). */
  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Pair,
    options: Conv2dLayerOptions = {},
  ) {
    super();
    positiveInt("Conv2d", "inChannels", inChannels);
    positiveInt("Conv2d", "outChannels", outChannels);
    const groups = positiveInt("Conv2d", "groups", options.groups ?? 1);
    if (inChannels % groups !== 0 || outChannels % groups !== 0) {
      throw new Error(
        `Conv2d: groups=${groups} must divide both inChannels (${inChannels}) and outChannels ` +
          `(${outChannels})`,
      );
    }
    const [kH, kW] = pair("Conv2d", "kernelSize", kernelSize);
    this.options = {
      stride: options.stride ?? 1,
      padding: options.padding ?? "valid",
      dilation: options.dilation ?? 1,
      groups,
      activation: fusedActivation("Conv2d", options.activation),
    };
    const shape = [outChannels, inChannels / groups, kH, kW];
    const f = fans(shape);
    const init = options.weightInit ?? kaimingUniform;
    this.weight = this.registerParameter(
      "weight",
      initialValue("Conv2d", "weight", init, shape, f),
    );
    this.bias = options.bias === false ? null : this.registerParameter(
      "bias",
      initialValue("Conv2d", "bias", options.biasInit ?? zeros, [outChannels], f),
    );
  }

  /** The convolution of x [N, inChannels, H, W], through the activation when there is one. */
  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, { ...this.options, bias: this.bias ?? undefined });
  }

  protected override describe(): string {
    const [, , kH, kW] = this.weight.shape;
    const { stride, padding, dilation, groups, activation } = this.options;
    const extras = [
      stride !== 1 ? `stride: ${JSON.stringify(stride)}` : "",
      padding !== "valid" ? `padding: ${JSON.stringify(padding)}` : "",
      dilation !== 1 ? `dilation: ${JSON.stringify(dilation)}` : "",
      groups !== 1 ? `groups: ${groups}` : "",
      this.bias ? "" : "bias: false",
      activation !== "none" ? `activation: ${activation}` : "",
    ].filter(Boolean);
    return [`${this.inChannels} → ${this.outChannels}, ${kH}×${kW}`, ...extras].join(", ");
  }
}
