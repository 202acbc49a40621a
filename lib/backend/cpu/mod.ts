/**
 * The plain TypeScript reference kernels over typed arrays, and the registration of the two CPU
 * backends: `cpu` (the fast WASM kernels, with the reference for anything they do not cover) and
 * `cpu-reference` (the reference kernels alone). Both keep tensors in the same heap storage.
 *
 * The reference kernels are the executable specification of the {@link Kernels} contract: every
 * faster kernel is tested against them. Importing this module registers both backends.
 *
 * @module
 */

import type { Kernels } from "../contract.ts";
import { registerBackend, registerKernels } from "../registry.ts";
import { concat, pad } from "./concat.ts";
import { conv2d, conv2dBackpropFilter, conv2dBackpropInput } from "./conv.ts";
import { binary, cast, clip, compare, copy, fill, leakyRelu, unary, where } from "./elementwise.ts";
import { gather, scatterAdd } from "./gather.ts";
import { matmul } from "./matmul.ts";
import { avgPool2d, avgPool2dBackprop, maxPool2d, maxPool2dBackprop } from "./pool.ts";
import { adamUpdate } from "./optimizer.ts";
import { argReduce, reduce } from "./reduce.ts";
import { cpuBackend } from "./storage.ts";
import { fastKernels } from "../wasm/mod.ts";

export { cpuBackend } from "./storage.ts";

/** Every reference kernel, by contract name. */
export const referenceKernels: Kernels = {
  copy,
  cast,
  fill,
  unary,
  leakyRelu,
  clip,
  binary,
  compare,
  where,
  reduce,
  argReduce,
  matmul,
  concat,
  pad,
  gather,
  scatterAdd,
  conv2d,
  conv2dBackpropInput,
  conv2dBackpropFilter,
  maxPool2d,
  maxPool2dBackprop,
  avgPool2d,
  avgPool2dBackprop,
  adamUpdate,
};

registerBackend("cpu", () => cpuBackend, { priority: 1 });
registerKernels("cpu", { ...referenceKernels, ...fastKernels });
registerBackend("cpu-reference", () => cpuBackend);
registerKernels("cpu-reference", referenceKernels);
