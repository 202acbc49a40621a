/**
 * Chapter 12's exercise checks: the solutions pass, typical wrong answers fail with a reason that
 * helps, and the checks print and never throw.
 */

import assert from "node:assert/strict";
import { chapter12 } from "../lib/exercises/mod.ts";
import { assertNotYet, assertSolutionsPass, printed } from "./helpers/exercises.ts";
import {
  BatchNorm1d,
  Highway,
  Linear,
  Module,
  ReLU,
  Residual,
  Sequential,
  type Tensor,
} from "../lib/mod.ts";

Deno.test("chapter 12: the solutions pass", () => {
  assertSolutionsPass(chapter12);
});

Deno.test("chapter 12, exercise 1: He's standard deviation, and the usual slips", () => {
  const { grade } = chapter12;
  assert.ok(grade.exercise1((n) => Math.SQRT2 / Math.sqrt(n)).ok);
  // The notebook's placeholder.
  assertNotYet(grade.exercise1((n) => 1 / n), "for a fan-in of 64", "√(2 / fanIn)");
  assertNotYet(grade.exercise1((n) => Math.sqrt(1 / n)), "halves the variance");
  assertNotYet(grade.exercise1((n) => 2 / n), "that is the variance");
  assertNotYet(grade.exercise1((n) => Math.SQRT2 / n), "square root of the fan-in");
  assertNotYet(grade.exercise1((n) => 0.01 + 0 * n), "for a fan-in of 64", "0.01", "0.1768");
  assertNotYet(grade.exercise1(() => NaN), "not a number");
  assertNotYet(
    grade.exercise1(() => {
      throw new Error("boom");
    }),
    "threw",
    "boom",
  );
  assertNotYet(grade.exercise1(3 as unknown as (n: number) => number), "takes a function");
});

Deno.test("chapter 12, exercise 2: the highway mix, and the usual mistakes", () => {
  const { grade } = chapter12;
  assert.ok(grade.exercise2((x, h, t) => x.add(t.mul(h.sub(x)))).ok);
  assertNotYet(grade.exercise2((x, h, t) => t.mul(x).add(t.neg().add(1).mul(h))), "swapped");
  assertNotYet(grade.exercise2((x, h, t) => x.add(t.mul(h))), "residual connection");
  assertNotYet(grade.exercise2((_x, h, t) => t.mul(h)), "left out the carry");
  assertNotYet(grade.exercise2((x, h) => h.add(x)), "gate T is missing");
  assertNotYet(grade.exercise2((x, h, t) => t.mul(h).add(x.mul(0.5))), "at element 0");
  assertNotYet(grade.exercise2((x) => x.sum()), "shape []");
  assertNotYet(grade.exercise2(() => 1 as unknown as Tensor), "not a tensor");
});

Deno.test("chapter 12, exercise 3: a residual block, and blocks that are not", () => {
  const { grade } = chapter12;
  // Other right answers: the pre-activation block, a block with batch norm, a highway-free Residual.
  assert.ok(grade.exercise3((w) => new Residual(new Sequential(new Linear(w, w), new ReLU()))).ok);
  assert.ok(
    grade.exercise3((w) =>
      new Residual(new Sequential(new Linear(w, w), new BatchNorm1d(w), new ReLU()))
    ).ok,
  );
  // The notebook's placeholder: a plain block.
  assertNotYet(
    grade.exercise3((w) =>
      new Sequential(new Linear(w, w), new ReLU(), new Linear(w, w), new ReLU())
    ),
    "outputs 0",
    "no skip connection",
  );
  // A highway layer with zero weights carries half its input (the gate is sigmoid(0)).
  assertNotYet(grade.exercise3((w) => new Highway(w)), "differs from its input");
  assertNotYet(grade.exercise3((w) => new Linear(w, w + 1)), "keeps the width");
  assertNotYet(grade.exercise3(() => new ReLU()), "no parameters");
  class Identity extends Module {
    w = this.registerModule("w", new Linear(6, 6));
    forward(x: Tensor): Tensor {
      return x;
    }
  }
  assertNotYet(grade.exercise3(() => new Identity()), "returns its input unchanged");
  assertNotYet(grade.exercise3(() => 5 as unknown as Module), "not a Module");
  assertNotYet(
    grade.exercise3(() => {
      throw new Error("no");
    }),
    "threw",
  );
});

Deno.test("chapter 12: the checks print a verdict and never throw", () => {
  const { check, solutions } = chapter12;
  assert.match(printed(() => check.exercise1(solutions.exercise1))[0], /^✓ right/);
  assert.match(printed(() => check.exercise1((n) => 1 / n))[0], /^✗ not yet/);
  assert.match(printed(() => check.exercise3(() => new ReLU()))[0], /^✗ not yet/);
  assert.match(printed(() => check.exercise2(null as unknown as () => Tensor))[0], /^✗ not yet/);
});
