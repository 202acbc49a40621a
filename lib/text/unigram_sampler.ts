/**
 * Drawing negative examples for word2vec: words at random, in proportion to a power of their
 * counts.
 *
 * @module
 */

import { globalRng, type Rng } from "../tensor/random.ts";

/**
 * Draws word ids with probability proportional to count^power, in O(1) per draw (Walker's alias
 * method). word2vec draws its negative samples this way with power ¾: frequent words come up
 * often, but less often than their share of the text, and rare words more often.
 *
 * @example
 * ```ts
 * const sampler = new UnigramSampler(vocab.counts); // power 0.75
 * const negatives = sampler.sample(5 * batchSize);  // Int32Array of ids
 * ```
 */
export class UnigramSampler {
  /** The probability of drawing each id. */
  readonly probabilities: Float64Array;
  // The alias table: draw a column i uniformly, then keep i with probability #accept[i], or take
  // #alias[i].
  readonly #accept: Float64Array;
  readonly #alias: Int32Array;

  /**
   * A sampler over ids 0 … counts.length-1.
   *
   * @param counts how often each word occurs (≥ 0, not all 0)
   * @param power the exponent applied to the counts (default 0.75, as in word2vec)
   * @throws on an empty or all-zero `counts`, a negative or non-finite count, or a bad power.
   */
  constructor(counts: ArrayLike<number>, readonly power = 0.75) {
    if (!Number.isFinite(power) || power < 0) {
      throw new Error(`UnigramSampler: power must be a finite number ≥ 0, got ${power}`);
    }
    const n = counts.length;
    if (n === 0) throw new Error("UnigramSampler: counts is empty; give one count per word");
    const weights = Float64Array.from({ length: n }, (_, i) => {
      const c = counts[i];
      if (!Number.isFinite(c) || c < 0) {
        throw new Error(`UnigramSampler: count ${i} must be a finite number ≥ 0, got ${c}`);
      }
      return c === 0 ? 0 : c ** power;
    });
    const total = weights.reduce((s, w) => s + w, 0);
    if (total === 0) throw new Error("UnigramSampler: every count is 0; there is nothing to draw");
    this.probabilities = weights.map((w) => w / total);
    // Vose's construction: columns scaled to mean 1; each column below 1 is topped up from one
    // above 1, which becomes its alias.
    this.#accept = this.probabilities.map((p) => p * n);
    this.#alias = Int32Array.from({ length: n }, (_, i) => i);
    const small: number[] = [], large: number[] = [];
    this.#accept.forEach((a, i) => (a < 1 ? small : large).push(i));
    while (small.length > 0 && large.length > 0) {
      const s = small.pop()!, l = large[large.length - 1];
      this.#alias[s] = l;
      this.#accept[l] -= 1 - this.#accept[s];
      if (this.#accept[l] < 1) small.push(large.pop()!);
    }
    // What is left is 1 up to rounding.
    for (const i of [...small, ...large]) this.#accept[i] = 1;
  }

  /** Number of ids it draws from. */
  get size(): number {
    return this.probabilities.length;
  }

  /**
   * `n` independent draws.
   *
   * @throws when `n` is not a whole number ≥ 0.
   */
  sample(n: number, rng: Rng = globalRng): Int32Array {
    if (!Number.isInteger(n) || n < 0) {
      throw new Error(`UnigramSampler.sample: n must be a whole number ≥ 0, got ${n}`);
    }
    const out = new Int32Array(n);
    const size = this.size;
    for (let k = 0; k < n; k++) {
      const u = rng.uniform() * size;
      const i = Math.min(size - 1, Math.floor(u));
      out[k] = u - i < this.#accept[i] ? i : this.#alias[i];
    }
    return out;
  }
}
