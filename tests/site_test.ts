/**
 * The course site: the renderer's parts (markdown with maths, output choice, ANSI stripping), the
 * build from a fixture build directory (tests/fixtures/site: two executed chapters, one failed),
 * its errors, and the built site checked in headless Chromium from file://.
 */

import assert from "node:assert/strict";
import { CHAPTERS } from "../scripts/chapters.ts";
import { METRICS_MIME, type Output } from "../scripts/notebook/nbformat.ts";
import { buildSite } from "../scripts/site/build.ts";
import { readBuildDir } from "../scripts/site/build_dir.ts";
import { checkSiteInBrowser } from "../scripts/site/browser_check.ts";
import { chapterLink, renderMarkdown } from "../scripts/site/markdown.ts";
import { formatMetric } from "../scripts/site/metrics_table.ts";
import { chooseMime, renderOutputs } from "../scripts/site/outputs.ts";
import { SiteError } from "../scripts/site/site_error.ts";
import { Slugger } from "../scripts/site/slug.ts";
import { terminalText } from "../scripts/site/terminal_text.ts";

const FIXTURE = new URL("./fixtures/site", import.meta.url).pathname;
// The fixture site's screenshots stay apart from the real site's (tests/course_test.ts).
const SCREENSHOTS = new URL("../_build/screenshots/fixture", import.meta.url).pathname;

/** How many KaTeX formulas (top-level `.katex` spans) a piece of HTML holds. */
function formulas(html: string): number {
  return html.match(/<span class="katex">/g)?.length ?? 0;
}

/** Builds the fixture site into a fresh temporary directory. */
async function buildFixture(): Promise<string> {
  const siteDir = `${await Deno.makeTempDir({ prefix: "fdl-site-" })}/site`;
  await buildSite({ buildDir: FIXTURE, siteDir });
  return siteDir;
}

Deno.test("markdown: inline and display maths render through KaTeX, untouched by markdown", () => {
  const { html } = renderMarkdown(
    "Weights $w_1 * w_2$ and $b$.\n\n$$\n\\sigma(z) = \\frac{1}{1 + e^{-z}}\n$$\n\nInline display $$x^2$$ too.",
    new Slugger(),
  );
  assert.equal(formulas(html), 4);
  assert.equal(html.match(/class="katex-display"/g)?.length, 2);
  assert.ok(!html.includes("<em>"), "underscores and asterisks inside maths are not emphasis");
  assert.ok(!html.includes("$"), "no dollar left over");
});

Deno.test("markdown: dollars in code, prices and escapes stay text", () => {
  const source = "Costs $5 and $6. Escaped \\$x\\$. Code `$y$`.\n\n```ts\nconst s = `$z$`;\n```\n";
  const { html } = renderMarkdown(source, new Slugger());
  assert.equal(formulas(html), 0);
  assert.match(html, /Costs \$5 and \$6\./);
  assert.match(html, /Escaped \$x\$\./);
  assert.match(html, /<code>\$y\$<\/code>/);
  assert.match(html, /class="language-ts"/);
});

Deno.test("markdown: headings get unique anchors and make the outline", () => {
  const slugger = new Slugger();
  const first = renderMarkdown("# Chapter\n\nIntro text.\n\n## The $\\sigma$ function", slugger);
  const second = renderMarkdown("## The $\\sigma$ function\n\nMore.", slugger);
  assert.match(first.html, /<h2 id="the-sigma-function">/);
  assert.match(second.html, /<h2 id="the-sigma-function-2">/);
  assert.deepEqual(first.outline.map((i) => "heading" in i ? `#${i.heading.id}` : i.text), [
    "#chapter",
    "Intro text.",
    "#the-sigma-function",
  ]);
  const heading = first.outline[2];
  assert.ok("heading" in heading && formulas(heading.heading.html) === 1);
});

Deno.test("markdown: links to chapter notebooks point at their pages", () => {
  assert.equal(
    chapterLink("02-training-feed-forward-networks.ipynb"),
    "02-training-feed-forward-networks.html",
  );
  assert.equal(
    chapterLink("../notebooks/03-implementing-networks.ipynb#x"),
    "03-implementing-networks.html#x",
  );
  assert.equal(chapterLink("https://example.org/a.ipynb"), "https://example.org/a.ipynb");
  assert.equal(chapterLink("other.ipynb"), "other.ipynb");
});

