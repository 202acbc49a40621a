/**
 * Splitting prose into words, the first step of every word-level model.
 *
 * @module
 */

// A word is a run of letters, with an apostrophe allowed inside it ("don't", "pierre's"): English
// contractions stay one word, while quotes around a phrase ('faithful slave,') are not part of it.
const WORD = /\p{L}+(?:['’]\p{L}+)*/gu;

/**
 * The words of `text`, lower-cased, in order. Digits, punctuation and whitespace separate words
 * and are dropped; a typographic apostrophe (’) becomes a plain one, so "don’t" and "don't" are
 * the same word.
 *
 * @example
 * ```ts
 * tokenizeWords("Well, Prince, so Genoa and Lucca... don't!"); // ["well", "prince", "so", "genoa", "and", "lucca", "don't"]
 * ```
 *
 * @throws when `text` is not a string.
 */
export function tokenizeWords(text: string): string[] {
  if (typeof text !== "string") {
    throw new Error(
      `tokenizeWords: expected a string, got ${text === null ? "null" : typeof text}`,
    );
  }
  return Array.from(text.toLowerCase().matchAll(WORD), (m) => m[0].replaceAll("’", "'"));
}
