/**
 * Executing notebooks through the real Deno kernel, and reading what comes out: the public face
 * of `scripts/notebook/`.
 *
 * @module
 */

export {
  type CellProgress,
  executeNotebook,
  type ExecuteOptions,
  type NotebookRun,
} from "./execute.ts";
export { KernelError, NotebookError } from "./errors.ts";
export { collectMetrics } from "./metrics.ts";
export * from "./nbformat.ts";
export { readNotebook } from "./read.ts";
export { stripAnsi } from "./ansi.ts";
