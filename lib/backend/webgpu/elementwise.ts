/**
 * Elementwise kernels of the `webgpu` backend: one thread per output element, every operand read
 * in place through its view (so broadcasting and transposes cost no copies). Semantics, including
 * NaN handling, follow the reference kernels in `lib/backend/cpu/elementwise.ts`.
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
import { sizeOf } from "../../tensor/shape.ts";
import { floatBits } from "./command_batch.ts";
import { WGSL_IS_NAN_F32 } from "./prelude.ts";
import { gpuRuntime, WORKGROUP } from "./runtime.ts";
import { assertGpuDType, bufferOf } from "./storage.ts";
import { SCALARS, SHAPE, VIEW, VIEW_WORDS, viewWords } from "./views.ts";

/** WGSL scalar type of a dtype. */
export function wgslType(dtype: DType): string {
  assertGpuDType(dtype, "webgpu kernel");
  return dtype === "int32" ? "i32" : "f32";
}

/** WGSL that reads operand k (bound as `in<k>`) at output element i. */
const operand = (k: number) =>
  `in${k}[viewOffset(i, ${SHAPE}u, word(1u), ${VIEW + k * VIEW_WORDS}u)]`;

/** A compute entry over the output: `inputs` bound first, the output `y` last, `body` sets y[i]. */
function mapShader(inputs: readonly [string, string][], out: string, body: string): string {
  const bindings = inputs.map(([name, type], k) =>
    `@group(0) @binding(${k + 1}) var<storage, read> ${name}: array<${type}>;`
  );
  return `${bindings.join("\n")}
@group(0) @binding(${inputs.length + 1}) var<storage, read_write> y: array<${out}>;
${HELPERS}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = linearId(gid, groups, ${WORKGROUP}u);
  if (i >= word(0u)) { return; }
  ${body}
}`;
}

/** f32 helpers with the reference's edge cases (NaN in, NaN out; JS's pow). */
const HELPERS = `
${WGSL_IS_NAN_F32}
fn sigmoidOf(v: f32) -> f32 {
  if (v >= 0.0) { return 1.0 / (1.0 + exp(-v)); }
  let e = exp(v);
  return e / (1.0 + e);
}
fn tanhOf(v: f32) -> f32 {
  if (isNan(v)) { return v; }
  return tanh(clamp(v, -20.0, 20.0)); // tanh(±20) is ±1 in f32; larger inputs overflow exp
}
fn log1pOf(t: f32) -> f32 {
  if (t < 1e-4) { return t - 0.5 * t * t; } // log(1 + t) loses t's digits when t is tiny
  return log(1.0 + t);
}
fn softplusOf(v: f32) -> f32 {
  if (isNan(v)) { return v; }
  return max(v, 0.0) + log1pOf(exp(-abs(v)));
}
fn powOf(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (isNan(a) || isNan(b)) { return a + b; }
  if (a == 0.0) { return select(0.0, bitcast<f32>(0x7f800000u), b < 0.0); }
  let m = pow(abs(a), b);
  if (a > 0.0) { return m; }
  if (floor(b) != b) { return bitcast<f32>(0x7fc00000u); } // a negative base needs an integer power
  let odd = abs(b) < 16777216.0 && (i32(b) & 1) == 1;
  return select(m, -m, odd);
}
fn maxOf(a: f32, b: f32) -> f32 { return select(max(a, b), a + b, isNan(a) || isNan(b)); }
fn minOf(a: f32, b: f32) -> f32 { return select(min(a, b), a + b, isNan(a) || isNan(b)); }
`;

