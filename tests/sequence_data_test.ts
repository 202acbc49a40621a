/**
 * lib/sequence's data side: the token vocabulary, padding with masks, length-bucketed batches,
 * token windows and the generated date task, with their errors.
 */

import assert from "node:assert/strict";
import {
  assertThrowsWith,
  DATE_YEARS,
  lengthBatches,
  padSequences,
  randomDates,
  Rng,
  TokenVocab,
  tokenWindows,
} from "../lib/mod.ts";

Deno.test("TokenVocab: <pad> and <unk> first, then tokens by falling count, ties in order", () => {
  const vocab = TokenVocab.fromTokens("b a c a b a d".split(" "));
  assert.deepEqual(vocab.tokens, ["<pad>", "<unk>", "a", "b", "c", "d"]);
  assert.equal(vocab.size, 6);
  assert.equal(vocab.padId, 0);
  assert.equal(vocab.unkId, 1);
  assert.deepEqual(Array.from(vocab.encode(["a", "zebra", "d"])), [2, 1, 5]);
  assert.deepEqual(vocab.decode([3, 0, 1]), ["b", "<pad>", "<unk>"]);
  assert.equal(vocab.has("c"), true);
  assert.equal(vocab.has("zebra"), false);
  assert.equal(vocab.id("zebra"), vocab.unkId);
});

Deno.test("TokenVocab: minCount and maxSize drop rare tokens, which become <unk>", () => {
  const tokens = "a a a b b c".split(" ");
  assert.deepEqual(TokenVocab.fromTokens(tokens, { minCount: 2 }).tokens, [
    "<pad>",
    "<unk>",
    "a",
    "b",
  ]);
  assert.deepEqual(TokenVocab.fromTokens(tokens, { maxSize: 1 }).tokens, ["<pad>", "<unk>", "a"]);
  // The special tokens in a corpus are not counted as ordinary tokens.
  assert.equal(TokenVocab.fromTokens(["<pad>", "x", "<unk>"]).size, 3);
});

Deno.test("TokenVocab: bad input is a clear error", () => {
  assertThrowsWith(() => new TokenVocab(["a", "a"]), '"a" appears twice');
  assertThrowsWith(() => new TokenVocab(["<unk>"]), "reserved");
  assertThrowsWith(() => TokenVocab.fromTokens(["a"], { minCount: 0 }), "minCount");
  assertThrowsWith(() => TokenVocab.fromTokens(["a"], { maxSize: -1 }), "maxSize");
  assertThrowsWith(() => new TokenVocab(["a"]).decode([3]), "id 3 is outside 0…2");
});

Deno.test("padSequences pads at the end and masks the real positions", () => {
  const { values, mask, lengths } = padSequences([[5, 6, 7], [8], [9, 10]]);
  assert.deepEqual(values.toArray(), [[5, 6, 7], [8, 0, 0], [9, 10, 0]]);
  assert.equal(values.dtype, "int32");
  assert.deepEqual(mask.toArray(), [[1, 1, 1], [1, 0, 0], [1, 1, 0]]);
  assert.equal(mask.dtype, "float32");
  assert.deepEqual(lengths, [3, 1, 2]);
  const longer = padSequences([Int32Array.of(1)], { length: 3, padValue: -1 });
  assert.deepEqual(longer.values.toArray(), [[1, -1, -1]]);
});

Deno.test("padSequences: several numbers per token give [B, T, features]", () => {
  const { values, mask, lengths } = padSequences([[1, 2, 3, 4], [5, 6]], { features: 2 });
  assert.deepEqual(values.shape, [2, 2, 2]);
  assert.deepEqual(values.toArray(), [[[1, 2], [3, 4]], [[5, 6], [0, 0]]]);
  assert.deepEqual(mask.toArray(), [[1, 1], [1, 0]]);
  assert.deepEqual(lengths, [2, 1]);
});

Deno.test("padSequences: bad input is a clear error", () => {
  assertThrowsWith(() => padSequences([]), "non-empty array");
  assertThrowsWith(() => padSequences([[], []]), "every sequence is empty");
  assertThrowsWith(() => padSequences([[1, 2, 3]], { length: 2 }), "shorter than the longest");
  assertThrowsWith(() => padSequences([[1, 2.5]]), "holds 2.5 at 1");
  assertThrowsWith(() => padSequences([[1, 2, 3]], { features: 2 }), "not a multiple of 2");
  assertThrowsWith(() => padSequences([[1]], { padValue: 0.5 }), "padValue");
});

