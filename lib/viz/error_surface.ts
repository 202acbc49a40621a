/**
 * Error surfaces: a function of two parameters drawn as filled contours, with optimizer paths on
 * top, to show how gradient descent, momentum or Adam move across a landscape.
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
import { cssColor, viridis } from "./colormap.ts";
import { isTensor, type MatrixInput, matrixOf, rangeOf, resolutionOf } from "./inputs.ts";
import { rampLegend, type Swatch, swatchLegend } from "./legend.ts";
import { renderPlot } from "./plot.ts";
import { niceTicks } from "./ticks.ts";

/** A named path through the plane, e.g. an optimizer's parameters after each step. */
export interface OptimizerPath {
  /** The legend entry, e.g. "SGD" or "Adam". */
  readonly name: string;
  /** Points `[x, y]` in order; the first is marked ○ and the last ●. */
  readonly points: readonly (readonly [number, number])[];
}

/** Options of {@link errorSurface}. */
export interface ErrorSurfaceOptions extends ChartOptions, AxisOptions {
  /** The horizontal range `[min, max]` (for a grid: the range its columns cover). */
  readonly x: readonly [number, number];
  /** The vertical range `[min, max]` (for a grid: the range its rows cover, row 0 at min). */
  readonly y: readonly [number, number];
  /** Samples of a function per side (default 60). */
  readonly resolution?: number;
  /** About how many contour levels to draw (default 12). */
  readonly levels?: number;
  /** Spaces the levels and colours logarithmically, for errors spanning orders of magnitude. */
  readonly logColor?: boolean;
  /** Paths drawn over the surface, each with its own colour. */
  readonly paths?: readonly OptimizerPath[];
  /** The caption of the colour legend (default "error"). */
  readonly colorLabel?: string;
}

/**
 * Path colours that stand out against viridis (each path is drawn over a dark halo) and against
 * the white of the legend.
 */
const PATH_COLORS = ["#ff3b30", "#ff9f0a", "#ff2d95", "#00c2e0", "#8e5cf7", "#1b1e23"];

/**
 * A 2-D error surface as filled contours over `options.x` × `options.y`, given as a function
 * (sampled on a `resolution`² grid) or as a grid of values, with optimizer paths drawn on top.
 *
 * @example
 * ```ts
 * const f = (x: number, y: number) => x * x + 10 * y * y;
 * errorSurface(f, { x: [-3, 3], y: [-2, 2], paths: [{ name: "SGD", points: sgdPoints }] });
 * ```
 */
