/**
 * The Jupyter display of tensors: HTML tables for small matrices, PNG heat-maps for image-shaped
 * tensors. The PNG is decoded here independently (chunk CRCs, IHDR, zlib stream and its Adler-32)
 * and its pixels compared with the tensor's values.
 */

import assert from "node:assert/strict";
import { arange, full, rand, seed, type Tensor, tensor } from "../lib/mod.ts";
import { encodePng, viridis } from "../lib/viz/mod.ts";

const DISPLAY = Symbol.for("Jupyter.display");

function display(t: Tensor): Promise<Record<string, string>> {
  return (t as unknown as Record<symbol, () => Promise<Record<string, string>>>)[DISPLAY]();
}

/** CRC-32 (IEEE), bit by bit: deliberately not the table-driven code under test. */
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

function adler32(bytes: Uint8Array): number {
  let a = 1, b = 0;
  for (const byte of bytes) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return (b * 65536 + a) >>> 0;
}

interface DecodedPng {
  width: number;
  height: number;
  colorType: number;
  /** Filtered scanlines, as inflated from IDAT. */
  raw: Uint8Array;
  chunks: string[];
}

/** Parses and checks a PNG file: signature, every chunk's CRC, IHDR, and the zlib stream. */
async function decodePng(png: Uint8Array): Promise<DecodedPng> {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: string[] = [];
  const idat: Uint8Array[] = [];
  let width = 0, height = 0, colorType = -1;
  let pos = 8;
  while (pos < png.length) {
    const len = view.getUint32(pos);
    const type = String.fromCharCode(...png.subarray(pos + 4, pos + 8));
    const data = png.subarray(pos + 8, pos + 8 + len);
    const crc = view.getUint32(pos + 8 + len);
    assert.equal(crc, crc32(png.subarray(pos + 4, pos + 8 + len)), `CRC of ${type}`);
    chunks.push(type);
    if (type === "IHDR") {
      assert.equal(len, 13);
      const h = new DataView(data.buffer, data.byteOffset, 13);
      width = h.getUint32(0);
      height = h.getUint32(4);
      assert.equal(data[8], 8, "bit depth");
      colorType = data[9];
      assert.deepEqual([...data.subarray(10)], [0, 0, 0], "compression, filter, interlace");
    }
    if (type === "IDAT") idat.push(data);
    pos += 12 + len;
  }
  assert.equal(pos, png.length, "chunks end exactly at the end of the file");
  assert.equal(chunks[0], "IHDR");
  assert.equal(chunks.at(-1), "IEND");
  const zlib = new Uint8Array(idat.reduce((n, d) => n + d.length, 0));
  let at = 0;
  for (const d of idat) {
    zlib.set(d, at);
    at += d.length;
  }
  assert.equal(((zlib[0] << 8) | zlib[1]) % 31, 0, "zlib header check bits");
  assert.equal(zlib[0] & 0x0f, 8, "zlib method deflate");
  // DecompressionStream("deflate") reads the zlib format and rejects a wrong Adler-32 itself.
  const stream = new Blob([zlib]).stream().pipeThrough(new DecompressionStream("deflate"));
  const raw = new Uint8Array(await new Response(stream).arrayBuffer());
  const stored = new DataView(zlib.buffer).getUint32(zlib.length - 4);
  assert.equal(stored, adler32(raw), "Adler-32 of the pixel data");
  return { width, height, colorType, raw, chunks };
}

/** The PNG inside a heat-map's `<img src="data:image/png;base64,…">`, and the img tag. */
function pngOf(html: string): { png: Uint8Array; img: string } {
  const img = html.match(/<img [^>]*>/)?.[0];
  assert.ok(img, `no <img> in ${html.slice(0, 200)}`);
  const b64 = img.match(/src="data:image\/png;base64,([A-Za-z0-9+/=]+)"/)?.[1];
  assert.ok(b64, "the image is not an inline base64 PNG");
  return { png: Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)), img };
}

