/**
 * A grid world's values as a heat-map, with the greedy policy drawn as arrows.
 *
 * @module
 */

import { type Chart, composeChart, DEFAULT_WIDTH } from "../viz/chart.ts";
import { colormap, cssColor, isLight } from "../viz/colormap.ts";
import { rampLegend } from "../viz/legend.ts";
import { element, textElement } from "../viz/svg.ts";
import type { GridWorld } from "./grid_world.ts";

/** Options of {@link gridWorldChart}. */
export interface GridWorldChartOptions {
  /** A title above the grid. */
  readonly title?: string;
  /** Width in pixels (default 640). */
  readonly width?: number;
  /** One action per state (0 up, 1 right, 2 down, 3 left; −1 none), drawn as arrows. */
  readonly policy?: ArrayLike<number>;
}

const ARROWS = ["↑", "→", "↓", "←"];

/**
 * Draws `values` (one per state of `world`) as coloured cells (viridis), each with its value and,
 * with `options.policy`, the arrow of its action. Walls are dark grey; terminal cells show their
 * reward.
 */
export function gridWorldChart(
  world: GridWorld,
  values: ArrayLike<number>,
  options: GridWorldChartOptions = {},
): Chart {
  if (values.length !== world.size) {
    throw new Error(
      `gridWorldChart: expected ${world.size} values, one per cell, got ${values.length}`,
    );
  }
  if (options.policy && options.policy.length !== world.size) {
    throw new Error(
      `gridWorldChart: expected ${world.size} actions, one per cell, got ${options.policy.length}`,
    );
  }
  const width = options.width ?? DEFAULT_WIDTH;
  const open = Array.from(values).filter((_, s) => !world.isWall(s) && !world.isTerminal(s));
  const lo = Math.min(...open), hi = Math.max(...open);
  const map = colormap("viridis");
  const legend = rampLegend({ domain: [lo, hi], colormap: map, label: "value V(s)" }, width);
  const cell = Math.min(72, (width - 24) / world.cols);
  const left = (width - cell * world.cols) / 2;
  return composeChart({
    helper: "gridWorldChart",
    options: { title: options.title, width },
    legends: [legend],
    bodyHeight: cell * world.rows + 16,
    body: (y) => {
      const parts: string[] = [];
      /** One state's square, outlined in white so neighbouring states stay apart. */
      const square = (x: number, y: number, fill: string) =>
        element("rect", { x, y, width: cell, height: cell, fill, stroke: "#fff" });
      for (let s = 0; s < world.size; s++) {
        const cx = left + (s % world.cols) * cell, cy = y + 8 + Math.floor(s / world.cols) * cell;
        const centre = { x: cx + cell / 2, "text-anchor": "middle" };
        if (world.isWall(s)) {
          parts.push(element("rect", { x: cx, y: cy, width: cell, height: cell, fill: "#4b5563" }));
          continue;
        }
        if (world.isTerminal(s)) {
          const reward = world.terminals[world.cells[s]];
          parts.push(
            square(cx, cy, reward > 0 ? "#c6ecc6" : "#f6c6c6"),
            textElement(`${reward > 0 ? "+" : ""}${reward}`, {
              ...centre,
              y: cy + cell / 2 + 5,
              "font-size": 14,
              "font-weight": 600,
            }),
          );
          continue;
        }
        const rgb = map(hi > lo ? (values[s] - lo) / (hi - lo) : 0.5);
        const ink = isLight(rgb) ? "#1b1e23" : "#fff";
        parts.push(
          square(cx, cy, cssColor(rgb)),
          textElement(values[s].toFixed(2), { ...centre, y: cy + cell - 8, fill: ink }),
        );
        const a = options.policy?.[s] ?? -1;
        if (a >= 0) {
          parts.push(
            textElement(ARROWS[a], { ...centre, y: cy + cell / 2 + 2, fill: ink, "font-size": 20 }),
          );
        }
      }
      return parts.join("");
    },
  });
}
