/**
 * The parts of the Jupyter notebook format (nbformat 4) that the runner writes and the site reads.
 *
 * @module
 */

/** A MIME bundle: MIME type to content (strings may be stored as arrays of lines). */
export type MimeBundle = Record<string, unknown>;

/** Text that nbformat stores either whole or as an array of lines. */
export type MultilineString = string | string[];

/** One output of a code cell. */
export type Output =
  | { output_type: "stream"; name: "stdout" | "stderr"; text: MultilineString }
  | {
    output_type: "display_data";
    data: MimeBundle;
    metadata: Record<string, unknown>;
    transient?: { display_id?: string };
  }
  | {
    output_type: "execute_result";
    execution_count: number | null;
    data: MimeBundle;
    metadata: Record<string, unknown>;
  }
  | { output_type: "error"; ename: string; evalue: string; traceback: string[] };

/** A code cell. */
export interface CodeCell {
  cell_type: "code";
  source: MultilineString;
  metadata: Record<string, unknown>;
  execution_count: number | null;
  outputs: Output[];
  id?: string;
}

/** A markdown or raw cell. */
export interface TextCell {
  cell_type: "markdown" | "raw";
  source: MultilineString;
  metadata: Record<string, unknown>;
  attachments?: Record<string, MimeBundle>;
  id?: string;
}

/** Any cell. */
export type Cell = CodeCell | TextCell;

/** A whole notebook. */
export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: Cell[];
}

/** The MIME type of a chapter's metrics bundle; the library's `record(...)` defines it. */
export { METRICS_MIME } from "../../lib/viz/record.ts";

/** Joins nbformat's multiline text into one string. */
export function joinText(text: MultilineString): string {
  return Array.isArray(text) ? text.join("") : text;
}

/** Splits text into nbformat's array of lines, each keeping its newline. */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}
