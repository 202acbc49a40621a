/**
 * The shipped data sets: every folder has its SOURCE.md, and every file that SOURCE.md lists with a
 * sha256 is present and unchanged. The tables are read with the loaders' own parser, so this also
 * pins down what the parser finds in each SOURCE.md.
 */

import assert from "node:assert/strict";
import { parseSourceTable, sha256Hex } from "../lib/data/mod.ts";

const DATA = new URL("../data/", import.meta.url);

/** Per set: files listed with a sha256, and how many of them also list a decompressed sha256. */
const SETS: Record<string, { files: number; decompressed: number }> = {
  babi: { files: 42, decompressed: 0 },
  cifar10: { files: 4, decompressed: 0 },
  mnist: { files: 4, decompressed: 0 },
  sentiment_labelled_sentences: { files: 3, decompressed: 0 },
  tinyshakespeare: { files: 1, decompressed: 1 },
  ud_english_ewt: { files: 4, decompressed: 3 },
  warpeace: { files: 1, decompressed: 1 },
};

for (const [set, expected] of Object.entries(SETS)) {
  Deno.test(`data/${set}: files match the sha256 in SOURCE.md`, async () => {
    const source = await Deno.readTextFile(new URL(`${set}/SOURCE.md`, DATA));
    const files = parseSourceTable(source);
    assert.equal(files.length, expected.files, `data/${set}/SOURCE.md: files listed`);
    assert.equal(
      files.filter((f) => f.decompressed).length,
      expected.decompressed,
      `data/${set}/SOURCE.md: files with a decompressed sha256`,
    );
    for (const { file, bytes, sha256 } of files) {
      const content = await Deno.readFile(new URL(`${set}/${file}`, DATA));
      assert.equal(content.length, bytes, `data/${set}/${file} has the size SOURCE.md lists`);
      assert.equal(
        await sha256Hex(content),
        sha256,
        `data/${set}/${file} does not match its SOURCE.md checksum`,
      );
    }
  });
}

Deno.test("parseSourceTable reads every table layout the SOURCE.md files use", () => {
  const sha = (c: string) => c.repeat(64);
  const entries = parseSourceTable([
    "| file | bytes | sha256 |",
    "|---|---|---|",
    `| plain.txt | 19561 | ${sha("a")} |`,
    `| with-commas.gz | 1,234 | ${sha("b")} | 6bbc9ace898e44ae57da46a324031adb | yes |`,
    `| (decompressed with-commas) | 5,678 | ${sha("c")} |`,
    `| fourth.conllu.gz | 10 | ${sha("d")} | ${sha("e")} (14,203,025 bytes) |`,
    `| LICENSE.txt | 20,014 | ${sha("f")} | |`,
    "| split | sentences | words |",
    "| train | 12,544 | 204,577 |",
  ].join("\n"));
  assert.deepEqual(entries, [
    { file: "plain.txt", bytes: 19561, sha256: sha("a") },
    {
      file: "with-commas.gz",
      bytes: 1234,
      sha256: sha("b"),
      decompressed: { sha256: sha("c"), bytes: 5678 },
    },
    {
      file: "fourth.conllu.gz",
      bytes: 10,
      sha256: sha("d"),
      decompressed: { sha256: sha("e"), bytes: 14203025 },
    },
    { file: "LICENSE.txt", bytes: 20014, sha256: sha("f") },
  ]);
});
