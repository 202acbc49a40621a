/**
 * Reads a notebook file for execution, with errors that name the file and say what to do.
 *
 * @module
 */

import { NotebookError } from "./errors.ts";
import type { Notebook } from "./nbformat.ts";

/** The notebook in `path`. Throws a `NotebookError` when it is missing or malformed. */
export async function readNotebook(path: string): Promise<Notebook> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    throw new NotebookError(
      `No notebook at ${path}. Check the path; the course's notebooks are in notebooks/ and are ` +
        `listed in scripts/chapters.ts.`,
      { cause: error },
    );
  }
  let notebook: Notebook;
  try {
    notebook = JSON.parse(text);
  } catch (error) {
    throw new NotebookError(
      `${path} is not valid JSON (${(error as Error).message}). Repair it in Jupyter or a text ` +
        `editor, or restore it with \`git checkout -- ${path}\`.`,
      { cause: error },
    );
  }
  if (notebook?.nbformat !== 4 || !Array.isArray(notebook.cells)) {
    throw new NotebookError(
      `${path} is not an nbformat 4 notebook (it needs "nbformat": 4 and a "cells" list). ` +
        `Save it again from Jupyter.`,
    );
  }
  return notebook;
}
