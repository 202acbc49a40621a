/**
 * A CartPole episode drawn as a filmstrip: a row of small frames, each showing the track, the cart
 * and the pole at one moment, so that a whole episode reads at a glance on a static page.
 *
 * @module
 */

import { type Chart, composeChart, DEFAULT_WIDTH } from "../viz/chart.ts";
import { element, textElement } from "../viz/svg.ts";
import { CARTPOLE, type CartPoleState } from "./cartpole.ts";

/** Options of {@link cartPoleFilmstrip}. */
export interface FilmstripOptions {
  /** A title above the strip. */
  readonly title?: string;
  /** Width in pixels (default 640). */
  readonly width?: number;
  /** How many frames to draw, evenly spaced over the episode, the first and last included (default 8). */
  readonly frames?: number;
  /** Frames per row (default 4). */
  readonly perRow?: number;
}

/**
 * Draws `states` (one episode, the initial state first) as a filmstrip. Each frame shows the track
 * (its ends are the ±2.4 m limits), the cart at x and the pole at angle θ, with the step number and
 * θ in degrees underneath; in a frame past the episode's limits (the pole beyond 12°, or the
 * cart off the track) the pole is drawn red.
 */
export function cartPoleFilmstrip(
  states: readonly CartPoleState[],
  options: FilmstripOptions = {},
): Chart {
  if (states.length === 0) throw new Error("cartPoleFilmstrip: the episode has no states");
  const frames = Math.min(options.frames ?? 8, states.length);
  if (!Number.isInteger(frames) || frames < 1) {
    throw new Error(`cartPoleFilmstrip: frames must be a positive integer, got ${options.frames}`);
  }
  const perRow = Math.min(options.perRow ?? 4, frames);
  const rows = Math.ceil(frames / perRow);
  const width = options.width ?? DEFAULT_WIDTH;
  const frameW = (width - 16) / perRow, frameH = (frameW - 8) * BOX + 34;
  const picked = Array.from(
    { length: frames },
    (_, k) => frames === 1 ? 0 : Math.round((k * (states.length - 1)) / (frames - 1)),
  );
  return composeChart({
    helper: "cartPoleFilmstrip",
    options: { title: options.title, width },
    bodyHeight: rows * frameH + 8,
    body: (y) =>
      picked.map((t, k) =>
        frame(states[t], t, 8 + (k % perRow) * frameW, y + Math.floor(k / perRow) * frameH, frameW)
      ).join(""),
  });
}

/** A frame's picture is this fraction of its width tall (the track is long, the pole short). */
const BOX = 0.42;

/** One frame, `w` wide, with its top left corner at (x0, y0). */
function frame(state: CartPoleState, t: number, x0: number, y0: number, w: number): string {
  const [x, , theta] = state;
  const inner = w - 8;
  // Metres to pixels: the track's ±2.4 m span the frame with a little room on both sides.
  const scale = inner / (2 * CARTPOLE.xLimit + 0.6);
  const boxH = inner * BOX;
  const trackY = y0 + 2 + boxH * 0.85;
  const cx = x0 + 4 + inner / 2 + x * scale;
  const cartW = 0.5 * scale, cartH = 0.3 * scale;
  const poleLength = 2 * CARTPOLE.halfLength * scale;
  const tipX = cx + poleLength * Math.sin(theta),
    tipY = trackY - cartH - poleLength * Math.cos(theta);
  const fallen = Math.abs(theta) > CARTPOLE.thetaLimit || Math.abs(x) > CARTPOLE.xLimit;
  const degrees = (theta * 180) / Math.PI;
  return element("g", {}, [
    element("rect", {
      x: x0 + 2,
      y: y0 + 2,
      width: w - 4,
      height: boxH,
      fill: "#f6f7f9",
      stroke: "#d0d4da",
    }),
    element("line", {
      x1: x0 + 4 + inner / 2 - CARTPOLE.xLimit * scale,
      x2: x0 + 4 + inner / 2 + CARTPOLE.xLimit * scale,
      y1: trackY,
      y2: trackY,
      stroke: "#6b7280",
      "stroke-width": 1.5,
    }),
    element("rect", {
      x: cx - cartW / 2,
      y: trackY - cartH,
      width: cartW,
      height: cartH,
      rx: 2,
      fill: "#4269d0",
    }),
    element("line", {
      x1: cx,
      y1: trackY - cartH,
      x2: tipX,
      y2: tipY,
      stroke: fallen ? "#d62728" : "#b8860b",
      "stroke-width": Math.max(2, scale * 0.08),
      "stroke-linecap": "round",
    }),
    textElement(`t = ${t}`, { x: x0 + w / 2, y: y0 + boxH + 16, "text-anchor": "middle" }),
    textElement(`θ = ${degrees.toFixed(1)}°`, {
      x: x0 + w / 2,
      y: y0 + boxH + 28,
      "text-anchor": "middle",
      fill: "#6b7280",
    }),
  ]);
}
