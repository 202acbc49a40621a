/**
 * Max and average pooling over 2-D windows of NCHW tensors.
 *
 * @module
 */

import { record } from "../autograd/graph.ts";
import type { Window2d } from "../backend/contract.ts";
import { runKernel } from "../backend/registry.ts";
import { windowOutputSize } from "../tensor/shape.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { asTensor, fromKernel, requireFloat, requireRank, type TensorLike } from "./convert.ts";
import { type Padding2d, type Pair, pair, resolvePadding } from "./window.ts";

/** Options of the pooling ops. */
export interface Pool2dOptions {
  /** Step between windows (default: the window size, so windows tile). */
  readonly stride?: Pair;
  /** Border handling (default 'valid'). Padded positions never count: not as a max, not in a mean. */
  readonly padding?: Padding2d;
  /** Spacing between window taps (default 1). */
  readonly dilation?: Pair;
}

function window(op: string, x: Tensor, kernelSize: Pair, options: Pool2dOptions): Window2d {
  requireFloat(op, x);
  requireRank(op, "the input (N, C, H, W)", x, 4);
  const kernel = pair(op, "kernelSize", kernelSize);
  const stride = pair(op, "stride", options.stride ?? kernel);
  const dilation = pair(op, "dilation", options.dilation ?? 1);
  const [, , h, w] = x.shape;
  const padding = resolvePadding(op, options.padding ?? "valid", [h, w], kernel, stride, dilation);
  const outH = windowOutputSize(h, kernel[0], stride[0], padding[0], padding[1], dilation[0]);
  const outW = windowOutputSize(w, kernel[1], stride[1], padding[2], padding[3], dilation[1]);
  if (outH < 1 || outW < 1) {
    throw new Error(
      `${op}: a ${kernel.join("×")} window does not fit the ${h}×${w} input with padding ${
        padding.join(",")
      }`,
    );
  }
  // A window wholly in the padding has nothing to pool: its max would be -Infinity and its mean
  // empty, silently poisoning everything downstream. Only too much explicit padding does this.
  const sides = [["height", h, outH], ["width", w, outW]] as const;
  sides.forEach(([side, size, count], dim) => {
    for (let o = 0; o < count; o++) {
      let inside = false;
      for (let k = 0; k < kernel[dim] && !inside; k++) {
        const i = o * stride[dim] - padding[2 * dim] + k * dilation[dim];
        inside = i >= 0 && i < size;
      }
      if (!inside) {
        throw new Error(
          `${op}: with padding ${padding.join(",")}, window ${o} along the ${side} lies entirely ` +
            `in the padding of the ${h}×${w} input; use less padding`,
        );
      }
    }
  });
  return { kernel, stride, padding, dilation };
}

/** The maximum of each window; the gradient goes to the first maximum of each window. */
export function maxPool2d(x: TensorLike, kernelSize: Pair, options: Pool2dOptions = {}): Tensor {
  const t = asTensor("maxPool2d", x);
  const attrs = window("maxPool2d", t, kernelSize, options);
  const y = fromKernel(runKernel("maxPool2d", t, attrs));
  return record(
    "maxPool2d",
    [t],
    y,
    (g) => [fromKernel(runKernel("maxPool2dBackprop", g, t, attrs))],
  );
}

/** The mean of each window's in-bounds positions; the gradient spreads evenly over them. */
export function avgPool2d(x: TensorLike, kernelSize: Pair, options: Pool2dOptions = {}): Tensor {
  const t = asTensor("avgPool2d", x);
  const attrs = window("avgPool2d", t, kernelSize, options);
  const y = fromKernel(runKernel("avgPool2d", t, attrs));
  return record(
    "avgPool2d",
    [t],
    y,
    (g) => [fromKernel(runKernel("avgPool2dBackprop", g, t.shape, attrs))],
  );
}
