/**
 * Chapter 11's exercise checks: the solutions pass, typical wrong answers fail with a reason that
 * helps, and the checks print and never throw.
 */

import assert from "node:assert/strict";
import { chapter11 } from "../lib/exercises/mod.ts";
import { assertNotYet, assertSolutionsPass, printed } from "./helpers/exercises.ts";
import {
  clusterPurity,
  concat,
  eye,
  ntXentLoss,
  randomCrop,
  type Tensor,
  type Transform,
} from "../lib/mod.ts";

Deno.test("chapter 11: the solutions pass", () => {
  assertSolutionsPass(chapter11);
});

Deno.test("chapter 11, exercise 1: the library's purity passes; wrong purities fail and say why", () => {
  const { grade } = chapter11;
  assert.ok(grade.exercise1((a, y) => clusterPurity(a, y)).ok);
  // The notebook's placeholder: the share of points whose cluster id equals their label.
  assertNotYet(
    grade.exercise1((a, y) => a.filter((c, i) => c === y[i]).length / y.length),
    "should be",
  );
  const counts = (a: number[], y: number[]) => {
    const table = new Map<number, Map<number, number>>();
    a.forEach((c, i) => {
      const row = table.get(c) ?? new Map<number, number>();
      row.set(y[i], (row.get(y[i]) ?? 0) + 1);
      table.set(c, row);
    });
    return [...table.values()].map((row) => [...row.values()]);
  };
  const winners = (a: number[], y: number[]) =>
    counts(a, y).reduce((s, row) => s + Math.max(...row), 0);
  assertNotYet(grade.exercise1(winners), "divide by the number of points");
  assertNotYet(grade.exercise1((a, y) => winners(y, a) / y.length), "inverse purity");
  assertNotYet(
    grade.exercise1((a, y) => {
      const rows = counts(a, y);
      return rows.reduce((s, row) => s + Math.max(...row) / row.reduce((t, v) => t + v, 0), 0) /
        rows.length;
    }),
    "weight each cluster by its size",
  );
  assertNotYet(grade.exercise1(() => NaN), "not a finite number");
  assertNotYet(
    grade.exercise1(() => {
      throw new Error("not written yet");
    }),
    "threw",
    "not written yet",
  );
  assertNotYet(grade.exercise1("purity" as unknown as () => number), "got string");
});

/** NT-Xent built like the solution, with one step changed by `options`. */
function variant(
  options: { normalize?: boolean; mask?: boolean; tau?: boolean; half?: boolean; sum?: boolean },
) {
  return (first: Tensor, second: Tensor, temperature: number): Tensor => {
    const b = first.shape[0];
    const z = concat([first, second], 0);
    const unit = options.normalize === false ? z : z.div(z.square().sum(-1, true).sqrt());
    let logits = unit.matmul(unit.transpose()).div(options.tau === false ? 1 : temperature);
    if (options.mask !== false) logits = logits.sub(eye(2 * b).mul(1e9));
    const logP = logits.logSoftmax(-1);
    const picked = Array.from(
      { length: 2 * b },
      (_, i) => logP.slice([i, (i + b) % (2 * b)], [1, 1]),
    );
    const terms = concat(options.half ? picked.slice(0, b) : picked, 0).neg();
    return options.sum ? terms.sum() : terms.mean();
  };
}

