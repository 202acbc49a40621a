/**
 * The training pairs of the skip-gram model: each word with the words around it.
 *
 * @module
 */

import { globalRng, type Rng } from "../tensor/random.ts";

/** Skip-gram pairs: `centers[k]` is a word, `contexts[k]` a word near it. */
export interface SkipGramPairs {
  /** The centre word of each pair. */
  readonly centers: Int32Array;
  /** The context word of each pair. */
  readonly contexts: Int32Array;
}

/**
 * Every (centre, context) pair of a token sequence. As in word2vec, each position draws its own
 * window radius b uniformly from 1 … `window` and pairs its word with the b words before and after
 * it, so a neighbour at distance d is used with probability (window − d + 1) / window: near words
 * count more than far ones.
 *
 * @param ids the token ids, in text order
 * @param window the largest distance between a centre and a context word (word2vec's `-window`)
 * @param rng the generator to draw the radii from (default: the library's seeded one)
 * @throws when `ids` is not an Int32Array or `window` is not a whole number ≥ 1.
 */
export function skipGramPairs(
  ids: Int32Array,
  window: number,
  rng: Rng = globalRng,
): SkipGramPairs {
  if (!(ids instanceof Int32Array)) {
    throw new Error(
      "skipGramPairs: ids must be an Int32Array of token ids (WordVocab.encode gives one)",
    );
  }
  if (!Number.isInteger(window) || window < 1) {
    throw new Error(`skipGramPairs: window must be a whole number ≥ 1, got ${window}`);
  }
  const n = ids.length;
  // At most 2·window pairs per position; trimmed at the end.
  const centers = new Int32Array(2 * window * n), contexts = new Int32Array(2 * window * n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const b = 1 + rng.int(window);
    const end = Math.min(n - 1, i + b);
    for (let j = Math.max(0, i - b); j <= end; j++) {
      if (j === i) continue;
      centers[k] = ids[i];
      contexts[k++] = ids[j];
    }
  }
  return { centers: centers.slice(0, k), contexts: contexts.slice(0, k) };
}
