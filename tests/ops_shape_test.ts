/**
 * Shape ops: the views (reshape, flatten, squeeze, unsqueeze, transpose, swapAxes, slice,
 * broadcastTo, contiguous), and concat, stack, split and pad. Forward values against TensorFlow.js,
 * gradients against float64 finite differences and against tfjs's `tf.grads`, storage sharing, and
 * the error messages. The file belongs to the shared op suite: it runs on `cpu` and on `webgpu`
 * (`tests/helpers/backend.ts`); on `webgpu` the finite differences are float32 ones.
 */

import assert from "node:assert/strict";
import {
  assertCloseAsync,
  assertThrowsWith,
  broadcastTo,
  concat,
  contiguous,
  flatten,
  gradcheck,
  grads,
  mul,
  pad,
  reshape,
  slice,
  split,
  squeeze,
  stack,
  sum,
  swapAxes,
  type Tensor,
  tensor,
  transpose,
  unsqueeze,
} from "../lib/mod.ts";
import "./helpers/backend.ts";
import { assertCloseTf, assertGradsTf, randomTensor, tf, toTf } from "./helpers/tfjs.ts";

/** The tfjs perm that equals our (possibly negative, possibly omitted) transpose perm. */
function fullPerm(rank: number, perm?: readonly number[]): number[] {
  return perm
    ? perm.map((a) => (a < 0 ? a + rank : a))
    : Array.from({ length: rank }, (_, i) => rank - 1 - i);
}

// ---------------------------------------------------------------------------------------------
// reshape and flatten

const RESHAPES: { from: number[]; to: number[]; want: number[] }[] = [
  { from: [2, 3, 4], to: [4, -1], want: [4, 6] },
  { from: [1, 5, 1], to: [5], want: [5] },
  { from: [3, 1, 7], to: [-1], want: [21] },
  { from: [6], to: [1, 2, 1, 3], want: [1, 2, 1, 3] },
  { from: [5, 3], to: [3, -1, 1], want: [3, 5, 1] },
  { from: [1], to: [], want: [] },
  { from: [], to: [1, -1], want: [1, 1] },
];

Deno.test("reshape: values, -1 inference and gradients match tfjs; a view of contiguous input", async () => {
  for (const [k, { from, to, want }] of RESHAPES.entries()) {
    const x = randomTensor(from, 10 + k);
    const y = reshape(x, to);
    const what = `reshape ${JSON.stringify(from)} → ${JSON.stringify(to)}`;
    assert.deepEqual(y.shape, want, what);
    await assertCloseTf(y, tf.reshape(await toTf(x), want), { message: what });
    assert.equal(y.storage, x.storage, `${what} shares storage`);
    await assertGradsTf((a) => reshape(a, to), (a) => tf.reshape(a, want), [x], what);
    await gradcheck((a) => reshape(a, to), [x]);
  }
});

Deno.test("reshape: of a non-contiguous view copies, and is right", async () => {
  const x = randomTensor([3, 4, 5], 20);
  const before = Float32Array.from(await x.data());
  const t = transpose(x, [2, 0, 1]);
  assert.equal(t.isContiguous, false);
  const y = reshape(t, [5, -1]);
  assert.deepEqual(y.shape, [5, 12]);
  assert.notEqual(y.storage, x.storage, "a non-contiguous view must be copied");
  assert.equal(y.isContiguous, true);
  await assertCloseTf(y, tf.reshape(tf.transpose(await toTf(x), [2, 0, 1]), [5, 12]));
  await assertCloseAsync(x, before, { message: "the base is untouched" });
  await assertGradsTf(
    (a) => reshape(transpose(a, [2, 0, 1]), [5, -1]),
    (a) => tf.reshape(tf.transpose(a, [2, 0, 1]), [5, 12]),
    [x],
    "reshape of a transpose",
  );
  await gradcheck((a) => reshape(transpose(a, [2, 0, 1]), [-1, 3]), [randomTensor([2, 3, 2], 21)]);

  // A column slice of a matrix is strided; a row slice is contiguous (with an offset) and stays a view.
  const m = randomTensor([4, 6], 22);
  const cols = reshape(slice(m, [1, 2], [3, 3]), [9]);
  await assertCloseTf(cols, tf.reshape(tf.slice(await toTf(m), [1, 2], [3, 3]), [9]));
  assert.notEqual(cols.storage, m.storage);
  const rows = reshape(slice(m, [1, 0], [2, -1]), [3, 4]);
  await assertCloseTf(rows, tf.reshape(tf.slice(await toTf(m), [1, 0], [2, 6]), [3, 4]));
  assert.equal(rows.storage, m.storage, "a contiguous slice reshapes as a view");
  await gradcheck((a) => reshape(slice(a, [1, 2], [3, 3]), [9]), [m]);

  // A broadcast (zero-stride) view reshapes by copying too.
  const b = randomTensor([3, 1], 23);
  const flat = reshape(broadcastTo(b, [3, 4]), [12]);
  await assertCloseTf(flat, tf.reshape(tf.broadcastTo(await toTf(b), [3, 4]), [12]));
  await gradcheck((a) => reshape(broadcastTo(a, [3, 4]), [2, 6]), [b]);
});

