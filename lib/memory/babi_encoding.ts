/**
 * bAbI questions as arrays of word ids for a memory network: each question's story as a
 * [sentences × words] block (most recent sentence first), the question's words, and the answer.
 *
 * @module
 */

import type { BabiQuestion, BabiStory } from "../data/babi.ts";
import { TokenVocab } from "../sequence/token_vocab.ts";
import { fromArray } from "../tensor/creation.ts";
import type { Tensor } from "../tensor/tensor.ts";

/** The words of a bAbI sentence or question: lower case, punctuation dropped. */
export function babiWords(text: string): string[] {
  return text.toLowerCase().replace(/[.?,]/g, " ").split(/\s+/).filter((w) => w.length > 0);
}

/** Every question of `stories`, in order. */
export function babiQuestions(stories: readonly BabiStory[]): BabiQuestion[] {
  return stories.flatMap((s) => s.questions);
}

/** The vocabulary of every word in the sentences, questions and answers of `stories`. */
export function babiVocab(stories: readonly BabiStory[]): TokenVocab {
  const words: string[] = [];
  for (const q of babiQuestions(stories)) {
    for (const s of q.context) words.push(...babiWords(s.text));
    words.push(...babiWords(q.question), q.answer);
  }
  return TokenVocab.fromTokens(words);
}

/** Questions encoded for a memory network (see {@link encodeBabi}). */
export interface EncodedBabi {
  /** Questions Q. */
  readonly count: number;
  /** Memory slots S: the most recent S sentences are kept. */
  readonly memorySize: number;
  /** Words per sentence J (questions included); shorter ones are padded with id 0. */
  readonly sentenceLength: number;
  /** Story word ids [Q, S, J], the most recent sentence in slot 0, padding 0. */
  readonly stories: Int32Array;
  /** The number of real sentences in each story (at most S), [Q]. */
  readonly storyLengths: Int32Array;
  /** Question word ids [Q, J]. */
  readonly queries: Int32Array;
  /** Answer word ids [Q]. */
  readonly answers: Int32Array;
  /** For each question, which memory slots hold its supporting facts (empty when dropped). */
  readonly supportingSlots: readonly (readonly number[])[];
}

/**
 * Encodes every question of `stories` with `vocab`: the last `memorySize` sentences before it,
 * newest first, each padded to `sentenceLength` words.
 *
 * @throws when a sentence or question is longer than `sentenceLength`, or a size is not positive.
 */
export function encodeBabi(
  stories: readonly BabiStory[],
  vocab: TokenVocab,
  memorySize: number,
  sentenceLength: number,
): EncodedBabi {
  if (!Number.isInteger(memorySize) || memorySize < 1) {
    throw new Error(`encodeBabi: memorySize must be a positive whole number, got ${memorySize}`);
  }
  if (!Number.isInteger(sentenceLength) || sentenceLength < 1) {
    throw new Error(
      `encodeBabi: sentenceLength must be a positive whole number, got ${sentenceLength}`,
    );
  }
  const questions = babiQuestions(stories);
  const count = questions.length, S = memorySize, J = sentenceLength;
  const storyIds = new Int32Array(count * S * J), queries = new Int32Array(count * J);
  const storyLengths = new Int32Array(count), answers = new Int32Array(count);
  const supportingSlots: number[][] = [];
  const put = (target: Int32Array, at: number, text: string) => {
    const words = babiWords(text);
    if (words.length > J) {
      throw new Error(
        `encodeBabi: "${text}" has ${words.length} words, more than sentenceLength ${J}`,
      );
    }
    target.set(vocab.encode(words), at);
  };
  questions.forEach((q, i) => {
    const kept = q.context.slice(-S).reverse();
    kept.forEach((s, slot) => put(storyIds, (i * S + slot) * J, s.text));
    storyLengths[i] = kept.length;
    put(queries, i * J, q.question);
    answers[i] = vocab.id(q.answer);
    supportingSlots.push(
      q.supportingFacts.map((id) => kept.findIndex((s) => s.id === id)).filter((k) => k >= 0),
    );
  });
  return {
    count,
    memorySize: S,
    sentenceLength: J,
    stories: storyIds,
    storyLengths,
    queries,
    answers,
    supportingSlots,
  };
}

/** Int32 tensors of some encoded questions, in the order `MemoryNetwork.run` takes them. */
export interface BabiBatch {
  /** Story word ids [B, S, J]. */
  readonly stories: Tensor;
  /** Real sentences per story [B]. */
  readonly lengths: Tensor;
  /** Question word ids [B, J]. */
  readonly queries: Tensor;
  /** Answer word ids [B], the targets of the loss. */
  readonly answers: Tensor;
}

/**
 * The questions `indices` of an encoded set as tensors (every question when `indices` is left
 * out), for training or answering in one batch.
 *
 * @throws when an index is not a question of `data`.
 */
export function babiBatch(data: EncodedBabi, indices?: readonly number[]): BabiBatch {
  const picked = indices ?? Array.from({ length: data.count }, (_, i) => i);
  const bad = picked.find((i) => !Number.isInteger(i) || i < 0 || i >= data.count);
  if (bad !== undefined) {
    throw new Error(
      `babiBatch: index ${bad} is not a question of this set, which has ${data.count} (0 … ` +
        `${data.count - 1})`,
    );
  }
  const S = data.memorySize, J = data.sentenceLength, B = picked.length;
  /** The rows `picked` of an array of `width`-long rows. */
  const rows = (from: Int32Array, width: number) => {
    const out = new Int32Array(B * width);
    picked.forEach((i, k) => out.set(from.subarray(i * width, (i + 1) * width), k * width));
    return out;
  };
  return {
    stories: fromArray(rows(data.stories, S * J), [B, S, J], { dtype: "int32" }),
    lengths: fromArray(rows(data.storyLengths, 1), [B], { dtype: "int32" }),
    queries: fromArray(rows(data.queries, J), [B, J], { dtype: "int32" }),
    answers: fromArray(rows(data.answers, 1), [B], { dtype: "int32" }),
  };
}