Deno.test("lengthBatches: every index once, in batches of similar length", () => {
  const rng = new Rng(3);
  const lengths = Array.from({ length: 103 }, () => 1 + rng.int(40));
  const batches = lengthBatches(lengths, 10, { rng: new Rng(1) });
  assert.equal(batches.length, 11);
  assert.deepEqual(batches.flat().sort((a, b) => a - b), lengths.map((_, i) => i));
  // Sorted by length before cutting: no two batches overlap in length range.
  const ranges = batches.map((b) => b.map((i) => lengths[i]))
    .map((ls) => [Math.min(...ls), Math.max(...ls)])
    .sort((a, b) => a[0] - b[0]);
  ranges.slice(1).forEach(([low], k) => assert.ok(low >= ranges[k][1]));
  // Seeded: the same generator state gives the same batches.
  assert.deepEqual(lengthBatches(lengths, 10, { rng: new Rng(1) }), batches);
  // Unshuffled: shortest first, in index order among equal lengths.
  const ordered = lengthBatches([3, 1, 2, 1], 2, { shuffle: false });
  assert.deepEqual(ordered, [[1, 3], [2, 0]]);
});

Deno.test("lengthBatches: maxTokens bounds each batch's padded size", () => {
  const lengths = [2, 2, 2, 2, 10, 10, 10, 30];
  const batches = lengthBatches(lengths, 4, { shuffle: false, maxTokens: 20 });
  assert.deepEqual(batches, [[0, 1, 2, 3], [4, 5], [6], [7]]);
  for (const b of batches.slice(0, 3)) {
    assert.ok(b.length * Math.max(...b.map((i) => lengths[i])) <= 20);
  }
  assertThrowsWith(() => lengthBatches([1], 0), "batchSize");
  assertThrowsWith(() => lengthBatches([1], 2, { maxTokens: 0 }), "maxTokens");
  assertThrowsWith(() => lengthBatches([1, -2], 2), "length -2 at 1");
});

Deno.test("tokenWindows: a window around every token, padded beyond the ends", () => {
  const { data, shape } = tokenWindows([[5, 6, 7], [8]], 1);
  assert.deepEqual(shape, [4, 3]);
  assert.deepEqual(Array.from(data), [0, 5, 6, 5, 6, 7, 6, 7, 0, 0, 8, 0]);
  const two = tokenWindows([[1, 2, 3, 4]], 1, { features: 2, padValue: 9 });
  assert.deepEqual(two.shape, [2, 3, 2]);
  assert.deepEqual(Array.from(two.data), [9, 9, 1, 2, 3, 4, 1, 2, 3, 4, 9, 9]);
  assert.deepEqual(Array.from(tokenWindows([[4, 5]], 0).data), [4, 5]);
  assertThrowsWith(() => tokenWindows([[1]], -1), "radius");
  assertThrowsWith(() => tokenWindows([[1, 2, 3]], 1, { features: 2 }), "not a multiple of 2");
  assertThrowsWith(() => tokenWindows([[1]], 1, { padValue: 0.5 }), "padValue");
});

const MONTHS = [
  "jan",
  "feb",
  "mar",
  "apr",
  "may",
  "jun",
  "jul",
  "aug",
  "sep",
  "oct",
  "nov",
  "dec",
];

/** Reads a written date back independently of the generator: [year, month, day]. */
function parseWritten(written: string): [number, number, number] {
  const text = written.toLowerCase();
  const numeric = text.match(/^(\d{1,2})[./](\d{1,2})[./](\d{2}|\d{4})$/);
  const century = (y: string) =>
    y.length === 4 ? Number(y) : Number(y) + (Number(y) >= 50 ? 1900 : 2000);
  if (numeric) return [century(numeric[3]), Number(numeric[2]), Number(numeric[1])];
  const month = MONTHS.findIndex((m) => new RegExp(`\\b${m}`).test(text)) + 1;
  // Two numbers: the year (the four-digit one, else the last) and the day (the other).
  const numbers = [...text.matchAll(/\d+/g)].map((m) => m[0]);
  const four = numbers.findIndex((n) => n.length === 4);
  const yearAt = four >= 0 ? four : numbers.length - 1;
  return [century(numbers[yearAt]), month, Number(numbers[1 - yearAt])];
}

Deno.test("randomDates: every written form names the same date as its ISO form", () => {
  const dates = randomDates(400, new Rng(5));
  for (const { written, iso } of dates) {
    const [year, month, day] = parseWritten(written);
    const expected = `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
    assert.equal(iso, expected, `"${written}"`);
    assert.ok(year >= DATE_YEARS[0] && year <= DATE_YEARS[1]);
  }
  // Many formats, and repeatable from the seed.
  assert.ok(new Set(dates.map((d) => d.written.replace(/\d/g, "9").slice(0, 4))).size > 8);
  assert.deepEqual(randomDates(5, new Rng(5)), dates.slice(0, 5));
  assert.deepEqual(randomDates(0), []);
  assertThrowsWith(() => randomDates(-1), "count");
});
