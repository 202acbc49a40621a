/**
 * conv2d and its two adjoints on float32 contiguous NCHW tensors, as GEMM over column matrices
 * (im2col). A block of `nb` images is laid out as `col` [C·kH·kW, nb·OH·OW] (`assembly/conv.ts`),
 * and per group g, with P = OH·OW and K = C/groups·kH·kW:
 *
 * - forward: Y (O × nb·P) = W (O × K) · col, then one in-place pass over y for the bias and the
 *   activation, when asked (`bias_act_f32`);
 * - input gradient: dcol = Wᵀ · dY, then col2im sums dcol back into dX;
 * - filter gradient: dW (O × K) += dY (O × nb·P) · colᵀ, accumulated over the blocks.
 *
 * The GEMM reads and writes [O, nb·P], so a block of more than one image goes through a scratch
 * matrix that `to_rows_f32`/`from_rows_f32` convert from and to NCHW. Blocks are sized so the
 * column matrix stays near {@link COL_FLOATS}; small images batch many per GEMM, large ones go one
 * at a time. A 1×1, stride-1, unpadded convolution needs no columns: the image itself is the
 * column matrix, so it goes straight to the GEMM per image. The GEMM splits itself across the
 * pool; the column moves split over (image, channel) planes. Float64 and strided views run the
 * reference kernels.
 *
 * @module
 */

import type { Conv2dAttrs, Epilogue, KernelOutput, Kernels, TensorInfo } from "../contract.ts";
import { windowOutputSize } from "../../tensor/shape.ts";
import { allocOutput, allocUninitialized, viewAddress } from "../cpu/storage.ts";
import { allContiguousFloat32, allFloat32, withContiguous } from "./contiguous.ts";
import * as reference from "../cpu/conv.ts";
import { gemm } from "./gemm.ts";
import { heap } from "./heap.ts";
import { runTasks, splitRange } from "./pool.ts";

/** The column matrix's target size in floats (4 MiB): big enough for wide GEMMs, cache-friendly. */
const COL_FLOATS = 1 << 20;
/** Below this many floats moved, an im2col, col2im or layout change stays on the calling thread. */
const PARALLEL_FLOATS = 1 << 16;

/** Every size of one convolution. */
interface Geometry {
  n: number;
  c: number;
  h: number;
  w: number;
  o: number;
  groups: number;
  /** Input and output channels per group. */
  cg: number;
  og: number;
  kH: number;
  kW: number;
  oh: number;
  ow: number;
  /** Output positions per image. */
  p: number;
  /** Column rows per group: cg·kH·kW. */
  k: number;
}

/**
 * The sizes of convolving `x` with `filter`. The gradients pass `dy`'s shape: a transposed
 * convolution's output padding can make the image one row or column larger than the windows
 * reach, and like the reference kernels they then use only the windows `dy` has.
 */
function geometryOf(
  x: readonly number[],
  filter: readonly number[],
  a: Conv2dAttrs,
  dy?: readonly number[],
): Geometry {
  const [n, c, h, w] = x, [o, cg, kH, kW] = filter, [pt, pb, pl, pr] = a.padding;
  const oh = dy ? dy[2] : windowOutputSize(h, kH, a.stride[0], pt, pb, a.dilation[0]);
  const ow = dy ? dy[3] : windowOutputSize(w, kW, a.stride[1], pl, pr, a.dilation[1]);
  const og = o / a.groups;
  return { n, c, h, w, o, groups: a.groups, cg, og, kH, kW, oh, ow, p: oh * ow, k: cg * kH * kW };
}

/** Whether the convolution multiplies channels only: the input is its own column matrix. */
function pointwise(g: Geometry, a: Conv2dAttrs): boolean {
  return g.kH === 1 && g.kW === 1 && a.stride[0] === 1 && a.stride[1] === 1 &&
    a.padding.every((p) => p === 0);
}

/** Whether there is nothing to sum, so the result is all zeros. */
function empty(g: Geometry): boolean {
  return g.n * g.p === 0 || g.k === 0 || g.o === 0;
}

