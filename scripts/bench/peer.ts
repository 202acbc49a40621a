/**
 * What the bench needs from a peer (one library on one backend): make its backend current, and
 * build a runnable step per workload.
 *
 * @module
 */

import type { Workload } from "./workloads.ts";

/** One workload, built and ready to run repeatedly on one peer. */
export interface Step {
  /** Runs the workload once and resolves when its results have been computed and read back. */
  run(): Promise<void>;
  /** Frees the inputs, parameters and optimizer state the step holds. */
  dispose(): void;
}

/** Settings every peer sees. */
export interface PeerOptions {
  /** Run on a software GPU adapter (llvmpipe, SwiftShader) instead of reporting "cannot". */
  readonly softwareGpu: boolean;
}

/** One library on one backend, raced by the bench. */
export interface Peer {
  /** The row label, e.g. "tfjs wasm". */
  readonly name: string;
  /**
   * Makes this peer's backend current. Resolves to null when it can run, otherwise to the reason it
   * cannot (which then stands for every workload).
   */
  activate(options: PeerOptions): Promise<string | null>;
  /** Builds `workload`'s inputs; a missing kernel may throw here or on the first run. */
  prepare(workload: Workload): Step;
  /** Facts about how the peer ran (e.g. SIMD on or off), once activated. */
  notes(): string[];
}

/**
 * Why a GPU adapter cannot be used, or null when it can: there must be one, and a software
 * (fallback) adapter is only used when asked for, since it measures the CPU rasterizer.
 */
export async function gpuUnavailable(options: PeerOptions): Promise<string | null> {
  const gpu = (navigator as { gpu?: GPU }).gpu;
  const adapter = await gpu?.requestAdapter();
  if (!adapter) return "no WebGPU adapter";
  // Deno reports the fallback flag on `info` (newer spec); older runtimes on the adapter itself.
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const fallback = info.isFallbackAdapter ??
    (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter ?? false;
  if (fallback && !options.softwareGpu) {
    const what = info.description || info.device || "unknown";
    return `only a software adapter (${what}); --software-gpu runs it anyway`;
  }
  return null;
}
