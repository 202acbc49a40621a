/**
 * Heat-maps of matrices (weights, activations, attention), with a colour legend.
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
import { type Colormap, colormap, type ColormapName, isLight } from "./colormap.ts";
import { type MatrixInput, matrixOf } from "./inputs.ts";
import { rampLegend } from "./legend.ts";
import { renderPlot } from "./plot.ts";
import { rasterUrl } from "./raster.ts";
import { formatTick, integerTicks } from "./ticks.ts";

/** Options of {@link heatmap}. */
export interface HeatmapOptions extends ChartOptions, AxisOptions {
  /**
   * The colours: "diverging" (blue, white at 0, red) by default when values have both signs, so
   * that the sign of a weight shows; "viridis" otherwise.
   */
  readonly colormap?: ColormapName;
  /** Writes each value in its cell; by default when the matrix has at most 144 cells. */
  readonly annotate?: boolean;
  /** The caption of the colour legend, e.g. "weight". */
  readonly colorLabel?: string;
}

const MARGIN = { top: 12, right: 12, bottom: 36, left: 48 };
const ANNOTATE_UP_TO = 144;

/**
 * A heat-map of a matrix: row 0 at the top, one cell per entry, a colour legend above, and the
 * values written in the cells of small matrices.
 *
 * @example
 * ```ts
 * heatmap(layer.weight, { title: "First-layer weights", xLabel: "output", yLabel: "input" });
 * ```
 */
export function heatmap(values: MatrixInput, options: HeatmapOptions = {}): Chart {
  const m = matrixOf("heatmap", "values", values);
  let lo = Infinity, hi = -Infinity;
  for (const v of m.values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const name = options.colormap ?? (lo < 0 && hi > 0 ? "diverging" : "viridis");
  const map = colormap(name);
  // A diverging map is centred on zero, so that white means 0 whatever the extremes.
  const bound = Math.max(Math.abs(lo), Math.abs(hi));
  const domain: [number, number] = name === "diverging" ? [-bound, bound] : [lo, hi];
  const width = options.width ?? DEFAULT_WIDTH;
  const frameWidth = width - MARGIN.left - MARGIN.right;
  // Square cells where the page allows; very tall or flat matrices get stretched cells.
  const frameHeight = Math.min(560, Math.max(160, frameWidth * m.rows / m.cols));
  const annotate = options.annotate ?? m.rows * m.cols <= ANNOTATE_UP_TO;
  const cells = annotate ? annotations(m, map, domain) : [];
  const legend = rampLegend({ domain, colormap: map, label: options.colorLabel }, width);
  return composeChart({
    helper: "heatmap",
    options,
    bodyHeight: frameHeight + MARGIN.top + MARGIN.bottom,
    legends: [legend],
    body: (y, height, width) => {
      const w = width - MARGIN.left - MARGIN.right, h = height - MARGIN.top - MARGIN.bottom;
      const src = rasterUrl(m.values, 0, m.cols, m.rows, name, domain);
      return renderPlot({
        width,
        height,
        marginTop: MARGIN.top,
        marginRight: MARGIN.right,
        marginBottom: MARGIN.bottom,
        marginLeft: MARGIN.left,
        x: {
          domain: [-0.5, m.cols - 0.5],
          ticks: integerTicks(m.cols),
          tickFormat: "d",
          label: options.xLabel ?? "column",
        },
        y: {
          domain: [-0.5, m.rows - 0.5],
          reverse: true,
          ticks: integerTicks(m.rows),
          tickFormat: "d",
          label: options.yLabel ?? "row",
        },
        marks: [
          Plot.image([0], {
            x: () => (m.cols - 1) / 2,
            y: () => (m.rows - 1) / 2,
            width: w,
            height: h,
            src: () => src,
            preserveAspectRatio: "none",
            imageRendering: "pixelated",
          }),
          ...[true, false].map((light) =>
            Plot.text(cells.filter((c) => c.light === light), {
              x: "col",
              y: "row",
              text: "text",
              fill: light ? "#1b1e23" : "white",
            })
          ),
        ],
      }, y);
    },
  });
}

function annotations(
  m: { rows: number; cols: number; values: Float64Array },
  map: Colormap,
  [lo, hi]: readonly [number, number],
) {
  return Array.from(m.values, (v, i) => ({
    row: Math.floor(i / m.cols),
    col: i % m.cols,
    text: formatTick(Number(v.toPrecision(3))),
    // The text takes the colour that reads on its cell.
    light: isLight(map(hi > lo ? (v - lo) / (hi - lo) : 0.5)),
  }));
}
