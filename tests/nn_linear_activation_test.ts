/**
 * `Linear(in, out, { activation: "relu" })` and `linear(x, W, b, activation)`: the fused layer
 * (product, bias and ReLU in one kernel) against the plain layer followed by `relu` and against
 * TensorFlow.js, values and gradients, for one row, odd sizes and [B, T, in] inputs; the unfused
 * fallback for a bias that broadcasts further or promotes the dtype; the layer's description and
 * the errors.
 */

import assert from "node:assert/strict";
import {
  add,
  assertCloseAsync,
  assertThrowsWith,
  cast,
  gradcheck,
  grads,
  matmul,
  mul,
  relu,
  sum,
  type Tensor,
} from "../lib/mod.ts";
import { Linear, linear } from "../lib/nn/mod.ts";
import { assertCloseTf, randomTensor, tf, toTf } from "./helpers/tfjs.ts";

for (const [i, shape] of [[1, 5], [7, 5], [2, 3, 5]].entries()) {
  Deno.test(`Linear with ReLU on ${JSON.stringify(shape)}: the plain layer then relu; tfjs`, async () => {
    const fused = new Linear(5, 9, { activation: "relu" }), plain = new Linear(5, 9);
    fused.weight.assign(randomTensor([5, 9], 10 + i));
    fused.bias!.assign(randomTensor([9], 20 + i));
    plain.weight.assign(fused.weight);
    plain.bias!.assign(fused.bias!);
    const x = randomTensor(shape, 30 + i);
    const y = fused.forward(x);
    assert.equal(y.gradNode?.op, "fusedMatmul", "one op, with one gradient rule");
    // The same kernels' arithmetic, in one: equal to the last bit.
    assert.deepEqual(await y.data(), await relu(plain.forward(x)).data());
    const [xTf, wTf, bTf] = await Promise.all([x, fused.weight, fused.bias!].map(toTf));
    const want = tf.relu(tf.add(tf.matMul(xTf.reshape([-1, 5]), wTf), bTf));
    await assertCloseTf(y, want.reshape([...shape.slice(0, -1), 9]));
    // The parameters' gradients through backward(), against the unfused layer's.
    const r = randomTensor(y.shape, 40 + i);
    sum(mul(y, r)).backward();
    sum(mul(relu(plain.forward(x)), r)).backward();
    await assertCloseAsync(fused.weight.grad!, plain.weight.grad!);
    await assertCloseAsync(fused.bias!.grad!, plain.bias!.grad!);
  });
}

Deno.test("linear with relu: gradients by finite differences, fused and unfused", async () => {
  const x = randomTensor([2, 3, 4], 50), w = randomTensor([4, 6], 51);
  w.requiresGrad = true; // so that the result records which op made it
  // A [6] bias is fused; a [3, 6] one broadcasts over more than the last axis, so it is added
  // by `add` after the product: both must give relu(x·W + b).
  for (const b of [randomTensor([6], 52), randomTensor([3, 6], 53)]) {
    const what = `bias ${JSON.stringify(b.shape)}`;
    assert.equal(linear(x, w, b, "relu").gradNode?.op, b.rank === 1 ? "fusedMatmul" : "relu", what);
    await assertCloseAsync(linear(x, w, b, "relu"), relu(add(matmul(x, w), b)), { message: what });
    await gradcheck((p, q, s) => linear(p, q, s, "relu"), [x, w, b]);
    const f = (p: Tensor, q: Tensor, s: Tensor) => linear(p, q, s, "relu");
    const g = (p: Tensor, q: Tensor, s: Tensor) => relu(add(matmul(p, q), s));
    const [got, want] = [f, g].map((h) =>
      grads((...ts: Tensor[]) => sum(h(ts[0], ts[1], ts[2])))(x, w, b)
    );
    for (const [k, t] of got.entries()) await assertCloseAsync(t, want[k], { message: what });
  }
  // Without a bias the activation is still fused.
  await assertCloseAsync(linear(x, w, null, "relu"), relu(matmul(x, w)));
  await gradcheck((p, q) => linear(p, q, null, "relu"), [x, w]);
});

Deno.test("linear: a float64 bias on float32 operands keeps the unfused dtype rule", async () => {
  const x = randomTensor([3, 4], 60), w = randomTensor([4, 2], 61);
  const b = cast(randomTensor([2], 62), "float64");
  const y = linear(x, w, b, "relu");
  // The product stays float32; only the sum is float64, as with matmul then add.
  assert.equal(y.dtype, "float64");
  assert.deepEqual(await y.data(), await relu(add(matmul(x, w), b)).data());
});

Deno.test("Linear with an activation: description, and errors naming the layer", () => {
  assert.equal(String(new Linear(5, 3, { activation: "relu" })), "Linear(5 → 3, activation: relu)");
  assert.equal(
    String(new Linear(5, 3, { bias: false, activation: "relu" })),
    "Linear(5 → 3, bias: false, activation: relu)",
  );
  assert.equal(String(new Linear(5, 3, { activation: "none" })), "Linear(5 → 3)");
  // Callers without type checking (a notebook cell, plain JavaScript) can pass any string.
  assertThrowsWith(
    () => new Linear(5, 3, { activation: "tanh" as "relu" }),
    "Linear",
    "unknown activation",
    "use one of 'none', 'relu'",
    "'tanh'",
  );
  const x = randomTensor([2, 5], 70), w = randomTensor([5, 3], 71);
  assertThrowsWith(() => linear(x, w, null, "sigmoid" as "relu"), "linear", "'sigmoid'");
  // The shape error is the unfused one, whatever the activation.
  assertThrowsWith(
    () => linear(randomTensor([2, 4], 72), w, null, "relu"),
    "linear",
    "[2, 4]",
    "5 features",
  );
});
