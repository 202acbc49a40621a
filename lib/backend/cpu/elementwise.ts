/**
 * Elementwise reference kernels: copy, cast, fill, unary maps, binary arithmetic, comparisons, where.
 *
 * Inputs may be any view (broadcast operands arrive as zero-stride views); see {@link runOf} for how
 * each kernel reads them.
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
import type { DType, TypedArray } from "../../tensor/dtype.ts";
import { gatherView } from "../../tensor/layout.ts";
import { isContiguous } from "../../tensor/shape.ts";
import { allocOutput, valuesOf } from "./storage.ts";

/**
 * An operand as a flat run: element i is `values[offset + i * step]`. Contiguous views read in place
 * (step 1), broadcast scalars read one element (step 0), anything else is gathered into a contiguous
 * copy first, so each kernel needs only one loop shape.
 */
interface Run {
  values: TypedArray;
  offset: number;
  step: number;
}

function runOf(x: TensorInfo): Run {
  const values = valuesOf(x);
  if (isContiguous(x.shape, x.strides)) return { values, offset: x.offset, step: 1 };
  if (x.strides.every((s) => s === 0)) return { values, offset: x.offset, step: 0 };
  return { values: gatherView(values, x, x.dtype), offset: 0, step: 1 };
}

/**
 * One loop per operation, each written out so the engine inlines its arithmetic: a shared loop
 * calling a function per element would go megamorphic and run several times slower.
 */
type UnaryLoop = (out: TypedArray, x: TypedArray, xo: number, xs: number) => void;
type BinaryLoop = (
  out: TypedArray,
  x: TypedArray,
  xo: number,
  xs: number,
  y: TypedArray,
  yo: number,
  ys: number,
) => void;

/** Applies a unary loop to `x` into a new tensor of `dtype`. */
function map(x: TensorInfo, dtype: DType, loop: UnaryLoop): KernelOutput {
  const { out, values } = allocOutput(x.shape, dtype);
  const r = runOf(x);
  loop(values, r.values, r.offset, r.step);
  return out;
}

/** Applies a binary loop to same-shape views `a` and `b` into a new tensor of `dtype`. */
function zip(a: TensorInfo, b: TensorInfo, dtype: DType, loop: BinaryLoop): KernelOutput {
  const { out, values } = allocOutput(a.shape, dtype);
  const x = runOf(a), y = runOf(b);
  loop(values, x.values, x.offset, x.step, y.values, y.offset, y.step);
  return out;
}

const UNARY: Record<UnaryKernelName, UnaryLoop> = {
  neg: (o, x, xo, xs) => {
    for (let i = 0; i < o.length; i++) o[i] = -x[xo + i * xs];
  },
  exp: (o, x, xo, xs) => {
    for (let i = 0; i < o.length; i++) o[i] = Math.exp(x[xo + i * xs]);
  },
  log: (o, x, xo, xs) => {
    for (let i = 0; i < o.length; i++) o[i] = Math.log(x[xo + i * xs]);
  },
  sqrt: (o, x, xo, xs) => {
    for (let i = 0; i < o.length; i++) o[i] = Math.sqrt(x[xo + i * xs]);
  },
  abs: (o, x, xo, xs) => {
    for (let i = 0; i < o.length; i++) o[i] = Math.abs(x[xo + i * xs]);
  },
  sign: (o, x, xo, xs) => {
    for (let i = 0; i < o.length; i++) o[i] = Math.sign(x[xo + i * xs]);
  },
  // `v < 0 ? 0 : v` keeps NaN as NaN, so a diverging loss stays visible.
  relu: (o, x, xo, xs) => {
    for (let i = 0; i < o.length; i++) {
      const v = x[xo + i * xs];
      o[i] = v < 0 ? 0 : v;
    }
  },
  // Both branches avoid exp of a large positive number.
  sigmoid: (o, x, xo, xs) => {
    for (let i = 0; i < o.length; i++) {
      const v = x[xo + i * xs];
      o[i] = v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
    }
  },
  tanh: (o, x, xo, xs) => {
    for (let i = 0; i < o.length; i++) o[i] = Math.tanh(x[xo + i * xs]);
  },
  // log(1 + e^v) = max(v, 0) + log1p(e^-|v|), which never overflows.
  softplus: (o, x, xo, xs) => {
    for (let i = 0; i < o.length; i++) {
      const v = x[xo + i * xs];
      o[i] = Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
    }
  },
};

