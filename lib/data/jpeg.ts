/**
 * A minimal baseline JPEG decoder that reproduces libjpeg(-turbo) exactly, so our CIFAR-10 pixels
 * are the ones PIL and torchvision give and the channel means match SOURCE.md.
 *
 * Why not a ready decoder: `jpeg-js` (pure JavaScript) rounds upward inside its inverse DCT,
 * repeats chroma samples instead of interpolating them, and truncates in its colour conversion; its
 * CIFAR-10 channel means come out about 1.3e-3 below libjpeg's. This decoder follows libjpeg's
 * choices instead: the integer "islow" inverse DCT (jidctint.c), "fancy" triangle-filter chroma
 * upsampling (jdsample.c) and fixed-point YCbCr-to-RGB conversion (jdcolor.c).
 *
 * Scope: baseline and extended sequential Huffman JPEGs with 8-bit samples, three components, and
 * chroma either not subsampled or subsampled 2×2 (4:2:0), as libjpeg and PIL write by default.
 * Progressive and arithmetic-coded files are rejected with a clear error.
 *
 * @module
 */

/** Position in the 8×8 block (row-major) of the k-th coefficient in zigzag order. */
const ZIGZAG = Int32Array.of(
  0,
  1,
  8,
  16,
  9,
  2,
  3,
  10,
  17,
  24,
  32,
  25,
  18,
  11,
  4,
  5,
  12,
  19,
  26,
  33,
  40,
  48,
  41,
  34,
  27,
  20,
  13,
  6,
  7,
  14,
  21,
  28,
  35,
  42,
  49,
  56,
  57,
  50,
  43,
  36,
  29,
  22,
  15,
  23,
  30,
  37,
  44,
  51,
  58,
  59,
  52,
  45,
  38,
  31,
  39,
  46,
  53,
  60,
  61,
  54,
  47,
  55,
  62,
  63,
);

/** A Huffman table in the form of the JPEG standard's decoding procedure (Annex F.2.2.3). */
interface Huffman {
  /** Largest code of each length (index 1–16), or -1 when there is none. */
  readonly maxcode: Int32Array;
  /** Smallest code of each length. */
  readonly mincode: Int32Array;
  /** Index into `values` of the first symbol of each length. */
  readonly valptr: Int32Array;
  /** The symbols, in code order. */
  readonly values: Uint8Array;
}

function buildHuffman(counts: Uint8Array, values: Uint8Array): Huffman {
  const maxcode = new Int32Array(17).fill(-1), mincode = new Int32Array(17);
  const valptr = new Int32Array(17);
  for (let length = 1, code = 0, k = 0; length <= 16; length++, code <<= 1) {
    const n = counts[length - 1];
    if (n === 0) continue;
    valptr[length] = k;
    mincode[length] = code;
    code += n;
    k += n;
    maxcode[length] = code - 1;
  }
  return { maxcode, mincode, valptr, values };
}

/** A frame component: its sampling, tables and decoded plane. */
interface Component {
  readonly id: number;
  readonly h: number;
  readonly v: number;
  readonly quantTable: number;
  /** Samples per row and rows of the component's real (unpadded) image. */
  readonly width: number;
  readonly height: number;
  /** The decoded samples, padded to whole MCUs; `stride` per row. */
  readonly plane: Uint8ClampedArray;
  readonly stride: number;
  dcTable: Huffman | null;
  acTable: Huffman | null;
  prediction: number;
}

/** Reads entropy-coded bits, undoing byte stuffing (`FF 00`) and stopping at markers. */
class BitReader {
  #byte = 0;
  #bits = 0;
  constructor(readonly data: Uint8Array, public pos: number) {}

  bit(): number {
    if (this.#bits === 0) {
      const b = this.data[this.pos];
      if (b === 0xff && this.data[this.pos + 1] === 0) {
        this.#byte = 0xff;
        this.pos += 2;
      } else if (b === 0xff || this.pos >= this.data.length) {
        this.#byte = 0; // Past the data or at a marker, libjpeg reads zeros; so do we.
      } else {
        this.#byte = b;
        this.pos++;
      }
      this.#bits = 8;
    }
    return (this.#byte >> --this.#bits) & 1;
  }

  receive(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) v = (v << 1) | this.bit();
    return v;
  }

