/**
 * lib/nn/residual.ts: the residual connection adds its body's output to its input, passes the
 * gradient along the skip unchanged, names its parameters, and rejects a body that changes shape.
 */

import assert from "node:assert/strict";
import {
  assertClose,
  assertThrowsWith,
  Linear,
  randn,
  ReLU,
  Residual,
  seed,
  Sequential,
  zeros,
} from "../lib/mod.ts";

Deno.test("Residual: forward is x + body(x)", () => {
  seed(1);
  const body = new Sequential(new Linear(5, 5), new ReLU(), new Linear(5, 5));
  const block = new Residual(body);
  const x = randn([4, 5]);
  assertClose(block.forward(x), x.add(body.forward(x)), { atol: 1e-6 });
  assert.deepEqual(block.namedParameters().map(([n]) => n), [
    "body.0.weight",
    "body.0.bias",
    "body.2.weight",
    "body.2.bias",
  ]);
});

Deno.test("Residual: the gradient reaches x through the skip even when the body is dead", () => {
  // A body whose output is zero and flat (a ReLU of a zero layer) passes no gradient at all;
  // the skip still passes the full gradient: d(sum(x + F(x)))/dx = 1.
  const dead = new Linear(3, 3, { weightInit: (s) => zeros(s), biasInit: (s) => zeros(s) });
  const block = new Residual(new Sequential(dead, new ReLU()));
  const x = randn([2, 3]);
  x.requiresGrad = true;
  block.forward(x).sum().backward();
  assertClose(x.grad!, [[1, 1, 1], [1, 1, 1]]);
});

Deno.test("Residual: a body that changes the shape, or is not a module, is reported", () => {
  const block = new Residual(new Linear(4, 3));
  assertThrowsWith(() => block.forward(randn([2, 4])), "Residual", "[2, 4]", "[2, 3]", "keep");
  assertThrowsWith(
    () => new Residual(((x: unknown) => x) as unknown as Linear),
    "Residual: the body must be a Module",
  );
});
