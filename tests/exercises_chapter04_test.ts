/**
 * Chapter 4's exercise checks: the solutions pass (and agree with the library's optimizers),
 * typical wrong answers fail with a reason that helps, and the checks print and never throw.
 */

import assert from "node:assert/strict";
import { chapter04 } from "../lib/exercises/mod.ts";
import { assertNotYet, assertSolutionsPass, printed } from "./helpers/exercises.ts";
import { Adam, assertClose, hessian, SGD, type Tensor, tensor, tidy } from "../lib/mod.ts";

type MomentumResult = { theta: Tensor; velocity: Tensor };
type AdamResult = { theta: Tensor; m: Tensor; v: Tensor };

Deno.test("chapter 4: the solutions pass", () => assertSolutionsPass(chapter04));

Deno.test("chapter 4: the hand-written momentum and Adam steps move as SGD and Adam do", () => {
  const { solutions } = chapter04;
  // Both on f(θ) = ½ Σ aᵢθᵢ², five steps from the same start.
  const a = tensor([1, 8, 0.25]);
  const start = [2, -1, 3];
  const sgdParam = tensor(start, { requiresGrad: true });
  const sgd = new SGD([sgdParam], { lr: 0.05, momentum: 0.8 });
  const adamParam = tensor(start, { requiresGrad: true });
  const adam = new Adam([adamParam], { lr: 0.1 });
  let theta = tensor(start), velocity = tensor([0, 0, 0]);
  let adamTheta = tensor(start), m = tensor([0, 0, 0]), v = tensor([0, 0, 0]);
  const settings = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
  for (let t = 1; t <= 5; t++) {
    for (const [p, opt] of [[sgdParam, sgd], [adamParam, adam]] as const) {
      tidy(() => {
        opt.zeroGrad();
        p.square().mul(a).sum().mul(0.5).backward();
        opt.step();
      });
    }
    ({ theta, velocity } = solutions.exercise1(theta, velocity, theta.mul(a), 0.05, 0.8));
    ({ theta: adamTheta, m, v } = solutions.exercise2(
      adamTheta,
      adamTheta.mul(a),
      { m, v },
      t,
      settings,
    ));
  }
  assertClose(theta, sgdParam, { rtol: 1e-5 });
  assertClose(adamTheta, adamParam, { rtol: 1e-5 });
});

Deno.test("chapter 4, exercise 1: wrong momentum steps fail and say why", () => {
  const { grade } = chapter04;
  const step = (
    rule: (theta: Tensor, v: Tensor, g: Tensor, lr: number, mu: number) => MomentumResult,
  ) => grade.exercise1(rule);
  // The notebook's placeholder: plain gradient descent.
  assertNotYet(
    step((theta, velocity, g, lr) => ({ theta: theta.sub(g.mul(lr)), velocity })),
    "plain gradient descent",
    "v ← μv − ηg",
  );
  assertNotYet(
    step((theta, v, g, lr, mu) => {
      const next = v.mul(mu).add(g.mul(lr));
      return { theta: theta.add(next), velocity: next };
    }),
    "uphill",
  );
  assertNotYet(
    step((theta, v, g, lr) => {
      const next = v.sub(g.mul(lr));
      return { theta: theta.add(next), velocity: next };
    }),
    "never decays",
  );
  assertNotYet(
    step((theta, v, g, lr, mu) => {
      const next = v.mul(mu).sub(g.mul(lr * (1 - mu)));
      return { theta: theta.add(next), velocity: next };
    }),
    "exponentially weighted average",
  );
  assertNotYet(
    step((theta, v, g, lr, mu) => ({
      theta: theta.add(v),
      velocity: v.mul(mu).sub(g.mul(lr)),
    })),
    "old velocity",
  );
  // Something else: the generic message names the step and both values.
  assertNotYet(
    step((theta, v, g, lr, mu) => {
      const next = v.mul(mu).sub(g.mul(2 * lr));
      return { theta: theta.add(next), velocity: next };
    }),
    "after step 1 your θ is",
    "momentum gives",
  );
  assertNotYet(
    step((theta) => ({ theta: theta.reshape([1, 3]), velocity: theta }) as MomentumResult),
    "theta has shape [1, 3]",
  );
  assertNotYet(step((theta) => ({ theta }) as MomentumResult), "velocity is missing");
  assertNotYet(step(() => null as unknown as MomentumResult), "returned null");
  assertNotYet(
    step((theta, v, g) => ({ theta: theta.div(g.sub(g)), velocity: v })),
    "at step 1 the result's theta holds NaN or infinity",
  );
  assertNotYet(
    step(() => {
      throw new Error("not written yet");
    }),
    "threw at step 1",
    "not written yet",
  );
  assertNotYet(grade.exercise1(3 as unknown as chapter04.MomentumStep), "got number");
});

