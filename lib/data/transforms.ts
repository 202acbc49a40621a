/**
 * Batch transforms: scaling, normalisation and augmentation that a DataLoader applies to each batch
 * on the host, before the batch becomes a tensor. Working on the batch's typed array in place costs
 * one pass over the batch and records no ops, so augmentation never enters the autodiff graph.
 *
 * @module
 */

import type { Rng } from "../tensor/random.ts";
import { formatShape } from "../tensor/shape.ts";

/**
 * Changes a batch in place. `batch` holds `shape[0]` examples row-major in `shape`. A transform
 * that needs randomness draws it from `rng` only: the DataLoader seeds it per epoch, so augmented
 * runs repeat exactly.
 */
export type Transform = (batch: Float32Array, shape: readonly number[], rng: Rng) => void;

/** Multiplies every value by `factor`: `rescale(1 / 255)` turns pixel bytes into [0, 1]. */
export function rescale(factor: number): Transform {
  if (!Number.isFinite(factor)) throw new Error(`rescale: factor must be finite, got ${factor}`);
  return (batch) => {
    for (let i = 0; i < batch.length; i++) batch[i] *= factor;
  };
}

/** Per-channel statistics, as {@link channelStats} computes them. */
export interface ChannelStats {
  /** Mean of each channel. */
  readonly mean: readonly number[];
  /** Standard deviation of each channel. */
  readonly std: readonly number[];
}

/**
 * Subtracts each channel's mean and divides by its standard deviation. Channels lie along axis 1
 * (`[B, C, H, W]` images, or `[B, F]` features with one statistic per feature); a single mean and
 * std apply to every value.
 */
export function normalize(stats: ChannelStats): Transform {
  const { mean, std } = stats;
  if (mean.length === 0 || mean.length !== std.length) {
    throw new Error(
      `normalize: need one mean and one std per channel, got ${mean.length} means and ` +
        `${std.length} stds`,
    );
  }
  if (!std.every((s) => s > 0)) {
    throw new Error(`normalize: every std must be positive, got [${std.join(", ")}]`);
  }
  const channels = mean.length;
  return (batch, shape) => {
    if (channels > 1 && shape[1] !== channels) {
      throw new Error(
        `normalize: ${channels} channel statistics do not fit batches of shape ` +
          `${formatShape(shape)} (channels are axis 1)`,
      );
    }
    // With one statistic, the whole example is one "channel".
    const plane = channels === 1 ? batch.length : batch.length / (shape[0] * channels);
    for (let start = 0, c = 0; start < batch.length; start += plane, c = (c + 1) % channels) {
      const m = mean[c], inv = 1 / std[c];
      for (let i = start; i < start + plane; i++) batch[i] = (batch[i] - m) * inv;
    }
  };
}

/**
 * Height and width of image batches (`[B, H, W]` or `[B, C, H, W]`), and planes per example; `op`
 * names the caller in the error a flattened batch gets.
 */
export function imageGeometry(op: string, shape: readonly number[]) {
  if (shape.length !== 3 && shape.length !== 4) {
    throw new Error(
      `${op}: needs image batches [B, C, H, W] or [B, H, W], got ${formatShape(shape)}; ` +
        "give the images their 2-D shape rather than flattened rows",
    );
  }
  const h = shape.at(-2)!, w = shape.at(-1)!;
  return { h, w, planes: shape.length === 4 ? shape[1] : 1 };
}

/** Mirrors each image left to right with probability `p` (default 0.5), independently per image. */
export function randomHorizontalFlip(p = 0.5): Transform {
  if (!(p >= 0 && p <= 1)) throw new Error(`randomHorizontalFlip: p must be in [0, 1], got ${p}`);
  return (batch, shape, rng) => {
    const { h, w, planes } = imageGeometry("randomHorizontalFlip", shape);
    const perImage = planes * h * w;
    for (let n = 0; n < shape[0]; n++) {
      if (rng.uniform() >= p) continue;
      for (let row = n * perImage; row < (n + 1) * perImage; row += w) {
        batch.subarray(row, row + w).reverse();
      }
    }
  };
}

/**
 * Pads each image by `padding` pixels of `fill` on every side, then cuts a window of the original
 * size at a random position: a random shift of up to `padding` pixels in each direction, drawn
 * independently per image (torchvision's `RandomCrop(size, padding)`).
 */
export function randomCrop(padding: number, options: { fill?: number } = {}): Transform {
  if (!Number.isInteger(padding) || padding < 0) {
    throw new Error(`randomCrop: padding must be a whole number of pixels, got ${padding}`);
  }
  const fill = options.fill ?? 0;
  return (batch, shape, rng) => {
    const { h, w, planes } = imageGeometry("randomCrop", shape);
    const perImage = planes * h * w;
    const source = new Float32Array(perImage);
    for (let n = 0; n < shape[0]; n++) {
      // Window origin in padded coordinates, as a shift of the original image.
      const dy = rng.int(2 * padding + 1) - padding, dx = rng.int(2 * padding + 1) - padding;
      const image = batch.subarray(n * perImage, (n + 1) * perImage);
      source.set(image);
      for (let c = 0; c < planes; c++) {
        for (let y = 0; y < h; y++) {
          const sy = y + dy;
          for (let x = 0; x < w; x++) {
            const sx = x + dx;
            image[(c * h + y) * w + x] = sy >= 0 && sy < h && sx >= 0 && sx < w
              ? source[(c * h + sy) * w + sx]
              : fill;
          }
        }
      }
    }
  };
}
