/**
 * The fused optimizer update of the `webgpu` backend: one thread per element reads θ, g, m and v
 * through their views and writes θ', m' and v' (three outputs, seven storage bindings). Like the
 * reference in `lib/backend/cpu/optimizer.ts`, every WGSL f32 operation rounds where the unfused
 * ops would round, so the step agrees with the cpu's to an ulp or two (GPU sqrt and division may
 * be slightly less exact than correctly rounded).
 *
 * @module
 */

import type { AdamAttrs, KernelOutput, Kernels, TensorInfo } from "../contract.ts";
import { sizeOf } from "../../tensor/shape.ts";
import { adamConstants } from "../cpu/optimizer.ts";
import { floatBits } from "./command_batch.ts";
import { gpuRuntime, WORKGROUP } from "./runtime.ts";
import { bufferOf } from "./storage.ts";
import { SCALARS, SHAPE, VIEW, VIEW_WORDS, viewWords } from "./views.ts";

/** WGSL that reads operand k at element i. */
const read = (name: string, k: number) =>
  `${name}[viewOffset(i, ${SHAPE}u, word(1u), ${VIEW + k * VIEW_WORDS}u)]`;

/** The constant at scalar word k. */
const constant = (k: number) => `fword(${SCALARS + k}u)`;

// Constants in scalar words: β₁, 1 − β₁, β₂, 1 − β₂, 1 − β₁ᵗ, 1 − β₂ᵗ, ε, η (each rounded to f32).
const ADAM_SHADER = `
@group(0) @binding(1) var<storage, read> param: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read> m: array<f32>;
@group(0) @binding(4) var<storage, read> v: array<f32>;
@group(0) @binding(5) var<storage, read_write> paramOut: array<f32>;
@group(0) @binding(6) var<storage, read_write> mOut: array<f32>;
@group(0) @binding(7) var<storage, read_write> vOut: array<f32>;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = linearId(gid, groups, ${WORKGROUP}u);
  if (i >= word(0u)) { return; }
  let g = ${read("grad", 1)};
  let mi = ${read("m", 2)} * ${constant(0)} + g * ${constant(1)};
  let vi = ${read("v", 3)} * ${constant(2)} + (g * g) * ${constant(3)};
  let mHat = mi / ${constant(4)};
  let vHat = vi / ${constant(5)};
  let stepSize = (mHat / (sqrt(vHat) + ${constant(6)})) * ${constant(7)};
  paramOut[i] = ${read("param", 0)} - stepSize;
  mOut[i] = mi;
  vOut[i] = vi;
}`;

/** One fused Adam step of float32 tensors: `[θ', m', v']` as the contract defines them. */
export function adamUpdate(
  param: TensorInfo,
  grad: TensorInfo,
  m: TensorInfo,
  v: TensorInfo,
  attrs: AdamAttrs,
): [KernelOutput, KernelOutput, KernelOutput] {
  const rt = gpuRuntime();
  const outs = [0, 1, 2].map(() => rt.output(param.shape, param.dtype, "adamUpdate"));
  // The reference's constants, rounded once to float32 as their bits.
  const constants = adamConstants(attrs);
  const words = viewWords(param.shape, [param, grad, m, v]);
  constants.forEach((c, k) => words[SCALARS + k] = floatBits(c));
  rt.run(
    ADAM_SHADER,
    [
      ...[param, grad, m, v].map((t) => bufferOf(t.storage)),
      ...outs.map((o) => bufferOf(o.storage)),
    ],
    words,
    sizeOf(param.shape),
  );
  return outs as [KernelOutput, KernelOutput, KernelOutput];
}

/** The kernels of this module. */
export const optimizerKernels: Partial<Kernels> = { adamUpdate };
