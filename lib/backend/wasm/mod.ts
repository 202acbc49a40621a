/**
 * The fast kernels of the `cpu` backend: AssemblyScript compiled to WASM SIMD (see
 * `assembly/` and `deno task wasm`), running on the shared heap, split across a worker pool.
 * Kernels not listed here run the TypeScript reference on the same storage.
 *
 * @module
 */

import type { Kernels } from "../contract.ts";
import { convKernels } from "./conv.ts";
import { elementwiseKernels } from "./elementwise.ts";
import { fillKernels } from "./fill.ts";
import { matmulKernels } from "./matmul.ts";
import { optimizerKernels } from "./optimizer.ts";
import { poolingKernels } from "./pooling.ts";
import { reduceKernels } from "./reduce.ts";

export { activeThreads, poolReady, threadCount, variant } from "./pool.ts";
export { heap } from "./heap.ts";

/** Every fast kernel, by contract name. */
export const fastKernels: Partial<Kernels> = {
  ...convKernels,
  ...elementwiseKernels,
  ...fillKernels,
  ...matmulKernels,
  ...optimizerKernels,
  ...poolingKernels,
  ...reduceKernels,
};
