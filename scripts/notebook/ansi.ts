/**
 * ANSI escape codes: kept in the executed notebooks (Jupyter front ends colour them), stripped for
 * the site and the tests, which want plain text.
 *
 * @module
 */

// CSI sequences (colours, cursor moves) and OSC sequences (titles, links), as terminals send them.
// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;

/** `text` without ANSI escape codes. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}
