/**
 * The notebooks are committed clean: each is valid nbformat 4 for the Deno kernel, its code cells
 * have no outputs and no execution counts, its cells' sources are arrays of lines, and its file
 * is one of the chapters in `scripts/chapters.ts`. Run the notebooks with `deno task course`; the
 * executed copies go to `_build/`, never back into `notebooks/`.
 */

import assert from "node:assert/strict";
import { chapterOfFile, CHAPTERS } from "../scripts/chapters.ts";

const DIR = new URL("../notebooks/", import.meta.url);

const KERNELSPEC = { name: "deno", display_name: "Deno", language: "typescript" };

/** The notebook files in `notebooks/`, sorted. */
function notebookFiles(): string[] {
  return [...Deno.readDirSync(DIR)]
    .filter((e) => e.isFile && e.name.endsWith(".ipynb"))
    .map((e) => e.name)
    .sort();
}

/** Throws unless `source` is an array of lines, each but the last ending in its one newline. */
function assertLines(source: unknown, where: string): void {
  assert.ok(Array.isArray(source), `${where}: source should be an array of lines`);
  source.forEach((line: unknown, i: number) => {
    assert.equal(typeof line, "string", `${where}: source line ${i + 1} is not a string`);
    const text = line as string;
    const newlines = text.split("\n").length - 1;
    const last = i === source.length - 1;
    assert.ok(
      last ? newlines === 0 || (newlines === 1 && text.endsWith("\n")) : newlines === 1 &&
        text.endsWith("\n"),
      `${where}: source line ${i + 1} should hold one line ending in "\\n": ${
        JSON.stringify(text)
      }`,
    );
  });
}

Deno.test("notebooks: every file in notebooks/ is a chapter", () => {
  const files = notebookFiles();
  assert.ok(files.length > 0, "notebooks/ holds no notebooks");
  const unknown = files.filter((f) => !chapterOfFile(f));
  assert.deepEqual(
    unknown,
    [],
    `not chapters in scripts/chapters.ts: ${unknown.join(", ")}; the chapters are ` +
      CHAPTERS.map((c) => c.file).join(", "),
  );
});

for (const file of notebookFiles()) {
  Deno.test(`notebooks: ${file} is nbformat 4 for the Deno kernel, without outputs`, () => {
    const nb = JSON.parse(Deno.readTextFileSync(new URL(file, DIR)));
    assert.equal(nb.nbformat, 4, `${file}: nbformat`);
    assert.ok(Number.isInteger(nb.nbformat_minor), `${file}: nbformat_minor`);
    assert.deepEqual(nb.metadata?.kernelspec, KERNELSPEC, `${file}: kernelspec`);
    assert.equal(nb.metadata?.language_info?.name, "typescript", `${file}: language_info.name`);
    assert.equal(nb.metadata?.language_info?.file_extension, ".ts", `${file}: file_extension`);
    assert.ok(Array.isArray(nb.cells) && nb.cells.length > 0, `${file}: no cells`);
    const ids = new Set<string>();
    nb.cells.forEach((cell: Record<string, unknown>, i: number) => {
      const where = `${file} cell ${i + 1}`;
      assert.ok(
        ["code", "markdown", "raw"].includes(cell.cell_type as string),
        `${where}: cell_type ${String(cell.cell_type)}`,
      );
      assert.equal(typeof cell.metadata, "object", `${where}: metadata`);
      assertLines(cell.source, where);
      if (nb.nbformat_minor >= 5) {
        // From nbformat 4.5 on, every cell has a unique id.
        const id = cell.id as string;
        assert.match(id ?? "", /^[a-zA-Z0-9_-]{1,64}$/, `${where}: id`);
        assert.ok(!ids.has(id), `${where}: id ${id} is used twice`);
        ids.add(id);
      }
      if (cell.cell_type === "code") {
        assert.deepEqual(cell.outputs, [], `${where}: committed with outputs; clear them`);
        assert.equal(cell.execution_count, null, `${where}: committed with an execution count`);
      }
    });
  });
}
