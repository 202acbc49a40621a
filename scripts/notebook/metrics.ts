/**
 * A chapter's headline metrics: every bundle of MIME type {@link METRICS_MIME} in its executed
 * notebook, merged in cell order (a later key wins, as a later `record({...})` call would).
 *
 * @module
 */

import { METRICS_MIME, type Notebook } from "./nbformat.ts";

/**
 * The merged metrics of an executed notebook. They are read from the final outputs, so a bundle
 * that `update_display_data` rewrote counts with its last content. Bundles that are not JSON
 * objects have no keys to merge and are skipped.
 */
export function collectMetrics(notebook: Notebook): Record<string, unknown> {
  const metrics: Record<string, unknown> = {};
  for (const cell of notebook.cells) {
    if (cell.cell_type !== "code") continue;
    for (const output of cell.outputs) {
      if (output.output_type !== "display_data" && output.output_type !== "execute_result") {
        continue;
      }
      const bundle = output.data[METRICS_MIME];
      if (typeof bundle === "object" && bundle !== null && !Array.isArray(bundle)) {
        Object.assign(metrics, bundle);
      }
    }
  }
  return metrics;
}
