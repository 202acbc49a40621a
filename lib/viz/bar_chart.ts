/**
 * Bar charts: one value per named category.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import {
  type AxisOptions,
  type Chart,
  type ChartOptions,
  composeChart,
  DEFAULT_WIDTH,
} from "./chart.ts";
import { paletteColor } from "./colormap.ts";
import { renderPlot } from "./plot.ts";
import { formatTick } from "./ticks.ts";
import { textWidth } from "./svg.ts";

/** Bars: `{ label: value }`, or `[{ label, value }]` to keep an order or repeat nothing. */
export type BarData =
  | Readonly<Record<string, number>>
  | readonly { readonly label: string; readonly value: number }[];

/** Options of {@link barChart}. */
export interface BarChartOptions extends ChartOptions, AxisOptions {
  /** Writes each value above its bar (default true). */
  readonly values?: boolean;
}

/**
 * A bar chart, bars in the given order, each value written above its bar.
 *
 * @example
 * ```ts
 * barChart({ SGD: 0.91, Momentum: 0.95, Adam: 0.97 }, { title: "Test accuracy", yLabel: "accuracy" });
 * ```
 */
export function barChart(data: BarData, options: BarChartOptions = {}): Chart {
  const bars = readBars(data);
  const labels = bars.map((b) => b.label);
  const width = options.width ?? DEFAULT_WIDTH;
  // Slanted labels when they would not fit side by side under their bars.
  const longest = Math.max(...labels.map((l) => textWidth(l, 10)));
  const slant = longest > (width - 80) / bars.length - 6;
  const showValues = options.values ?? true;
  return composeChart({
    helper: "barChart",
    options,
    body: (y, height, width) =>
      renderPlot({
        width,
        height,
        marginBottom: slant ? Math.min(120, 20 + longest * 0.7) : 35,
        x: { domain: labels, label: options.xLabel ?? null, tickRotate: slant ? -35 : 0 },
        y: { label: options.yLabel ?? null, grid: true },
        marks: [
          Plot.barY(bars, { x: "label", y: "value", fill: paletteColor(0) }),
          Plot.ruleY([0]),
          ...(showValues
            ? [
              Plot.text(bars.filter((b) => b.value >= 0), {
                x: "label",
                y: "value",
                text: (b: Bar) => formatTick(b.value),
                dy: -6,
              }),
              Plot.text(bars.filter((b) => b.value < 0), {
                x: "label",
                y: "value",
                text: (b: Bar) => formatTick(b.value),
                dy: 8,
              }),
            ]
            : []),
        ],
      }, y),
  });
}

interface Bar {
  label: string;
  value: number;
}

function readBars(data: BarData): Bar[] {
  if (data === null || typeof data !== "object") {
    throw new Error(`barChart: data must be { label: value } or [{ label, value }], got ${data}`);
  }
  const bars: Bar[] = Array.isArray(data)
    ? data.map((b, i) => {
      if (b === null || typeof b !== "object" || typeof b.label !== "string") {
        throw new Error(`barChart: data[${i}] must be { label: string, value: number }`);
      }
      return { label: b.label, value: b.value };
    })
    : Object.entries(data).map(([label, value]) => ({ label, value }));
  if (bars.length === 0) throw new Error("barChart: data is empty; give at least one bar");
  const seen = new Set<string>();
  for (const { label, value } of bars) {
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new Error(`barChart: the value of "${label}" is ${value}; bars need finite numbers`);
    }
    if (seen.has(label)) throw new Error(`barChart: two bars are labelled "${label}"`);
    seen.add(label);
  }
  return bars;
}