Deno.test("chapter 4, exercise 2: wrong Adam steps fail and say why", () => {
  const { grade } = chapter04;
  type Parts = {
    m: (m: Tensor, g: Tensor, b1: number) => Tensor;
    v: (v: Tensor, g: Tensor, b2: number) => Tensor;
    step: (m: Tensor, v: Tensor, t: number, s: chapter04.AdamSettings) => Tensor;
  };
  const right: Parts = {
    m: (m, g, b1) => m.mul(b1).add(g.mul(1 - b1)),
    v: (v, g, b2) => v.mul(b2).add(g.square().mul(1 - b2)),
    step: (m, v, t, s) =>
      m.div(1 - s.beta1 ** t).div(v.div(1 - s.beta2 ** t).sqrt().add(s.eps)).mul(s.lr),
  };
  const adam = (parts: Partial<Parts>) => {
    const { m: mRule, v: vRule, step } = { ...right, ...parts };
    return grade.exercise2((theta, g, { m, v }, t, s): AdamResult => {
      const m2 = mRule(m, g, s.beta1), v2 = vRule(v, g, s.beta2);
      return { theta: theta.sub(step(m2, v2, t, s)), m: m2, v: v2 };
    });
  };
  assert.ok(adam({}).ok);
  // The notebook's placeholder: plain gradient descent.
  assertNotYet(
    grade.exercise2((theta, g, { m, v }, _t, { lr }) => ({ theta: theta.sub(g.mul(lr)), m, v })),
    "plain gradient descent",
    "m̂ = m / (1 − β₁ᵗ)",
  );
  assertNotYet(
    adam({ step: (m, v, _t, s) => m.div(v.sqrt().add(s.eps)).mul(s.lr) }),
    "skip the bias correction",
  );
  assertNotYet(
    adam({ step: (m, v, t, s) => m.div(1 - s.beta1 ** t).div(v.sqrt().add(s.eps)).mul(s.lr) }),
    "but not the second",
  );
  assertNotYet(
    adam({ step: (m, v, t, s) => m.div(v.div(1 - s.beta2 ** t).sqrt().add(s.eps)).mul(s.lr) }),
    "but not the first",
  );
  assertNotYet(
    adam({
      step: (m, v, t, s) =>
        m.div(1 - s.beta1 ** t).div(v.div(1 - s.beta2 ** t).add(s.eps)).mul(s.lr),
    }),
    "square root",
  );
  assertNotYet(
    adam({
      step: (m, v, t, s) =>
        m.div(1 - s.beta1 ** (t + 1)).div(v.div(1 - s.beta2 ** (t + 1)).sqrt().add(s.eps))
          .mul(s.lr),
    }),
    "one step off",
  );
  // β to the power t − 1 divides by zero at the first step.
  assertNotYet(
    adam({
      step: (m, v, t, s) =>
        m.div(1 - s.beta1 ** (t - 1)).div(v.div(1 - s.beta2 ** (t - 1)).sqrt().add(s.eps))
          .mul(s.lr),
    }),
    "NaN or infinity",
    "t = 1",
  );
  assertNotYet(
    adam({
      m: (m, g) => m.mul(0.999).add(g.mul(0.001)),
      v: (v, g) => v.mul(0.9).add(g.square().mul(0.1)),
      step: (m, v, t, s) =>
        m.div(1 - s.beta2 ** t).div(v.div(1 - s.beta1 ** t).sqrt().add(s.eps)).mul(s.lr),
    }),
    "swapped the decays",
  );
  assertNotYet(
    adam({ m: (m, g, b1) => m.mul(b1).add(g), v: (v, g, b2) => v.mul(b2).add(g.square()) }),
    "whole new gradient",
  );
  assertNotYet(adam({ step: (m, v, t, s) => right.step(m, v, t, s).mul(2) }), "after step 1");
  assertNotYet(
    grade.exercise2((theta, g) => ({ theta: theta.sub(g) }) as AdamResult),
    "m is missing",
  );
});

