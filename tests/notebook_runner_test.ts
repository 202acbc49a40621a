/**
 * The notebook runner behind `deno task course` (DESIGN.md, decisions 2 and 12), run against the
 * real Deno kernel on the fixture notebooks in `tests/fixtures/notebooks/`: every kind of output
 * in order, live display updates, no output lost to the kernel's early idle, failures, timeouts,
 * a dying kernel, and the build directory the course writes.
 */

import assert from "node:assert/strict";
import { type Chapter } from "../scripts/chapters.ts";
import { parseCourseArgs } from "../scripts/course.ts";
import { type CourseEvent, runCourse } from "../scripts/course/run.ts";
import { headline, summaryTable } from "../scripts/course/summary.ts";
import {
  type CodeCell,
  executeNotebook,
  joinText,
  METRICS_MIME,
  type Notebook,
  NotebookError,
  type NotebookRun,
  type Output,
  stripAnsi,
} from "../scripts/notebook/mod.ts";

const FIXTURES = new URL("./fixtures/notebooks/", import.meta.url);
const fixture = (name: string) => new URL(name, FIXTURES).pathname;

/** A code cell of an executed notebook. */
function code(notebook: Notebook, index: number): CodeCell {
  const cell = notebook.cells[index];
  assert.equal(cell.cell_type, "code", `cell ${index} should be a code cell`);
  return cell as CodeCell;
}

/** An output as plain, comparable data: text joined, ANSI stripped from text/plain. */
function plain(output: Output): Record<string, unknown> {
  switch (output.output_type) {
    case "stream":
      return { stream: output.name, text: joinText(output.text) };
    case "error":
      return { error: output.ename, evalue: output.evalue };
    default: {
      const data = Object.fromEntries(
        Object.entries(output.data).map(([mime, value]) => [
          mime,
          typeof value === "string" || Array.isArray(value) ? stripAnsi(joinText(value)) : value,
        ]),
      );
      return { [output.output_type]: data };
    }
  }
}

function plainOutputs(notebook: Notebook, index: number): Record<string, unknown>[] {
  return code(notebook, index).outputs.map(plain);
}

/** Lines `prefix 0\n` … `prefix n-1\n`. */
function numbered(prefix: string, n: number): string {
  return Array.from({ length: n }, (_, i) => `${prefix} ${i}\n`).join("");
}

Deno.test("runner: every kind of output, in order, with the metrics merged", async () => {
  const run = await executeNotebook(fixture("outputs.ipynb"));
  assert.equal(run.status, "ok", String(run.error));
  const nb = run.notebook;
  assert.equal(nb.cells[0].cell_type, "markdown");
  assert.deepEqual(plainOutputs(nb, 1), [
    // ANSI codes written by a cell stay in the notebook (the site and tests strip them).
    { stream: "stdout", text: "to stdout\nstill stdout\n\x1b[32mgreen\x1b[39m\n" },
    { stream: "stderr", text: "to stderr\n" },
  ]);
  assert.deepEqual(plainOutputs(nb, 2), [
    { display_data: { "text/html": "<b>bold</b>", "text/plain": "bold" } },
    { execute_result: { "image/svg+xml": "<svg></svg>", "text/plain": "a chart" } },
  ]);
  assert.deepEqual(plainOutputs(nb, 3), [{ execute_result: { "text/plain": "42" } }]);
  assert.deepEqual(plainOutputs(nb, 4), [
    {
      display_data: { [METRICS_MIME]: { accuracy: 0.5, epochs: 3 }, "text/plain": "accuracy 0.5" },
    },
  ]);
  assert.deepEqual(plainOutputs(nb, 5), [
    {
      display_data: {
        [METRICS_MIME]: { accuracy: 0.97, loss: 0.08 },
        "text/plain": "accuracy 0.97",
      },
    },
  ]);
  // The empty cell is skipped, as Jupyter clients do.
  assert.equal(code(nb, 6).execution_count, null);
  assert.deepEqual(code(nb, 6).outputs, []);
  assert.deepEqual(run.metrics, { accuracy: 0.97, epochs: 3, loss: 0.08 });

  // Counts, timings and nbformat's saved form (text as lists of lines) are there.
  const result = code(nb, 3).outputs[0];
  assert.ok(result.output_type === "execute_result");
  assert.equal(result.execution_count, 3);
  assert.ok(Array.isArray((code(nb, 1).outputs[0] as { text: unknown }).text));
  for (const index of [1, 2, 3, 4, 5]) {
    const cell = code(nb, index);
    assert.equal(cell.execution_count, index);
    assert.equal(typeof (cell.metadata.fdl as { seconds: unknown }).seconds, "number");
    const timing = cell.metadata.execution as Record<string, string>;
    assert.match(timing["iopub.execute_input"], /^\d{4}-\d\d-\d\dT/);
    // nbformat forbids `transient` in saved outputs.
    for (const output of cell.outputs) assert.ok(!("transient" in output));
  }
  assert.ok(run.seconds > 0);
});