  decode(table: Huffman): number {
    let code = 0;
    for (let length = 1; length <= 16; length++) {
      code = (code << 1) | this.bit();
      if (code <= table.maxcode[length]) {
        return table.values[table.valptr[length] + code - table.mincode[length]];
      }
    }
    throw new Error("a Huffman code is invalid (corrupt data)");
  }

  /** Skips to just past the next restart marker, dropping the bits left in the current byte. */
  restart(): void {
    this.#bits = 0;
    while (this.pos + 1 < this.data.length) {
      const isRestart = this.data[this.pos] === 0xff && (this.data[this.pos + 1] & 0xf8) === 0xd0;
      this.pos++;
      if (isRestart) {
        this.pos++;
        return;
      }
    }
  }
}

/** A `t`-bit magnitude category value as a signed number (JPEG's EXTEND procedure). */
function extend(value: number, t: number): number {
  return value < 1 << (t - 1) ? value - (1 << t) + 1 : value;
}

// jidctint.c constants: 13 fraction bits, 2 extra bits kept between the passes.
const CONST_BITS = 13, PASS1_BITS = 2;
const F0_298 = 2446, F0_390 = 3196, F0_541 = 4433, F0_765 = 6270, F0_899 = 7373, F1_175 = 9633;
const F1_501 = 12299, F1_847 = 15137, F1_961 = 16069, F2_053 = 16819, F2_562 = 20995;
const F3_072 = 25172;
const workspace = new Int32Array(64);

/**
 * libjpeg's `jpeg_idct_islow`: the integer inverse DCT of a dequantized block (natural order), level
 * shifted and range limited into `out` at `offset` with `stride` per row.
 */
