/**
 * Writing SVG markup as strings: escaping, attributes, elements and compact numbers. The chart
 * helpers compose their frames (titles, legends, image tiles) with these, around what Plot draws.
 *
 * @module
 */

/** The SVG namespace, which a standalone `image/svg+xml` document must declare on its root. */
export const SVG_NS = "http://www.w3.org/2000/svg";

/** `s` safe inside XML or HTML text and double-quoted attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(
    /"/g,
    "&quot;",
  );
}

/** A coordinate as short text: at most two decimals, so the same drawing gives the same bytes. */
export function num(n: number): string {
  return String(Math.round(n * 100) / 100);
}

/** Attribute values: numbers are shortened, strings escaped; undefined ones are left out. */
export type Attributes = Record<string, string | number | undefined>;

function attributeText(attrs: Attributes): string {
  return Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${typeof v === "number" ? num(v) : escapeXml(v as string)}"`)
    .join("");
}

/**
 * One element. `children` is markup already (from other calls to `element`); pass text through
 * {@link escapeXml}, or use {@link textElement}.
 */
export function element(name: string, attrs: Attributes = {}, children: string[] = []): string {
  const open = `<${name}${attributeText(attrs)}`;
  return children.length === 0 ? `${open}/>` : `${open}>${children.join("")}</${name}>`;
}

/** A `<text>` element holding `text`, escaped. */
export function textElement(text: string, attrs: Attributes = {}): string {
  return `<text${attributeText(attrs)}>${escapeXml(text)}</text>`;
}

/**
 * Roughly how wide `text` is at `fontSize` pixels in a sans-serif font. Charts are drawn without a
 * browser to measure text, so legends and captions are laid out with this estimate.
 */
export function textWidth(text: string, fontSize: number): number {
  return [...text].length * fontSize * 0.6;
}
