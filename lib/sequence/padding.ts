/**
 * Variable-length sequences in fixed-shape batches: padding to a common length with a mask of the
 * real positions, and batches of sentences of similar length (bucketing), so little of each batch
 * is padding.
 *
 * @module
 */

import { fromArray } from "../tensor/creation.ts";
import { globalRng, type Rng } from "../tensor/random.ts";
import type { Tensor } from "../tensor/tensor.ts";

/** A batch of sequences padded to one length. */
export interface PaddedBatch {
  /**
   * The values [B, T] (or [B, T, features]), int32, with `padValue` after the end of each
   * sequence.
   */
  readonly values: Tensor;
  /** 1 at real positions and 0 at padding, [B, T], float32. */
  readonly mask: Tensor;
  /** The length of each sequence, in tokens. */
  readonly lengths: readonly number[];
}

/** Options of {@link padSequences}. */
export interface PadOptions {
  /** The value after each sequence's end (default 0, `TokenVocab`'s `<pad>`). */
  readonly padValue?: number;
  /** The padded length T (default: the longest sequence's). Must be at least that long. */
  readonly length?: number;
  /**
   * Numbers per token (default 1): each sequence is then `length × features` numbers, token
   * after token (a word id, a suffix id … for each), and the values come out [B, T, features].
   */
  readonly features?: number;
}

/**
 * Pads integer sequences (ids, tags) at the end to one length T, as an int32 tensor [B, T] with a
 * float mask of the real positions. Padding at the end keeps each sequence's start at t = 0, so a
 * left-to-right recurrent network reads every real token before any padding.
 *
 * @example
 * ```ts
 * const { values, mask } = padSequences([[5, 6, 7], [8]]);
 * // values [[5, 6, 7], [8, 0, 0]], mask [[1, 1, 1], [1, 0, 0]]
 * ```
 */
export function padSequences(
  sequences: readonly ArrayLike<number>[],
  options: PadOptions = {},
): PaddedBatch {
  if (!Array.isArray(sequences) || sequences.length === 0) {
    throw new Error("padSequences: needs a non-empty array of sequences");
  }
  const { padValue = 0, features = 1 } = options;
  if (!Number.isInteger(features) || features < 1) {
    throw new Error(`padSequences: features must be a whole number ≥ 1, got ${features}`);
  }
  const lengths = sequences.map((s, b) => {
    if (s.length % features !== 0) {
      throw new Error(
        `padSequences: sequence ${b} has ${s.length} numbers, not a multiple of ${features} ` +
          "features per token",
      );
    }
    return s.length / features;
  });
  const longest = Math.max(...lengths);
  if (longest === 0) throw new Error("padSequences: every sequence is empty");
  const { length = longest } = options;
  if (!Number.isInteger(length) || length < longest) {
    throw new Error(
      `padSequences: length ${length} is shorter than the longest sequence (${longest})`,
    );
  }
  if (!Number.isInteger(padValue)) {
    throw new Error(`padSequences: padValue must be an integer, got ${padValue}`);
  }
  const batch = sequences.length, row = length * features;
  const values = new Int32Array(batch * row).fill(padValue);
  const mask = new Float32Array(batch * length);
  sequences.forEach((s, b) => {
    for (let i = 0; i < s.length; i++) {
      if (!Number.isInteger(s[i])) {
        throw new Error(`padSequences: sequence ${b} holds ${s[i]} at ${i}, not an integer`);
      }
      values[b * row + i] = s[i];
    }
    mask.fill(1, b * length, b * length + lengths[b]);
  });
  return {
    values: fromArray(values, features === 1 ? [batch, length] : [batch, length, features], {
      dtype: "int32",
    }),
    mask: fromArray(mask, [batch, length]),
    lengths,
  };
}

/** Options of {@link lengthBatches}. */
export interface LengthBatchOptions {
  /** Shuffle which sequences of equal length go together, and the order of batches (default true). */
  readonly shuffle?: boolean;
  /** The generator to shuffle with (default the library's seeded one). */
  readonly rng?: Rng;
  /**
   * At most this many positions (sequences × the longest one's length) per batch, padding
   * included (default: no limit): batches of long sequences then hold fewer of them, so every
   * batch costs about the same memory. A sequence longer than this gets a batch of its own.
   */
  readonly maxTokens?: number;
}

/**
 * Groups sequence indices into batches of at most `batchSize` sequences of similar length
 * (_bucketing_): sorted by length, cut into consecutive batches, and the batches shuffled. Each
 * batch is then padded only to its own longest sequence, which on text saves most of the padding
 * that random batches would need.
 *
 * @returns one array of indices into `lengths` per batch; together they hold every index once.
 */
export function lengthBatches(
  lengths: readonly number[],
  batchSize: number,
  options: LengthBatchOptions = {},
): number[][] {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new Error(`lengthBatches: batchSize must be a whole number ≥ 1, got ${batchSize}`);
  }
  const { shuffle = true, rng = globalRng, maxTokens = Infinity } = options;
  if (!(maxTokens >= 1)) {
    throw new Error(`lengthBatches: maxTokens must be ≥ 1, got ${maxTokens}`);
  }
  const bad = lengths.findIndex((n) => !Number.isInteger(n) || n < 0);
  if (bad >= 0) {
    throw new Error(`lengthBatches: length ${lengths[bad]} at ${bad} is not a whole number ≥ 0`);
  }
  const order = lengths.map((_, i) => i);
  if (shuffle) rng.shuffle(order);
  // Array.prototype.sort is stable: equal lengths keep their shuffled order.
  order.sort((a, b) => lengths[a] - lengths[b]);
  const batches: number[][] = [];
  let batch: number[] = [];
  for (const i of order) {
    // Sorted by length, so sequence i is the longest of the batch it joins.
    if (
      batch.length === batchSize ||
      (batch.length > 0 && (batch.length + 1) * lengths[i] > maxTokens)
    ) {
      batches.push(batch);
      batch = [];
    }
    batch.push(i);
  }
  if (batch.length > 0) batches.push(batch);
  return shuffle ? rng.shuffle(batches) : batches;
}
