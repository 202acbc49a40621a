/**
 * Subsampling of frequent words, as word2vec does before it builds context windows.
 *
 * @module
 */

import { globalRng, type Rng } from "../tensor/random.ts";

/**
 * The probability that word2vec keeps one occurrence of a word of frequency f = count / total:
 * min(1, √(t/f) + t/f) with threshold t (the formula of word2vec's C code and of gensim). Words
 * rarer than about t are always kept, while a word that makes up 5% of the text keeps about one
 * occurrence in six at t = 10⁻³.
 *
 * @throws when `counts` holds a count that is not a whole number ≥ 0, or `threshold` is not > 0.
 */
export function keepProbabilities(counts: ArrayLike<number>, threshold: number): Float64Array {
  if (!(threshold > 0) || !Number.isFinite(threshold)) {
    throw new Error(`keepProbabilities: threshold must be a positive number, got ${threshold}`);
  }
  let total = 0;
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i];
    if (!Number.isInteger(n) || n < 0) {
      throw new Error(`keepProbabilities: count ${i} must be a whole number ≥ 0, got ${n}`);
    }
    total += n;
  }
  return Float64Array.from({ length: counts.length }, (_, i) => {
    if (counts[i] === 0) return 1;
    const ratio = threshold / (counts[i] / total);
    return Math.min(1, Math.sqrt(ratio) + ratio);
  });
}

/**
 * Drops occurrences of frequent words at random: each token id of `ids` is kept with the
 * probability {@link keepProbabilities} gives its word. Frequent words ("the", "of") say little
 * about their neighbours, and dropping most of their occurrences both speeds training and widens
 * every window over the words that remain.
 *
 * @param ids token ids into `counts`
 * @param counts how often each id occurs in the corpus
 * @param threshold t (word2vec's `-sample`; 10⁻³ for a small corpus, 10⁻⁵ for a huge one)
 * @param rng the generator to draw from (default: the library's seeded one)
 * @throws when an id is outside `counts`, or on bad counts or threshold.
 */
export function subsampleFrequent(
  ids: Int32Array,
  counts: ArrayLike<number>,
  threshold: number,
  rng: Rng = globalRng,
): Int32Array {
  const keep = keepProbabilities(counts, threshold);
  const out = new Int32Array(ids.length);
  let n = 0;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (!(id >= 0 && id < keep.length)) {
      throw new Error(
        `subsampleFrequent: id ${id} at position ${i} is outside 0…${keep.length - 1}`,
      );
    }
    if (keep[id] >= 1 || rng.uniform() < keep[id]) out[n++] = id;
  }
  return out.slice(0, n);
}
