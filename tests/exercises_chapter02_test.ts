/**
 * Chapter 2's exercise checks: the solutions pass, other right answers pass, and typical wrong
 * answers fail with a reason that names the mistake. The checks print and never throw, even when
 * the answer throws.
 */

import assert from "node:assert/strict";
import { chapter02, formatVerdict } from "../lib/exercises/mod.ts";
import { assertNotYet, printed } from "./helpers/exercises.ts";
import { liveTensors, oneHot, type Tensor, zeros } from "../lib/mod.ts";

const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);

Deno.test("chapter 2: the solutions pass", () => {
  const { grade, solutions } = chapter02;
  const one = grade.exercise1(solutions.exercise1);
  const two = grade.exercise2(solutions.exercise2);
  assert.ok(one.ok, one.message);
  assert.ok(two.ok, two.message);
  assert.match(one.message, /1 − y²/);
  assert.match(two.message, /both random batches/);
});

Deno.test("chapter 2, exercise 1: wrong tanh gradients fail and say why", () => {
  const { grade } = chapter02;
  const y = (x: number[], w: number[]) => Math.tanh(dot(w, x));
  // The notebook's placeholder.
  assertNotYet(grade.exercise1((_x, _t, w) => w.map(() => 0)), "placeholder", "chain rule");
  // The linear neuron's gradient: tanh's derivative is missing.
  assertNotYet(
    grade.exercise1((x, t, w) => x.map((xk) => -(t - y(x, w)) * xk)),
    "linear neuron",
  );
  // The sigmoid's derivative.
  assertNotYet(
    grade.exercise1((x, t, w) => x.map((xk) => -(t - y(x, w)) * y(x, w) * (1 - y(x, w)) * xk)),
    "sigmoid",
  );
  // The step, not the gradient.
  assertNotYet(
    grade.exercise1((x, t, w) => x.map((xk) => (t - y(x, w)) * (1 - y(x, w) ** 2) * xk)),
    "wrong sign",
  );
  assertNotYet(
    grade.exercise1((x, t, w) => x.map((xk) => -(t - y(x, w)) * (1 - y(x, w)) * xk)),
    "not 1 − y",
  );
  assertNotYet(
    grade.exercise1((x, t, w) => x.map((xk) => -(t - y(x, w)) * (1 - dot(w, x) ** 2) * xk)),
    "1 − z²",
  );
  assertNotYet(
    grade.exercise1((x, t, w) => x.map(() => -(t - y(x, w)) * (1 - y(x, w) ** 2))),
    "x_k, is missing",
  );
  // Something else wrong: the message shows an example and both gradients.
  assertNotYet(
    grade.exercise1((x, t, w) => x.map((xk) => 2 * -(t - y(x, w)) * (1 - y(x, w) ** 2) * xk)),
    "autodiff finds",
    "examples differ",
  );
  // Wrong shapes and values.
  assertNotYet(grade.exercise1((x) => x.slice(1)), "returned 2 numbers for 3 weights");
  assertNotYet(grade.exercise1(() => [1, NaN, 2]), "component 1", "NaN");
  assertNotYet(grade.exercise1((() => 3) as unknown as chapter02.TanhNeuronGradient), "array");
  assertNotYet(
    grade.exercise1(() => {
      throw new Error("not written yet");
    }),
    "threw on example 1",
    "not written yet",
  );
  assertNotYet(
    grade.exercise1(null as unknown as chapter02.TanhNeuronGradient),
    "takes a function",
  );
  // Another right form passes too: dy/dz = 1 / cosh²(z).
  const other = grade.exercise1((x, t, w) =>
    x.map((xk) => (y(x, w) - t) * xk / Math.cosh(dot(w, x)) ** 2)
  );
  assert.ok(other.ok, other.message);
});

/** Section 2.5's steps for the ReLU network, with one step replaceable. */
function backprop(
  options: {
    derivative?: (h: Tensor) => Tensor;
    scale?: (n: number) => number;
    sign?: number;
    secondLayerInput?: "h" | "pre";
  } = {},
): chapter02.ReluBackprop {
  return (x, y, w1, w2) => {
    const pre = x.matmul(w1), h = pre.relu();
    const p = h.matmul(w2).softmax();
    const dZ2 = p.sub(oneHot(y, w2.shape[1])).mul(
      (options.sign ?? 1) * (options.scale ?? ((n) => 1 / n))(x.shape[0]),
    );
    const dZ1 = dZ2.matmul(w2.transpose()).mul((options.derivative ?? ((t) => t.greater(0)))(h));
    const input = options.secondLayerInput === "pre" ? pre : h;
    return { dW1: x.transpose().matmul(dZ1), dW2: input.transpose().matmul(dZ2) };
  };
}

