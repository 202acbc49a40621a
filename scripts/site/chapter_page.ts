/**
 * One chapter's page: its cells in order (markdown rendered, code highlighted, outputs in place), a
 * table of contents, a link to download the executed notebook, and the previous and next chapters.
 *
 * @module
 */

import type { Chapter } from "../chapters.ts";
import { joinText, type Notebook } from "../notebook/nbformat.ts";
import type { RunRecord } from "./build_dir.ts";
import { highlightCode } from "./highlight.ts";
import { escapeHtml } from "./html.ts";
import { renderPage } from "./layout.ts";
import { type Heading, renderMarkdown } from "./markdown.ts";
import { renderOutputs } from "./outputs.ts";
import type { SearchSection } from "./search_index.ts";
import { Slugger } from "./slug.ts";

/** A chapter's page file, relative to the site root: `01-the-neural-network.html`. */
export function chapterPage(chapter: Chapter): string {
  return chapter.file.replace(/\.ipynb$/, ".html");
}

/** Where a chapter's executed notebook is copied, relative to the site root. */
export function chapterNotebook(chapter: Chapter): string {
  return `notebooks/${chapter.file}`;
}

/** What a chapter page is made from. */
export interface ChapterPageInput {
  /** The chapter. */
  readonly chapter: Chapter;
  /** Its executed notebook. */
  readonly notebook: Notebook;
  /** Its last run, when recorded. */
  readonly run?: RunRecord;
  /** The previous chapter that has a page, if any. */
  readonly previous?: Chapter;
  /** The next chapter that has a page, if any. */
  readonly next?: Chapter;
}

/** A rendered chapter page. */
export interface RenderedChapter {
  /** The whole HTML document. */
  readonly html: string;
  /** The chapter's sections for the search index. */
  readonly sections: readonly SearchSection[];
}

/** Collects the search sections as cells go by: text joins the section of the last heading. */
class SectionCollector {
  #chapter: Chapter;
  #sections: SearchSection[] = [];
  #texts: string[][] = [];

  constructor(chapter: Chapter) {
    this.#chapter = chapter;
    // Text before the first heading belongs to the page itself.
    this.heading(chapter.title, "");
  }

  heading(text: string, id: string): void {
    const href = chapterPage(this.#chapter) + (id === "" ? "" : `#${id}`);
    this.#sections.push({
      chapter: this.#chapter.number,
      chapterTitle: this.#chapter.title,
      heading: text,
      href,
      text: "",
    });
    this.#texts.push([]);
  }

  text(text: string): void {
    this.#texts.at(-1)!.push(text);
  }

  done(): SearchSection[] {
    return this.#sections
      .map((section, i) => ({
        ...section,
        text: this.#texts[i].join(" ").replace(/\s+/g, " ").trim(),
      }))
      .filter((section, i) => i > 0 || section.text !== "");
  }
}

function renderToc(headings: readonly Heading[]): string {
  // The h1 is the page's title; sections and subsections are what a reader jumps between.
  const entries = headings.filter((h) => h.depth === 2 || h.depth === 3).map((h) =>
    `<li class="toc-depth-${h.depth}"><a href="#${h.id}">${h.html}</a></li>`
  );
  return entries.length === 0 ? "" : `<h2>Contents</h2>\n<ol>\n${entries.join("\n")}\n</ol>`;
}

function renderNeighbours(previous?: Chapter, next?: Chapter): string {
  const link = (chapter: Chapter, rel: string, arrow: string) =>
    `<a rel="${rel}" class="${rel}" href="${chapterPage(chapter)}">${
      rel === "prev" ? arrow + " " : ""
    }${chapter.number}. ${escapeHtml(chapter.title)}${rel === "next" ? " " + arrow : ""}</a>`;
  return `<nav class="chapter-nav" aria-label="Chapters">${
    previous ? link(previous, "prev", "←") : "<span></span>"
  }<a href="index.html">All chapters</a>${next ? link(next, "next", "→") : "<span></span>"}</nav>`;
}

function renderRunNote(run: RunRecord | undefined, firstErrorCell: string | undefined): string {
  if (run?.status !== "failed") return "";
  const where = firstErrorCell ? ` <a href="#${firstErrorCell}">See the error.</a>` : "";
  return `<p class="run-failed" role="alert">This chapter failed in the last run; the outputs below stop where it failed.${where}</p>`;
}

/** Renders a chapter's page and collects its search sections. */
export function renderChapterPage(input: ChapterPageInput): RenderedChapter {
  const { chapter, notebook, run } = input;
  const slugger = new Slugger();
  const collector = new SectionCollector(chapter);
  const headings: Heading[] = [];
  const cells: string[] = [];
  let firstErrorCell: string | undefined;

  notebook.cells.forEach((cell, index) => {
    const id = `cell-${index + 1}`;
    const source = joinText(cell.source);
    if (cell.cell_type === "markdown") {
      const rendered = renderMarkdown(source, slugger);
      for (const item of rendered.outline) {
        if ("heading" in item) {
          headings.push(item.heading);
          collector.heading(item.heading.text, item.heading.id);
        } else {
          collector.text(item.text);
        }
      }
      cells.push(`<div class="cell markdown" id="${id}">\n${rendered.html}</div>`);
    } else if (cell.cell_type === "code" && source.trim() !== "") {
      collector.text(source);
      if (firstErrorCell === undefined && cell.outputs.some((o) => o.output_type === "error")) {
        firstErrorCell = id;
      }
      const prompt = `<span class="prompt">[${cell.execution_count ?? " "}]</span>`;
      const outputs = cell.outputs.length === 0
        ? ""
        : `\n<div class="outputs">\n${renderOutputs(cell.outputs)}\n</div>`;
      cells.push(
        `<div class="cell code" id="${id}">\n<div class="input">${prompt}${
          highlightCode(source)
        }</div>${outputs}\n</div>`,
      );
    }
    // Raw cells are for other tools (nbconvert, Quarto); a reader has nothing to see in them.
  });

  const ran = run ? ` · ran in ${Math.round(run.seconds)} s` : "";
  const body = `<div class="chapter-layout">
<nav class="toc" aria-label="Contents">
${renderToc(headings)}
<p class="download"><a href="${chapterNotebook(chapter)}" download>Download the notebook</a></p>
</nav>
<main class="chapter">
<p class="chapter-meta">Chapter ${chapter.number}${ran}</p>
${renderRunNote(run, firstErrorCell)}
${cells.join("\n")}
${renderNeighbours(input.previous, input.next)}
</main>
</div>`;
  return {
    html: renderPage({ title: `${chapter.number}. ${chapter.title}`, body }),
    sections: collector.done(),
  };
}