Deno.test("shape ops that change nothing still return a new view, never their input", async () => {
  const x = randomTensor([2, 3], 25);
  const same = [
    reshape(x, [2, 3]),
    reshape(x, [-1, 3]),
    flatten(randomTensor([4], 26)),
    squeeze(x),
    broadcastTo(x, [2, 3]),
    transpose(x, [0, 1]),
    slice(x, [0, 0]),
    concat([x]),
  ];
  for (const y of same) {
    assert.notEqual(y, x);
    y.dispose();
  }
  // Disposing the results left the input alive.
  assert.equal(x.isDisposed, false);
  await assertCloseAsync(reshape(x, [3, 2]), await x.data());
  // Gradients still flow through the no-op forms.
  await gradcheck((a) => reshape(a, [2, 3]), [x]);
  await gradcheck((a) => concat([a]), [x]);
  await gradcheck((a) => broadcastTo(a, [2, 3]), [x]);
});

Deno.test("reshape: errors name the shapes", () => {
  const x = randomTensor([2, 3, 4], 24);
  assertThrowsWith(() => reshape(x, [5, 5]), "reshape", "[2, 3, 4]", "24 elements", "[5, 5]");
  assertThrowsWith(() => reshape(x, [-1, 5]), "reshape", "[2, 3, 4]", "[-1, 5]");
  assertThrowsWith(() => reshape(x, [-1, -1]), "reshape", "at most one -1");
  assertThrowsWith(() => reshape(x, [2, -2, 6]), "reshape", "invalid target shape");
});

const FLATTENS: { shape: number[]; args: number[]; want: number[] }[] = [
  { shape: [2, 3, 4], args: [], want: [24] },
  { shape: [2, 3, 4], args: [1], want: [2, 12] },
  { shape: [2, 3, 4], args: [0, 1], want: [6, 4] },
  { shape: [2, 3, 4], args: [-2, -1], want: [2, 12] },
  { shape: [1, 3, 1, 5], args: [1, 2], want: [1, 3, 5] },
  { shape: [7], args: [], want: [7] },
  { shape: [], args: [], want: [1] },
];

Deno.test("flatten: start/end axes, size-1 dims and scalars, with gradients", async () => {
  for (const [k, { shape, args, want }] of FLATTENS.entries()) {
    const x = randomTensor(shape, 30 + k);
    const y = flatten(x, ...args);
    const what = `flatten ${JSON.stringify(shape)} ${JSON.stringify(args)}`;
    assert.deepEqual(y.shape, want, what);
    await assertCloseTf(y, tf.reshape(await toTf(x), want), { message: what });
    await gradcheck((a) => flatten(a, ...args), [x]);
  }
  // Flattening a transposed tensor must follow its logical (row-major) order.
  const x = randomTensor([3, 2, 4], 37);
  await assertCloseTf(flatten(transpose(x)), tf.reshape(tf.transpose(await toTf(x)), [24]));
  assertThrowsWith(() => flatten(x, 3), "flatten", "axis 3", "rank 3");
  assertThrowsWith(() => flatten(x, 2, 1), "flatten", "start axis 2", "end axis 1");
});

