/**
 * Jupyter display of tensors: a heat-map for image-shaped tensors, an HTML table for small matrices,
 * and the text form otherwise.
 *
 * @module
 */

import { viridis } from "../viz/colormap.ts";
import { encodePng, toBase64 } from "../viz/png.ts";
import { escapeXml as escapeHtml } from "../viz/svg.ts";
import type { TypedArray } from "./dtype.ts";
import { formatNumber, type Formattable, formatTensor, formatValues } from "./format.ts";
import { formatShape } from "./shape.ts";

/** What the display needs: the formatting fields plus an async read that works on every backend. */
export interface Displayable extends Formattable {
  data(): Promise<TypedArray>;
}

/** Matrices up to this many rows and columns show as a table; larger ones show their corners. */
const TABLE_EDGE = 12;
/** Both spatial sides at least this long make a tensor image-shaped. */
const MIN_IMAGE_SIDE = 16;
/**
 * Neither side may be longer than this: a [60000, 784] data matrix is not a picture, and its PNG
 * would put tens of megabytes into the notebook. Larger matrices show as a table of corners.
 */
const MAX_IMAGE_SIDE = 1024;
/** Images are scaled up so that the shorter side shows at least this many screen pixels. */
const MIN_DISPLAY_SIDE = 112;

/**
 * The image layout of a tensor, if it looks like one: [H, W], [1, H, W] or [3, H, W] (leading 1s
 * ignored) with each side from 16 to 1024.
 */
export function imageLayout(
  shape: readonly number[],
): { channels: 1 | 3; height: number; width: number } | null {
  const dims = [...shape];
  while (dims.length > 3 && dims[0] === 1) dims.shift();
  const side = (d: number) => d >= MIN_IMAGE_SIDE && d <= MAX_IMAGE_SIDE;
  if (dims.length === 2 && side(dims[0]) && side(dims[1])) {
    return { channels: 1, height: dims[0], width: dims[1] };
  }
  if (dims.length === 3 && (dims[0] === 1 || dims[0] === 3) && side(dims[1]) && side(dims[2])) {
    return { channels: dims[0] as 1 | 3, height: dims[1], width: dims[2] };
  }
  return null;
}

/** The MIME bundle the Deno kernel shows for a tensor. */
export async function displayBundle(t: Displayable): Promise<Record<string, string>> {
  const header = `Tensor ${formatShape(t.shape)} ${t.dtype}`;
  if (t.isDisposed) return { "text/plain": formatTensor(t) };
  const values = await t.data();
  const text = `${header}\n${formatValues(values, t.shape, t.dtype)}`;
  const image = imageLayout(t.shape);
  if (image) return { "text/plain": text, "text/html": heatmapHtml(values, image, header) };
  if (t.shape.length === 2 || t.shape.length === 1) {
    const [rows, cols] = t.shape.length === 2 ? t.shape : [1, t.shape[0]];
    return { "text/plain": text, "text/html": tableHtml(values, rows, cols, t, header) };
  }
  return { "text/plain": text, "text/html": `<pre>${escapeHtml(text)}</pre>` };
}

function heatmapHtml(
  values: TypedArray,
  { channels, height, width }: { channels: 1 | 3; height: number; width: number },
  header: string,
): string {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) {
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  const span = hi > lo ? hi - lo : 1;
  const plane = height * width;
  const pixels = new Uint8Array(plane * 3);
  for (let p = 0; p < plane; p++) {
    if (channels === 1) {
      const [r, g, b] = viridis((values[p] - lo) / span);
      pixels.set([r, g, b], p * 3);
    } else {
      for (let c = 0; c < 3; c++) {
        pixels[p * 3 + c] = Math.round(((values[c * plane + p] - lo) / span) * 255);
      }
    }
  }
  const png = toBase64(encodePng(pixels, width, height, "rgb"));
  const scale = Math.max(1, Math.ceil(MIN_DISPLAY_SIDE / Math.min(height, width)));
  const range = `${formatNumber(lo, "float32", false)} … ${formatNumber(hi, "float32", false)}`;
  return `<figure style="margin:0"><img alt="${escapeHtml(header)}" width="${width * scale}" ` +
    `height="${
      height * scale
    }" style="image-rendering:pixelated" src="data:image/png;base64,${png}">` +
    `<figcaption style="font:12px monospace">${
      escapeHtml(header)
    }, range ${range}</figcaption></figure>`;
}

function tableHtml(
  values: TypedArray,
  rows: number,
  cols: number,
  t: Displayable,
  header: string,
): string {
  const pick = (n: number): (number | null)[] =>
    n <= TABLE_EDGE
      ? Array.from({ length: n }, (_, i) => i)
      : [0, 1, 2, 3, 4, null, n - 5, n - 4, n - 3, n - 2, n - 1];
  // Notation follows the shown cells only, as in the text form; scanning a whole dataset is slow.
  let maxAbs = 0;
  for (const r of pick(rows)) {
    for (const c of pick(cols)) {
      const v = r === null || c === null ? 0 : values[r * cols + c];
      if (Number.isFinite(v)) maxAbs = Math.max(maxAbs, Math.abs(v));
    }
  }
  const scientific = t.dtype !== "int32" && (maxAbs >= 1e5 || (maxAbs > 0 && maxAbs < 1e-3));
  const body = pick(rows).map((r) => {
    const cells = pick(cols).map((c) =>
      r === null || c === null
        ? "<td>…</td>"
        : `<td>${formatNumber(values[r * cols + c], t.dtype, scientific)}</td>`
    );
    return `<tr>${cells.join("")}</tr>`;
  });
  return `<table style="font-family:monospace;text-align:right"><caption>${
    escapeHtml(header)
  }</caption>` +
    `${body.join("")}</table>`;
}
