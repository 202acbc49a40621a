/**
 * Turns iopub messages into nbformat outputs, as a Jupyter front end does: consecutive writes to
 * one stream become one output, `update_display_data` rewrites every earlier output with the same
 * display id (in any cell), and `clear_output` empties a cell.
 *
 * @module
 */

import { type CodeCell, type MimeBundle, type Output, splitLines } from "./nbformat.ts";

/** A display output that a later `update_display_data` may rewrite. */
type Updatable = Extract<Output, { output_type: "display_data" | "execute_result" }>;

/** The iopub message types that carry a cell's output. */
const OUTPUT_TYPES = new Set([
  "stream",
  "display_data",
  "update_display_data",
  "execute_result",
  "error",
  "clear_output",
]);

/** Whether iopub messages of type `msgType` carry output. */
export function isOutputMessage(msgType: string): boolean {
  return OUTPUT_TYPES.has(msgType);
}

/**
 * Collects the outputs of one notebook's cells. `transient.display_id` is remembered here, never
 * written to the notebook: nbformat does not allow `transient` in saved outputs.
 */
export class OutputCollector {
  readonly #displays = new Map<string, Updatable[]>();
  readonly #clearOnNext = new Set<CodeCell>();

  /** Applies one output message (see {@link isOutputMessage}) from the kernel to `cell`. */
  apply(cell: CodeCell, msgType: string, content: Record<string, unknown>): void {
    if (msgType === "clear_output") {
      // `wait: true` asks to clear only when the next output arrives, so a live view never blinks.
      if (content.wait === true) this.#clearOnNext.add(cell);
      else cell.outputs.length = 0;
      return;
    }
    if (msgType === "update_display_data") {
      // Like a front end, an update for a display id never shown is dropped: there is nothing to update.
      for (const output of this.#displays.get(displayId(content) ?? "") ?? []) {
        output.data = bundle(content.data);
        output.metadata = record(content.metadata);
      }
      return;
    }
    if (this.#clearOnNext.delete(cell)) cell.outputs.length = 0;
    switch (msgType) {
      case "stream":
        return appendStream(
          cell,
          content.name === "stderr" ? "stderr" : "stdout",
          String(content.text ?? ""),
        );
      case "display_data":
        return this.#remember(content, cell.outputs, {
          output_type: "display_data",
          data: bundle(content.data),
          metadata: record(content.metadata),
        });
      case "execute_result":
        return this.#remember(content, cell.outputs, {
          output_type: "execute_result",
          execution_count: typeof content.execution_count === "number"
            ? content.execution_count
            : null,
          data: bundle(content.data),
          metadata: record(content.metadata),
        });
      case "error":
        cell.outputs.push({
          output_type: "error",
          ename: String(content.ename ?? "Error"),
          evalue: String(content.evalue ?? ""),
          traceback: Array.isArray(content.traceback) ? content.traceback.map(String) : [],
        });
    }
  }

  /** Appends a display output and remembers its display id, if it has one. */
  #remember(content: Record<string, unknown>, outputs: Output[], output: Updatable): void {
    outputs.push(output);
    const id = displayId(content);
    if (id === undefined) return;
    const shown = this.#displays.get(id);
    if (shown) shown.push(output);
    else this.#displays.set(id, [output]);
  }
}

/** Appends stream text, merged into the cell's last output when that is the same stream. */
function appendStream(cell: CodeCell, name: "stdout" | "stderr", text: string): void {
  const last = cell.outputs.at(-1);
  if (last?.output_type === "stream" && last.name === name) {
    last.text = (typeof last.text === "string" ? last.text : last.text.join("")) + text;
  } else {
    cell.outputs.push({ output_type: "stream", name, text });
  }
}

/** The display id of a display message, if it has one. */
function displayId(content: Record<string, unknown>): string | undefined {
  const id = record(content.transient).display_id;
  return typeof id === "string" ? id : undefined;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Record<string, unknown>
    : {};
}

function bundle(value: unknown): MimeBundle {
  return { ...record(value) };
}

/** MIME types whose text nbformat writers store as a list of lines (JSON types stay as they are). */
function isLineText(mime: string): boolean {
  return mime.startsWith("text/") || mime === "image/svg+xml" || mime === "application/javascript";
}

/**
 * Rewrites a cell's text outputs as nbformat's lists of lines, the form Jupyter saves: diffs of
 * executed notebooks then read line by line. Run once, after execution.
 */
export function toSavedForm(cell: CodeCell): void {
  for (const output of cell.outputs) {
    if (output.output_type === "stream" && typeof output.text === "string") {
      output.text = splitLines(output.text);
    } else if (output.output_type === "display_data" || output.output_type === "execute_result") {
      for (const [mime, value] of Object.entries(output.data)) {
        if (typeof value === "string" && isLineText(mime)) output.data[mime] = splitLines(value);
      }
    }
  }
}
