/**
 * A token vocabulary for word-level models: the tokens of a corpus, most frequent first, each with
 * an integer id, plus a padding and an unknown token.
 *
 * @module
 */

/** Options of {@link TokenVocab.fromTokens}. */
export interface TokenVocabOptions {
  /** Keep only tokens seen at least this often (default 1: every token). */
  readonly minCount?: number;
  /** Keep at most this many tokens besides the two special ones (default: no limit). */
  readonly maxSize?: number;
}

/**
 * Maps tokens (words, tags, suffixes …) to ids and back. Id 0 is the padding token `<pad>`, which
 * fills the end of short sequences in a batch, and id 1 the unknown token `<unk>`, which stands for
 * any token outside the vocabulary; the kept tokens follow, most frequent first (ties in code-point
 * order), so ids are repeatable.
 *
 * (Character models use `CharVocab`, whose ids follow character order and have no special tokens.)
 *
 * @example
 * ```ts
 * const vocab = TokenVocab.fromTokens("the cat saw the dog".split(" "));
 * vocab.encode(["the", "cow"]); // Int32Array [2, 1]: "cow" is unknown
 * ```
 */
export class TokenVocab {
  /** The padding token, id 0. */
  static readonly PAD = "<pad>";
  /** The unknown token, id 1. */
  static readonly UNK = "<unk>";
  /** The id of `<pad>`. */
  readonly padId = 0;
  /** The id of `<unk>`. */
  readonly unkId = 1;
  /** Every token, in id order: `<pad>`, `<unk>`, then the kept tokens. */
  readonly tokens: readonly string[];
  readonly #ids: Map<string, number>;

  /** A vocabulary of exactly `tokens` (distinct, in id order from 2), after `<pad>` and `<unk>`. */
  constructor(tokens: Iterable<string>) {
    const all = [TokenVocab.PAD, TokenVocab.UNK, ...tokens];
    const ids = new Map<string, number>();
    all.forEach((token, i) => {
      if (typeof token !== "string") {
        throw new Error(`TokenVocab: tokens must be strings, got ${typeof token} at id ${i}`);
      }
      if (ids.has(token)) {
        throw new Error(
          `TokenVocab: "${token}" appears twice (ids ${ids.get(token)} and ${i}); ` +
            `tokens must be distinct, and ${TokenVocab.PAD} and ${TokenVocab.UNK} are reserved`,
        );
      }
      ids.set(token, i);
    });
    this.tokens = Object.freeze(all);
    this.#ids = ids;
  }

  /** The vocabulary of a corpus: its tokens counted, rare ones dropped, most frequent first. */
  static fromTokens(tokens: Iterable<string>, options: TokenVocabOptions = {}): TokenVocab {
    const { minCount = 1, maxSize = Infinity } = options;
    if (!Number.isInteger(minCount) || minCount < 1) {
      throw new Error(
        `TokenVocab.fromTokens: minCount must be a whole number ≥ 1, got ${minCount}`,
      );
    }
    if (!(maxSize >= 0)) {
      throw new Error(`TokenVocab.fromTokens: maxSize must be ≥ 0, got ${maxSize}`);
    }
    const counts = new Map<string, number>();
    for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
    counts.delete(TokenVocab.PAD);
    counts.delete(TokenVocab.UNK);
    const kept = [...counts].filter(([, n]) => n >= minCount)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, maxSize)
      .map(([t]) => t);
    return new TokenVocab(kept);
  }

  /** Number of ids, the two special tokens included. */
  get size(): number {
    return this.tokens.length;
  }

  /** Whether `token` has its own id (is not mapped to `<unk>`). */
  has(token: string): boolean {
    return this.#ids.has(token);
  }

  /** The id of `token`, or `unkId` when it is not in the vocabulary. */
  id(token: string): number {
    return this.#ids.get(token) ?? this.unkId;
  }

  /** The id of every token; unknown tokens get `unkId`. */
  encode(tokens: Iterable<string>): Int32Array {
    return Int32Array.from(tokens, (t) => this.id(t));
  }

  /**
   * The tokens of a sequence of ids.
   *
   * @throws when an id is outside 0 … size-1.
   */
  decode(ids: Iterable<number>): string[] {
    return Array.from(ids, (id) => {
      const token = this.tokens[id];
      if (token === undefined) {
        throw new Error(`TokenVocab.decode: id ${id} is outside 0…${this.size - 1}`);
      }
      return token;
    });
  }
}
