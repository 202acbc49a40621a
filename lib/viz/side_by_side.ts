/**
 * Charts in a row: several finished charts drawn side by side as one chart, for comparisons that
 * the eye should make at a glance.
 *
 * @module
 */

import { Chart, chartSvg } from "./chart.ts";
import { textElement } from "./svg.ts";

/** Options of {@link sideBySide}. */
export interface SideBySideOptions {
  /** A title above the row. */
  readonly title?: string;
  /** Pixels between neighbouring charts (default 16). */
  readonly gap?: number;
}

const TITLE_HEIGHT = 30;

/**
 * One chart holding `charts` in a row, left to right, tops aligned, each at its own size. Each
 * chart keeps its own title, legend and axes, so make them comparable (the same height, say) when
 * building them.
 *
 * @example
 * ```ts
 * sideBySide([
 *   scatter(pcaPoints, { title: "PCA", width: 420 }),
 *   scatter(autoencoderPoints, { title: "Autoencoder", width: 420 }),
 * ]);
 * ```
 *
 * @throws when `charts` is empty or holds something other than charts, or `gap` is negative.
 */
export function sideBySide(charts: readonly Chart[], options: SideBySideOptions = {}): Chart {
  if (!Array.isArray(charts) || charts.length === 0) {
    throw new Error("sideBySide: give at least one chart, e.g. sideBySide([chartA, chartB])");
  }
  const bad = charts.findIndex((c) => !(c instanceof Chart));
  if (bad >= 0) {
    throw new Error(`sideBySide: charts[${bad}] is not a chart (build it with a chart helper)`);
  }
  const gap = options.gap ?? 16;
  if (!(gap >= 0) || !Number.isFinite(gap)) {
    throw new Error(`sideBySide: options.gap must be a number ≥ 0, got ${gap}`);
  }
  const top = options.title ? TITLE_HEIGHT : 0;
  const parts: string[] = [];
  if (options.title) {
    parts.push(textElement(options.title, { x: 12, y: 20, "font-size": 15, "font-weight": 600 }));
  }
  let x = 0;
  for (const chart of charts) {
    // Each chart's root becomes a nested <svg> placed at (x, top); its ids are already unique to
    // it (see stableIds), so charts cannot capture each other's clip paths. Its style goes: the
    // responsive sizing there (height:auto) would stretch a nested <svg> to the whole row.
    const open = chart.svg.indexOf(">");
    const root = chart.svg.slice(0, open)
      .replace(/^<svg xmlns="[^"]*"/, `<svg x="${x}" y="${top}"`)
      .replace(/ style="[^"]*"/, "");
    parts.push(root + chart.svg.slice(open));
    x += chart.width + gap;
  }
  const width = Math.round(x - gap);
  const height = Math.round(top + Math.max(...charts.map((c) => c.height)));
  const svg = chartSvg(width, height, options.title, parts);
  return new Chart(svg, width, height);
}
