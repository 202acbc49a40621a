/**
 * Joining, padding and indexing kernels of the `webgpu` backend: concat, pad, gather and its
 * adjoint scatterAdd. Every output element is written by exactly one thread (WGSL has no float
 * atomics), and every input is read in place through its view. Semantics follow the reference
 * kernels in `lib/backend/cpu/concat.ts` and `lib/backend/cpu/gather.ts`, except for range checks:
 *
 * **Out-of-range indices.** The reference throws for an index outside `[0, size)`. A GPU kernel
 * cannot throw, and checking on the host would need a synchronous read of the indices, which this
 * backend cannot do. So gather writes a poison value instead of reading out of bounds (NaN for
 * float32, 0 for int32, never a clamped neighbour), and scatterAdd drops updates whose index
 * matches no output slot. Callers that must reject bad indices on every backend have to check
 * elsewhere.
 *
 * @module
 */

import type { KernelOutput, Kernels, TensorInfo } from "../contract.ts";
import { collapse } from "../../tensor/layout.ts";
import { sizeOf } from "../../tensor/shape.ts";
import { floatBits } from "./command_batch.ts";
import { wgslType } from "./elementwise.ts";
import { gpuRuntime, WORKGROUP } from "./runtime.ts";
import { bufferOf } from "./storage.ts";
import { SCALARS, SHAPE, VIEW, viewWords } from "./views.ts";

/** The most dimensions one segment (see {@link segmentWords}) may keep after collapsing. */
const SEGMENT_RANK = 6;
/** Parameter words of one segment: its rank, then an (extent, stride) pair per dimension. */
const SEGMENT_WORDS = 1 + 2 * SEGMENT_RANK;

/** The bits of a quiet NaN, which gather writes for an out-of-range index into float32 data. */
const NAN_BITS = 0x7fc00000;

/**
 * Words that describe part of a view (some of its dimensions, without its offset) to the WGSL
 * `segOffset`: gather and scatterAdd address the dimensions before, at and after the axis
 * separately, so each part is collapsed on its own.
 */
function segmentWords(
  shape: readonly number[],
  strides: readonly number[],
  op: string,
): number[] {
  const walk = collapse(shape, [strides]);
  if (walk.shape.length > SEGMENT_RANK) {
    throw new Error(
      `webgpu ${op}: dimensions [${shape}] of a view do not merge into ${SEGMENT_RANK} or fewer; ` +
        "make it contiguous first (x.contiguous())",
    );
  }
  return [walk.shape.length, ...walk.shape.flatMap((d, i) => [d, walk.strides[0][i]])];
}

/** WGSL of `segOffset(i, at)`: the offset of element i (row-major) of the segment at word `at`. */
const SEGMENT_WGSL = `
fn segOffset(i: u32, at: u32) -> u32 {
  var rest = i;
  var off = 0u;
  for (var d = i32(word(at)) - 1; d >= 0; d--) {
    let n = word(at + 1u + 2u * u32(d));
    off += (rest % n) * word(at + 2u + 2u * u32(d));
    rest /= n;
  }
  return off;
}`;

/** A compute entry of one thread per output element `i` (guarded by word 0), running `body`. */
function entry(body: string): string {
  return `@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = linearId(gid, groups, ${WORKGROUP}u);
  if (i >= word(0u)) { return; }
  ${body}
}`;
}

// Copies move bits, so one u32 shader serves float32 and int32 alike.
const CONCAT_SHADER = `
@group(0) @binding(1) var<storage, read> x: array<u32>;
@group(0) @binding(2) var<storage, read_write> y: array<u32>;
${
  entry(`let run = word(${SCALARS}u);
  let dst = (i / run) * word(${SCALARS + 1}u) + word(${SCALARS + 2}u) + i % run;
  y[dst] = x[viewOffset(i, ${SHAPE}u, word(1u), ${VIEW}u)];`)
}`;

/**
 * Concatenates along `axis` with one dispatch per input, each copying its input into that input's
 * slab of the output: any number of inputs fits, where binding them all at once would stop at the
 * storage-buffer limit.
 */
export function concat(xs: readonly TensorInfo[], axis: number): KernelOutput {
  const rt = gpuRuntime();
  const first = xs[0];
  const inner = sizeOf(first.shape.slice(axis + 1));
  const total = xs.reduce((n, x) => n + x.shape[axis], 0);
  const shape = first.shape.map((d, i) => (i === axis ? total : d));
  const out = rt.output(shape, first.dtype, "concat");
  let start = 0;
  for (const x of xs) {
    const count = sizeOf(x.shape);
    if (count > 0) {
      const words = viewWords(x.shape, [x]);
      words.push(x.shape[axis] * inner, total * inner, start * inner);
      rt.run(CONCAT_SHADER, [bufferOf(x.storage), bufferOf(out.storage)], words, count);
    }
    start += x.shape[axis];
  }
  return out;
}

