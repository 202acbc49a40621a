/**
 * `Flatten`: merges axes into one, typically to go from convolutional features to a Linear layer.
 *
 * @module
 */

import { flatten } from "../ops/view.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { Module } from "./module.ts";

/**
 * Flattens axes `startAxis` … `endAxis` (inclusive) into one. The defaults (1 and −1) keep the batch
 * axis and merge everything else: [N, C, H, W] becomes [N, C·H·W].
 */
export class Flatten extends Module {
  /** A flatten of axes `startAxis` … `endAxis`. */
  constructor(readonly startAxis = 1, readonly endAxis = -1) {
    super();
  }

  /** x with the axes merged. */
  forward(x: Tensor): Tensor {
    return flatten(x, this.startAxis, this.endAxis);
  }

  protected override describe(): string {
    return this.startAxis === 1 && this.endAxis === -1 ? "" : `${this.startAxis}, ${this.endAxis}`;
  }
}
