/**
 * Image augmentations for contrastive learning, and the pairs of views they make. Each is a
 * batch {@link Transform} like those of `lib/data/transforms.ts`: it changes a batch of images on
 * the host, in place, drawing every random number from the loader's `rng`, so a seeded run repeats
 * its views exactly and augmentation never enters the autodiff graph.
 *
 * @module
 */

import { imageGeometry, type Transform } from "../data/transforms.ts";
import type { Rng } from "../tensor/random.ts";
import { formatShape } from "../tensor/shape.ts";

/** A uniform draw in [lo, hi]. */
const between = (rng: Rng, lo: number, hi: number) => lo + (hi - lo) * rng.uniform();

/** Options of {@link randomAffine}: the largest change of each kind, drawn uniformly per image. */
export interface RandomAffineOptions {
  /** Largest rotation, in degrees either way (default 0). */
  readonly degrees?: number;
  /** Largest shift, in pixels along each axis either way (default 0). */
  readonly translate?: number;
  /** Range of the zoom factor (default [1, 1]: no zoom); below 1 shrinks the digit. */
  readonly scale?: readonly [number, number];
  /** Largest horizontal shear, in degrees either way (default 0). */
  readonly shear?: number;
  /** Value of pixels that come from outside the image (default 0). */
  readonly fill?: number;
}

/**
 * Warps each image by its own random affine map about the image centre: a rotation, a zoom, a
 * horizontal shear and a shift (torchvision's `RandomAffine`). Each output pixel looks up where it
 * came from through the inverse map and reads it by bilinear interpolation, so small rotations do
 * not tear strokes apart.
 */
export function randomAffine(options: RandomAffineOptions = {}): Transform {
  const degrees = options.degrees ?? 0, translate = options.translate ?? 0;
  const [zoomLo, zoomHi] = options.scale ?? [1, 1];
  const shear = options.shear ?? 0, fill = options.fill ?? 0;
  for (const [name, v] of [["degrees", degrees], ["translate", translate], ["shear", shear]]) {
    if (!(Number(v) >= 0) || !Number.isFinite(Number(v))) {
      throw new Error(`randomAffine: ${name} must be a finite number ≥ 0, got ${v}`);
    }
  }
  if (!(zoomLo > 0 && zoomHi >= zoomLo && Number.isFinite(zoomHi))) {
    throw new Error(
      `randomAffine: scale must be [lo, hi] with 0 < lo ≤ hi, got [${zoomLo}, ${zoomHi}]`,
    );
  }
  return (batch, shape, rng) => {
    const { h, w, planes } = imageGeometry("randomAffine", shape);
    const plane = h * w, perImage = planes * plane;
    const source = new Float32Array(perImage);
    const cy = (h - 1) / 2, cx = (w - 1) / 2;
    for (let n = 0; n < shape[0]; n++) {
      const angle = between(rng, -degrees, degrees) * Math.PI / 180;
      const zoom = between(rng, zoomLo, zoomHi);
      const s = Math.tan(between(rng, -shear, shear) * Math.PI / 180);
      const ty = between(rng, -translate, translate), tx = between(rng, -translate, translate);
      // Forward map: p' = zoom · R(angle) · Shear(s) · p + t. The inverse of R·Shear is
      // Shear(−s)·R(−angle); each output pixel pulls its value from the inverse image.
      const cos = Math.cos(angle), sin = Math.sin(angle);
      const image = batch.subarray(n * perImage, (n + 1) * perImage);
      source.set(image);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const dx = (x - cx - tx) / zoom, dy = (y - cy - ty) / zoom;
          const ry = -sin * dx + cos * dy;
          const rx = cos * dx + sin * dy - s * ry;
          const sx = rx + cx, sy = ry + cy;
          const x0 = Math.floor(sx), y0 = Math.floor(sy);
          const fx = sx - x0, fy = sy - y0;
          for (let c = 0; c < planes; c++) {
            const base = c * plane;
            const at = (yy: number, xx: number) =>
              yy >= 0 && yy < h && xx >= 0 && xx < w ? source[base + yy * w + xx] : fill;
            image[base + y * w + x] = (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) +
              fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
          }
        }
      }
    }
  };
}

/** Options of {@link randomErasing}. */
export interface RandomErasingOptions {
  /** Probability that an image loses a rectangle (default 0.5). */
  readonly p?: number;
  /** Range of the rectangle's area as a share of the image (default [0.02, 0.2]). */
  readonly area?: readonly [number, number];
  /** Value written into the rectangle (default 0). */
  readonly value?: number;
}