Deno.test("runner: update_display_data rewrites the display in place, across cells", async () => {
  const run = await executeNotebook(fixture("displays.ipynb"));
  assert.equal(run.status, "ok", String(run.error));
  // One display holding the last update (sent from the next cell), then the cell's stream.
  assert.deepEqual(plainOutputs(run.notebook, 0), [
    { display_data: { "text/plain": "done" } },
    { stream: "stdout", text: "trained\n" },
  ]);
  assert.deepEqual(plainOutputs(run.notebook, 1), [
    { execute_result: { "text/plain": '"updated from the next cell"' } },
  ]);
  // clear_output empties the cell; with wait: true, only when the next output comes.
  assert.deepEqual(plainOutputs(run.notebook, 2), [{ stream: "stdout", text: "after wait\n" }]);
});

Deno.test("runner: no output is lost when the kernel goes idle early (20 runs)", async () => {
  const expected = [
    [
      { stream: "stdout", text: numbered("line", 500) },
      { execute_result: { "text/plain": '"end of cell 0"' } },
    ],
    [
      { stream: "stderr", text: numbered("err", 200) },
      { stream: "stdout", text: "last stdout\n" },
    ],
    [{ stream: "stdout", text: numbered("more", 300) + "after the timer\n" }],
    [
      { stream: "stdout", text: "printed by a timer\n" },
      { display_data: { "text/plain": "final display" } },
    ],
    [
      { stream: "stdout", text: "x".repeat(100_000) + "\n" },
      { execute_result: { "text/plain": "2" } },
    ],
  ];
  for (let attempt = 1; attempt <= 20; attempt++) {
    const run = await executeNotebook(fixture("many_lines.ipynb"));
    assert.equal(run.status, "ok", `run ${attempt}: ${run.error}`);
    expected.forEach((outputs, index) => {
      assert.deepEqual(plainOutputs(run.notebook, index), outputs, `run ${attempt}, cell ${index}`);
    });
  }
});

/** The failing fixture's error output, checked. */
function assertFailedAtCell1(run: NotebookRun): void {
  assert.equal(run.status, "failed");
  assert.equal(run.failedCell, 1);
  assert.match(run.error ?? "", /cell 1 \(`function inner\(\) \{`\).*the claim does not hold/);
  assert.deepEqual(plainOutputs(run.notebook, 0), [{ stream: "stdout", text: "before\n" }]);
  const [error] = code(run.notebook, 1).outputs;
  assert.ok(error.output_type === "error");
  assert.equal(error.ename, "Error");
  const traceback = stripAnsi(error.traceback.join("\n"));
  assert.match(traceback, /the claim does not hold/);
  assert.match(traceback, /at inner/);
}

Deno.test("runner: a failing cell stops the notebook, with its traceback", async () => {
  const run = await executeNotebook(fixture("failing.ipynb"));
  assertFailedAtCell1(run);
  assert.equal(code(run.notebook, 2).execution_count, null);
  assert.deepEqual(code(run.notebook, 2).outputs, []);
});

Deno.test("runner: with keepGoing the cells after a failure still run", async () => {
  const run = await executeNotebook(fixture("failing.ipynb"), { keepGoing: true });
  assertFailedAtCell1(run);
  assert.deepEqual(plainOutputs(run.notebook, 2), [{ stream: "stdout", text: "after\n" }]);
});

Deno.test("runner: a cell that never finishes times out", async () => {
  const started = performance.now();
  const run = await executeNotebook(fixture("timeout.ipynb"), { timeoutSeconds: 2 });
  assert.ok(performance.now() - started < 15_000, "the timeout should end the run promptly");
  assert.equal(run.status, "failed");
  assert.equal(run.failedCell, 0);
  assert.match(run.error ?? "", /cell 0 .*timed out after 2 s/);
  assert.deepEqual(plainOutputs(run.notebook, 0), [
    { stream: "stdout", text: "waiting forever\n" },
    { error: "CellTimeout", evalue: "Cell timed out after 2 s" },
  ]);
  assert.deepEqual(code(run.notebook, 1).outputs, []);
});

