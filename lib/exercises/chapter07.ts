/**
 * Chapter 7's exercises, Sequence Models: their graders, the notebook checks that print the
 * graders' verdicts, and the solutions.
 *
 * 1. One step of an LSTM written from its gate equations, with the library's weight layout (gate
 *    blocks i, f, g, o side by side). It is checked against a float64 reference on a random batch.
 * 2. Dot-product attention weights with a padding mask: softmax over the positions of q · k, and 0
 *    on padding. Checked against a float64 reference on a batch with padded rows.
 * 3. Probabilities at a temperature, p ∝ exp(z / τ), on plain numbers, including scores large
 *    enough to overflow a naive exp.
 *
 * @example
 * ```ts
 * import { chapter07 } from "../lib/exercises/mod.ts";
 * chapter07.check.exercise3((z) => z.map(() => 1 / z.length)); // prints "✗ not yet: …"
 * chapter07.check.exercise3(chapter07.solutions.exercise3); // prints "✓ right: …"
 * ```
 *
 * @module
 */

// The checks run tensor ops and call tensor methods, so the ops (which attach the methods) and
// the CPU backend must be loaded even without lib/mod.ts.
import "../backend/mod.ts";
import "../ops/mod.ts";
import { noGrad } from "../autograd/graph.ts";
import type { LSTMState } from "../nn/functional.ts";
import { fromArray } from "../tensor/creation.ts";
import { tidy } from "../tensor/memory.ts";
import { Rng } from "../tensor/random.ts";
import { formatShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { messageOf, show, showList } from "./format.ts";
import { checker, notYet, right, type Verdict } from "./verdict.ts";

/** The weights of one LSTM layer, as the library lays them out (gate blocks i, f, g, o). */
export interface LstmWeights {
  /** Input weight [F, 4H]. */
  readonly weightIh: Tensor;
  /** Hidden weight [H, 4H]. */
  readonly weightHh: Tensor;
  /** Input bias [4H]. */
  readonly biasIh: Tensor;
  /** Hidden bias [4H]. */
  readonly biasHh: Tensor;
}

/** Exercise 1's answer: the state after one LSTM step on input x [B, F] from state { h, c }. */
export type LstmStep = (x: Tensor, state: LSTMState, weights: LstmWeights) => LSTMState;

/** Exercise 2's answer: attention weights [B, S] for queries [B, H], keys [B, S, H], mask [B, S]. */
export type AttentionWeights = (query: Tensor, keys: Tensor, mask: Tensor) => Tensor;

/** Exercise 3's answer: probabilities at a temperature from scores. */
export type TemperatureProbabilities = (scores: number[], temperature: number) => number[];

/** Whether every value is within float32 rounding of the reference. */
function allClose(got: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-4): boolean {
  if (got.length !== want.length) return false;
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tol * (1 + Math.abs(want[i])))) return false;
  }
  return true;
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

// ---------------------------------------------------------------------------------------------
// Exercise 1: one LSTM step.

const BATCH = 3, FEATURES = 5, HIDDEN = 4;

/** The numbers of exercise 1's batch, as flat float64 arrays. */
interface LstmCase {
  readonly x: number[];
  readonly h: number[];
  readonly c: number[];
  readonly weightIh: number[];
  readonly weightHh: number[];
  readonly biasIh: number[];
  readonly biasHh: number[];
}

function lstmCase(): LstmCase {
  const rng = new Rng(707);
  const draw = (n: number, scale: number) => Array.from({ length: n }, () => scale * rng.normal());
  return {
    x: draw(BATCH * FEATURES, 1),
    h: draw(BATCH * HIDDEN, 0.5),
    c: draw(BATCH * HIDDEN, 1),
    weightIh: draw(FEATURES * 4 * HIDDEN, 0.6),
    weightHh: draw(HIDDEN * 4 * HIDDEN, 0.6),
    biasIh: draw(4 * HIDDEN, 0.5),
    biasHh: draw(4 * HIDDEN, 0.5),
  };
}

/** How a wrong LSTM step may differ from the right one. */
interface LstmVariant {
  /** Which block holds each of i, f, g, o (right: [0, 1, 2, 3]). */
  readonly order?: readonly [number, number, number, number];
  /** g through a sigmoid instead of tanh. */
  readonly sigmoidG?: boolean;
  /** h' = o ⊙ c' instead of o ⊙ tanh(c'). */
  readonly noTanhOnC?: boolean;
  /** biasHh left out. */
  readonly noHiddenBias?: boolean;
  /** c' = f ⊙ c + g (no input gate). */
  readonly noInputGate?: boolean;
  /** h' = o ⊙ tanh(c), from the old cell state. */
  readonly oldCell?: boolean;
}

