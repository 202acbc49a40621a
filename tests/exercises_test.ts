/**
 * The exercise checks: every solution passes, and wrong answers fail with a reason that helps.
 * The checks themselves print and never throw, even when the answer throws.
 */

import assert from "node:assert/strict";
import { chapter01, formatVerdict } from "../lib/exercises/mod.ts";
import { assertNotYet, printed } from "./helpers/exercises.ts";

Deno.test("chapter 1: the solutions pass", () => {
  const { grade, solutions } = chapter01;
  const one = grade.exercise1(solutions.exercise1);
  const two = grade.exercise2(solutions.exercise2);
  assert.ok(one.ok, one.message);
  assert.ok(two.ok, two.message);
  assert.match(two.message, /OR, hidden\[1\] = AND/);
});

Deno.test("chapter 1, exercise 1: wrong derivatives of softplus fail and say why", () => {
  const { grade } = chapter01;
  // The notebook's placeholder: the message names a point, both values and a hint.
  assertNotYet(grade.exercise1(() => 0), "at z = 6", "gives 0", "0.9975", "u′ / u");
  assertNotYet(grade.exercise1((z) => Math.log1p(Math.exp(z))), "softplus(z) itself");
  assertNotYet(grade.exercise1((z) => 1 / (1 + Math.exp(z))), "sign of the exponent");
  assertNotYet(grade.exercise1((z) => Math.exp(z)), "chain rule");
  assertNotYet(grade.exercise1(() => NaN), "returned NaN");
  assertNotYet(
    grade.exercise1(() => {
      throw new Error("not written yet");
    }),
    "threw at z = -6",
    "not written yet",
  );
  // Another right form passes too.
  assert.ok(grade.exercise1((z) => Math.exp(z) / (1 + Math.exp(z))).ok);
});

Deno.test("chapter 1, exercise 2: wrong XOR networks fail and say why", () => {
  const { grade } = chapter01;
  const zero = { weights: [0, 0], bias: 0 };
  // The notebook's placeholder.
  assertNotYet(grade.exercise2({ hidden: [zero, zero], output: zero }), "still 0");
  // One hidden OR neuron: wrong on (1, 1), and the message names what the neuron computes.
  assertNotYet(
    grade.exercise2({
      hidden: [{ weights: [1, 1], bias: -0.5 }],
      output: { weights: [1], bias: -0.5 },
    }),
    "for input (1, 1) your network outputs 1, but XOR is 0",
    "hidden[0] = OR",
  );
  // A weighted sum exactly on the threshold.
  assertNotYet(
    grade.exercise2({
      hidden: [{ weights: [1, 1], bias: -1 }, { weights: [1, 1], bias: -1.5 }],
      output: { weights: [1, -1], bias: -0.5 },
    }),
    "input (0, 1)",
    "hidden[0] is exactly 0",
  );
  assertNotYet(grade.exercise2({ hidden: [], output: { weights: [], bias: 0 } }), "at least one");
  assertNotYet(
    grade.exercise2({
      hidden: [{ weights: [1, 1, 1], bias: 0 }],
      output: { weights: [1], bias: 0 },
    }),
    "hidden[0].weights should hold 2 numbers",
  );
  assertNotYet(
    grade.exercise2({
      hidden: [{ weights: [1, 1], bias: 0 }],
      output: { weights: [1, 2], bias: 0 },
    }),
    "output.weights should hold 1 number",
  );
  assertNotYet(
    grade.exercise2({
      hidden: [{ weights: [1, NaN], bias: 0 }],
      output: { weights: [1], bias: 0 },
    }),
    "hidden[0].weights[1] is NaN",
  );
  assertNotYet(grade.exercise2(null as unknown as chapter01.XorNetwork), "takes { hidden");
  // Another right network: x₁ AND NOT x₂, x₂ AND NOT x₁, then OR.
  const right = grade.exercise2({
    hidden: [{ weights: [1, -1], bias: -0.5 }, { weights: [-1, 1], bias: -0.5 }],
    output: { weights: [1, 1], bias: -0.5 },
  });
  assert.ok(right.ok, right.message);
});

Deno.test("chapter 1: the checks print the verdict and never throw", () => {
  const { check, grade, solutions } = chapter01;
  assert.deepEqual(printed(() => check.exercise1(solutions.exercise1)), [
    formatVerdict(grade.exercise1(solutions.exercise1)),
  ]);
  const [wrong] = printed(() => check.exercise2({ hidden: [], output: { weights: [], bias: 0 } }));
  assert.match(wrong, /^✗ not yet: /);
  assert.match(printed(() => check.exercise2(solutions.exercise2))[0], /^✓ right: /);
  // A grader that throws (here on an answer whose getter throws) is reported, not raised.
  const throwing = {
    get hidden(): chapter01.StepNeuron[] {
      throw new Error("no hidden layer here");
    },
    output: { weights: [], bias: 0 },
  };
  assert.deepEqual(printed(() => check.exercise2(throwing)), [
    "✗ not yet: checking your answer raised an error: no hidden layer here",
  ]);
});
