/**
 * Chapter 8's exercises, Memory-Augmented Neural Networks: their graders, the notebook checks
 * that print the graders' verdicts, and the solutions. All three work on plain arrays of numbers.
 *
 * 1. NTM content addressing: softmax over the slots of β times the cosine similarity of a key
 *    with each slot.
 * 2. The NTM's circular shift of a weighting by a distribution over the shifts −1, 0, +1.
 * 3. The DNC's temporal link matrix after a sequence of writes (link update, then precedence).
 *
 * @example
 * ```ts
 * import { chapter08 } from "../lib/exercises/mod.ts";
 * chapter08.check.exercise2((w) => w.slice()); // prints "✗ not yet: …"
 * chapter08.check.exercise2(chapter08.solutions.exercise2); // prints "✓ right: …"
 * ```
 *
 * @module
 */

import { messageOf, show, showList } from "./format.ts";
import { checker, notYet, right, type Verdict } from "./verdict.ts";

/** Exercise 1's answer: the content weighting of `memory` (N slots of W) for a key and β. */
export type ContentWeights = (memory: number[][], key: number[], strength: number) => number[];

/** Exercise 2's answer: a weighting shifted circularly by s = (s₋₁, s₀, s₊₁). */
export type CircularShift = (weights: number[], shift: [number, number, number]) => number[];

/** Exercise 3's answer: the link matrix L [N][N] after the write weightings, one per step. */
export type TemporalLinks = (writes: number[][]) => number[][];

/** Whether every value is within `tol` (relative) of the reference. */
function allClose(got: readonly number[], want: readonly number[], tol = 1e-6): boolean {
  if (got.length !== want.length) return false;
  return want.every((w, i) => Math.abs(got[i] - w) <= tol * (1 + Math.abs(w)));
}

/** Whether `v` is an array of `n` finite numbers. */
function isNumbers(v: unknown, n: number): v is number[] {
  return Array.isArray(v) && v.length === n && v.every((x) => typeof x === "number");
}

const softmax = (z: readonly number[]) => {
  const top = Math.max(...z);
  const e = z.map((v) => Math.exp(v - top));
  const total = e.reduce((s, v) => s + v, 0);
  return e.map((v) => v / total);
};
const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
const norm = (a: readonly number[]) => Math.sqrt(dot(a, a));

// ---------------------------------------------------------------------------------------------
// Exercise 1: content addressing.

/** Exercise 1's memory: 5 slots of width 3; the key is closest in direction to slot 3. */
const MEMORY = [[1, 0, 0], [0, 2, 0], [3, 3, 0], [0.5, 1, 2], [-1, 0, 1]];
const KEY = [1, 2, 4.5];
const STRENGTHS = [1, 5];

/** w^c in float64, or with one of the usual mistakes. */
function referenceContent(
  memory: readonly (readonly number[])[],
  key: readonly number[],
  strength: number,
  mistake: "none" | "dot" | "noStrength" | "noSoftmax" = "none",
): number[] {
  const similarity = memory.map((m) =>
    mistake === "dot" ? dot(m, key) : dot(m, key) / (norm(m) * norm(key))
  );
  if (mistake === "noSoftmax") {
    const total = similarity.reduce((s, v) => s + v, 0);
    return similarity.map((v) => v / total);
  }
  return softmax(similarity.map((s) => (mistake === "noStrength" ? s : strength * s)));
}

