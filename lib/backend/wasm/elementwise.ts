/**
 * Elementwise kernels on float32 in WASM SIMD (`assembly/elementwise.ts`): unary maps, leaky ReLU,
 * clip, binary arithmetic, comparisons, where and casts, split across the pool when large.
 *
 * Operands are read in place as views: their dimensions are first collapsed (size-1 dimensions
 * dropped, neighbours merged where every operand steps through them uniformly), which turns the
 * usual broadcasts (a scalar, a bias row repeated over a batch, a per-channel [1, C, 1, 1] operand)
 * into at most three dimensions with per-operand strides. Views that need more, `pow`, and other
 * dtypes (except where and casts) run the reference kernels.
 *
 * @module
 */

import type {
  BinaryKernelName,
  CompareKernelName,
  KernelOutput,
  Kernels,
  TensorInfo,
  UnaryKernelName,
} from "../contract.ts";
import type { DType } from "../../tensor/dtype.ts";
import { collapse, type Walk } from "../../tensor/layout.ts";
import { isContiguous, sizeOf } from "../../tensor/shape.ts";
import { allocUninitialized, viewAddress } from "../cpu/storage.ts";
import * as reference from "../cpu/elementwise.ts";
import { copy } from "./fill.ts";
import { runTasks, splitRange } from "./pool.ts";

/** Below this many elements a cheap map runs on the calling thread. */
const PARALLEL_ELEMENTS = 1 << 16;
/** The same for maps built on exp and log, which cost several times more per element. */
const PARALLEL_COSTLY = 1 << 13;

/** Codes of `unary_f32`; `pow`-like operations without a WASM version are absent. */
const UNARY_CODES: Record<UnaryKernelName, number> = {
  neg: 0,
  exp: 1,
  log: 2,
  sqrt: 3,
  abs: 4,
  sign: 5,
  relu: 6,
  sigmoid: 7,
  tanh: 8,
  softplus: 9,
};
const LEAKY_RELU = 10, CLIP = 11;
const COSTLY = new Set([1, 2, 7, 8, 9]);

/** Codes of `binary_f32`; `pow` stays with the reference (its special cases and accuracy). */
const BINARY_CODES: Partial<Record<BinaryKernelName | CompareKernelName, number>> = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  maximum: 4,
  minimum: 5,
  equal: 6,
  notEqual: 7,
  less: 8,
  lessEqual: 9,
  greater: 10,
  greaterEqual: 11,
};

/** `walk` padded with outer dimensions of extent 1 to `rank` dimensions. */
function padded(walk: Walk, rank: number): Walk {
  const extra = rank - walk.shape.length;
  return {
    shape: [...new Array(extra).fill(1), ...walk.shape],
    strides: walk.strides.map((s) => [...new Array(extra).fill(0), ...s]),
  };
}

/** Output ranges [start, end) for the tasks of a map over `total` elements. */
function ranges(total: number, costly: boolean): [number, number][] {
  const least = costly ? PARALLEL_COSTLY : PARALLEL_ELEMENTS;
  if (total === 0) return [];
  return total < least ? [[0, total]] : splitRange(total, least / 2, 16);
}

/** Runs `unary_f32` with code `code` and parameters p, q; null when the view is too awkward. */
function mapF32(x: TensorInfo, code: number, p = 0, q = 0): KernelOutput | null {
  const walk = collapse(x.shape, [x.strides]);
  if (walk.shape.length > 3) return null;
  const { shape: [, mid, inner], strides: [[so, sm, si]] } = padded(walk, 3);
  const { out, values } = allocUninitialized(x.shape, "float32");
  const at = values.byteOffset, src = viewAddress(x);
  runTasks(
    "elementwise",
    "unary_f32",
    ranges(values.length, COSTLY.has(code))
      .map(([s, e]) => [code, at, src, s, e, mid, inner, so, sm, si, p, q]),
  );
  return out;
}