// ---------------------------------------------------------------------------------------------
// squeeze, unsqueeze

Deno.test("squeeze: all size-1 axes or the listed ones, matching tfjs", async () => {
  const cases: { shape: number[]; axes?: number | number[]; want: number[] }[] = [
    { shape: [1, 3, 1, 2], want: [3, 2] },
    { shape: [1, 3, 1, 2], axes: 0, want: [3, 1, 2] },
    { shape: [1, 3, 1, 2], axes: [-2, 0], want: [3, 2] },
    { shape: [1, 1], want: [] },
    { shape: [4, 5], want: [4, 5] },
  ];
  for (const [k, { shape, axes, want }] of cases.entries()) {
    const x = randomTensor(shape, 40 + k);
    const y = squeeze(x, axes);
    const what = `squeeze ${JSON.stringify(shape)} ${JSON.stringify(axes)}`;
    assert.deepEqual(y.shape, want, what);
    const tfAxes = axes === undefined
      ? undefined
      : [axes].flat().map((a) => a < 0 ? a + shape.length : a);
    await assertCloseTf(y, tf.squeeze(await toTf(x), tfAxes), { message: what });
    assert.equal(y.storage, x.storage, what);
    await gradcheck((a) => squeeze(a, axes), [x]);
  }
  assertThrowsWith(
    () => squeeze(randomTensor([1, 3], 45), 1),
    "squeeze",
    "axis 1 has size 3",
    "[1, 3]",
  );
  assertThrowsWith(() => squeeze(randomTensor([1, 3], 45), 2), "squeeze", "axis 2");
});

Deno.test("unsqueeze: every position including negative ones, matching tf.expandDims", async () => {
  const x = randomTensor([3, 2], 50);
  for (const axis of [0, 1, 2, -1, -2, -3]) {
    const y = unsqueeze(x, axis);
    await assertCloseTf(y, tf.expandDims(await toTf(x), axis), {
      message: `unsqueeze axis ${axis}`,
    });
    assert.equal(y.storage, x.storage);
    await gradcheck((a) => unsqueeze(a, axis), [x]);
  }
  assert.deepEqual(unsqueeze(randomTensor([], 51), 0).shape, [1]);
  assertThrowsWith(() => unsqueeze(x, 3), "unsqueeze", "axis 3");
  assertThrowsWith(() => unsqueeze(x, -4), "unsqueeze", "axis -4");
});

// ---------------------------------------------------------------------------------------------
// transpose, swapAxes

const TRANSPOSES: { shape: number[]; perm?: number[] }[] = [
  { shape: [2, 3, 4], perm: [1, 2, 0] },
  { shape: [2, 3, 4], perm: [2, 0, 1] },
  { shape: [2, 3, 4] },
  { shape: [2, 3, 4], perm: [-1, 0, 1] },
  { shape: [1, 5] },
  { shape: [3, 1, 2, 5], perm: [3, 1, 0, 2] },
  { shape: [7] },
];

Deno.test("transpose: perms and the default reverse, as views, with gradients", async () => {
  for (const [k, { shape, perm }] of TRANSPOSES.entries()) {
    const x = randomTensor(shape, 60 + k);
    const p = fullPerm(shape.length, perm);
    const y = transpose(x, perm);
    const what = `transpose ${JSON.stringify(shape)} ${JSON.stringify(perm)}`;
    assert.deepEqual(y.shape, p.map((a) => shape[a]), what);
    assert.deepEqual(y.strides, p.map((a) => x.strides[a]), `${what}: permuted strides`);
    assert.equal(y.storage, x.storage, `${what}: a view`);
    await assertCloseTf(y, tf.transpose(await toTf(x), p), { message: what });
    await assertGradsTf((a) => transpose(a, perm), (a) => tf.transpose(a, p), [x], what);
    await gradcheck((a) => transpose(a, perm), [x]);
  }
});

