/**
 * Reductions: sum, mean, max, min, variance, std and logSumExp over any axes (negative, several, all,
 * none) with and without keepDims; argmax/argmin; softmax and logSoftmax along any axis. Forward
 * values against TensorFlow.js, gradients against float64 finite differences and tfjs's `tf.grads`,
 * numerical stability at large logits, int32 behaviour, tie rules, and the error messages. The file
 * belongs to the shared op suite: it runs on `cpu` and on `webgpu` (`tests/helpers/backend.ts`); on
 * `webgpu` the finite differences are float32 ones.
 */

import assert from "node:assert/strict";
import {
  argmax,
  argmin,
  assertCloseAsync,
  assertThrowsWith,
  type Axes,
  fromArray,
  gradcheck,
  grads,
  logSoftmax,
  logSumExp,
  max,
  mean,
  min,
  mul,
  slice,
  softmax,
  std,
  sum,
  type Tensor,
  tensor,
  transpose,
  variance,
} from "../lib/mod.ts";
import { FLOAT64_ONLY } from "./helpers/backend.ts";
import { assertCloseTf, assertGradsTf, randomTensor, tf, toTf } from "./helpers/tfjs.ts";

const name = (x: unknown) => JSON.stringify(x) ?? "all";

/** How many elements each output of a reduction over `axes` (all when omitted) combines. */
function reducedCount(shape: readonly number[], axes: Axes | undefined): number {
  const list = axes === undefined
    ? shape.map((_, i) => i)
    : typeof axes === "number"
    ? [axes]
    : axes;
  return list.reduce((n, a) => n * shape[a < 0 ? a + shape.length : a], 1);
}

// ---------------------------------------------------------------------------------------------
// sum, mean, max, min, variance, std, logSumExp

interface ReduceSpec {
  readonly name: string;
  readonly ours: (x: Tensor, axes: Axes | undefined, keepDims: boolean) => Tensor;
  readonly theirs: (
    x: tf.Tensor,
    axes: number | number[] | undefined,
    keepDims: boolean,
  ) => tf.Tensor;
}

/** tfjs's variance: the second output of tf.moments, which divides by n as ours does by default. */
const tfVariance = (x: tf.Tensor, axes: number | number[] | undefined, keepDims: boolean) =>
  tf.moments(x, axes, keepDims).variance;

const REDUCE: readonly ReduceSpec[] = [
  { name: "sum", ours: sum, theirs: tf.sum },
  { name: "mean", ours: mean, theirs: tf.mean },
  { name: "max", ours: max, theirs: tf.max },
  { name: "min", ours: min, theirs: tf.min },
  { name: "variance", ours: variance, theirs: tfVariance },
  { name: "std", ours: std, theirs: (x, a, k) => tf.sqrt(tfVariance(x, a, k)) },
  { name: "logSumExp", ours: logSumExp, theirs: tf.logSumExp },
];

/** Axis arguments: omitted (all), one, negative, several in any order, every axis listed. */
const AXES: readonly { axes?: Axes; keepDims: boolean }[] = [
  { keepDims: false },
  { keepDims: true },
  { axes: 0, keepDims: false },
  { axes: 1, keepDims: true },
  { axes: -1, keepDims: false },
  { axes: -2, keepDims: true },
  { axes: [0, 2], keepDims: false },
  { axes: [-1, 0], keepDims: true },
  { axes: [2, 0, 1], keepDims: false },
];

