/**
 * An end-to-end memory network (Sukhbaatar et al., 2015) for question answering: the sentences
 * of a story are embedded into memory, and the question attends over them for several hops.
 *
 * @module
 */

// The tensor methods (x.matmul(…), x.softmax(…)) come from the ops module.
import "../ops/mod.ts";
import { Embedding } from "../nn/embedding.ts";
import { Module } from "../nn/module.ts";
import { stack } from "../ops/join.ts";
import { fromArray } from "../tensor/creation.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { normal } from "../nn/init.ts";
import type { Shape } from "../tensor/shape.ts";
import { checkShape } from "./addressing.ts";

/** The sizes of a {@link MemoryNetwork}. */
export interface MemoryNetworkOptions {
  /** Words in the vocabulary V (answers are words too). */
  readonly vocabSize: number;
  /** Memory slots S (sentences kept). */
  readonly memorySize: number;
  /** Words per sentence J. */
  readonly sentenceLength: number;
  /** Embedding size d (default 20). */
  readonly embedSize?: number;
  /** Hops K (default 3). */
  readonly hops?: number;
}

/** What {@link MemoryNetwork.run} returns. */
export interface MemoryNetworkResult {
  /** Answer scores over the vocabulary [B, V]. */
  readonly logits: Tensor;
  /** The attention over the memory slots at each hop [B, K, S]. */
  readonly attention: Tensor;
}

/**
 * The position encoding l [J, d]: l_kj = (1 − j/J) − (k/d)(1 − 2j/J), for word j and
 * dimension k counted from 1. Summing l_j ⊙ embedding(word_j) keeps word order, which a plain
 * bag of words loses ("Mary gave John" ≠ "John gave Mary").
 */
export function positionEncoding(sentenceLength: number, embedSize: number): Tensor {
  const J = sentenceLength, d = embedSize, values = new Float32Array(J * d);
  for (let j = 1; j <= J; j++) {
    for (let k = 1; k <= d; k++) {
      values[(j - 1) * d + k - 1] = (1 - j / J) - (k / d) * (1 - (2 * j) / J);
    }
  }
  return fromArray(values, [J, d]);
}

/**
 * MemN2N with position encoding, temporal encoding and adjacent weight tying: hop k embeds the
 * memory with table A_k and its outputs with C_k = A_{k+1}; the question is embedded with A_1,
 * and the answer scores are u_K Cᵀ_K. Each hop: p = softmax(u · m_i), o = Σ_i p_i c_i,
 * u ← u + o. Word id 0 is padding and adds nothing; empty memory slots get no attention.
 *
 * @example
 * ```ts
 * const net = new MemoryNetwork({ vocabSize: 40, memorySize: 50, sentenceLength: 8 });
 * const { logits, attention } = net.run(stories, lengths, queries); // [B, 40], [B, 3, 50]
 * ```
 */
export class MemoryNetwork extends Module {
  /** Hops K. */
  readonly hops: number;
  /** Embedding size d. */
  readonly embedSize: number;
  /** The word tables A_1 … A_{K+1}. */
  readonly words: Embedding[];
  /** The temporal tables T_1 … T_{K+1} [S, d]: one vector per memory slot, added to it. */
  readonly times: Embedding[];
  readonly #options: MemoryNetworkOptions;

  /** A network of the given sizes. */
  constructor(options: MemoryNetworkOptions) {
    super();
    this.#options = options;
    this.hops = options.hops ?? 3;
    this.embedSize = options.embedSize ?? 20;
    // The paper's initialisation, N(0, 0.1²): small vectors keep the first softmaxes soft.
    const init = (shape: Shape) => normal(shape, { std: 0.1 });
    this.words = Array.from(
      { length: this.hops + 1 },
      (_, k) =>
        this.registerModule(
          `word${k}`,
          new Embedding(options.vocabSize, this.embedSize, { weightInit: init }),
        ),
    );
    this.times = Array.from(
      { length: this.hops + 1 },
      (_, k) =>
        this.registerModule(
          `time${k}`,
          new Embedding(options.memorySize, this.embedSize, { weightInit: init }),
        ),
    );
  }

  /**
   * Answers questions.
   *
   * @param stories word ids [B, S, J], int32, newest sentence in slot 0
   * @param storyLengths real sentences per story [B], int32 (slots beyond get no attention)
   * @param queries word ids [B, J], int32
   */
  run(stories: Tensor, storyLengths: Tensor, queries: Tensor): MemoryNetworkResult {
    const { memorySize: S, sentenceLength: J } = this.#options;
    checkShape("MemoryNetwork", "stories", stories, [-1, S, J]);
    const batch = stories.shape[0];
    checkShape("MemoryNetwork", "storyLengths", storyLengths, [batch]);
    checkShape("MemoryNetwork", "queries", queries, [batch, J]);
    const d = this.embedSize;
    const encoding = positionEncoding(J, d);
    const slots = fromArray(Int32Array.from({ length: S }, (_, i) => i), [S], { dtype: "int32" });
    // Padding words (id 0) must add nothing to a sentence's sum.
    const storyMask = stories.notEqual(0).toFloat().unsqueeze(3);
    const queryMask = queries.notEqual(0).toFloat().unsqueeze(2);
    // −1e9 on the slots past each story's end, so that softmax gives them no weight.
    const empty = slots.toFloat().unsqueeze(0).greaterEqual(storyLengths.toFloat().unsqueeze(1))
      .toFloat().mul(-1e9);
    const memoryOf = (k: number) =>
      this.words[k].forward(stories).mul(storyMask).mul(encoding).sum(2)
        .add(this.times[k].forward(slots));
    let u = this.words[0].forward(queries).mul(queryMask).mul(encoding).sum(1);
    let memory = memoryOf(0);
    const attention: Tensor[] = [];
    for (let k = 0; k < this.hops; k++) {
      const outputs = memoryOf(k + 1);
      const p = memory.matmul(u.unsqueeze(2)).squeeze(2).add(empty).softmax(-1);
      attention.push(p);
      u = u.add(p.unsqueeze(1).matmul(outputs).squeeze(1));
      memory = outputs;
    }
    const logits = u.matmul(this.words[this.hops].weight.transpose());
    return { logits, attention: stack(attention, 1) };
  }

  /** Not used: a memory network needs stories, lengths and queries; call {@link run}. */
  forward(_x: Tensor): Tensor {
    throw new Error("MemoryNetwork: call run(stories, storyLengths, queries) instead of forward");
  }
}
