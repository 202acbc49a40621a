/**
 * Grids of small images: digits, learned filters, feature maps, each with an optional caption.
 *
 * @module
 */

import type { Tensor } from "../tensor/tensor.ts";
import { type Chart, type ChartOptions, composeChart, DEFAULT_WIDTH } from "./chart.ts";
import type { ColormapName } from "./colormap.ts";
import { rasterUrl, rgbRasterUrl } from "./raster.ts";
import { isTensor } from "./inputs.ts";
import { element, textElement } from "./svg.ts";

/**
 * Images: a tensor [N, H, W], [N, 1, H, W] or [N, 3, H, W] (or one image [H, W]), or a list whose
 * items are rows of pixels (`number[][]`) or tensors [H, W], [1, H, W] or [3, H, W].
 */
export type ImagesInput = Tensor | readonly (readonly ArrayLike<number>[] | Tensor)[];

/** Options of {@link imageGrid}. */
export interface ImageGridOptions extends ChartOptions {
  /** Images per row (default: all in one row, up to 10). */
  readonly columns?: number;
  /** A caption under each image, one per image. */
  readonly captions?: readonly string[];
  /** Gray-level images: "gray" (default) or another colour map. Colour images ignore it. */
  readonly colormap?: ColormapName;
  /**
   * How values become brightness: "each" image stretched to its own min–max (default), or "all"
   * sharing one scale so that brightness compares across images. `range` fixes the scale instead.
   */
  readonly normalize?: "each" | "all";
  /** The values shown as black and white (or the colour map's ends), e.g. [0, 1]. */
  readonly range?: readonly [number, number];
  /** Side of each image on screen, in pixels (default: about 96, fitted to `width`). */
  readonly size?: number;
}

/** Images read and checked: each a channel-first block of values. */
interface Images {
  count: number;
  channels: 1 | 3;
  height: number;
  width: number;
  /** Values of image i at [i * channels * height * width, …), channel-first. */
  values: Float64Array;
}

const PAD = 12;
const GAP = 6;
const CAPTION = 14;

/**
 * A grid of images with optional captions. Pixels stay sharp when scaled up.
 *
 * @example
 * ```ts
 * imageGrid(firstDigits, { columns: 12, captions: labels.map(String), range: [0, 1] });
 * ```
 */
export function imageGrid(images: ImagesInput, options: ImageGridOptions = {}): Chart {
  const im = readImages(images);
  const captions = options.captions;
  if (captions !== undefined && (!Array.isArray(captions) || captions.length !== im.count)) {
    throw new Error(
      `imageGrid: options.captions has ${captions?.length} entries for ${im.count} images; ` +
        `give one per image`,
    );
  }
  const columns = options.columns ?? Math.min(im.count, 10);
  if (!Number.isInteger(columns) || columns < 1) {
    throw new Error(`imageGrid: options.columns must be a whole number ≥ 1, got ${columns}`);
  }
  if (options.size !== undefined && !(options.size >= 1)) {
    throw new Error(`imageGrid: options.size must be at least 1 (pixels), got ${options.size}`);
  }
  const rows = Math.ceil(im.count / columns);
  const side = Math.max(im.height, im.width);
  const fit = Math.floor(
    ((options.width ?? DEFAULT_WIDTH) - 2 * PAD - GAP * (columns - 1)) / columns,
  );
  // Small images are scaled up by a whole factor to about 96 screen pixels, then fitted to the width.
  const size = options.size ??
    Math.max(8, Math.min(fit, side * Math.max(1, Math.floor(96 / side))));
  const tileW = size * im.width / side, tileH = size * im.height / side;
  const captionH = captions ? CAPTION : 0;
  const width = options.width ?? Math.max(
    200,
    2 * PAD + columns * tileW + (columns - 1) * GAP,
  );
  const map = options.colormap ?? "gray";
  const ranges = valueRanges("imageGrid", im, options);
  return composeChart({
    helper: "imageGrid",
    options: { ...options, width },
    bodyHeight: PAD + rows * (tileH + captionH + GAP) - GAP + PAD,
    body: (y) => {
      const tiles: string[] = [];
      const plane = im.height * im.width;
      for (let i = 0; i < im.count; i++) {
        const x0 = PAD + (i % columns) * (tileW + GAP);
        const y0 = y + PAD + Math.floor(i / columns) * (tileH + captionH + GAP);
        const offset = i * im.channels * plane;
        const src = im.channels === 1
          ? rasterUrl(im.values, offset, im.width, im.height, map, ranges[i])
          : rgbRasterUrl(im.values, offset, im.width, im.height, ranges[i]);
        const parts = [
          element("image", {
            x: x0,
            y: y0,
            width: tileW,
            height: tileH,
            preserveAspectRatio: "none",
            style: "image-rendering:pixelated",
            href: src,
          }),
        ];
        if (captions) {
          parts.push(textElement(String(captions[i]), {
            x: x0 + tileW / 2,
            y: y0 + tileH + 11,
            "text-anchor": "middle",
          }));
        }
        tiles.push(element("g", {}, parts));
      }
      return element("g", { "aria-label": "images" }, tiles);
    },
  });
}