function idctIslow(coef: Int32Array, out: Uint8ClampedArray, offset: number, stride: number) {
  const ws = workspace;
  const pass1 = CONST_BITS - PASS1_BITS, round1 = 1 << (pass1 - 1);
  for (let c = 0; c < 8; c++) {
    if (
      coef[8 + c] === 0 && coef[16 + c] === 0 && coef[24 + c] === 0 && coef[32 + c] === 0 &&
      coef[40 + c] === 0 && coef[48 + c] === 0 && coef[56 + c] === 0
    ) {
      const dc = coef[c] << PASS1_BITS;
      for (let r = 0; r < 8; r++) ws[8 * r + c] = dc;
      continue;
    }
    let z2 = coef[16 + c], z3 = coef[48 + c];
    let z1 = (z2 + z3) * F0_541;
    let tmp2 = z1 - z3 * F1_847, tmp3 = z1 + z2 * F0_765;
    z2 = coef[c];
    z3 = coef[32 + c];
    let tmp0 = (z2 + z3) * 8192, tmp1 = (z2 - z3) * 8192;
    const tmp10 = tmp0 + tmp3, tmp13 = tmp0 - tmp3, tmp11 = tmp1 + tmp2, tmp12 = tmp1 - tmp2;
    tmp0 = coef[56 + c];
    tmp1 = coef[40 + c];
    tmp2 = coef[24 + c];
    tmp3 = coef[8 + c];
    z1 = tmp0 + tmp3;
    z2 = tmp1 + tmp2;
    z3 = tmp0 + tmp2;
    let z4 = tmp1 + tmp3;
    const z5 = (z3 + z4) * F1_175;
    tmp0 *= F0_298;
    tmp1 *= F2_053;
    tmp2 *= F3_072;
    tmp3 *= F1_501;
    z1 *= -F0_899;
    z2 *= -F2_562;
    z3 = z3 * -F1_961 + z5;
    z4 = z4 * -F0_390 + z5;
    tmp0 += z1 + z3;
    tmp1 += z2 + z4;
    tmp2 += z2 + z3;
    tmp3 += z1 + z4;
    ws[c] = (tmp10 + tmp3 + round1) >> pass1;
    ws[56 + c] = (tmp10 - tmp3 + round1) >> pass1;
    ws[8 + c] = (tmp11 + tmp2 + round1) >> pass1;
    ws[48 + c] = (tmp11 - tmp2 + round1) >> pass1;
    ws[16 + c] = (tmp12 + tmp1 + round1) >> pass1;
    ws[40 + c] = (tmp12 - tmp1 + round1) >> pass1;
    ws[24 + c] = (tmp13 + tmp0 + round1) >> pass1;
    ws[32 + c] = (tmp13 - tmp0 + round1) >> pass1;
  }
  const pass2 = CONST_BITS + PASS1_BITS + 3, round2 = 1 << (pass2 - 1);
  for (let r = 0; r < 8; r++) {
    const w = 8 * r, o = offset + r * stride;
    if (
      ws[w + 1] === 0 && ws[w + 2] === 0 && ws[w + 3] === 0 && ws[w + 4] === 0 &&
      ws[w + 5] === 0 && ws[w + 6] === 0 && ws[w + 7] === 0
    ) {
      const value = ((ws[w] + (1 << (PASS1_BITS + 2))) >> (PASS1_BITS + 3)) + 128;
      for (let i = 0; i < 8; i++) out[o + i] = value;
      continue;
    }
    let z2 = ws[w + 2], z3 = ws[w + 6];
    let z1 = (z2 + z3) * F0_541;
    let tmp2 = z1 - z3 * F1_847, tmp3 = z1 + z2 * F0_765;
    let tmp0 = (ws[w] + ws[w + 4]) * 8192, tmp1 = (ws[w] - ws[w + 4]) * 8192;
    const tmp10 = tmp0 + tmp3, tmp13 = tmp0 - tmp3, tmp11 = tmp1 + tmp2, tmp12 = tmp1 - tmp2;
    tmp0 = ws[w + 7];
    tmp1 = ws[w + 5];
    tmp2 = ws[w + 3];
    tmp3 = ws[w + 1];
    z1 = tmp0 + tmp3;
    z2 = tmp1 + tmp2;
    z3 = tmp0 + tmp2;
    let z4 = tmp1 + tmp3;
    const z5 = (z3 + z4) * F1_175;
    tmp0 *= F0_298;
    tmp1 *= F2_053;
    tmp2 *= F3_072;
    tmp3 *= F1_501;
    z1 *= -F0_899;
    z2 *= -F2_562;
    z3 = z3 * -F1_961 + z5;
    z4 = z4 * -F0_390 + z5;
    tmp0 += z1 + z3;
    tmp1 += z2 + z4;
    tmp2 += z2 + z3;
    tmp3 += z1 + z4;
    // The clamped array does libjpeg's range limiting.
    out[o] = ((tmp10 + tmp3 + round2) >> pass2) + 128;
    out[o + 7] = ((tmp10 - tmp3 + round2) >> pass2) + 128;
    out[o + 1] = ((tmp11 + tmp2 + round2) >> pass2) + 128;
    out[o + 6] = ((tmp11 - tmp2 + round2) >> pass2) + 128;
    out[o + 2] = ((tmp12 + tmp1 + round2) >> pass2) + 128;
    out[o + 5] = ((tmp12 - tmp1 + round2) >> pass2) + 128;
    out[o + 3] = ((tmp13 + tmp0 + round2) >> pass2) + 128;
    out[o + 4] = ((tmp13 - tmp0 + round2) >> pass2) + 128;
  }
}

const coefficients = new Int32Array(64);

