/**
 * The webgpu backend's runtime and elementwise kernels on the software adapter (llvmpipe): every
 * elementwise kernel against the cpu backend on views (transposed, sliced, broadcast) and special
 * values; batching, buffer reuse, and the errors for synchronous reads and float64.
 */

import assert from "node:assert/strict";
import {
  abs,
  add,
  assertRejectsWith,
  assertThrowsWith,
  cast,
  clip,
  div,
  equal,
  exp,
  greater,
  leakyRelu,
  less,
  log,
  maximum,
  minimum,
  mul,
  neg,
  notEqual,
  pow,
  randn,
  relu,
  Rng,
  setBackend,
  sigmoid,
  sign,
  softplus,
  sqrt,
  sub,
  tanh,
  type Tensor,
  tensor,
  tidy,
  where,
  zeros,
} from "../../lib/mod.ts";
import { onBackend } from "../helpers/backend.ts";
import { gpuRuntime } from "../../lib/backend/webgpu/mod.ts";
import { assertSameOnGpu, type HostTensor } from "./compare.ts";

const rng = new Rng(7);
/** Random values with the special ones mixed in. */
function values(n: number, scale = 3): number[] {
  const special = [0, -0, 1, -1, NaN, Infinity, -Infinity, 100, -100, 1e-30];
  return Array.from(
    { length: n },
    (_, i) => i % 7 === 3 ? special[i % special.length] : rng.normal() * scale,
  );
}
const host = (shape: number[], v?: number[]): HostTensor => ({
  shape,
  values: v ?? values(shape.reduce((a, b) => a * b, 1)),
});

Deno.test("webgpu elementwise: unary maps match the cpu, special values included", async () => {
  const x = host([5, 7]);
  const ops: [string, (t: Tensor) => Tensor][] = [
    ["neg", neg],
    ["exp", exp],
    ["log", (t) => log(abs(t))],
    ["sqrt", (t) => sqrt(abs(t))],
    ["abs", abs],
    ["sign", sign],
    ["relu", relu],
    ["sigmoid", sigmoid],
    ["tanh", tanh],
    ["softplus", softplus],
    ["leakyRelu", (t) => leakyRelu(t, 0.1)],
    ["clip", (t) => clip(t, -1, 2)],
  ];
  for (const [name, f] of ops) {
    await assertSameOnGpu([x], f, name, { rtol: 2e-6, atol: 1e-6 });
    await assertSameOnGpu([x], (t) => f(t.transpose()), `${name} of a transposed view`, {
      rtol: 2e-6,
      atol: 1e-6,
    });
  }
});

Deno.test("webgpu elementwise: binary ops and comparisons broadcast like the cpu", async () => {
  const a = host([4, 1, 6]), b = host([3, 1]);
  const ops: [string, (x: Tensor, y: Tensor) => Tensor][] = [
    ["add", add],
    ["sub", sub],
    ["mul", mul],
    ["div", div],
    ["maximum", maximum],
    ["minimum", minimum],
    ["equal", equal],
    ["notEqual", notEqual],
    ["less", less],
    ["greater", greater],
  ];
  for (const [name, f] of ops) await assertSameOnGpu([a, b], f, name);
  const base = host([2, 5], [2, -2, 0, -0.5, 4, 9, -8, 0, 1.5, -3]);
  const exponent = host([2, 5], [3, 3, 0, 2, -0.5, 0.5, 1 / 3, -1, 2.5, 2]);
  await assertSameOnGpu([base, exponent], pow, "pow, negative bases and zero", {
    rtol: 1e-5,
    atol: 1e-6,
  });
  const ints = { shape: [2, 3], values: [1, -2, 3, 4, 5, -6], dtype: "int32" as const };
  await assertSameOnGpu([ints, ints], (x, y) => add(mul(x, y), x), "int32 arithmetic");
  await assertSameOnGpu([ints], (x) => [neg(x), abs(x), sign(x)], "int32 unary");
});

Deno.test("webgpu elementwise: where, casts, slices and scalars", async () => {
  const c = host([3, 4]), a = host([3, 4]), b = host([4]);
  await assertSameOnGpu([c, a, b], (x, y, z) => where(greater(x, 0), y, z), "where");
  await assertSameOnGpu([a], (x) => cast(cast(x.mul(10), "int32"), "float32"), "float→int→float", {
    rtol: 0,
    atol: 0,
  });
  await assertSameOnGpu([host([6, 5])], (x) => x.slice([1, 2], [4, 2]).add(1), "a sliced view");
  await assertSameOnGpu([host([3])], (x) => x.add(2.5).mul(zeros([2, 3])), "fill and scalars");
});

Deno.test("webgpu runtime: kernels batch into few submits; buffers are reused after step 1", async () => {
  await onBackend("webgpu", async () => {
    const rt = gpuRuntime();
    const x = randn([64, 64]);
    const step = () =>
      tidy(() => {
        relu(x.mul(2).add(1)).sub(x).exp();
      });
    step();
    const created = rt.pool.stats().created, submits = rt.batch.submits;
    for (let i = 0; i < 20; i++) step();
    assert.equal(rt.pool.stats().created, created, "no new buffers after the first step");
    assert.ok(
      rt.batch.submits - submits <= 1,
      "140 kernels (with the scalar fills), at most one submit",
    );
    const y = tidy(() => x.mul(3));
    assert.equal((await y.data()).length, 64 * 64);
    y.dispose();
    x.dispose();
  });
});

Deno.test("webgpu errors: synchronous reads and float64 say what to do", async () => {
  await onBackend("webgpu", async () => {
    const t = tensor([1, 2, 3]);
    assertThrowsWith(() => t.dataSync(), "await t.data()");
    assertThrowsWith(() => t.toArray(), "asynchronous");
    assertThrowsWith(() => tensor([1, 2], { dtype: "float64" }), "float64", "cpu backend");
    assert.deepEqual(Array.from(await t.data()), [1, 2, 3]);
    assert.deepEqual(Array.from(await tensor([]).add(1).data()), [], "an empty tensor uploads");
    await assertRejectsWith(async () => await setBackend("nope"), "no backend named 'nope'");
    t.dispose();
  });
});