Deno.test("chapter 4, exercise 3: wrong classifiers fail and say why", () => {
  const { grade, solutions } = chapter04;
  // The notebook's placeholder: everything is a minimum.
  assertNotYet(
    grade.exercise3(() => "minimum"),
    "−x² − y² + xy at (0, 0) is a maximum, but your function says minimum",
    "[-3, -1]",
    "curves up in every direction",
  );
  // Signs swapped.
  const swapped: chapter04.CriticalPointClassifier = (f, point) => {
    const kind = solutions.exercise3(f, point);
    return kind === "minimum" ? "maximum" : kind === "maximum" ? "minimum" : kind;
  };
  assertNotYet(grade.exercise3(swapped), "is a minimum, but your function says maximum");
  // Rules of thumb: the diagonal of the Hessian, then the trace and determinant in 2-D.
  const diagonalRule: chapter04.CriticalPointClassifier = (f, point) => {
    const h = hessian(f, point);
    const diagonal = h.map((row, i) => row[i]);
    return diagonal.every((d) => d > 0)
      ? "minimum"
      : diagonal.every((d) => d < 0)
      ? "maximum"
      : "saddle";
  };
  assertNotYet(
    grade.exercise3(diagonalRule),
    "x² + y² + 3xy at (0, 0) is a saddle, but your function says minimum",
    "not at the diagonal",
  );
  const determinantRule: chapter04.CriticalPointClassifier = (f, point) => {
    const h = hessian(f, point);
    const det = determinant(h), trace = h.reduce((s, row, i) => s + row[i], 0);
    if (det < 0) return "saddle";
    return trace > 0 ? "minimum" : "maximum";
  };
  assertNotYet(
    grade.exercise3(determinantRule),
    "x² − y² − z² at (0, 0, 0) is a saddle, but your function says maximum",
  );
  assertNotYet(grade.exercise3(() => "min" as chapter04.CriticalPointKind), 'returned "min"');
  assertNotYet(
    grade.exercise3(() => {
      throw new Error("no idea");
    }),
    "threw on x² + 3y² at (0, 0): no idea",
  );
  assertNotYet(grade.exercise3(null as unknown as chapter04.CriticalPointClassifier), "got object");
});

/** The determinant of a 2 × 2 or 3 × 3 matrix. */
function determinant(h: number[][]): number {
  if (h.length === 2) return h[0][0] * h[1][1] - h[0][1] * h[1][0];
  return h[0][0] * (h[1][1] * h[2][2] - h[1][2] * h[2][1]) -
    h[0][1] * (h[1][0] * h[2][2] - h[1][2] * h[2][0]) +
    h[0][2] * (h[1][0] * h[2][1] - h[1][1] * h[2][0]);
}

Deno.test("chapter 4: the checks print the verdict and never throw", () => {
  const { check, solutions } = chapter04;
  assert.match(printed(() => check.exercise1(solutions.exercise1))[0], /^✓ right: /);
  assert.match(printed(() => check.exercise2(solutions.exercise2))[0], /^✓ right: /);
  assert.match(printed(() => check.exercise3(solutions.exercise3))[0], /^✓ right: /);
  assert.match(
    printed(() =>
      check.exercise1(() => {
        throw new Error("boom");
      })
    )[0],
    /^✗ not yet: .*boom/,
  );
  assert.match(
    printed(() => check.exercise3(() => "saddle"))[0],
    /^✗ not yet: x² \+ 3y² at \(0, 0\) is a minimum/,
  );
});
