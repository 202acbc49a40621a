/**
 * A notebook switches backends with one call: the fixture `backend_switch.ipynb` trains a small
 * network with `await setBackend("cpu")` in its first cell; the same notebook with that one call
 * changed to "webgpu" runs through the real kernel and records the same numbers, within float32
 * tolerance.
 */

import assert from "node:assert/strict";
import { assertClose } from "../../lib/mod.ts";
import { executeNotebook, joinText, type Notebook } from "../../scripts/notebook/mod.ts";

const FIXTURE = new URL("../fixtures/notebooks/backend_switch.ipynb", import.meta.url).pathname;
const ON_CPU = 'await setBackend("cpu");';

/** The text every code cell printed, joined. */
function printed(notebook: Notebook): string {
  return notebook.cells.flatMap((cell) =>
    cell.cell_type === "code"
      ? cell.outputs.flatMap((o) => o.output_type === "stream" ? [joinText(o.text)] : [])
      : []
  ).join("");
}

Deno.test("webgpu: a notebook moves to the GPU with one call and records the same numbers", async () => {
  const notebook: Notebook = JSON.parse(await Deno.readTextFile(FIXTURE));
  const code = notebook.cells.map((c) => c.cell_type === "code" ? joinText(c.source) : "").join("");
  assert.equal(code.split("setBackend(").length, 2, "one call in the notebook names a backend");
  assert.ok(code.includes(ON_CPU));
  const switched = {
    ...notebook,
    cells: notebook.cells.map((cell) => ({
      ...cell,
      source: joinText(cell.source).replace(ON_CPU, 'await setBackend("webgpu");'),
    })),
  };
  // The copy sits next to the fixture, so its relative import of the library still resolves.
  const copy = FIXTURE.replace(/\.ipynb$/, `.${crypto.randomUUID()}.ipynb`);
  await Deno.writeTextFile(copy, JSON.stringify(switched));
  try {
    const cpu = await executeNotebook(FIXTURE);
    const gpu = await executeNotebook(copy);
    assert.equal(cpu.status, "ok", String(cpu.error));
    assert.equal(gpu.status, "ok", String(gpu.error));
    assert.match(printed(cpu.notebook), /^cpu: loss/m);
    assert.match(printed(gpu.notebook), /^webgpu: loss/m);
    const names = Object.keys(cpu.metrics).sort();
    assert.deepEqual(Object.keys(gpu.metrics).sort(), names);
    assert.ok((cpu.metrics.final_accuracy as number) > 0.9, "the network learned the spirals");
    assertClose(
      names.map((n) => gpu.metrics[n] as number),
      names.map((n) => cpu.metrics[n] as number),
      { rtol: 1e-3, atol: 1e-4, message: `metrics ${names.join(", ")}` },
    );
  } finally {
    await Deno.remove(copy);
  }
});
