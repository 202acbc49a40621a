/**
 * The shipped data sets: every folder has its SOURCE.md, and every file that SOURCE.md lists with a
 * sha256 is present and unchanged.
 */

import assert from "node:assert/strict";

const DATA = new URL("../data/", import.meta.url);
const SETS = [
  "babi",
  "cifar10",
  "mnist",
  "sentiment_labelled_sentences",
  "tinyshakespeare",
  "ud_english_ewt",
  "warpeace",
];

/** Rows of SOURCE.md tables that name a file, its size and its sha256: `| file | bytes | sha256 |`. */
function listedFiles(source: string): { file: string; sha256: string }[] {
  const rows: { file: string; sha256: string }[] = [];
  for (const line of source.split("\n")) {
    const m = line.match(/^\|\s*([^|(\s][^|]*?)\s*\|\s*[\d,]+\s*\|\s*([0-9a-f]{64})\s*\|/);
    if (m) rows.push({ file: m[1], sha256: m[2] });
  }
  return rows;
}

async function sha256(path: URL): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

for (const set of SETS) {
  Deno.test(`data/${set}: files match the sha256 in SOURCE.md`, async () => {
    const source = await Deno.readTextFile(new URL(`${set}/SOURCE.md`, DATA));
    const files = listedFiles(source);
    assert.ok(files.length > 0, `data/${set}/SOURCE.md lists no file with a sha256`);
    for (const { file, sha256: expected } of files) {
      const actual = await sha256(new URL(`${set}/${file}`, DATA));
      assert.equal(actual, expected, `data/${set}/${file} does not match its SOURCE.md checksum`);
    }
  });
}