/** The most dimensions pad handles after merging: four words each after four fixed words. */
const PAD_RANK = 15;

// Words: count, rank, fill bits, x's offset, then per dimension (output extent, before, x's
// extent, x's stride). `c - before` wraps below zero, so one comparison finds both margins.
const PAD_SHADER = `
@group(0) @binding(1) var<storage, read> x: array<u32>;
@group(0) @binding(2) var<storage, read_write> y: array<u32>;
${
  entry(`var rest = i;
  var at = word(3u);
  var inside = true;
  for (var d = i32(word(1u)) - 1; d >= 0; d--) {
    let w = 4u + 4u * u32(d);
    let k = rest % word(w) - word(w + 1u);
    rest /= word(w);
    inside = inside && k < word(w + 2u);
    at += k * word(w + 3u);
  }
  if (inside) { y[i] = x[at]; } else { y[i] = word(2u); }`)
}`;

/**
 * Pad's per-dimension words, innermost dimensions merged outward: a dimension merges into the one
 * inside it when that one is unpadded and x steps over both as one, and unpadded size-1 dimensions
 * are dropped. A merged dimension keeps the outer one's margins, scaled by the inner extent.
 */
function padDims(x: TensorInfo, paddings: readonly (readonly [number, number])[]): number[][] {
  const dims: number[][] = []; // [output extent, before, x extent, x stride], innermost first
  let innerPadded = true;
  for (let d = x.shape.length - 1; d >= 0; d--) {
    const [before, after] = paddings[d];
    const n = x.shape[d];
    if (n === 1 && before === 0 && after === 0) continue;
    const inner = dims[dims.length - 1];
    if (inner && !innerPadded && x.strides[d] === inner[3] * inner[2]) {
      const f = inner[2];
      dims[dims.length - 1] = [(before + n + after) * f, before * f, n * f, inner[3]];
    } else {
      dims.push([before + n + after, before, n, x.strides[d]]);
    }
    innerPadded = before > 0 || after > 0;
  }
  return dims.reverse();
}

/** Pads each dimension with `value`; one thread per output element reads x or writes the value. */
export function pad(
  x: TensorInfo,
  paddings: readonly (readonly [number, number])[],
  value: number,
): KernelOutput {
  const rt = gpuRuntime();
  const shape = x.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
  const out = rt.output(shape, x.dtype, "pad");
  const dims = padDims(x, paddings);
  if (dims.length > PAD_RANK) {
    throw new Error(
      `webgpu pad: a view of shape [${x.shape}] keeps ${dims.length} dimensions after merging; ` +
        `at most ${PAD_RANK} are supported`,
    );
  }
  const fill = x.dtype === "int32" ? value | 0 : floatBits(value);
  const words = [sizeOf(shape), dims.length, fill >>> 0, x.offset, ...dims.flat()];
  rt.run(PAD_SHADER, [bufferOf(x.storage), bufferOf(out.storage)], words, sizeOf(shape));
  return out;
}

/** Scalar words before the first segment of gather and scatterAdd. */
const SEGMENT_SCALARS = 8;
/** Word offsets of gather's and scatterAdd's segments A, B, C, D. */
const SEG_A = SEGMENT_SCALARS, SEG_B = SEG_A + SEGMENT_WORDS, SEG_C = SEG_B + SEGMENT_WORDS;
const SEG_D = SEG_C + SEGMENT_WORDS;

/** Parameter words of up to eight `scalars` followed by `segments` at SEG_A, SEG_B, … */
function segmentLayout(scalars: readonly number[], segments: readonly number[][]): number[] {
  const words = new Array<number>(SEGMENT_SCALARS + segments.length * SEGMENT_WORDS).fill(0);
  scalars.forEach((w, k) => words[k] = w);
  segments.forEach((seg, k) => seg.forEach((w, i) => words[SEG_A + k * SEGMENT_WORDS + i] = w));
  return words;
}

