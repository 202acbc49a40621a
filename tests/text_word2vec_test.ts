/**
 * The word-model pieces of lib/text: tokenizing, the word vocabulary, subsampling of frequent
 * words, skip-gram pairs and the unigram^¾ negative sampler. Each is checked on small inputs whose
 * answer is known, and bad input gives an error that says what is wrong.
 */

import assert from "node:assert/strict";
import {
  keepProbabilities,
  Rng,
  SkipGramBatches,
  type SkipGramPairs,
  skipGramPairs,
  subsampleFrequent,
  tokenizeWords,
  UnigramSampler,
  WordVocab,
} from "../lib/mod.ts";

Deno.test("tokenizeWords: lower-cased words, contractions kept whole, punctuation dropped", () => {
  assert.deepEqual(
    tokenizeWords("\"Well, Prince, so Genoa--don't you 'faithful slave,' 1805!"),
    ["well", "prince", "so", "genoa", "don't", "you", "faithful", "slave"],
  );
  assert.deepEqual(tokenizeWords("Don’t Café"), ["don't", "café"]);
  assert.deepEqual(tokenizeWords("  ... 42 "), []);
  assert.throws(() => tokenizeWords(42 as unknown as string), /tokenizeWords: expected a string/);
});

Deno.test("WordVocab: ids by falling count, ties alphabetical; encode and decode", () => {
  const tokens = "b a c a b a d".split(" ");
  const vocab = WordVocab.fromTokens(tokens);
  assert.deepEqual(vocab.words, ["a", "b", "c", "d"]);
  assert.deepEqual(Array.from(vocab.counts), [3, 2, 1, 1]);
  assert.equal(vocab.size, 4);
  assert.equal(vocab.totalCount, 7);
  assert.deepEqual(Array.from(vocab.encode(["d", "a"])), [3, 0]);
  assert.deepEqual(vocab.decode([1, 2]), ["b", "c"]);
  assert.equal(vocab.id("c"), 2);
  assert.ok(vocab.has("a") && !vocab.has("z"));

  const common = WordVocab.fromTokens(tokens, { minCount: 2 });
  assert.deepEqual(common.words, ["a", "b"]);
  assert.deepEqual(Array.from(common.encode(tokens, { dropUnknown: true })), [1, 0, 0, 1, 0]);
  assert.deepEqual(WordVocab.fromTokens(tokens, { maxSize: 3 }).words, ["a", "b", "c"]);
});

