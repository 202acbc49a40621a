/**
 * What the bench needs from a peer (one library on one backend): make its backend current, and
 * build a runnable step per workload.
 *
 * @module
 */

import type { Workload } from "./workloads.ts";

/** One workload, built and ready to run repeatedly on one peer. */
export interface Step {
  /**
   * Runs the workload once and resolves when its results have been computed and read back, to a
   * checksum of them (Σ|v| of the outputs, or the loss): equal inputs on two backends of one
   * library must give equal checksums, within float32 rounding.
   */
  run(): Promise<number>;
  /** Frees the inputs, parameters and optimizer state the step holds. */
  dispose(): void;
}

/** Settings every peer sees. */
export interface PeerOptions {
  /** Time a software GPU adapter (llvmpipe, SwiftShader) instead of checking it for correctness only. */
  readonly softwareGpu: boolean;
}

/**
 * How a peer runs the workloads: timed; once each, untimed, against a reference peer's results
 * (a software GPU adapter, whose times measure the CPU rasterizer); or not at all. A GPU peer
 * names its adapter.
 */
export type Activation =
  | { readonly mode: "timed"; readonly adapter?: string }
  | { readonly mode: "correctness-only"; readonly adapter: string }
  | { readonly mode: "cannot"; readonly reason: string };

/** One library on one backend, raced by the bench. */
export interface Peer {
  /** The row label, e.g. "tfjs wasm". */
  readonly name: string;
  /** Whether it runs on a GPU adapter. */
  readonly gpu: boolean;
  /**
   * The peer of the same library whose results a correctness-only run must match (its cpu
   * backend), run earlier in the table.
   */
  readonly reference?: string;
  /** Makes this peer's backend current, and says how it will run. */
  activate(options: PeerOptions): Promise<Activation>;
  /** Builds `workload`'s inputs; a missing kernel may throw here or on the first run. */
  prepare(workload: Workload): Step;
  /** Facts about how the peer ran (e.g. SIMD on or off), once activated. */
  notes(): string[];
}

/** How a GPU peer can run here: there must be an adapter; a software one is checked, not timed. */
export async function gpuActivation(options: PeerOptions): Promise<Activation> {
  const gpu = (navigator as { gpu?: GPU }).gpu;
  const adapter = await gpu?.requestAdapter();
  if (!adapter) return { mode: "cannot", reason: "no WebGPU adapter" };
  // Deno reports the fallback flag on `info` (newer spec); older runtimes on the adapter itself.
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const fallback = info.isFallbackAdapter ??
    (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter ?? false;
  const name = info.description || info.device || info.vendor || "unknown";
  if (fallback && !options.softwareGpu) return { mode: "correctness-only", adapter: name };
  return { mode: "timed", adapter: name };
}

/** Σ|v| over `values`, accumulated in float64: a step's checksum. */
export function checksum(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += Math.abs(values[i]);
  return s;
}