for (const [k, { name: op, ours, theirs }] of REDUCE.entries()) {
  Deno.test(`${op}: matches tfjs over every axis choice, keepDims or not, odd and size-1 dims`, async () => {
    for (const shape of [[3, 4, 5], [3, 1, 5], [1, 7, 1]]) {
      const x = randomTensor(shape, 100 * k + shape[1]);
      const xt = await toTf(x);
      for (const { axes, keepDims } of AXES) {
        const what = `${op} of ${name(shape)} over ${name(axes)}, keepDims ${keepDims}`;
        const tfAxes = typeof axes === "number" || axes === undefined ? axes : [...axes];
        const y = ours(x, axes, keepDims);
        assert.equal(y.dtype, "float32", what);
        await assertCloseTf(y, theirs(xt, tfAxes, keepDims), { message: what });
      }
    }
    // A non-contiguous input (a transpose) reduces over its logical axes.
    const base = randomTensor([5, 4, 3], 100 * k + 9);
    const perm = [2, 0, 1];
    for (const axes of [[1], [0, 2], undefined]) {
      await assertCloseTf(
        ours(transpose(base, perm), axes, false),
        theirs(tf.transpose(await toTf(base), perm), axes, false),
        { message: `${op} of a transpose over ${name(axes)}` },
      );
    }
    // A contiguous view at an offset (a row slice) reduces its own elements only.
    const rows = randomTensor([5, 6], 100 * k + 8);
    for (const axes of [0, -1, undefined]) {
      await assertCloseTf(
        ours(slice(rows, [2, 0], [2, 6]), axes, true),
        theirs(tf.slice(await toTf(rows), [2, 0], [2, 6]), axes, true),
        { message: `${op} of a row slice over ${name(axes)}` },
      );
    }
    // A rank-0 tensor reduces to itself (std and variance to 0; logSumExp to the value).
    const s = tensor(1.5);
    await assertCloseTf(ours(s, undefined, false), theirs(await toTf(s), undefined, false), {
      message: "scalar",
    });
  });

  Deno.test(`${op}: gradients match float64 finite differences and tf.grads`, async () => {
    for (const shape of [[2, 3, 4], [3, 1, 5]]) {
      const x = randomTensor(shape, 200 * k + shape[2]);
      for (const { axes, keepDims } of AXES) {
        const what = `${op} of ${name(shape)} over ${name(axes)}, keepDims ${keepDims}`;
        const tfAxes = typeof axes === "number" || axes === undefined ? axes : [...axes];
        await gradcheck((t) => ours(t, axes, keepDims), [x]);
        // Over one element std is constant 0; tfjs's gradient there is NaN (∞ · 0), ours is 0,
        // which the finite differences above confirm.
        if (op === "std" && reducedCount(shape, axes) === 1) continue;
        await assertGradsTf(
          (t) => ours(t, axes, keepDims),
          (t) => theirs(t, tfAxes, keepDims),
          [x],
          what,
        );
      }
    }
    await gradcheck((t) => ours(transpose(t), [0], true), [randomTensor([4, 3], 200 * k + 99)]);
  });
}

Deno.test("reductions over no axes ([]) leave every value as it is", async () => {
  const x = randomTensor([3, 5], 1);
  for (const op of [sum, mean, max, min]) {
    const y = op(x, []);
    assert.deepEqual(y.shape, [3, 5]);
    await assertCloseAsync(y, x);
  }
  await assertCloseAsync(variance(x, []), tf.zeros([3, 5]).arraySync() as number[][]);
  await assertCloseAsync(logSumExp(x, []), x);
  await gradcheck((t) => sum(t, []), [x]);
});

Deno.test("sum, max and min of int32 stay int32 and exact; float-only reductions say so", async () => {
  const i = fromArray(Int32Array.from([7, -3, 12, 0, 5, -9, 2, 2, 1, 4, -6, 8]), [3, 4]);
  for (
    const [op, ours, theirs] of [["sum", sum, tf.sum], ["max", max, tf.max], [
      "min",
      min,
      tf.min,
    ]] as const
  ) {
    for (const axes of [undefined, 0, -1]) {
      const y = ours(i, axes);
      assert.equal(y.dtype, "int32", `${op} over ${name(axes)}`);
      assert.deepEqual(
        await y.array(),
        theirs(await toTf(i), axes).arraySync(),
        `${op} over ${name(axes)}`,
      );
    }
  }
  // Sums accumulate exactly, beyond float32's 24-bit mantissa.
  const big = fromArray(Int32Array.from([16777217, 1, -1]), [3]);
  assert.equal((await sum(big).data())[0], 16777217);
  assertThrowsWith(() => mean(i), "mean:", "needs a float tensor", "int32");
  assertThrowsWith(() => variance(i), "variance:", "needs a float tensor", "int32");
  assertThrowsWith(() => std(i), "std:", "needs a float tensor", "int32");
  assertThrowsWith(() => logSumExp(i), "logSumExp:", "needs a float tensor", "int32");
});