const UNARY_F32: Record<UnaryKernelName, string> = {
  neg: "-v",
  exp: "exp(v)",
  log: "log(v)",
  sqrt: "sqrt(v)",
  abs: "abs(v)",
  sign: "select(sign(v), v, isNan(v))",
  relu: "select(select(v, 0.0, v < 0.0), v, isNan(v))",
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

/** Records a map over `views` (same shape as the output) into a new `dtype` tensor. */
function map(
  views: readonly TensorInfo[],
  dtype: DType,
  op: string,
  body: string,
  scalars: readonly number[] = [],
): KernelOutput {
  const rt = gpuRuntime();
  const shape = views[0]?.shape ?? [];
  const out = rt.output(shape, dtype, op);
  const inputs = views.map((v, k) => [`in${k}`, wgslType(v.dtype)] as [string, string]);
  const words = viewWords(shape, views);
  scalars.forEach((s, k) => words[SCALARS + k] = s);
  rt.run(
    mapShader(inputs, wgslType(dtype), body),
    [...views.map((v) => bufferOf(v.storage)), bufferOf(out.storage)],
    words,
    sizeOf(shape),
  );
  return out;
}

/** Named one-operand maps. */
export function unary(op: UnaryKernelName, x: TensorInfo): KernelOutput {
  const expr = x.dtype === "int32" ? UNARY_I32[op] : UNARY_F32[op];
  if (!expr) throw new Error(`webgpu: ${op} is not defined on int32`);
  return map([x], x.dtype, op, `let v = ${operand(0)}; y[i] = ${expr};`);
}

/** `x` where positive, `alpha * x` elsewhere. */
export function leakyRelu(x: TensorInfo, alpha: number): KernelOutput {
  return map(
    [x],
    x.dtype,
    "leakyRelu",
    `let v = ${
      operand(0)
    }; y[i] = select(select(v, fword(${SCALARS}u) * v, v < 0.0), v, isNan(v));`,
    [floatBits(alpha)],
  );
}

/** `min(max(x, lo), hi)`, NaN staying NaN. */
export function clip(x: TensorInfo, lo: number, hi: number): KernelOutput {
  if (x.dtype === "int32") {
    return map(
      [x],
      "int32",
      "clip",
      `y[i] = clamp(${operand(0)}, iword(${SCALARS}u), iword(${SCALARS + 1}u));`,
      [lo | 0, hi | 0],
    );
  }
  return map(
    [x],
    x.dtype,
    "clip",
    `let v = ${operand(0)};
  y[i] = select(min(max(v, fword(${SCALARS}u)), fword(${SCALARS + 1}u)), v, isNan(v));`,
    [floatBits(lo), floatBits(hi)],
  );
}

/** `a op b` on same-shape views. */
export function binary(op: BinaryKernelName, a: TensorInfo, b: TensorInfo): KernelOutput {
  const expr = a.dtype === "int32" ? BINARY_I32[op] : BINARY_F32[op];
  return map(
    [a, b],
    a.dtype,
    op,
    `let a = ${operand(0)}; let b = ${operand(1)}; y[i] = ${expr};`,
  );
}

/** `a op b` as float32 0/1. */
export function compare(op: CompareKernelName, a: TensorInfo, b: TensorInfo): KernelOutput {
  return map(
    [a, b],
    "float32",
    op,
    `let a = ${operand(0)}; let b = ${operand(1)}; y[i] = select(0.0, 1.0, ${COMPARE[op]});`,
  );
}

/** `cond ? a : b`. */
export function where(cond: TensorInfo, a: TensorInfo, b: TensorInfo): KernelOutput {
  const zero = cond.dtype === "int32" ? "0" : "0.0";
  return map(
    [cond, a, b],
    a.dtype,
    "where",
    `y[i] = select(${operand(2)}, ${operand(1)}, ${operand(0)} != ${zero});`,
  );
}

/** Dtype conversion; float to int32 truncates toward zero (NaN gives 0, as the reference). */
export function cast(x: TensorInfo, dtype: DType): KernelOutput {
  const from = wgslType(x.dtype), to = wgslType(dtype);
  const read = operand(0);
  const body = from === to
    ? `y[i] = ${read};`
    : to === "i32"
    ? `let v = ${read}; y[i] = select(i32(trunc(v)), 0, isNan(v));`
    : `y[i] = f32(${read});`;
  return map([x], dtype, "cast", body);
}

/** Row-major contiguous copy of any view. */
export function copy(x: TensorInfo): KernelOutput {
  return cast(x, x.dtype);
}

/** A new tensor of `shape` with every element `value`. */
export function fill(shape: readonly number[], value: number, dtype: DType): KernelOutput {
  const rt = gpuRuntime();
  const out = rt.output(shape, dtype, "fill");
  const type = wgslType(dtype);
  const bits = dtype === "int32" ? value | 0 : floatBits(value);
  rt.run(
    `@group(0) @binding(1) var<storage, read_write> y: array<${type}>;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = linearId(gid, groups, ${WORKGROUP}u);
  if (i >= word(0u)) { return; }
  y[i] = bitcast<${type}>(word(1u));
}`,
    [bufferOf(out.storage)],
    [sizeOf(shape), bits >>> 0],
    sizeOf(shape),
  );
  return out;
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