Deno.test("outputs: the richest MIME type wins, metrics first", () => {
  const all = {
    "text/plain": "p",
    "image/png": "AA==",
    "text/html": "<b>h</b>",
    "image/svg+xml": "<svg/>",
  };
  assert.equal(chooseMime(all), "image/svg+xml");
  assert.equal(chooseMime({ ...all, [METRICS_MIME]: { a: 1 } }), METRICS_MIME);
  assert.equal(
    chooseMime({ "text/plain": "p", "text/html": "<b>h</b>", "image/png": "AA==" }),
    "text/html",
  );
  assert.equal(chooseMime({ "text/plain": "p", "image/png": "AA==" }), "image/png");
  assert.equal(chooseMime({ "text/plain": "p" }), "text/plain");
  assert.equal(chooseMime({ "application/json": {} }), undefined);
});

Deno.test("outputs: each kind renders in place", () => {
  const outputs: Output[] = [
    {
      output_type: "stream",
      name: "stdout",
      text: ["\x1b[32mepoch 1\x1b[0m 10%\r", "epoch 1 100%\n"],
    },
    { output_type: "stream", name: "stdout", text: "done <ok>\n" },
    {
      output_type: "display_data",
      metadata: {},
      data: {
        "image/svg+xml":
          '<?xml version="1.0"?><svg width="10" height="10" onload="x()"><script>bad()</script><rect/></svg>',
        "text/plain": "chart",
      },
    },
    {
      output_type: "display_data",
      metadata: {},
      data: { "image/png": "iVBO\nRw0K", "text/plain": "img" },
    },
    {
      output_type: "execute_result",
      execution_count: 3,
      metadata: {},
      data: { [METRICS_MIME]: { accuracy: 0.981234, epochs: 4 }, "text/plain": "{...}" },
    },
    {
      output_type: "error",
      ename: "TypeError",
      evalue: "\x1b[31mshape mismatch\x1b[0m",
      traceback: [
        "\x1b[31mTypeError\x1b[0m: shape mismatch",
        "    at \x1b[36m<anonymous>\x1b[0m:1:1",
      ],
    },
  ];
  const html = renderOutputs(outputs);
  assert.ok(!html.includes("\x1b"), "no ANSI codes left");
  assert.match(
    html,
    /<pre class="output output-stream stdout">epoch 1 100%\ndone &lt;ok&gt;\n<\/pre>/,
  );
  assert.match(
    html,
    /<div class="output output-svg"><svg width="10" height="10"><rect\/><\/svg><\/div>/,
  );
  assert.match(html, /<img alt="Cell output" src="data:image\/png;base64,iVBORw0K">/);
  assert.match(html, /<th scope="row">accuracy<\/th><td>0\.9812<\/td>/);
  assert.match(html, /<p class="error-title">TypeError: shape mismatch<\/p>/);
  assert.ok(html.includes("TypeError: shape mismatch\n    at &lt;anonymous&gt;:1:1"));
});

Deno.test("terminal text: ANSI stripped, carriage returns resolved", () => {
  assert.equal(terminalText("\x1b[1;31mred\x1b[0m plain"), "red plain");
  assert.equal(terminalText("10%\r50%\r100%\nnext\r\n"), "100%\nnext\n");
});

Deno.test("metrics: values print to four significant figures", () => {
  assert.equal(formatMetric(0.98123), "0.9812");
  assert.equal(formatMetric(0.98), "0.98");
  assert.equal(formatMetric(60000), "60000");
  assert.equal(formatMetric(1.5e-5), "0.00001500");
  assert.equal(formatMetric("cpu"), "cpu");
});

Deno.test("build inputs: a missing build says to run the course first", async () => {
  await assert.rejects(
    readBuildDir("/nonexistent/_build"),
    (error: Error) => error instanceof SiteError && /deno task course/.test(error.message),
  );
});

Deno.test("build inputs: a corrupt notebook is named", async () => {
  const buildDir = await Deno.makeTempDir({ prefix: "fdl-build-" });
  try {
    await Deno.mkdir(`${buildDir}/notebooks`);
    const path = `${buildDir}/notebooks/${CHAPTERS[0].file}`;
    await Deno.writeTextFile(path, '{"cells": [');
    await assert.rejects(
      readBuildDir(buildDir),
      (error: Error) => error instanceof SiteError && error.message.includes(path),
    );
  } finally {
    await Deno.remove(buildDir, { recursive: true });
  }
});

