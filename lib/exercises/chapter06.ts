/**
 * Chapter 6's exercises, Embedding and Representation Learning: their graders, the notebook checks
 * that print the graders' verdicts, and the solutions.
 *
 * 1. Salt-and-pepper noise as a data-loader transform: each pixel picked with probability p and
 *    set to 0 or 1, in place, drawing only from the loader's generator.
 * 2. The negative-sampling loss of skip-gram, written from the vectors, and stable for large dot
 *    products.
 * 3. An analogy solver on word vectors: "a is to b as c is to ?" by cosine similarity to
 *    b̂ − â + ĉ, leaving out a, b and c.
 *
 * @example
 * ```ts
 * import { chapter06 } from "../lib/exercises/mod.ts";
 * chapter06.check.exercise2((v, u, n) => v.mean()); // prints "✗ not yet: …"
 * chapter06.check.exercise2(chapter06.solutions.exercise2); // prints "✓ right: …"
 * ```
 *
 * @module
 */

// The checks run tensor ops and call tensor methods, so the ops (which attach the methods) and
// the CPU backend must be loaded even without lib/mod.ts.
import "../backend/mod.ts";
import "../ops/mod.ts";
import { noGrad } from "../autograd/graph.ts";
import type { Transform } from "../data/transforms.ts";
import { softplus } from "../ops/unary.ts";
import { fromArray } from "../tensor/creation.ts";
import { tidy } from "../tensor/memory.ts";
import { Rng } from "../tensor/random.ts";
import { formatShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { messageOf, show } from "./format.ts";
import { checker, formatVerdict, notYet, right, type Verdict } from "./verdict.ts";

/** Exercise 1's answer: the noise level p to a transform that adds salt-and-pepper noise. */
export type NoiseFactory = (p: number) => Transform;

/**
 * Exercise 2's answer: centre input vectors [B, D], context output vectors [B, D] and negative
 * output vectors [B, K, D] to the mean negative-sampling loss, shape [].
 */
export type NegativeSamplingLoss = (center: Tensor, context: Tensor, negatives: Tensor) => Tensor;

/**
 * Exercise 3's answer: a table of word vectors [V, D] and the ids a, b, c to the ids of the k words
 * that best complete "a is to b as c is to ?", best first.
 */
export type AnalogySolver = (table: Tensor, a: number, b: number, c: number, k: number) => number[];

/** The trained vectors and their words, on which exercise 3's check tries a right answer. */
export interface AnalogyDemo {
  /** The word vectors [V, D]. */
  readonly table: Tensor;
  /** The word of each row. */
  readonly words: readonly string[];
}

/** Whether `a` equals `b` to float32 precision. */
function close(a: number, b: number, rtol = 1e-4): boolean {
  return Math.abs(a - b) <= 1e-4 + rtol * Math.abs(b);
}

/** A percentage for messages. */
const percent = (v: number) => `${(100 * v).toFixed(1)}%`;

// ---------------------------------------------------------------------------------------------
// Exercise 1: salt-and-pepper noise.

const NOISE_P = 0.3;
const NOISE_SHAPE = [20, 1000] as const;
const GRAY = 0.5;

/** What a transform did to a gray batch: the batch after, and what it returned. */
function runNoise(transform: Transform, seed: number): { batch: Float32Array; returned: unknown } {
  const batch = new Float32Array(NOISE_SHAPE[0] * NOISE_SHAPE[1]).fill(GRAY);
  const returned = (transform as (...args: unknown[]) => unknown)(
    batch,
    NOISE_SHAPE,
    new Rng(seed),
  );
  return { batch, returned };
}

/**
 * Grades exercise 1: on a batch of 20,000 mid-gray pixels with p = 0.3, about 30% must change,
 * each to exactly 0 or 1 in equal shares, in place; the same seed must give the same noise; p = 0
 * must change nothing.
 */
function gradeExercise1(answer: NoiseFactory): Verdict {
  if (typeof answer !== "function") {
    return notYet(`exercise 1 takes a function p => transform, got ${typeof answer}`);
  }
  let transform: unknown;
  try {
    transform = answer(NOISE_P);
  } catch (error) {
    return notYet(`saltAndPepper(${NOISE_P}) threw: ${messageOf(error)}`);
  }
  if (typeof transform !== "function") {
    return notYet(
      `saltAndPepper(${NOISE_P}) returned ${typeof transform}, not a transform: return a ` +
        "function (batch, shape, rng) => { … } that changes batch",
    );
  }
  let first: { batch: Float32Array; returned: unknown };
  try {
    first = runNoise(transform as Transform, 11);
  } catch (error) {
    return notYet(`your transform threw on a batch of shape [20, 1000]: ${messageOf(error)}`);
  }
  const { batch } = first;
  const n = batch.length;
  const zeros = batch.filter((v) => v === 0).length;
  const ones = batch.filter((v) => v === 1).length;
  const unchanged = batch.filter((v) => v === GRAY).length;
  const others = n - zeros - ones - unchanged;
  if (unchanged === n) {
    return notYet(
      first.returned instanceof Float32Array
        ? "your transform returns a new array, but the loader ignores what it returns: change " +
          "batch in place (batch[i] = …)"
        : "your transform changed no pixel of the batch: pick each pixel with probability p " +
          "(rng.uniform() < p) and set it to 0 or 1",
    );
  }
  if (others > 0) {
    const big = batch.some((v) => v > 1);
    return notYet(
      big
        ? "some pixels became larger than 1: after rescale(1 / 255) pixels lie in [0, 1], so salt " +
          "is 1, not 255"
        : `${others} pixels became something other than 0 or 1; a picked pixel must become ` +
          "exactly 0 (pepper) or exactly 1 (salt)",
    );
  }
  const picked = (zeros + ones) / n;
  if (ones === 0 || zeros === 0) {
    const only = ones === 0 ? "0" : "1";
    return notYet(
      `every picked pixel became ${only}` +
        (ones === 0 ? " (that is masking noise)" : "") +
        ": each picked pixel should become 0 or 1 with probability ½ each, for example " +
        "with a second draw, rng.uniform() < 0.5",
    );
  }
  if (Math.abs(picked - NOISE_P) > 0.02) {
    return notYet(
      `with p = ${NOISE_P} your transform changed ${percent(picked)} of the pixels; it should ` +
        `pick each pixel with probability p, so about ${percent(NOISE_P)}`,
    );
  }
  const saltShare = ones / (zeros + ones);
  if (Math.abs(saltShare - 0.5) > 0.04) {
    return notYet(
      `${percent(saltShare)} of the picked pixels became 1 and the rest 0; each should be 0 or ` +
        "1 with probability ½",
    );
  }
  const second = runNoise(transform as Transform, 11);
  if (!second.batch.every((v, i) => v === batch[i])) {
    return notYet(
      "two runs with equally seeded generators gave different noise: draw every random number " +
        "from the rng argument (rng.uniform()), not Math.random, so that a seeded loader repeats",
    );
  }
  let none: Float32Array;
  try {
    none = runNoise(answer(0), 12).batch;
  } catch (error) {
    return notYet(`with p = 0 your transform threw: ${messageOf(error)}`);
  }
  if (!none.every((v) => v === GRAY)) {
    return notYet("with p = 0 your transform still changed pixels; p is the share to pick");
  }
  return right(
    `with p = ${NOISE_P} your transform picked ${percent(picked)} of the pixels, ` +
      `${percent(saltShare)} of them salt (1) and the rest pepper (0), in place and repeatable ` +
      "from the seed. A denoising autoencoder trained with it learns to remove stray ink as well " +
      "as to restore missing ink.",
  );
}

/** The solution of exercise 1. */
function saltAndPepper(p: number): Transform {
  return (batch, _shape, rng) => {
    for (let i = 0; i < batch.length; i++) {
      if (rng.uniform() < p) batch[i] = rng.uniform() < 0.5 ? 0 : 1;
    }
  };
}

// ---------------------------------------------------------------------------------------------
// Exercise 2: the negative-sampling loss.

/** One batch of exercise 2: the vectors as flat float64 arrays, with their sizes. */
interface LossBatch {
  readonly name: string;
  readonly b: number;
  readonly k: number;
  readonly d: number;
  readonly center: Float64Array;
  readonly context: Float64Array;
  readonly negatives: Float64Array;
}

/** A batch of `b` rows with `k` negatives of width `d`, entries normal × `scale`. */
function lossBatch(
  name: string,
  b: number,
  k: number,
  d: number,
  scale: number,
  seed: number,
): LossBatch {
  const rng = new Rng(seed);
  const draw = (n: number) => Float64Array.from({ length: n }, () => scale * rng.normal());
  return { name, b, k, d, center: draw(b * d), context: draw(b * d), negatives: draw(b * k * d) };
}

/** log(1 + eˣ) without overflow, in float64. */
const softplus64 = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

/** The per-row positive scores u_o·v_c and negative scores u_nₖ·v_c, in float64. */
function scoresOf(batch: LossBatch): { positive: number[]; negative: number[][] } {
  const { b, k, d, center, context, negatives } = batch;
  const dot = (x: Float64Array, xo: number, y: Float64Array, yo: number) => {
    let s = 0;
    for (let i = 0; i < d; i++) s += x[xo + i] * y[yo + i];
    return s;
  };
  return {
    positive: Array.from({ length: b }, (_, r) => dot(center, r * d, context, r * d)),
    negative: Array.from(
      { length: b },
      (_, r) => Array.from({ length: k }, (_, j) => dot(center, r * d, negatives, (r * k + j) * d)),
    ),
  };
}

/** The right loss of a batch, and the values of the usual mistakes with their hints. */
function lossValues(
  batch: LossBatch,
): { right: number; mistakes: { value: number; hint: string }[] } {
  const { positive, negative } = scoresOf(batch);
  const mean = (f: (r: number) => number) =>
    positive.reduce((s, _, r) => s + f(r), 0) / positive.length;
  const sum = (xs: number[], f: (x: number) => number) => xs.reduce((s, x) => s + f(x), 0);
  const value = mean((r) => softplus64(-positive[r]) + sum(negative[r], softplus64));
  return {
    right: value,
    mistakes: [
      {
        value: mean((r) => softplus64(-positive[r])),
        hint: "your loss has only the positive term −log σ(u_o·v_c); add the K negative words' " +
          "terms −log σ(−u_nₖ·v_c), which push v_c away from the random words",
      },
      {
        value: value * batch.b,
        hint: "your loss is the sum over the batch; take the mean over the B pairs",
      },
      {
        value: mean((r) => softplus64(-positive[r]) + sum(negative[r], softplus64) / batch.k),
        hint: "you average the K negative terms; the loss adds them up (Σₖ), so each negative " +
          "word counts as much as the context word",
      },
      {
        value: mean((r) => softplus64(-positive[r]) + sum(negative[r], (x) => softplus64(-x))),
        hint: "the negative terms have the wrong sign: they are −log σ(−u_nₖ·v_c), the log " +
          "probability that the random word is NOT a context word (note the minus inside σ)",
      },
      {
        value: mean((r) => softplus64(positive[r]) + sum(negative[r], softplus64)),
        hint: "the positive term has the wrong sign: it is −log σ(+u_o·v_c), so that a large " +
          "score for the real context word gives a small loss",
      },
      {
        value: value / (batch.k + 1),
        hint: "your loss is averaged over the 1 + K scores of each row as well as over the " +
          "batch; sum the terms of a row, then take the mean over the rows",
      },
    ],
  };
}

/** The answer's value on one batch, or why there is none. */
function negativeLossOf(answer: NegativeSamplingLoss, batch: LossBatch): number | string {
  return tidy(() => {
    const { b, k, d } = batch;
    const center = fromArray(Float32Array.from(batch.center), [b, d]);
    const context = fromArray(Float32Array.from(batch.context), [b, d]);
    const negatives = fromArray(Float32Array.from(batch.negatives), [b, k, d]);
    let out: unknown;
    try {
      out = noGrad(() => answer(center, context, negatives));
    } catch (error) {
      return `your function threw on ${batch.name}: ${messageOf(error)}`;
    }
    if (!(out instanceof Tensor)) {
      return `your function returned ${out === null ? "null" : typeof out}, not a tensor`;
    }
    if (out.size !== 1) {
      return `your function returned a tensor of shape ${formatShape(out.shape)}, not one number` +
        (out.rank === 1 && out.shape[0] === b
          ? ": that is one loss per pair; take their mean over the batch"
          : ": the loss is a single number, shape []");
    }
    return out.dataSync()[0];
  });
}

/**
 * Grades exercise 2: on a batch with ordinary vectors and on one with dot products in the
 * hundreds, the answer must equal the mean negative-sampling loss within float32 precision.
 */
function gradeExercise2(answer: NegativeSamplingLoss): Verdict {
  if (typeof answer !== "function") {
    return notYet(
      `exercise 2 takes a function (center, context, negatives) => loss, got ${typeof answer}`,
    );
  }
  const ordinary = lossBatch("a batch of 6 pairs with 4 negatives each", 6, 4, 8, 0.5, 606);
  const large = lossBatch("a batch whose dot products reach the hundreds", 5, 3, 8, 12, 607);
  const got = negativeLossOf(answer, ordinary);
  if (typeof got === "string") return notYet(got);
  const want = lossValues(ordinary);
  if (!close(got, want.right)) {
    const mistake = want.mistakes.find((m) => close(got, m.value));
    if (mistake) return notYet(mistake.hint);
    return notYet(
      `on ${ordinary.name} your loss is ${show(got)}, but the negative-sampling loss is ` +
        `${show(want.right)}: per pair −log σ(u_o·v_c) − Σₖ log σ(−u_nₖ·v_c), with u_o·v_c from ` +
        "center and context [B, D] and the K scores u_nₖ·v_c from negatives [B, K, D] times " +
        "center [B, 1, D], summed over D; then the mean over the pairs",
    );
  }
  const gotLarge = negativeLossOf(answer, large);
  if (typeof gotLarge === "string") return notYet(gotLarge);
  const wantLarge = lossValues(large).right;
  if (!Number.isFinite(gotLarge)) {
    return notYet(
      `right on ordinary vectors, but on ${large.name} your loss is ${gotLarge}: σ(z) of a very ` +
        "negative z is 0 in float32, and log 0 = −∞. Use −log σ(z) = softplus(−z), which " +
        "never takes the log of 0",
    );
  }
  if (!close(gotLarge, wantLarge)) {
    return notYet(
      `right on ordinary vectors, but on ${large.name} your loss is ${show(gotLarge)} instead of ` +
        `${show(wantLarge)}: something loses precision for large scores; use softplus`,
    );
  }
  return right(
    `your loss equals the negative-sampling loss on ordinary vectors (${show(want.right)}) and ` +
      `stays exact when the scores reach the hundreds (${show(wantLarge)}). It is the binary ` +
      "cross-entropy of the 1 + K scores against the labels 1, 0, …, 0, summed over a row, which " +
      "is how the chapter computes it.",
  );
}

/** The solution of exercise 2: softplus(−positive) plus Σ softplus(negative), mean over rows. */
function negativeSamplingLoss(center: Tensor, context: Tensor, negatives: Tensor): Tensor {
  const positive = center.mul(context).sum(-1); // [B]
  const negative = negatives.mul(center.unsqueeze(1)).sum(-1); // [B, K]
  return softplus(positive.neg()).add(softplus(negative).sum(-1)).mean();
}

// ---------------------------------------------------------------------------------------------
// Exercise 3: analogies.

const ANALOGY_ROWS = 40, ANALOGY_DIMS = 6, ANALOGY_K = 5;

/** A table whose rows point every which way and whose lengths differ up to fortyfold. */
function analogyTable(seed: number): number[][] {
  const rng = new Rng(seed);
  return Array.from({ length: ANALOGY_ROWS }, () => {
    const length = Math.exp(1.2 * rng.normal());
    return Array.from({ length: ANALOGY_DIMS }, () => length * rng.normal());
  });
}

/** How a candidate answer forms the query and scores the rows. */
interface AnalogyVariant {
  readonly unitInputs: boolean;
  readonly cosine: boolean;
  readonly exclude: boolean;
  readonly sign: 1 | -1; // +1: b − a + c; −1: a − b + c
  readonly ascending: boolean;
}

const RIGHT_WAY: AnalogyVariant = {
  unitInputs: true,
  cosine: true,
  exclude: true,
  sign: 1,
  ascending: false,
};

/** The ids a variant of the method returns for (a, b, c), in float64. */
function solveAnalogy(
  rows: number[][],
  [a, b, c]: readonly number[],
  k: number,
  v: AnalogyVariant,
): number[] {
  const norm = (r: number[]) => Math.sqrt(r.reduce((s, x) => s + x * x, 0));
  const scaled = (i: number) => v.unitInputs ? rows[i].map((x) => x / norm(rows[i])) : rows[i];
  const [va, vb, vc] = [scaled(a), scaled(b), scaled(c)];
  const query = vb.map((x, j) => v.sign * (x - va[j]) + vc[j]);
  const scores = rows.map((r) => {
    const dot = r.reduce((s, x, j) => s + x * query[j], 0);
    return v.cosine ? dot / norm(r) : dot;
  });
  return scores.map((s, id) => ({ s, id }))
    .filter(({ id }) => !v.exclude || (id !== a && id !== b && id !== c))
    .sort((x, y) => (v.ascending ? x.s - y.s : y.s - x.s))
    .slice(0, k)
    .map(({ id }) => id);
}

/** The usual mistakes, each as the variant that makes it and its hint. */
const ANALOGY_MISTAKES: { variant: AnalogyVariant; hint: string }[] = [
  {
    variant: { ...RIGHT_WAY, exclude: false },
    hint: "leave out a, b and c: the query b̂ − â + ĉ is usually closest to b or c themselves, " +
      "which are not answers",
  },
  {
    variant: { ...RIGHT_WAY, unitInputs: false, cosine: false },
    hint: "you rank by dot products of the raw vectors, so long vectors win whatever their " +
      "direction; rank by cosine: scale every row to unit length first, or divide each score " +
      "by the candidate's length",
  },
  {
    variant: { ...RIGHT_WAY, cosine: false },
    hint: "the query is right, but you score the candidates by their dot product with it, so " +
      "long vectors win whatever their direction; divide each score by the candidate's length " +
      "(or scale all rows to unit length)",
  },
  {
    variant: { ...RIGHT_WAY, unitInputs: false },
    hint: "scale a, b and c to unit length before forming the query b̂ − â + ĉ; otherwise the " +
      "longest of the three vectors dominates it",
  },
  {
    variant: { ...RIGHT_WAY, sign: -1 },
    hint: "the query is b̂ − â + ĉ (take from b what makes it differ from a, then add c), not " +
      "â − b̂ + ĉ",
  },
  {
    variant: { ...RIGHT_WAY, ascending: true },
    hint: "you return the least similar words; sort by similarity from the highest down",
  },
];

/** The analogies the check asks: (a, b, c) triples of the test tables. */
const ANALOGY_CASES: { seed: number; abc: [number, number, number] }[] = [
  { seed: 31, abc: [0, 1, 2] },
  { seed: 32, abc: [5, 9, 3] },
  { seed: 33, abc: [17, 4, 11] },
];

/** The answer's ids for one case, or why there are none. */
function analogyOf(
  answer: AnalogySolver,
  rows: number[][],
  abc: readonly number[],
): number[] | string {
  return tidy(() => {
    const table = fromArray(Float32Array.from(rows.flat()), [ANALOGY_ROWS, ANALOGY_DIMS]);
    let out: unknown;
    try {
      out = noGrad(() => answer(table, abc[0], abc[1], abc[2], ANALOGY_K));
    } catch (error) {
      return `your function threw on a table [40, 6]: ${messageOf(error)}`;
    }
    if (out instanceof Tensor) {
      return "your function returned a tensor; return a plain array of ids (numbers), e.g. " +
        "with .map(({ id }) => id) after sorting";
    }
    if (!Array.isArray(out) || !out.every((id) => Number.isInteger(id))) {
      return "your function should return an array of word ids (whole numbers)";
    }
    if (out.length !== ANALOGY_K) {
      return `asked for k = ${ANALOGY_K} words, your function returned ${out.length}`;
    }
    return out as number[];
  });
}

/**
 * Grades exercise 3: on three tables of 40 vectors of very different lengths, the answer's top 5
 * for (a, b, c) must be exactly the words of highest cosine similarity with b̂ − â + ĉ, best
 * first, without a, b or c.
 */
function gradeExercise3(answer: AnalogySolver): Verdict {
  if (typeof answer !== "function") {
    return notYet(`exercise 3 takes a function (table, a, b, c, k) => ids, got ${typeof answer}`);
  }
  for (const { seed, abc } of ANALOGY_CASES) {
    const rows = analogyTable(seed);
    const got = analogyOf(answer, rows, abc);
    if (typeof got === "string") return notYet(got);
    const want = solveAnalogy(rows, abc, ANALOGY_K, RIGHT_WAY);
    if (got.join() === want.join()) continue;
    const mistake = ANALOGY_MISTAKES.find((m) =>
      solveAnalogy(rows, abc, ANALOGY_K, m.variant).join() === got.join()
    );
    if (mistake) return notYet(mistake.hint);
    if (got.some((id) => abc.includes(id))) return notYet(ANALOGY_MISTAKES[0].hint);
    if ([...got].sort().join() === [...want].sort().join()) {
      return notYet(
        `you return the right words in the wrong order (${got.join(", ")} instead of ` +
          `${want.join(", ")}): most similar first`,
      );
    }
    return notYet(
      `for a, b, c = ${abc.join(", ")} your function returns ${got.join(", ")}, but the ` +
        `${ANALOGY_K} words most similar to b̂ − â + ĉ (cosine, leaving out a, b, c) are ` +
        `${want.join(", ")}`,
    );
  }
  return right(
    "your solver returns the words of highest cosine similarity with b̂ − â + ĉ, best first, " +
      "leaving out a, b and c, on all three test tables (this is Mikolov's 3CosAdd).",
  );
}

/** The solution of exercise 3: unit rows, the query b̂ − â + ĉ, cosine scores, a, b, c left out. */
function analogy(table: Tensor, a: number, b: number, c: number, k: number): number[] {
  const unit = table.div(table.square().sum(-1, true).sqrt());
  const rows = unit.toArray() as number[][];
  const query = rows[b].map((v, j) => v - rows[a][j] + rows[c][j]);
  return rows.map((r, id) => ({ id, score: r.reduce((s, v, j) => s + v * query[j], 0) }))
    .filter(({ id }) => id !== a && id !== b && id !== c)
    .sort((x, y) => y.score - x.score)
    .slice(0, k)
    .map(({ id }) => id);
}

/** Analogies to try on the War and Peace vectors once the solver is right. */
const DEMO_ANALOGIES: [string, string, string][] = [
  ["he", "she", "his"],
  ["prince", "princess", "count"],
  ["man", "woman", "boy"],
  ["father", "mother", "son"],
  ["two", "three", "four"],
];

/**
 * Exercise 3's notebook check: prints the verdict and, for a right solver given the trained
 * vectors, its top 3 answers to a few analogies on them.
 */
function checkExercise3(answer: AnalogySolver, demo?: AnalogyDemo): void {
  let verdict: Verdict;
  try {
    verdict = gradeExercise3(answer);
  } catch (error) {
    verdict = notYet(`checking your answer raised an error: ${messageOf(error)}`);
  }
  console.log(formatVerdict(verdict));
  if (!verdict.ok || demo === undefined) return;
  const ids = new Map(demo.words.map((w, i) => [w, i]));
  for (const [a, b, c] of DEMO_ANALOGIES) {
    if (![a, b, c].every((w) => ids.has(w))) continue;
    try {
      const top = noGrad(() => answer(demo.table, ids.get(a)!, ids.get(b)!, ids.get(c)!, 3));
      console.log(`  ${a} : ${b} :: ${c} : ${top.map((id) => demo.words[id]).join(" / ")}`);
    } catch (error) {
      console.log(`  on the trained vectors your solver threw: ${messageOf(error)}`);
      return;
    }
  }
}

/** The graders: each takes an answer and returns a {@link Verdict} without printing. */
export const grade: {
  readonly exercise1: (answer: NoiseFactory) => Verdict;
  readonly exercise2: (answer: NegativeSamplingLoss) => Verdict;
  readonly exercise3: (answer: AnalogySolver) => Verdict;
} = Object.freeze({
  exercise1: gradeExercise1,
  exercise2: gradeExercise2,
  exercise3: gradeExercise3,
});

/**
 * The notebook's checks: each prints `✓ right: …` or `✗ not yet: …` with the reason, and never
 * throws, so the notebook runs on with a wrong answer. Exercise 3's check also tries a right
 * solver on the trained vectors, when they are given.
 */
export const check: {
  readonly exercise1: (answer: NoiseFactory) => void;
  readonly exercise2: (answer: NegativeSamplingLoss) => void;
  readonly exercise3: (answer: AnalogySolver, demo?: AnalogyDemo) => void;
} = Object.freeze({
  exercise1: checker(gradeExercise1),
  exercise2: checker(gradeExercise2),
  exercise3: checkExercise3,
});

/** The solutions, for instructors: run `check.exercise1(solutions.exercise1)`. */
export const solutions: {
  readonly exercise1: NoiseFactory;
  readonly exercise2: NegativeSamplingLoss;
  readonly exercise3: AnalogySolver;
} = Object.freeze({
  exercise1: saltAndPepper,
  exercise2: negativeSamplingLoss,
  exercise3: analogy,
});
