/**
 * A word vocabulary: the words of a corpus that occur often enough, each with an integer id and
 * its count.
 *
 * @module
 */

/** Options of {@link WordVocab.fromTokens}. */
export interface WordVocabOptions {
  /** Keep only words seen at least this many times (default 1: every word). */
  readonly minCount?: number;
  /** Keep at most this many words, the most frequent (default: no limit). */
  readonly maxSize?: number;
}

/** Options of {@link WordVocab.encode}. */
export interface EncodeOptions {
  /**
   * Leave out words that are not in the vocabulary (default false: such a word is an error).
   * word2vec drops rare words before it builds context windows, which brings the words around
   * them closer together.
   */
  readonly dropUnknown?: boolean;
}

/** Whether `n` is a whole number ≥ `min`. */
function isWhole(n: unknown, min: number): n is number {
  return typeof n === "number" && Number.isInteger(n) && n >= min;
}

/**
 * Maps words to ids and back. Ids go by frequency: id 0 is the most frequent word, and ties are
 * broken alphabetically, so the same corpus always gives the same ids. The n most frequent words
 * are therefore ids 0 … n-1.
 *
 * It keeps each word's count, which word2vec's subsampling and negative sampling need, and has no
 * special tokens: skip-gram training simply leaves unknown words out. (Sequence models pad batches
 * and map unknown words to a token of their own: `TokenVocab` does that.)
 *
 * @example
 * ```ts
 * const vocab = WordVocab.fromTokens(tokenizeWords(await loadWarAndPeace()), { minCount: 5 });
 * vocab.words[0];                         // "the"
 * vocab.encode(["the", "prince"]);         // Int32Array [0, …]
 * vocab.decode(vocab.encode(["prince"]));  // ["prince"]
 * ```
 */
export class WordVocab {
  /** The words, in id order (most frequent first). */
  readonly words: readonly string[];
  /** How often each word occurs in the corpus it was built from, in id order. */
  readonly counts: Int32Array;
  readonly #ids: Map<string, number>;

  /**
   * A vocabulary of `words` with their `counts` (same length, counts ≥ 1, words distinct). They are
   * sorted by falling count, then alphabetically.
   *
   * @throws on duplicate words, counts that are not positive whole numbers, or lengths that differ.
   */
  constructor(words: readonly string[], counts: ArrayLike<number>) {
    if (words.length !== counts.length) {
      throw new Error(
        `WordVocab: ${words.length} words but ${counts.length} counts; give one count per word`,
      );
    }
    const entries = words.map((word, i) => {
      if (typeof word !== "string" || word === "") {
        throw new Error(
          `WordVocab: word ${i} must be a non-empty string, got ${JSON.stringify(word)}`,
        );
      }
      if (!isWhole(counts[i], 1)) {
        throw new Error(
          `WordVocab: the count of "${word}" must be a whole number ≥ 1, got ${counts[i]}`,
        );
      }
      return { word, count: counts[i] };
    });
    entries.sort((a, b) => b.count - a.count || (a.word < b.word ? -1 : a.word > b.word ? 1 : 0));
    this.words = Object.freeze(entries.map((e) => e.word));
    this.counts = Int32Array.from(entries, (e) => e.count);
    this.#ids = new Map(this.words.map((w, i) => [w, i]));
    if (this.#ids.size !== words.length) {
      const seen = new Set<string>();
      const repeated = words.find((w) => seen.has(w) || !seen.add(w));
      throw new Error(`WordVocab: "${repeated}" is listed twice; words must be distinct`);
    }
  }

  /**
   * The vocabulary of a token sequence: every distinct word with its count, less those rarer than
   * `minCount`, and at most `maxSize` of them.
   *
   * @throws when `tokens` is not an array of strings, or an option is not a whole number ≥ 1.
   */
  static fromTokens(tokens: readonly string[], options: WordVocabOptions = {}): WordVocab {
    if (!Array.isArray(tokens)) {
      throw new Error(
        `WordVocab.fromTokens: tokens must be an array of words, got ${typeof tokens}`,
      );
    }
    const { minCount = 1, maxSize = Infinity } = options;
    if (!isWhole(minCount, 1)) {
      throw new Error(`WordVocab.fromTokens: minCount must be a whole number ≥ 1, got ${minCount}`);
    }
    if (maxSize !== Infinity && !isWhole(maxSize, 1)) {
      throw new Error(`WordVocab.fromTokens: maxSize must be a whole number ≥ 1, got ${maxSize}`);
    }
    const counts = new Map<string, number>();
    for (const token of tokens) {
      if (typeof token !== "string") {
        throw new Error(`WordVocab.fromTokens: every token must be a string, got ${typeof token}`);
      }
      counts.set(token, (counts.get(token) ?? 0) + 1);
    }
    const kept = [...counts].filter(([, n]) => n >= minCount);
    const all = new WordVocab(kept.map(([w]) => w), kept.map(([, n]) => n));
    return all.size <= maxSize
      ? all
      : new WordVocab(all.words.slice(0, maxSize), all.counts.subarray(0, maxSize));
  }

  /** Number of words. */
  get size(): number {
    return this.words.length;
  }

  /** The total count of all the vocabulary's words. */
  get totalCount(): number {
    return this.counts.reduce((s, n) => s + n, 0);
  }

  /** Whether `word` is in the vocabulary. */
  has(word: string): boolean {
    return this.#ids.has(word);
  }

  /**
   * The id of `word`.
   *
   * @throws when the word is not in the vocabulary.
   */
  id(word: string): number {
    const id = this.#ids.get(word);
    if (id === undefined) {
      throw new Error(`WordVocab: "${word}" is not among the vocabulary's ${this.size} words`);
    }
    return id;
  }

  /**
   * The ids of `tokens`, in order.
   *
   * @throws on a word outside the vocabulary (naming it and its position), unless `dropUnknown`.
   */
  encode(tokens: readonly string[], options: EncodeOptions = {}): Int32Array {
    const ids = new Int32Array(tokens.length);
    let n = 0;
    for (let i = 0; i < tokens.length; i++) {
      const id = this.#ids.get(tokens[i]);
      if (id !== undefined) ids[n++] = id;
      else if (!options.dropUnknown) {
        throw new Error(
          `WordVocab.encode: "${tokens[i]}" at position ${i} is not in the vocabulary of ` +
            `${this.size} words; pass { dropUnknown: true } to leave such words out`,
        );
      }
    }
    return ids.slice(0, n);
  }

  /**
   * The words of a sequence of ids.
   *
   * @throws when an id is outside 0 … size-1.
   */
  decode(ids: Iterable<number>): string[] {
    return Array.from(ids, (id) => {
      const word = this.words[id];
      if (word === undefined) {
        throw new Error(`WordVocab.decode: id ${id} is outside 0…${this.size - 1}`);
      }
      return word;
    });
  }
}
