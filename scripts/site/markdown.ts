/**
 * Markdown cells to HTML with marked: maths through KaTeX, fenced code through highlight.js,
 * headings with anchors, and links to other chapters' notebooks pointed at their pages.
 *
 * Besides the HTML, rendering gives the cell's outline (its headings and the plain text between
 * them), from which a chapter page builds its table of contents and the search index.
 *
 * @module
 */

import { Marked, type Token, type Tokens } from "marked";
import { chapterOfFile } from "../chapters.ts";
import { highlightCode } from "./highlight.ts";
import { escapeHtml } from "./html.ts";
import { MATH_EXTENSIONS } from "./math.ts";
import type { Slugger } from "./slug.ts";

/** A heading of a markdown cell. */
export interface Heading {
  /** 1 for `#`, 2 for `##` … */
  readonly depth: number;
  /** The heading as plain text (maths as its TeX source). */
  readonly text: string;
  /** The heading's inline HTML (maths rendered), for a table of contents. */
  readonly html: string;
  /** The heading's anchor id, unique in its page. */
  readonly id: string;
}

/** One step through a markdown cell: a heading, or plain text that falls under the last heading. */
export type OutlineItem = { readonly heading: Heading } | { readonly text: string };

/** A rendered markdown cell. */
export interface RenderedMarkdown {
  /** The cell as HTML. */
  readonly html: string;
  /** Its headings and text, in order. */
  readonly outline: readonly OutlineItem[];
}

/** A heading token with the id our walk gives it before marked renders it. */
type AnchoredHeading = Tokens.Heading & { id: string };

const marked = new Marked({
  gfm: true,
  extensions: MATH_EXTENSIONS,
  renderer: {
    heading(token) {
      const { id } = token as AnchoredHeading;
      const inner = this.parser.parseInline(token.tokens);
      return `<h${token.depth} id="${id}">${inner}<a class="anchor" href="#${id}" aria-label="Link to this section">#</a></h${token.depth}>\n`;
    },
    code(token) {
      // Fences without a language are shown plain rather than guessed at.
      return highlightCode(token.text.replace(/\n$/, ""), token.lang?.split(/\s/)[0] ?? "") + "\n";
    },
    link(token) {
      const inner = this.parser.parseInline(token.tokens);
      const title = token.title ? ` title="${escapeHtml(token.title)}"` : "";
      return `<a href="${escapeHtml(chapterLink(token.href))}"${title}>${inner}</a>`;
    },
  },
});

/**
 * A notebook's link to another chapter's notebook (`02-….ipynb`, `./02-….ipynb`,
 * `../notebooks/02-….ipynb`) pointed at that chapter's page; any other link unchanged.
 */
export function chapterLink(href: string): string {
  const match = /^(?:\.{1,2}\/)*(?:notebooks\/)?([^/?#]+\.ipynb)(#.*)?$/.exec(href);
  const chapter = match ? chapterOfFile(match[1]) : undefined;
  return chapter ? chapter.file.replace(/\.ipynb$/, ".html") + (match![2] ?? "") : href;
}

/** The plain text of `tokens` and everything inside them: what a reader would search for. */
function plainText(tokens: Token[]): string {
  const parts: string[] = [];
  marked.walkTokens(tokens, (token) => {
    const children = "tokens" in token && Array.isArray(token.tokens) && token.tokens.length > 0;
    if (children || !("text" in token) || typeof token.text !== "string") return;
    parts.push(token.type === "html" ? token.text.replace(/<[^>]*>/g, " ") : token.text);
  });
  return parts.join(" ").replace(/\s+/g, " ").trim();
}

/** Renders one markdown cell; `slugger` is the page's, so anchors stay unique across cells. */
export function renderMarkdown(source: string, slugger: Slugger): RenderedMarkdown {
  const tokens = marked.lexer(source);
  const outline: OutlineItem[] = [];
  for (const token of tokens) {
    if (token.type === "heading") {
      const heading = token as AnchoredHeading;
      const text = plainText(heading.tokens);
      heading.id = slugger.slug(text);
      // A table of contents links each entry, so the heading's own links must go.
      const html = (marked.parseInline(heading.text) as string).replace(/<\/?a\b[^>]*>/g, "");
      outline.push({ heading: { depth: heading.depth, text, html, id: heading.id } });
    } else {
      const text = plainText([token]);
      if (text !== "") outline.push({ text });
    }
  }
  return { html: marked.parser(tokens), outline };
}