Deno.test("chapter 2, exercise 2: wrong ReLU gradients fail and say why", () => {
  const { grade } = chapter02;
  // The notebook's placeholder.
  assertNotYet(
    grade.exercise2((_x, _y, w1, w2) => ({ dW1: zeros(w1.shape), dW2: zeros(w2.shape) })),
    "placeholder",
  );
  // The section's builder gives the right answer, so each variant below differs in one step.
  assert.ok(grade.exercise2(backprop()).ok);
  assertNotYet(grade.exercise2(backprop({ derivative: (h) => h.mul(0).add(1) })), "linear");
  assertNotYet(
    grade.exercise2(backprop({ derivative: (h) => h.mul(h.neg().add(1)) })),
    "sigmoid's derivative",
  );
  assertNotYet(grade.exercise2(backprop({ derivative: (h) => h })), "h.greater(0)");
  assertNotYet(grade.exercise2(backprop({ scale: () => 1 })), "N times too large");
  assertNotYet(grade.exercise2(backprop({ sign: -1 })), "wrong sign");
  assertNotYet(grade.exercise2(backprop({ secondLayerInput: "pre" })), "before the ReLU");
  // Softmax without subtracting the labels.
  assertNotYet(
    grade.exercise2((x, _y, w1, w2) => {
      const h = x.matmul(w1).relu();
      const dZ2 = h.matmul(w2).softmax().div(x.shape[0]);
      const dZ1 = dZ2.matmul(w2.transpose()).mul(h.greater(0));
      return { dW1: x.transpose().matmul(dZ1), dW2: h.transpose().matmul(dZ2) };
    }),
    "(P − Y) / N",
  );
  // dW2 right, dW1 wrong some other way; and dW2 wrong some other way.
  assertNotYet(
    grade.exercise2((x, y, w1, w2) => {
      const { dW2 } = backprop()(x, y, w1, w2);
      return { dW1: x.transpose().matmul(x.matmul(w1)), dW2 };
    }),
    "dW2 is right, but dW1 differs",
  );
  assertNotYet(
    grade.exercise2((x, y, w1, w2) => {
      const { dW1, dW2 } = backprop()(x, y, w1, w2);
      return { dW1, dW2: dW2.mul(3) };
    }),
    "dW2 differs",
  );
  // Shapes, types and failures.
  assertNotYet(
    grade.exercise2((x, y, w1, w2) => {
      const { dW1, dW2 } = backprop()(x, y, w1, w2);
      return { dW1: dW1.transpose(), dW2 };
    }),
    "dW1 has shape [5, 4]",
    "transpose",
  );
  assertNotYet(
    grade.exercise2((x, y, w1, w2) => {
      const { dW1 } = backprop()(x, y, w1, w2);
      return { dW1, dW2: [[0]] as unknown as Tensor };
    }),
    "dW2 should be a Tensor of shape [5, 3]",
  );
  assertNotYet(
    grade.exercise2(() => 7 as unknown as chapter02.ReluGradients),
    "should return { dW1, dW2 }",
  );
  assertNotYet(
    grade.exercise2((x, _y, w1) => {
      const bad = x.matmul(w1.transpose());
      return { dW1: bad, dW2: bad };
    }),
    "threw on a batch of 6 examples",
  );
  assertNotYet(
    grade.exercise2((x, y, w1, w2) => {
      const { dW1, dW2 } = backprop()(x, y, w1, w2);
      return { dW1: dW1.div(0), dW2 };
    }),
    "not a finite number",
  );
  assertNotYet(grade.exercise2(undefined as unknown as chapter02.ReluBackprop), "takes a function");
});

Deno.test("chapter 2: the graders free what they make", () => {
  const { grade, solutions } = chapter02;
  grade.exercise2(solutions.exercise2);
  const before = liveTensors().tensors;
  grade.exercise1(solutions.exercise1);
  grade.exercise2(solutions.exercise2);
  grade.exercise2(backprop({ sign: -1 }));
  assert.equal(liveTensors().tensors, before);
});

Deno.test("chapter 2: the checks print the verdict and never throw", () => {
  const { check, grade, solutions } = chapter02;
  assert.deepEqual(printed(() => check.exercise1(solutions.exercise1)), [
    formatVerdict(grade.exercise1(solutions.exercise1)),
  ]);
  assert.match(printed(() => check.exercise2(solutions.exercise2))[0], /^✓ right: /);
  const [wrong] = printed(() => check.exercise2(backprop({ scale: () => 1 })));
  assert.match(wrong, /^✗ not yet: /);
  // An answer whose result throws when read is reported, not raised.
  const throwing = printed(() =>
    check.exercise2(() => ({
      get dW1(): Tensor {
        throw new Error("no gradient here");
      },
      dW2: zeros([1]),
    }))
  );
  assert.match(throwing[0], /^✗ not yet: .*no gradient here/);
});
