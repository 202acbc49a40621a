/**
 * The webgpu backend's concat, pad, gather and scatterAdd kernels on the software adapter
 * (llvmpipe), against the cpu backend through the public ops: awkward views (transposed, sliced,
 * broadcast), more inputs than a shader can bind, int32 data, empty parts, repeated indices, and
 * the gradients (gather's is scatterAdd; concat's and pad's are slices). Out-of-range gather
 * indices cannot throw on a GPU: a test pins down the poison values written instead.
 */

import assert from "node:assert/strict";
import {
  assertThrowsWith,
  concat,
  crossEntropy,
  gather,
  grads,
  indexSelect,
  oneHot,
  pad,
  Rng,
  split,
  stack,
  type Tensor,
  tensor,
} from "../../lib/mod.ts";
import { onBackend } from "../helpers/backend.ts";
import { missingKernels } from "../../lib/backend/registry.ts";
import "../../lib/backend/webgpu/mod.ts";
import { assertSameOnGpu, type HostTensor } from "./compare.ts";

const rng = new Rng(11);
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
/** Random float32 host values of `shape`. */
const host = (shape: number[]): HostTensor => ({
  shape,
  values: Array.from({ length: size(shape) }, () => rng.normal() * 3),
});
/** Random int32 indices in [0, n) of `shape`, so draws repeat. */
const indices = (shape: number[], n: number): HostTensor => ({
  shape,
  values: Array.from({ length: size(shape) }, () => Math.floor(rng.uniform() * n)),
  dtype: "int32",
});
const ints = (shape: number[]): HostTensor => ({
  shape,
  values: Array.from({ length: size(shape) }, (_, i) => i * 7 - 20),
  dtype: "int32",
});
// Empty tensors are made by slicing: uploading an empty array panics Deno's webgpu (2.9.6).
/** Copies move bits, so joins, pads and gathers are exact. */
const exact = { rtol: 0, atol: 0 };

Deno.test("webgpu concat: views, many inputs, int32 and empty parts match the cpu", async () => {
  await assertSameOnGpu(
    [host([3, 4]), host([2, 3]), host([3, 5])],
    (a, b, c) => concat([a, b.transpose(), c.slice([0, 1], [3, 2])], 1),
    "concat of a plain, a transposed and a sliced view on axis 1",
    exact,
  );
  const many = Array.from({ length: 11 }, (_, k) => host([2, 1 + (k % 3), 3]));
  await assertSameOnGpu(many, (...xs) => concat(xs, 1), "11 inputs on the middle axis", exact);
  const wide = Array.from({ length: 9 }, (_, k) => host([3, 2, 1 + (k % 4)]));
  await assertSameOnGpu(wide, (...xs) => concat(xs, -1), "9 inputs on the last axis", exact);
  await assertSameOnGpu(
    [host([4, 1]), host([3])],
    (a, b) => concat([a.broadcastTo([4, 3]), b.reshape([1, 3]).broadcastTo([2, 3])], 0),
    "broadcast (zero-stride) inputs",
    exact,
  );
  await assertSameOnGpu(
    [ints([2, 3]), ints([2, 1]), ints([2, 2])],
    (a, b, c) => concat([a, b.slice([0, 0], [2, 0]), c], 1),
    "int32 with an empty part",
    exact,
  );
  await assertSameOnGpu(
    [host([2, 3]), host([2, 3]), host([2, 3])],
    (a, b, c) => [stack([a, b, c], 1), ...split(stack([a, b, c]), [1, 2], 0).map((t) => t.add(0))],
    "stack and split",
    exact,
  );
  await assertSameOnGpu(
    [host([2, 3]), host([2, 4]), host([2, 7])],
    (a, b, dy) => grads((x, y) => concat([x, y], 1), dy)(a, b),
    "concat's gradient",
    exact,
  );
});

Deno.test("webgpu pad: any view, any margins, int32 and the gradient match the cpu", async () => {
  const cases: [number[], [number, number][]][] = [
    [[3, 4], [[1, 2], [0, 3]]],
    [[2, 3, 4], [[0, 0], [2, 1], [0, 0]]],
    [[2, 1, 3, 2], [[1, 0], [0, 0], [0, 0], [3, 0]]],
    [[5], [[0, 0]]],
  ];
  for (const [shape, paddings] of cases) {
    const what = `pad ${JSON.stringify(shape)} by ${JSON.stringify(paddings)}`;
    await assertSameOnGpu([host(shape)], (x) => pad(x, paddings, -1.5), what, exact);
    await assertSameOnGpu(
      [host([...shape].reverse())],
      (x) => pad(x.transpose([...shape.keys()].reverse()), paddings),
      `${what} of a transposed view`,
      exact,
    );
  }
  await assertSameOnGpu(
    [host([2, 1, 3])],
    (x) => pad(x.slice([0, 0, 0], [2, 0, 3]), [[1, 1], [1, 0], [0, 2]], 3),
    "an empty view",
    exact,
  );
  await assertSameOnGpu(
    [host([6, 5])],
    (x) => pad(x.slice([1, 1], [3, 3]), [[2, 0], [1, 1]], 7),
    "a sliced view",
    exact,
  );
  await assertSameOnGpu(
    [ints([3, 2])],
    (x) => pad(x, [[1, 1], [2, 0]], -4),
    "int32 with a negative fill",
    exact,
  );
  await assertSameOnGpu(
    [host([3, 4]), host([6, 7])],
    (x, dy) => grads((t) => pad(t, [[1, 2], [0, 3]]), dy)(x),
    "pad's gradient",
    exact,
  );
});

