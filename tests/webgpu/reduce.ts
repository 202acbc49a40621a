/**
 * The webgpu backend's reduction kernels (`lib/backend/webgpu/reduce.ts`) on the software adapter
 * (llvmpipe), against the cpu backend through the public ops: sum, mean, max and min over any
 * axes of views (transposed, sliced, broadcast), special values (NaN, ±Infinity), int32, empty
 * and long reductions (the two-pass path), argmax/argmin with ties and NaN, the gradients of the
 * reductions, and the softmax family built on them.
 */

import assert from "node:assert/strict";
import {
  argmax,
  argmin,
  crossEntropy,
  grads,
  logSoftmax,
  logSumExp,
  max,
  mean,
  min,
  Rng,
  softmax,
  std,
  sum,
  type Tensor,
  tensor,
  variance,
} from "../../lib/mod.ts";
import { onBackend } from "../helpers/backend.ts";
import { missingKernels } from "../../lib/backend/registry.ts";
import { gpuRuntime } from "../../lib/backend/webgpu/mod.ts";
import { assertSameOnGpu, type HostTensor } from "./compare.ts";

const rng = new Rng(11);
const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
/** Normal values of `shape`. */
const host = (shape: number[], scale = 2): HostTensor => ({
  shape,
  values: Array.from({ length: count(shape) }, () => rng.normal() * scale),
});
/** Small integers of `shape`, so that maxima tie. */
const ties = (shape: number[], levels = 3): HostTensor => ({
  shape,
  values: Array.from({ length: count(shape) }, () => Math.floor(rng.uniform() * levels)),
});
/** `h` with `value` written at the flat positions `at`. */
const withValues = (h: HostTensor, at: number[], value: number): HostTensor => {
  const values = [...h.values];
  at.forEach((i) => values[i] = value);
  return { ...h, values };
};
/** Float32 sum tolerance for sums of about `k` terms of size about `scale`. */
const sumTol = (k: number, scale = 2) => ({ rtol: 1e-5, atol: 2e-6 * scale * Math.sqrt(k) });

Deno.test("webgpu reduce: sum, mean, max, min over every kind of axis set", async () => {
  const x = host([3, 4, 5, 6]);
  const axisSets: (number[] | undefined)[] = [undefined, [0], [1], [3], [0, 2], [1, 3], [0, 1, 3]];
  for (const axes of axisSets) {
    await assertSameOnGpu(
      [x],
      (t) => [sum(t, axes), mean(t, axes, true), max(t, axes), min(t, axes, true)],
      `sum/mean/max/min over ${axes ?? "all"}`,
      sumTol(360),
    );
  }
  await assertSameOnGpu([host([7])], (t) => [sum(t), max(t, 0, true)], "a vector");
  await assertSameOnGpu([host([1, 1])], (t) => [sum(t), max(t, 1)], "one element");
  await assertSameOnGpu([host([5, 1, 3])], (t) => [sum(t, 1), min(t, [1, 2])], "a size-1 axis");
});

Deno.test("webgpu reduce: views are read in place", async () => {
  const x = host([6, 5, 4]);
  await assertSameOnGpu(
    [x],
    (t) => {
      const tr = t.transpose([2, 0, 1]);
      return [sum(tr, 1), max(tr, [0, 2]), min(tr, 2, true), sum(tr, [0, 1])];
    },
    "a transposed view",
    sumTol(30),
  );
  await assertSameOnGpu(
    [x],
    (t) => {
      const s = t.slice([1, 1, 1], [4, 3, 2]);
      return [sum(s), sum(s, [0, 2]), max(s, 1), mean(s, 0)];
    },
    "an offset slice",
    sumTol(24),
  );
  await assertSameOnGpu(
    [host([4, 1]), host([3])],
    (a, b) => [sum(a.broadcastTo([4, 3]), 1), max(b.broadcastTo([5, 3]), 0), sum(a.add(b))],
    "broadcast (zero-stride) views",
    sumTol(12),
  );
});