Deno.test("transpose: a view reads back transposed, and transposing back is contiguous again", async () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);
  const t = transpose(x);
  assert.equal(t.storage, x.storage);
  assert.equal(t.isContiguous, false);
  assert.deepEqual(Array.from(await t.data()), [1, 4, 2, 5, 3, 6]);
  assert.deepEqual(await t.array(), [[1, 4], [2, 5], [3, 6]]);
  const back = transpose(t);
  assert.equal(back.isContiguous, true);
  assert.deepEqual(await back.array(), [[1, 2, 3], [4, 5, 6]]);
  // Views of views compose: a slice of a transpose.
  assert.deepEqual(await slice(t, [1, 0], [2, 1]).array(), [[2], [3]]);
  // The view survives its base being disposed: the storage goes with its last view.
  x.dispose();
  assert.deepEqual(await t.array(), [[1, 4], [2, 5], [3, 6]]);
});

Deno.test("transpose and swapAxes: errors", () => {
  const x = randomTensor([2, 3, 4], 70);
  assertThrowsWith(() => transpose(x, [0, 0, 1]), "transpose", "[0,0,1]", "not a permutation");
  assertThrowsWith(() => transpose(x, [1, 0]), "transpose", "not a permutation", "[2, 3, 4]");
  assertThrowsWith(() => transpose(x, [0, 1, 3]), "transpose", "axis 3");
  assertThrowsWith(() => swapAxes(x, 0, 3), "swapAxes", "axis 3");
});

Deno.test("swapAxes: matches tfjs's transpose with two axes swapped", async () => {
  const x = randomTensor([2, 1, 3, 5], 71);
  for (const [a, b] of [[0, 2], [-1, 1], [1, 1], [3, 0]]) {
    const p = [0, 1, 2, 3];
    const [i, j] = [a < 0 ? a + 4 : a, b < 0 ? b + 4 : b];
    [p[i], p[j]] = [p[j], p[i]];
    const y = swapAxes(x, a, b);
    await assertCloseTf(y, tf.transpose(await toTf(x), p), { message: `swapAxes ${a} ${b}` });
    assert.equal(y.storage, x.storage);
    await gradcheck((t) => swapAxes(t, a, b), [x]);
  }
  await assertGradsTf(
    (t) => swapAxes(t, 0, 2),
    (t) => tf.transpose(t, [2, 1, 0, 3]),
    [x],
    "swapAxes",
  );
});

// ---------------------------------------------------------------------------------------------
// slice

const SLICES: { shape: number[]; begin: number[]; size?: number[]; tfBegin: number[] }[] = [
  { shape: [5, 6, 3], begin: [1, 2], size: [3, -1], tfBegin: [1, 2, 0] },
  { shape: [5, 6, 3], begin: [-2, 0, 1], size: [-1, 4, 2], tfBegin: [3, 0, 1] },
  { shape: [5, 6, 3], begin: [0], tfBegin: [0, 0, 0] },
  { shape: [5, 6, 3], begin: [-5, -6, -3], size: [1, 1, 1], tfBegin: [0, 0, 0] },
  { shape: [5, 6, 3], begin: [4, 5, 2], size: [1, -1, -1], tfBegin: [4, 5, 2] },
  { shape: [1, 7], begin: [0, -3], size: [-1, 2], tfBegin: [0, 4] },
  { shape: [9], begin: [3], size: [0], tfBegin: [3] },
];

Deno.test("slice: negative begins and size -1 match tfjs; slices are views with gradients", async () => {
  for (const [k, { shape, begin, size, tfBegin }] of SLICES.entries()) {
    const x = randomTensor(shape, 80 + k);
    const tfSize = shape.map((_, i) => size?.[i] ?? -1);
    const y = slice(x, begin, size);
    const what = `slice ${JSON.stringify(shape)} ${JSON.stringify(begin)} ${JSON.stringify(size)}`;
    await assertCloseTf(y, tf.slice(await toTf(x), tfBegin, tfSize), { message: what });
    assert.equal(y.storage, x.storage, `${what}: a view`);
    if (y.size > 0) {
      await assertGradsTf(
        (a) => slice(a, begin, size),
        (a) => tf.slice(a, tfBegin, tfSize),
        [x],
        what,
      );
    }
    await gradcheck((a) => slice(a, begin, size), [x]);
  }
  // A slice of a non-contiguous view.
  const x = randomTensor([4, 5], 88);
  await assertCloseTf(
    slice(transpose(x), [1, -3], [3, 2]),
    tf.slice(tf.transpose(await toTf(x)), [1, 1], [3, 2]),
  );
  await gradcheck((a) => slice(transpose(a), [1, -3], [3, 2]), [x]);
});

