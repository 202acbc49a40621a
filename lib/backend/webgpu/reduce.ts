/**
 * Reduction kernels of the `webgpu` backend: sum, max and min over any set of axes, and
 * argmax/argmin along one. Semantics, including NaN handling, follow the reference kernels in
 * `lib/backend/cpu/reduce.ts`.
 *
 * The input's shape splits into kept dimensions (one output each) and reduced ones. Each output's
 * reduction is a *segment* of `SEGMENT_THREADS` threads: every thread folds a strided share of the
 * reduced elements (consecutive threads read consecutive elements), then the segment combines its
 * threads' values as a pairwise tree in workgroup memory. Short reductions pack several segments
 * into one workgroup; a long one is cut into chunks whose partial results a second pass reduces, so
 * no thread walks a long loop and the work spreads over many workgroups.
 *
 * @module
 */

import type { KernelOutput, Kernels, ReduceKernelName, TensorInfo } from "../contract.ts";
import type { DType } from "../../tensor/dtype.ts";
import { collapse } from "../../tensor/layout.ts";
import { reducedShape, sizeOf } from "../../tensor/shape.ts";
import { floatBits } from "./command_batch.ts";
import { fill, wgslType } from "./elementwise.ts";
import { MAX_RANK, WGSL_IS_NAN_F32 } from "./prelude.ts";
import { gpuRuntime } from "./runtime.ts";
import { bufferOf } from "./storage.ts";

/** Threads per workgroup of the reduction kernels. */
const GROUP = 256;
/** Elements one segment reduces at most in one pass (16 per thread of a full segment). */
const CHUNK = GROUP * 16;

/** Parameter words of a reduction pass. */
const W = {
  /** Number of segments: outputs × chunks. */
  segments: 0,
  /** Rank, shape (MAX_RANK words), offset and strides of the kept dimensions. */
  keptRank: 1,
  keptShape: 2,
  keptView: 2 + MAX_RANK,
  /** Rank, shape, a zero offset and strides of the reduced dimensions. */
  redRank: 3 + 2 * MAX_RANK,
  redShape: 4 + 2 * MAX_RANK,
  redView: 4 + 3 * MAX_RANK,
  /** Reduced elements per output. */
  length: 5 + 4 * MAX_RANK,
  /** Chunks per output, and elements per chunk. */
  chunks: 6 + 4 * MAX_RANK,
  chunk: 7 + 4 * MAX_RANK,
  /** Bits of the reduction's identity. */
  identity: 8 + 4 * MAX_RANK,
  /** log2 of the threads per segment. */
  shift: 9 + 4 * MAX_RANK,
} as const;

/** Dimensions (collapsed) with their strides. */
interface Dims {
  readonly shape: readonly number[];
  readonly strides: readonly number[];
}

/** What one pass reads: a buffer, an element offset, the kept and the reduced dimensions. */
interface Layout {
  readonly buffer: GPUBuffer;
  readonly offset: number;
  readonly kept: Dims;
  readonly reduced: Dims;
}

/** Merges what merges of `shape`/`strides`; throws past {@link MAX_RANK} dimensions. */
function dims(shape: readonly number[], strides: readonly number[]): Dims {
  const walk = collapse(shape, [strides]);
  if (walk.shape.length > MAX_RANK) {
    throw new Error(
      `webgpu: reducing a view of shape [${shape}] needs ${walk.shape.length} dimensions that do ` +
        `not merge; kernels take at most ${MAX_RANK}. Reduce a contiguous copy (x.contiguous()).`,
    );
  }
  return { shape: walk.shape, strides: walk.strides[0] };
}

/** Splits a view into its kept dimensions and its reduced `axes`. */
function split(x: TensorInfo, axes: readonly number[]): Layout {
  const pick = (reduced: boolean) => {
    const idx = x.shape.map((_, i) => i).filter((i) => axes.includes(i) === reduced);
    return dims(idx.map((i) => x.shape[i]), idx.map((i) => x.strides[i]));
  };
  return { buffer: bufferOf(x.storage), offset: x.offset, kept: pick(false), reduced: pick(true) };
}

/** The parameter words of a pass over `layout`. */
function words(layout: Layout, segments: number, chunks: number, chunk: number): number[] {
  const w = new Array<number>(W.shift + 1).fill(0);
  w[W.segments] = segments;
  w[W.keptRank] = layout.kept.shape.length;
  w[W.keptView] = layout.offset;
  layout.kept.shape.forEach((d, i) => w[W.keptShape + i] = d);
  layout.kept.strides.forEach((s, i) => w[W.keptView + 1 + i] = s);
  w[W.redRank] = layout.reduced.shape.length;
  layout.reduced.shape.forEach((d, i) => w[W.redShape + i] = d);
  layout.reduced.strides.forEach((s, i) => w[W.redView + 1 + i] = s);
  w[W.length] = sizeOf(layout.reduced.shape);
  w[W.chunks] = chunks;
  w[W.chunk] = chunk;
  w[W.shift] = Math.log2(segmentThreads(Math.min(w[W.length], chunk)));
  return w;
}

