/**
 * The bench's result, as written to `_build/bench.json`, and the table printed from it.
 *
 * @module
 */

import type { TimingPolicy } from "./timing.ts";

/** The peer every ratio is taken against. */
export const BASELINE_PEER = "tfjs wasm";

/** One workload on one peer. */
export interface BenchRow {
  readonly workload: string;
  readonly peer: string;
  /**
   * "ok": timed; "correctness-only": run once on a software GPU adapter and checked against the
   * same library's cpu backend, not timed; "cannot": see `reason`.
   */
  readonly status: "ok" | "correctness-only" | "cannot";
  /** Why the peer cannot run the workload, or what a correctness-only run checked. */
  readonly reason?: string;
  /** Median time of the timed runs, ms (null when it cannot). */
  readonly medianMs: number | null;
  /** Timed runs taken, after one warm-up. */
  readonly runs: number;
  /** The workload's FLOPs per run (see FLOP_CONVENTION). */
  readonly flops: number;
  /** flops / median time, in GFLOP/s (null when it cannot). */
  readonly gflops: number | null;
  /** tfjs-wasm's median time / this peer's, so above 1 is faster than tfjs-wasm; null if either cannot. */
  readonly ratioVsWasm: number | null;
  /** Training examples per second, for training steps. */
  readonly samplesPerSecond?: number;
  /** Σ|v| of the first run's results (see `Step.run`). */
  readonly checksum?: number;
}

/** Where and when the bench ran. */
export interface MachineInfo {
  readonly deno: string;
  readonly v8: string;
  readonly os: string;
  readonly arch: string;
  readonly hardwareConcurrency: number;
  /** The CPU model, where the OS tells it. */
  readonly cpu?: string;
  /** ISO date of the run. */
  readonly date: string;
}

/** The whole result. */
export interface BenchReport {
  readonly machine: MachineInfo;
  readonly quick: boolean;
  /** How FLOPs are counted. */
  readonly flopConvention: string;
  /** How many runs were taken (after one warm-up each). */
  readonly timing: TimingPolicy;
  /** How each peer ran (SIMD, threads, backend), one line each. */
  readonly notes: readonly string[];
  readonly rows: readonly BenchRow[];
}

/** The FLOP convention, as stated in the report. */
export const FLOP_CONVENTION = "multiply-add = 2 FLOPs; matmul 2·M·N·K; conv2d forward " +
  "2·N·Ho·Wo·Cout·Cin·kh·kw, backward (input + filter gradients) twice that; a training step " +
  "counts its matmuls and convs only, forward ×3 for forward + backward";

/** A number with `digits` significant figures, or "–". */
function fmt(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined) return "–";
  return x >= 10 ** digits ? x.toFixed(0) : x.toPrecision(digits);
}

/** The report as a markdown table (one row per workload × peer), then the notes. */
export function formatTable(report: BenchReport): string {
  const header = ["workload", "peer", "median ms", "runs", "GFLOP/s", "vs tfjs-wasm", "samples/s"];
  const lines = report.rows.map((r) =>
    r.status !== "ok" ? [r.workload, r.peer, `${r.status}: ${r.reason}`, "", "", "", ""] : [
      r.workload,
      r.peer,
      fmt(r.medianMs),
      String(r.runs),
      fmt(r.gflops),
      r.ratioVsWasm === null ? "–" : `${fmt(r.ratioVsWasm)}×`,
      fmt(r.samplesPerSecond),
    ]
  );
  const row = (cells: string[]) => `| ${cells.join(" | ")} |`;
  const m = report.machine;
  const t = report.timing;
  return [
    `Deno ${m.deno} (V8 ${m.v8}), ${m.os}/${m.arch}, ${m.hardwareConcurrency} threads` +
    `${m.cpu ? `, ${m.cpu}` : ""}, ${m.date}${report.quick ? " (quick)" : ""}`,
    "",
    row(header),
    row(header.map(() => "---")),
    ...lines.map(row),
    "",
    `FLOPs: ${report.flopConvention}.`,
    `Timing: median after one warm-up; at least ${t.minRuns} runs and ${t.minMs} ms, at most ` +
    `${t.maxRuns} runs and ${t.maxMs} ms; a warm-up over ${t.maxMs} ms is the one measurement.`,
    ...report.notes.map((n) => `- ${n}`),
  ].join("\n");
}
