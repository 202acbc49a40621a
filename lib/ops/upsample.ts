/**
 * Nearest-neighbour upsampling, built from a broadcast view: each pixel becomes a block.
 *
 * @module
 */

import type { Tensor } from "../tensor/tensor.ts";
import { asTensor, requireRank, type TensorLike } from "./convert.ts";
import { broadcastTo, reshape } from "./view.ts";
import { type Pair, pair } from "./window.ts";

/**
 * Repeats each pixel of `x` [N, C, H, W] into a `scale` block, giving [N, C, H·sH, W·sW]. The
 * gradient sums each block, which falls out of the broadcast.
 */
export function upsample(x: TensorLike, scale: Pair): Tensor {
  const t = asTensor("upsample", x);
  requireRank("upsample", "the input (N, C, H, W)", t, 4);
  const [sH, sW] = pair("upsample", "scale", scale);
  const [n, c, h, w] = t.shape;
  const blocks = broadcastTo(reshape(t, [n, c, h, 1, w, 1]), [n, c, h, sH, w, sW]);
  return reshape(blocks, [n, c, h * sH, w * sW]);
}
