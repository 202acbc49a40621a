/**
 * Chapter 7's exercise checks: the solutions pass, typical wrong answers fail with a reason that
 * helps, and the checks print and never throw.
 */

import assert from "node:assert/strict";
import { chapter07 } from "../lib/exercises/mod.ts";
import { assertNotYet, assertSolutionsPass, printed } from "./helpers/exercises.ts";
import { dotAttention, lstmCell, type LSTMState, type Tensor } from "../lib/mod.ts";

type Weights = chapter07.LstmWeights;

/** An LSTM step built from the gate blocks in `order` (i, f, g, o), with optional mistakes. */
function lstmStep(
  options: {
    order?: [number, number, number, number];
    gActivation?: "tanh" | "sigmoid";
    tanhOnCell?: boolean;
    hiddenBias?: boolean;
    inputGate?: boolean;
  } = {},
): chapter07.LstmStep {
  const {
    order = [0, 1, 2, 3],
    gActivation = "tanh",
    tanhOnCell = true,
    hiddenBias = true,
    inputGate = true,
  } = options;
  return (x: Tensor, { h, c }: LSTMState, w: Weights) => {
    const size = h.shape[1];
    let z = x.matmul(w.weightIh).add(w.biasIh).add(h.matmul(w.weightHh));
    if (hiddenBias) z = z.add(w.biasHh);
    const block = (k: number) => z.slice([0, order[k] * size], [-1, size]);
    const i = block(0).sigmoid(), f = block(1).sigmoid(), o = block(3).sigmoid();
    const g = gActivation === "tanh" ? block(2).tanh() : block(2).sigmoid();
    const next = f.mul(c).add(inputGate ? i.mul(g) : g);
    return { h: o.mul(tanhOnCell ? next.tanh() : next), c: next };
  };
}

Deno.test("chapter 7: the solutions pass", () => assertSolutionsPass(chapter07));

Deno.test("chapter 7, exercise 1: other right answers pass", () => {
  const { grade } = chapter07;
  // The library's own cell, and the composition written out.
  assert.ok(grade.exercise1((x, s, w) => lstmCell(x, s, w)).ok);
  assert.ok(grade.exercise1(lstmStep()).ok);
});

Deno.test("chapter 7, exercise 1: wrong LSTM steps fail and say why", () => {
  const { grade } = chapter07;
  // The notebook's placeholder.
  assertNotYet(grade.exercise1((_, s) => ({ h: s.h, c: s.c })), "returns the state it was given");
  assertNotYet(grade.exercise1(lstmStep({ order: [0, 1, 3, 2] })), "wrong order", "i, f, g, o");
  assertNotYet(grade.exercise1(lstmStep({ order: [1, 0, 2, 3] })), "input and forget gates");
  assertNotYet(grade.exercise1(lstmStep({ order: [0, 2, 1, 3] })), "blocks 1 and 2");
  assertNotYet(grade.exercise1(lstmStep({ gActivation: "sigmoid" })), "tanh, not a sigmoid");
  assertNotYet(grade.exercise1(lstmStep({ tanhOnCell: false })), "o ⊙ tanh(c')");
  assertNotYet(grade.exercise1(lstmStep({ hiddenBias: false })), "biasHh");
  assertNotYet(grade.exercise1(lstmStep({ inputGate: false })), "input gate i");
  // h from the old cell state.
  assertNotYet(
    grade.exercise1((x, s, w) => {
      const next = lstmStep()(x, s, w);
      const o = lstmCell(x, s, w).h.div(next.c.tanh()); // recover o, then use the old c
      return { h: o.mul(s.c.tanh()), c: next.c };
    }),
    "new cell state",
  );
  // Right c, wrong h; and something else entirely.
  assertNotYet(
    grade.exercise1((x, s, w) => ({ h: lstmStep()(x, s, w).h.mul(2), c: lstmStep()(x, s, w).c })),
    "your new c is right but h is not",
  );
  assertNotYet(
    grade.exercise1((x, s, w) => ({ h: lstmStep()(x, s, w).h, c: lstmStep()(x, s, w).c.add(1) })),
    "Check each gate",
  );
  assertNotYet(
    grade.exercise1((x, s, w) => ({ h: lstmStep()(x, s, w).h.slice([0, 0], [-1, 2]), c: s.c })),
    "should be [3, 4]",
  );
  assertNotYet(grade.exercise1(() => ({}) as LSTMState), "object { h, c } of two tensors");
  assertNotYet(
    grade.exercise1(() => {
      throw new Error("not yet written");
    }),
    "threw",
    "not yet written",
  );
  assertNotYet(grade.exercise1(3 as unknown as chapter07.LstmStep), "got number");
});