Deno.test("slice: out-of-range requests name the axis", () => {
  const x = randomTensor([5, 6], 89);
  // Starting at the end is an empty slice, as in NumPy; one past it is an error.
  assert.deepEqual(slice(x, [5]).shape, [0, 6]);
  assertThrowsWith(() => slice(x, [6]), "slice", "reaches outside", "[5, 6]", "axis 0");
  assertThrowsWith(() => slice(x, [-7]), "slice", "axis 0");
  assertThrowsWith(() => slice(x, [0, 4], [1, 3]), "slice", "axis 1: 4 + 3 > 6");
  assertThrowsWith(() => slice(x, [0, 0, 0]), "slice", "3 begin entries", "[5, 6]");
  assertThrowsWith(() => slice(x, [0], [1, 1, 1]), "slice", "[5, 6]");
});

// ---------------------------------------------------------------------------------------------
// broadcastTo and contiguous

Deno.test("broadcastTo: zero-stride views that match tfjs; the gradient sums back", async () => {
  const cases: { from: number[]; to: number[] }[] = [
    { from: [3, 1], to: [2, 3, 4] },
    { from: [1], to: [5] },
    { from: [2, 1, 3], to: [2, 4, 3] },
    { from: [], to: [2, 2] },
    { from: [4], to: [3, 4] },
    { from: [1, 1], to: [1, 3] },
  ];
  for (const [k, { from, to }] of cases.entries()) {
    const x = randomTensor(from, 90 + k);
    const y = broadcastTo(x, to);
    const what = `broadcastTo ${JSON.stringify(from)} → ${JSON.stringify(to)}`;
    await assertCloseTf(y, tf.broadcastTo(await toTf(x), to), { message: what });
    assert.equal(y.storage, x.storage, `${what}: a view`);
    assert.ok(y.strides.includes(0), `${what}: repeats with zero strides`);
    await assertGradsTf((a) => broadcastTo(a, to), (a) => tf.broadcastTo(a, to), [x], what);
    await gradcheck((a) => broadcastTo(a, to), [x]);
  }
  const x = randomTensor([2, 3], 99);
  assertThrowsWith(() => broadcastTo(x, [3, 3]), "broadcastTo", "[2, 3]", "[3, 3]");
  assertThrowsWith(() => broadcastTo(x, [3]), "broadcastTo", "[2, 3]", "smaller rank");
});

Deno.test("contiguous: returns contiguous input itself, copies views, passes gradients", async () => {
  const x = randomTensor([3, 4], 100);
  assert.equal(contiguous(x), x);
  const t = transpose(x);
  const c = contiguous(t);
  assert.equal(c.isContiguous, true);
  assert.notEqual(c.storage, x.storage);
  assert.deepEqual(c.strides, [3, 1]);
  await assertCloseTf(c, tf.transpose(await toTf(x)));
  const b = contiguous(broadcastTo(randomTensor([1, 3], 101), [2, 3]));
  assert.deepEqual(b.strides, [3, 1]);
  await gradcheck((a) => contiguous(transpose(a)), [x]);
  await gradcheck((a) => contiguous(broadcastTo(a, [2, 3, 4])), [randomTensor([3, 1], 102)]);
});

// ---------------------------------------------------------------------------------------------
// concat, stack, split

const CONCATS: { shapes: number[][]; axis: number }[] = [
  { shapes: [[2, 3], [4, 3]], axis: 0 },
  { shapes: [[2, 1, 3], [2, 4, 3], [2, 2, 3]], axis: 1 },
  { shapes: [[3, 2], [3, 5]], axis: -1 },
  { shapes: [[1, 1, 1], [1, 1, 1]], axis: 2 },
  { shapes: [[5], [1], [3]], axis: 0 },
  { shapes: [[3]], axis: 0 },
];

