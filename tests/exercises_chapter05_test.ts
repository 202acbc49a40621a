/**
 * Chapter 5's exercise checks: the solutions pass, typical wrong answers fail with a reason that
 * helps, and the checks print and never throw.
 */

import assert from "node:assert/strict";
import { chapter05 } from "../lib/exercises/mod.ts";
import { assertNotYet, assertSolutionsPass, printed } from "./helpers/exercises.ts";
import {
  AvgPool2d,
  BatchNorm2d,
  Conv2d,
  MaxPool2d,
  type Module,
  ReLU,
  Sequential,
} from "../lib/mod.ts";

Deno.test("chapter 5: the solutions pass", () => assertSolutionsPass(chapter05));

Deno.test("chapter 5, exercise 1: wrong output sizes fail and say why", () => {
  const { grade } = chapter05;
  // The notebook's placeholder.
  assertNotYet(grade.exercise1((n, k) => n - k), "n = 28, k = 5", "you give 23", "24 positions");
  assertNotYet(
    grade.exercise1((n, k, s, p, d) => Math.floor((n + 2 * p - d * (k - 1) - 1) / s)),
    "forgot the + 1",
  );
  assertNotYet(grade.exercise1((n, k, s, p) => Math.floor((n + 2 * p - k) / s) + 1), "dilation");
  assertNotYet(
    grade.exercise1((n, k, s, p, d) => Math.ceil((n + 2 * p - d * (k - 1) - 1) / s) + 1),
    "round down",
  );
  assertNotYet(
    grade.exercise1((n, k, s, p, d) => Math.floor((n + p - d * (k - 1) - 1) / s) + 1),
    "both sides",
  );
  assertNotYet(
    grade.exercise1((n, k, s, p, d) => (n + 2 * p - d * (k - 1) - 1) / s + 1),
    "whole number",
  );
  assertNotYet(grade.exercise1(() => "24" as unknown as number), "not a number");
  assertNotYet(
    grade.exercise1(() => {
      throw new Error("todo");
    }),
    "threw",
    "todo",
  );
  assertNotYet(grade.exercise1(7 as unknown as chapter05.OutputSizeFunction), "got number");
});

/** A 'valid' 3 × 3 convolution by loops, with the kernel read through `tap`. */
function loops(
  tap: (kernel: number[][], i: number, j: number) => number,
  shrink = 2,
): chapter05.Convolve3x3 {
  return (image, kernel) =>
    Array.from(
      { length: image.length - shrink },
      (_, r) =>
        Array.from({ length: image[0].length - shrink }, (_, c) => {
          let sum = 0;
          for (let i = 0; i < 3; i++) {
            for (let j = 0; j < 3; j++) sum += (image[r + i]?.[c + j] ?? 0) * tap(kernel, i, j);
          }
          return sum;
        }),
    );
}

Deno.test("chapter 5, exercise 2: wrong convolutions fail and say why", () => {
  const { grade } = chapter05;
  // The notebook's placeholder: the image itself.
  assertNotYet(grade.exercise2((image) => image), "6 × 7", "4 × 5", "no padding");
  assertNotYet(
    grade.exercise2(loops((k, i, j) => k[2 - i][2 - j])),
    "flipped",
    "cross-correlation",
  );
  assertNotYet(grade.exercise2(loops((k, i, j) => k[j][i])), "transposed");
  assertNotYet(grade.exercise2(loops((k, i, j) => k[i][j], 3)), "one position short");
  assertNotYet(grade.exercise2(loops((k, i, j) => 2 * k[i][j])), "top-left value");
  assertNotYet(grade.exercise2(() => [[1, 2], [3]]), "differ in length");
  assertNotYet(grade.exercise2(() => [] as number[][]), "rows of numbers");
  assertNotYet(grade.exercise2(() => [[NaN]]), "finite number");
  assertNotYet(
    grade.exercise2(() => {
      throw new Error("not yet written");
    }),
    "threw",
    "not yet written",
  );
});

Deno.test("chapter 5, exercise 3: wrong blocks fail and say why", () => {
  const { grade } = chapter05;
  const conv = (i: number, o: number, padding = 1, k = 3) => new Conv2d(i, o, k, { padding });
  // The notebook's placeholder: no batch norm.
  assertNotYet(
    grade.exercise3((i, o) => new Sequential(conv(i, o), new ReLU(), new MaxPool2d(2))),
    "does not normalise",
  );
  assertNotYet(
    grade.exercise3((i, o) =>
      new Sequential(conv(i, o), new ReLU(), new BatchNorm2d(o), new MaxPool2d(2))
    ),
    "ReLU comes before",
  );
  assertNotYet(
    grade.exercise3((i, o) =>
      new Sequential(conv(i, o), new BatchNorm2d(o), new ReLU(), new AvgPool2d(2))
    ),
    "averages",
  );
  assertNotYet(
    grade.exercise3((i, o) => new Sequential(conv(i, o), new BatchNorm2d(o), new ReLU())),
    "[4, 16, 8, 8]",
    "MaxPool2d(2)",
  );
  assertNotYet(
    grade.exercise3((i, o) =>
      new Sequential(conv(i, o, 0), new BatchNorm2d(o), new ReLU(), new MaxPool2d(2))
    ),
    "[4, 16, 3, 3]",
    "padding",
  );
  assertNotYet(
    grade.exercise3((i, o) =>
      new Sequential(conv(i, o, 2, 5), new BatchNorm2d(o), new ReLU(), new MaxPool2d(2))
    ),
    "[16, 3, 5, 5]",
  );
  assertNotYet(
    grade.exercise3((i, o) =>
      new Sequential(conv(i, o), conv(o, o), new BatchNorm2d(o), new ReLU(), new MaxPool2d(2))
    ),
    "2 convolution filters",
  );
  assertNotYet(grade.exercise3(() => ({}) as Module), "return a module");
  assertNotYet(
    grade.exercise3(() => {
      throw new Error("no block");
    }),
    "building your block threw",
    "no block",
  );
});

Deno.test("chapter 5: the checks print the verdict and never throw", () => {
  const { check, solutions } = chapter05;
  assert.match(printed(() => check.exercise1(solutions.exercise1))[0], /^✓ right: /);
  assert.match(printed(() => check.exercise2(solutions.exercise2))[0], /^✓ right: /);
  assert.match(printed(() => check.exercise3(solutions.exercise3))[0], /^✓ right: /);
  assert.match(
    printed(() => check.exercise2(() => null as unknown as number[][]))[0],
    /^✗ not yet/,
  );
  assert.match(
    printed(() => check.exercise3(() => null as unknown as Module))[0],
    /^✗ not yet: /,
  );
});