Deno.test("chapter 7, exercise 2: wrong attention weights fail and say why", () => {
  const { grade } = chapter07;
  const scores = (q: Tensor, k: Tensor) => k.matmul(q.unsqueeze(-1)).squeeze(-1);
  // The notebook's placeholder: uniform over the real positions.
  assertNotYet(grade.exercise2((_q, _k, m) => m.div(m.sum(-1, true))), "ignore the query");
  assertNotYet(grade.exercise2((q, k) => scores(q, k).softmax(-1)), "padding gets weight");
  assertNotYet(
    grade.exercise2((q, k, m) => scores(q, k).softmax(-1).mul(m)),
    "after the softmax",
  );
  assertNotYet(
    grade.exercise2((q, k, m) => scores(q, k).mul(0.5).add(m.sub(1).mul(1e9)).softmax(-1)),
    "1/√H",
  );
  assertNotYet(grade.exercise2((q, k) => scores(q, k).softmax(0)), "batch axis");
  assertNotYet(grade.exercise2((q, k) => scores(q, k)), "for query 0 your weights are");
  assertNotYet(grade.exercise2((q) => q), "should be [3, 6]");
  assertNotYet(grade.exercise2(() => [0.5] as unknown as Tensor), "return a tensor");
  // The library's attention is right.
  assert.ok(grade.exercise2((q, k, m) => dotAttention(q, k, k, { mask: m }).weights).ok);
});

Deno.test("chapter 7, exercise 3: wrong temperatures fail and say why", () => {
  const { grade } = chapter07;
  const exp = (z: number[], t: number) => z.map((v) => Math.exp(v / t));
  const normalised = (p: number[]) => p.map((v) => v / p.reduce((s, u) => s + u, 0));
  // The notebook's placeholder.
  assertNotYet(grade.exercise3((z) => z.map(() => 1 / z.length)), "uniform distribution");
  // Naive exp: right on ordinary scores, infinite on large ones.
  assertNotYet(
    grade.exercise3((z, t) => normalised(exp(z, t))),
    "τ = 0.1",
    "overflows",
    "Subtract the largest score",
  );
  assertNotYet(
    grade.exercise3((z, t) => normalised(z.map((v) => Math.exp(v * t)))),
    "multiplied the scores by τ",
  );
  assertNotYet(
    grade.exercise3((z, t) => z.map((v) => Math.exp((v - Math.max(...z)) / t))),
    "sum to",
  );
  assertNotYet(grade.exercise3((z) => normalised(z)), "but p ∝ exp(z / τ) is");
  assertNotYet(grade.exercise3((z) => z.slice(1)), "3 probabilities for 4 scores");
  assertNotYet(grade.exercise3(() => "p" as unknown as number[]), "array of numbers");
});

Deno.test("chapter 7: the checks print the verdict and never throw", () => {
  const { check, solutions } = chapter07;
  assert.match(printed(() => check.exercise1(solutions.exercise1))[0], /^✓ right: /);
  assert.match(printed(() => check.exercise2(solutions.exercise2))[0], /^✓ right: /);
  assert.match(printed(() => check.exercise3(solutions.exercise3))[0], /^✓ right: /);
  assert.match(
    printed(() =>
      check.exercise3(() => {
        throw new Error("boom");
      })
    )[0],
    /^✗ not yet: .*boom/,
  );
  assert.match(
    printed(() => check.exercise2(null as unknown as chapter07.AttentionWeights))[0],
    /^✗ not yet: /,
  );
});