/** One LSTM step in float64, right or with one of the usual mistakes. */
function referenceStep(k: LstmCase, v: LstmVariant = {}): { h: number[]; c: number[] } {
  const order = v.order ?? [0, 1, 2, 3];
  const width = 4 * HIDDEN;
  const h: number[] = [], c: number[] = [];
  for (let b = 0; b < BATCH; b++) {
    const z = Array.from({ length: width }, (_, j) => {
      let s = k.biasIh[j] + (v.noHiddenBias ? 0 : k.biasHh[j]);
      for (let f = 0; f < FEATURES; f++) s += k.x[b * FEATURES + f] * k.weightIh[f * width + j];
      for (let u = 0; u < HIDDEN; u++) s += k.h[b * HIDDEN + u] * k.weightHh[u * width + j];
      return s;
    });
    for (let u = 0; u < HIDDEN; u++) {
      const gate = (name: number) => z[order[name] * HIDDEN + u];
      const i = sigmoid(gate(0)), f = sigmoid(gate(1)), o = sigmoid(gate(3));
      const g = v.sigmoidG ? sigmoid(gate(2)) : Math.tanh(gate(2));
      const old = k.c[b * HIDDEN + u];
      const cell = f * old + (v.noInputGate ? g : i * g);
      c.push(cell);
      h.push(o * (v.noTanhOnC ? cell : Math.tanh(v.oldCell ? old : cell)));
    }
  }
  return { h, c };
}

/** The usual mistakes of exercise 1, each with its hint. */
const LSTM_MISTAKES: readonly { variant: LstmVariant; hint: string }[] = [
  {
    variant: { order: [0, 1, 3, 2] },
    hint: "the gate blocks are in the wrong order: the library's order is i, f, g, o, so the " +
      "candidate g is block 2 and the output gate o block 3",
  },
  {
    variant: { order: [1, 0, 2, 3] },
    hint: "the input and forget gates are swapped: block 0 is the input gate i, block 1 the " +
      "forget gate f",
  },
  {
    variant: { order: [0, 2, 1, 3] },
    hint: "blocks 1 and 2 are swapped: block 1 is the forget gate f, block 2 the candidate g",
  },
  {
    variant: { sigmoidG: true },
    hint: "the candidate g goes through tanh, not a sigmoid: it is content to write, between −1 " +
      "and 1, while the gates are sigmoids between 0 and 1",
  },
  {
    variant: { noTanhOnC: true },
    hint: "h' = o ⊙ tanh(c'): the output gate scales tanh of the new cell state, not the cell " +
      "state itself",
  },
  {
    variant: { oldCell: true },
    hint: "h' is computed from the new cell state c', not the old one c",
  },
  {
    variant: { noHiddenBias: true },
    hint: "you left out biasHh: the pre-activations are x·Wih + bih + h·Whh + bhh",
  },
  {
    variant: { noInputGate: true },
    hint: "c' = f ⊙ c + i ⊙ g: the input gate i scales what is written",
  },
];

/**
 * Grades exercise 1: on a batch of 3 with 5 features and 4 hidden units, the answer must return
 * { h, c } [3, 4] equal to the LSTM step within float32 precision.
 */
