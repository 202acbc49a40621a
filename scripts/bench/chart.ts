/**
 * Bench results as bar charts for the course site: one chart per workload, GFLOP/s per peer.
 *
 * @module
 */

import { barChart, type Chart } from "../../lib/mod.ts";
import type { BenchReport } from "./report.ts";

/**
 * A bar chart of `workload`'s GFLOP/s on each peer that could run it; the title names the peers
 * that cannot, so a missing bar is explained.
 *
 * @example
 * ```ts
 * const report = JSON.parse(await Deno.readTextFile("_build/bench.json"));
 * await Deno.writeTextFile("matmul.svg", benchChart(report, "matmul 1024x1024x1024").svg);
 * ```
 */
export function benchChart(report: BenchReport, workload: string): Chart {
  const rows = report.rows.filter((r) => r.workload === workload);
  if (rows.length === 0) throw new Error(`benchChart: no rows for workload "${workload}"`);
  const ok = rows.filter((r) => r.status === "ok" && r.gflops !== null);
  const missing = (status: string) =>
    rows.filter((r) => r.status === status).map((r) => r.peer).join(", ");
  const notes = [
    missing("cannot") && `cannot: ${missing("cannot")}`,
    missing("correctness-only") && `correctness only: ${missing("correctness-only")}`,
  ].filter(Boolean);
  return barChart(
    ok.map((r) => ({ label: r.peer, value: r.gflops! })),
    {
      title: notes.length ? `${workload} (${notes.join("; ")})` : workload,
      yLabel: "GFLOP/s",
    },
  );
}

/** One {@link benchChart} per workload, in the report's order. */
export function benchCharts(report: BenchReport): Chart[] {
  return [...new Set(report.rows.map((r) => r.workload))].map((w) => benchChart(report, w));
}
