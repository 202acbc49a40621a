/**
 * A character vocabulary: the distinct characters of a text, sorted, each with an integer id.
 *
 * @module
 */

/**
 * Maps characters to ids and back. Ids follow code-point order of the characters, as Python's
 * `sorted(set(text))` gives them, so ids agree with nanoGPT and char-rnn conventions.
 *
 * @example
 * ```ts
 * const vocab = CharVocab.fromText(await loadTinyShakespeare());
 * vocab.size;                        // 65
 * vocab.decode(vocab.encode("Hi!")); // "Hi!"
 * ```
 */
export class CharVocab {
  /** The characters, in id order. */
  readonly chars: readonly string[];
  readonly #ids: Map<string, number>;

  /** A vocabulary of exactly `chars` (distinct; they are sorted by code point). */
  constructor(chars: Iterable<string>) {
    const sorted = [...new Set(chars)].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
    for (const c of sorted) {
      if ([...c].length !== 1) throw new Error(`CharVocab: "${c}" is not a single character`);
    }
    this.chars = Object.freeze(sorted);
    this.#ids = new Map(sorted.map((c, i) => [c, i]));
  }

  /** The vocabulary of every distinct character (code point) in `text`. */
  static fromText(text: string): CharVocab {
    return new CharVocab(new Set(text));
  }

  /** Number of distinct characters. */
  get size(): number {
    return this.chars.length;
  }

  /**
   * The id of every character of `text`.
   *
   * @throws when `text` holds a character outside the vocabulary, naming it and its position.
   */
  encode(text: string): Int32Array {
    const chars = [...text];
    const ids = new Int32Array(chars.length);
    for (let i = 0; i < chars.length; i++) {
      const id = this.#ids.get(chars[i]);
      if (id === undefined) {
        throw new Error(
          `CharVocab.encode: ${JSON.stringify(chars[i])} at position ${i} is not in the ` +
            `vocabulary of ${this.size} characters`,
        );
      }
      ids[i] = id;
    }
    return ids;
  }

  /**
   * The text of a sequence of ids.
   *
   * @throws when an id is outside 0 … size-1.
   */
  decode(ids: Iterable<number>): string {
    let text = "";
    for (const id of ids) {
      const c = this.chars[id];
      if (c === undefined) {
        throw new Error(`CharVocab.decode: id ${id} is outside 0…${this.size - 1}`);
      }
      text += c;
    }
    return text;
  }
}
