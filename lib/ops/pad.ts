/**
 * Constant padding.
 *
 * @module
 */

import { record } from "../autograd/graph.ts";
import { runKernel } from "../backend/registry.ts";
import { formatShape } from "../tensor/shape.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { asTensor, fromKernel, type TensorLike } from "./convert.ts";
import { slice } from "./view.ts";

/**
 * Pads each dimension by `[before, after]` elements of `value` (default 0). Trailing dimensions
 * without an entry are not padded. The gradient is the matching slice.
 */
export function pad(
  x: TensorLike,
  paddings: readonly (readonly [number, number])[],
  value = 0,
): Tensor {
  const t = asTensor("pad", x);
  if (paddings.length > t.rank) {
    throw new Error(
      `pad: ${paddings.length} padding pairs for a tensor of shape ${formatShape(t.shape)}`,
    );
  }
  const full = t.shape.map((_, i) => paddings[i] ?? [0, 0]);
  if (full.some(([a, b]) => !Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < 0)) {
    throw new Error(`pad: paddings must be non-negative integers, got ${JSON.stringify(paddings)}`);
  }
  const out = fromKernel(runKernel("pad", t, full, value));
  return record("pad", [t], out, (g) => [slice(g, full.map(([before]) => before), t.shape)]);
}