// Stores into an Int32Array truncate toward zero, which is the int32 rule for every op here.
const BINARY: Record<BinaryKernelName, BinaryLoop> = {
  add: (o, x, xo, xs, y, yo, ys) => {
    for (let i = 0; i < o.length; i++) o[i] = x[xo + i * xs] + y[yo + i * ys];
  },
  sub: (o, x, xo, xs, y, yo, ys) => {
    for (let i = 0; i < o.length; i++) o[i] = x[xo + i * xs] - y[yo + i * ys];
  },
  mul: (o, x, xo, xs, y, yo, ys) => {
    for (let i = 0; i < o.length; i++) o[i] = x[xo + i * xs] * y[yo + i * ys];
  },
  div: (o, x, xo, xs, y, yo, ys) => {
    for (let i = 0; i < o.length; i++) o[i] = x[xo + i * xs] / y[yo + i * ys];
  },
  pow: (o, x, xo, xs, y, yo, ys) => {
    for (let i = 0; i < o.length; i++) o[i] = Math.pow(x[xo + i * xs], y[yo + i * ys]);
  },
  maximum: (o, x, xo, xs, y, yo, ys) => {
    for (let i = 0; i < o.length; i++) o[i] = Math.max(x[xo + i * xs], y[yo + i * ys]);
  },
  minimum: (o, x, xo, xs, y, yo, ys) => {
    for (let i = 0; i < o.length; i++) o[i] = Math.min(x[xo + i * xs], y[yo + i * ys]);
  },
};

const COMPARE: Record<CompareKernelName, BinaryLoop> = {
  equal: (o, x, xo, xs, y, yo, ys) => {
    for (let i = 0; i < o.length; i++) o[i] = x[xo + i * xs] === y[yo + i * ys] ? 1 : 0;
  },
  notEqual: (o, x, xo, xs, y, yo, ys) => {
    for (let i = 0; i < o.length; i++) o[i] = x[xo + i * xs] !== y[yo + i * ys] ? 1 : 0;
  },
  less: (o, x, xo, xs, y, yo, ys) => {
    for (let i = 0; i < o.length; i++) o[i] = x[xo + i * xs] < y[yo + i * ys] ? 1 : 0;
  },
  lessEqual: (o, x, xo, xs, y, yo, ys) => {
    for (let i = 0; i < o.length; i++) o[i] = x[xo + i * xs] <= y[yo + i * ys] ? 1 : 0;
  },
  greater: (o, x, xo, xs, y, yo, ys) => {
    for (let i = 0; i < o.length; i++) o[i] = x[xo + i * xs] > y[yo + i * ys] ? 1 : 0;
  },
  greaterEqual: (o, x, xo, xs, y, yo, ys) => {
    for (let i = 0; i < o.length; i++) o[i] = x[xo + i * xs] >= y[yo + i * ys] ? 1 : 0;
  },
};

/** Contiguous copy of any view. */
export function copy(x: TensorInfo): KernelOutput {
  return cast(x, x.dtype);
}

/** Dtype conversion; the typed array store truncates floats toward zero for int32. */
export function cast(x: TensorInfo, dtype: DType): KernelOutput {
  const { out, values } = allocOutput(x.shape, dtype);
  values.set(gatherView(valuesOf(x), x, x.dtype));
  return out;
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
  return map(x, x.dtype, (o, v, vo, vs) => {
    for (let i = 0; i < o.length; i++) {
      const e = v[vo + i * vs];
      o[i] = e < 0 ? alpha * e : e;
    }
  });
}

/** Clamp to [lo, hi]. */
export function clip(x: TensorInfo, lo: number, hi: number): KernelOutput {
  return map(x, x.dtype, (o, v, vo, vs) => {
    for (let i = 0; i < o.length; i++) o[i] = Math.min(Math.max(v[vo + i * vs], lo), hi);
  });
}

/** Named two-operand arithmetic; int32 results truncate toward zero. */
export function binary(op: BinaryKernelName, a: TensorInfo, b: TensorInfo): KernelOutput {
  return zip(a, b, a.dtype, BINARY[op]);
}

/** Named comparisons giving float32 0/1. */
export function compare(op: CompareKernelName, a: TensorInfo, b: TensorInfo): KernelOutput {
  return zip(a, b, "float32", COMPARE[op]);
}

/** Elementwise select. */
export function where(cond: TensorInfo, a: TensorInfo, b: TensorInfo): KernelOutput {
  const { out, values } = allocOutput(a.shape, a.dtype);
  const c = runOf(cond), x = runOf(a), y = runOf(b);
  for (let i = 0; i < values.length; i++) {
    values[i] = c.values[c.offset + i * c.step] !== 0
      ? x.values[x.offset + i * x.step]
      : y.values[y.offset + i * y.step];
  }
  return out;
}
