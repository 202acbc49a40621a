/**
 * Legends drawn into the chart's own SVG, above the plot: colour swatches for classes and series,
 * and a colour ramp with ticks for continuous values. (Plot's own legends are HTML, or need a
 * canvas, so they would not survive as a standalone SVG.)
 *
 * @module
 */

import type { Colormap } from "./colormap.ts";
import { encodePng, toBase64 } from "./png.ts";
import { element, textElement, textWidth } from "./svg.ts";
import { formatTick, logTicks, niceTicks } from "./ticks.ts";

/** A block of the chart's header: its height, and its markup once placed `y` pixels down. */
export interface LegendBlock {
  /** Height in pixels. */
  readonly height: number;
  /** The markup, drawn from `y` down. */
  render(y: number): string;
}

/** One legend entry. */
export interface Swatch {
  /** What the colour stands for. */
  readonly label: string;
  /** A CSS colour; absent for an entry that is only text (a note such as "○ start"). */
  readonly color?: string;
  /** The glyph: a square (areas, classes), a line (series) or a dot (points). */
  readonly glyph?: "square" | "line" | "dot";
}

const LEFT = 12;
const ROW = 18;
const FONT = 11;

/** Swatches in rows across `width`, wrapping as needed. */
export function swatchLegend(entries: readonly Swatch[], width: number): LegendBlock {
  const placed: { entry: Swatch; x: number; row: number }[] = [];
  let x = LEFT, row = 0;
  for (const entry of entries) {
    const w = (entry.color === undefined ? 0 : 19) + textWidth(entry.label, FONT);
    if (x > LEFT && x + w > width - LEFT) {
      x = LEFT;
      row++;
    }
    placed.push({ entry, x, row });
    x += w + 16;
  }
  return {
    height: (row + 1) * ROW,
    render: (y) =>
      element(
        "g",
        { "aria-label": "legend", "font-size": FONT },
        placed.map(({ entry, x, row }) => {
          const top = y + row * ROW;
          const parts = entry.color === undefined ? [] : [glyph(entry, x, top)];
          const textX = entry.color === undefined ? x : x + 19;
          parts.push(textElement(entry.label, { x: textX, y: top + 12.5 }));
          return element("g", {}, parts);
        }),
      ),
  };
}

function glyph(entry: Swatch, x: number, top: number): string {
  switch (entry.glyph ?? "square") {
    case "line":
      return element("line", {
        x1: x,
        x2: x + 14,
        y1: top + 8.5,
        y2: top + 8.5,
        stroke: entry.color,
        "stroke-width": 2.5,
      });
    case "dot":
      return element("circle", { cx: x + 7, cy: top + 8.5, r: 5, fill: entry.color });
    case "square":
      return element("rect", { x, y: top + 2.5, width: 12, height: 12, fill: entry.color });
  }
}

/** What a colour ramp shows. */
export interface RampOptions {
  /** The values at the two ends. */
  readonly domain: readonly [number, number];
  /** Colours from the low end (0) to the high end (1). */
  readonly colormap: Colormap;
  /** Spaces values logarithmically (both ends must be > 0). */
  readonly log?: boolean;
  /** A caption before the ramp, e.g. "loss". */
  readonly label?: string;
}

const RAMP_WIDTH = 240;

/**
 * A horizontal colour ramp with tick labels. The gradient is a 256×1 PNG stretched over the ramp:
 * SVG gradients would need ids, which must be unique across every chart inlined in one page.
 */
export function rampLegend(options: RampOptions, width: number): LegendBlock {
  const [lo, hi] = options.domain;
  const label = options.label ?? "";
  const left = LEFT + (label ? textWidth(label, FONT) + 10 : 0);
  const rampWidth = Math.max(80, Math.min(RAMP_WIDTH, width - left - LEFT));
  const pixels = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) pixels.set(options.colormap(i / 255), i * 3);
  const png = `data:image/png;base64,${toBase64(encodePng(pixels, 256, 1, "rgb"))}`;
  const ticks = options.log ? logTicks(lo, hi) : niceTicks(lo, hi, 5);
  const at = (v: number) =>
    hi === lo
      ? 0
      : options.log
      ? (Math.log(v) - Math.log(lo)) / (Math.log(hi) - Math.log(lo))
      : (v - lo) / (hi - lo);
  return {
    height: 32,
    render: (y) =>
      element("g", { "aria-label": "color legend", "font-size": FONT }, [
        ...(label ? [textElement(label, { x: LEFT, y: y + 12 })] : []),
        element("image", {
          x: left,
          y: y + 3,
          width: rampWidth,
          height: 11,
          preserveAspectRatio: "none",
          href: png,
        }),
        ...ticks.map((v) => {
          const x = left + at(v) * rampWidth;
          return element("g", {}, [
            element("line", { x1: x, x2: x, y1: y + 14, y2: y + 18, stroke: "currentColor" }),
            textElement(formatTick(v), {
              x,
              y: y + 28,
              "text-anchor": "middle",
              "font-size": 10,
              "font-variant": "tabular-nums",
            }),
          ]);
        }),
      ]),
  };
}