Deno.test("float64 reductions keep float64 precision", FLOAT64_ONLY, async () => {
  const x = fromArray(Float64Array.from([0.1, 0.2, 0.3, 1e-12]), [4]);
  const s = sum(x);
  assert.equal(s.dtype, "float64");
  assert.equal((await s.data())[0], 0.1 + 0.2 + 0.3 + 1e-12);
  assert.equal(mean(x).dtype, "float64");
  assert.equal((await max(x).data())[0], 0.3);
});

Deno.test("max/min: ties share the gradient evenly (tfjs gives each tie all of it)", async () => {
  const x = tensor([[1, 3, 3], [2, 0, -1], [5, 5, 5]]);
  await assertCloseAsync(max(x, 1), [3, 2, 5]);
  await assertCloseAsync(grads((t) => sum(max(t, 1)))(x)[0], [
    [0, 0.5, 0.5],
    [1, 0, 0],
    [1 / 3, 1 / 3, 1 / 3],
  ]);
  await assertCloseAsync(grads((t) => sum(min(t, 1)))(x)[0], [
    [1, 0, 0],
    [0, 0, 1],
    [1 / 3, 1 / 3, 1 / 3],
  ]);
  // Over all axes the three 5s tie.
  await assertCloseAsync(grads((t) => max(t))(x)[0], [[0, 0, 0], [0, 0, 0], [1 / 3, 1 / 3, 1 / 3]]);
  // keepDims does not change the gradient.
  const kept = grads((t) => sum(max(t, 0, true)))(x)[0];
  await assertCloseAsync(kept, [[0, 0, 0], [0, 0, 0], [1, 1, 1]]);
});

Deno.test("variance and std: correction 1 divides by n - 1; std's gradient matches tfjs", async () => {
  const x = randomTensor([4, 5], 7);
  for (const axes of [undefined, 0, [1]] as const) {
    const n = axes === undefined ? 20 : axes === 0 ? 4 : 5;
    const tfAxes = typeof axes === "object" ? [...axes] : axes;
    const biased = tfVariance(await toTf(x), tfAxes, false);
    await assertCloseTf(variance(x, axes, false, 1), tf.mul(biased, n / (n - 1)), {
      message: `variance correction 1 over ${name(axes)}`,
    });
    await assertCloseTf(
      std(x, axes, true, 1),
      tf.sqrt(tf.mul(tfVariance(await toTf(x), tfAxes, true), n / (n - 1))),
      {
        message: `std correction 1 over ${name(axes)}`,
      },
    );
    await gradcheck((t) => variance(t, axes, false, 1), [x]);
    await gradcheck((t) => std(t, axes, false, 1), [x]);
  }
  // A known case: [2, 4, 4, 4, 5, 5, 7, 9] has mean 5, variance 4, std 2.
  const v = tensor([2, 4, 4, 4, 5, 5, 7, 9]);
  await assertCloseAsync(variance(v), 4);
  await assertCloseAsync(std(v), 2);
  await assertCloseAsync(variance(v, 0, false, 1), 32 / 7);
});

Deno.test("std: where it is 0 (constant slice, single element) its gradient is 0, not NaN", async () => {
  const x = tensor([[2, 2, 2], [1, 2, 6]]);
  await assertCloseAsync(std(x, 1), [0, Math.sqrt(14 / 3)]);
  const g = grads((t) => sum(std(t, 1)))(x)[0];
  // Row 2: (x - mean) / (n · std) with mean 3 and std √(14/3).
  const s = Math.sqrt(14 / 3);
  await assertCloseAsync(g, [[0, 0, 0], [-2 / (3 * s), -1 / (3 * s), 3 / (3 * s)]]);
  await assertCloseAsync(grads((t) => sum(std(t, 0)))(tensor([[1, 2, 3]]))[0], [[0, 0, 0]]);
  await gradcheck((t) => std(t, 1), [tensor([[1, 2, 6], [0.5, -1, 2]])]);
});

Deno.test("logSumExp: finite for huge and tiny logits, and its gradient is softmax", async () => {
  await assertCloseAsync(logSumExp(tensor([1000, 1000])), 1000 + Math.LN2);
  await assertCloseAsync(logSumExp(tensor([-1000, -1000, -1000])), -1000 + Math.log(3));
  await assertCloseAsync(logSumExp(tensor([[1000, 0], [-1000, -1000]]), 1), [
    1000,
    -1000 + Math.LN2,
  ]);
  const x = tensor([[1000, 1001, 1002], [-5, 0, 5]]);
  const g = grads((t) => sum(logSumExp(t, -1)))(x)[0];
  assert.ok((await g.data()).every(Number.isFinite));
  await assertCloseTf(g, tf.softmax(tf.tensor([[0, 1, 2], [-5, 0, 5]])));
});

