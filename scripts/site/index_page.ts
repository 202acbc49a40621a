/**
 * The site's front page: the twelve chapters in order, each with its one-line summary, its
 * headline metrics from the last run, and whether it is built, failed or still to come.
 *
 * @module
 */

import type { Chapter } from "../chapters.ts";
import { escapeHtml } from "./html.ts";
import { COURSE_TITLE, renderPage } from "./layout.ts";
import { renderMetricsTable } from "./metrics_table.ts";

/** How a chapter stands on the site. */
export type ChapterState =
  /** Ran and has a page. */
  | "ok"
  /** Its last run failed; it has a page when the runner saved the notebook up to the failure. */
  | "failed"
  /** Not executed yet: no page. */
  | "coming";

/** One chapter as the index lists it. */
export interface IndexEntry {
  /** The chapter. */
  readonly chapter: Chapter;
  /** How it stands. */
  readonly state: ChapterState;
  /** Its page relative to the site root, when it has one. */
  readonly page?: string;
  /** Its headline metrics from the last run. */
  readonly metrics?: Record<string, unknown>;
  /** Seconds its last run took. */
  readonly seconds?: number;
}

const BADGES: Record<ChapterState, string> = {
  ok: "",
  failed: `<span class="badge badge-failed">failed</span>`,
  coming: `<span class="badge badge-coming">coming</span>`,
};

function renderEntry(entry: IndexEntry): string {
  const { chapter, state, page } = entry;
  const title = escapeHtml(chapter.title);
  const heading = page ? `<a href="${page}">${title}</a>` : title;
  const ran = entry.seconds === undefined
    ? ""
    : `<p class="ran">Ran in ${Math.round(entry.seconds)} s.</p>`;
  return `<li class="chapter-card state-${state}">
<span class="chapter-number">${chapter.number}</span>
<div class="chapter-body">
<h2>${heading} ${BADGES[state]}</h2>
<p class="summary">${escapeHtml(chapter.summary)}</p>
${renderMetricsTable(entry.metrics ?? {})}${ran}
</div>
</li>`;
}

/**
 * The index page's HTML document; `performancePage` links the bench results when the build has
 * them.
 */
export function renderIndexPage(entries: readonly IndexEntry[], performancePage?: string): string {
  const performance = performancePage
    ? `\n<p class="lede">How fast is the library? See <a href="${performancePage}">its race against TensorFlow.js</a>.</p>`
    : "";
  const body = `<main class="index">
<h1>${escapeHtml(COURSE_TITLE)}</h1>
<p class="lede">A course in twelve TypeScript notebooks, built on a small deep-learning library of its own. Every chart and number below came out of the last run of the notebooks.</p>${performance}
<ol class="chapters">
${entries.map(renderEntry).join("\n")}
</ol>
</main>`;
  return renderPage({ title: COURSE_TITLE, body });
}