/** Threads per segment for reductions of `length` elements: a power of two up to a workgroup. */
function segmentThreads(length: number): number {
  let t = 1;
  while (t < Math.min(length, GROUP)) t *= 2;
  return t;
}

/**
 * The WGSL head of a segmented pass: bindings, the threads per segment `t` (a parameter, so one
 * pipeline serves every length), the segment's index and lane, and `base`, the buffer offset of the
 * segment's output's first reduced element.
 */
function segmentHead(input: string, output: string, shared: string): string {
  return `@group(0) @binding(1) var<storage, read> x: array<${input}>;
@group(0) @binding(2) var<storage, read_write> y: array<${output}>;
${shared}
// The offset of reduced element r relative to its output's first.
fn reducedAt(r: u32) -> u32 {
  return viewOffset(r, ${W.redShape}u, word(${W.redRank}u), ${W.redView}u);
}
@compute @workgroup_size(${GROUP})
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) groups: vec3u,
  @builtin(local_invocation_index) lid: u32,
) {
  let shift = word(${W.shift}u);
  let t = 1u << shift;
  let seg = (wid.y * groups.x + wid.x) * (${GROUP}u >> shift) + (lid >> shift);
  let lane = lid & (t - 1u);
  let live = seg < word(${W.segments}u);
  let out = seg / word(${W.chunks}u);
  let start = (seg % word(${W.chunks}u)) * word(${W.chunk}u);
  let end = min(start + word(${W.chunk}u), word(${W.length}u));
  let base = viewOffset(out, ${W.keptShape}u, word(${W.keptRank}u), ${W.keptView}u);`;
}

/** `combine(a, b)` of each reduction, per WGSL type. */
const COMBINE: Record<ReduceKernelName, Record<string, string>> = {
  sum: { f32: "a + b", i32: "a + b" },
  // NaN wins, as with Math.max; checked by the bits because compilers may fold v != v.
  max: { f32: "select(max(a, b), a + b, isNan(a) || isNan(b))", i32: "max(a, b)" },
  min: { f32: "select(min(a, b), a + b, isNan(a) || isNan(b))", i32: "min(a, b)" },
};

/** `isNan` per WGSL type, so one shader text serves both (int32 has no NaN). */
const IS_NAN: Record<string, string> = {
  f32: WGSL_IS_NAN_F32,
  i32: "fn isNan(v: i32) -> bool { return false; }",
};

/**
 * Records `shader` over `layout` into `target`: each output's reduction cut into `chunks` segments
 * of `chunk` elements (the last may be shorter), one result per segment.
 */
function segmented(
  shader: string,
  layout: Layout,
  target: KernelOutput,
  chunks: number,
  chunk: number,
  identity: number,
): void {
  const segments = sizeOf(layout.kept.shape) * chunks;
  const w = words(layout, segments, chunks, chunk);
  w[W.identity] = identity;
  const perGroup = GROUP >> w[W.shift];
  const rt = gpuRuntime();
  rt.run(
    shader,
    [layout.buffer, bufferOf(target.storage)],
    w,
    Math.ceil(segments / perGroup) * GROUP,
    GROUP,
  );
}

/** The WGSL of a reduction pass. */
function reduceShader(op: ReduceKernelName, type: string): string {
  const shared = `var<workgroup> acc: array<${type}, ${GROUP}>;
${IS_NAN[type]}
fn combine(a: ${type}, b: ${type}) -> ${type} { return ${COMBINE[op][type]}; }`;
  return `${segmentHead(type, type, shared)}
  var a = bitcast<${type}>(word(${W.identity}u));
  if (live) {
    for (var r = start + lane; r < end; r += t) { a = combine(a, x[base + reducedAt(r)]); }
  }
  acc[lid] = a;
  workgroupBarrier();
  for (var s = t >> 1u; s > 0u; s >>= 1u) {
    if (lane < s) { acc[lid] = combine(acc[lid], acc[lid + s]); }
    workgroupBarrier();
  }
  if (live && lane == 0u) { y[seg] = acc[lid]; }
}`;
}