function gradeExercise1(answer: ContentWeights): Verdict {
  if (typeof answer !== "function") {
    return notYet(
      `exercise 1 takes a function (memory, key, strength) => weights, got ${typeof answer}`,
    );
  }
  for (const strength of STRENGTHS) {
    let got: unknown;
    try {
      got = answer(MEMORY.map((m) => m.slice()), KEY.slice(), strength);
    } catch (error) {
      return notYet(`your function threw for β = ${strength}: ${messageOf(error)}`);
    }
    if (!isNumbers(got, MEMORY.length)) {
      return notYet(`return an array of ${MEMORY.length} numbers, one weight per memory slot`);
    }
    const want = referenceContent(MEMORY, KEY, strength);
    if (allClose(got, want)) continue;
    const where = `for β = ${strength}`;
    if (allClose(got, referenceContent(MEMORY, KEY, strength, "dot"))) {
      return notYet(
        `${where} you used the plain dot product k · M_i: divide it by ‖k‖ ‖M_i‖ (cosine ` +
          "similarity), or long slots win whatever their direction",
      );
    }
    if (allClose(got, referenceContent(MEMORY, KEY, strength, "noStrength"))) {
      return notYet(
        `${where} your weights ignore β: multiply the similarities by β before the softmax`,
      );
    }
    if (allClose(got, referenceContent(MEMORY, KEY, strength, "noSoftmax"))) {
      return notYet(`${where} you normalised the similarities by their sum; use a softmax of β·K`);
    }
    const total = got.reduce((s, v) => s + v, 0);
    if (Math.abs(total - 1) > 1e-6) {
      return notYet(`${where} your weights sum to ${show(total)}; a weighting sums to 1 (softmax)`);
    }
    return notYet(
      `${where} you return ${showList(got)}, but softmax(β K(k, M_i)) is ${showList(want)}`,
    );
  }
  const sharp = referenceContent(MEMORY, KEY, 5);
  return right(
    `your weightings match. Slot 3 points most nearly along the key, so it gets ` +
      `${show(sharp[3])} of the weight at β = 5, although slot 2 is longer and has the larger ` +
      "dot product: cosine similarity compares directions only.",
  );
}

// ---------------------------------------------------------------------------------------------
// Exercise 2: circular shift.

const SHIFT_CASES: readonly { weights: number[]; shift: [number, number, number] }[] = [
  { weights: [0.1, 0.6, 0.3, 0, 0], shift: [0, 0, 1] },
  { weights: [0.1, 0.6, 0.3, 0, 0], shift: [1, 0, 0] },
  { weights: [0, 0, 0.2, 0.1, 0.7], shift: [0.1, 0.3, 0.6] },
];

/** w̃_i = Σ_j w_{i−j} s_j (indices mod N), shifts j = −1, 0, +1. */
function referenceShift(weights: readonly number[], shift: readonly number[], sign = 1): number[] {
  const n = weights.length;
  return weights.map((_, i) =>
    [-1, 0, 1].reduce((s, j, k) => s + weights[(((i - sign * j) % n) + n) % n] * shift[k], 0)
  );
}

function gradeExercise2(answer: CircularShift): Verdict {
  if (typeof answer !== "function") {
    return notYet(`exercise 2 takes a function (weights, shift) => weights, got ${typeof answer}`);
  }
  for (const { weights, shift } of SHIFT_CASES) {
    let got: unknown;
    try {
      got = answer(weights.slice(), [...shift]);
    } catch (error) {
      return notYet(`your function threw: ${messageOf(error)}`);
    }
    if (!isNumbers(got, weights.length)) {
      return notYet(`return an array of ${weights.length} numbers, one weight per slot`);
    }
    const want = referenceShift(weights, shift);
    if (allClose(got, want)) continue;
    const where = `for w = ${showList(weights)} and s = ${showList(shift)}`;
    if (allClose(got, referenceShift(weights, shift, -1))) {
      return notYet(
        `${where} you moved the weights the wrong way: s₊₁ = 1 must move each weight to the next ` +
          "slot, w̃_i = w_{i−1}",
      );
    }
    if (got.some((v) => !Number.isFinite(v))) {
      return notYet(`${where} you return ${showList(got)}: wrap the indices round modulo N`);
    }
    return notYet(`${where} you return ${showList(got)}, but it should be ${showList(want)}`);
  }
  return right(
    "your shift matches, wrap-around included: with s = (0, 0, 1) every weight moves one slot " +
      "forward and the last slot's weight lands on slot 0. A soft s blurs the weighting, which is " +
      "why the NTM sharpens it afterwards.",
  );
}

// ---------------------------------------------------------------------------------------------
// Exercise 3: temporal links.

/** The writes of exercise 3: a hard write to slots 1, 3, 0, then a soft one, in 4 slots. */
const WRITES = [[0, 1, 0, 0], [0, 0, 0, 1], [1, 0, 0, 0], [0.2, 0, 0.8, 0]];