/** Runs `binary_f32` with code `code`; null when the views are too awkward. */
function zipF32(a: TensorInfo, b: TensorInfo, code: number): KernelOutput | null {
  const walk = collapse(a.shape, [a.strides, b.strides]);
  if (walk.shape.length > 3) return null;
  const { shape: [, mid, inner], strides: [sa, sb] } = padded(walk, 3);
  const { out, values } = allocUninitialized(a.shape, "float32");
  const at = values.byteOffset, pa = viewAddress(a), pb = viewAddress(b);
  runTasks(
    "elementwise",
    "binary_f32",
    ranges(values.length, false)
      .map(([s, e]) => [code, at, pa, pb, s, e, mid, inner, ...sa, ...sb]),
  );
  return out;
}

/** Named one-operand maps; float32 in WASM. */
export function unary(op: UnaryKernelName, x: TensorInfo): KernelOutput {
  return (x.dtype === "float32" && mapF32(x, UNARY_CODES[op])) || reference.unary(op, x);
}

/** Leaky rectifier; float32 in WASM. */
export function leakyRelu(x: TensorInfo, alpha: number): KernelOutput {
  return (x.dtype === "float32" && mapF32(x, LEAKY_RELU, alpha)) || reference.leakyRelu(x, alpha);
}

/** Clamp to [lo, hi]; float32 in WASM. */
export function clip(x: TensorInfo, lo: number, hi: number): KernelOutput {
  return (x.dtype === "float32" && mapF32(x, CLIP, lo, hi)) || reference.clip(x, lo, hi);
}

/** Two-operand arithmetic; float32 (except `pow`) in WASM. */
export function binary(op: BinaryKernelName, a: TensorInfo, b: TensorInfo): KernelOutput {
  const code = BINARY_CODES[op];
  return (a.dtype === "float32" && code !== undefined && zipF32(a, b, code)) ||
    reference.binary(op, a, b);
}

/** Comparisons giving float32 0/1; float32 operands in WASM. */
export function compare(op: CompareKernelName, a: TensorInfo, b: TensorInfo): KernelOutput {
  return (a.dtype === "float32" && zipF32(a, b, BINARY_CODES[op]!)) || reference.compare(op, a, b);
}

/** Elementwise select; 4-byte operands and conditions in WASM when they collapse to 2-D. */
export function where(cond: TensorInfo, a: TensorInfo, b: TensorInfo): KernelOutput {
  const walk = collapse(a.shape, [cond.strides, a.strides, b.strides]);
  if (a.dtype === "float64" || cond.dtype === "float64" || walk.shape.length > 2) {
    return reference.where(cond, a, b);
  }
  const { shape: [, inner], strides: [sc, sa, sb] } = padded(walk, 2);
  const { out, values } = allocUninitialized(a.shape, a.dtype);
  const at = values.byteOffset, intCond = cond.dtype === "int32" ? 1 : 0;
  const [pc, pa, pb] = [cond, a, b].map(viewAddress);
  runTasks(
    "elementwise",
    "where_32",
    ranges(values.length, false)
      .map(([s, e]) => [intCond, at, pc, pa, pb, s, e, inner, ...sc, ...sa, ...sb]),
  );
  return out;
}

/** Codes of the `cast` kernel by source and target dtype. */
const CASTS: Partial<Record<`${DType}>${DType}`, number>> = {
  "float32>int32": 0,
  "int32>float32": 1,
  "float32>float64": 2,
  "float64>float32": 3,
  "int32>float64": 4,
};

/** Dtype conversion; contiguous views in WASM (a same-dtype cast is a copy). */
export function cast(x: TensorInfo, dtype: DType): KernelOutput {
  if (dtype === x.dtype) return copy(x);
  const code = CASTS[`${x.dtype}>${dtype}`];
  if (code === undefined || !isContiguous(x.shape, x.strides)) return reference.cast(x, dtype);
  const { out, values } = allocUninitialized(x.shape, dtype);
  const at = values.byteOffset, src = viewAddress(x);
  runTasks(
    "elementwise",
    "cast",
    ranges(sizeOf(x.shape), false).map(([s, e]) => [code, at, src, s, e]),
  );
  return out;
}

/** The kernels of this module. */
export const elementwiseKernels: Partial<Kernels> = {
  unary,
  leakyRelu,
  clip,
  binary,
  compare,
  where,
  cast,
};
