/**
 * Chapter 9's exercise checks: the solutions pass, typical wrong answers fail with a reason that
 * helps, and the checks print and never throw.
 */

import assert from "node:assert/strict";
import { chapter09 } from "../lib/exercises/mod.ts";
import { assertNotYet, assertSolutionsPass, printed } from "./helpers/exercises.ts";
import { ganGeneratorLoss, gaussianKl, slerp, type Tensor } from "../lib/mod.ts";

Deno.test("chapter 9: the solutions pass", () => {
  assertSolutionsPass(chapter09);
});

Deno.test("chapter 9, exercise 1: other right KLs pass, wrong ones say why", () => {
  const { grade } = chapter09;
  assert.ok(grade.exercise1(gaussianKl).ok);
  // The same value written with σ² = exp(log σ²) squared from σ.
  assert.ok(
    grade.exercise1((mu, lv) =>
      mu.square().add(lv.mul(0.5).exp().square()).sub(lv).sub(1).mul(0.5).sum(-1)
    ).ok,
  );
  // The notebook's placeholder.
  assertNotYet(grade.exercise1((mu) => mu.square().sum(-1)), "for the first row", "½ Σ");
  const kl = (f: (mu: Tensor, lv: Tensor) => Tensor) => (mu: Tensor, lv: Tensor) => f(mu, lv);
  assertNotYet(
    grade.exercise1(kl((mu, lv) => mu.square().add(lv.exp()).sub(lv).sub(1).sum(-1))),
    "twice",
  );
  assertNotYet(
    grade.exercise1(
      kl((mu, lv) => mu.square().add(lv.mul(0.5).exp()).sub(lv.mul(0.5)).sub(1).sum(-1).mul(0.5)),
    ),
    "σ where the formula has σ²",
  );
  assertNotYet(
    grade.exercise1(kl((mu, lv) => mu.square().add(lv.exp()).sub(lv).sum(-1).mul(0.5))),
    "−1",
  );
  assertNotYet(
    grade.exercise1(kl((mu, lv) => mu.square().add(lv.exp()).add(lv).sub(1).sum(-1).mul(0.5))),
    "sign of the log σ² term",
  );
  assertNotYet(grade.exercise1((mu, lv) => gaussianKl(mu, lv).neg()), "negative");
  assertNotYet(grade.exercise1((mu, lv) => gaussianKl(mu, lv).sum()), "one number");
  assertNotYet(
    grade.exercise1((mu, lv) => mu.square().add(lv.exp()).sub(lv).sub(1).mul(0.5)),
    "one term per dimension",
  );
  assertNotYet(grade.exercise1(() => 1 as unknown as Tensor), "not a tensor");
  assertNotYet(
    grade.exercise1(() => {
      throw new Error("not written");
    }),
    "threw",
    "not written",
  );
});

Deno.test("chapter 9, exercise 2: wrong generator losses say why", () => {
  const { grade } = chapter09;
  assert.ok(grade.exercise2((z) => ganGeneratorLoss(z)).ok);
  // The notebook's placeholder: log(1 − D), computed through the sigmoid.
  assertNotYet(grade.exercise2((z) => z.sigmoid().neg().add(1).log().mean()), "minimax");
  assertNotYet(grade.exercise2((z) => ganGeneratorLoss(z, "minimax")), "minimax", "saturates");
  assertNotYet(grade.exercise2((z) => z.softplus().mean()), "discriminator's loss on fakes");
  assertNotYet(grade.exercise2((z) => ganGeneratorLoss(z).neg()), "negative of the loss");
  assertNotYet(grade.exercise2((z) => z.neg().softplus().sum()), "sum over the batch");
  assertNotYet(grade.exercise2((z) => z.sigmoid().neg().add(1).mean()), "a probability");
  // Right on ordinary logits, infinite when D rejects everything.
  assertNotYet(
    grade.exercise2((z) => z.sigmoid().log().neg().mean()),
    "right on ordinary logits",
    "softplus",
  );
  assertNotYet(grade.exercise2((z) => z.neg().softplus()), "shape [8, 1]");
  assertNotYet(grade.exercise2("loss" as unknown as (z: Tensor) => Tensor), "got string");
});

Deno.test("chapter 9, exercise 3: wrong interpolations say why", () => {
  const { grade } = chapter09;
  // The notebook's placeholder: the straight line.
  assertNotYet(
    grade.exercise3((a, b, t) => a.map((x, i) => (1 - t) * x + t * b[i])),
    "straight line",
    "great circle",
  );
  assertNotYet(grade.exercise3((a, b, t) => slerp(a, b, 1 - t)), "1 − t");
  assertNotYet(
    grade.exercise3((a, b, t) => {
      const unit = (v: number[]) => v.map((x) => x / Math.hypot(...v));
      return slerp(unit(a), unit(b), t);
    }),
    "unit vectors",
  );
  assertNotYet(grade.exercise3((a) => a.slice(1)), "array of 8 numbers");
  assertNotYet(grade.exercise3((_a, b) => b), "great-circle point");
  assertNotYet(
    grade.exercise3(() => {
      throw new Error("boom");
    }),
    "threw",
    "boom",
  );
});

Deno.test("chapter 9: the checks print the verdict and never throw", () => {
  const { check, solutions } = chapter09;
  assert.match(printed(() => check.exercise1(solutions.exercise1))[0], /^✓ right: /);
  assert.match(printed(() => check.exercise2(solutions.exercise2))[0], /^✓ right: /);
  assert.match(printed(() => check.exercise3(solutions.exercise3))[0], /^✓ right: /);
  assert.match(
    printed(() =>
      check.exercise3(null as unknown as (a: number[], b: number[], t: number) => number[])
    )[0],
    /^✗ not yet: /,
  );
});
