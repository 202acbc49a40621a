/**
 * Backends: the contract every backend implements, the registry that dispatches kernels, and the
 * CPU reference backend (registered on import).
 *
 * @module
 */

export type * from "./contract.ts";
export {
  type BackendFactory,
  backendName,
  type BackendOptions,
  type BackendReport,
  getBackend,
  listBackends,
  missingKernels,
  registerBackend,
  registerKernel,
  registerKernels,
  runKernel,
  setBackend,
} from "./registry.ts";
export { referenceKernels } from "./cpu/mod.ts";
export { useBestBackend } from "./webgpu/mod.ts";