Deno.test("chapter 11, exercise 2: right losses pass; wrong ones fail and say why", () => {
  const { grade } = chapter11;
  assert.ok(grade.exercise2((a, b, t) => ntXentLoss(a, b, { temperature: t })).ok);
  assert.ok(grade.exercise2(variant({})).ok, "the loss written row by row passes");
  // The notebook's placeholder: the mean cosine of partners, negated.
  assertNotYet(
    grade.exercise2((a, b) => {
      const unit = (x: Tensor) => x.div(x.square().sum(-1, true).sqrt());
      return unit(a).mul(unit(b)).sum(-1).mean().neg();
    }),
    "NT-Xent is",
  );
  assertNotYet(grade.exercise2(variant({ mask: false })), "diagonal");
  assertNotYet(grade.exercise2(variant({ normalize: false })), "unit length");
  assertNotYet(grade.exercise2(variant({ tau: false })), "temperature");
  assertNotYet(grade.exercise2(variant({ sum: true })), "take the mean");
  assertNotYet(grade.exercise2(variant({ half: true })), "first B rows");
  assertNotYet(grade.exercise2((a) => a.sum(-1)), "shape [6]", "one number");
  assertNotYet(grade.exercise2(() => 1 as unknown as Tensor), "not a tensor");
  assertNotYet(
    grade.exercise2(() => {
      throw new Error("boom");
    }),
    "threw",
    "boom",
  );
});

/** A shift transform like the solution's, with one thing changed by `options`. */
function shift(
  options: { wrap?: boolean; same?: boolean; offByOne?: boolean; random?: boolean; extra?: number },
): (maxShift: number) => Transform {
  return (maxShift) => (batch, shape, rng) => {
    const [n, h, w] = shape;
    const draw = () => {
      const span = options.offByOne ? 2 * maxShift : 2 * maxShift + 1;
      const r = options.random ? Math.floor(Math.random() * span) : rng.int(span);
      return r - maxShift + (options.extra ?? 0);
    };
    const common = [draw(), draw()];
    const source = new Float32Array(h * w);
    for (let i = 0; i < n; i++) {
      const [dy, dx] = options.same ? common : [draw(), draw()];
      const image = batch.subarray(i * h * w, (i + 1) * h * w);
      source.set(image);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          let sy = y - dy, sx = x - dx;
          if (options.wrap) [sy, sx] = [(sy + h) % h, (sx + w) % w];
          image[y * w + x] = sy >= 0 && sy < h && sx >= 0 && sx < w ? source[sy * w + sx] : 0;
        }
      }
    }
  };
}

Deno.test("chapter 11, exercise 3: right shifts pass; wrong ones fail and say why", () => {
  const { grade } = chapter11;
  assert.ok(grade.exercise3(shift({})).ok);
  // The library's randomCrop(p) on [B, H, W] batches is the same augmentation.
  assert.ok(grade.exercise3((s) => randomCrop(s)).ok);
  // The notebook's placeholder: does nothing.
  assertNotYet(grade.exercise3(() => () => {}), "did not change");
  assertNotYet(grade.exercise3(shift({ wrap: true })), "rolled");
  assertNotYet(grade.exercise3(shift({ same: true })), "same shift");
  assertNotYet(grade.exercise3(shift({ offByOne: true })), "reach both", "2 * maxShift + 1");
  assertNotYet(grade.exercise3(shift({ random: true })), "Math.random");
  assertNotYet(grade.exercise3(shift({ extra: 1 })), "more than maxShift");
  assertNotYet(
    grade.exercise3(() => (batch) => batch.fill(0.5)),
    "not a shifted copy",
  );
  assertNotYet(
    grade.exercise3(() => () => {
      throw new Error("boom");
    }),
    "threw",
    "boom",
  );
  assertNotYet(grade.exercise3(() => 3 as unknown as Transform), "return a transform");
});

Deno.test("chapter 11: the checks print the verdict and never throw", () => {
  const { check, solutions } = chapter11;
  assert.match(printed(() => check.exercise1(solutions.exercise1))[0], /^✓ right: /);
  assert.match(printed(() => check.exercise1(() => 0))[0], /^✗ not yet: /);
  assert.match(printed(() => check.exercise2(solutions.exercise2))[0], /^✓ right: /);
  assert.match(printed(() => check.exercise3(solutions.exercise3))[0], /^✓ right: /);
  assert.match(
    printed(() =>
      check.exercise2(() => {
        throw new Error("boom");
      })
    )[0],
    /^✗ not yet: .*boom/,
  );
});
