/**
 * Scatter plots: points in two dimensions, coloured by class.
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
import {
  classOrder,
  type LabelList,
  labelList,
  type NumberList,
  numberList,
  sameLength,
} from "./inputs.ts";
import { type LegendBlock, swatchLegend } from "./legend.ts";
import { renderPlot } from "./plot.ts";

/** Points: x and y coordinates and, optionally, a class label for each. */
export interface Points {
  /** Horizontal coordinates. */
  readonly x: NumberList;
  /** Vertical coordinates. */
  readonly y: NumberList;
  /** A class per point (numbers or names), which picks its colour. */
  readonly label?: LabelList;
}

/** Options of {@link scatter}. */
export interface ScatterOptions extends ChartOptions, AxisOptions {
  /** Shows a legend of the classes (default: when there are labels). */
  readonly legend?: boolean;
  /** Point radius in pixels (default 4). */
  readonly radius?: number;
}

/** Points read and checked, with the classes in legend order. */
export interface ClassedPoints {
  x: number[];
  y: number[];
  label: (number | string)[] | null;
  classes: (number | string)[];
}

/** Reads and checks points for `helper`. */
export function readPoints(helper: string, points: Points): ClassedPoints {
  if (points === null || typeof points !== "object") {
    throw new Error(`${helper}: points must be { x, y, label? }, got ${points}`);
  }
  const x = numberList(helper, "points.x", points.x);
  const y = numberList(helper, "points.y", points.y);
  sameLength(helper, { "points.x": x, "points.y": y });
  if (points.label === undefined) return { x, y, label: null, classes: [] };
  const label = labelList(helper, "points.label", points.label);
  sameLength(helper, { "points.x": x, "points.label": label });
  return { x, y, label, classes: classOrder(label) };
}

/** The colour of each class, in legend order. */
export function classColors(
  classes: readonly (number | string)[],
): { domain: string[]; range: string[] } {
  return { domain: classes.map(String), range: classes.map((_, i) => paletteColor(i)) };
}

/** A legend with one dot per class, in legend order. */
export function classLegend(classes: readonly (number | string)[], width: number): LegendBlock {
  return swatchLegend(
    classes.map((c, i) => ({ label: String(c), color: paletteColor(i), glyph: "dot" })),
    width,
  );
}

/**
 * A scatter plot of points, coloured by class when labels are given.
 *
 * @example
 * ```ts
 * scatter({ x: [1, 2, 3], y: [2, 1, 3], label: [0, 1, 1] }, { xLabel: "sleep", yLabel: "study" });
 * ```
 */
export function scatter(points: Points, options: ScatterOptions = {}): Chart {
  const p = readPoints("scatter", points);
  const rows = p.x.map((x, i) => ({ x, y: p.y[i], label: p.label ? String(p.label[i]) : "" }));
  const radius = options.radius ?? 4;
  const showLegend = p.label !== null && (options.legend ?? true);
  return composeChart({
    helper: "scatter",
    options,
    legends: showLegend ? [classLegend(p.classes, options.width ?? DEFAULT_WIDTH)] : [],
    body: (y, height, width) =>
      renderPlot({
        width,
        height,
        grid: true,
        // Room around the outermost points, so that none sits on an axis.
        inset: radius + 4,
        color: classColors(p.classes),
        x: { label: options.xLabel ?? null, nice: true },
        y: { label: options.yLabel ?? null, nice: true },
        marks: [
          Plot.dot(rows, {
            x: "x",
            y: "y",
            r: radius,
            fill: p.label ? "label" : paletteColor(0),
            stroke: "white",
            strokeWidth: 0.75,
          }),
        ],
      }, y),
  });
}