/** The [black, white] values of each image. */
function valueRanges(
  helper: string,
  im: Images,
  options: ImageGridOptions,
): (readonly [number, number])[] {
  const size = im.channels * im.height * im.width;
  const extent = (from: number, to: number): [number, number] => {
    let lo = Infinity, hi = -Infinity;
    for (let i = from; i < to; i++) {
      lo = Math.min(lo, im.values[i]);
      hi = Math.max(hi, im.values[i]);
    }
    return [lo, hi];
  };
  if (options.range !== undefined) {
    const r = options.range;
    if (!Array.isArray(r) || r.length !== 2 || !r.every(Number.isFinite) || !(r[1] > r[0])) {
      throw new Error(
        `${helper}: options.range must be [black, white] with black < white, got ${
          JSON.stringify(r)
        }`,
      );
    }
    return Array.from({ length: im.count }, () => [r[0], r[1]] as const);
  }
  if (options.normalize === "all") {
    const all = extent(0, im.values.length);
    return Array.from({ length: im.count }, () => all);
  }
  return Array.from({ length: im.count }, (_, i) => extent(i * size, (i + 1) * size));
}

function readImages(images: ImagesInput): Images {
  const helper = "imageGrid";
  if (isTensor(images)) {
    const s = images.shape;
    const layout = s.length === 2
      ? { count: 1, channels: 1, height: s[0], width: s[1] }
      : s.length === 3
      ? { count: s[0], channels: 1, height: s[1], width: s[2] }
      : s.length === 4 && (s[1] === 1 || s[1] === 3)
      ? { count: s[0], channels: s[1], height: s[2], width: s[3] }
      : null;
    if (layout === null) {
      throw new Error(
        `${helper}: images must be a tensor [N, H, W], [N, 1, H, W] or [N, 3, H, W], got shape [${
          s.join(", ")
        }]`,
      );
    }
    if (layout.count === 0 || layout.height === 0 || layout.width === 0) {
      throw new Error(`${helper}: images is empty (shape [${s.join(", ")}])`);
    }
    const values = Float64Array.from(images.dataSync());
    checkFinite(helper, "images", values);
    return { ...layout, channels: layout.channels as 1 | 3, values };
  }
  if (!Array.isArray(images) || images.length === 0) {
    throw new Error(`${helper}: images must be a non-empty list of images or a tensor`);
  }
  const read = images.map((img, i) => readOne(helper, `images[${i}]`, img));
  const first = read[0];
  read.forEach((r, i) => {
    if (r.channels !== first.channels || r.height !== first.height || r.width !== first.width) {
      throw new Error(
        `${helper}: images[${i}] is ${r.channels}×${r.height}×${r.width} but images[0] is ` +
          `${first.channels}×${first.height}×${first.width}; all images must have one size`,
      );
    }
  });
  const size = first.values.length;
  const values = new Float64Array(read.length * size);
  read.forEach((r, i) => values.set(r.values, i * size));
  return {
    count: read.length,
    channels: first.channels,
    height: first.height,
    width: first.width,
    values,
  };
}

function readOne(
  helper: string,
  name: string,
  img: readonly ArrayLike<number>[] | Tensor,
): { channels: 1 | 3; height: number; width: number; values: Float64Array } {
  if (isTensor(img)) {
    const s = img.shape;
    const [channels, height, width] = s.length === 2
      ? [1, s[0], s[1]]
      : s.length === 3
      ? s
      : [0, 0, 0];
    if ((channels !== 1 && channels !== 3) || height === 0 || width === 0) {
      throw new Error(
        `${helper}: ${name} must be a tensor [H, W], [1, H, W] or [3, H, W], got shape [${
          s.join(", ")
        }]`,
      );
    }
    const values = Float64Array.from(img.dataSync());
    checkFinite(helper, name, values);
    return { channels, height, width, values };
  }
  if (
    !Array.isArray(img) || img.length === 0 || typeof img[0]?.length !== "number" ||
    img[0].length === 0
  ) {
    throw new Error(`${helper}: ${name} must be rows of pixel values (number[][]) or a tensor`);
  }
  const height = img.length, width = img[0].length;
  const values = new Float64Array(height * width);
  img.forEach((row: ArrayLike<number>, r: number) => {
    if (row?.length !== width) {
      throw new Error(
        `${helper}: ${name} rows differ in length: row 0 has ${width}, row ${r} has ${row?.length}`,
      );
    }
    for (let c = 0; c < width; c++) values[r * width + c] = row[c];
  });
  checkFinite(helper, name, values);
  return { channels: 1, height, width, values };
}

function checkFinite(helper: string, name: string, values: Float64Array): void {
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new Error(
      `${helper}: ${name} has ${values[bad]} at flat index ${bad}; pixels must be finite numbers`,
    );
  }
}