function gradeExercise1(answer: LstmStep): Verdict {
  if (typeof answer !== "function") {
    return notYet(
      `exercise 1 takes a function (x, state, weights) => { h, c }, got ${typeof answer}`,
    );
  }
  const k = lstmCase();
  const want = referenceStep(k);
  return tidy(() => {
    const t = (values: number[], shape: number[]) => fromArray(Float32Array.from(values), shape);
    const x = t(k.x, [BATCH, FEATURES]);
    const state = { h: t(k.h, [BATCH, HIDDEN]), c: t(k.c, [BATCH, HIDDEN]) };
    const weights = {
      weightIh: t(k.weightIh, [FEATURES, 4 * HIDDEN]),
      weightHh: t(k.weightHh, [HIDDEN, 4 * HIDDEN]),
      biasIh: t(k.biasIh, [4 * HIDDEN]),
      biasHh: t(k.biasHh, [4 * HIDDEN]),
    };
    let out: unknown;
    try {
      out = noGrad(() => answer(x, state, weights));
    } catch (error) {
      return notYet(`your step threw: ${messageOf(error)}`);
    }
    const next = out as Partial<LSTMState> | null;
    if (!next || !(next.h instanceof Tensor) || !(next.c instanceof Tensor)) {
      return notYet("your step should return an object { h, c } of two tensors");
    }
    for (const [name, v] of [["h", next.h], ["c", next.c]] as const) {
      if (v.rank !== 2 || v.shape[0] !== BATCH || v.shape[1] !== HIDDEN) {
        return notYet(
          `the new ${name} has shape ${formatShape(v.shape)}; for a batch of 3 and 4 hidden ` +
            "units it should be [3, 4]",
        );
      }
    }
    const h = Array.from(next.h.dataSync()), c = Array.from(next.c.dataSync());
    if (allClose(h, want.h) && allClose(c, want.c)) {
      return right(
        `your step gives the LSTM's new h and c (h[0][0] = ${show(want.h[0])}, c[0][0] = ` +
          `${show(want.c[0])}). Note the cell state's update, c' = f ⊙ c + i ⊙ g: no weight ` +
          "matrix touches c on its way through time, which is why its gradient can survive.",
      );
    }
    if (allClose(h, k.h) && allClose(c, k.c)) {
      return notYet(
        "your step returns the state it was given. Compute the pre-activations " +
          "z = x·Wih + bih + h·Whh + bhh [B, 4H], cut them into the four gate blocks, and apply " +
          "c' = f ⊙ c + i ⊙ g, h' = o ⊙ tanh(c')",
      );
    }
    const mistake = LSTM_MISTAKES.find(({ variant }) => {
      const m = referenceStep(k, variant);
      return allClose(h, m.h) && allClose(c, m.c);
    });
    if (mistake) return notYet(mistake.hint);
    if (allClose(c, want.c)) {
      return notYet(
        `your new c is right but h is not (h[0][0] is ${show(h[0])}, should be ` +
          `${show(want.h[0])}): h' = o ⊙ tanh(c'), with o = σ(block 3)`,
      );
    }
    return notYet(
      `your new c[0] is ${showList(c.slice(0, HIDDEN))}, but the LSTM's is ` +
        `${showList(want.c.slice(0, HIDDEN))}. Check each gate: i = σ(block 0), f = σ(block 1), ` +
        "g = tanh(block 2), o = σ(block 3), where block k is z.slice([0, k·H], [-1, H])",
    );
  });
}

// ---------------------------------------------------------------------------------------------
// Exercise 2: masked attention weights.

const QUERIES = 3, POSITIONS = 6, DIM = 4;
/** Real positions per row: the rest is padding. */
const ROW_LENGTHS = [6, 4, 2];

/** Exercise 2's numbers: queries, keys and mask, flat. */
interface AttentionCase {
  readonly query: number[];
  readonly keys: number[];
  readonly mask: number[];
}

function attentionCase(): AttentionCase {
  const rng = new Rng(77);
  const draw = (n: number) => Array.from({ length: n }, () => rng.normal());
  return {
    query: draw(QUERIES * DIM),
    keys: draw(QUERIES * POSITIONS * DIM),
    mask: Array.from(
      { length: QUERIES * POSITIONS },
      (_, i) => i % POSITIONS < ROW_LENGTHS[Math.floor(i / POSITIONS)] ? 1 : 0,
    ),
  };
}

/** How a wrong attention may differ from the right one. */
interface AttentionVariant {
  /** No mask at all. */
  readonly unmasked?: boolean;
  /** Softmax over everything, then multiplied by the mask, without renormalising. */
  readonly maskAfter?: boolean;
  /** Scores divided by √H. */
  readonly scaled?: boolean;
  /** Softmax over the batch axis instead of the positions. */
  readonly batchAxis?: boolean;
}

/** The attention weights in float64, right or with one of the usual mistakes. */
function referenceAttention(k: AttentionCase, v: AttentionVariant = {}): number[] {
  const scale = v.scaled ? 1 / Math.sqrt(DIM) : 1;
  const scores = Array.from({ length: QUERIES * POSITIONS }, (_, i) => {
    const b = Math.floor(i / POSITIONS), s = i % POSITIONS;
    let dot = 0;
    for (let d = 0; d < DIM; d++) {
      dot += k.query[b * DIM + d] * k.keys[(b * POSITIONS + s) * DIM + d];
    }
    const masked = !v.unmasked && !v.maskAfter && !v.batchAxis && k.mask[i] === 0;
    return masked ? -Infinity : dot * scale;
  });
  const out = new Array<number>(scores.length).fill(0);
  const groups = v.batchAxis
    ? Array.from(
      { length: POSITIONS },
      (_, s) => Array.from({ length: QUERIES }, (_, b) => b * POSITIONS + s),
    )
    : Array.from(
      { length: QUERIES },
      (_, b) => Array.from({ length: POSITIONS }, (_, s) => b * POSITIONS + s),
    );
  for (const group of groups) {
    const top = Math.max(...group.map((i) => scores[i]));
    const total = group.reduce((sum, i) => sum + Math.exp(scores[i] - top), 0);
    for (const i of group) out[i] = Math.exp(scores[i] - top) / total;
  }
  return v.maskAfter ? out.map((a, i) => a * k.mask[i]) : out;
}

