/**
 * SVG outputs prepared for inlining in a page. They come from our own notebooks, so this is not a
 * sanitiser for hostile input; it removes what would run code or break the surrounding HTML.
 *
 * @module
 */

/** `svg` without XML prologue, doctype, scripts or event-handler attributes. */
export function inlineSvg(svg: string): string {
  return svg
    .replace(/<\?xml[\s\S]*?\?>/g, "")
    .replace(/<!DOCTYPE[\s\S]*?>/gi, "")
    .replace(/<script\b[\s\S]*?<\/script\s*>/gi, "")
    .replace(/<script\b[^>]*\/>/gi, "")
    .replace(/\s+on[a-z]+\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)/gi, "")
    .trim();
}
