/**
 * Picking the fastest backend this machine really has: `webgpu` on a hardware adapter, otherwise
 * `cpu`. A software adapter (llvmpipe) is slower than our CPU kernels, so it is never picked
 * automatically; `setBackend("webgpu")` still uses it on request.
 *
 * @module
 */

import { type BackendReport, setBackend } from "../registry.ts";
import { isFallbackAdapter } from "./device.ts";

/**
 * Switches to `webgpu` when a hardware GPU adapter exists, else to `cpu`, and reports the choice.
 * Call it once at the top of a notebook: `await useBestBackend()`.
 */
export async function useBestBackend(): Promise<BackendReport> {
  const gpu = (navigator as { gpu?: GPU }).gpu;
  const adapter = await gpu?.requestAdapter({ powerPreference: "high-performance" });
  if (adapter && !isFallbackAdapter(adapter)) {
    try {
      return await setBackend("webgpu");
    } catch {
      // A device that cannot be had is no reason to fail: the CPU always works.
    }
  }
  return await setBackend("cpu");
}
