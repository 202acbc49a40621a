/**
 * Indexing ops: gather / indexSelect with any index shape on any axis, and oneHot. Forward values
 * against TensorFlow.js, gradients (which must accumulate over repeated indices) against float64
 * finite differences and against tfjs's `tf.grads`, and the error messages. The file belongs to the
 * shared op suite: it runs on `cpu` and on `webgpu` (`tests/helpers/backend.ts`); on `webgpu` the
 * finite differences are float32 ones.
 */

import assert from "node:assert/strict";
import {
  assertCloseAsync,
  assertThrowsWith,
  gather,
  gradcheck,
  grads,
  indexSelect,
  mul,
  oneHot,
  sum,
  tensor,
  transpose,
} from "../lib/mod.ts";
import "./helpers/backend.ts";
import {
  assertCloseTf,
  assertGradsTf,
  randomIndices,
  randomTensor,
  tf,
  toTf,
} from "./helpers/tfjs.ts";

/** Table of gather cases: the index shapes include a scalar, matrices, and draws with repeats. */
const GATHERS: { shape: number[]; indices: number[]; axis: number }[] = [
  { shape: [5, 3], indices: [4], axis: 0 },
  { shape: [5, 3], indices: [], axis: 0 },
  { shape: [4, 6, 2], indices: [2, 3], axis: 1 },
  { shape: [4, 6, 2], indices: [7], axis: -1 },
  { shape: [1, 5], indices: [3, 1], axis: 1 },
  { shape: [7], indices: [2, 2, 2], axis: 0 },
  { shape: [3, 1, 2], indices: [4], axis: 1 },
];

Deno.test("gather: any index shape on any axis matches tf.gather, gradients included", async () => {
  for (const [k, { shape, indices, axis }] of GATHERS.entries()) {
    const x = randomTensor(shape, 300 + k);
    const a = axis < 0 ? axis + shape.length : axis;
    const idx = randomIndices(indices, shape[a], 310 + k);
    const what = `gather ${JSON.stringify(shape)} by ${JSON.stringify(indices)} on axis ${axis}`;
    const y = gather(x, idx, axis);
    assert.deepEqual(y.shape, [...shape.slice(0, a), ...indices, ...shape.slice(a + 1)], what);
    const idxTf = await toTf(idx);
    await assertCloseTf(y, tf.gather(await toTf(x), idxTf, a), { message: what });
    await assertGradsTf((t) => gather(t, idx, axis), (t) => tf.gather(t, idxTf, a), [x], what);
    // gradcheck leaves the int32 indices alone and checks the float argument only.
    await gradcheck((t, i) => gather(t, i, axis), [x, idx]);
  }
});

Deno.test("gather: repeated indices accumulate in the gradient", async () => {
  const x = randomTensor([4, 2], 320);
  const [g] = grads((t) => sum(gather(t, [1, 1, 3, 1])))(x);
  assert.deepEqual(await g.array(), [[0, 0], [3, 3], [0, 0], [1, 1]]);
  // Along axis 1, with a 2-D index and weights, so each repeat adds its own weight.
  const w = tensor([[[1, 10], [100, 1000]], [[2, 20], [200, 2000]], [[3, 30], [300, 3000]]]);
  const [h] = grads((t) => sum(mul(gather(t, [[0, 0], [2, 0]], 1), w)))(randomTensor([3, 3], 321));
  await assertCloseAsync(h, [[11 + 1000, 0, 100], [22 + 2000, 0, 200], [33 + 3000, 0, 300]]);
  await gradcheck((t) => gather(t, [[0, 0], [2, 0]], 1), [randomTensor([3, 3], 322)]);
});