/** A float32 scratch block of `floats` elements, released by {@link Scratch.release}. */
class Scratch {
  readonly #blocks: [number, number][] = [];
  /** A block of `floats` float32 elements, or 0 when none are needed. */
  take(floats: number): number {
    if (floats === 0) return 0;
    const address = heap.alloc(floats * 4);
    this.#blocks.push([address, floats * 4]);
    return address;
  }
  /** Frees every block taken. */
  release(): void {
    for (const [address, bytes] of this.#blocks) heap.free(address, bytes);
  }
}

/** Images per block: as many as keep the column matrix near {@link COL_FLOATS}, at least one. */
function blockSize(g: Geometry): number {
  return Math.max(1, Math.min(g.n, Math.floor(COL_FLOATS / (g.groups * g.k * g.p))));
}

/** The im2col/col2im geometry block the assembly reads, written into scratch. */
function geometryBlock(g: Geometry, a: Conv2dAttrs, scratch: Scratch): number {
  const at = scratch.take(13);
  new Int32Array(heap.buffer, at, 13).set([
    g.c,
    g.h,
    g.w,
    g.kH,
    g.kW,
    ...a.stride,
    a.padding[0],
    a.padding[2],
    ...a.dilation,
    g.oh,
    g.ow,
  ]);
  return at;
}

/** Tasks over `[0, count)` items of `size` floats each: one when small, else split for the pool. */
function ranges(count: number, size: number): [number, number][] {
  if (count * size < 4 * PARALLEL_FLOATS) return [[0, count]];
  return splitRange(count, Math.ceil(PARALLEL_FLOATS / Math.max(size, 1)));
}

/** im2col of images [0, b) of the block at `x` into `col` (row stride b·P). */
function im2col(geom: number, g: Geometry, x: number, col: number, b: number): void {
  const tasks = ranges(b * g.c, g.kH * g.kW * g.p).map((
    [q0, q1],
  ) => [geom, x, col, b * g.p, q0, q1]);
  runTasks("conv", "im2col_f32", tasks);
}

/** col2im of `col` (row stride b·P) into images [0, b) of the block at `dx`. */
function col2im(geom: number, g: Geometry, col: number, dx: number, b: number): void {
  const tasks = ranges(b * g.c, g.kH * g.kW * g.p).map((
    [q0, q1],
  ) => [geom, col, dx, b * g.p, q0, q1]);
  runTasks("conv", "col2im_f32", tasks);
}

/** Moves `b` images of [rows, P] between NCHW (`images`) and [rows, b·P] (`matrix`). */
function relayout(
  fn: "to_rows_f32" | "from_rows_f32",
  dst: number,
  src: number,
  rows: number,
  p: number,
  b: number,
): void {
  runTasks("conv", fn, ranges(b, rows * p).map(([j0, j1]) => [dst, src, rows, p, b, j0, j1]));
}

/**
 * y[n, o, oh, ow] = Σ_{c, kh, kw} x[n, g·Cg + c, ih, iw] · w[o, c, kh, kw] by the GEMMs, then the
 * epilogue's act(y + b[o]) in one in-place pass over y.
 */
export function conv2d(
  x: TensorInfo,
  w: TensorInfo,
  a: Conv2dAttrs,
  epilogue?: Epilogue,
): KernelOutput {
  const bias = epilogue?.bias ?? null;
  const operands = bias ? [x, w, bias] : [x, w];
  if (!allFloat32(...operands)) return reference.conv2d(x, w, a, epilogue);
  if (!allContiguousFloat32(...operands)) {
    return withContiguous(
      operands,
      ([cx, cw, cb]) => conv2d(cx, cw, a, epilogue && { ...epilogue, bias: cb ?? null }),
    );
  }
  const g = geometryOf(x.shape, w.shape, a);
  const shape = [g.n, g.o, g.oh, g.ow];
  // With nothing to sum the convolution is zero, and the epilogue still adds the bias.
  const { out, values } = empty(g)
    ? allocOutput(shape, "float32")
    : allocUninitialized(shape, "float32");
  const yAt = values.byteOffset;
  if (!empty(g)) {
    if (pointwise(g, a)) forwardPointwise(g, viewAddress(x), viewAddress(w), yAt);
    else forwardColumns(g, a, viewAddress(x), viewAddress(w), yAt);
  }
  if (epilogue) {
    const args = [
      yAt,
      bias ? viewAddress(bias) : 0,
      bias ? 1 : 0,
      +(epilogue.activation === "relu"),
    ];
    const tasks = ranges(g.n * g.o, g.p).map(([j0, j1]) => [...args, g.o, g.p, j0, j1]);
    runTasks("conv", "bias_act_f32", tasks);
  }
  return out;
}

/** The forward GEMMs of a pointwise convolution: per image and group, Y = W · X. */
function forwardPointwise(g: Geometry, xAt: number, wAt: number, yAt: number): void {
  const f = 4; // bytes per float
  for (let n = 0; n < g.n; n++) {
    for (let grp = 0; grp < g.groups; grp++) {
      gemm({
        a: wAt + grp * g.og * g.k * f,
        b: xAt + (n * g.c + grp * g.cg) * g.p * f,
        c: yAt + (n * g.o + grp * g.og) * g.p * f,
        m: g.og,
        n: g.p,
        k: g.k,
        lda: g.k,
        ldb: g.p,
        ldc: g.p,
        transA: false,
        transB: false,
        accumulate: false,
      });
    }
  }
}

/** The forward GEMMs over column matrices, a block of images at a time. */
function forwardColumns(g: Geometry, a: Conv2dAttrs, xAt: number, wAt: number, yAt: number): void {
  const f = 4;
  const scratch = new Scratch();
  try {
    const nb = blockSize(g), geom = geometryBlock(g, a, scratch);
    const col = scratch.take(g.groups * g.k * nb * g.p);
    const rows = scratch.take(nb > 1 ? g.o * nb * g.p : 0);
    for (let n0 = 0; n0 < g.n; n0 += nb) {
      const b = Math.min(nb, g.n - n0), ld = b * g.p;
      const yBlock = yAt + n0 * g.o * g.p * f;
      im2col(geom, g, xAt + n0 * g.c * g.h * g.w * f, col, b);
      const target = b > 1 ? rows : yBlock;
      for (let grp = 0; grp < g.groups; grp++) {
        gemm({
          a: wAt + grp * g.og * g.k * f,
          b: col + grp * g.k * ld * f,
          c: target + grp * g.og * ld * f,
          m: g.og,
          n: ld,
          k: g.k,
          lda: g.k,
          ldb: ld,
          ldc: ld,
          transA: false,
          transB: false,
          accumulate: false,
        });
      }
      if (b > 1) relayout("from_rows_f32", yBlock, rows, g.o, g.p, b);
    }
  } finally {
    scratch.release();
  }
}

/** dx[n, g·Cg + c, ih, iw] = Σ dy[n, o, oh, ow] · w[o, c, kh, kw]: conv2d's adjoint in x. */
export function conv2dBackpropInput(
  dy: TensorInfo,
  w: TensorInfo,
  inputShape: readonly number[],
  a: Conv2dAttrs,
): KernelOutput {
  if (!allFloat32(dy, w)) return reference.conv2dBackpropInput(dy, w, inputShape, a);
  if (!allContiguousFloat32(dy, w)) {
    return withContiguous([dy, w], ([cdy, cw]) => conv2dBackpropInput(cdy, cw, inputShape, a));
  }
  const g = geometryOf(inputShape, w.shape, a, dy.shape);
  if (empty(g)) return allocOutput(inputShape, "float32").out;
  const { out, values } = allocUninitialized(inputShape, "float32");
  const dyAt = viewAddress(dy), wAt = viewAddress(w), dxAt = values.byteOffset;
  const f = 4;
  if (pointwise(g, a)) {
    for (let n = 0; n < g.n; n++) {
      for (let grp = 0; grp < g.groups; grp++) {
        gemm({
          a: wAt + grp * g.og * g.k * f,
          b: dyAt + (n * g.o + grp * g.og) * g.p * f,
          c: dxAt + (n * g.c + grp * g.cg) * g.p * f,
          m: g.k,
          n: g.p,
          k: g.og,
          lda: g.k,
          ldb: g.p,
          ldc: g.p,
          transA: true,
          transB: false,
          accumulate: false,
        });
      }
    }
    return out;
  }
  const scratch = new Scratch();
  try {
    const nb = blockSize(g), geom = geometryBlock(g, a, scratch);
    const col = scratch.take(g.groups * g.k * nb * g.p);
    const rows = scratch.take(nb > 1 ? g.o * nb * g.p : 0);
    for (let n0 = 0; n0 < g.n; n0 += nb) {
      const b = Math.min(nb, g.n - n0), ld = b * g.p;
      const dyBlock = dyAt + n0 * g.o * g.p * f;
      if (b > 1) relayout("to_rows_f32", rows, dyBlock, g.o, g.p, b);
      const source = b > 1 ? rows : dyBlock;
      for (let grp = 0; grp < g.groups; grp++) {
        gemm({
          a: wAt + grp * g.og * g.k * f,
          b: source + grp * g.og * ld * f,
          c: col + grp * g.k * ld * f,
          m: g.k,
          n: ld,
          k: g.og,
          lda: g.k,
          ldb: ld,
          ldc: ld,
          transA: true,
          transB: false,
          accumulate: false,
        });
      }
      col2im(geom, g, col, dxAt + n0 * g.c * g.h * g.w * f, b);
    }
  } finally {
    scratch.release();
  }
  return out;
}

/** dw[o, c, kh, kw] = Σ x[n, g·Cg + c, ih, iw] · dy[n, o, oh, ow]: conv2d's adjoint in w. */
export function conv2dBackpropFilter(
  x: TensorInfo,
  dy: TensorInfo,
  filterShape: readonly number[],
  a: Conv2dAttrs,
): KernelOutput {
  if (!allFloat32(x, dy)) return reference.conv2dBackpropFilter(x, dy, filterShape, a);
  if (!allContiguousFloat32(x, dy)) {
    return withContiguous([x, dy], ([cx, cdy]) => conv2dBackpropFilter(cx, cdy, filterShape, a));
  }
  const g = geometryOf(x.shape, filterShape, a, dy.shape);
  if (empty(g)) return allocOutput(filterShape, "float32").out;
  const { out, values } = allocUninitialized(filterShape, "float32");
  const xAt = viewAddress(x), dyAt = viewAddress(dy), dwAt = values.byteOffset;
  const f = 4;
  if (pointwise(g, a)) {
    for (let n = 0; n < g.n; n++) {
      for (let grp = 0; grp < g.groups; grp++) {
        gemm({
          a: dyAt + (n * g.o + grp * g.og) * g.p * f,
          b: xAt + (n * g.c + grp * g.cg) * g.p * f,
          c: dwAt + grp * g.og * g.k * f,
          m: g.og,
          n: g.k,
          k: g.p,
          lda: g.p,
          ldb: g.p,
          ldc: g.k,
          transA: false,
          transB: true,
          accumulate: n > 0,
        });
      }
    }
    return out;
  }
  const scratch = new Scratch();
  try {
    const nb = blockSize(g), geom = geometryBlock(g, a, scratch);
    const col = scratch.take(g.groups * g.k * nb * g.p);
    const rows = scratch.take(nb > 1 ? g.o * nb * g.p : 0);
    for (let n0 = 0; n0 < g.n; n0 += nb) {
      const b = Math.min(nb, g.n - n0), ld = b * g.p;
      const dyBlock = dyAt + n0 * g.o * g.p * f;
      im2col(geom, g, xAt + n0 * g.c * g.h * g.w * f, col, b);
      if (b > 1) relayout("to_rows_f32", rows, dyBlock, g.o, g.p, b);
      const source = b > 1 ? rows : dyBlock;
      for (let grp = 0; grp < g.groups; grp++) {
        gemm({
          a: source + grp * g.og * ld * f,
          b: col + grp * g.k * ld * f,
          c: dwAt + grp * g.og * g.k * f,
          m: g.og,
          n: g.k,
          k: ld,
          lda: ld,
          ldb: ld,
          ldc: g.k,
          transA: false,
          transB: true,
          accumulate: n0 > 0,
        });
      }
    }
  } finally {
    scratch.release();
  }
  return out;
}

/** The kernels of this module. */
export const convKernels: Partial<Kernels> = {
  conv2d,
  conv2dBackpropInput,
  conv2dBackpropFilter,
};
