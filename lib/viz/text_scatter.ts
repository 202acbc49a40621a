/**
 * Scatter plots whose points carry their names: word maps, embeddings of named things.
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
import { classColors, classLegend, readPoints } from "./scatter.ts";
import type { Points } from "./scatter.ts";

/** Points with a text for each: x, y, the text, and optionally a class that picks its colour. */
export interface TextPoints extends Points {
  /** The text drawn beside each point (a word, a name). */
  readonly text: readonly string[];
}

/** Options of {@link textScatter}. */
export interface TextScatterOptions extends ChartOptions, AxisOptions {
  /** Font size of the texts in pixels (default 10). */
  readonly fontSize?: number;
  /** Point radius in pixels (default 2). */
  readonly radius?: number;
  /** Shows a legend of the classes (default: when there are labels). */
  readonly legend?: boolean;
}

/**
 * A scatter plot with a text beside every point, for maps of named things such as word vectors
 * projected to two dimensions. Texts are drawn as they fall: in a crowded map some overlap, and a
 * larger `width` and `height` spread them out.
 *
 * @example
 * ```ts
 * textScatter({ x: [0, 1, 0.2], y: [0, 1, 0.1], text: ["king", "cabbage", "queen"] });
 * ```
 *
 * @throws when the coordinates are not finite, or the texts or labels do not match the points.
 */
export function textScatter(points: TextPoints, options: TextScatterOptions = {}): Chart {
  const p = readPoints("textScatter", points);
  const text = points.text;
  if (!Array.isArray(text) || text.length !== p.x.length) {
    throw new Error(
      `textScatter: points.text must be an array with one text per point (${p.x.length}), got ` +
        (Array.isArray(text) ? `${text.length} texts` : typeof text),
    );
  }
  const bad = text.findIndex((t) => typeof t !== "string");
  if (bad >= 0) {
    throw new Error(`textScatter: points.text[${bad}] is ${typeof text[bad]}, not a string`);
  }
  const fontSize = options.fontSize ?? 10;
  if (!(fontSize > 0)) {
    throw new Error(`textScatter: options.fontSize must be positive, got ${fontSize}`);
  }
  const radius = options.radius ?? 2;
  const rows = p.x.map((x, i) => ({
    x,
    y: p.y[i],
    text: text[i],
    label: p.label ? String(p.label[i]) : "",
  }));
  const showLegend = p.label !== null && (options.legend ?? true);
  const fill = p.label ? "label" : paletteColor(0);
  return composeChart({
    helper: "textScatter",
    options,
    legends: showLegend ? [classLegend(p.classes, options.width ?? DEFAULT_WIDTH)] : [],
    body: (y, height, width) =>
      renderPlot({
        width,
        height,
        grid: true,
        // Room on the right for the texts of the outermost points.
        insetTop: fontSize,
        insetBottom: fontSize,
        insetLeft: radius + 4,
        insetRight: 4 * fontSize,
        color: classColors(p.classes),
        x: { label: options.xLabel ?? null, nice: true },
        y: { label: options.yLabel ?? null, nice: true },
        marks: [
          Plot.dot(rows, { x: "x", y: "y", r: radius, fill }),
          Plot.text(rows, {
            x: "x",
            y: "y",
            text: "text",
            fill,
            fontSize,
            textAnchor: "start",
            dx: radius + 2,
          }),
        ],
      }, y),
  });
}