Deno.test("indexSelect: PyTorch's argument order for gather", async () => {
  const x = randomTensor([3, 5, 2], 330);
  const idx = tensor([4, 0, 4], { dtype: "int32" });
  const idxTf = await toTf(idx);
  const y = indexSelect(x, 1, idx);
  await assertCloseTf(y, tf.gather(await toTf(x), idxTf, 1));
  await assertCloseAsync(y, gather(x, idx, 1));
  await assertGradsTf(
    (t) => indexSelect(t, 1, idx),
    (t) => tf.gather(t, idxTf, 1),
    [x],
    "indexSelect",
  );
  await gradcheck((t) => indexSelect(t, -2, idx), [x]);
});

Deno.test("gather: embedding lookups, views as inputs, int32 tables", async () => {
  // An embedding table looked up by a batch of token ids.
  const table = randomTensor([10, 4], 340);
  const ids = randomIndices([2, 3], 10, 341);
  await assertCloseTf(gather(table, ids), tf.gather(await toTf(table), await toTf(ids)));
  // Non-contiguous table and indices.
  const x = randomTensor([3, 6], 342);
  const idx = transpose(randomIndices([2, 3], 6, 343));
  const y = gather(transpose(x), idx);
  assert.equal(idx.isContiguous, false);
  // toTf reads idx in its logical order, so it arrives already transposed.
  await assertCloseTf(y, tf.gather(tf.transpose(await toTf(x)), await toTf(idx)));
  await gradcheck((t) => gather(transpose(t), idx), [x]);
  // Plain arrays as indices become int32.
  await assertCloseAsync(gather(tensor([10, 20, 30]), [2, 0]), [30, 10]);
  // An int32 table gathers int32 values.
  const ints = gather(tensor([[1, 2], [3, 4], [5, 6]], { dtype: "int32" }), [2, 2, 0]);
  assert.equal(ints.dtype, "int32");
  assert.deepEqual(await ints.array(), [[5, 6], [5, 6], [1, 2]]);
});

Deno.test("gather: errors name the bad index and the axis", () => {
  const x = randomTensor([4, 3], 350);
  assertThrowsWith(() => gather(x, [0, 4]), "gather", "index 4", "out of range", "size 4");
  assertThrowsWith(() => gather(x, [-1]), "gather", "index -1", "out of range");
  assertThrowsWith(() => gather(x, [3], 1), "gather", "index 3", "axis 1", "size 3");
  assertThrowsWith(() => gather(x, tensor([0, 1])), "gather", "indices", "int32", "float32");
  assertThrowsWith(() => gather(x, [0], 2), "gather", "axis 2");
});

const ONE_HOTS: { shape: number[]; depth: number; values?: number[] }[] = [
  { shape: [5], depth: 4 },
  { shape: [2, 3], depth: 3 },
  { shape: [], depth: 6 },
  // Indices outside [0, depth) give all-zero rows, as in tfjs.
  { shape: [4], depth: 3, values: [-1, 3, 2, 100] },
];

Deno.test("oneHot: float32 codes on a new last axis, matching tf.oneHot", async () => {
  for (const [k, { shape, depth, values }] of ONE_HOTS.entries()) {
    const idx = values ? tensor(values, { dtype: "int32" }) : randomIndices(shape, depth, 360 + k);
    const what = `oneHot ${JSON.stringify(shape)} depth ${depth}`;
    const y = oneHot(idx, depth);
    assert.equal(y.dtype, "float32", what);
    assert.deepEqual(y.shape, [...idx.shape, depth], what);
    await assertCloseTf(y, tf.oneHot(await toTf(idx), depth), { message: what });
  }
  assert.deepEqual(await oneHot([2, 0], 3).array(), [[0, 0, 1], [1, 0, 0]]);
  // tfjs insists on depth ≥ 2; depth 1 is still well defined.
  assert.deepEqual(await oneHot([0, 0, 1], 1).array(), [[1], [1], [0]]);
  assertThrowsWith(() => oneHot([1], 0), "oneHot", "depth", "positive integer", "0");
  assertThrowsWith(() => oneHot([1], 2.5), "oneHot", "depth", "2.5");
  assertThrowsWith(() => oneHot(tensor([1, 0]), 2), "oneHot", "int32", "float32");
});
