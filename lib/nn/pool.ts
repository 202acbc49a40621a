/**
 * `MaxPool2d` and `AvgPool2d`: pooling layers over NCHW images. They have no parameters.
 *
 * @module
 */

import { avgPool2d, maxPool2d, type Pool2dOptions } from "../ops/pool.ts";
import { type Pair, pair } from "../ops/window.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { Module } from "./module.ts";

/** Settings shown by both pooling layers' `toString()`. */
function describePool(kernelSize: Pair, options: Pool2dOptions): string {
  const parts = [`kernelSize: ${JSON.stringify(kernelSize)}`];
  for (const key of ["stride", "padding", "dilation"] as const) {
    if (options[key] !== undefined) parts.push(`${key}: ${JSON.stringify(options[key])}`);
  }
  return parts.join(", ");
}

/**
 * The maximum of each window of x [N, C, H, W]. The stride defaults to the window size, so windows
 * tile the image; padded positions never win.
 */
export class MaxPool2d extends Module {
  /** Pooling with a `kernelSize` window (one number or [kH, kW]). */
  constructor(readonly kernelSize: Pair, readonly options: Pool2dOptions = {}) {
    super();
    pair("MaxPool2d", "kernelSize", kernelSize);
  }

  /** The pooled x. */
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, this.options);
  }

  protected override describe(): string {
    return describePool(this.kernelSize, this.options);
  }
}

/**
 * The mean of each window of x [N, C, H, W]. The stride defaults to the window size. Padded
 * positions are left out of the mean (PyTorch's `count_include_pad=False`), so border windows are
 * not pulled toward zero.
 */
export class AvgPool2d extends Module {
  /** Pooling with a `kernelSize` window (one number or [kH, kW]). */
  constructor(readonly kernelSize: Pair, readonly options: Pool2dOptions = {}) {
    super();
    pair("AvgPool2d", "kernelSize", kernelSize);
  }

  /** The pooled x. */
  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, this.options);
  }

  protected override describe(): string {
    return describePool(this.kernelSize, this.options);
  }
}
