/**
 * The chart object every helper returns, and the frame it is drawn in: one standalone SVG with
 * the title and legends on top and the plot below.
 *
 * @module
 */

import type { LegendBlock } from "./legend.ts";
import { stableIds } from "./plot.ts";
import { element, SVG_NS, textElement } from "./svg.ts";

/** Options every chart takes. */
export interface ChartOptions {
  /** A title above the chart. */
  readonly title?: string;
  /** Width in pixels, legends and title included (default 640). */
  readonly width?: number;
  /** Height in pixels, legends and title included (default 400; some charts size themselves). */
  readonly height?: number;
}

/** Axis captions, for charts with axes. */
export interface AxisOptions {
  /** The caption of the horizontal axis. */
  readonly xLabel?: string;
  /** The caption of the vertical axis. */
  readonly yLabel?: string;
}

/** The default chart width, in pixels. */
export const DEFAULT_WIDTH = 640;
/** The default chart height, in pixels. */
const DEFAULT_HEIGHT = 400;

/**
 * A finished chart: one self-contained SVG (explicit size and viewBox, inline styling, no external
 * fonts, stylesheets or images). As the last expression of a notebook cell it shows itself; the
 * markup is in `svg` for saving or embedding.
 *
 * @example
 * ```ts
 * const chart = lineChart({ loss: [1, 0.5, 0.3] });
 * await Deno.writeTextFile("loss.svg", chart.svg);
 * ```
 */
export class Chart {
  /** The SVG document. */
  readonly svg: string;
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
  readonly height: number;

  /** Wraps finished SVG markup; the chart helpers build these. */
  constructor(svg: string, width: number, height: number) {
    this.svg = svg;
    this.width = width;
    this.height = height;
  }

  /**
   * The MIME bundle Jupyter shows: the same SVG as HTML (inlined, so it follows the page's width)
   * and as `image/svg+xml` (what nbconvert, the course site and other front ends take as an image).
   */
  toMimeBundle(): { "text/html": string; "image/svg+xml": string } {
    return { "text/html": this.svg, "image/svg+xml": this.svg };
  }

  /** The Jupyter display hook: {@link Chart.toMimeBundle}. */
  [Symbol.for("Jupyter.display")](): { "text/html": string; "image/svg+xml": string } {
    return this.toMimeBundle();
  }

  /** The SVG markup. */
  toString(): string {
    return this.svg;
  }
}

/** What a helper hands to {@link composeChart}. */
export interface ChartLayout {
  /** The helper's name, for error messages. */
  readonly helper: string;
  /** The caller's options (title and size). */
  readonly options: ChartOptions;
  /** Legends, drawn in order under the title. */
  readonly legends?: readonly LegendBlock[];
  /** Draws the chart's body given its top and the height left for it. */
  readonly body: (y: number, height: number, width: number) => string;
  /**
   * The body's own height, for charts that size themselves (grids, square cells): when the caller
   * gives no height, the chart is this tall plus its title and legends. Otherwise 400 in all.
   */
  readonly bodyHeight?: number;
}

const TOP = 10;
const TITLE_HEIGHT = 24;
const GAP = 6;
const MIN_BODY = 80;

/** Checks a size option: a number of pixels, at least 100. */
function checkSize(helper: string, name: string, value: number | undefined): void {
  if (value === undefined) return;
  if (!Number.isFinite(value) || value < 100) {
    throw new Error(`${helper}: options.${name} must be at least 100 (pixels), got ${value}`);
  }
}

/** The chart's root: white background, title and legends on top, `body` filling the rest. */
export function composeChart(layout: ChartLayout): Chart {
  const { helper, options } = layout;
  checkSize(helper, "width", options.width);
  checkSize(helper, "height", options.height);
  const width = Math.round(options.width ?? DEFAULT_WIDTH);
  const parts: string[] = [];
  let y = TOP;
  if (options.title) {
    parts.push(
      textElement(options.title, { x: 12, y: y + 16, "font-size": 15, "font-weight": 600 }),
    );
    y += TITLE_HEIGHT;
  }
  for (const legend of layout.legends ?? []) {
    parts.push(legend.render(y));
    y += legend.height + GAP;
  }
  // Without a header the plot starts at the top; Plot leaves its own margin there.
  if (y === TOP) y = 0;
  const height = Math.round(
    options.height ?? (layout.bodyHeight === undefined ? DEFAULT_HEIGHT : y + layout.bodyHeight),
  );
  if (options.height !== undefined && height - y < MIN_BODY) {
    throw new Error(
      `${helper}: options.height (${height}) leaves no room for the plot under the title and ` +
        `legend; make it at least ${y + MIN_BODY}`,
    );
  }
  parts.push(layout.body(y, height - y, width));
  return new Chart(stableIds(chartSvg(width, height, options.title, parts)), width, height);
}

/**
 * The root `<svg>` of a chart: its size, accessible title and house style, on a white background,
 * around `parts`.
 */
export function chartSvg(
  width: number,
  height: number,
  title: string | undefined,
  parts: string[],
): string {
  return element("svg", {
    xmlns: SVG_NS,
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: "img",
    "aria-label": title,
    "font-family": "system-ui, sans-serif",
    "font-size": 10,
    fill: "currentColor",
    // Dark text on white wherever the chart lands (a dark notebook theme included), scaled down
    // rather than cut off in narrow pages.
    style: "max-width:100%;height:auto;background:#fff;color:#1b1e23",
  }, [element("rect", { width, height, fill: "#fff" }), ...parts]);
}