Deno.test("concat: matches tfjs along every axis, with gradients for every input", async () => {
  for (const [k, { shapes, axis }] of CONCATS.entries()) {
    const xs = shapes.map((s, i) => randomTensor(s, 110 + 10 * k + i));
    const what = `concat ${JSON.stringify(shapes)} axis ${axis}`;
    await assertCloseTf(concat(xs, axis), tf.concat(await Promise.all(xs.map(toTf)), axis), {
      message: what,
    });
    if (xs.length > 1) {
      await assertGradsTf(
        (...as) => concat(as, axis),
        (...as) => tf.concat(as, axis),
        xs,
        what,
      );
    }
    await gradcheck((...as) => concat(as, axis), xs);
  }
});

Deno.test("concat: non-contiguous inputs, mixed dtypes and errors", async () => {
  const a = randomTensor([3, 2], 170), b = randomTensor([4, 3], 171);
  // transpose(a) is [2, 3] strided; slice(b) is [2, 3] with an offset.
  const y = concat([transpose(a), slice(b, [1, 0], [2, -1])], 0);
  await assertCloseTf(
    y,
    tf.concat([tf.transpose(await toTf(a)), tf.slice(await toTf(b), [1, 0], [2, 3])], 0),
  );
  await gradcheck((p, q) => concat([transpose(p), slice(q, [1, 0], [2, -1])], 1), [a, b]);

  const mixed = concat([tensor([1, 2], { dtype: "int32" }), tensor([0.5])]);
  assert.equal(mixed.dtype, "float32");
  await assertCloseAsync(mixed, [1, 2, 0.5]);
  const ints = concat([tensor([1, 2], { dtype: "int32" }), tensor([3], { dtype: "int32" })]);
  assert.equal(ints.dtype, "int32");
  assert.deepEqual(await ints.array(), [1, 2, 3]);

  const x = randomTensor([2, 3], 172), z = randomTensor([2, 4], 173);
  assertThrowsWith(() => concat([x, z], 0), "concat", "[2, 3]", "[2, 4]", "axis 0");
  assertThrowsWith(() => concat([x, randomTensor([2], 174)], 0), "concat", "[2, 3]", "[2]");
  assertThrowsWith(() => concat([x, z], 2), "concat", "axis 2");
  assertThrowsWith(() => concat([]), "concat", "at least one");
});

Deno.test("stack: a new axis at every position, matching tfjs, with gradients", async () => {
  const xs = [0, 1, 2].map((i) => randomTensor([3, 1, 4], 180 + i));
  for (const axis of [0, 1, 2, 3, -1, -4]) {
    const what = `stack axis ${axis}`;
    const y = stack(xs, axis);
    await assertCloseTf(y, tf.stack(await Promise.all(xs.map(toTf)), axis < 0 ? axis + 4 : axis), {
      message: what,
    });
    await assertGradsTf(
      (...as) => stack(as, axis),
      (...as) => tf.stack(as, axis < 0 ? axis + 4 : axis),
      xs,
      what,
    );
  }
  await gradcheck((...as) => stack(as, 1), xs);
  await assertCloseTf(
    stack([randomTensor([], 185), randomTensor([], 186)]),
    tf.stack([
      await toTf(randomTensor([], 185)),
      await toTf(randomTensor([], 186)),
    ]),
  );
  assertThrowsWith(
    () => stack([randomTensor([2, 3], 187), randomTensor([3, 2], 188)]),
    "stack",
    "[2, 3]",
    "[3, 2]",
  );
  assertThrowsWith(() => stack(xs, 4), "stack", "axis 4");
});

const SPLITS: { shape: number[]; sections: number | number[]; axis: number }[] = [
  { shape: [6, 4], sections: 3, axis: 0 },
  { shape: [5, 6, 1], sections: 2, axis: 1 },
  { shape: [3, 7], sections: [1, 4, 2], axis: -1 },
  { shape: [3, 7], sections: [3], axis: 0 },
  { shape: [2, 5], sections: 5, axis: 1 },
];

