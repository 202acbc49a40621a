/**
 * Chapter 6's exercise checks: the solutions pass, typical wrong answers fail with a reason that
 * helps, and the checks print and never throw.
 */

import assert from "node:assert/strict";
import { chapter06 } from "../lib/exercises/mod.ts";
import { assertNotYet, assertSolutionsPass, printed } from "./helpers/exercises.ts";
import { Rng, softplus, type Tensor, tensor, type Transform } from "../lib/mod.ts";

Deno.test("chapter 6: the solutions pass", () => assertSolutionsPass(chapter06));

/** A noise transform: each pixel picked with probability p and set by `set(value, rng)`. */
function noise(pick: (p: number, rng: Rng) => boolean, set: (rng: Rng, v: number) => number) {
  return (p: number): Transform => (batch, _shape, rng) => {
    for (let i = 0; i < batch.length; i++) if (pick(p, rng)) batch[i] = set(rng, batch[i]);
  };
}
const picked = (p: number, rng: Rng) => rng.uniform() < p;
const coin = (rng: Rng) => (rng.uniform() < 0.5 ? 0 : 1);

Deno.test("chapter 6, exercise 1: wrong salt-and-pepper transforms fail and say why", () => {
  const { grade } = chapter06;
  // Another right answer: one draw decides both whether and which.
  assert.ok(
    grade.exercise1((p) => (batch, _shape, rng) => {
      for (let i = 0; i < batch.length; i++) {
        const u = rng.uniform();
        if (u < p) batch[i] = u < p / 2 ? 0 : 1;
      }
    }).ok,
  );
  // The notebook's placeholder: masking noise.
  assertNotYet(grade.exercise1(noise(picked, () => 0)), "every picked pixel became 0", "masking");
  assertNotYet(grade.exercise1(noise(picked, () => 1)), "every picked pixel became 1");
  assertNotYet(grade.exercise1(noise(picked, (rng) => 255 * coin(rng))), "salt is 1, not 255");
  assertNotYet(grade.exercise1(noise(picked, (rng) => rng.uniform())), "other than 0 or 1");
  assertNotYet(grade.exercise1(noise((p, rng) => rng.uniform() < p / 2, coin)), "about 30.0%");
  assertNotYet(
    grade.exercise1(noise(picked, (rng) => (rng.uniform() < 0.2 ? 0 : 1))),
    "probability ½",
  );
  assertNotYet(
    grade.exercise1(noise((p) => Math.random() < p, () => (Math.random() < 0.5 ? 0 : 1))),
    "Math.random",
  );
  assertNotYet(grade.exercise1(noise((_p, rng) => rng.uniform() < 0.3, coin)), "with p = 0");
  // Returns a noisy copy instead of changing the batch.
  assertNotYet(
    grade.exercise1((p) =>
      ((batch: Float32Array, _shape: readonly number[], rng: Rng) =>
        batch.map((v) => (rng.uniform() < p ? coin(rng) : v))) as unknown as Transform
    ),
    "in place",
  );
  assertNotYet(grade.exercise1(() => (() => {}) as Transform), "changed no pixel");
  assertNotYet(grade.exercise1(() => 0.3 as unknown as Transform), "not a transform");
  assertNotYet(
    grade.exercise1(() => () => {
      throw new Error("not written yet");
    }),
    "threw",
    "not written yet",
  );
});

/** u_o·v_c [B] and u_nₖ·v_c [B, K] from the exercise's arguments. */
function scores(center: Tensor, context: Tensor, negatives: Tensor): [Tensor, Tensor] {
  return [center.mul(context).sum(-1), negatives.mul(center.unsqueeze(1)).sum(-1)];
}

Deno.test("chapter 6, exercise 2: wrong negative-sampling losses fail and say why", () => {
  const { grade } = chapter06;
  type Loss = (pos: Tensor, neg: Tensor) => Tensor;
  const fromScores = (loss: Loss) => (c: Tensor, u: Tensor, n: Tensor) => loss(...scores(c, u, n));
  // Another right answer: the binary cross-entropy form of the chapter, written out.
  assert.ok(
    grade.exercise2(
      fromScores((pos, neg) =>
        softplus(pos.neg()).sum().add(softplus(neg).sum()).div(pos.shape[0])
      ),
    ).ok,
  );
  // The notebook's placeholder: the positive term only, through log σ.
  assertNotYet(
    grade.exercise2(fromScores((pos) => pos.sigmoid().log().neg().mean())),
    "only the positive term",
  );
  assertNotYet(
    grade.exercise2(fromScores((pos, neg) => softplus(pos.neg()).add(softplus(neg).sum(-1)).sum())),
    "sum over the batch",
  );
  assertNotYet(
    grade.exercise2(
      fromScores((pos, neg) => softplus(pos.neg()).add(softplus(neg).mean(-1)).mean()),
    ),
    "you average the K negative terms",
  );
  assertNotYet(
    grade.exercise2(
      fromScores((pos, neg) => softplus(pos.neg()).add(softplus(neg.neg()).sum(-1)).mean()),
    ),
    "negative terms have the wrong sign",
  );
  assertNotYet(
    grade.exercise2(fromScores((pos, neg) => softplus(pos).add(softplus(neg).sum(-1)).mean())),
    "positive term has the wrong sign",
  );
  assertNotYet(
    grade.exercise2(
      fromScores((pos, neg) =>
        softplus(pos.neg()).add(softplus(neg).sum(-1)).mean().div(neg.shape[1] + 1)
      ),
    ),
    "1 + K scores",
  );
  // Right formula, but log σ underflows for large scores.
  assertNotYet(
    grade.exercise2(
      fromScores((pos, neg) =>
        pos.sigmoid().log().neg().add(neg.neg().sigmoid().log().neg().sum(-1)).mean()
      ),
    ),
    "right on ordinary vectors",
    "softplus",
  );
  assertNotYet(
    grade.exercise2(fromScores((pos, neg) => softplus(pos.neg()).add(softplus(neg).sum(-1)))),
    "one loss per pair",
  );
  assertNotYet(
    grade.exercise2(fromScores((pos) => pos.mul(2).mean())),
    "but the negative-sampling",
  );
  assertNotYet(grade.exercise2(() => 1 as unknown as Tensor), "not a tensor");
  assertNotYet(
    grade.exercise2(() => {
      throw new Error("not written yet");
    }),
    "threw",
    "not written yet",
  );
});

