/**
 * `Residual`: a skip connection around a block, y = x + F(x), the building block of ResNets.
 *
 * @module
 */

import { formatShape, shapesEqual } from "../tensor/shape.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { Module } from "./module.ts";

/**
 * A residual connection: `forward(x)` returns x + body(x). The block only has to learn the
 * difference F(x) = H(x) − x between the mapping H it should compute and the identity, and the
 * gradient reaches x both through the body and unchanged along the skip, which is what lets
 * networks of hundreds of layers train (He et al., 2016).
 *
 * The body must keep the shape of its input; a block that changes the width needs a projection
 * on the skip path, which this class leaves out. Its parameters are named `body.…`.
 *
 * @example
 * ```ts
 * const block = new Residual(new Sequential(new Linear(64, 64), new ReLU(), new Linear(64, 64)));
 * const y = block.forward(randn([8, 64])); // [8, 64]
 * ```
 */
export class Residual extends Module {
  /** The residual branch F. */
  readonly body: Module;

  /** A skip connection around `body`. */
  constructor(body: Module) {
    super();
    if (!(body instanceof Module)) {
      throw new Error(`Residual: the body must be a Module, got ${String(body)}`);
    }
    this.body = this.registerModule("body", body);
  }

  /** x + body(x); throws if the body changes the shape. */
  forward(x: Tensor): Tensor {
    const fx = this.body.forward(x);
    if (!shapesEqual(fx.shape, x.shape)) {
      throw new Error(
        `Residual: the body maps ${formatShape(x.shape)} to ${formatShape(fx.shape)}; a ` +
          "residual body must keep the shape of its input so that x + F(x) is defined",
      );
    }
    return x.add(fx);
  }
}
