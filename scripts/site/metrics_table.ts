/**
 * A chapter's headline metrics as a small table: on the index, and wherever a notebook recorded
 * them (the `application/vnd.fdl.metrics+json` output).
 *
 * @module
 */

import { escapeHtml } from "./html.ts";

/** A metric's value as a reader wants it: four significant figures, integers whole. */
export function formatMetric(value: unknown): string {
  if (typeof value === "number") {
    if (Number.isInteger(value) || !Number.isFinite(value)) return String(value);
    // Number(…) drops the trailing zeros toPrecision leaves ("0.9800" reads as "0.98").
    return Math.abs(value) >= 1e-3 && Math.abs(value) < 1e6
      ? String(Number(value.toPrecision(4)))
      : value.toPrecision(4);
  }
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** `metrics` (name to value) as a two-column table; an empty string when there are none. */
export function renderMetricsTable(metrics: Record<string, unknown>): string {
  const rows = Object.entries(metrics).map(([name, value]) =>
    `<tr><th scope="row">${escapeHtml(name)}</th><td>${escapeHtml(formatMetric(value))}</td></tr>`
  );
  return rows.length === 0 ? "" : `<table class="metrics"><tbody>${rows.join("")}</tbody></table>`;
}
