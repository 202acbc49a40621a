/**
 * Elementwise kernels of the `webgpu` backend: one thread per output element, every operand read
 * in place through its view (so broadcasting and transposes cost no copies). Semantics, including
 * NaN handling, follow the reference kernels in `lib/backend/cpu/elementwise.ts`.
 *
 * Each kernel is a WGSL function of its operands' values; its output is deferred (`fusion.ts`), so
 * a chain of these kernels runs as one fused kernel when something needs its values.
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
import { floatBits } from "./command_batch.ts";
import { fused, type NodeFn } from "./fusion.ts";
import { assertGpuDType, wgslType } from "./storage.ts";

// Kernels of other modules name their WGSL types through this module.
export { wgslType };

/** The WGSL type of an output of `dtype`; throws for float64 naming the kernel. */
function outputType(dtype: DType, op: string): string {
  assertGpuDType(dtype, op);
  return wgslType(dtype);
}

/**
 * The node function `e_<key>`: `params` (WGSL `name: type`) to `type`, as `expr`. `key` names the
 * operation and its types, so one key always declares one function.
 */
function nodeFn(key: string, params: readonly string[], type: string, expr: string): NodeFn {
  const name = `e_${key}`;
  return { name, type, decl: `fn ${name}(${params.join(", ")}) -> ${type} { return ${expr}; }` };
}

const UNARY_F32: Record<UnaryKernelName, string> = {
  neg: "-v",
  exp: "exp(v)",
  log: "log(v)",
  sqrt: "sqrt(v)",
  abs: "abs(v)",
  sign: "select(sign(v), v, isNan(v))",
  relu: "reluOf(v)",
  sigmoid: "select(sigmoidOf(v), v, isNan(v))",
  tanh: "tanhOf(v)",
  softplus: "softplusOf(v)",
};
const UNARY_I32: Partial<Record<UnaryKernelName, string>> = {
  neg: "-v",
  abs: "abs(v)",
  sign: "sign(v)",
};

const BINARY_F32: Record<BinaryKernelName, string> = {
  add: "a + b",
  sub: "a - b",
  mul: "a * b",
  div: "a / b",
  pow: "powOf(a, b)",
  maximum: "maxOf(a, b)",
  minimum: "minOf(a, b)",
};
const BINARY_I32: Record<BinaryKernelName, string> = {
  add: "a + b",
  sub: "a - b",
  mul: "a * b",
  div: "a / b",
  pow: "i32(trunc(powOf(f32(a), f32(b))))",
  maximum: "max(a, b)",
  minimum: "min(a, b)",
};
const COMPARE: Record<CompareKernelName, string> = {
  equal: "a == b",
  notEqual: "a != b",
  less: "a < b",
  lessEqual: "a <= b",
  greater: "a > b",
  greaterEqual: "a >= b",
};

/** Named one-operand maps. */
export function unary(op: UnaryKernelName, x: TensorInfo): KernelOutput {
  const t = outputType(x.dtype, op);
  const expr = t === "i32" ? UNARY_I32[op] : UNARY_F32[op];
  if (!expr) throw new Error(`webgpu: ${op} is not defined on int32`);
  return fused(op, [x], x.shape, x.dtype, nodeFn(`${op}_${t}`, [`v: ${t}`], t, expr));
}

/** `x` where positive, `alpha * x` elsewhere. */
export function leakyRelu(x: TensorInfo, alpha: number): KernelOutput {
  const t = outputType(x.dtype, "leakyRelu");
  const expr = "select(select(v, alpha * v, v < 0.0), v, isNan(v))";
  return fused(
    "leakyRelu",
    [x],
    x.shape,
    x.dtype,
    nodeFn(`leakyRelu_${t}`, [`v: ${t}`, `alpha: ${t}`], t, expr),
    [["fword", floatBits(alpha)]],
  );
}

/** `min(max(x, lo), hi)`, NaN staying NaN. */
export function clip(x: TensorInfo, lo: number, hi: number): KernelOutput {
  const t = outputType(x.dtype, "clip");
  const params = [`v: ${t}`, `lo: ${t}`, `hi: ${t}`];
  if (t === "i32") {
    return fused("clip", [x], x.shape, x.dtype, nodeFn("clip_i32", params, t, "clamp(v, lo, hi)"), [
      ["iword", lo | 0],
      ["iword", hi | 0],
    ]);
  }
  const expr = "select(min(max(v, lo), hi), v, isNan(v))";
  return fused("clip", [x], x.shape, x.dtype, nodeFn(`clip_${t}`, params, t, expr), [
    ["fword", floatBits(lo)],
    ["fword", floatBits(hi)],
  ]);
}

/** `a op b` on same-shape views. */
export function binary(op: BinaryKernelName, a: TensorInfo, b: TensorInfo): KernelOutput {
  const t = outputType(a.dtype, op);
  const expr = t === "i32" ? BINARY_I32[op] : BINARY_F32[op];
  return fused(op, [a, b], a.shape, a.dtype, nodeFn(`${op}_${t}`, [`a: ${t}`, `b: ${t}`], t, expr));
}

/** `a op b` as float32 0/1. */
export function compare(op: CompareKernelName, a: TensorInfo, b: TensorInfo): KernelOutput {
  const t = wgslType(a.dtype);
  const expr = `select(0.0, 1.0, ${COMPARE[op]})`;
  return fused(
    op,
    [a, b],
    a.shape,
    "float32",
    nodeFn(`${op}_${t}`, [`a: ${t}`, `b: ${t}`], "f32", expr),
  );
}

/** `cond ? a : b`. */
export function where(cond: TensorInfo, a: TensorInfo, b: TensorInfo): KernelOutput {
  const c = wgslType(cond.dtype), t = outputType(a.dtype, "where");
  const expr = `select(b, a, c != ${c === "i32" ? "0" : "0.0"})`;
  const params = [`c: ${c}`, `a: ${t}`, `b: ${t}`];
  return fused("where", [cond, a, b], a.shape, a.dtype, nodeFn(`where_${c}_${t}`, params, t, expr));
}

/** Dtype conversion; float to int32 truncates toward zero (NaN gives 0, as the reference). */
export function cast(x: TensorInfo, dtype: DType): KernelOutput {
  const to = outputType(dtype, "cast"), from = wgslType(x.dtype);
  const expr = from === to ? "v" : to === "i32" ? "select(i32(trunc(v)), 0, isNan(v))" : "f32(v)";
  return fused("cast", [x], x.shape, dtype, nodeFn(`cast_${from}_${to}`, [`v: ${from}`], to, expr));
}

/** Row-major contiguous copy of any view. */
export function copy(x: TensorInfo): KernelOutput {
  return cast(x, x.dtype);
}

/** A new tensor of `shape` with every element `value`: a constant that joins any expression. */
export function fill(shape: readonly number[], value: number, dtype: DType): KernelOutput {
  const t = outputType(dtype, "fill");
  const bits = t === "i32" ? value | 0 : floatBits(value);
  return fused("fill", [], shape, dtype, nodeFn(`fill_${t}`, [`s: ${t}`], t, "s"), [
    [t === "i32" ? "iword" : "fword", bits >>> 0],
  ]);
}

/** The kernels of this module. */
export const elementwiseKernels: Partial<Kernels> = {
  copy,
  cast,
  fill,
  unary,
  leakyRelu,
  clip,
  binary,
  compare,
  where,
};
