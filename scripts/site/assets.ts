/**
 * The site's static assets, copied into `<site>/assets/`: KaTeX's stylesheet and fonts and a
 * highlight.js theme from their npm packages, and our own stylesheet and search script.
 *
 * The npm files are found with `import.meta.resolve`, which maps a package subpath through
 * deno.json's pinned `npm:` import to the file Deno installed: in its global npm cache
 * (`deno info` shows where), or in `node_modules/` when a project uses one. This module imports
 * nothing from those packages itself, but the site builder imports `katex` and `highlight.js`, so
 * Deno has fetched both before this code runs, on a fresh clone too.
 *
 * @module
 */

import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { ASSET_PATHS } from "./layout.ts";
import { SiteError } from "./site_error.ts";

/** The highlight.js theme the site uses (a light theme to match the page). */
const HIGHLIGHT_THEME = "highlight.js/styles/github.min.css";

/** Our own assets, next to this module, and where each goes in the site. */
const OWN_ASSETS = [
  { from: new URL("./assets/style.css", import.meta.url), to: ASSET_PATHS.styleCss },
  { from: new URL("./assets/search.js", import.meta.url), to: ASSET_PATHS.searchJs },
];

/** The local path of an npm package file, with an error that says how to get it. */
export function npmFile(specifier: string): string {
  let url: string;
  try {
    url = import.meta.resolve(specifier);
  } catch (error) {
    throw new SiteError(
      `Cannot resolve ${specifier} (${
        (error as Error).message
      }); its package is pinned in deno.json: run \`deno install\`.`,
      { cause: error },
    );
  }
  if (!url.startsWith("file:")) {
    throw new SiteError(`${specifier} resolved to ${url}, not a local file; run \`deno install\`.`);
  }
  return fileURLToPath(url);
}

async function copyDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    const source = `${from}/${entry.name}`;
    const target = `${to}/${entry.name}`;
    if (entry.isDirectory) await copyDir(source, target);
    else await Deno.copyFile(source, target);
  }
}

async function copyFile(from: string | URL, siteDir: string, to: string): Promise<void> {
  const target = `${siteDir}/${to}`;
  await Deno.mkdir(dirname(target), { recursive: true });
  try {
    await Deno.copyFile(from, target);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    throw new SiteError(`Asset ${from} is missing; run \`deno install\`.`, { cause: error });
  }
}

/** Copies every asset the pages link into `siteDir`. */
export async function copyAssets(siteDir: string): Promise<void> {
  const katexCss = npmFile("katex/dist/katex.min.css");
  await copyFile(katexCss, siteDir, ASSET_PATHS.katexCss);
  // The stylesheet loads its fonts from `fonts/` beside it.
  await copyDir(`${dirname(katexCss)}/fonts`, `${siteDir}/${dirname(ASSET_PATHS.katexCss)}/fonts`);
  await copyFile(npmFile(HIGHLIGHT_THEME), siteDir, ASSET_PATHS.highlightCss);
  for (const asset of OWN_ASSETS) await copyFile(asset.from, siteDir, asset.to);
}
