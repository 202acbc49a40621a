/**
 * Type-checks the notebooks' code. Each notebook's code cells, joined in order, become one
 * temporary module, `_build/nbcheck-<notebook>.ts`: `_build/` is git-ignored and sits one level
 * below the root like `notebooks/`, so the cells' relative imports (`../lib/mod.ts`) resolve as
 * they do in the kernel, which runs in `notebooks/`. One `deno check` checks them all, and a
 * failure lists the type errors with their notebook, cell and line. The modules are removed
 * afterwards.
 *
 * What the kernel allows and a module does not: a later cell may redeclare a top-level `const`,
 * `let`, `class` or `function` of an earlier cell. Notebooks must use each top-level name once;
 * a redeclaration fails here (TS2451 or TS2393) at the cell that repeats it. A cell's last bare
 * expression, which the kernel displays, is an ordinary expression statement in a module, and
 * `Deno.jupyter` is in Deno's default types.
 */

import assert from "node:assert/strict";
import { joinText, type Notebook } from "../scripts/notebook/nbformat.ts";

const ROOT = new URL("../", import.meta.url);
const NOTEBOOKS = new URL("notebooks/", ROOT);
const BUILD = new URL("_build/", ROOT);

/** A notebook's code as one module, and where each of its lines came from. */
interface Extracted {
  /** The notebook's file name. */
  readonly notebook: string;
  /** The module's path relative to the root. */
  readonly path: string;
  readonly code: string;
  /** For line i + 1 of the module: the cell (1-based, among all cells) and line in the cell. */
  readonly origin: readonly ({ cell: number; line: number } | null)[];
}

/** Joins the code cells of `notebook` into one module, one comment line before each cell. */
function extract(notebook: string): Extracted {
  const nb: Notebook = JSON.parse(Deno.readTextFileSync(new URL(notebook, NOTEBOOKS)));
  const lines: string[] = [`// The code cells of notebooks/${notebook}, for deno check.`];
  const origin: ({ cell: number; line: number } | null)[] = [null];
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== "code") return;
    lines.push(`// cell ${i + 1}`);
    origin.push(null);
    joinText(cell.source).split("\n").forEach((text, j) => {
      lines.push(text);
      origin.push({ cell: i + 1, line: j + 1 });
    });
  });
  // A notebook without imports would otherwise be a script sharing globals with the others.
  lines.push("export {};");
  origin.push(null);
  const path = `_build/nbcheck-${notebook.replace(/\.ipynb$/, "")}.ts`;
  return { notebook, path, code: lines.join("\n") + "\n", origin };
}

/** `deno check`'s output with each module position turned into notebook, cell and line. */
function mapPositions(output: string, modules: readonly Extracted[]): string {
  return output.replace(
    /file:\/\/\S*?(_build\/nbcheck-[^:\s]+\.ts):(\d+):(\d+)/g,
    (all, path, l, c) => {
      const module = modules.find((m) => m.path === path);
      const where = module?.origin[Number(l) - 1];
      return module && where
        ? `notebooks/${module.notebook}, cell ${where.cell}, line ${where.line}:${c}`
        : all;
    },
  );
}

Deno.test("notebooks: the code cells type-check", async () => {
  const notebooks = [...Deno.readDirSync(NOTEBOOKS)]
    .filter((e) => e.isFile && e.name.endsWith(".ipynb"))
    .map((e) => e.name)
    .sort();
  assert.ok(notebooks.length > 0, "notebooks/ holds no notebooks");
  const modules = notebooks.map(extract);
  Deno.mkdirSync(BUILD, { recursive: true });
  try {
    for (const m of modules) Deno.writeTextFileSync(new URL(m.path, ROOT), m.code);
    const { success, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["check", "--quiet", ...modules.map((m) => m.path)],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const output = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
    assert.ok(success, `deno check failed on the notebooks:\n${mapPositions(output, modules)}`);
  } finally {
    for (const m of modules) Deno.removeSync(new URL(m.path, ROOT), { recursive: true });
  }
});