/** Decodes one 8×8 block of `component` at block row `row`, block column `col`. */
function decodeBlock(
  reader: BitReader,
  component: Component,
  quant: Uint16Array,
  row: number,
  col: number,
) {
  const coef = coefficients.fill(0);
  const t = reader.decode(component.dcTable!);
  component.prediction += t === 0 ? 0 : extend(reader.receive(t), t);
  coef[0] = component.prediction * quant[0];
  for (let k = 1; k < 64;) {
    const rs = reader.decode(component.acTable!);
    const run = rs >> 4, size = rs & 15;
    if (size === 0) {
      if (run !== 15) break; // end of block
      k += 16;
      continue;
    }
    k += run;
    if (k > 63) break; // corrupt data: libjpeg ignores coefficients past the block
    coef[ZIGZAG[k]] = extend(reader.receive(size), size) * quant[k];
    k++;
  }
  idctIslow(coef, component.plane, row * 8 * component.stride + col * 8, component.stride);
}

/** The position of the next marker at or after `pos`, skipping stuffed bytes and restarts. */
function nextMarker(data: Uint8Array, pos: number): number {
  while (pos + 1 < data.length) {
    const next = data[pos + 1];
    if (data[pos] === 0xff && next !== 0 && next !== 0xff && (next & 0xf8) !== 0xd0) return pos;
    pos++;
  }
  return data.length;
}

/**
 * libjpeg's `h2v2_fancy_upsample`: doubles a chroma plane in both directions. Each output sample
 * weighs its nearest input 9/16, the two edge neighbours 3/16 each and the diagonal one 1/16, with
 * the edge samples replicated; libjpeg's rounding alternates between the two outputs of a pair.
 */
function fancyUpsample2x2(c: Component): Int32Array {
  const { width: cw, height: ch, plane, stride } = c;
  const outWidth = 2 * cw, out = new Int32Array(outWidth * 2 * ch);
  const colsum = new Int32Array(cw);
  for (let r = 0; r < ch; r++) {
    for (let half = 0; half < 2; half++) {
      const far = half === 0 ? Math.max(r - 1, 0) : Math.min(r + 1, ch - 1);
      for (let x = 0; x < cw; x++) colsum[x] = 3 * plane[r * stride + x] + plane[far * stride + x];
      const row = (2 * r + half) * outWidth;
      for (let x = 0; x < cw; x++) {
        const here = 3 * colsum[x];
        out[row + 2 * x] = (here + colsum[Math.max(x - 1, 0)] + 8) >> 4;
        out[row + 2 * x + 1] = (here + colsum[Math.min(x + 1, cw - 1)] + 7) >> 4;
      }
    }
  }
  return out;
}

/** libjpeg's `h2v2_upsample` (used for planes two samples wide or less): each value fills 2×2. */
function plainUpsample2x2(c: Component): Int32Array {
  const outWidth = 2 * c.width, out = new Int32Array(outWidth * 2 * c.height);
  for (let y = 0; y < 2 * c.height; y++) {
    for (let x = 0; x < outWidth; x++) {
      out[y * outWidth + x] = c.plane[(y >> 1) * c.stride + (x >> 1)];
    }
  }
  return out;
}

// jdcolor.c's fixed-point YCbCr-to-RGB constants: 16 fraction bits, rounded.
const FIX_R_CR = Math.round(1.402 * 65536), FIX_B_CB = Math.round(1.772 * 65536);
const FIX_G_CB = Math.round(0.34414 * 65536), FIX_G_CR = Math.round(0.71414 * 65536);
const HALF = 1 << 15;

/** The parsed frame: image size and components. */
interface Frame {
  readonly width: number;
  readonly height: number;
  readonly components: Component[];
  readonly hmax: number;
  readonly vmax: number;
}

function parseFrame(segment: Uint8Array, fail: (why: string) => never): Frame {
  if (segment[0] !== 8) fail(`it has ${segment[0]}-bit samples; only 8-bit is supported`);
  const height = (segment[1] << 8) | segment[2], width = (segment[3] << 8) | segment[4];
  const count = segment[5];
  if (width === 0 || height === 0) fail("its frame has no size");
  const raw = Array.from({ length: count }, (_, i) => ({
    id: segment[6 + 3 * i],
    h: segment[7 + 3 * i] >> 4,
    v: segment[7 + 3 * i] & 15,
    quantTable: segment[8 + 3 * i],
  }));
  const hmax = Math.max(...raw.map((c) => c.h)), vmax = Math.max(...raw.map((c) => c.v));
  const mcusPerLine = Math.ceil(width / (8 * hmax)), mcuRows = Math.ceil(height / (8 * vmax));
  const components = raw.map((c) => {
    const stride = mcusPerLine * c.h * 8;
    return {
      ...c,
      width: Math.ceil((width * c.h) / hmax),
      height: Math.ceil((height * c.v) / vmax),
      plane: new Uint8ClampedArray(stride * mcuRows * c.v * 8),
      stride,
      dcTable: null,
      acTable: null,
      prediction: 0,
    };
  });
  return { width, height, components, hmax, vmax };
}