Deno.test("build: index, chapter pages, notebooks and search index from the fixture", async () => {
  const siteDir = await buildFixture();
  try {
    const index = await Deno.readTextFile(`${siteDir}/index.html`);
    for (const chapter of CHAPTERS) assert.ok(index.includes(chapter.summary), chapter.title);
    assert.match(index, /<a href="01-the-neural-network.html">The Neural Network<\/a>/);
    assert.match(index, /<th scope="row">final_loss<\/th><td>0\.01235<\/td>/);
    assert.match(
      index,
      /Training Feed-Forward Networks<\/a> <span class="badge badge-failed">failed/,
    );
    assert.match(
      index,
      /state-coming[\s\S]*Implementing Networks in a Framework <span class="badge badge-coming">/,
    );
    assert.ok(!index.includes('href="03-'), "a chapter still to come has no link");

    const failed = await Deno.readTextFile(`${siteDir}/02-training-feed-forward-networks.html`);
    assert.match(failed, /class="run-failed"[^>]*>.*<a href="#cell-4">/);
    assert.match(failed, /<a rel="prev" class="prev" href="01-the-neural-network.html">/);

    const copied = await Deno.readTextFile(`${siteDir}/notebooks/01-the-neural-network.ipynb`);
    assert.equal(
      copied,
      await Deno.readTextFile(`${FIXTURE}/notebooks/01-the-neural-network.ipynb`),
    );
    const search = await Deno.readTextFile(`${siteDir}/assets/search-index.js`);
    assert.match(search, /"heading":"The sigmoid","href":"01-the-neural-network.html#the-sigmoid"/);

    // The fixture's bench report becomes the performance page, linked from the index.
    const performance = await Deno.readTextFile(`${siteDir}/performance.html`);
    assert.match(index, /href="performance.html"/);
    assert.equal(performance.match(/<figure class="output bench-chart"><svg/g)?.length, 1);
    assert.match(performance, /matmul 256x256x256 \(cannot: tfjs webgpu\)/);
    assert.match(performance, /<td>ours cpu<\/td><td>1.50<\/td><td>22.4<\/td><td>1.40×<\/td>/);
    assert.match(performance, /<td>cannot: no WebGPU adapter<\/td>/);

    // Rebuilding replaces the site; a directory that is not a site is never emptied.
    await buildSite({ buildDir: FIXTURE, siteDir });
    const other = await Deno.makeTempDir({ prefix: "fdl-other-" });
    await Deno.writeTextFile(`${other}/keep.txt`, "mine");
    await assert.rejects(buildSite({ buildDir: FIXTURE, siteDir: other }), SiteError);
    assert.equal(await Deno.readTextFile(`${other}/keep.txt`), "mine");
    await Deno.remove(other, { recursive: true });
  } finally {
    await Deno.remove(`${siteDir}/..`, { recursive: true });
  }
});

Deno.test({
  name: "browser: the fixture site works from file:// in headless Chromium",
  async fn() {
    const siteDir = await buildFixture();
    try {
      const report = await checkSiteInBrowser(siteDir, {
        screenshotsDir: SCREENSHOTS,
        searchWord: "sigmoid",
      });
      assert.deepEqual(report.pages.map((p) => p.page), [
        "index.html",
        "01-the-neural-network.html",
        "02-training-feed-forward-networks.html",
        "performance.html",
      ]);
      const [, first, second, performance] = report.pages;
      assert.equal(performance.charts, 1, "the bench chart renders in the browser");
      assert.ok(first.formulas >= 6 && second.formulas >= 2, "maths rendered on both chapters");
      assert.equal(first.charts, 1);
      assert.ok(report.search.results >= 1);
      assert.equal(report.search.firstHref, "01-the-neural-network.html#the-sigmoid");
      assert.deepEqual(report.screenshots, [
        `${SCREENSHOTS}/index.png`,
        `${SCREENSHOTS}/chapter.png`,
      ]);
    } finally {
      await Deno.remove(`${siteDir}/..`, { recursive: true });
    }
  },
});

Deno.test({
  name: "browser: the check reports broken links, raw maths and missing assets",
  async fn() {
    const siteDir = await buildFixture();
    try {
      const page = `${siteDir}/01-the-neural-network.html`;
      const html = await Deno.readTextFile(page);
      await Deno.writeTextFile(
        page,
        // A replacer function, because a replacement string reads "$$" as an escaped "$".
        html.replace(
          "</main>",
          () => '<p>$$x$$ <a href="missing.html">gone</a> <a href="#nowhere">x</a></p></main>',
        ),
      );
      await Deno.remove(`${siteDir}/assets/style.css`);
      const error = await checkSiteInBrowser(siteDir).then(() => undefined, (e: Error) => e);
      assert.ok(error, "the check must fail");
      assert.match(error.message, /unrendered maths: \$\$x\$\$/);
      assert.match(error.message, /link missing\.html points to a missing file/);
      assert.match(error.message, /link #nowhere points to a missing anchor/);
      assert.match(error.message, /request failed: file:\/\/.*assets\/style\.css/);
    } finally {
      await Deno.remove(`${siteDir}/..`, { recursive: true });
    }
  },
});
