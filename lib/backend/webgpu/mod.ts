/**
 * The `webgpu` backend: WGSL kernels on a GPU device, behind the same registry as `cpu`. It needs
 * an async setup (`await setBackend("webgpu")`); kernels it does not have yet are listed in what
 * `setBackend` returns, and calling one is an error that says so (there is no silent fallback).
 *
 * Importing this module registers the backend.
 *
 * @module
 */

import { registerBackend, registerKernels } from "../registry.ts";
import { requestGpu } from "./device.ts";
import { convKernels } from "./conv.ts";
import { elementwiseKernels } from "./elementwise.ts";
import { indexingKernels } from "./indexing.ts";
import { matmulKernels } from "./matmul.ts";
import { optimizerKernels } from "./optimizer.ts";
import { poolKernels } from "./pool.ts";
import { reduceKernels } from "./reduce.ts";
import { startRuntime } from "./runtime.ts";

export { useBestBackend } from "./auto.ts";
export { gpuRuntime } from "./runtime.ts";

registerBackend("webgpu", async () => startRuntime(await requestGpu()).backend(), {
  needsSetup: true,
  priority: 2,
});
registerKernels("webgpu", {
  ...elementwiseKernels,
  ...indexingKernels,
  ...optimizerKernels,
  ...reduceKernels,
  ...poolKernels,
  ...matmulKernels,
  ...convKernels,
});