const ATTENTION_MISTAKES: readonly { variant: AttentionVariant; hint: string }[] = [
  {
    variant: { unmasked: true },
    hint: "your weights are right where nothing is padded, but padding gets weight too: give the " +
      "masked positions a very negative score (e.g. add (mask − 1) · 1e9) before the softmax",
  },
  {
    variant: { maskAfter: true },
    hint: "you zeroed the padding after the softmax, so the rows no longer sum to 1: mask the " +
      "scores before the softmax instead",
  },
  {
    variant: { scaled: true },
    hint: "you scaled the scores by 1/√H; section 7.9's attention uses the plain dot product " +
      "(the Transformer's scaled version is for later)",
  },
  {
    variant: { batchAxis: true },
    hint: "your softmax runs over the batch axis: each query's weights are a softmax over the " +
      "positions s, the last axis (softmax(-1))",
  },
];

/**
 * Grades exercise 2: for queries [3, 4], keys [3, 6, 4] and a mask with 6, 4 and 2 real positions,
 * the answer's weights [3, 6] must equal the masked softmax of the dot products, with 0 on padding.
 */
function gradeExercise2(answer: AttentionWeights): Verdict {
  if (typeof answer !== "function") {
    return notYet(
      `exercise 2 takes a function (query, keys, mask) => weights, got ${typeof answer}`,
    );
  }
  const k = attentionCase();
  const want = referenceAttention(k);
  return tidy(() => {
    const query = fromArray(Float32Array.from(k.query), [QUERIES, DIM]);
    const keys = fromArray(Float32Array.from(k.keys), [QUERIES, POSITIONS, DIM]);
    const mask = fromArray(Float32Array.from(k.mask), [QUERIES, POSITIONS]);
    let out: unknown;
    try {
      out = noGrad(() => answer(query, keys, mask));
    } catch (error) {
      return notYet(`your function threw: ${messageOf(error)}`);
    }
    if (!(out instanceof Tensor)) return notYet("your function should return a tensor");
    if (out.rank !== 2 || out.shape[0] !== QUERIES || out.shape[1] !== POSITIONS) {
      return notYet(
        `your weights have shape ${formatShape(out.shape)}; for 3 queries over 6 positions ` +
          "they should be [3, 6]",
      );
    }
    const got = Array.from(out.dataSync());
    if (allClose(got, want, 1e-4)) {
      return right(
        `your weights match (query 1 spreads ${showList(want.slice(POSITIONS, 2 * POSITIONS))} ` +
          "over its four real positions and two of padding): each row sums to 1 over the real " +
          "positions only.",
      );
    }
    const mistake = ATTENTION_MISTAKES.find(({ variant }) =>
      allClose(got, referenceAttention(k, variant), 1e-4)
    );
    if (mistake) return notYet(mistake.hint);
    if (allClose(got, k.mask.map((m, i) => m / ROW_LENGTHS[Math.floor(i / POSITIONS)]))) {
      return notYet(
        "your weights are uniform over the real positions: they ignore the query. Score each " +
          "position with the dot product q · k_s (keys.matmul(query.unsqueeze(-1))), then softmax",
      );
    }
    return notYet(
      `for query 0 your weights are ${showList(got.slice(0, POSITIONS))}, but they should be ` +
        `${showList(want.slice(0, POSITIONS))}: softmax over s of q · k_s, with padding masked ` +
        "before the softmax",
    );
  });
}

// ---------------------------------------------------------------------------------------------
// Exercise 3: probabilities at a temperature.

/** The cases of exercise 3: scores and a temperature. */
const TEMPERATURE_CASES: readonly { scores: number[]; temperature: number }[] = [
  { scores: [1, 2, 3, 0.5], temperature: 1 },
  { scores: [1, 2, 3, 0.5], temperature: 0.5 },
  { scores: [1, 2, 3, 0.5], temperature: 2 },
  { scores: [500, 510, 490], temperature: 0.1 },
];

/** p ∝ exp(z / τ), in float64, stable. */
function referenceTemperature(scores: readonly number[], temperature: number): number[] {
  const top = Math.max(...scores);
  const e = scores.map((z) => Math.exp((z - top) / temperature));
  const total = e.reduce((s, v) => s + v, 0);
  return e.map((v) => v / total);
}

