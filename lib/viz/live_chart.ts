/**
 * A line chart that redraws in place as rows arrive: learning curves during training.
 *
 * @module
 */

import type { Chart } from "./chart.ts";
import { lineChart, type LineChartOptions } from "./line_chart.ts";
import { LiveDisplay, type LiveDisplayOptions } from "./live.ts";

/** Options of {@link liveChart}. */
export interface LiveChartOptions extends Omit<LineChartOptions, "x" | "xStart" | "series"> {
  /** The field along the horizontal axis (default "step"; rows without it are numbered). */
  readonly x?: string;
  /** How the display is shown and throttled (tests pass a fake broadcast and clock). */
  readonly display?: LiveDisplayOptions;
}

/** A chart being drawn: see {@link liveChart}. */
export interface LiveChart {
  /** Adds a row (the x field and one value per series) and redraws, at most a few times a second. */
  push(row: Readonly<Record<string, number>>): void;
  /** Draws the last rows the throttle held back, if any; no rows may follow. */
  done(): Promise<void>;
  /** The rows so far. */
  readonly rows: readonly Readonly<Record<string, number>>[];
  /** The chart of the rows so far, e.g. to show once more after training. */
  chart(): Chart;
}

/**
 * A live line chart: each `push({ step, loss, … })` adds a point to every series (every field other
 * than the x field) and redraws the chart in place. In Jupyter the chart updates in the cell's
 * output; elsewhere nothing is shown, and the rows are still collected.
 *
 * @example
 * ```ts
 * const live = liveChart({ title: "Training", logY: true });
 * for (let step = 0; step < 1000; step++) {
 *   const loss = trainStep();
 *   if (step % 10 === 0) live.push({ step, loss });
 * }
 * await live.done();
 * ```
 */
export function liveChart(options: LiveChartOptions = {}): LiveChart {
  const { display: displayOptions, ...chartOptions } = options;
  const display = new LiveDisplay({
    displayId: `fdl-chart-${crypto.randomUUID()}`,
    ...displayOptions,
  });
  const rows: Readonly<Record<string, number>>[] = [];
  const x = options.x ?? "step";
  const chart = () => lineChart(rows, { ...chartOptions, x });
  // A chart that cannot be drawn (every loss NaN on a log scale) says why in its place rather
  // than stopping the training loop that pushed the row.
  const bundle = () => {
    try {
      return chart().toMimeBundle();
    } catch (err) {
      return { "text/plain": String(err instanceof Error ? err.message : err) };
    }
  };
  let finished = false;
  return {
    rows,
    chart,
    push(row) {
      if (finished) throw new Error("liveChart: push() after done()");
      if (row === null || typeof row !== "object") {
        throw new Error(`liveChart: push takes a row like { step: 1, loss: 0.5 }, got ${row}`);
      }
      for (const [k, v] of Object.entries(row)) {
        if (typeof v !== "number") {
          throw new Error(`liveChart: row field "${k}" is ${JSON.stringify(v)}, not a number`);
        }
      }
      if (rows.length > 0 && (x in row) !== (x in rows[0])) {
        throw new Error(
          `liveChart: every row must have the x field "${x}", or none (then rows are numbered)`,
        );
      }
      rows.push({ ...row });
      // The chart is only drawn when the display sends it; a failure has no caller to go to.
      display.update(bundle).catch((err) => console.error(`liveChart: ${err}`));
    },
    async done() {
      finished = true;
      await display.close();
    },
  };
}
