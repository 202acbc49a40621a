/**
 * Recording a chapter's headline numbers: one display bundle of MIME type
 * `application/vnd.fdl.metrics+json`, which the course runner collects into `_build/metrics.json`
 * for the tests and the site, with a readable table beside it.
 *
 * @module
 */

import { type Broadcast, emit, jupyterBroadcast, type MimeBundle } from "./live.ts";
import { escapeXml } from "./svg.ts";

/** The MIME type of a chapter's recorded metrics. */
export const METRICS_MIME = "application/vnd.fdl.metrics+json";

/** A recordable value. */
export type MetricValue = number | string | boolean;

/** Options of {@link record}; tests replace where the bundle goes. */
export interface RecordOptions {
  /** Where the display goes (default: `Deno.jupyter.broadcast` in the Jupyter kernel). */
  readonly broadcast?: Broadcast | null;
  /** Where the table goes outside Jupyter (default `console.log`). */
  readonly print?: (text: string) => void;
}

/**
 * What {@link record} recorded. As a cell's last expression it shows a one-line confirmation:
 * the table itself has been displayed already.
 */
export class RecordedMetrics {
  /** The metrics, as recorded. */
  readonly values: Readonly<Record<string, MetricValue>>;

  /** Wraps checked metrics; {@link record} makes these. */
  constructor(values: Readonly<Record<string, MetricValue>>) {
    this.values = values;
  }

  /** The bundle that {@link record} emits: the metrics as JSON, an HTML table and a text table. */
  toMimeBundle(): MimeBundle {
    return {
      [METRICS_MIME]: { ...this.values },
      "text/html": metricsHtml(this.values),
      "text/plain": metricsTable(this.values),
    };
  }

  /** The Jupyter display hook: a confirmation naming what was recorded. */
  [Symbol.for("Jupyter.display")](): MimeBundle {
    const names = Object.keys(this.values);
    return { "text/plain": `Recorded ${names.length} metrics: ${names.join(", ")}` };
  }
}

/**
 * Records a chapter's headline numbers: in Jupyter it displays them as one bundle of MIME type
 * `application/vnd.fdl.metrics+json` (plus a table for people); elsewhere it prints the table.
 * Call it once per chapter, with a flat object of finite numbers, strings and booleans.
 *
 * @example
 * ```ts
 * record({ test_accuracy: 0.9743, epochs: 5, optimizer: "Adam" });
 * ```
 */
export function record(
  metrics: Readonly<Record<string, MetricValue>>,
  options: RecordOptions = {},
): RecordedMetrics {
  const recorded = new RecordedMetrics(checkMetrics(metrics));
  const broadcast = options.broadcast === undefined ? jupyterBroadcast() : options.broadcast;
  if (broadcast === null) {
    (options.print ?? console.log)(metricsTable(recorded.values));
  } else {
    // Not awaited, so a cell can end with record(...); a failure still shows in the cell.
    emit(broadcast, "display_data", { data: recorded.toMimeBundle(), metadata: {}, transient: {} })
      .catch((err) => console.error(`record: the metrics could not be displayed: ${err}`));
  }
  return recorded;
}

function checkMetrics(metrics: unknown): Record<string, MetricValue> {
  const proto = metrics !== null && typeof metrics === "object"
    ? Object.getPrototypeOf(metrics)
    : undefined;
  if (proto !== Object.prototype && proto !== null) {
    throw new Error(
      `record: metrics must be a plain object like { accuracy: 0.97 }, got ${
        Array.isArray(metrics) ? "an array" : metrics === null ? "null" : typeof metrics
      }`,
    );
  }
  const entries = Object.entries(metrics as Record<string, unknown>);
  if (entries.length === 0) throw new Error("record: metrics is empty; record at least one number");
  const out: Record<string, MetricValue> = {};
  for (const [name, v] of entries) {
    if (name === "") throw new Error("record: a metric has an empty name");
    if (typeof v === "number" && !Number.isFinite(v)) {
      throw new Error(
        `record: metrics.${name} is ${v}; only finite numbers can be recorded (did training diverge?)`,
      );
    }
    if (typeof v !== "number" && typeof v !== "string" && typeof v !== "boolean") {
      throw new Error(
        `record: metrics.${name} is ${
          v === null
            ? "null"
            : Array.isArray(v)
            ? "an array"
            : typeof v === "object"
            ? "an object"
            : `a ${typeof v}`
        }; metrics are a flat object of numbers, strings and booleans`,
      );
    }
    out[name] = v;
  }
  return out;
}

/** A value as the tables show it: numbers to 6 significant digits. */
function show(v: MetricValue): string {
  return typeof v === "number" && !Number.isInteger(v)
    ? String(Number(v.toPrecision(6)))
    : String(v);
}

/** The metrics as a two-column text table. */
export function metricsTable(values: Readonly<Record<string, MetricValue>>): string {
  const names = Object.keys(values);
  const width = Math.max("metric".length, ...names.map((n) => n.length));
  return [
    `${"metric".padEnd(width)}  value`,
    ...names.map((n) => `${n.padEnd(width)}  ${show(values[n])}`),
  ]
    .join("\n");
}

function metricsHtml(values: Readonly<Record<string, MetricValue>>): string {
  const rows = Object.entries(values).map(([n, v]) =>
    `<tr><td style="text-align:left">${escapeXml(n)}</td><td style="text-align:right">${
      escapeXml(show(v))
    }</td></tr>`
  );
  return `<table><thead><tr><th style="text-align:left">metric</th><th style="text-align:right">value</th></tr></thead><tbody>${
    rows.join("")
  }</tbody></table>`;
}