// Output [outer, J, inner]. Words: count, J, inner, len, x's axis stride, x's offset, the indices'
// offset, the poison bits; segments: x before the axis, x after it, the indices.
const GATHER_SHADER = `
@group(0) @binding(1) var<storage, read> x: array<u32>;
@group(0) @binding(2) var<storage, read_write> y: array<u32>;
@group(0) @binding(3) var<storage, read> indices: array<i32>;
${SEGMENT_WGSL}
${
  entry(`let r = i % word(2u);
  let q = i / word(2u);
  let j = q % word(1u);
  let o = q / word(1u);
  let index = indices[word(6u) + segOffset(j, ${SEG_C}u)];
  if (index < 0 || u32(index) >= word(3u)) { y[i] = word(7u); return; }
  y[i] = x[word(5u) + segOffset(o, ${SEG_A}u) + u32(index) * word(4u) + segOffset(r, ${SEG_B}u)];`)
}`;

/**
 * Picks slices of `x` along `axis` at int32 `indices`, one thread per output element. An index out
 * of range gives NaN (float32) or 0 (int32) instead of an error: see the module notes.
 */
export function gather(x: TensorInfo, indices: TensorInfo, axis: number): KernelOutput {
  const rt = gpuRuntime();
  const count = sizeOf(indices.shape);
  const inner = sizeOf(x.shape.slice(axis + 1));
  const shape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
  const out = rt.output(shape, x.dtype, "gather");
  const words = segmentLayout([
    sizeOf(shape),
    count,
    inner,
    x.shape[axis],
    x.strides[axis],
    x.offset,
    indices.offset,
    x.dtype === "int32" ? 0 : NAN_BITS,
  ], [
    segmentWords(x.shape.slice(0, axis), x.strides.slice(0, axis), "gather"),
    segmentWords(x.shape.slice(axis + 1), x.strides.slice(axis + 1), "gather"),
    segmentWords(indices.shape, indices.strides, "gather"),
  ]);
  rt.run(
    GATHER_SHADER,
    [bufferOf(x.storage), bufferOf(out.storage), bufferOf(indices.storage)],
    words,
    sizeOf(shape),
  );
  return out;
}

/**
 * scatterAdd's shader for an element type. Output [outer, size, inner]; words: count, J, inner,
 * size, the updates' offset, the indices' offset; segments: updates before the index dimensions,
 * updates over them, updates after them, the indices. Each thread sums, in index order as the
 * reference does, the updates whose index names its slot.
 */
function scatterShader(type: string): string {
  return `
@group(0) @binding(1) var<storage, read> updates: array<${type}>;
@group(0) @binding(2) var<storage, read> indices: array<i32>;
@group(0) @binding(3) var<storage, read_write> y: array<${type}>;
${SEGMENT_WGSL}
${
    entry(`let r = i % word(2u);
  let q = i / word(2u);
  let slot = i32(q % word(3u));
  let base = word(4u) + segOffset(q / word(3u), ${SEG_A}u) + segOffset(r, ${SEG_C}u);
  var acc = ${type}(0);
  for (var j = 0u; j < word(1u); j++) {
    if (indices[word(5u) + segOffset(j, ${SEG_D}u)] == slot) {
      acc += updates[base + segOffset(j, ${SEG_B}u)];
    }
  }
  y[i] = acc;`)
  }`;
}

/**
 * The adjoint of gather: a zero tensor whose `axis` has length `size`, each slice of `updates`
 * added at its index. One thread per output element scans all the indices (O(size × count)
 * reads, no atomics), so repeated indices accumulate. An out-of-range index adds nowhere.
 */
export function scatterAdd(
  updates: TensorInfo,
  indices: TensorInfo,
  axis: number,
  size: number,
): KernelOutput {
  const rt = gpuRuntime();
  const rank = indices.shape.length;
  const inner = sizeOf(updates.shape.slice(axis + rank));
  const shape = [...updates.shape.slice(0, axis), size, ...updates.shape.slice(axis + rank)];
  const out = rt.output(shape, updates.dtype, "scatterAdd");
  const part = (from: number, to?: number) =>
    segmentWords(updates.shape.slice(from, to), updates.strides.slice(from, to), "scatterAdd");
  const words = segmentLayout(
    [sizeOf(shape), sizeOf(indices.shape), inner, size, updates.offset, indices.offset],
    [
      part(0, axis),
      part(axis, axis + rank),
      part(axis + rank),
      segmentWords(indices.shape, indices.strides, "scatterAdd"),
    ],
  );
  rt.run(
    scatterShader(wgslType(updates.dtype)),
    [bufferOf(updates.storage), bufferOf(indices.storage), bufferOf(out.storage)],
    words,
    sizeOf(shape),
  );
  return out;
}

/** The kernels of this module. */
export const indexingKernels: Partial<Kernels> = { concat, pad, gather, scatterAdd };