Deno.test("WordVocab: bad input is refused with the reason", () => {
  const vocab = WordVocab.fromTokens(["a", "b"]);
  assert.throws(() => vocab.encode(["a", "zebra"]), /"zebra" at position 1 .* dropUnknown/);
  assert.throws(() => vocab.id("zebra"), /"zebra" is not among the vocabulary's 2 words/);
  assert.throws(() => vocab.decode([2]), /id 2 is outside 0…1/);
  assert.throws(() => WordVocab.fromTokens(["a"], { minCount: 0 }), /minCount must be a whole/);
  assert.throws(() => WordVocab.fromTokens(["a"], { maxSize: 1.5 }), /maxSize must be a whole/);
  assert.throws(() => WordVocab.fromTokens("a b" as unknown as string[]), /must be an array/);
  assert.throws(() => WordVocab.fromTokens([1] as unknown as string[]), /every token must be/);
  assert.throws(() => new WordVocab(["a", "a"], [1, 2]), /"a" is listed twice/);
  assert.throws(() => new WordVocab(["a"], [1, 2]), /1 words but 2 counts/);
  assert.throws(() => new WordVocab(["a"], [0]), /count of "a" must be a whole number ≥ 1/);
});

Deno.test("subsampling keeps rare words and thins frequent ones at the word2vec rate", () => {
  // Word 0 is 90% of the text, word 1 about 1%: at t = 10⁻³ word 0 keeps √(t/f) + t/f ≈ 3.4%.
  const counts = [9000, 100, 900];
  const keep = keepProbabilities(counts, 1e-3);
  const f0 = 0.9;
  assert.ok(Math.abs(keep[0] - (Math.sqrt(1e-3 / f0) + 1e-3 / f0)) < 1e-12);
  assert.ok(keep[1] < 1 && keep[1] > keep[2] && keep[2] > keep[0]);
  assert.equal(keepProbabilities([10, 0], 1)[1], 1);

  const ids = new Int32Array(10000);
  for (let i = 0; i < 10000; i++) ids[i] = i % 100 === 0 ? 1 : i % 10 === 0 ? 2 : 0;
  const kept = subsampleFrequent(ids, counts, 1e-3, new Rng(1));
  const share = (id: number) =>
    kept.filter((k) => k === id).length / ids.filter((k) => k === id).length;
  assert.ok(Math.abs(share(0) - keep[0]) < 0.01, `word 0 kept ${share(0)}, expected ${keep[0]}`);
  assert.ok(Math.abs(share(2) - keep[2]) < 0.05, `word 2 kept ${share(2)}, expected ${keep[2]}`);
  // The same seed gives the same tokens; a huge threshold keeps everything.
  assert.deepEqual(subsampleFrequent(ids, counts, 1e-3, new Rng(1)), kept);
  assert.equal(subsampleFrequent(ids, counts, 1).length, ids.length);

  assert.throws(() => subsampleFrequent(Int32Array.of(3), counts, 1e-3), /id 3 at position 0/);
  assert.throws(() => keepProbabilities(counts, 0), /threshold must be a positive number/);
  assert.throws(() => keepProbabilities([1.5], 1e-3), /count 0 must be a whole number/);
});

Deno.test("skipGramPairs: each word with its neighbours within a random radius", () => {
  const ids = Int32Array.of(10, 11, 12, 13, 14);
  // Radius 1 everywhere: each word with the words next to it.
  const { centers, contexts } = skipGramPairs(ids, 1, new Rng(0));
  const pairs = Array.from(centers, (c, k) => `${c}-${contexts[k]}`);
  assert.deepEqual(pairs, [
    "10-11",
    "11-10",
    "11-12",
    "12-11",
    "12-13",
    "13-12",
    "13-14",
    "14-13",
  ]);

  // With window 3, a neighbour at distance d is used with probability (3 − d + 1) / 3.
  const long = Int32Array.from({ length: 30000 }, (_, i) => i);
  const wide = skipGramPairs(long, 3, new Rng(2));
  const byDistance = [0, 0, 0, 0];
  wide.centers.forEach((c, k) => byDistance[Math.abs(c - wide.contexts[k])]++);
  assert.equal(byDistance[0], 0);
  for (const d of [1, 2, 3]) {
    const rate = byDistance[d] / (2 * long.length);
    assert.ok(Math.abs(rate - (4 - d) / 3) < 0.02, `distance ${d}: rate ${rate}`);
  }

  assert.throws(() => skipGramPairs([1, 2] as unknown as Int32Array, 2), /must be an Int32Array/);
  assert.throws(() => skipGramPairs(ids, 0), /window must be a whole number ≥ 1, got 0/);
});

Deno.test("UnigramSampler: draws in proportion to count^0.75", () => {
  const counts = [81, 16, 1, 0];
  const sampler = new UnigramSampler(counts);
  // 81^¾ = 27, 16^¾ = 8, 1^¾ = 1: probabilities 27/36, 8/36, 1/36 and 0.
  assert.deepEqual(
    Array.from(sampler.probabilities, (p) => Math.round(p * 36 * 1e9) / 1e9),
    [27, 8, 1, 0],
  );
  const draws = sampler.sample(200000, new Rng(5));
  const freq = [0, 0, 0, 0];
  for (const d of draws) freq[d]++;
  assert.equal(freq[3], 0, "a word that never occurs is never drawn");
  for (let i = 0; i < 3; i++) {
    const observed = freq[i] / draws.length;
    assert.ok(Math.abs(observed - sampler.probabilities[i]) < 0.005, `id ${i}: ${observed}`);
  }
  assert.deepEqual(sampler.sample(10, new Rng(5)), draws.slice(0, 10));
  assert.deepEqual(Array.from(new UnigramSampler([2, 2], 1).probabilities), [0.5, 0.5]);

  assert.throws(() => new UnigramSampler([]), /counts is empty/);
  assert.throws(() => new UnigramSampler([0, 0]), /every count is 0/);
  assert.throws(() => new UnigramSampler([1, -1]), /count 1 must be a finite number ≥ 0/);
  assert.throws(() => new UnigramSampler([1], NaN), /power must be a finite number/);
  assert.throws(() => sampler.sample(-1), /n must be a whole number ≥ 0/);
});

Deno.test("SkipGramBatches: every pair once per epoch, with K negatives and their labels", () => {
  const pairs = { centers: Int32Array.of(0, 1, 2, 3, 4), contexts: Int32Array.of(5, 6, 7, 8, 9) };
  // A sampler that can only draw word 9.
  const sampler = new UnigramSampler([0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  const batches = new SkipGramBatches(pairs, sampler, { batchSize: 2, negatives: 3, seed: 1 });
  assert.equal(batches.length, 3);
  assert.equal(batches.pairs, 5);
  const epoch = () =>
    [...batches].map(({ x, y }) => {
      const rows = x.toArray() as number[][];
      assert.equal(x.dtype, "int32");
      assert.deepEqual(y.toArray(), rows.map(() => [1, 0, 0, 0]));
      rows.forEach((r) => assert.deepEqual(r.slice(1), [r[0] + 5, 9, 9, 9]));
      return rows.map((r) => r[0]);
    });
  const first = epoch(), second = epoch();
  assert.deepEqual(first.map((b) => b.length), [2, 2, 1]);
  assert.deepEqual(first.flat().sort(), [0, 1, 2, 3, 4]);
  assert.notDeepEqual(first.flat(), second.flat(), "a new order every epoch");
  // The same seed repeats the run.
  const again = new SkipGramBatches(pairs, sampler, { batchSize: 2, negatives: 3, seed: 1 });
  assert.deepEqual(
    [...again].map(({ x }) => x.toArray()),
    [
      ...new SkipGramBatches(pairs, sampler, {
        batchSize: 2,
        negatives: 3,
        seed: 1,
      }),
    ].map(({ x }) => x.toArray()),
  );
  assert.equal(new SkipGramBatches(pairs, sampler, { batchSize: 8 }).negatives, 5);
});

Deno.test("SkipGramBatches: bad input is refused with the reason", () => {
  const sampler = new UnigramSampler([1, 1, 1]);
  const pairs: SkipGramPairs = { centers: Int32Array.of(0, 1), contexts: Int32Array.of(2, 1) };
  const make = (p: SkipGramPairs, options = { batchSize: 2 }) =>
    new SkipGramBatches(p, sampler, options);
  assert.throws(
    () => make({ centers: new Int32Array(0), contexts: new Int32Array(0) }),
    /pairs must be non-empty/,
  );
  assert.throws(() => make({ ...pairs, contexts: Int32Array.of(1) }), /2 centres and 1 contexts/);
  assert.throws(
    () => make({ ...pairs, contexts: Int32Array.of(2, 3) }),
    /contexts\[1\] is 3, outside the sampler's ids 0…2/,
  );
  assert.throws(() => make(pairs, { batchSize: 0 }), /batchSize must be a whole number ≥ 1/);
  assert.throws(
    () => new SkipGramBatches(pairs, sampler, { batchSize: 2, negatives: 1.5 }),
    /negatives must be a whole number ≥ 1, got 1.5/,
  );
  assert.throws(
    () => make({ centers: [0, 1] as unknown as Int32Array, contexts: pairs.contexts }),
    /must hold Int32Array/,
  );
});
