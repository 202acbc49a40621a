/**
 * `deno task course [--chapter N] [--keep-going] [--timeout S] [--no-site]`: executes the course's
 * notebooks through the real Deno kernel into `_build/`, prints a summary, then builds the site
 * into `_site/`. Exits non-zero when any notebook failed.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Progress } from "./course/progress.ts";
import { runCourse } from "./course/run.ts";
import { summaryTable } from "./course/summary.ts";
import { buildSite } from "./site/build.ts";

const USAGE = `Usage: deno task course [--chapter N] [--keep-going] [--timeout SECONDS] [--no-site]

  --chapter N        run only chapter N (its results are merged into _build/)
  --keep-going       run the rest of a notebook after a failed cell
  --timeout SECONDS  the longest one cell may run (default 600)
  --no-site          do not build _site/ afterwards`;

/** The command line, parsed. */
export interface CourseArgs {
  /** Only this chapter, or all. */
  readonly chapter?: number;
  /** Run the rest of a notebook after a failed cell. */
  readonly keepGoing: boolean;
  /** Per-cell limit in seconds. */
  readonly timeoutSeconds?: number;
  /** Whether to build the site afterwards. */
  readonly site: boolean;
  /** Whether only the usage was asked for. */
  readonly help: boolean;
}

/** Parses the command line; throws an error carrying the usage when it is wrong. */
export function parseCourseArgs(args: readonly string[]): CourseArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        chapter: { type: "string" },
        "keep-going": { type: "boolean", default: false },
        timeout: { type: "string" },
        "no-site": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (error) {
    throw new Error(`${(error as Error).message}\n\n${USAGE}`);
  }
  const positive = (flag: string, text: string | undefined, integer: boolean) => {
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!(value > 0) || (integer && !Number.isInteger(value))) {
      throw new Error(
        `--${flag} needs a positive ${integer ? "integer" : "number"}, not "${text}".\n\n${USAGE}`,
      );
    }
    return value;
  };
  return {
    chapter: positive("chapter", values.chapter, true),
    keepGoing: values["keep-going"],
    timeoutSeconds: positive("timeout", values.timeout, false),
    site: !values["no-site"],
    help: values.help,
  };
}

/** Runs the command; returns the exit code. */
export async function main(args: readonly string[]): Promise<number> {
  let options: CourseArgs;
  try {
    options = parseCourseArgs(args);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const progress = new Progress();
  let results;
  try {
    results = await runCourse({
      chapter: options.chapter,
      keepGoing: options.keepGoing,
      timeoutSeconds: options.timeoutSeconds,
      onEvent: (event) => progress.report(event),
    });
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  } finally {
    progress.stop();
  }
  console.log(`\n${summaryTable(results)}`);
  const failed = results.some((r) => r.status === "failed");
  if (options.site) {
    const root = new URL("../", import.meta.url);
    try {
      const site = await buildSite({
        buildDir: fileURLToPath(new URL("_build", root)),
        siteDir: fileURLToPath(new URL("_site", root)),
      });
      console.log(`\nSite built: ${site.siteDir}/index.html (${site.pages.length} pages)`);
    } catch (error) {
      console.error(`\nThe site could not be built: ${(error as Error).message}`);
      return 1;
    }
  }
  return failed ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
