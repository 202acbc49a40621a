/**
 * `Sequential`: layers applied one after another.
 *
 * @module
 */

import type { Tensor } from "../tensor/tensor.ts";
import { Module } from "./module.ts";

/**
 * A chain of modules: `forward(x)` feeds x through each in turn. The layers are children named by
 * position, so parameter names read `0.weight`, `2.bias`, and a Sequential registered as `layers`
 * inside a model gives `layers.0.weight`.
 *
 * @example
 * ```ts
 * const model = new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10));
 * const logits = model.forward(x);
 * ```
 */
export class Sequential extends Module {
  readonly #layers: Module[] = [];

  /** A chain of `layers`, applied in the order given. */
  constructor(...layers: Module[]) {
    super();
    for (const layer of layers) this.append(layer);
  }

  /** Adds `layer` at the end (named by its position) and returns this Sequential. */
  append(layer: Module): this {
    if (!(layer instanceof Module)) {
      throw new Error(
        `Sequential: layer ${this.#layers.length} is not a Module (got ${String(layer)}); ` +
          "wrap functions in a Module subclass",
      );
    }
    this.#layers.push(this.registerModule(String(this.#layers.length), layer));
    return this;
  }

  /** The layers, in order. */
  get layers(): readonly Module[] {
    return this.#layers;
  }

  /** Number of layers. */
  get length(): number {
    return this.#layers.length;
  }

  /** The output of the last layer, after feeding x through every layer. */
  forward(x: Tensor): Tensor {
    return this.#layers.reduce((h, layer) => layer.forward(h), x);
  }
}