/** Unfilters scanlines written with filter type 0 into packed pixels. */
function unfilter(raw: Uint8Array, width: number, height: number, channels: number): Uint8Array {
  const row = width * channels;
  assert.equal(raw.length, height * (row + 1));
  const out = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    assert.equal(raw[y * (row + 1)], 0, `filter byte of row ${y}`);
    out.set(raw.subarray(y * (row + 1) + 1, (y + 1) * (row + 1)), y * row);
  }
  return out;
}

function range(values: ArrayLike<number>): { lo: number; span: number } {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    lo = Math.min(lo, values[i]);
    hi = Math.max(hi, values[i]);
  }
  return { lo, span: hi > lo ? hi - lo : 1 };
}

Deno.test("display: a small matrix is an HTML table with every value", async () => {
  const t = tensor([[1, 2.5, -3], [4, 5, 6]]);
  const bundle = await display(t);
  assert.equal(bundle["text/plain"], t.toString());
  const html = bundle["text/html"];
  assert.match(html, /^<table[^>]*>/);
  assert.match(html, /<caption>Tensor \[2, 3\] float32<\/caption>/);
  assert.equal(html.match(/<tr>/g)?.length, 2);
  assert.equal(html.match(/<td>/g)?.length, 6);
  assert.ok(html.includes("<td>2.5000</td><td>-3.0000</td>"));
  assert.ok(!html.includes("<img"));
  // int32 shows integers.
  const i = await display(tensor([[1, 2], [3, 4]], { dtype: "int32" }));
  assert.ok(i["text/html"].includes("<td>1</td><td>2</td>"));
  // A vector is a one-row table.
  const v = await display(tensor([1, 2, 3]));
  assert.equal(v["text/html"].match(/<tr>/g)?.length, 1);
  assert.equal(v["text/html"].match(/<td>/g)?.length, 3);
});

Deno.test("display: a large matrix shows its corners with ellipses", async () => {
  const t = arange(40 * 5).reshape([40, 5]); // too narrow to be an image
  const html = (await display(t))["text/html"];
  assert.match(html, /^<table/);
  assert.equal(html.match(/<tr>/g)?.length, 11); // 5 rows, an ellipsis row, 5 rows
  assert.ok(html.includes("<td>0</td><td>1</td>"));
  assert.ok(html.includes("<td>199</td></tr></table>"));
  assert.ok(html.includes("<td>…</td>"));
  assert.ok(!html.includes("<td>100</td>"));
  // Other ranks fall back to preformatted text.
  const cube = await display(arange(24).reshape([2, 3, 4]));
  assert.match(cube["text/html"], /^<pre>Tensor \[2, 3, 4\] int32/);
});

Deno.test("display: a dataset-sized matrix is a quick table of corners, not a huge image", async () => {
  const data = full([5000, 784], 0.5);
  const t0 = performance.now();
  const bundle = await display(data);
  assert.ok(performance.now() - t0 < 1000, `display took ${performance.now() - t0} ms`);
  assert.ok(!bundle["text/html"].includes("<img"));
  assert.match(bundle["text/html"], /^<table/);
  assert.equal(bundle["text/html"].match(/<tr>/g)?.length, 11);
  assert.ok(bundle["text/html"].length < 5000);
  assert.equal(bundle["text/plain"].split("\n").length, 8);
  // Up to 1024 a side is still an image.
  const image = await display(rand([16, 1024]));
  assert.match(image["text/html"], /<img /);
});

Deno.test("display: a [28, 28] tensor is a viridis heat-map PNG with the right pixels", async () => {
  seed(11);
  const t = rand([28, 28]);
  const bundle = await display(t);
  assert.equal(bundle["text/plain"], t.toString());
  const html = bundle["text/html"];
  assert.ok(!html.includes("<table"));
  const { png, img } = pngOf(html);
  assert.match(img, /width="112" height="112"/);
  const { width, height, colorType, raw, chunks } = await decodePng(png);
  assert.deepEqual([width, height, colorType], [28, 28, 2]);
  assert.deepEqual(chunks, ["IHDR", "IDAT", "IEND"]);
  const pixels = unfilter(raw, 28, 28, 3);
  const values = t.dataSync();
  const { lo, span } = range(values);
  for (let p = 0; p < 28 * 28; p++) {
    const expected = viridis((values[p] - lo) / span);
    assert.deepEqual([...pixels.subarray(p * 3, p * 3 + 3)], expected, `pixel ${p}`);
  }
  // The extremes map to the ends of the colour map.
  let argmin = 0, argmax = 0;
  values.forEach((v, i) => {
    if (v < values[argmin]) argmin = i;
    if (v > values[argmax]) argmax = i;
  });
  assert.deepEqual([...pixels.subarray(argmin * 3, argmin * 3 + 3)], [68, 1, 84]);
  assert.deepEqual([...pixels.subarray(argmax * 3, argmax * 3 + 3)], [253, 231, 37]);
});