Deno.test("webgpu reduce: NaN and infinities propagate as on the cpu; int32 sums", async () => {
  let x = host([4, 6]);
  x = withValues(x, [2], NaN);
  x = withValues(x, [7, 15], Infinity);
  x = withValues(x, [13, 20], -Infinity);
  await assertSameOnGpu(
    [x],
    (t) => [sum(t, 1), max(t, 1), min(t, 1), sum(t, 0), max(t, 0), min(t, 0), max(t), min(t)],
    "NaN, ±Infinity",
  );
  await assertSameOnGpu(
    [host([3, 4], 1e30)],
    (t) => [sum(t.mul(1e10), 1), max(t, 1)],
    "overflow to Infinity",
  );
  const ints: HostTensor = {
    shape: [3, 5],
    values: [1, -2, 3, 7, 9, -4, 5, 6, -8, 2, 2_000_000_000, 2_000_000_000, 1, -1, 0],
    dtype: "int32",
  };
  await assertSameOnGpu(
    [ints],
    (t) => [sum(t, 1), max(t, 1), min(t, 0), sum(t), max(t), min(t, [0, 1], true)],
    "int32, with a sum that wraps",
    { rtol: 0, atol: 0 },
  );
});

Deno.test("webgpu reduce: empty reductions and empty outputs", async () => {
  // Empty inputs are sliced on the device: uploading zero elements is not what is tested here.
  await assertSameOnGpu(
    [host([3, 2])],
    (x) => {
      const t = x.slice([0, 0], [3, 0]);
      return [sum(t, 1), max(t, 1, true), min(t, 1), sum(t, 0), argmax(t, 0)];
    },
    "reducing a zero-length axis, and reducing over an empty tensor",
  );
  await assertSameOnGpu(
    [{ ...ties([2, 3]), dtype: "int32" }],
    (x) => {
      const t = x.slice([0, 0], [2, 0]);
      return [sum(t, 1), max(t, 1)];
    },
    "empty int32",
  );
});

Deno.test("webgpu reduce: long reductions take two passes and stay accurate", async () => {
  await onBackend("webgpu", async () => {
    const batch = gpuRuntime().batch;
    const x = tensor(Array.from({ length: 10_000 }, (_, i) => i % 3));
    const before = batch.submits;
    const s = sum(x);
    assert.equal((await s.data())[0], 9_999);
    assert.ok(batch.submits - before <= 1, "both passes in one submit");
    x.dispose();
    s.dispose();
  });
  const long = host([70_000], 1);
  await assertSameOnGpu([long], (t) => [sum(t), max(t), min(t), mean(t)], "70k elements", {
    rtol: 1e-5,
    atol: 1e-5 * Math.sqrt(70_000),
  });
  const rows = host([3, 9_000], 1);
  await assertSameOnGpu(
    [rows],
    (
      t,
    ) => [sum(t, 1), max(t, 1, true), sum(t.transpose(), 0), min(t.slice([0, 100], [3, 8_500]), 1)],
    "long rows, plain and transposed",
    { rtol: 1e-5, atol: 1e-5 * Math.sqrt(9_000) },
  );
  // NaN in a later chunk still reaches the result through the partials.
  const poisoned = withValues(host([2, 5_000], 1), [4_999 + 5_000 - 3], NaN);
  await assertSameOnGpu([poisoned], (t) => [sum(t, 1), max(t, 1), min(t, 1)], "NaN in chunk 2", {
    rtol: 1e-5,
    atol: 1e-3,
  });
});

