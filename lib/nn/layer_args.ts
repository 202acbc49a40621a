/**
 * Argument checks and parameter creation shared by the layer constructors, so a bad size or an
 * initialiser that returns the wrong shape is reported against the layer being built.
 *
 * @module
 */

import { isFloat } from "../tensor/dtype.ts";
import { formatShape, type Shape, shapesEqual } from "../tensor/shape.ts";
import type { Tensor } from "../tensor/tensor.ts";
import type { Fans, Initializer } from "./init.ts";

/** Throws unless `value` is a positive integer (a feature count, a channel count, a size). */
export function positiveInt(op: string, name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${op}: ${name} must be a positive integer, got ${value}`);
  }
  return value;
}

/**
 * The initial value of a parameter: `init(shape, fans)`, checked to be a float tensor of `shape`
 * so a custom initialiser's mistake surfaces here rather than in the first forward pass.
 */
export function initialValue(
  op: string,
  name: string,
  init: Initializer,
  shape: Shape,
  fans: Fans,
): Tensor {
  const t = init(shape, fans);
  if (!shapesEqual(t.shape, shape) || !isFloat(t.dtype)) {
    throw new Error(
      `${op}: the initialiser for ${name} returned a ${t.dtype} tensor of shape ` +
        `${formatShape(t.shape)}; it must return a float tensor of shape ${formatShape(shape)}`,
    );
  }
  return t;
}