Deno.test("reduction errors name the op, the axis and the rank", () => {
  const x = randomTensor([2, 3, 4], 3);
  for (const [op, f] of [["sum", sum], ["mean", mean], ["max", max], ["min", min]] as const) {
    assertThrowsWith(() => f(x, 3), `${op}:`, "axis 3", "rank 3", "-3 to 2");
    assertThrowsWith(() => f(x, -4), `${op}:`, "axis -4", "rank 3");
    assertThrowsWith(() => f(x, [0, -3]), `${op}:`, "axis 0", "listed twice");
    assertThrowsWith(() => f(x, 1.5), `${op}:`, "axis 1.5");
  }
  assertThrowsWith(() => variance(x, [5]), "variance:", "axis 5");
  assertThrowsWith(() => std(x, [5]), "std:", "axis 5");
  assertThrowsWith(() => logSumExp(x, 7), "logSumExp:", "axis 7", "rank 3");
});

// ---------------------------------------------------------------------------------------------
// argmax, argmin

for (
  const [op, ours, theirs] of [["argmax", argmax, tf.argMax], [
    "argmin",
    argmin,
    tf.argMin,
  ]] as const
) {
  Deno.test(`${op}: int32 indices matching tfjs along every axis; keepDims; strided input`, async () => {
    for (const shape of [[3, 4, 5], [3, 1, 5], [7]]) {
      const x = randomTensor(shape, 500 + shape[0] * shape.length);
      for (let axis = -shape.length; axis < shape.length; axis++) {
        const what = `${op} of ${name(shape)} along ${axis}`;
        const y = ours(x, axis);
        assert.equal(y.dtype, "int32", what);
        assert.deepEqual(await y.array(), theirs(await toTf(x), axis).arraySync(), what);
        const kept = ours(x, axis, true);
        const a = axis < 0 ? axis + shape.length : axis;
        assert.deepEqual(kept.shape, shape.map((d, i) => (i === a ? 1 : d)), `${what}, keepDims`);
        assert.deepEqual(await kept.data(), await y.data(), `${what}, keepDims`);
      }
    }
    // The default axis is the last one.
    const x = randomTensor([4, 6], 600);
    assert.deepEqual(await ours(x).array(), theirs(await toTf(x), 1).arraySync());
    // A transposed view is read in its logical order.
    assert.deepEqual(
      await ours(transpose(x), 0).array(),
      theirs(tf.transpose(await toTf(x)), 0).arraySync(),
    );
    assert.deepEqual(
      await ours(transpose(x), 1).array(),
      theirs(tf.transpose(await toTf(x)), 1).arraySync(),
    );
    // So is a slice at an offset.
    assert.deepEqual(
      await ours(slice(x, [1, 1], [2, 4]), 1).array(),
      theirs(tf.slice(await toTf(x), [1, 1], [2, 4]), 1).arraySync(),
    );
    // int32 input works too.
    const i = fromArray(Int32Array.from([3, 9, -2, 9, 0, -2]), [2, 3]);
    assert.deepEqual(await ours(i, 0).array(), theirs(await toTf(i), 0).arraySync());
    // Not differentiable: the result never joins the graph.
    const w = randomTensor([3], 601);
    w.requiresGrad = true;
    assert.equal(ours(w).requiresGrad, false);
    // Errors name the op, the axis and the rank.
    assertThrowsWith(() => ours(x, 2), `${op}:`, "axis 2", "rank 2");
    assertThrowsWith(() => ours(x, -3), `${op}:`, "axis -3", "rank 2");
  });
}

Deno.test("argmax/argmin: ties give the first index, as in tfjs and NumPy; NaN wins", async () => {
  const x = tensor([[1, 3, 3, 0], [2, 0, 5, 0], [4, 4, 4, 4]]);
  assert.deepEqual(await argmax(x).array(), [1, 2, 0]);
  assert.deepEqual(await argmin(x).array(), [3, 1, 0]);
  assert.deepEqual(await argmax(x).array(), tf.argMax(await toTf(x), 1).arraySync());
  assert.deepEqual(await argmin(x, 0).array(), tf.argMin(await toTf(x), 0).arraySync());
  // A NaN is reported rather than skipped, so a broken tensor is easy to find.
  assert.deepEqual(await argmax(tensor([1, NaN, 5])).array(), 1);
  assert.deepEqual(await argmin(tensor([NaN, -1, 5])).array(), 0);
});