Deno.test("webgpu argReduce: first extreme wins, NaN wins and stays, int32, views", async () => {
  const x = ties([4, 7, 5]);
  for (const axis of [0, 1, 2]) {
    await assertSameOnGpu(
      [x],
      (t) => [argmax(t, axis), argmin(t, axis, true)],
      `ties along axis ${axis}`,
      { rtol: 0, atol: 0 },
    );
  }
  const nan = withValues(withValues(host([3, 6]), [2, 4, 7, 17], NaN), [9, 12], Infinity);
  await assertSameOnGpu(
    [nan],
    (t) => [argmax(t, 1), argmin(t, 1), argmax(t, 0), argmin(t, 0)],
    "NaN and Infinity",
    { rtol: 0, atol: 0 },
  );
  const nanFirst = withValues(host([2, 4]), [0, 4], NaN);
  await assertSameOnGpu([nanFirst], (t) => [argmax(t), argmin(t)], "a leading NaN", {
    rtol: 0,
    atol: 0,
  });
  const ints: HostTensor = { ...ties([5, 6], 4), dtype: "int32" };
  await assertSameOnGpu([ints], (t) => [argmax(t, 0), argmin(t, 1)], "int32", { rtol: 0, atol: 0 });
  await assertSameOnGpu(
    [x],
    (t) => [argmax(t.transpose([2, 0, 1]), 1), argmin(t.slice([1, 2, 0], [2, 4, 5]), 2)],
    "views",
    { rtol: 0, atol: 0 },
  );
  const long = ties([2, 1_000], 50);
  await assertSameOnGpu([long], (t) => [argmax(t), argmin(t, 1, true)], "long rows", {
    rtol: 0,
    atol: 0,
  });
});

Deno.test("webgpu reduce: gradients of max, min, mean, variance, std, logSumExp", async () => {
  const x = ties([3, 4, 5]);
  const dy = host([3, 4, 5]);
  await assertSameOnGpu(
    [x, dy],
    (t, d) =>
      grads((a) =>
        sum(max(a, 1, true).mul(d.slice([0, 0, 0], [3, 1, 5]))).add(min(a, [0, 2]).sum())
          .add(mean(a.mul(d)))
      )(t),
    "max/min (tied extremes share the gradient), mean",
    sumTol(60),
  );
  const y = host([4, 6]);
  await assertSameOnGpu(
    [y],
    (t) => {
      const [g] = grads((a) =>
        variance(a, 1).sum().add(std(a, 0).sum()).add(logSumExp(a, 1).sum())
      )(t);
      return [variance(t, 0), std(t, 1, true), logSumExp(t, [0, 1]), g];
    },
    "variance, std, logSumExp and their gradients",
    sumTol(24),
  );
});

Deno.test("webgpu reduce: softmax, logSoftmax and crossEntropy", async () => {
  const missing = missingKernels("webgpu");
  const logits = host([6, 10], 3);
  await assertSameOnGpu(
    [logits],
    (t) => [softmax(t), logSoftmax(t, 0), ...grads((a) => softmax(a).mul(a).sum())(t)],
    "softmax, logSoftmax and a softmax gradient",
    { rtol: 2e-5, atol: 1e-6 },
  );
  const targets = host([6, 10], 1);
  await assertSameOnGpu(
    [logits, targets],
    (z, p) => {
      const soft = softmax(p);
      return [crossEntropy(z, soft), ...grads((a) => crossEntropy(a, soft))(z)];
    },
    "crossEntropy against soft targets, with its gradient",
    { rtol: 2e-5, atol: 1e-6 },
  );
  // Integer labels pick with gather, whose gradient is scatterAdd: other kernels' work.
  if (!missing.includes("gather") && !missing.includes("scatterAdd")) {
    const labels: HostTensor = { shape: [6], values: [0, 9, 3, 3, 5, 1], dtype: "int32" };
    await assertSameOnGpu(
      [logits, labels],
      (z, l) => [crossEntropy(z, l), ...grads((a: Tensor) => crossEntropy(a, l))(z)],
      "crossEntropy against int32 labels, with its gradient",
      { rtol: 2e-5, atol: 1e-6 },
    );
  }
});
