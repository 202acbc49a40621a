/**
 * Decision regions of a 2-D classifier: the class it predicts at every point of the plane, shaded,
 * with the labelled training points on top.
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
import { paddedExtent, rangeOf, resolutionOf } from "./inputs.ts";
import { renderPlot } from "./plot.ts";
import { classColors, classLegend, type Points, readPoints } from "./scatter.ts";

/** Options of {@link decisionBoundary}. */
export interface DecisionBoundaryOptions extends ChartOptions, AxisOptions {
  /** The horizontal range `[min, max]` (default: the points' extent, widened by a tenth). */
  readonly x?: readonly [number, number];
  /** The vertical range `[min, max]` (default: the points' extent, widened by a tenth). */
  readonly y?: readonly [number, number];
  /** Cells per side in which the classifier is asked (default 60). */
  readonly resolution?: number;
  /** Shows the legend of classes (default true). */
  readonly legend?: boolean;
}

/**
 * The regions where `predict(x, y)` gives each class, as a background of cells (asked once at the
 * centre of each), with the labelled points drawn over them.
 *
 * `predict` returns a class: the label itself when labels are numbers, or its index in order of
 * first appearance when they are strings. A binary classifier may instead return the probability
 * of class 1 (a value between 0 and 1), which is read as class 1 from 0.5 up.
 *
 * @example
 * ```ts
 * decisionBoundary(
 *   (x1, x2) => (x1 + x2 > 1 ? 1 : 0),
 *   { x: [0, 0, 1, 1], y: [0, 1, 0, 1], label: [0, 1, 1, 1] },
 *   { x: [-0.5, 1.5], y: [-0.5, 1.5], title: "OR" },
 * );
 * ```
 */
export function decisionBoundary(
  predict: (x: number, y: number) => number,
  points: Points,
  options: DecisionBoundaryOptions = {},
): Chart {
  const helper = "decisionBoundary";
  if (typeof predict !== "function") {
    throw new Error(`${helper}: predict must be a function (x, y) => class, got ${typeof predict}`);
  }
  if (points?.label === undefined) {
    throw new Error(`${helper}: points.label is required: the class of each point`);
  }
  const p = readPoints(helper, points);
  const [x0, x1] = rangeOf(helper, "options.x", options.x, () => paddedExtent(p.x));
  const [y0, y1] = rangeOf(helper, "options.y", options.y, () => paddedExtent(p.y));
  const n = resolutionOf(helper, options.resolution, 60);
  const byString = p.classes.some((c) => typeof c === "string");
  const classes = [...p.classes];
  const dx = (x1 - x0) / n, dy = (y1 - y0) / n;
  // Runs of equal class along each row become one rectangle: a few hundred shapes, not n².
  const cells: { x1: number; x2: number; y1: number; y2: number; cls: string }[] = [];
  for (let r = 0; r < n; r++) {
    const y = y0 + (r + 0.5) * dy;
    let runStart = 0, runClass = "";
    for (let c = 0; c <= n; c++) {
      let cls = "";
      if (c < n) {
        const x = x0 + (c + 0.5) * dx;
        const k = classOf(helper, predict(x, y), x, y);
        const label = byString ? classes[k] : k;
        if (label === undefined) {
          throw new Error(
            `${helper}: predict(${x.toPrecision(4)}, ${y.toPrecision(4)}) returned class ${k}; ` +
              `with text labels it returns a class's index, from 0 to ${p.classes.length - 1} ` +
              `(${p.classes.join(", ")})`,
          );
        }
        if (!classes.some((k) => String(k) === String(label))) classes.push(label);
        cls = String(label);
      }
      if (c > 0 && (c === n || cls !== runClass)) {
        cells.push({
          x1: x0 + runStart * dx,
          x2: x0 + c * dx,
          y1: y0 + r * dy,
          y2: y0 + (r + 1) * dy,
          cls: runClass,
        });
        runStart = c;
      }
      runClass = cls;
    }
  }
  // Classes that only the classifier produced go after the labelled ones, in ascending order.
  const ordered = byString ? classes : [...classes].sort((a, b) => (a as number) - (b as number));
  const rows = p.x.map((x, i) => ({ x, y: p.y[i], cls: String(p.label![i]) }));
  return composeChart({
    helper,
    options,
    legends: options.legend ?? true ? [classLegend(ordered, options.width ?? DEFAULT_WIDTH)] : [],
    body: (y, height, width) =>
      renderPlot({
        width,
        height,
        color: classColors(ordered),
        x: { domain: [x0, x1], label: options.xLabel ?? null },
        y: { domain: [y0, y1], label: options.yLabel ?? null },
        marks: [
          Plot.rect(cells, {
            x1: "x1",
            x2: "x2",
            y1: "y1",
            y2: "y2",
            fill: "cls",
            fillOpacity: 0.3,
            shapeRendering: "crispEdges",
          }),
          Plot.dot(rows, {
            x: "x",
            y: "y",
            fill: "cls",
            stroke: "#1b1e23",
            strokeWidth: 1,
            r: 5,
            clip: true,
          }),
          Plot.frame(),
        ],
      }, y),
  });
}

/** The class a prediction stands for: an integer as is, a probability thresholded at 0.5. */
function classOf(helper: string, v: number, x: number, y: number): number {
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "number" && v > 0 && v < 1) return v >= 0.5 ? 1 : 0;
  throw new Error(
    `${helper}: predict(${x.toPrecision(4)}, ${y.toPrecision(4)}) returned ${v}; return a class ` +
      `(an integer, such as -1 or 1) or, for two classes, the probability of class 1 (between 0 and 1)`,
  );
}