Deno.test("display: [1, 28, 28] and [1, 1, 28, 28] are grayscale images too", async () => {
  seed(12);
  const t = rand([1, 28, 28]);
  const a = await decodePng(pngOf((await display(t))["text/html"]).png);
  const b = await decodePng(pngOf((await display(t.reshape([1, 1, 28, 28])))["text/html"]).png);
  const c = await decodePng(pngOf((await display(t.reshape([28, 28])))["text/html"]).png);
  assert.deepEqual([a.width, a.height], [28, 28]);
  assert.deepEqual(a.raw, b.raw);
  assert.deepEqual(a.raw, c.raw);
});

Deno.test("display: a [3, 32, 32] tensor is an RGB image with channels in place", async () => {
  seed(13);
  const t = rand([3, 32, 32]);
  const { png, img } = pngOf((await display(t))["text/html"]);
  assert.match(img, /width="128" height="128"/);
  const { width, height, colorType, raw } = await decodePng(png);
  assert.deepEqual([width, height, colorType], [32, 32, 2]);
  const pixels = unfilter(raw, 32, 32, 3);
  const values = t.dataSync();
  const { lo, span } = range(values);
  for (let p = 0; p < 32 * 32; p++) {
    for (let c = 0; c < 3; c++) {
      const expected = Math.round(((values[c * 1024 + p] - lo) / span) * 255);
      assert.equal(pixels[p * 3 + c], expected, `pixel ${p} channel ${c}`);
    }
  }
});

Deno.test("display: a view (transposed image) shows the view's values, not the storage's", async () => {
  const t = arange(20 * 30).reshape([20, 30]).toFloat();
  const tt = t.transpose(); // [30, 20]
  const { width, height, raw } = await decodePng(pngOf((await display(tt))["text/html"]).png);
  assert.deepEqual([width, height], [20, 30]);
  const pixels = unfilter(raw, 20, 30, 3);
  const values = tt.dataSync();
  for (const p of [0, 1, 20, 599]) {
    assert.deepEqual([...pixels.subarray(p * 3, p * 3 + 3)], viridis(values[p] / 599));
  }
});

Deno.test("PNG encoder: large images split into several stored blocks that still decode", async () => {
  const width = 200, height = 150; // 150 rows of 601 bytes: more than one 65,535-byte block
  const pixels = new Uint8Array(width * height * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7 + (i >> 9)) & 0xff;
  const { raw, colorType } = await decodePng(encodePng(pixels, width, height, "rgb"));
  assert.equal(colorType, 2);
  assert.deepEqual(unfilter(raw, width, height, 3), pixels);
  const gray = new Uint8Array([0, 64, 128, 255, 1, 2]);
  const g = await decodePng(encodePng(gray, 3, 2, "gray"));
  assert.deepEqual([g.width, g.height, g.colorType], [3, 2, 0]);
  assert.deepEqual(unfilter(g.raw, 3, 2, 1), gray);
  assert.throws(() => encodePng(gray, 4, 2, "gray"), /expected 4×2×1 = 8 bytes, got 6/);
});

Deno.test("display: a constant image and a disposed tensor do not break", async () => {
  const flat = tensor(new Float32Array(32 * 32).fill(3), { shape: [32, 32] });
  const { raw } = await decodePng(pngOf((await display(flat))["text/html"]).png);
  const pixels = unfilter(raw, 32, 32, 3);
  assert.deepEqual([...pixels.subarray(0, 3)], viridis(0));
  flat.dispose();
  const gone = await display(flat);
  assert.deepEqual(Object.keys(gone), ["text/plain"]);
  assert.match(gone["text/plain"], /disposed/);
});
