/// <reference lib="dom" />
/**
 * Checks a built site in headless Chromium, the way a reader meets it: every page opened from
 * file://, with no console errors or failed requests; every relative link and anchor resolving;
 * maths rendered by KaTeX; charts drawn at a real size; search finding a word and leading to it.
 * It also takes the screenshots the README shows. The site tests run it on a fixture build, and
 * the course test on the real site.
 *
 * Chromium is Debian's (`apt-get install -y chromium`), driven by puppeteer-core over a pipe
 * rather than a WebSocket, so no debugging port is opened.
 *
 * @module
 */

import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { fileURLToPath, pathToFileURL } from "node:url";
import { relative, resolve } from "node:path";

/** Options for {@link checkSiteInBrowser}. */
export interface BrowserCheckOptions {
  /** Where to write `index.png` and `chapter.png`; no screenshots when absent. */
  readonly screenshotsDir?: string;
  /** The Chromium binary; found with {@link findChromium} when absent. */
  readonly executablePath?: string;
  /** The word to search for; by default a word taken from the first chapter's search index. */
  readonly searchWord?: string;
}

/** What one page held. */
export interface PageReport {
  /** The page, relative to the site root. */
  readonly page: string;
  /** Rendered KaTeX formulas. */
  readonly formulas: number;
  /** SVG charts in outputs. */
  readonly charts: number;
  /** Relative links and sources checked. */
  readonly links: number;
}

/** What the check saw, when it passed. */
export interface BrowserCheckReport {
  /** Each page, index first. */
  readonly pages: readonly PageReport[];
  /** The search: the word, how many results it gave, and the first result's link. */
  readonly search: { readonly word: string; readonly results: number; readonly firstHref: string };
  /** Paths of the screenshots written. */
  readonly screenshots: readonly string[];
}

/** The flags DESIGN.md fixes for headless Chromium in CI and containers. */
export const CHROMIUM_ARGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--no-first-run",
];

const TIMEOUT_MS = 15_000;

/** The Chromium binary: `chromium` on PATH, else Debian's path. Throws with the install command. */
export function findChromium(): string {
  const dirs = (Deno.env.get("PATH") ?? "").split(":").filter((d) => d !== "");
  for (const path of [...dirs.map((d) => `${d}/chromium`), "/usr/bin/chromium"]) {
    try {
      if (Deno.statSync(path).isFile) return path;
    } catch {
      // Not here; try the next place.
    }
  }
  throw new Error(
    "Chromium not found on PATH or at /usr/bin/chromium: apt-get install -y chromium",
  );
}

/** What the browser reports from inside one loaded page. */
interface PageFacts {
  links: string[];
  ids: string[];
  formulas: number;
  katexErrors: number;
  katexStyled: boolean;
  rawDisplayMath: string[];
  charts: { width: number; height: number }[];
}

/** Runs in the page: gathers links, ids, maths and chart sizes. */
function pageFacts(): PageFacts {
  const links = [...document.querySelectorAll("[href], [src]")]
    .map((e) => e.getAttribute("href") ?? e.getAttribute("src") ?? "");
  const ids = [...document.querySelectorAll("[id]")].map((e) => e.id);
  // Text a reader sees as prose: not code, not scripts, not KaTeX's own TeX annotations.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const rawDisplayMath: string[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement?.closest("pre, code, script, style, .katex")) continue;
    const text = node.textContent ?? "";
    if (text.includes("$$")) rawDisplayMath.push(text.trim().slice(0, 80));
  }
  const mathml = document.querySelector(".katex .katex-mathml");
  const charts = [...document.querySelectorAll(".output svg")]
    .filter((svg) => !svg.parentElement?.closest("svg"))
    .map((svg) => {
      const box = svg.getBoundingClientRect();
      return { width: box.width, height: box.height };
    });
  return {
    links,
    ids,
    formulas: document.querySelectorAll(".katex").length,
    katexErrors: document.querySelectorAll(".katex-error").length,
    // KaTeX's stylesheet hides the MathML copy; if it did not load, formulas show twice.
    katexStyled: mathml === null || getComputedStyle(mathml).position === "absolute",
    rawDisplayMath,
    charts,
  };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/** Every HTML page under `dir`, relative to it, `index.html` first. */
