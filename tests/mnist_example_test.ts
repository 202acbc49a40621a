/**
 * Runs the plain MNIST example, `scripts/mnist.ts`, as a learner would, and checks what it reports:
 * logistic regression reaches 92.0% test accuracy, the 784-256-256-10 MLP 97.8% within ten epochs,
 * and the live-tensor count stays flat from epoch to epoch. The README's table of results must match
 * this run.
 */

import assert from "node:assert/strict";

interface ModelResult {
  model: string;
  epochs: number;
  testAccuracy: number[];
  liveTensors: number[];
}

Deno.test("scripts/mnist.ts: logistic regression ≥ 92.0%, MLP ≥ 97.8% in ≤ 10 epochs, flat memory", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const json = `${dir}/results.json`;
    const script = new URL("../scripts/mnist.ts", import.meta.url).pathname;
    const run = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", script, "--json", json],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decoder = new TextDecoder();
    const output = decoder.decode(run.stdout) + decoder.decode(run.stderr);
    assert.ok(run.success, `scripts/mnist.ts failed:\n${output}`);
    const results: ModelResult[] = JSON.parse(await Deno.readTextFile(json));
    const byName = new Map(results.map((r) => [r.model, r]));

    const logistic = byName.get("logistic");
    assert.ok(logistic, "no logistic-regression result");
    assert.ok(
      logistic.testAccuracy.at(-1)! >= 0.92,
      `logistic regression test accuracy ${logistic.testAccuracy.at(-1)} < 0.920`,
    );

    const mlp = byName.get("mlp");
    assert.ok(mlp, "no MLP result");
    assert.ok(mlp.epochs <= 10, `the MLP trained for ${mlp.epochs} epochs`);
    assert.equal(mlp.testAccuracy.length, mlp.epochs);
    assert.ok(
      mlp.testAccuracy.at(-1)! >= 0.978,
      `MLP test accuracy ${mlp.testAccuracy.at(-1)} < 0.978`,
    );

    for (const r of results) {
      assert.ok(r.liveTensors.length >= 3, `${r.model}: fewer than 3 epochs to compare`);
      assert.deepEqual(
        r.liveTensors,
        r.liveTensors.map(() => r.liveTensors[0]),
        `${r.model}: live tensors at each epoch's end should not grow`,
      );
    }
    // The script's summary and the README's copy of it show these figures.
    const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
    for (const r of results) {
      const shown = (100 * r.testAccuracy.at(-1)!).toFixed(2).replace(".", "\\.") + "%";
      const row = new RegExp(`^${r.model}\\s+${r.epochs}\\s+${shown}\\s+\\d+$`, "m");
      assert.match(output, row, "the script's summary");
      assert.match(readme, row, "README's MNIST table (update it from this run)");
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
