/**
 * `BatchNorm1d` and `BatchNorm2d`: batch normalisation with learnable scale and shift and running
 * statistics for evaluation.
 *
 * @module
 */

import { formatShape } from "../tensor/shape.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { batchNorm } from "./functional.ts";
import { ones, zeros } from "./init.ts";
import { positiveInt } from "./layer_args.ts";
import { Module } from "./module.ts";

/** Options of the batch-norm layers. */
export interface BatchNormLayerOptions {
  /** Added to the variance before the square root (default 1e-5). */
  readonly eps?: number;
  /** Weight of each new batch in the running statistics (default 0.1). */
  readonly momentum?: number;
  /** Whether to learn a per-channel scale and shift (default true). */
  readonly affine?: boolean;
}

/**
 * Batch normalisation over the channel axis (axis 1), following PyTorch: in training mode each
 * channel is normalised with the batch's mean and biased variance, and the running statistics move
 * toward the batch's mean and unbiased variance by `momentum`; in evaluation mode the running
 * statistics are used, so single examples can be evaluated.
 *
 * Parameters `weight` (γ, starts at ones) and `bias` (β, starts at zeros), so the layer starts as
 * plain normalisation; buffers `runningMean` (starts at zeros) and `runningVar` (starts at ones),
 * the statistics of an already normalised input.
 */
export abstract class BatchNorm extends Module {
  /** Scale γ [C], or null without `affine`. */
  readonly weight: Tensor | null;
  /** Shift β [C], or null without `affine`. */
  readonly bias: Tensor | null;
  /** Running mean [C] (a buffer). */
  readonly runningMean: Tensor;
  /** Running variance [C] (a buffer). */
  readonly runningVar: Tensor;
  /** Added to the variance before the square root. */
  readonly eps: number;
  /** Weight of each new batch in the running statistics. */
  readonly momentum: number;

  /** Which input ranks the layer accepts, and how they read, for the error message. */
  protected abstract readonly layout: { readonly ranks: readonly number[]; readonly text: string };

  /** Normalisation of `numFeatures` channels; subclasses fix the input layout. */
  constructor(readonly numFeatures: number, options: BatchNormLayerOptions) {
    super();
    const name = this.constructor.name;
    positiveInt(name, "numFeatures", numFeatures);
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum ?? 0.1;
    if (!(this.eps > 0)) throw new Error(`${name}: eps must be positive, got ${this.eps}`);
    if (!(this.momentum >= 0 && this.momentum <= 1)) {
      throw new Error(`${name}: momentum must be in [0, 1], got ${this.momentum}`);
    }
    const affine = options.affine ?? true;
    this.weight = affine ? this.registerParameter("weight", ones([numFeatures])) : null;
    this.bias = affine ? this.registerParameter("bias", zeros([numFeatures])) : null;
    this.runningMean = this.registerBuffer("runningMean", zeros([numFeatures]));
    this.runningVar = this.registerBuffer("runningVar", ones([numFeatures]));
  }

  /** The normalised x; in training mode this also updates the running statistics. */
  forward(x: Tensor): Tensor {
    const { ranks, text } = this.layout;
    if (!ranks.includes(x.rank) || x.shape[1] !== this.numFeatures) {
      throw new Error(
        `${this.constructor.name}: expected input ${text} with C = ${this.numFeatures}, got ` +
          formatShape(x.shape),
      );
    }
    return batchNorm(x, {
      weight: this.weight,
      bias: this.bias,
      runningMean: this.runningMean,
      runningVar: this.runningVar,
      training: this.training,
      momentum: this.momentum,
      eps: this.eps,
    });
  }

  protected override describe(): string {
    return `${this.numFeatures}`;
  }
}

/** Batch normalisation of features [N, C] or sequences [N, C, L] (see the shared notes above). */
export class BatchNorm1d extends BatchNorm {
  protected readonly layout = { ranks: [2, 3], text: "[N, C] or [N, C, L]" };

  /** Normalises `numFeatures` channels. */
  constructor(numFeatures: number, options: BatchNormLayerOptions = {}) {
    super(numFeatures, options);
  }
}

/** Batch normalisation of images [N, C, H, W], per channel over batch and positions. */
export class BatchNorm2d extends BatchNorm {
  protected readonly layout = { ranks: [4], text: "[N, C, H, W]" };

  /** Normalises `numFeatures` channels. */
  constructor(numFeatures: number, options: BatchNormLayerOptions = {}) {
    super(numFeatures, options);
  }
}
