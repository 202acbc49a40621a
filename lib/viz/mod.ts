/**
 * Drawing helpers. For now: a PNG encoder and a colour map, used by tensor heat-maps.
 *
 * @module
 */

export { viridis } from "./colormap.ts";
export { encodePng, type PngColor, toBase64 } from "./png.ts";
