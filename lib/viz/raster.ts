/**
 * Grids of values as PNG data URLs, for heat-maps and image tiles: one pixel per value, which the
 * SVG scales up without smoothing.
 *
 * @module
 */

import { colormap, type ColormapName } from "./colormap.ts";
import { encodePng, toBase64 } from "./png.ts";

function dataUrl(png: Uint8Array): string {
  return `data:image/png;base64,${toBase64(png)}`;
}

/** `t` in [0, 1] for `v` in `[lo, hi]` (clamped); the middle when the range is a single value. */
function unit(v: number, lo: number, hi: number): number {
  return hi > lo ? Math.min(1, Math.max(0, (v - lo) / (hi - lo))) : 0.5;
}

/**
 * The `width`×`height` values that start at `values[offset]` (row-major) as a PNG, coloured by the
 * colour map `map` from `range[0]` to `range[1]`. Gray images are stored with one byte per pixel.
 */
export function rasterUrl(
  values: ArrayLike<number>,
  offset: number,
  width: number,
  height: number,
  map: ColormapName,
  [lo, hi]: readonly [number, number],
): string {
  const n = width * height;
  if (map === "gray") {
    const pixels = new Uint8Array(n);
    for (let p = 0; p < n; p++) pixels[p] = Math.round(unit(values[offset + p], lo, hi) * 255);
    return dataUrl(encodePng(pixels, width, height, "gray"));
  }
  const colors = colormap(map);
  const pixels = new Uint8Array(n * 3);
  for (let p = 0; p < n; p++) pixels.set(colors(unit(values[offset + p], lo, hi)), p * 3);
  return dataUrl(encodePng(pixels, width, height, "rgb"));
}

/**
 * A colour image stored channel-first (three planes of `width`×`height` from `values[offset]`) as
 * a PNG, each channel scaled alike from `range[0]` (dark) to `range[1]` (full).
 */
export function rgbRasterUrl(
  values: ArrayLike<number>,
  offset: number,
  width: number,
  height: number,
  [lo, hi]: readonly [number, number],
): string {
  const n = width * height;
  const pixels = new Uint8Array(n * 3);
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < 3; c++) {
      pixels[p * 3 + c] = Math.round(unit(values[offset + c * n + p], lo, hi) * 255);
    }
  }
  return dataUrl(encodePng(pixels, width, height, "rgb"));
}