/** Bits of the identity of `op` on `dtype` (never a result: empty reductions are filled). */
function identityBits(op: ReduceKernelName, dtype: DType): number {
  if (dtype === "int32") {
    return op === "sum" ? 0 : op === "max" ? 0x80000000 : 0x7fffffff;
  }
  return floatBits(op === "sum" ? 0 : op === "max" ? -Infinity : Infinity);
}

/** Records the passes that reduce `layout` into a new tensor of `shape`. */
function reduceLayout(
  op: ReduceKernelName,
  dtype: DType,
  layout: Layout,
  shape: readonly number[],
): KernelOutput {
  const rt = gpuRuntime();
  const outputs = sizeOf(layout.kept.shape), length = sizeOf(layout.reduced.shape);
  const type = wgslType(dtype);
  const pass = (target: KernelOutput, chunks: number, chunk: number) =>
    segmented(reduceShader(op, type), layout, target, chunks, chunk, identityBits(op, dtype));
  if (length <= CHUNK) {
    const out = rt.output(shape, dtype, op);
    pass(out, 1, length);
    return out;
  }
  // Partials [outputs, chunks], reduced along their rows by the next pass.
  const chunks = Math.ceil(length / CHUNK);
  const partials = rt.output([outputs * chunks], dtype, op);
  pass(partials, chunks, CHUNK);
  const out = reduceLayout(op, dtype, {
    buffer: bufferOf(partials.storage),
    offset: 0,
    kept: { shape: [outputs], strides: [chunks] },
    reduced: { shape: [chunks], strides: [1] },
  }, shape);
  // Safe now: the passes recorded above run before any later use of the buffer.
  rt.pool.release(bufferOf(partials.storage));
  return out;
}

/** Reduces `axes` (sorted, distinct), keeping them as size 1. */
export function reduce(op: ReduceKernelName, x: TensorInfo, axes: readonly number[]): KernelOutput {
  const shape = reducedShape(x.shape, axes, true);
  if (sizeOf(axes.map((a) => x.shape[a])) === 0) {
    // The reference's value for an empty reduction (its int32 array turns ±Infinity into 0).
    return fill(shape, op === "sum" ? 0 : op === "max" ? -Infinity : Infinity, x.dtype);
  }
  return reduceLayout(op, x.dtype, split(x, axes), shape);
}

/** The WGSL of argmax/argmin. */
function argShader(op: "argmax" | "argmin", type: string): string {
  const shared = `var<workgroup> bestV: array<${type}, ${GROUP}>;
var<workgroup> bestI: array<u32, ${GROUP}>;
const NONE = 0xffffffffu;
${IS_NAN[type]}
// Whether candidate (vb, ib) beats (va, ia): a NaN beats any number and the first NaN stays;
// otherwise the strictly more extreme value, and on a tie the lower index.
fn beats(va: ${type}, ia: u32, vb: ${type}, ib: u32) -> bool {
  if (ib == NONE) { return false; }
  if (ia == NONE) { return true; }
  let na = isNan(va);
  let nb = isNan(vb);
  if (na || nb) { return nb && (!na || ib < ia); }
  if (vb ${op === "argmax" ? ">" : "<"} va) { return true; }
  return vb == va && ib < ia;
}`;
  return `${segmentHead(type, "i32", shared)}
  var v = x[0];
  var best = NONE;
  if (live) {
    for (var r = start + lane; r < end; r += t) {
      let c = x[base + reducedAt(r)];
      if (beats(v, best, c, r)) {
        v = c;
        best = r;
      }
    }
  }
  bestV[lid] = v;
  bestI[lid] = best;
  workgroupBarrier();
  for (var s = t >> 1u; s > 0u; s >>= 1u) {
    if (lane < s && beats(bestV[lid], bestI[lid], bestV[lid + s], bestI[lid + s])) {
      bestV[lid] = bestV[lid + s];
      bestI[lid] = bestI[lid + s];
    }
    workgroupBarrier();
  }
  if (live && lane == 0u) { y[seg] = select(i32(bestI[lid]), 0, bestI[lid] == NONE); }
}`;
}

/**
 * Index of the first extreme element along `axis` (a NaN wins and stays), as int32 with `axis`
 * kept as size 1. One pass: the axis is a class or feature dimension, rarely long.
 */
export function argReduce(op: "argmax" | "argmin", x: TensorInfo, axis: number): KernelOutput {
  const rt = gpuRuntime();
  const shape = reducedShape(x.shape, [axis], true);
  const length = x.shape[axis];
  if (length === 0) return fill(shape, 0, "int32");
  const out = rt.output(shape, "int32", op);
  segmented(argShader(op, wgslType(x.dtype)), split(x, [axis]), out, 1, length, 0);
  return out;
}

/** The kernels of this module. */
export const reduceKernels: Partial<Kernels> = { reduce, argReduce };