/** The link matrix after `writes`, in float64, or with one of the usual mistakes. */
function referenceLinks(
  writes: readonly (readonly number[])[],
  mistake: "none" | "precedenceFirst" | "transposed" | "diagonal" = "none",
): number[][] {
  const n = writes[0].length;
  let links = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  let precedence = new Array<number>(n).fill(0);
  const updatePrecedence = (w: readonly number[]) => {
    const total = w.reduce((s, v) => s + v, 0);
    precedence = precedence.map((p, i) => (1 - total) * p + w[i]);
  };
  for (const w of writes) {
    if (mistake === "precedenceFirst") updatePrecedence(w);
    links = links.map((row, i) =>
      row.map((l, j) => {
        if (i === j && mistake !== "diagonal") return 0;
        return (1 - w[i] - w[j]) * l + w[i] * precedence[j];
      })
    );
    if (mistake !== "precedenceFirst") updatePrecedence(w);
  }
  return mistake === "transposed" ? links.map((row, i) => row.map((_, j) => links[j][i])) : links;
}

function gradeExercise3(answer: TemporalLinks): Verdict {
  if (typeof answer !== "function") {
    return notYet(`exercise 3 takes a function (writes) => links, got ${typeof answer}`);
  }
  const n = WRITES[0].length;
  let got: unknown;
  try {
    got = answer(WRITES.map((w) => w.slice()));
  } catch (error) {
    return notYet(`your function threw: ${messageOf(error)}`);
  }
  if (!Array.isArray(got) || got.length !== n || !got.every((row) => isNumbers(row, n))) {
    return notYet(`return the link matrix as ${n} rows of ${n} numbers`);
  }
  const flat = (got as number[][]).flat();
  const want = referenceLinks(WRITES);
  if (allClose(flat, want.flat())) {
    return right(
      `your links match. After hard writes to slots 1, 3 and 0, L[3][1] = ${show(want[3][1])} ` +
        `says slot 3 came right after slot 1; the soft last write weakened L[0][3] to ` +
        `${show(want[0][3])}.`,
    );
  }
  if (flat.every((v) => v === 0)) {
    return notYet(
      "your links are all 0: each write adds w_i p_j, from the precedence p of the step before",
    );
  }
  if (allClose(flat, referenceLinks(WRITES, "precedenceFirst").flat())) {
    return notYet(
      "you updated the precedence before the links: L_t uses p_{t−1}, the precedence before this " +
        "write, or every slot gets linked to itself",
    );
  }
  if (allClose(flat, referenceLinks(WRITES, "transposed").flat())) {
    return notYet("your matrix is transposed: L[i][j] is w_i p_j, slot i written after slot j");
  }
  if (allClose(flat, referenceLinks(WRITES, "diagonal").flat())) {
    return notYet("the diagonal must stay 0: a slot is never linked to itself");
  }
  return notYet(
    `your row 3 is ${showList((got as number[][])[3])}, but it should be ${showList(want[3])}: ` +
      "L[i][j] ← (1 − w_i − w_j) L[i][j] + w_i p_j, then p ← (1 − Σ w) p + w",
  );
}

// ---------------------------------------------------------------------------------------------

/** The graders: each takes an answer and returns a {@link Verdict} without printing. */
export const grade: {
  readonly exercise1: (answer: ContentWeights) => Verdict;
  readonly exercise2: (answer: CircularShift) => Verdict;
  readonly exercise3: (answer: TemporalLinks) => Verdict;
} = Object.freeze({
  exercise1: gradeExercise1,
  exercise2: gradeExercise2,
  exercise3: gradeExercise3,
});

/**
 * The notebook's checks: each prints `✓ right: …` or `✗ not yet: …` with the reason, and never
 * throws, so the notebook runs on with a wrong answer.
 */
export const check: {
  readonly exercise1: (answer: ContentWeights) => void;
  readonly exercise2: (answer: CircularShift) => void;
  readonly exercise3: (answer: TemporalLinks) => void;
} = Object.freeze({
  exercise1: checker(gradeExercise1),
  exercise2: checker(gradeExercise2),
  exercise3: checker(gradeExercise3),
});

/** The solutions, for instructors: run `check.exercise1(solutions.exercise1)`. */
export const solutions: {
  readonly exercise1: ContentWeights;
  readonly exercise2: CircularShift;
  readonly exercise3: TemporalLinks;
} = Object.freeze({
  exercise1: (memory: number[][], key: number[], strength: number) =>
    referenceContent(memory, key, strength),
  exercise2: (weights: number[], shift: [number, number, number]) => referenceShift(weights, shift),
  exercise3: (writes: number[][]) => referenceLinks(writes),
});
