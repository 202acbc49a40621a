/**
 * Chapter 8's exercise checks: the solutions pass, typical wrong answers fail with a reason that
 * helps, and the checks print and never throw.
 */

import assert from "node:assert/strict";
import { chapter08 } from "../lib/exercises/mod.ts";
import { assertNotYet, assertSolutionsPass, printed } from "./helpers/exercises.ts";
import {
  circularShift,
  contentAddressing,
  dncLinks,
  dncPrecedence,
  tensor,
  zeros,
} from "../lib/mod.ts";

const softmax = (z: number[]) => {
  const e = z.map((v) => Math.exp(v - Math.max(...z)));
  const total = e.reduce((s, v) => s + v, 0);
  return e.map((v) => v / total);
};
const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
const norm = (a: number[]) => Math.sqrt(dot(a, a));

Deno.test("chapter 8: the solutions pass", () => assertSolutionsPass(chapter08));

Deno.test("chapter 8, exercise 1: the library's op passes; wrong weightings say why", () => {
  const { grade } = chapter08;
  const viaLibrary: chapter08.ContentWeights = (memory, key, strength) =>
    Array.from(
      contentAddressing(tensor([memory]), tensor([key]), tensor([[strength]])).dataSync(),
    );
  assert.ok(grade.exercise1(viaLibrary).ok);
  // The notebook's placeholder.
  assertNotYet(grade.exercise1((m) => m.map(() => 1 / m.length)), "softmax(β K(k, M_i))");
  assertNotYet(
    grade.exercise1((m, k, b) => softmax(m.map((row) => b * dot(row, k)))),
    "plain dot product",
    "cosine",
  );
  assertNotYet(
    grade.exercise1((m, k) => softmax(m.map((row) => dot(row, k) / (norm(row) * norm(k))))),
    "ignore β",
  );
  assertNotYet(grade.exercise1((m, k) => m.map((row) => dot(row, k))), "sum to");
  assertNotYet(grade.exercise1(() => [1, 2]), "array of 5 numbers");
  assertNotYet(
    grade.exercise1(() => {
      throw new Error("boom");
    }),
    "threw",
    "boom",
  );
});

Deno.test("chapter 8, exercise 2: the library's op passes; wrong shifts say why", () => {
  const { grade } = chapter08;
  const viaLibrary: chapter08.CircularShift = (w, s) =>
    Array.from(circularShift(tensor([w]), tensor([s])).dataSync());
  assert.ok(grade.exercise2(viaLibrary).ok);
  assertNotYet(grade.exercise2((w) => w.slice()), "should be");
  const backwards: chapter08.CircularShift = (w, s) =>
    w.map((_, i) =>
      [-1, 0, 1].reduce((t, j, k) => t + w[(((i + j) % w.length) + w.length) % w.length] * s[k], 0)
    );
  assertNotYet(grade.exercise2(backwards), "wrong way");
  const noWrap: chapter08.CircularShift = (w, s) =>
    w.map((_, i) => [-1, 0, 1].reduce((t, j, k) => t + w[i - j] * s[k], 0));
  assertNotYet(grade.exercise2(noWrap), "modulo N");
});

Deno.test("chapter 8, exercise 3: the library's ops pass; wrong link updates say why", () => {
  const { grade } = chapter08;
  const viaLibrary: chapter08.TemporalLinks = (writes) => {
    const n = writes[0].length;
    let links = zeros([1, n, n]), p = zeros([1, n]);
    for (const w of writes) {
      const wt = tensor([w]);
      links = dncLinks(links, wt, p);
      p = dncPrecedence(p, wt);
    }
    return links.reshape([n, n]).toArray() as number[][];
  };
  assert.ok(grade.exercise3(viaLibrary).ok);
  /** The update written out, with one of the usual mistakes. */
  const written =
    (mistake: "precedenceFirst" | "transposed" | "diagonal"): chapter08.TemporalLinks =>
    (
      writes,
    ) => {
      const n = writes[0].length;
      let links = Array.from({ length: n }, () => new Array<number>(n).fill(0));
      let p = new Array<number>(n).fill(0);
      const precede = (w: number[]) => {
        const total = w.reduce((s, v) => s + v, 0);
        p = p.map((v, i) => (1 - total) * v + w[i]);
      };
      for (const w of writes) {
        if (mistake === "precedenceFirst") precede(w);
        links = links.map((row, i) =>
          row.map((l, j) =>
            i === j && mistake !== "diagonal" ? 0 : (1 - w[i] - w[j]) * l + w[i] * p[j]
          )
        );
        if (mistake !== "precedenceFirst") precede(w);
      }
      return mistake === "transposed"
        ? links.map((row, i) => row.map((_, j) => links[j][i]))
        : links;
    };
  assertNotYet(grade.exercise3(written("precedenceFirst")), "precedence before the links");
  assertNotYet(grade.exercise3(written("transposed")), "transposed");
  assertNotYet(grade.exercise3(written("diagonal")), "diagonal");
  // The notebook's placeholder.
  assertNotYet(
    grade.exercise3((w) => w.map(() => new Array<number>(w[0].length).fill(0))),
    "all 0",
  );
  assertNotYet(grade.exercise3(() => [[1]]), "4 rows of 4 numbers");
});

Deno.test("chapter 8: the checks print a verdict and never throw", () => {
  const lines = printed(() => {
    chapter08.check.exercise1(chapter08.solutions.exercise1);
    chapter08.check.exercise2((w) => w.slice());
    chapter08.check.exercise3("not a function" as unknown as chapter08.TemporalLinks);
  });
  assert.equal(lines.length, 3);
  assert.match(lines[0], /^✓ right/);
  assert.match(lines[1], /^✗ not yet/);
  assert.match(lines[2], /^✗ not yet.*takes a function/);
});
