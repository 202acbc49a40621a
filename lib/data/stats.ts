/**
 * Per-channel mean and standard deviation of a data set, the numbers {@link normalize} needs.
 *
 * @module
 */

import { asArrayColumn, type Column } from "./columns.ts";
import type { ChannelStats } from "./transforms.ts";

/**
 * The mean and (population) standard deviation of each channel of `column`, after multiplying the
 * values by `scale`. Rank-4 columns `[N, C, H, W]` have C channels; any other shape is one channel.
 * Sums run in float64, so a whole data set adds up without float32 drift.
 *
 * @example
 * ```ts
 * const { images } = await loadCifar10("train");
 * const stats = channelStats(images, { scale: 1 / 255 }); // mean ≈ [0.491, 0.482, 0.447]
 * ```
 */
export function channelStats(column: Column, options: { scale?: number } = {}): ChannelStats {
  const { data, shape } = asArrayColumn("channelStats", "images", column);
  const scale = options.scale ?? 1;
  const channels = shape.length === 4 ? shape[1] : 1;
  const plane = channels === 1 ? data.length : shape[2] * shape[3];
  const sum = new Float64Array(channels), squares = new Float64Array(channels);
  for (let start = 0, c = 0; start < data.length; start += plane, c = (c + 1) % channels) {
    let s = 0, q = 0;
    for (let i = start; i < start + plane; i++) {
      const v = data[i];
      s += v;
      q += v * v;
    }
    sum[c] += s;
    squares[c] += q;
  }
  const count = data.length / channels;
  if (count === 0) throw new Error("channelStats: the column holds no values");
  const mean = Array.from(sum, (s) => (s / count) * scale);
  const std = Array.from(
    squares,
    (q, c) => Math.sqrt(Math.max(0, q / count - (sum[c] / count) ** 2)) * Math.abs(scale),
  );
  return { mean, std };
}
