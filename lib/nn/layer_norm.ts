/**
 * `LayerNorm`: normalisation of each example over its trailing axes.
 *
 * @module
 */

import type { Tensor } from "../tensor/tensor.ts";
import { layerNorm } from "./functional.ts";
import { ones, zeros } from "./init.ts";
import { positiveInt } from "./layer_args.ts";
import { Module } from "./module.ts";

/** Options of {@link LayerNorm}. */
export interface LayerNormOptions {
  /** Added to the variance before the square root (default 1e-5). */
  readonly eps?: number;
  /** Whether to learn an elementwise scale and shift (default true). */
  readonly elementwiseAffine?: boolean;
}

/**
 * Layer normalisation: each example is normalised to zero mean and unit variance over its last
 * axes, which must equal `normalizedShape` (e.g. the feature count of [B, T, F] inputs). It uses
 * no batch statistics, so training and evaluation behave alike. Parameters `weight` (ones) and
 * `bias` (zeros) of `normalizedShape`, so the layer starts as plain normalisation.
 */
export class LayerNorm extends Module {
  /** The trailing shape that is normalised. */
  readonly normalizedShape: readonly number[];
  /** Elementwise scale, or null without `elementwiseAffine`. */
  readonly weight: Tensor | null;
  /** Elementwise shift, or null without `elementwiseAffine`. */
  readonly bias: Tensor | null;
  /** Added to the variance before the square root. */
  readonly eps: number;

  /** Normalises over trailing axes of `normalizedShape` (one number for the last axis). */
  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === "number"
      ? [normalizedShape]
      : [...normalizedShape];
    if (this.normalizedShape.length === 0) {
      throw new Error("LayerNorm: normalizedShape needs at least one axis");
    }
    for (const d of this.normalizedShape) positiveInt("LayerNorm", "normalizedShape", d);
    this.eps = options.eps ?? 1e-5;
    if (!(this.eps > 0)) throw new Error(`LayerNorm: eps must be positive, got ${this.eps}`);
    const affine = options.elementwiseAffine ?? true;
    this.weight = affine ? this.registerParameter("weight", ones(this.normalizedShape)) : null;
    this.bias = affine ? this.registerParameter("bias", zeros(this.normalizedShape)) : null;
  }

  /** The normalised x [..., ...normalizedShape]. */
  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  protected override describe(): string {
    return `[${this.normalizedShape.join(", ")}]`;
  }
}
