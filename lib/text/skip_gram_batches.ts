/**
 * Mini-batches for skip-gram with negative sampling, in the form `fit` trains on.
 *
 * @module
 */

import { fromArray } from "../tensor/creation.ts";
import { globalRng, Rng } from "../tensor/random.ts";
import type { Tensor } from "../tensor/tensor.ts";
import type { SkipGramPairs } from "./skip_gram.ts";
import type { UnigramSampler } from "./unigram_sampler.ts";

/** Options of {@link SkipGramBatches}. */
export interface SkipGramBatchOptions {
  /** Pairs per batch. */
  readonly batchSize: number;
  /** Negative words drawn for each pair (default 5; word2vec uses 5 to 20 for small corpora). */
  readonly negatives?: number;
  /**
   * Seed of the order of the pairs and of the negative draws. The default draws one from the
   * library's generator, so `seed(n)` at the top of a notebook fixes it too.
   */
  readonly seed?: number;
}

/** One batch: word ids in, and which of them are the true context word. */
export interface SkipGramBatch {
  /**
   * int32 [B, 2 + K]: per row the centre word, its context word, then K negative words drawn from
   * the sampler.
   */
  readonly x: Tensor;
  /** float32 [B, 1 + K]: the label of each candidate context word, 1 for the true one, then K 0s. */
  readonly y: Tensor;
}

/**
 * Iterates over skip-gram pairs in mini-batches, one pass per epoch, in a new seeded order each
 * epoch, with fresh negative words for every batch. A model scores each row's 1 + K candidate
 * context words against its centre word, and binary cross-entropy against `y` is the negative
 * sampling loss. As in word2vec, a negative word may by chance be the true context word; with
 * thousands of words that is rare and harmless.
 *
 * @example
 * ```ts
 * const batches = new SkipGramBatches(skipGramPairs(ids, 5), new UnigramSampler(vocab.counts), {
 *   batchSize: 1024,
 * });
 * for (const { x, y } of batches) { … } // x [1024, 7] int32, y [1024, 6]
 * ```
 */
export class SkipGramBatches implements Iterable<SkipGramBatch> {
  /** Pairs per batch. */
  readonly batchSize: number;
  /** Negative words per pair. */
  readonly negatives: number;
  readonly #pairs: SkipGramPairs;
  readonly #sampler: UnigramSampler;
  readonly #seed: number;
  #epoch = 0;

  /**
   * @throws when the pairs are empty or of different lengths, hold an id the sampler cannot draw,
   * or an option is not a whole number ≥ 1.
   */
  constructor(pairs: SkipGramPairs, sampler: UnigramSampler, options: SkipGramBatchOptions) {
    const { centers, contexts } = pairs;
    if (!(centers instanceof Int32Array) || !(contexts instanceof Int32Array)) {
      throw new Error("SkipGramBatches: pairs must hold Int32Array centers and contexts");
    }
    if (centers.length !== contexts.length || centers.length === 0) {
      throw new Error(
        `SkipGramBatches: pairs must be non-empty, one context per centre; got ${centers.length} ` +
          `centres and ${contexts.length} contexts`,
      );
    }
    for (const [name, ids] of [["centers", centers], ["contexts", contexts]] as const) {
      const bad = ids.findIndex((id) => id < 0 || id >= sampler.size);
      if (bad >= 0) {
        throw new Error(
          `SkipGramBatches: ${name}[${bad}] is ${ids[bad]}, outside the sampler's ids ` +
            `0…${sampler.size - 1}`,
        );
      }
    }
    const { batchSize, negatives = 5 } = options;
    for (const [name, v] of [["batchSize", batchSize], ["negatives", negatives]] as const) {
      if (!Number.isInteger(v) || v < 1) {
        throw new Error(`SkipGramBatches: ${name} must be a whole number ≥ 1, got ${v}`);
      }
    }
    this.batchSize = batchSize;
    this.negatives = negatives;
    this.#pairs = pairs;
    this.#sampler = sampler;
    this.#seed = options.seed ?? globalRng.nextUint32();
  }

  /** Number of pairs. */
  get pairs(): number {
    return this.#pairs.centers.length;
  }

  /** Batches per epoch (the last one may be smaller). */
  get length(): number {
    return Math.ceil(this.pairs / this.batchSize);
  }

  /** One epoch of batches; each is a pair of new tensors that the consumer owns. */
  *[Symbol.iterator](): Iterator<SkipGramBatch> {
    const rng = new Rng((this.#seed ^ Math.imul(++this.#epoch, 0x9e3779b1)) >>> 0);
    const n = this.pairs, k = this.negatives;
    const order = Int32Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    const { centers, contexts } = this.#pairs;
    for (let start = 0; start < n; start += this.batchSize) {
      const b = Math.min(this.batchSize, n - start);
      const negatives = this.#sampler.sample(b * k, rng);
      const x = new Int32Array(b * (2 + k));
      const y = new Float32Array(b * (1 + k));
      for (let r = 0; r < b; r++) {
        const p = order[start + r];
        x[r * (2 + k)] = centers[p];
        x[r * (2 + k) + 1] = contexts[p];
        x.set(negatives.subarray(r * k, (r + 1) * k), r * (2 + k) + 2);
        y[r * (1 + k)] = 1;
      }
      yield {
        x: fromArray(x, [b, 2 + k], { dtype: "int32" }),
        y: fromArray(y, [b, 1 + k]),
      };
    }
  }
}
