/**
 * Builds the course site from an executed build: `_build/` in, `_site/` out. The site is static,
 * with relative links only, so it works opened from disk (file://) and from any static host.
 *
 * @module
 */

import { CHAPTERS } from "../chapters.ts";
import { copyAssets } from "./assets.ts";
import { readBuildDir } from "./build_dir.ts";
import { chapterNotebook, chapterPage, renderChapterPage } from "./chapter_page.ts";
import { type IndexEntry, renderIndexPage } from "./index_page.ts";
import { ASSET_PATHS } from "./layout.ts";
import { PERFORMANCE_PAGE, renderPerformancePage } from "./performance_page.ts";
import { searchIndexScript, type SearchSection } from "./search_index.ts";
import { SiteError } from "./site_error.ts";

/** Where to read and write. */
export interface BuildSiteOptions {
  /** The build directory `deno task course` writes (`_build`). */
  readonly buildDir: string;
  /** The site directory to write (`_site`); a previous site there is replaced. */
  readonly siteDir: string;
  /** The executed notebooks; `<buildDir>/notebooks` by default. */
  readonly notebooksDir?: string;
}

/** What was built. */
export interface BuiltSite {
  /** The site directory. */
  readonly siteDir: string;
  /** Every chapter, in order, with its state and page. */
  readonly chapters: readonly IndexEntry[];
  /** Every HTML page written, relative to the site root (`index.html` first). */
  readonly pages: readonly string[];
}

/** Marks a directory as one buildSite wrote, so rebuilding may empty it. */
const MARKER = ".fdl-site";

/** Empties `siteDir` for a fresh build, refusing to touch a directory that is not a built site. */
async function prepareSiteDir(siteDir: string): Promise<void> {
  let entries: string[];
  try {
    entries = (await Array.fromAsync(Deno.readDir(siteDir))).map((e) => e.name);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    entries = [];
  }
  if (entries.length > 0 && !entries.includes(MARKER)) {
    throw new SiteError(
      `${siteDir} is not empty and was not built by the site builder (no ${MARKER}); refusing to delete it. Choose another site directory or empty it.`,
    );
  }
  if (entries.length > 0) await Deno.remove(siteDir, { recursive: true });
  await Deno.mkdir(`${siteDir}/notebooks`, { recursive: true });
  await Deno.writeTextFile(
    `${siteDir}/${MARKER}`,
    "Built by scripts/site; rebuilt with `deno task site`.\n",
  );
}

/**
 * Builds the site: an index of all twelve chapters, a page per executed notebook, the notebooks
 * themselves for download, a performance page when the build holds a bench report, the search
 * index and the assets. Throws a {@link SiteError} with the fix
 * when the build directory is missing or a notebook is corrupt.
 */
export async function buildSite(options: BuildSiteOptions): Promise<BuiltSite> {
  const { siteDir } = options;
  const inputs = await readBuildDir(options.buildDir, options.notebooksDir);
  await prepareSiteDir(siteDir);
  await copyAssets(siteDir);

  const built = CHAPTERS.filter((c) => inputs.notebooks.has(c.number));
  const sections: SearchSection[] = [];
  const pages = ["index.html"];
  for (const [i, chapter] of built.entries()) {
    const { path, notebook } = inputs.notebooks.get(chapter.number)!;
    const page = renderChapterPage({
      chapter,
      notebook,
      run: inputs.runs[chapter.number],
      previous: built[i - 1],
      next: built[i + 1],
    });
    await Deno.writeTextFile(`${siteDir}/${chapterPage(chapter)}`, page.html);
    // The notebook is copied byte for byte: it is the executed file the page was made from.
    await Deno.copyFile(path, `${siteDir}/${chapterNotebook(chapter)}`);
    sections.push(...page.sections);
    pages.push(chapterPage(chapter));
  }

  const chapters: IndexEntry[] = CHAPTERS.map((chapter) => {
    const run = inputs.runs[chapter.number];
    const hasPage = inputs.notebooks.has(chapter.number);
    return {
      chapter,
      state: run?.status === "failed" ? "failed" : hasPage ? "ok" : "coming",
      page: hasPage ? chapterPage(chapter) : undefined,
      metrics: inputs.metrics[chapter.number],
      seconds: run?.seconds,
    };
  });
  if (inputs.bench) {
    await Deno.writeTextFile(`${siteDir}/${PERFORMANCE_PAGE}`, renderPerformancePage(inputs.bench));
    pages.push(PERFORMANCE_PAGE);
  }
  await Deno.writeTextFile(`${siteDir}/${ASSET_PATHS.searchIndexJs}`, searchIndexScript(sections));
  await Deno.writeTextFile(
    `${siteDir}/index.html`,
    renderIndexPage(chapters, inputs.bench ? PERFORMANCE_PAGE : undefined),
  );
  return { siteDir, chapters, pages };
}
