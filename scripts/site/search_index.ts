/**
 * The search index: every section of every built chapter as plain text. It is written as a script
 * that sets a global, not as JSON, because browsers refuse to fetch local files from a page opened
 * over file://, while a `<script src>` loads fine.
 *
 * @module
 */

/** One searchable section: the text from one heading to the next. */
export interface SearchSection {
  /** The chapter's number. */
  readonly chapter: number;
  /** The chapter's title. */
  readonly chapterTitle: string;
  /** The section's heading as plain text. */
  readonly heading: string;
  /** Link to the section, relative to the site root (`01-….html#anchor`). */
  readonly href: string;
  /** The section's prose and code as plain text. */
  readonly text: string;
}

/** The global the index script sets and `assets/search.js` reads. */
export const SEARCH_GLOBAL = "FDL_SEARCH_INDEX";

/** The JavaScript source of the index script. */
export function searchIndexScript(sections: readonly SearchSection[]): string {
  return `globalThis.${SEARCH_GLOBAL} = ${JSON.stringify(sections)};\n`;
}
