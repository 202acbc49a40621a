/**
 * Maths in markdown: `$…$` inline and `$$…$$` display, rendered to KaTeX markup at build time.
 *
 * The maths is read by marked extensions, not by a regex over the whole source, so that the
 * markdown parser never sees TeX (underscores and asterisks in `$a_1 * b_2$` stay maths) and so that
 * dollars inside code spans and fenced code stay code: marked tokenizes those first.
 *
 * @module
 */

import katex from "katex";
import type { TokenizerAndRendererExtension, Tokens } from "marked";

/** A maths token in marked's token stream. */
export interface MathToken extends Tokens.Generic {
  type: "inlineMath" | "blockMath";
  raw: string;
  /** The TeX source, without its dollars. */
  text: string;
  /** Display (centred block) rather than inline maths. */
  display: boolean;
}

/**
 * `tex` as KaTeX HTML (with MathML for screen readers). Bad TeX does not stop the build: KaTeX
 * renders it as a red `.katex-error` span, which the site's browser check reports.
 */
export function renderMath(tex: string, display: boolean): string {
  return katex.renderToString(tex, { displayMode: display, throwOnError: false });
}

// `$$…$$` alone on its lines, as a block of its own.
const BLOCK_MATH = /^ {0,3}\$\$([\s\S]+?)\$\$[ \t]*(?:\n+|$)/;
// `$$…$$` inside a paragraph.
const INLINE_DISPLAY_MATH = /^\$\$([^`]+?)\$\$/;
// `$…$` with the pandoc rules that keep prices ("$5 and $6") from reading as maths: no space just
// inside either dollar, no digit just after the closing one, and no blank line within. Unlike
// pandoc, no backtick either, so a price before a code span that holds a dollar stays text.
const INLINE_MATH = /^\$(?!\s)((?:\\.|[^\\$`\n]|\n(?!\s*\n))+?)(?<!\s)\$(?!\d)/;

function mathToken(type: MathToken["type"], raw: string, tex: string, display: boolean): MathToken {
  return { type, raw, text: tex.trim(), display };
}

/** The marked extensions that read and render `$…$` and `$$…$$`. */
export const MATH_EXTENSIONS: TokenizerAndRendererExtension[] = [
  {
    name: "blockMath",
    level: "block",
    start: (src) => src.match(/^ {0,3}\$\$/m)?.index,
    tokenizer(src) {
      const match = BLOCK_MATH.exec(src);
      return match ? mathToken("blockMath", match[0], match[1], true) : undefined;
    },
    renderer: (token) => `<div class="math-block">${renderMath(token.text, true)}</div>\n`,
  },
  {
    name: "inlineMath",
    level: "inline",
    start: (src) => {
      const index = src.indexOf("$");
      return index < 0 ? undefined : index;
    },
    tokenizer(src) {
      const display = INLINE_DISPLAY_MATH.exec(src);
      if (display) return mathToken("inlineMath", display[0], display[1], true);
      const inline = INLINE_MATH.exec(src);
      return inline ? mathToken("inlineMath", inline[0], inline[1], false) : undefined;
    },
    renderer: (token) => renderMath(token.text, (token as MathToken).display),
  },
];
