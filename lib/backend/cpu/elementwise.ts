/**
 * Elementwise reference kernels: copy, cast, fill, unary maps, binary arithmetic, comparisons, where.
 *
 * Inputs may be any view (broadcast operands arrive as zero-stride views), so each kernel walks its
 * inputs through their element offsets.
 *
 * @module
 */

import type {
  BinaryKernelName,
  CompareKernelName,
  KernelOutput,
  TensorInfo,
  UnaryKernelName,
} from "../contract.ts";
import type { DType } from "../../tensor/dtype.ts";
import { elementOffsets } from "../../tensor/layout.ts";
import { isContiguous } from "../../tensor/shape.ts";
import { allocOutput, valuesOf } from "./storage.ts";

/** A view's storage positions: `null` when they are simply `offset + i`. */
function positions(x: TensorInfo): Int32Array | null {
  return isContiguous(x.shape, x.strides) ? null : elementOffsets(x);
}

/** Applies `f` to each element of `x` into a new tensor of `dtype`. */
function map(x: TensorInfo, dtype: DType, f: (v: number) => number): KernelOutput {
  const { out, values } = allocOutput(x.shape, dtype);
  const src = valuesOf(x);
  const pos = positions(x);
  const n = values.length;
  if (pos) { for (let i = 0; i < n; i++) values[i] = f(src[pos[i]]); }
  else for (let i = 0, o = x.offset; i < n; i++) values[i] = f(src[o + i]);
  return out;
}

/** Applies `f` pairwise to same-shape views `a` and `b` into a new tensor of `dtype`. */
function zip(
  a: TensorInfo,
  b: TensorInfo,
  dtype: DType,
  f: (x: number, y: number) => number,
): KernelOutput {
  const { out, values } = allocOutput(a.shape, dtype);
  const av = valuesOf(a), bv = valuesOf(b);
  const pa = positions(a), pb = positions(b);
  const n = values.length;
  for (let i = 0; i < n; i++) {
    values[i] = f(av[pa ? pa[i] : a.offset + i], bv[pb ? pb[i] : b.offset + i]);
  }
  return out;
}

const UNARY: Record<UnaryKernelName, (v: number) => number> = {
  neg: (v) => -v,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  abs: Math.abs,
  sign: Math.sign,
  // `v < 0 ? 0 : v` keeps NaN as NaN, so a diverging loss stays visible.
  relu: (v) => (v < 0 ? 0 : v),
  // Both branches avoid exp of a large positive number.
  sigmoid: (v) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v))),
  tanh: Math.tanh,
  // log(1 + e^v) = max(v, 0) + log1p(e^-|v|), which never overflows.
  softplus: (v) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))),
};

const BINARY: Record<BinaryKernelName, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  maximum: Math.max,
  minimum: Math.min,
};

const COMPARE: Record<CompareKernelName, (a: number, b: number) => number> = {
  equal: (a, b) => (a === b ? 1 : 0),
  notEqual: (a, b) => (a !== b ? 1 : 0),
  less: (a, b) => (a < b ? 1 : 0),
  lessEqual: (a, b) => (a <= b ? 1 : 0),
  greater: (a, b) => (a > b ? 1 : 0),
  greaterEqual: (a, b) => (a >= b ? 1 : 0),
};

/** Contiguous copy of any view. */
export function copy(x: TensorInfo): KernelOutput {
  return map(x, x.dtype, (v) => v);
}

/** Dtype conversion; the typed array store truncates floats toward zero for int32. */
export function cast(x: TensorInfo, dtype: DType): KernelOutput {
  return map(x, dtype, dtype === "int32" ? Math.trunc : (v) => v);
}

/** A constant tensor. */
export function fill(shape: readonly number[], value: number, dtype: DType): KernelOutput {
  const { out, values } = allocOutput(shape, dtype);
  values.fill(value);
  return out;
}

/** Named one-operand maps. */
export function unary(op: UnaryKernelName, x: TensorInfo): KernelOutput {
  return map(x, x.dtype, UNARY[op]);
}

/** Leaky rectifier. */
export function leakyRelu(x: TensorInfo, alpha: number): KernelOutput {
  return map(x, x.dtype, (v) => (v < 0 ? alpha * v : v));
}

/** Clamp to [lo, hi]. */
export function clip(x: TensorInfo, lo: number, hi: number): KernelOutput {
  return map(x, x.dtype, (v) => Math.min(Math.max(v, lo), hi));
}

/** Named two-operand arithmetic; int32 results truncate (only `pow` can produce fractions). */
export function binary(op: BinaryKernelName, a: TensorInfo, b: TensorInfo): KernelOutput {
  const f = BINARY[op];
  return zip(a, b, a.dtype, a.dtype === "int32" ? (x, y) => Math.trunc(f(x, y)) : f);
}

/** Named comparisons giving float32 0/1. */
export function compare(op: CompareKernelName, a: TensorInfo, b: TensorInfo): KernelOutput {
  return zip(a, b, "float32", COMPARE[op]);
}

/** Elementwise select. */
export function where(cond: TensorInfo, a: TensorInfo, b: TensorInfo): KernelOutput {
  const { out, values } = allocOutput(a.shape, a.dtype);
  const cv = valuesOf(cond), av = valuesOf(a), bv = valuesOf(b);
  const pc = positions(cond), pa = positions(a), pb = positions(b);
  for (let i = 0; i < values.length; i++) {
    const c = cv[pc ? pc[i] : cond.offset + i];
    values[i] = c !== 0 ? av[pa ? pa[i] : a.offset + i] : bv[pb ? pb[i] : b.offset + i];
  }
  return out;
}