// ---------------------------------------------------------------------------------------------
// softmax, logSoftmax

/** Reference softmax along any axis: tf.softmax works on the last axis only. */
const tfLogSoftmax = (x: tf.Tensor, axis: number) => tf.sub(x, tf.logSumExp(x, axis, true));

const SOFTMAX = [
  {
    name: "softmax",
    ours: softmax,
    theirs: (x: tf.Tensor, axis: number) =>
      axis === -1 || axis === x.rank - 1 ? tf.softmax(x) : tf.exp(tfLogSoftmax(x, axis)),
  },
  {
    name: "logSoftmax",
    ours: logSoftmax,
    theirs: (x: tf.Tensor, axis: number) =>
      axis === -1 || axis === x.rank - 1 ? tf.logSoftmax(x) : tfLogSoftmax(x, axis),
  },
] as const;

for (const { name: op, ours, theirs } of SOFTMAX) {
  Deno.test(`${op}: matches tfjs along every axis, on odd and size-1 dims`, async () => {
    for (const shape of [[3, 4, 5], [3, 1, 5], [7], [1]]) {
      const x = randomTensor(shape, 700 + shape.length * 10 + shape[0], -4, 4);
      for (let axis = -shape.length; axis < shape.length; axis++) {
        const what = `${op} of ${name(shape)} along ${axis}`;
        await assertCloseTf(ours(x, axis), theirs(await toTf(x), axis), { message: what });
      }
      await assertCloseTf(ours(x), theirs(await toTf(x), -1), { message: `${op} default axis` });
    }
    const base = randomTensor([5, 3], 777);
    await assertCloseTf(ours(transpose(base)), theirs(tf.transpose(await toTf(base)), -1), {
      message: `${op} of a transpose`,
    });
  });

  Deno.test(`${op}: gradients match float64 finite differences and tf.grads`, async () => {
    const x = randomTensor([2, 3, 5], 800, -3, 3);
    for (const axis of [-1, 0, 1]) {
      await gradcheck((t) => ours(t, axis), [x]);
      await assertGradsTf((t) => ours(t, axis), (t) => theirs(t, axis), [x], `${op} along ${axis}`);
    }
    await gradcheck((t) => ours(t), [randomTensor([1, 1], 801)]);
  });

  Deno.test(`${op}: stable at logits of ±1000, and its errors name it`, async () => {
    const x = tensor([[1000, 1001, 1002], [-1000, 0, 1000], [-1000, -1001, -1002]]);
    const y = ours(x);
    const values = await y.data();
    assert.ok(values.every(Number.isFinite), `${op} of large logits: ${values}`);
    await assertCloseTf(y, theirs(tf.tensor([[0, 1, 2], [-2000, -1000, 0], [0, -1, -2]]), -1));
    const g = grads((t) => sum(mul(ours(t), tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]]))))(x)[0];
    const gValues = await g.data();
    assert.ok(gValues.every(Number.isFinite), `${op} gradient at large logits: ${gValues}`);
    const i = fromArray(Int32Array.from([1, 2]), [2]);
    assertThrowsWith(() => ours(i), `${op}:`, "needs a float tensor", "int32");
    assertThrowsWith(() => ours(x, 2), `${op}:`, "axis 2", "rank 2");
  });
}

Deno.test("softmax rows sum to 1; logSoftmax is its log; a constant shift changes nothing", async () => {
  const x = randomTensor([4, 6], 900, -5, 5);
  const p = softmax(x);
  await assertCloseAsync(sum(p, -1), [1, 1, 1, 1]);
  await assertCloseAsync(sum(softmax(x, 0), 0), [1, 1, 1, 1, 1, 1]);
  await assertCloseAsync(logSoftmax(x), p.log(), { rtol: 1e-5, atol: 1e-6 });
  await assertCloseAsync(softmax(x.add(123)), p, { rtol: 1e-4, atol: 1e-6 });
});