async function htmlPages(dir: string, prefix = ""): Promise<string[]> {
  const pages: string[] = [];
  for await (const entry of Deno.readDir(`${dir}/${prefix}`)) {
    const path = prefix + entry.name;
    if (entry.isDirectory) pages.push(...await htmlPages(dir, `${path}/`));
    else if (entry.name.endsWith(".html")) pages.push(path);
  }
  return pages.sort((
    a,
    b,
  ) => (a === "index.html" ? -1 : b === "index.html" ? 1 : a.localeCompare(b)));
}

/** Records console errors, uncaught exceptions and failed requests against the page being visited. */
function watchPage(page: Page, problems: string[], current: () => string): void {
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`${current()}: console error: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`${current()}: uncaught ${String(error)}`));
  page.on("requestfailed", (request) => {
    problems.push(
      `${current()}: request failed: ${request.url()} (${
        request.failure()?.errorText ?? "unknown"
      })`,
    );
  });
}

/** Checks one link from `page` (relative to the site root); returns a problem or undefined. */
async function checkLink(
  siteDir: string,
  page: string,
  link: string,
  idsByPage: ReadonlyMap<string, ReadonlySet<string>>,
): Promise<string | undefined> {
  if (/^(data|https?|mailto):/i.test(link)) return undefined;
  if (/^(\/|[a-z][a-z0-9+.-]*:)/i.test(link)) {
    return `${page}: link ${link} is not relative (the site must work from file:// and any host)`;
  }
  const url = new URL(link, pathToFileURL(`${siteDir}/${page}`));
  const target = relative(siteDir, fileURLToPath(url));
  if (target.startsWith("..")) return `${page}: link ${link} leaves the site`;
  if (!await isFile(`${siteDir}/${target}`)) {
    return `${page}: link ${link} points to a missing file`;
  }
  const anchor = decodeURIComponent(url.hash.slice(1));
  if (anchor !== "" && target.endsWith(".html") && !idsByPage.get(target)?.has(anchor)) {
    return `${page}: link ${link} points to a missing anchor #${anchor}`;
  }
  return undefined;
}

/** A word from the search index for the search check: the first long word of a chapter's text. */
async function pickSearchWord(page: Page): Promise<string> {
  const word = await page.evaluate(() => {
    const index = (globalThis as unknown as { FDL_SEARCH_INDEX?: { text: string }[] })
      .FDL_SEARCH_INDEX ?? [];
    for (const section of index) {
      const match = /\b[A-Za-z]{7,}\b/.exec(section.text);
      if (match) return match[0];
    }
    return undefined;
  });
  if (word === undefined) throw new Error("The search index has no text to search for.");
  return word;
}

/** Types `word` into the search box and follows the first result. */
async function checkSearch(
  siteDir: string,
  page: Page,
  word: string,
  problems: string[],
): Promise<BrowserCheckReport["search"]> {
  await page.type("#search-input", word);
  await page.waitForSelector("#search-results li a", { timeout: TIMEOUT_MS }).catch(() => {});
  const hrefs = await page.$$eval(
    "#search-results li a",
    (links) => links.map((a) => a.getAttribute("href") ?? ""),
  );
  if (hrefs.length === 0) {
    problems.push(`index.html: searching for "${word}" found nothing`);
    return { word, results: 0, firstHref: "" };
  }
  await Promise.all([
    page.waitForNavigation({ timeout: TIMEOUT_MS }),
    page.click("#search-results li a"),
  ]);
  const landed = await page.evaluate(() => ({
    path: location.pathname,
    found: location.hash === "" ||
      document.getElementById(decodeURIComponent(location.hash.slice(1))) !== null,
  }));
  const expected = resolve(siteDir, hrefs[0].split("#")[0]);
  if (decodeURIComponent(landed.path) !== expected || !landed.found) {
    problems.push(`index.html: search result ${hrefs[0]} did not lead to its section`);
  }
  return { word, results: hrefs.length, firstHref: hrefs[0] };
}