Deno.test("split: equal parts and listed sizes match tfjs; parts are views with gradients", async () => {
  for (const [k, { shape, sections, axis }] of SPLITS.entries()) {
    const x = randomTensor(shape, 190 + k);
    const what = `split ${JSON.stringify(shape)} ${JSON.stringify(sections)} axis ${axis}`;
    const ours = split(x, sections, axis);
    const theirs = tf.split(await toTf(x), sections, axis);
    assert.equal(ours.length, theirs.length, what);
    for (const [i, p] of ours.entries()) {
      await assertCloseTf(p, theirs[i], { message: `${what}: part ${i}` });
      assert.equal(p.storage, x.storage, `${what}: part ${i} is a view`);
    }
    // Weight each part differently and join them back, so a mix-up of parts shows in the gradient.
    const joined = (a: Tensor) =>
      concat(split(a, sections, axis).map((p, i) => mul(p, i + 1)), axis);
    if (ours.length > 1) {
      // (tfjs cannot differentiate a one-part split: "Pass at least one tensor to concat".)
      await assertGradsTf(
        joined,
        (a) => tf.concat(tf.split(a, sections, axis).map((p, i) => tf.mul(p, i + 1)), axis),
        [x],
        what,
      );
    }
    await gradcheck(joined, [x]);
  }
  // Parts used on their own: the unused rows get zero gradient.
  const x = randomTensor([6, 2], 199);
  const [g] = grads((a) => sum(split(a, 3)[1]))(x);
  assert.deepEqual(await g.array(), [[0, 0], [0, 0], [1, 1], [1, 1], [0, 0], [0, 0]]);
  // Zero-length parts are allowed in a size list.
  assert.deepEqual(split(x, [0, 6]).map((p) => p.shape), [[0, 2], [6, 2]]);
  assertThrowsWith(() => split(x, 4), "split", "length 6", "4 equal parts");
  assertThrowsWith(() => split(x, [2, 3]), "split", "[2,3]", "sum to 6");
  assertThrowsWith(() => split(x, [7, -1]), "split", "non-negative");
});

// ---------------------------------------------------------------------------------------------
// pad

const PADS: { shape: number[]; paddings: [number, number][]; value?: number }[] = [
  { shape: [3, 4], paddings: [[1, 2], [0, 3]] },
  { shape: [2, 1, 3], paddings: [[0, 0], [2, 1]], value: 1.5 },
  { shape: [5], paddings: [[3, 0]], value: -1 },
  { shape: [1, 1], paddings: [[1, 1], [1, 1]] },
  { shape: [2, 3], paddings: [] },
];

Deno.test("pad: constant padding matches tf.pad; the gradient is the inner slice", async () => {
  for (const [k, { shape, paddings, value }] of PADS.entries()) {
    const x = randomTensor(shape, 200 + k);
    const full = shape.map((_, i) => paddings[i] ?? [0, 0]);
    const what = `pad ${JSON.stringify(shape)} ${JSON.stringify(paddings)} ${value}`;
    await assertCloseTf(pad(x, paddings, value), tf.pad(await toTf(x), full, value ?? 0), {
      message: what,
    });
    await assertGradsTf(
      (a) => pad(a, paddings, value),
      (a) => tf.pad(a, full, value ?? 0),
      [x],
      what,
    );
    await gradcheck((a) => pad(a, paddings, value), [x]);
  }
  // A non-contiguous input.
  const x = randomTensor([3, 2], 210);
  await assertCloseTf(
    pad(transpose(x), [[1, 0], [0, 2]]),
    tf.pad(tf.transpose(await toTf(x)), [[1, 0], [0, 2]]),
  );
  await gradcheck((a) => pad(transpose(a), [[1, 0], [0, 2]]), [x]);
  assertThrowsWith(() => pad(x, [[1, -1]]), "pad", "non-negative");
  assertThrowsWith(() => pad(x, [[0, 0], [0, 0], [1, 1]]), "pad", "3 padding pairs", "[3, 2]");
});
