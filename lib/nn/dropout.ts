/**
 * `Dropout`: random zeroing of activations during training, a regulariser.
 *
 * @module
 */

import type { Tensor } from "../tensor/tensor.ts";
import { checkProbability, dropout } from "./functional.ts";
import { Module } from "./module.ts";

/**
 * Inverted dropout: in training mode each element is zeroed with probability `p` (default 0.5) and
 * the rest are scaled by 1 / (1 − p); in evaluation mode the input passes through unchanged. The
 * draws come from the library's seeded generator, so `seed(n)` repeats them.
 */
export class Dropout extends Module {
  /** Dropout that drops each element with probability `p`. */
  constructor(readonly p = 0.5) {
    super();
    checkProbability("Dropout", p);
  }

  /** x with dropout applied when training; x itself when evaluating. */
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training);
  }

  protected override describe(): string {
    return `p: ${this.p}`;
  }
}
