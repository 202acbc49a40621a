/**
 * Heading anchors: readable ids made from heading text, unique within one page.
 *
 * @module
 */

/** Gives each heading of one page an id, adding `-2`, `-3` … when two headings read the same. */
export class Slugger {
  #seen = new Map<string, number>();

  /** A fresh id for a heading that reads `text`. */
  slug(text: string): string {
    const base = text
      .normalize("NFKD")
      // Accents come apart under NFKD; dropping the combining marks keeps the base letters.
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "") || "section";
    const count = (this.#seen.get(base) ?? 0) + 1;
    this.#seen.set(base, count);
    return count === 1 ? base : `${base}-${count}`;
  }
}
