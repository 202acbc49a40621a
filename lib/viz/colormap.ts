/**
 * Colours for charts: sequential maps (viridis, blues, gray) and a diverging one for signed values,
 * each interpolated between anchor colours, and a categorical palette for classes and series.
 *
 * @module
 */

/** A colour as red, green and blue bytes. */
export type Rgb = [number, number, number];

/** A colour map: `t` in [0, 1] (clamped) to a colour. */
export type Colormap = (t: number) => Rgb;

/** The colour maps charts accept by name. */
export type ColormapName = "viridis" | "blues" | "diverging" | "gray";

/** Viridis at nine evenly spaced stops: perceptually ordered and readable in gray-scale print. */
const VIRIDIS: readonly Rgb[] = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
];

/** ColorBrewer's Blues: light for few, dark for many (counts in a confusion matrix). */
const BLUES: readonly Rgb[] = [
  [247, 251, 255],
  [222, 235, 247],
  [198, 219, 239],
  [158, 202, 225],
  [107, 174, 214],
  [66, 146, 198],
  [33, 113, 181],
  [8, 81, 156],
  [8, 48, 107],
];

/** ColorBrewer's RdBu, blue end first: negative blue, zero near white, positive red. */
const DIVERGING: readonly Rgb[] = [
  [5, 48, 97],
  [33, 102, 172],
  [67, 147, 195],
  [146, 197, 222],
  [209, 229, 240],
  [247, 247, 247],
  [253, 219, 199],
  [244, 165, 130],
  [214, 96, 77],
  [178, 24, 43],
  [103, 0, 31],
];

function interpolate(stops: readonly Rgb[], t: number): Rgb {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = stops[i], b = stops[i + 1];
  return [0, 1, 2].map((c) => Math.round(a[c] + (b[c] - a[c]) * f)) as Rgb;
}

/** The viridis colour of `t` in [0, 1] (clamped), as RGB bytes. */
export function viridis(t: number): Rgb {
  return interpolate(VIRIDIS, t);
}

/** The Blues colour of `t` in [0, 1] (clamped), from near white to dark blue. */
export function blues(t: number): Rgb {
  return interpolate(BLUES, t);
}

/** The diverging colour of `t` in [0, 1] (clamped): blue below 0.5, near white at 0.5, red above. */
export function diverging(t: number): Rgb {
  return interpolate(DIVERGING, t);
}

/** Gray levels from black at 0 to white at 1. */
export function gray(t: number): Rgb {
  const v = Math.round(Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * 255);
  return [v, v, v];
}

/** The colour map called `name`. */
export function colormap(name: ColormapName): Colormap {
  return { viridis, blues, diverging, gray }[name];
}

/** A colour as CSS hex, e.g. `#44015a`. */
export function cssColor([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((c) => c.toString(16).padStart(2, "0")).join("")}`;
}

/** Whether dark text reads better than white on `color` (by its relative luminance). */
export function isLight([r, g, b]: Rgb): boolean {
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 140;
}

/**
 * Ten distinct colours for classes and series (Observable's categorical scheme), used in order and
 * repeated beyond ten.
 */
export const PALETTE: readonly string[] = [
  "#4269d0",
  "#efb118",
  "#ff725c",
  "#6cc5b0",
  "#3ca951",
  "#ff8ab7",
  "#a463f2",
  "#97bbf5",
  "#9c6b4e",
  "#9498a0",
];

/** The palette colour of the `i`-th class or series. */
export function paletteColor(i: number): string {
  return PALETTE[i % PALETTE.length];
}
