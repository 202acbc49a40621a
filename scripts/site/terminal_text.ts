/**
 * Terminal output as a page shows it: without ANSI codes, and with carriage-return rewrites (a
 * progress bar redrawing its line) collapsed to what a terminal would finally show.
 *
 * @module
 */

import { stripAnsi } from "../notebook/ansi.ts";

/** `text` as a terminal would leave it on screen, as plain text. */
export function terminalText(text: string): string {
  return stripAnsi(text)
    .replace(/\r\n/g, "\n")
    .split("\n")
    // A bare \r returns to the line's start; the last rewrite is what stays visible.
    .map((line) => line.slice(line.lastIndexOf("\r") + 1))
    .join("\n");
}