/** gather cases: scalar, empty, matrix and repeating index shapes on every axis position. */
const GATHERS: { shape: number[]; index: number[]; axis: number }[] = [
  { shape: [5, 3], index: [4], axis: 0 },
  { shape: [5, 3], index: [], axis: 0 },
  { shape: [4, 6, 2], index: [2, 3], axis: 1 },
  { shape: [4, 6, 2], index: [7], axis: 2 },
  { shape: [1, 5], index: [3, 1], axis: 1 },
  { shape: [7], index: [2, 2, 2], axis: 0 },
  { shape: [3, 1, 2], index: [4], axis: 1 },
];

Deno.test("webgpu gather: any index shape on any axis, on views, matches the cpu", async () => {
  for (const { shape, index, axis } of GATHERS) {
    const what = `gather ${JSON.stringify(shape)} by ${JSON.stringify(index)} on axis ${axis}`;
    const idx = indices(index, shape[axis]);
    await assertSameOnGpu([host(shape), idx], (x, i) => gather(x, i, axis), what, exact);
    await assertSameOnGpu(
      [host([...shape].reverse()), idx],
      (x, i) => gather(x.transpose([...shape.keys()].reverse()), i, axis),
      `${what} from a transposed view`,
      exact,
    );
  }
  await assertSameOnGpu(
    [host([5, 3]), indices([2], 5)],
    (x, i) => gather(x, i.slice([0], [0]), 1),
    "an empty index",
    exact,
  );
  await assertSameOnGpu(
    [host([5, 4]), indices([3, 2], 4)],
    (x, i) => gather(x, i.transpose(), 1),
    "a transposed index matrix",
    exact,
  );
  await assertSameOnGpu(
    [host([3]), indices([4], 5)],
    (x, i) => gather(x.reshape([3, 1]).broadcastTo([3, 5]), i, 1),
    "from a broadcast view",
    exact,
  );
  await assertSameOnGpu(
    [ints([6, 2]), indices([5], 6)],
    (x, i) => indexSelect(x, 0, i),
    "int32 rows by indexSelect",
    exact,
  );
  await assertSameOnGpu([indices([2, 3], 5)], (i) => oneHot(i, 5), "oneHot", exact);
});

Deno.test("webgpu gather: its gradient (scatterAdd) sums repeats like the cpu", async () => {
  for (const { shape, index, axis } of GATHERS) {
    const what = `gather's gradient ${JSON.stringify(shape)} by ${JSON.stringify(index)}`;
    const outShape = [...shape.slice(0, axis), ...index, ...shape.slice(axis + 1)];
    await assertSameOnGpu(
      [host(shape), indices(index, shape[axis]), host(outShape)],
      (x, i, dy) => grads((t) => gather(t, i, axis), dy)(x),
      what,
      { rtol: 1e-6, atol: 1e-6 },
    );
  }
  // Every one of 40 draws lands in one of 3 rows: long sums, in the reference's order.
  await assertSameOnGpu(
    [host([3, 4]), indices([5, 8], 3), host([5, 8, 4])],
    (x, i, dy) => grads((t) => gather(t, i.transpose(), 0), dy.transpose([1, 0, 2]))(x),
    "40 repeated draws through transposed views",
    { rtol: 1e-6, atol: 1e-6 },
  );
  await assertSameOnGpu(
    [host([2, 5, 3]), indices([4], 5), host([4])],
    (x, i, dy) => grads((t) => gather(t, i, 1), dy.reshape([1, 4, 1]).broadcastTo([2, 4, 3]))(x),
    "a broadcast seed on the middle axis",
    { rtol: 1e-6, atol: 1e-6 },
  );
});

Deno.test("webgpu gather: an index out of range gives NaN (float32) or 0 (int32)", async () => {
  await onBackend("webgpu", async () => {
    const x = tensor([[1, 2], [3, 4], [5, 6]]);
    const picked = gather(x, tensor([2, 3, -1, 0], { dtype: "int32" }));
    assert.deepEqual(Array.from(await picked.data()), [5, 6, NaN, NaN, NaN, NaN, 1, 2]);
    const n = tensor([10, 20, 30], { dtype: "int32" });
    const pickedInts = gather(n, tensor([1, 7], { dtype: "int32" }));
    assert.deepEqual(Array.from(await pickedInts.data()), [20, 0]);
    for (const t of [x, picked, n, pickedInts]) t.dispose();
  });
});

Deno.test({
  name: "webgpu crossEntropy with class labels matches the cpu, gradient included",
  ignore: missingKernels("webgpu").includes("reduce"),
  fn: async () => {
    await assertSameOnGpu(
      [host([6, 5]), indices([6], 5)],
      (z, y) => {
        const [g] = grads((t: Tensor) => crossEntropy(t, y))(z);
        return [crossEntropy(z, y), g];
      },
      "crossEntropy",
      { rtol: 1e-5, atol: 1e-6 },
    );
  },
});

Deno.test("webgpu crossEntropy: a label tensor out of range makes its row's loss NaN", async () => {
  await onBackend("webgpu", async () => {
    const z = tensor([[1, 2, 3], [0, 0, 1], [2, 1, 0]]);
    const labels = tensor([2, 3, -1], { dtype: "int32" });
    const rows = Array.from(await crossEntropy(z, labels, "none").data());
    assert.ok(Number.isFinite(rows[0]), `a valid label keeps its loss (${rows[0]})`);
    assert.ok(Number.isNaN(rows[1]) && Number.isNaN(rows[2]), `bad labels give NaN: ${rows}`);
    assert.ok(Number.isNaN((await crossEntropy(z, labels).data())[0]), "and so does the mean");
    // Labels given as numbers are checked on the host, as on the cpu.
    assertThrowsWith(() => crossEntropy(z, [2, 3, 0]), "crossEntropy", "[0, 3)", "index 3");
    for (const t of [z, labels]) t.dispose();
  });
});