/**
 * Decodes an RGB JPEG of `height`×`width` pixels into `out` at `offset`, channels first: all red
 * bytes, then green, then blue (`[3, H, W]`), the layout convolutions take. The bytes equal
 * libjpeg's default decode (islow DCT, fancy upsampling), as PIL and torchvision return it.
 *
 * @throws when the bytes are not such a JPEG; the message names `what`.
 */
export function decodeJpegChw(
  jpeg: Uint8Array,
  out: Uint8Array,
  offset: number,
  height: number,
  width: number,
  what: string,
): void {
  const fail = (why: string): never => {
    throw new Error(`${what} cannot be decoded: ${why}`);
  };
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) fail("it does not start like a JPEG");
  const quant: Uint16Array[] = [], dc: Huffman[] = [], ac: Huffman[] = [];
  let frame: Frame | null = null, restartInterval = 0;
  for (let at = 2; at + 1 < jpeg.length;) {
    if (jpeg[at] !== 0xff) fail(`expected a marker at byte ${at}`);
    const marker = jpeg[at + 1];
    at += 2;
    if (marker === 0xff) { // fill byte before a marker
      at--;
      continue;
    }
    if (marker === 0xd9) break; // end of image
    if ((marker & 0xf8) === 0xd0 || marker === 0x01) continue; // markers without a segment
    const length = (jpeg[at] << 8) | jpeg[at + 1];
    const segment = jpeg.subarray(at + 2, at + length);
    at += length;
    if (marker === 0xdb) { // quantization tables
      for (let p = 0; p < segment.length;) {
        const wide = segment[p] >> 4, id = segment[p] & 15;
        const table = new Uint16Array(64);
        for (let k = 0; k < 64; k++) {
          table[k] = wide
            ? (segment[p + 1 + 2 * k] << 8) | segment[p + 2 + 2 * k]
            : segment[p + 1 + k];
        }
        quant[id] = table;
        p += 1 + 64 * (wide ? 2 : 1);
      }
    } else if (marker === 0xc4) { // Huffman tables
      for (let p = 0; p < segment.length;) {
        const counts = segment.subarray(p + 1, p + 17);
        const total = counts.reduce((a, b) => a + b, 0);
        const table = buildHuffman(counts, segment.slice(p + 17, p + 17 + total));
        (segment[p] >> 4 === 0 ? dc : ac)[segment[p] & 15] = table;
        p += 17 + total;
      }
    } else if (marker === 0xc0 || marker === 0xc1) { // baseline or extended sequential frame
      frame = parseFrame(segment, fail);
    } else if (marker >= 0xc2 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xcc) {
      fail(
        `its frame type 0x${
          marker.toString(16)
        } (progressive, lossless or arithmetic) is unsupported`,
      );
    } else if (marker === 0xdd) {
      restartInterval = (segment[0] << 8) | segment[1];
    } else if (marker === 0xda) {
      if (!frame) fail("a scan comes before the frame header");
      at = decodeScan(jpeg, at, segment, frame!, quant, dc, ac, restartInterval, fail);
    }
  }
  if (!frame) fail("it has no frame header");
  toRgb(frame!, out, offset, height, width, fail);
}

