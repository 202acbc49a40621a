/**
 * The README's logistic-regression example runs as a learner would run it, prints a falling loss,
 * and prints exactly the output the README shows.
 */

import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);

/** The fenced blocks of a given language in a markdown text, in order. */
function fencedBlocks(markdown: string, language: string): string[] {
  const blocks: string[] = [];
  const pattern = new RegExp("```" + language + "\\n([\\s\\S]*?)```", "g");
  for (const m of markdown.matchAll(pattern)) blocks.push(m[1]);
  return blocks;
}

Deno.test("README: the logistic regression example prints the falling loss it shows", async () => {
  const readme = await Deno.readTextFile(new URL("README.md", ROOT));
  const code = fencedBlocks(readme, "ts").find((b) => b.includes("binaryCrossEntropyWithLogits"));
  assert.ok(code, "README has no logistic regression example");
  const shown = fencedBlocks(readme, "text").find((b) => b.startsWith("step 0:"));
  assert.ok(shown, "README does not show the example's output");

  // Run it from a file in the repository root, as the README says, and remove it afterwards.
  const file = new URL(`readme_example_${crypto.randomUUID()}.ts`, ROOT);
  await Deno.writeTextFile(file, code);
  let output;
  try {
    output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", "--allow-read", file.pathname],
      env: { NO_COLOR: "1" },
    }).output();
  } finally {
    await Deno.remove(file);
  }
  const stdout = new TextDecoder().decode(output.stdout);
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));

  const losses = [...stdout.matchAll(/loss (\d+\.\d+)/g)].map((m) => Number(m[1]));
  assert.ok(losses.length >= 5, `expected a loss every 10 steps, got: ${stdout}`);
  for (let i = 1; i < losses.length; i++) {
    assert.ok(losses[i] < losses[i - 1], `loss rose from ${losses[i - 1]} to ${losses[i]}`);
  }
  assert.ok(losses.at(-1)! < losses[0] / 2, `loss fell only from ${losses[0]} to ${losses.at(-1)}`);
  assert.equal(
    stdout.trim(),
    shown.trim(),
    "the README shows different output than the example prints",
  );
});
