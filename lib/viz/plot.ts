/**
 * Observable Plot, drawn without a browser: Plot builds its SVG in a linkedom document and the
 * markup is read back with `outerHTML`.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";
import { num } from "./svg.ts";

/** Plot's options. Plot's types name DOM globals that Deno leaves out, so they are read loosely. */
export type PlotOptions = Parameters<typeof Plot.plot>[0];

/** What is used of the element Plot returns. */
interface PlotElement {
  readonly tagName: string;
  readonly outerHTML: string;
  querySelector(selector: string): { remove(): void } | null;
  removeAttribute(name: string): void;
}

let sharedDocument: unknown;

/** One linkedom document serves every chart: Plot only creates detached elements in it. */
function plotDocument(): unknown {
  if (sharedDocument !== undefined) return sharedDocument;
  const window = parseHTML("<!DOCTYPE html><html><head></head><body></body></html>");
  sharedDocument = (window as unknown as { document: unknown }).document;
  return sharedDocument;
}

/**
 * Plot's drawing for `options` as the markup of one `<svg>`, placed `y` pixels down in the chart
 * that will hold it. Titles and legends are left to the chart (they would make Plot wrap its SVG
 * in an HTML `<figure>`); Plot's stylesheet and class are removed, since its rules (responsive
 * sizing in a page) belong on the chart's root and its class would be meaningless in a standalone
 * SVG.
 */
export function renderPlot(options: PlotOptions, y = 0): string {
  const node = Plot.plot({ ...options, document: plotDocument() } as PlotOptions) as PlotElement;
  if (node.tagName.toLowerCase() !== "svg") {
    throw new Error(`renderPlot: Plot returned a <${node.tagName.toLowerCase()}>, not an <svg>`);
  }
  node.querySelector("style")?.remove();
  node.removeAttribute("class");
  return node.outerHTML.replace(/^<svg/, `<svg x="0" y="${num(y)}"`);
}

/**
 * Plot numbers its clip paths from a counter that runs for the life of the process, so the same
 * chart drawn twice would differ. Ids are renamed here from a hash of the chart itself: equal
 * charts get equal ids, and different charts inlined in one page do not collide.
 */
export function stableIds(svg: string): string {
  const ids = new Map<string, number>();
  const numbered = svg.replace(/\bplot-clip-\d+\b/g, (id) => {
    if (!ids.has(id)) ids.set(id, ids.size);
    return `fdl-clip-${ids.get(id)}`;
  });
  if (ids.size === 0) return svg;
  return numbered.replace(/\bfdl-clip-(\d+)\b/g, `fdl-${fnv1a(numbered)}-$1`);
}

/** FNV-1a, 32 bits, as 8 hex digits: a short stable fingerprint (not a security hash). */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}