/** An analogy solver with switchable mistakes, scored in float64 on the host. */
function solver(options: {
  unitInputs?: boolean;
  cosine?: boolean;
  exclude?: boolean;
  sign?: 1 | -1;
  ascending?: boolean;
} = {}) {
  const { unitInputs = true, cosine = true, exclude = true, sign = 1, ascending = false } = options;
  return (table: Tensor, a: number, b: number, c: number, k: number): number[] => {
    const rows = table.toArray() as number[][];
    const norm = (r: number[]) => Math.hypot(...r);
    const scaled = (i: number) => (unitInputs ? rows[i].map((v) => v / norm(rows[i])) : rows[i]);
    const [va, vb, vc] = [scaled(a), scaled(b), scaled(c)];
    const query = vb.map((v, j) => sign * (v - va[j]) + vc[j]);
    return rows
      .map((r, id) => {
        const dot = r.reduce((s, v, j) => s + v * query[j], 0);
        return { id, s: cosine ? dot / norm(r) : dot };
      })
      .filter(({ id }) => !exclude || ![a, b, c].includes(id))
      .sort((x, y) => (ascending ? x.s - y.s : y.s - x.s))
      .slice(0, k)
      .map(({ id }) => id);
  };
}

Deno.test("chapter 6, exercise 3: wrong analogy solvers fail and say why", () => {
  const { grade } = chapter06;
  assert.ok(grade.exercise3(solver()).ok, "the host version of the solution passes");
  assertNotYet(grade.exercise3(solver({ exclude: false })), "leave out a, b and c");
  assertNotYet(grade.exercise3(solver({ unitInputs: false, cosine: false })), "long vectors win");
  assertNotYet(
    grade.exercise3(solver({ cosine: false })),
    "long vectors win",
    "candidate's length",
  );
  assertNotYet(grade.exercise3(solver({ unitInputs: false })), "before forming the query");
  assertNotYet(grade.exercise3(solver({ sign: -1 })), "not â − b̂ + ĉ");
  assertNotYet(grade.exercise3(solver({ ascending: true })), "least similar");
  // The notebook's placeholder: raw dot products, nothing left out.
  assertNotYet(
    grade.exercise3(solver({ unitInputs: false, cosine: false, exclude: false })),
    "leave out a, b and c",
  );
  assertNotYet(
    grade.exercise3((t, a, b, c, k) => solver()(t, a, b, c, k).reverse()),
    "right words in the wrong order",
  );
  assertNotYet(grade.exercise3((t, a, b, c, k) => solver()(t, a, b, c, k + 1)), "returned 6");
  assertNotYet(
    grade.exercise3((t, a, b, c, k) => tensor(solver()(t, a, b, c, k)) as unknown as number[]),
    "returned a tensor",
  );
  assertNotYet(grade.exercise3(() => [30, 31, 32, 33, 34]), "for a, b, c = 0, 1, 2");
  assertNotYet(
    grade.exercise3(() => {
      throw new Error("not written yet");
    }),
    "threw",
    "not written yet",
  );
});

Deno.test("chapter 6: the checks print the verdict and never throw", () => {
  const { check, solutions } = chapter06;
  assert.match(printed(() => check.exercise1(solutions.exercise1))[0], /^✓ right: /);
  assert.match(printed(() => check.exercise2(solutions.exercise2))[0], /^✓ right: /);
  assert.match(
    printed(() =>
      check.exercise2(() => {
        throw new Error("boom");
      })
    )[0],
    /^✗ not yet: .*boom/,
  );
  assert.match(printed(() => check.exercise3(null as unknown as () => number[]))[0], /^✗ not yet/);
  // A right solver given word vectors also tries a few analogies on them.
  const words = ["he", "she", "his", "her", "prince", "princess", "count", "countess"];
  const rng = new Rng(1);
  const table = tensor(words.map(() => Array.from({ length: 4 }, () => rng.normal())));
  const lines = printed(() => check.exercise3(solutions.exercise3, { table, words }));
  assert.match(lines[0], /^✓ right: /);
  assert.equal(lines.length, 3);
  assert.match(lines[1], /^ {2}he : she :: his : \w+ \/ \w+ \/ \w+$/);
  assert.match(lines[2], /^ {2}prince : princess :: count : /);
  // A wrong solver is not tried on the vectors.
  assert.equal(
    printed(() => check.exercise3(solver({ exclude: false }), { table, words })).length,
    1,
  );
});