Deno.test("runner: a kernel that dies is reported with the cell that killed it", async () => {
  const run = await executeNotebook(fixture("dies.ipynb"));
  assert.equal(run.status, "failed");
  assert.equal(run.failedCell, 1);
  assert.match(run.error ?? "", /exited with code 3 during cell 1 \(`Deno\.exit\(3\);/);
  assert.deepEqual(plainOutputs(run.notebook, 0), [{ stream: "stdout", text: "alive\n" }]);
  assert.equal(plainOutputs(run.notebook, 1)[0].error, "KernelDied");
  assert.deepEqual(code(run.notebook, 2).outputs, []);
});

Deno.test("runner: a missing or corrupt notebook is an error naming the file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const missing = `${dir}/nowhere.ipynb`;
    await assert.rejects(executeNotebook(missing), (error: Error) => {
      assert.ok(error instanceof NotebookError);
      assert.match(error.message, /No notebook at .*nowhere\.ipynb/);
      return true;
    });
    const corrupt = `${dir}/corrupt.ipynb`;
    await Deno.writeTextFile(corrupt, '{ "cells": [');
    await assert.rejects(executeNotebook(corrupt), (error: Error) => {
      assert.ok(error instanceof NotebookError);
      assert.match(error.message, /corrupt\.ipynb is not valid JSON.*git checkout/);
      return true;
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("course: runs the chapters into the build directory and merges one chapter", async () => {
  const chapters: Chapter[] = [
    { number: 1, title: "First", summary: "ok", file: "01-first.ipynb" },
    { number: 2, title: "Second", summary: "fails", file: "02-second.ipynb" },
    { number: 3, title: "Third", summary: "not written", file: "03-missing.ipynb" },
  ];
  const buildDir = await Deno.makeTempDir();
  const notebooksDir = fixture("course");
  const readJson = async (name: string) =>
    JSON.parse(await Deno.readTextFile(`${buildDir}/${name}`));
  try {
    const events: CourseEvent[] = [];
    const results = await runCourse({
      notebooksDir,
      buildDir,
      chapters,
      onEvent: (event) => events.push(event),
    });
    assert.deepEqual(results.map((r) => r.status), ["ok", "failed", "coming"]);
    assert.deepEqual(await readJson("metrics.json"), {
      "1": { accuracy: 0.95, steps: 10 },
      "2": { loss: 0.1 },
    });
    const runs = await readJson("run.json");
    assert.deepEqual(Object.keys(runs), ["1", "2"]);
    assert.equal(runs["1"].status, "ok");
    assert.equal(typeof runs["1"].seconds, "number");
    assert.equal(runs["2"].status, "failed");
    assert.equal(runs["2"].failedCell, 1);
    assert.match(runs["2"].error, /second fails/);
    const executed: Notebook = await readJson("notebooks/01-first.ipynb");
    assert.equal(code(executed, 1).outputs.length, 1);
    await Deno.stat(`${buildDir}/notebooks/02-second.ipynb`);
    await assert.rejects(Deno.stat(`${buildDir}/notebooks/03-missing.ipynb`));
    assert.deepEqual(
      events.filter((e) => e.kind === "cell" && e.cell.phase === "start").map((e) =>
        e.kind === "cell" && `${e.chapter.number}:${e.cell.ordinal}/${e.cell.total}`
      ),
      ["1:1/2", "1:2/2", "2:1/2", "2:2/2"],
    );

    // One chapter again: its entries are replaced, the others kept.
    runs["1"].seconds = -1;
    await Deno.writeTextFile(`${buildDir}/run.json`, JSON.stringify(runs));
    const [again] = await runCourse({ notebooksDir, buildDir, chapters, chapter: 1 });
    assert.equal(again.status, "ok");
    const merged = await readJson("run.json");
    assert.deepEqual(Object.keys(merged), ["1", "2"]);
    assert.ok(merged["1"].seconds > 0);
    assert.equal(merged["2"].failedCell, 1);
    assert.deepEqual(Object.keys(await readJson("metrics.json")), ["1", "2"]);
    await assert.rejects(
      runCourse({ notebooksDir, buildDir, chapters, chapter: 9 }),
      /No chapter 9/,
    );
  } finally {
    await Deno.remove(buildDir, { recursive: true });
  }
});

Deno.test("course: the summary shows headline metrics and why a chapter failed", () => {
  assert.equal(
    headline({ accuracy: 0.987654, steps: 10, curve: [1, 2], name: "mlp", extra: 1 }),
    "accuracy=0.9877 steps=10 name=mlp",
  );
  const chapter = (number: number): Chapter => ({
    number,
    title: `Chapter ${number}`,
    summary: "",
    file: `0${number}-x.ipynb`,
  });
  const table = summaryTable([
    { chapter: chapter(1), status: "ok", seconds: 12.34, metrics: { loss: 0.5 } },
    { chapter: chapter(2), status: "failed", seconds: 3, error: "cell 4 (`x`) failed: Error: no" },
    { chapter: chapter(3), status: "coming" },
  ]);
  assert.match(table, /^ 1 {2}Chapter 1 +12\.3 {2}ok +loss=0\.5$/m);
  assert.match(table, /^ 3 {2}Chapter 3 +– {2}coming$/m);
  assert.match(table, /Chapter 2 \(02-x\.ipynb\) failed: cell 4 \(`x`\) failed: Error: no/);
});

Deno.test("course: command-line flags", () => {
  assert.deepEqual(parseCourseArgs(["--chapter", "3", "--keep-going", "--timeout", "90"]), {
    chapter: 3,
    keepGoing: true,
    timeoutSeconds: 90,
    site: true,
    help: false,
  });
  assert.equal(parseCourseArgs(["--no-site"]).site, false);
  assert.throws(() => parseCourseArgs(["--chapter", "two"]), /--chapter needs a positive integer/);
  assert.throws(() => parseCourseArgs(["--bogus"]), /Usage: deno task course/);
});
