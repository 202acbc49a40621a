/**
 * Labelled image sets (MNIST, CIFAR-10): byte images and integer labels on the host, and their
 * conversion to the float and int32 tensors a model takes.
 *
 * @module
 */

import { fromArray } from "../tensor/creation.ts";
import { sizeOf } from "../tensor/shape.ts";
import type { Tensor } from "../tensor/tensor.ts";
import type { ArrayColumn } from "./columns.ts";

/** One split of a labelled image data set. */
export interface ImageSet {
  /** Pixel bytes (0–255): `[N, H, W]` for grayscale, `[N, C, H, W]` (channels first) for colour. */
  readonly images: ArrayColumn<Uint8Array>;
  /** The class of each image, as an index into `classNames`. */
  readonly labels: Int32Array;
  /** Name of each class. */
  readonly classNames: readonly string[];
}

/** Options for {@link imagesToTensor}. */
export interface ImageTensorOptions {
  /** `[N, C·H·W]` rows (for a dense network) instead of `[N, C, H, W]`. */
  readonly flatten?: boolean;
  /** Take only the first `count` images. */
  readonly count?: number;
}

function countOf(where: string, available: number, count: number | undefined): number {
  if (count === undefined) return available;
  if (!Number.isInteger(count) || count < 0 || count > available) {
    throw new Error(`${where}: count must be a whole number from 0 to ${available}, got ${count}`);
  }
  return count;
}

/**
 * Byte images as a float32 tensor scaled to [0, 1]: `[N, C, H, W]` (a grayscale `[N, H, W]` array
 * gains a channel axis of 1) or, with `flatten`, `[N, C·H·W]`.
 *
 * @example
 * ```ts
 * const { images } = await loadMnist("train");
 * const x = imagesToTensor(images, { flatten: true, count: 10_000 }); // [10000, 784]
 * ```
 */
export function imagesToTensor(
  images: ArrayColumn<Uint8Array>,
  options: ImageTensorOptions = {},
): Tensor {
  const [available, ...rest] = images.shape;
  const n = countOf("imagesToTensor", available, options.count);
  const perImage = sizeOf(rest);
  const values = new Float32Array(n * perImage);
  for (let i = 0; i < values.length; i++) values[i] = images.data[i] / 255;
  const imageShape = rest.length === 2 ? [1, ...rest] : rest;
  return fromArray(values, options.flatten ? [n, perImage] : [n, ...imageShape]);
}

/** Class labels as an int32 tensor `[N]`, optionally only the first `count`. */
export function labelsToTensor(
  labels: ArrayLike<number>,
  options: { count?: number } = {},
): Tensor {
  const n = countOf("labelsToTensor", labels.length, options.count);
  return fromArray(Int32Array.from({ length: n }, (_, i) => labels[i]), [n], { dtype: "int32" });
}
