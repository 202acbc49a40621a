/**
 * Chapter 10's exercise checks: the solutions pass, typical wrong answers fail with a reason that
 * helps, and the checks print and never throw.
 */

import assert from "node:assert/strict";
import { chapter10 } from "../lib/exercises/mod.ts";
import { assertNotYet, assertSolutionsPass, printed } from "./helpers/exercises.ts";
import { discountedReturns, type GridWorld } from "../lib/mod.ts";

Deno.test("chapter 10: the solutions pass", () => {
  assertSolutionsPass(chapter10);
});

Deno.test("chapter 10, exercise 1: the library's returns pass, wrong returns say why", () => {
  const { grade } = chapter10;
  assert.ok(grade.exercise1((r, g) => Array.from(discountedReturns(r, g))).ok);
  // The notebook's placeholder: the rewards themselves.
  assertNotYet(grade.exercise1((r) => r), "the rewards themselves");
  assertNotYet(grade.exercise1((r) => r.map(() => 0)), "but the returns are");
  const forwards = (r: number[], g: number) => {
    let acc = 0;
    return r.map((x) => (acc = x + g * acc));
  };
  assertNotYet(grade.exercise1(forwards), "backwards");
  const right = chapter10.solutions.exercise1;
  assertNotYet(grade.exercise1((r, g) => right(r, g).reverse()), "reverse order");
  assertNotYet(grade.exercise1((r, g) => right(r, g).map((x) => g * x)), "γ⁰ = 1");
  assertNotYet(grade.exercise1((r, g) => right(r, g).map((x, t) => x - r[t])), "left out r_t");
  assertNotYet(grade.exercise1((r) => right(r, 1)), "did not discount");
  assertNotYet(grade.exercise1((r, g) => right(r, g).slice(1)), "one per step");
  assertNotYet(grade.exercise1(() => 3 as unknown as number[]), "not an array");
  assertNotYet(
    grade.exercise1(() => {
      throw new Error("boom");
    }),
    "threw",
    "boom",
  );
});

/** A backup built from the solution's pieces, with one thing changed. */
function backupWith(
  combine: (qs: number[]) => number,
  options: { gamma?: number; intendedOnly?: boolean; noValues?: boolean } = {},
) {
  return (world: GridWorld, values: readonly number[], gamma: number, s: number) =>
    combine([0, 1, 2, 3].map((a) => {
      const outcomes = world.transitions(s, a);
      const used = options.intendedOnly ? [{ ...outcomes[0], probability: 1 }] : outcomes;
      return used.reduce(
        (q, t) =>
          q +
          t.probability *
            (t.reward + (options.gamma ?? gamma) * (options.noValues ? 0 : values[t.next])),
        0,
      );
    }));
}

Deno.test("chapter 10, exercise 2: wrong backups fail and say why", () => {
  const { grade } = chapter10;
  const max = (qs: number[]) => Math.max(...qs);
  assert.ok(grade.exercise2(backupWith(max)).ok);
  assertNotYet(grade.exercise2((_w, v, _g, s) => v[s]), "max_a");
  assertNotYet(grade.exercise2(backupWith(max, { gamma: 1 })), "did not discount");
  assertNotYet(grade.exercise2(backupWith(max, { intendedOnly: true })), "intended move");
  assertNotYet(
    grade.exercise2(backupWith((qs) => qs.reduce((a, b) => a + b, 0) / 4)),
    "averaged over the actions",
  );
  assertNotYet(grade.exercise2(backupWith((qs) => Math.min(...qs))), "worst action");
  assertNotYet(grade.exercise2(backupWith(max, { noValues: true })), "γ V(s′)");
  assertNotYet(grade.exercise2(() => "1" as unknown as number), "not a number");
});

Deno.test("chapter 10, exercise 3: wrong DQN targets fail and say why", () => {
  const { grade } = chapter10;
  const targets = (
    pick: (q: number[]) => number,
    boot: (done: boolean) => boolean,
    gammaOf = (g: number) => g,
  ) =>
  (r: number[], q: number[][], done: boolean[], g: number) =>
    r.map((x, i) => x + (boot(done[i]) ? gammaOf(g) * pick(q[i]) : 0));
  const max = (q: number[]) => Math.max(...q);
  assert.ok(grade.exercise3(targets(max, (d) => !d)).ok);
  // The notebook's placeholder: the rewards alone.
  assertNotYet(grade.exercise3((r) => r), "r + γ (1 − done) max Q");
  assertNotYet(grade.exercise3(targets(max, () => true)), "past a terminal state");
  assertNotYet(grade.exercise3(targets(max, (d) => d)), "wrong way round");
  assertNotYet(grade.exercise3(targets(max, (d) => !d, () => 1)), "did not discount");
  assertNotYet(grade.exercise3(targets((q) => Math.min(...q), (d) => !d)), "smallest");
  assertNotYet(grade.exercise3(targets((q) => (q[0] + q[1]) / 2, (d) => !d)), "averaged");
  assertNotYet(
    grade.exercise3(
      targets((q) => q.reduce((a, b) => Math.abs(b) > Math.abs(a) ? b : a), (d) => !d),
    ),
    "largest in size",
  );
  assertNotYet(
    grade.exercise3((r, q, d, g) => targets(max, (x) => !x)(r, q, d, g).map((y, i) => y - r[i])),
    "left out the reward",
  );
  assertNotYet(grade.exercise3(() => [1]), "1 targets for 4 transitions");
});

Deno.test("chapter 10: the checks print a verdict and never throw", () => {
  const { check, solutions } = chapter10;
  assert.match(printed(() => check.exercise1(solutions.exercise1))[0], /^✓ right: /);
  assert.match(printed(() => check.exercise1((r) => r))[0], /^✗ not yet: /);
  assert.match(printed(() => check.exercise2(solutions.exercise2))[0], /^✓ right: /);
  assert.match(
    printed(() => check.exercise3(null as unknown as chapter10.TdTargets))[0],
    /^✗ not yet: /,
  );
});
