/**
 * Builds the course site from the last run: `deno task site [--build DIR] [--site DIR]`.
 * `deno task course` runs the notebooks and then this same builder; use this alone to rebuild the
 * site after changing the builder or its styles.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { buildSite } from "./site/build.ts";
import { SiteError } from "./site/site_error.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    build: { type: "string", default: "_build" },
    site: { type: "string", default: "_site" },
  },
});

try {
  const site = await buildSite({ buildDir: values.build, siteDir: values.site });
  const built = site.chapters.filter((c) => c.page !== undefined).length;
  console.log(`Built ${built} of ${site.chapters.length} chapters into ${site.siteDir}/`);
  console.log(`Open ${site.siteDir}/index.html`);
} catch (error) {
  // A SiteError already says what to do; anything else is a bug and keeps its stack.
  if (!(error instanceof SiteError)) throw error;
  console.error(`error: ${error.message}`);
  Deno.exit(1);
}