/**
 * With probability `p`, blanks out one rectangle of each image, of random area, aspect ratio (from
 * 1:3 to 3:1) and position (Zhong et al., 2020, "Random Erasing"), so that a network cannot rely
 * on any one part of a digit.
 */
export function randomErasing(options: RandomErasingOptions = {}): Transform {
  const p = options.p ?? 0.5, value = options.value ?? 0;
  const [lo, hi] = options.area ?? [0.02, 0.2];
  if (!(p >= 0 && p <= 1)) throw new Error(`randomErasing: p must be in [0, 1], got ${p}`);
  if (!(lo > 0 && hi >= lo && hi <= 1)) {
    throw new Error(
      `randomErasing: area must be [lo, hi] with 0 < lo ≤ hi ≤ 1, got [${lo}, ${hi}]`,
    );
  }
  return (batch, shape, rng) => {
    const { h, w, planes } = imageGeometry("randomErasing", shape);
    const plane = h * w, perImage = planes * plane;
    for (let n = 0; n < shape[0]; n++) {
      if (rng.uniform() >= p) continue;
      const area = between(rng, lo, hi) * plane;
      const aspect = Math.exp(between(rng, Math.log(1 / 3), Math.log(3)));
      const eh = Math.max(1, Math.min(h, Math.round(Math.sqrt(area * aspect))));
      const ew = Math.max(1, Math.min(w, Math.round(Math.sqrt(area / aspect))));
      const top = rng.int(h - eh + 1), left = rng.int(w - ew + 1);
      for (let c = 0; c < planes; c++) {
        const base = n * perImage + c * plane;
        for (let y = top; y < top + eh; y++) {
          batch.fill(value, base + y * w + left, base + y * w + left + ew);
        }
      }
    }
  };
}

/** Options of {@link gaussianNoise}. */
export interface GaussianNoiseOptions {
  /** Clamp the noisy values to this range (default [0, 1], the range of pixel intensities). */
  readonly clip?: readonly [number, number] | null;
}

/** Adds independent normal noise of standard deviation `std` to every value, then clamps it. */
export function gaussianNoise(std: number, options: GaussianNoiseOptions = {}): Transform {
  if (!(std >= 0) || !Number.isFinite(std)) {
    throw new Error(`gaussianNoise: std must be a finite number ≥ 0, got ${std}`);
  }
  const clip = options.clip === undefined ? [0, 1] : options.clip;
  return (batch, _shape, rng) => {
    for (let i = 0; i < batch.length; i++) {
      const v = batch[i] + std * rng.normal();
      batch[i] = clip ? Math.min(clip[1], Math.max(clip[0], v)) : v;
    }
  };
}

/** Images stored one after another: `shape` is `[N, H, W]` or `[N, C, H, W]`. */
export interface ImageArray {
  /** The values of all images, row-major (bytes or floats). */
  readonly data: ArrayLike<number>;
  /** `[N, H, W]` or `[N, C, H, W]`. */
  readonly shape: readonly number[];
}

/** Options of {@link contrastiveViews}. */
export interface ContrastiveViewsOptions {
  /** Multiplies every stored value first: `1 / 255` turns pixel bytes into [0, 1] (default 1). */
  readonly scale?: number;
}

/**
 * Two augmented views of each image picked by `indices`, as SimCLR trains on them: the batch
 * `[2B, …]` holds the first views of all B images, then the second views in the same order, so
 * that rows i and i + B are a positive pair. Each view goes through `transforms` on its own, with
 * its own random draws.
 */
export function contrastiveViews(
  images: ImageArray,
  indices: readonly number[],
  transforms: readonly Transform[],
  rng: Rng,
  options: ContrastiveViewsOptions = {},
): { data: Float32Array; shape: number[] } {
  imageGeometry("contrastiveViews", images.shape);
  const perImage = images.shape.slice(1).reduce((a, b) => a * b, 1);
  const count = images.shape[0];
  if (images.data.length !== count * perImage) {
    throw new Error(
      `contrastiveViews: ${images.data.length} values do not fill images of shape ` +
        formatShape(images.shape),
    );
  }
  if (indices.length === 0) throw new Error("contrastiveViews: needs at least one index");
  const scale = options.scale ?? 1;
  const b = indices.length;
  const data = new Float32Array(2 * b * perImage);
  indices.forEach((index, i) => {
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      throw new Error(`contrastiveViews: index ${index} is outside the ${count} images`);
    }
    for (let j = 0; j < perImage; j++) {
      const v = images.data[index * perImage + j] * scale;
      data[i * perImage + j] = v;
      data[(b + i) * perImage + j] = v;
    }
  });
  const shape = [2 * b, ...images.shape.slice(1)];
  for (const transform of transforms) transform(data, shape, rng);
  return { data, shape };
}