export function errorSurface(
  f: ((x: number, y: number) => number) | MatrixInput,
  options: ErrorSurfaceOptions,
): Chart {
  const helper = "errorSurface";
  if (options === undefined || options === null) {
    throw new Error(
      `${helper}: options with the ranges x: [min, max] and y: [min, max] are required`,
    );
  }
  const noRange = (): never => {
    throw new Error(
      `${helper}: options.x and options.y, the ranges [min, max] to draw, are required`,
    );
  };
  const [x0, x1] = rangeOf(helper, "options.x", options.x, noRange);
  const [y0, y1] = rangeOf(helper, "options.y", options.y, noRange);
  const grid = sample(helper, f, [x0, x1], [y0, y1], resolutionOf(helper, options.resolution, 60));
  let lo = Infinity, hi = -Infinity;
  for (const v of grid.values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const log = options.logColor ?? false;
  if (log && lo <= 0) {
    throw new Error(
      `${helper}: options.logColor needs values > 0, but the surface reaches ${lo}; ` +
        `draw it without logColor, or add a constant`,
    );
  }
  const levels = options.levels ?? 12;
  if (!Number.isInteger(levels) || levels < 2) {
    throw new Error(`${helper}: options.levels must be a whole number ≥ 2, got ${levels}`);
  }
  const paths = readPaths(helper, options.paths ?? []);
  const width = options.width ?? DEFAULT_WIDTH;
  const ramp = {
    domain: [lo, hi] as const,
    colormap: viridis,
    log,
    label: options.colorLabel ?? "error",
  };
  const swatches: Swatch[] = paths.map((p, i) => ({
    label: p.name,
    color: PATH_COLORS[i % PATH_COLORS.length],
    glyph: "line",
  }));
  if (paths.length > 0) swatches.push({ label: "○ start  ● end" });
  return composeChart({
    helper,
    options,
    legends: [
      rampLegend(ramp, width),
      ...(paths.length > 0 ? [swatchLegend(swatches, width)] : []),
    ],
    body: (y, height, width) =>
      renderPlot({
        width,
        height,
        x: { domain: [x0, x1], label: options.xLabel ?? null },
        y: { domain: [y0, y1], label: options.yLabel ?? null },
        color: {
          type: log ? "log" : "linear",
          domain: [lo, hi],
          interpolate: (t: number) => cssColor(viridis(t)),
        },
        marks: [
          Plot.contour(grid.values, {
            width: grid.cols,
            height: grid.rows,
            x1: x0,
            x2: x1,
            y1: y0,
            y2: y1,
            fill: Plot.identity,
            stroke: "white",
            strokeOpacity: 0.35,
            strokeWidth: 0.5,
            thresholds: thresholds(lo, hi, levels, log),
          }),
          ...paths.flatMap((p, i) => pathMarks(p, PATH_COLORS[i % PATH_COLORS.length])),
          Plot.frame(),
        ],
      }, y),
  });
}

/** The grid of values: the given one, or `f` at the centres of a resolution² grid of cells. */
function sample(
  helper: string,
  f: ((x: number, y: number) => number) | MatrixInput,
  [x0, x1]: readonly [number, number],
  [y0, y1]: readonly [number, number],
  n: number,
): { rows: number; cols: number; values: Float64Array } {
  if (typeof f !== "function") {
    if (!isTensor(f) && !Array.isArray(f)) {
      throw new Error(`${helper}: f must be a function (x, y) => error, or a grid of values`);
    }
    return matrixOf(helper, "grid", f);
  }
  const values = new Float64Array(n * n);
  for (let r = 0; r < n; r++) {
    const y = y0 + (r + 0.5) * (y1 - y0) / n;
    for (let c = 0; c < n; c++) {
      const x = x0 + (c + 0.5) * (x1 - x0) / n;
      const v = f(x, y);
      if (typeof v !== "number" || !Number.isFinite(v)) {
        throw new Error(
          `${helper}: f(${x.toPrecision(4)}, ${
            y.toPrecision(4)
          }) returned ${v}; the surface must ` +
            `be a finite number everywhere in the ranges (narrow them, or use logColor for large values)`,
        );
      }
      values[r * n + c] = v;
    }
  }
  return { rows: n, cols: n, values };
}

/**
 * Contour levels from the minimum up: d3 fills only what lies above the first level, so the
 * minimum itself must be one.
 */
function thresholds(lo: number, hi: number, levels: number, log: boolean): number[] {
  if (!(hi > lo)) return [lo];
  if (log) {
    const ratio = (hi / lo) ** (1 / levels);
    return Array.from({ length: levels }, (_, i) => lo * ratio ** i);
  }
  return [lo, ...niceTicks(lo, hi, levels).filter((t) => t > lo && t < hi)];
}

function readPaths(helper: string, paths: readonly OptimizerPath[]): OptimizerPath[] {
  if (!Array.isArray(paths)) {
    throw new Error(`${helper}: options.paths must be an array of { name, points }`);
  }
  return paths.map((p, i) => {
    if (p === null || typeof p !== "object" || typeof p.name !== "string") {
      throw new Error(`${helper}: options.paths[${i}] must be { name: string, points: [x, y][] }`);
    }
    const points: unknown = p.points;
    if (!Array.isArray(points) || points.length === 0) {
      throw new Error(`${helper}: path "${p.name}" has no points`);
    }
    points.forEach((pt: unknown, j: number) => {
      if (
        !Array.isArray(pt) || pt.length !== 2 || !Number.isFinite(pt[0]) || !Number.isFinite(pt[1])
      ) {
        throw new Error(
          `${helper}: path "${p.name}" point ${j} is ${
            JSON.stringify(pt)
          }; points are finite [x, y] pairs ` +
            `(did the optimizer diverge?)`,
        );
      }
    });
    return p;
  });
}

/** A path: a dark halo, the coloured line over it, ○ at the start and ● at the end (clipped to the frame). */
function pathMarks(path: OptimizerPath, color: string) {
  const pts = path.points;
  const at = { x: (p: readonly number[]) => p[0], y: (p: readonly number[]) => p[1], clip: true };
  return [
    Plot.line(pts, { ...at, stroke: "#1b1e23", strokeOpacity: 0.55, strokeWidth: 4 }),
    Plot.line(pts, { ...at, stroke: color, strokeWidth: 2 }),
    Plot.dot([pts[0]], { ...at, r: 4.5, fill: "white", stroke: color, strokeWidth: 2 }),
    Plot.dot([pts[pts.length - 1]], {
      ...at,
      r: 5,
      fill: color,
      stroke: "#1b1e23",
      strokeWidth: 1,
    }),
  ];
}
