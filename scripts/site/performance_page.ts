/**
 * The site's performance page: the last `deno task bench` run (`_build/bench.json`) as one bar
 * chart per workload and the full table, so readers see how our library races TensorFlow.js.
 *
 * @module
 */

import { benchCharts } from "../bench/chart.ts";
import { BASELINE_PEER, type BenchReport } from "../bench/report.ts";
import { escapeHtml } from "./html.ts";
import { renderPage } from "./layout.ts";

/** The page's file name in the site. */
export const PERFORMANCE_PAGE = "performance.html";

/** A number with three significant figures, or "–". */
function figure(x: number | null | undefined): string {
  if (x === null || x === undefined) return "–";
  return x >= 1000 ? x.toFixed(0) : x.toPrecision(3);
}

function renderTable(report: BenchReport): string {
  const rows = report.rows.map((r) => {
    const cells = r.status !== "ok"
      ? [r.workload, r.peer, `${r.status}: ${r.reason}`, "", "", ""]
      : [
        r.workload,
        r.peer,
        figure(r.medianMs),
        figure(r.gflops),
        r.ratioVsWasm === null ? "–" : `${figure(r.ratioVsWasm)}×`,
        figure(r.samplesPerSecond),
      ];
    return `<tr>${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`;
  });
  const head = ["workload", "peer", "median ms", "GFLOP/s", `vs ${BASELINE_PEER}`, "samples/s"];
  return `<table class="bench">
<thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr></thead>
<tbody>
${rows.join("\n")}
</tbody>
</table>`;
}

/** The performance page's HTML document. */
export function renderPerformancePage(report: BenchReport): string {
  const m = report.machine;
  const machine = `Deno ${m.deno} (V8 ${m.v8}) on ${m.os}/${m.arch}, ${m.hardwareConcurrency} ` +
    `threads${m.cpu ? `, ${m.cpu}` : ""}, ${m.date.slice(0, 10)}${
      report.quick ? ", quick run" : ""
    }`;
  const charts = benchCharts(report).map((c) =>
    `<figure class="output bench-chart">${c.svg}</figure>`
  );
  const body = `<main class="chapter">
<h1>Performance</h1>
<p>Our library against TensorFlow.js, all in one process on one machine, from the last
<code>deno task bench</code>. Each bar is a peer's GFLOP/s on one workload; a peer that cannot run a
workload is named in the chart's title and says why in the table. Ratios are against
${escapeHtml(BASELINE_PEER)}: above 1× is faster.</p>
<p class="ran">${escapeHtml(machine)}.</p>
${charts.join("\n")}
${renderTable(report)}
<p>${escapeHtml(`FLOPs: ${report.flopConvention}.`)}</p>
<ul>
${report.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("\n")}
</ul>
</main>`;
  return renderPage({ title: "Performance", body });
}
