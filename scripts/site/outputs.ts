/**
 * Code-cell outputs as HTML, in place under their cell: streams and errors as plain text (ANSI
 * stripped), display bundles through their richest MIME type.
 *
 * @module
 */

import { joinText, METRICS_MIME, type MimeBundle, type Output } from "../notebook/nbformat.ts";
import { escapeHtml } from "./html.ts";
import { renderMetricsTable } from "./metrics_table.ts";
import { inlineSvg } from "./svg.ts";
import { terminalText } from "./terminal_text.ts";

/**
 * The MIME types the site shows, richest first. The metrics bundle leads because a table is how
 * the site presents recorded metrics; SVG comes before HTML because lib/viz offers both and the SVG
 * alone is the chart.
 */
export const MIME_PREFERENCE: readonly string[] = [
  METRICS_MIME,
  "image/svg+xml",
  "text/html",
  "image/png",
  "text/plain",
];

/** The MIME type of `bundle` that a page shows, or undefined when it has none the site knows. */
export function chooseMime(bundle: MimeBundle): string | undefined {
  return MIME_PREFERENCE.find((mime) => bundle[mime] !== undefined && bundle[mime] !== null);
}

/** Text content of a bundle entry, which nbformat may store as an array of lines. */
function text(value: unknown): string {
  return typeof value === "string" || Array.isArray(value)
    ? joinText(value)
    : JSON.stringify(value);
}

/** The recorded metrics: nbformat stores JSON MIME types as objects, but a string is parsed too. */
function metricsOf(value: unknown): Record<string, unknown> {
  const parsed = typeof value === "string" ? JSON.parse(value) : value;
  return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
    ? parsed as Record<string, unknown>
    : { value: parsed };
}

/** One display bundle as HTML. */
function renderBundle(bundle: MimeBundle): string {
  const mime = chooseMime(bundle);
  const value = mime === undefined ? undefined : bundle[mime];
  switch (mime) {
    case METRICS_MIME:
      return `<div class="output output-metrics">${renderMetricsTable(metricsOf(value))}</div>`;
    case "image/svg+xml":
      return `<div class="output output-svg">${inlineSvg(text(value))}</div>`;
    case "text/html":
      return `<div class="output output-html">${text(value)}</div>`;
    case "image/png": {
      const base64 = text(value).replace(/\s+/g, "");
      return `<div class="output output-png"><img alt="Cell output" src="data:image/png;base64,${base64}"></div>`;
    }
    case "text/plain":
      return `<pre class="output output-text">${escapeHtml(terminalText(text(value)))}</pre>`;
    default: {
      const types = Object.keys(bundle).join(", ") || "empty";
      return `<div class="output output-unsupported">Output not shown (${
        escapeHtml(types)
      }).</div>`;
    }
  }
}

/** One output of a code cell as HTML. */
function renderOutput(output: Output): string {
  switch (output.output_type) {
    case "stream":
      return `<pre class="output output-stream ${output.name}">${
        escapeHtml(terminalText(joinText(output.text)))
      }</pre>`;
    case "display_data":
    case "execute_result":
      return renderBundle(output.data);
    case "error": {
      const traceback = terminalText(output.traceback.join("\n"));
      return `<div class="output output-error" role="alert"><p class="error-title">${
        escapeHtml(`${output.ename}: ${terminalText(output.evalue)}`)
      }</p><pre>${escapeHtml(traceback)}</pre></div>`;
    }
  }
}

/**
 * Joins neighbouring stream outputs of the same stream: the kernel sends printed text in chunks,
 * and a progress line rewritten with `\r` spans several of them.
 */
export function mergeStreams(outputs: readonly Output[]): Output[] {
  const merged: Output[] = [];
  for (const output of outputs) {
    const last = merged.at(-1);
    if (
      output.output_type === "stream" && last?.output_type === "stream" && last.name === output.name
    ) {
      merged[merged.length - 1] = { ...last, text: joinText(last.text) + joinText(output.text) };
    } else {
      merged.push(output);
    }
  }
  return merged;
}

/** A code cell's outputs as HTML, in order. */
export function renderOutputs(outputs: readonly Output[]): string {
  return mergeStreams(outputs).map(renderOutput).join("\n");
}
