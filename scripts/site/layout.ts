/**
 * The page shell every site page shares: stylesheets, the header with the search box, and the
 * search scripts. All pages sit in the site's root folder, so every link here is a plain relative
 * path that works from file:// and from any static host.
 *
 * @module
 */

import { escapeHtml } from "./html.ts";

/** The course's name, as the header and page titles show it. */
export const COURSE_TITLE = "Fundamentals of Deep Learning";

/** The stylesheets and scripts the shell links, relative to the site root; assets.ts writes them. */
export const ASSET_PATHS = {
  katexCss: "assets/katex/katex.min.css",
  highlightCss: "assets/highlight/github.min.css",
  styleCss: "assets/style.css",
  searchIndexJs: "assets/search-index.js",
  searchJs: "assets/search.js",
} as const;

/** What goes into one page. */
export interface PageContent {
  /** The page's own title; the course's name is added after it. */
  readonly title: string;
  /** HTML that goes between the header and the scripts. */
  readonly body: string;
}

/** A whole HTML document around `content`. */
export function renderPage(content: PageContent): string {
  const title = content.title === COURSE_TITLE
    ? COURSE_TITLE
    : `${content.title} · ${COURSE_TITLE}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${ASSET_PATHS.katexCss}">
<link rel="stylesheet" href="${ASSET_PATHS.highlightCss}">
<link rel="stylesheet" href="${ASSET_PATHS.styleCss}">
</head>
<body>
<header class="site-header">
<a class="site-title" href="index.html">${escapeHtml(COURSE_TITLE)}</a>
<div class="search" role="search">
<input type="search" id="search-input" placeholder="Search the course" aria-label="Search the course" autocomplete="off">
<ol id="search-results" hidden></ol>
</div>
</header>
${content.body}
<script src="${ASSET_PATHS.searchIndexJs}"></script>
<script src="${ASSET_PATHS.searchJs}"></script>
</body>
</html>
`;
}
