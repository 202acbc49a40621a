/**
 * The table `deno task course` prints at the end: each chapter's time, status and a few headline
 * metrics, then what failed and where.
 *
 * @module
 */

import type { ChapterResult } from "./run.ts";

/** How many metrics a row shows. */
const HEADLINE_METRICS = 3;
const TITLE_WIDTH = 40;

/** A number short enough for a table cell: integers whole, others to 4 significant digits. */
function formatValue(value: number | string | boolean): string {
  if (typeof value !== "number" || Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}

/** The first few scalar metrics as `key=value` pairs (objects and arrays do not fit a row). */
export function headline(metrics: Record<string, unknown> | undefined): string {
  return Object.entries(metrics ?? {})
    .filter((entry): entry is [string, number | string | boolean] =>
      ["number", "string", "boolean"].includes(typeof entry[1])
    )
    .slice(0, HEADLINE_METRICS)
    .map(([key, value]) => `${key}=${formatValue(value)}`)
    .join(" ");
}

/** The summary table, and a line per failed chapter saying why. */
export function summaryTable(results: readonly ChapterResult[]): string {
  const rows = results.map((r) => {
    const title = r.chapter.title.length > TITLE_WIDTH
      ? `${r.chapter.title.slice(0, TITLE_WIDTH - 1)}…`
      : r.chapter.title;
    const seconds = r.seconds === undefined ? "–" : r.seconds.toFixed(1);
    return `${String(r.chapter.number).padStart(2)}  ${title.padEnd(TITLE_WIDTH)} ` +
      `${seconds.padStart(8)}  ${r.status.padEnd(7)} ${headline(r.metrics)}`.trimEnd();
  });
  const header = `Ch  ${"Title".padEnd(TITLE_WIDTH)} ${"Seconds".padStart(8)}  Status  Headline`;
  const failures = results
    .filter((r) => r.status === "failed")
    .map((r) => `Chapter ${r.chapter.number} (${r.chapter.file}) failed: ${r.error}`);
  return [header, ...rows, ...(failures.length ? ["", ...failures] : [])].join("\n");
}