/**
 * Grades exercise 3: on three temperatures for ordinary scores and one case with large scores and a
 * small temperature, the answer must return the probabilities p ∝ exp(z / τ).
 */
function gradeExercise3(answer: TemperatureProbabilities): Verdict {
  if (typeof answer !== "function") {
    return notYet(
      `exercise 3 takes a function (scores, temperature) => probabilities, got ${typeof answer}`,
    );
  }
  for (const { scores, temperature } of TEMPERATURE_CASES) {
    let got: unknown;
    try {
      got = answer([...scores], temperature);
    } catch (error) {
      return notYet(`your function threw for temperature ${temperature}: ${messageOf(error)}`);
    }
    if (!Array.isArray(got) || got.some((p) => typeof p !== "number")) {
      return notYet("your function should return an array of numbers, one probability per score");
    }
    if (got.length !== scores.length) {
      return notYet(`you returned ${got.length} probabilities for ${scores.length} scores`);
    }
    const want = referenceTemperature(scores, temperature);
    if (allClose(got, want, 1e-6)) continue;
    const where = `for scores ${showList(scores)} at τ = ${temperature}`;
    if (got.some((p) => !Number.isFinite(p))) {
      return notYet(
        `${where} you return ${showList(got)}: exp(z / τ) overflows to infinity. Subtract the ` +
          "largest score first, exp((z − max z) / τ): it changes nothing after normalising",
      );
    }
    if (allClose(got, referenceTemperature(scores, 1 / temperature), 1e-6)) {
      return notYet(`${where} you multiplied the scores by τ; divide them by τ`);
    }
    const total = got.reduce((s, p) => s + p, 0);
    if (Math.abs(total - 1) > 1e-6) {
      return notYet(
        `${where} your probabilities sum to ${show(total)}; divide by their sum so that they add ` +
          "up to 1",
      );
    }
    if (allClose(got, scores.map(() => 1 / scores.length), 1e-9)) {
      return notYet(`${where} you return the uniform distribution: it should depend on the scores`);
    }
    return notYet(`${where} you return ${showList(got)}, but p ∝ exp(z / τ) is ${showList(want)}`);
  }
  const sharp = referenceTemperature(TEMPERATURE_CASES[1].scores, 0.5);
  const flat = referenceTemperature(TEMPERATURE_CASES[2].scores, 2);
  return right(
    `right at every temperature, large scores included. For the scores [1, 2, 3, 0.5] the top ` +
      `probability is ${show(Math.max(...sharp))} at τ = 0.5 and ${show(Math.max(...flat))} at ` +
      "τ = 2: a low temperature sharpens the distribution, a high one flattens it.",
  );
}

// ---------------------------------------------------------------------------------------------

/** The graders: each takes an answer and returns a {@link Verdict} without printing. */
export const grade: {
  readonly exercise1: (answer: LstmStep) => Verdict;
  readonly exercise2: (answer: AttentionWeights) => Verdict;
  readonly exercise3: (answer: TemperatureProbabilities) => Verdict;
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
  readonly exercise1: (answer: LstmStep) => void;
  readonly exercise2: (answer: AttentionWeights) => void;
  readonly exercise3: (answer: TemperatureProbabilities) => void;
} = Object.freeze({
  exercise1: checker(gradeExercise1),
  exercise2: checker(gradeExercise2),
  exercise3: checker(gradeExercise3),
});

/** The solutions, for instructors: run `check.exercise1(solutions.exercise1)`. */
export const solutions: {
  readonly exercise1: LstmStep;
  readonly exercise2: AttentionWeights;
  readonly exercise3: TemperatureProbabilities;
} = Object.freeze({
  exercise1: (x: Tensor, { h, c }: LSTMState, w: LstmWeights) => {
    const hidden = h.shape[1];
    const z = x.matmul(w.weightIh).add(w.biasIh).add(h.matmul(w.weightHh)).add(w.biasHh);
    const block = (k: number) => z.slice([0, k * hidden], [-1, hidden]);
    const i = block(0).sigmoid(), f = block(1).sigmoid();
    const g = block(2).tanh(), o = block(3).sigmoid();
    const next = f.mul(c).add(i.mul(g));
    return { h: o.mul(next.tanh()), c: next };
  },
  // Masked scores are pushed to −1e9, whose exp is exactly 0 after the softmax.
  exercise2: (query: Tensor, keys: Tensor, mask: Tensor) =>
    keys.matmul(query.unsqueeze(-1)).squeeze(-1).add(mask.sub(1).mul(1e9)).softmax(-1),
  exercise3: (scores: number[], temperature: number) => referenceTemperature(scores, temperature),
});
