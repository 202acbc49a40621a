/**
 * The GPU device of the `webgpu` backend: requesting it with the adapter's full limits, telling a
 * real adapter from a software one, and turning a lost device into a clear error.
 *
 * @module
 */

/** How to get back to a working setup, for every GPU error. */
const FALL_BACK = "Use the CPU instead with `await setBackend('cpu')`";

/** The device and what we know about it. */
export interface Gpu {
  /** The device every buffer and pipeline belongs to. */
  readonly device: GPUDevice;
  /** The adapter's description, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)" or a GPU's name. */
  readonly adapterName: string;
  /** True for a software adapter (a CPU rasterizer such as llvmpipe): correct, but slow. */
  readonly fallback: boolean;
  /** Why the device was lost, once it has been; null while it works. */
  lostReason: string | null;
  /** The first validation or internal error the device reported (a kernel bug); null if none. */
  firstError: string | null;
}

/** Whether `adapter` is a software fallback (Deno reports it on `info`, older runtimes on the adapter). */
export function isFallbackAdapter(adapter: GPUAdapter): boolean {
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  return info.isFallbackAdapter ??
    (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter ?? false;
}

/** The adapter's human-readable name. */
export function adapterName(adapter: GPUAdapter): string {
  const info = adapter.info;
  return info.description || info.device || info.vendor || "unknown adapter";
}

/**
 * Requests an adapter and a device with the adapter's largest buffer and workgroup limits.
 *
 * @throws an error that says how to fall back to the CPU when WebGPU, an adapter or a device is
 * unavailable.
 */
export async function requestGpu(): Promise<Gpu> {
  const gpu = (navigator as { gpu?: GPU }).gpu;
  if (!gpu) {
    throw new Error(`WebGPU is not available in this runtime (no navigator.gpu). ${FALL_BACK}.`);
  }
  const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  if (!adapter) {
    throw new Error(`no WebGPU adapter was found (no GPU or no driver). ${FALL_BACK}.`);
  }
  const wanted = [
    "maxBufferSize",
    "maxStorageBufferBindingSize",
    "maxComputeWorkgroupStorageSize",
    "maxComputeInvocationsPerWorkgroup",
    "maxComputeWorkgroupSizeX",
    "maxStorageBuffersPerShaderStage",
  ] as const;
  const requiredLimits: Record<string, number> = {};
  for (const name of wanted) requiredLimits[name] = adapter.limits[name];
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredLimits });
  } catch (e) {
    throw new Error(
      `the WebGPU adapter '${adapterName(adapter)}' refused a device (${(e as Error).message}). ` +
        `${FALL_BACK}.`,
      { cause: e },
    );
  }
  const made: Gpu = {
    device,
    adapterName: adapterName(adapter),
    fallback: isFallbackAdapter(adapter),
    lostReason: null,
    firstError: null,
  };
  // A shader that does not compile or a bad binding would otherwise just leave zeros behind.
  device.addEventListener("uncapturederror", (event) => {
    made.firstError ??= (event as GPUUncapturedErrorEvent).error.message;
  });
  device.lost.then((info) => {
    made.lostReason = info.message || info.reason || "unknown reason";
  });
  return made;
}

/**
 * Throws when the device was lost: its buffers and every tensor on it are gone.
 *
 * @param op what was being attempted, for the message
 */
export function assertAlive(gpu: Gpu, op: string): void {
  if (gpu.firstError !== null) {
    throw new Error(
      `${op}: a webgpu kernel failed (${gpu.firstError}); results since then are wrong. This is a ` +
        `library bug: please report it. ${FALL_BACK}.`,
    );
  }
  if (gpu.lostReason === null) return;
  throw new Error(
    `${op}: the GPU device was lost (${gpu.lostReason}), and the tensors on it with it. ` +
      `${FALL_BACK}, then reload the model from its last checkpoint (loadModule).`,
  );
}