/** Decodes the scan whose header is `segment` and whose data starts at `at`; returns the end. */
function decodeScan(
  jpeg: Uint8Array,
  at: number,
  segment: Uint8Array,
  frame: Frame,
  quant: Uint16Array[],
  dc: Huffman[],
  ac: Huffman[],
  restartInterval: number,
  fail: (why: string) => never,
): number {
  const scan = Array.from({ length: segment[0] }, (_, i) => {
    const component = frame.components.find((c) => c.id === segment[1 + 2 * i]);
    if (!component) return fail(`a scan names the unknown component ${segment[1 + 2 * i]}`);
    component.dcTable = dc[segment[2 + 2 * i] >> 4] ?? fail("a scan uses a missing DC table");
    component.acTable = ac[segment[2 + 2 * i] & 15] ?? fail("a scan uses a missing AC table");
    component.prediction = 0;
    return component;
  });
  const tables = scan.map((c) => quant[c.quantTable] ?? fail("a component's table is missing"));
  const reader = new BitReader(jpeg, at);
  // A scan of one component walks its own blocks; an interleaved scan walks whole MCUs.
  const single = scan.length === 1;
  const columns = single ? Math.ceil(scan[0].width / 8) : Math.ceil(frame.width / (8 * frame.hmax));
  const rows = single ? Math.ceil(scan[0].height / 8) : Math.ceil(frame.height / (8 * frame.vmax));
  for (let mcu = 0; mcu < rows * columns; mcu++) {
    if (restartInterval && mcu > 0 && mcu % restartInterval === 0) {
      reader.restart();
      for (const c of scan) c.prediction = 0;
    }
    const row = Math.floor(mcu / columns), col = mcu % columns;
    scan.forEach((c, i) => {
      if (single) return decodeBlock(reader, c, tables[i], row, col);
      for (let y = 0; y < c.v; y++) {
        for (let x = 0; x < c.h; x++) {
          decodeBlock(reader, c, tables[i], row * c.v + y, col * c.h + x);
        }
      }
    });
  }
  return nextMarker(jpeg, reader.pos);
}

/** Upsamples the chroma and converts to RGB, channels first. */
function toRgb(
  frame: Frame,
  out: Uint8Array,
  offset: number,
  height: number,
  width: number,
  fail: (why: string) => never,
) {
  if (frame.width !== width || frame.height !== height) {
    fail(`it is ${frame.width}×${frame.height}, expected ${width}×${height}`);
  }
  if (frame.components.length !== 3) {
    fail(`it has ${frame.components.length} colour components, not 3`);
  }
  const [y, cb, cr] = frame.components;
  const subsampled = y.h === 2 && y.v === 2 && [cb, cr].every((c) => c.h === 1 && c.v === 1);
  const same = frame.components.every((c) => c.h === y.h && c.v === y.v);
  if (!subsampled && !same) {
    fail(
      `its chroma sampling ${frame.components.map((c) => `${c.h}×${c.v}`).join(", ")} is ` +
        "unsupported (only 4:4:4 and 4:2:0)",
    );
  }
  let blue: ArrayLike<number> = cb.plane, red: ArrayLike<number> = cr.plane;
  let chromaStride = cb.stride;
  if (subsampled) {
    // libjpeg interpolates only planes wider than two samples.
    const upsample = cb.width > 2 ? fancyUpsample2x2 : plainUpsample2x2;
    [blue, red, chromaStride] = [upsample(cb), upsample(cr), 2 * cb.width];
  }
  const pixels = height * width;
  // The clamped view does libjpeg's range limiting of the results.
  const rgb = new Uint8ClampedArray(out.buffer, out.byteOffset + offset, 3 * pixels);
  for (let row = 0; row < height; row++) {
    for (let x = 0; x < width; x++) {
      const p = row * width + x, luma = y.plane[row * y.stride + x];
      const b = blue[row * chromaStride + x] - 128, r = red[row * chromaStride + x] - 128;
      rgb[p] = luma + ((FIX_R_CR * r + HALF) >> 16);
      rgb[pixels + p] = luma + ((-FIX_G_CB * b - FIX_G_CR * r + HALF) >> 16);
      rgb[2 * pixels + p] = luma + ((FIX_B_CB * b + HALF) >> 16);
    }
  }
}
