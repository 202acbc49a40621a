/**
 * The fused Adam update: the WASM kernel against the reference kernel (bit for bit: both round
 * every operation to float32), the reference against the chain of single ops it replaces, and the
 * op's errors.
 */

import assert from "node:assert/strict";
import {
  adamUpdate,
  add,
  assertThrowsWith,
  div,
  mul,
  rand,
  randn,
  seed,
  setBackend,
  sqrt,
  square,
  sub,
  type Tensor,
  tidy,
} from "../lib/mod.ts";

const ATTRS = { lr: 0.003, beta1: 0.9, beta2: 0.999, eps: 1e-8, step: 3 };

/** Adam built from single ops, as `Adam.update` computed it before the fused kernel. */
function unfused(p: Tensor, g: Tensor, m: Tensor, v: Tensor, step: number): Tensor[] {
  const { lr, beta1: b1, beta2: b2, eps } = ATTRS;
  const m2 = add(mul(m, b1), mul(g, 1 - b1));
  const v2 = add(mul(v, b2), mul(square(g), 1 - b2));
  const mHat = div(m2, 1 - b1 ** step), vHat = div(v2, 1 - b2 ** step);
  return [sub(p, mul(div(mHat, add(sqrt(vHat), eps)), lr)), m2, v2];
}

/** Random parameter, gradient and moments of `shape` (v ≥ 0, as a second moment is). */
function inputs(shape: number[]): Tensor[] {
  return [randn(shape), randn(shape), mul(randn(shape), 0.1), mul(rand(shape), 0.01)];
}

Deno.test("adamUpdate: the WASM kernel equals the reference bit for bit on awkward sizes", async () => {
  seed(5);
  for (const shape of [[0], [1], [3], [5, 7], [17, 33], [100_003]]) {
    const [p, g, m, v] = inputs(shape);
    const fast = adamUpdate(p, g, m, v, ATTRS).map((t) => t.dataSync());
    await setBackend("cpu-reference");
    const reference = adamUpdate(p, g, m, v, ATTRS).map((t) => t.dataSync());
    const chain = unfused(p, g, m, v, ATTRS.step).map((t) => t.dataSync());
    await setBackend("cpu");
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(fast[i], reference[i], `output ${i} of shape [${shape}]`);
      assert.deepEqual(reference[i], chain[i], `output ${i} of shape [${shape}] vs single ops`);
    }
  }
});

Deno.test("adamUpdate: views and float64 give the same numbers as the unfused ops", () => {
  seed(6);
  tidy(() => {
    const [p, g, m, v] = inputs([6, 5]).map((t) => t.transpose());
    const fused = adamUpdate(p, g, m, v, ATTRS);
    const chain = unfused(p, g, m, v, ATTRS.step);
    for (let i = 0; i < 3; i++) assert.deepEqual(fused[i].dataSync(), chain[i].dataSync());
    const d = inputs([4, 3]).map((t) => t.cast("float64"));
    const fused64 = adamUpdate(d[0], d[1], d[2], d[3], ATTRS);
    const chain64 = unfused(d[0], d[1], d[2], d[3], ATTRS.step);
    for (let i = 0; i < 3; i++) assert.deepEqual(fused64[i].dataSync(), chain64[i].dataSync());
  });
});

Deno.test("adamUpdate: mismatched shapes, dtypes and integer tensors are errors", () => {
  tidy(() => {
    const [p, g, m, v] = inputs([2, 3]);
    assertThrowsWith(
      () => adamUpdate(p, randn([3, 2]), m, v, ATTRS),
      "adamUpdate",
      "[3, 2]",
      "must match",
    );
    assertThrowsWith(() => adamUpdate(p, g, m.cast("float64"), v, ATTRS), "float64");
    const i = p.cast("int32");
    assertThrowsWith(() => adamUpdate(i, i, i, i, ATTRS), "adamUpdate");
  });
});
