/**
 * Runs the course: every chapter's notebook through the real kernel, in order, into the build
 * directory the site is built from:
 *
 * - `notebooks/<file>`: each executed notebook, outputs and timings included;
 * - `metrics.json`: each chapter's merged metrics bundles, keyed by chapter number ("1", "2", …);
 * - `run.json`: how each chapter's run went: `{ status, seconds, failedCell?, error? }`.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { type Chapter, CHAPTERS } from "../chapters.ts";
import { type CellProgress, executeNotebook } from "../notebook/execute.ts";

/** Options for {@link runCourse}. */
export interface CourseOptions {
  /** Where the notebooks are; the repository's `notebooks/` by default. */
  readonly notebooksDir?: string;
  /** Where to write; the repository's `_build/` by default. */
  readonly buildDir?: string;
  /** The chapters; {@link CHAPTERS} by default. */
  readonly chapters?: readonly Chapter[];
  /**
   * Run only this chapter. Its entries in `metrics.json` and `run.json` are replaced and the other
   * chapters' kept; a full run writes both files afresh.
   */
  readonly chapter?: number;
  /** Run the rest of a notebook after a failed cell. */
  readonly keepGoing?: boolean;
  /** The longest one cell may run, in seconds; 600 by default. */
  readonly timeoutSeconds?: number;
  /** Told as chapters start and end and as cells run, for progress displays. */
  readonly onEvent?: (event: CourseEvent) => void;
}

/** Progress of a course run. */
export type CourseEvent =
  | { readonly kind: "chapter"; readonly chapter: Chapter; readonly path: string }
  | { readonly kind: "cell"; readonly chapter: Chapter; readonly cell: CellProgress }
  | { readonly kind: "done"; readonly result: ChapterResult };

/** How one chapter went. */
export interface ChapterResult {
  /** The chapter. */
  readonly chapter: Chapter;
  /** "coming" when its notebook does not exist yet, so it was not run. */
  readonly status: "ok" | "failed" | "coming";
  /** Wall-clock seconds of the run, when it ran. */
  readonly seconds?: number;
  /** Index in the notebook's cells of the first cell that failed. */
  readonly failedCell?: number;
  /** What went wrong, in one line. */
  readonly error?: string;
  /** The chapter's merged metrics, when it ran. */
  readonly metrics?: Record<string, unknown>;
}

/** One chapter's entry in `run.json`. */
interface RunEntry {
  readonly status: "ok" | "failed";
  readonly seconds: number;
  readonly failedCell?: number;
  readonly error?: string;
}

const ROOT = new URL("../../", import.meta.url);

/**
 * Runs the chapters' notebooks one after another (a failed one does not stop the others) and
 * writes the build directory after each, so an interrupted run keeps what it finished. Throws when
 * `chapter` names no chapter, or when an existing `metrics.json` or `run.json` to merge into is
 * corrupt.
 */
export async function runCourse(options: CourseOptions = {}): Promise<ChapterResult[]> {
  const notebooksDir = options.notebooksDir ?? fileURLToPath(new URL("notebooks", ROOT));
  const buildDir = options.buildDir ?? fileURLToPath(new URL("_build", ROOT));
  const all = options.chapters ?? CHAPTERS;
  const chapters = options.chapter === undefined
    ? all
    : all.filter((c) => c.number === options.chapter);
  if (chapters.length === 0) {
    const numbers = all.map((c) => c.number).join(", ");
    throw new Error(`No chapter ${options.chapter}: the chapters are ${numbers}.`);
  }
  await Deno.mkdir(`${buildDir}/notebooks`, { recursive: true });
  const merging = options.chapter !== undefined;
  const metrics = merging ? await readRecord(`${buildDir}/metrics.json`) : {};
  const runs = merging ? await readRecord(`${buildDir}/run.json`) : {};

  const results: ChapterResult[] = [];
  for (const chapter of chapters) {
    const result = await runChapter(chapter, notebooksDir, buildDir, options);
    const key = String(chapter.number);
    if (result.status === "coming") {
      delete metrics[key];
      delete runs[key];
    } else {
      if (result.metrics) metrics[key] = result.metrics;
      else delete metrics[key];
      const { status, seconds = 0, failedCell, error } = result;
      runs[key] = { status, seconds, failedCell, error } satisfies RunEntry;
    }
    // Integer-like keys keep numeric order in JSON objects, so the files list chapters in order.
    await writeJson(`${buildDir}/metrics.json`, metrics);
    await writeJson(`${buildDir}/run.json`, runs);
    results.push(result);
    options.onEvent?.({ kind: "done", result });
  }
  return results;
}

/** Runs one chapter and writes its executed notebook (or removes a stale one). */
async function runChapter(
  chapter: Chapter,
  notebooksDir: string,
  buildDir: string,
  options: CourseOptions,
): Promise<ChapterResult> {
  const source = `${notebooksDir}/${chapter.file}`;
  const target = `${buildDir}/notebooks/${chapter.file}`;
  if (!await exists(source)) {
    // A chapter not written yet must not keep an executed notebook from an earlier run.
    await Deno.remove(target).catch(ignoreNotFound);
    return { chapter, status: "coming" };
  }
  options.onEvent?.({ kind: "chapter", chapter, path: source });
  const started = performance.now();
  try {
    const run = await executeNotebook(source, {
      keepGoing: options.keepGoing,
      timeoutSeconds: options.timeoutSeconds,
      onCell: (cell) => options.onEvent?.({ kind: "cell", chapter, cell }),
    });
    await writeJson(target, run.notebook);
    return {
      chapter,
      status: run.status,
      seconds: run.seconds,
      failedCell: run.failedCell,
      error: run.error,
      metrics: run.metrics,
    };
  } catch (error) {
    // The notebook could not be run at all (corrupt file, no kernel): no executed notebook.
    await Deno.remove(target).catch(ignoreNotFound);
    return {
      chapter,
      status: "failed",
      seconds: Math.round(performance.now() - started) / 1000,
      error: error instanceof Error ? error.message : String(error),
    };
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    ignoreNotFound(error);
    return false;
  }
}

function ignoreNotFound(error: unknown): void {
  if (!(error instanceof Deno.errors.NotFound)) throw error;
}

/** A JSON object file to merge into; empty when missing, an error naming the fix when corrupt. */
async function readRecord(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    ignoreNotFound(error);
    return {};
  }
  try {
    const value = JSON.parse(text);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value;
  } catch {
    // Reported below, with the fix.
  }
  throw new Error(
    `${path} is not a JSON object, so this chapter's results cannot be merged into it. ` +
      `Delete it, or run the whole course (\`deno task course\`) to write it afresh.`,
  );
}

/** Writes JSON as Jupyter does (one-space indent, final newline), so diffs stay small. */
async function writeJson(path: string, value: unknown): Promise<void> {
  await Deno.writeTextFile(path, JSON.stringify(value, null, 1) + "\n");
}