async function screenshot(
  page: Page,
  url: string,
  path: string,
  fullPage: boolean,
): Promise<void> {
  await page.goto(url, { waitUntil: "load", timeout: TIMEOUT_MS });
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  await page.screenshot({ path: path as `${string}.png`, fullPage });
}

/**
 * Opens every page of the site in `siteDir` in headless Chromium and checks it (see the module
 * doc). Throws an Error that lists every problem found; returns what it saw when all is well.
 */
export async function checkSiteInBrowser(
  siteDir: string,
  options: BrowserCheckOptions = {},
): Promise<BrowserCheckReport> {
  const root = resolve(siteDir);
  const pages = await htmlPages(root);
  if (!pages.includes("index.html")) {
    throw new Error(`${root} has no index.html: build the site first.`);
  }
  const problems: string[] = [];
  const browser: Browser = await puppeteer.launch({
    executablePath: options.executablePath ?? findChromium(),
    args: [...CHROMIUM_ARGS],
    pipe: true,
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    let current = "";
    watchPage(page, problems, () => current);

    const facts = new Map<string, PageFacts>();
    for (const name of pages) {
      current = name;
      await page.goto(pathToFileURL(`${root}/${name}`).href, {
        waitUntil: "load",
        timeout: TIMEOUT_MS,
      });
      facts.set(name, await page.evaluate(pageFacts));
    }

    const idsByPage = new Map([...facts].map(([name, f]) => [name, new Set(f.ids)]));
    const reports: PageReport[] = [];
    for (const [name, f] of facts) {
      const links = f.links.filter((l) => l !== "");
      for (const link of new Set(links)) {
        const problem = await checkLink(root, name, link, idsByPage);
        if (problem) problems.push(problem);
      }
      for (const text of f.rawDisplayMath) problems.push(`${name}: unrendered maths: ${text}`);
      if (f.katexErrors > 0) {
        problems.push(`${name}: ${f.katexErrors} formulas KaTeX could not render`);
      }
      if (!f.katexStyled) problems.push(`${name}: KaTeX's stylesheet did not apply`);
      f.charts.forEach((c, i) => {
        if (!(c.width > 0 && c.height > 0)) {
          problems.push(`${name}: chart ${i + 1} has no size (${c.width}×${c.height})`);
        }
      });
      reports.push({
        page: name,
        formulas: f.formulas,
        charts: f.charts.length,
        links: links.length,
      });
    }
    if (pages.length > 1 && reports.every((r) => r.formulas === 0)) {
      problems.push("no page has KaTeX maths: is the maths rendered?");
    }

    current = "index.html";
    await page.goto(pathToFileURL(`${root}/index.html`).href, {
      waitUntil: "load",
      timeout: TIMEOUT_MS,
    });
    const word = options.searchWord ?? await pickSearchWord(page);
    const search = await checkSearch(root, page, word, problems);

    const screenshots: string[] = [];
    if (options.screenshotsDir !== undefined) {
      await Deno.mkdir(options.screenshotsDir, { recursive: true });
      const chapter = pages.find((p) => p !== "index.html");
      for (
        const [name, shot, fullPage] of [["index.html", "index.png", true], [
          chapter,
          "chapter.png",
          false,
        ]] as const
      ) {
        if (name === undefined) continue;
        current = name;
        const path = `${options.screenshotsDir}/${shot}`;
        await screenshot(page, pathToFileURL(`${root}/${name}`).href, path, fullPage);
        screenshots.push(path);
      }
    }

    if (problems.length > 0) {
      // A missing asset fails on every page that loads it; one line per distinct problem is enough.
      const distinct = [...new Set(problems)];
      throw new Error(
        `The site in ${root} has ${distinct.length} problem(s):\n- ${distinct.join("\n- ")}`,
      );
    }
    return { pages: reports, search, screenshots };
  } finally {
    await browser.close();
  }
}
