/**
 * Reads what `deno task course` leaves in the build directory: the executed notebooks, the
 * headline metrics and the run record. Every problem names the file and the fix.
 *
 * @module
 */

import { CHAPTERS } from "../chapters.ts";
import type { Notebook } from "../notebook/nbformat.ts";
import type { BenchReport } from "../bench/report.ts";
import { SiteError } from "./site_error.ts";

/** How one chapter's last run went, as the runner records it in `run.json`. */
export interface RunRecord {
  /** Whether every cell ran. */
  readonly status: "ok" | "failed";
  /** Wall-clock seconds the notebook took. */
  readonly seconds: number;
  /** The index of the cell that failed, when one did. */
  readonly failedCell?: number;
}

/** An executed notebook and the file it came from. */
export interface ExecutedNotebook {
  /** Path of the `.ipynb` file. */
  readonly path: string;
  /** Its parsed content. */
  readonly notebook: Notebook;
}

/** Everything the site is built from. */
export interface BuildInputs {
  /** Headline metrics by chapter number (`metrics.json`); empty when the file is absent. */
  readonly metrics: Readonly<Record<string, Record<string, unknown>>>;
  /** Run records by chapter number (`run.json`); empty when the file is absent. */
  readonly runs: Readonly<Record<string, RunRecord>>;
  /** The executed notebooks by chapter number; chapters not yet run are missing. */
  readonly notebooks: ReadonlyMap<number, ExecutedNotebook>;
  /** The last `deno task bench` report (`bench.json`), when there is one. */
  readonly bench?: BenchReport;
}

const RUN_COURSE = "run `deno task course` first: it executes the notebooks and writes them there";

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** The JSON in `path`, or `fallback` when there is no such file. */
async function readJson<T>(path: string, fallback: T): Promise<T> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return fallback;
    throw error;
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new SiteError(
      `${path} is not valid JSON (${(error as Error).message}); rerun \`deno task course\`.`,
      { cause: error },
    );
  }
}

/** Parses and checks one executed notebook, naming the file in any error. */
export function parseNotebook(path: string, text: string): Notebook {
  let notebook: Notebook;
  try {
    notebook = JSON.parse(text);
  } catch (error) {
    throw new SiteError(
      `${path} is not valid notebook JSON (${
        (error as Error).message
      }); rerun \`deno task course\`.`,
      { cause: error },
    );
  }
  if (notebook?.nbformat !== 4 || !Array.isArray(notebook.cells)) {
    throw new SiteError(
      `${path} is not an nbformat 4 notebook (no "nbformat": 4 or no "cells" list); rerun \`deno task course\`.`,
    );
  }
  return notebook;
}

/**
 * Reads the build directory. `notebooksDir` defaults to `<buildDir>/notebooks`. Throws a
 * {@link SiteError} when either directory is missing or a file is corrupt.
 */
export async function readBuildDir(buildDir: string, notebooksDir?: string): Promise<BuildInputs> {
  if (!await exists(buildDir)) {
    throw new SiteError(`No build directory at ${buildDir}: ${RUN_COURSE}.`);
  }
  const dir = notebooksDir ?? `${buildDir}/notebooks`;
  if (!await exists(dir)) {
    throw new SiteError(`No executed notebooks at ${dir}: ${RUN_COURSE}.`);
  }
  const notebooks = new Map<number, ExecutedNotebook>();
  for (const chapter of CHAPTERS) {
    const path = `${dir}/${chapter.file}`;
    if (!await exists(path)) continue;
    notebooks.set(chapter.number, {
      path,
      notebook: parseNotebook(path, await Deno.readTextFile(path)),
    });
  }
  return {
    metrics: await readJson(`${buildDir}/metrics.json`, {}),
    runs: await readJson(`${buildDir}/run.json`, {}),
    notebooks,
    bench: await readJson<BenchReport | undefined>(`${buildDir}/bench.json`, undefined),
  };
}
