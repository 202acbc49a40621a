/**
 * Losses: mse, crossEntropy (int32 labels and soft float targets), binaryCrossEntropyWithLogits and
 * nll, each with the 'mean', 'sum' and 'none' reductions. Forward values against TensorFlow.js's
 * tf.losses (or the textbook formula in tfjs ops), gradients against float64 finite differences
 * and against tfjs's `tf.grads`, numerical stability for large logits, and the error messages. The
 * file belongs to the shared op suite: it runs on `cpu` and on `webgpu` (`tests/helpers/backend.ts`);
 * on `webgpu` the finite differences are float32 ones.
 */

import assert from "node:assert/strict";
import {
  assertCloseAsync,
  assertThrowsWith,
  binaryCrossEntropyWithLogits,
  crossEntropy,
  gradcheck,
  logSoftmax,
  mse,
  nll,
  oneHot,
  type Reduction,
  softmax,
  tensor,
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

const REDUCTIONS: readonly Reduction[] = ["mean", "sum", "none"];
const TF_REDUCTION = {
  mean: tf.Reduction.MEAN,
  sum: tf.Reduction.SUM,
  none: tf.Reduction.NONE,
} as const;

/** Applies one of our reductions to per-example tfjs losses. */
function tfReduce(losses: tf.Tensor, reduction: Reduction): tf.Tensor {
  return reduction === "mean" ? tf.mean(losses) : reduction === "sum" ? tf.sum(losses) : losses;
}

// ---------------------------------------------------------------------------------------------
// mse

Deno.test("mse: every reduction matches tf.losses.meanSquaredError, gradients for both inputs", async () => {
  const shapes = [[5, 3], [7], [2, 1, 3], [1]];
  for (const [k, shape] of shapes.entries()) {
    const p = randomTensor(shape, 1000 + k), t = randomTensor(shape, 1010 + k);
    for (const reduction of REDUCTIONS) {
      const what = `mse ${JSON.stringify(shape)} ${reduction}`;
      const theirs = (a: tf.Tensor, b: tf.Tensor) =>
        tf.losses.meanSquaredError(b, a, undefined, TF_REDUCTION[reduction]);
      const y = mse(p, t, reduction);
      assert.deepEqual(y.shape, reduction === "none" ? shape : [], what);
      await assertCloseTf(y, theirs(await toTf(p), await toTf(t)), { message: what });
      await assertGradsTf((a, b) => mse(a, b, reduction), theirs, [p, t], what);
      await gradcheck((a, b) => mse(a, b, reduction), [p, t]);
    }
  }
  await assertCloseAsync(mse(tensor([1, 2, 3]), [1, 0, 0]), (0 + 4 + 9) / 3);
});

// ---------------------------------------------------------------------------------------------
// crossEntropy with int32 labels

/** Logits shapes, with a scale: large logits must not overflow. */
const CE_CASES: { n: number; c: number; scale: number }[] = [
  { n: 4, c: 3, scale: 1 },
  { n: 1, c: 5, scale: 1 },
  { n: 7, c: 2, scale: 3 },
  { n: 3, c: 1, scale: 1 },
  { n: 5, c: 4, scale: 200 },
];

Deno.test("crossEntropy: int32 labels match tf.losses.softmaxCrossEntropy, every reduction", async () => {
  for (const [k, { n, c, scale }] of CE_CASES.entries()) {
    const z = randomTensor([n, c], 1100 + k, -scale, scale);
    const y = randomIndices([n], c, 1110 + k);
    // Our own oneHot builds tfjs's one-hot labels, since tf.oneHot refuses depth 1.
    const codes = await toTf(oneHot(y, c));
    for (const reduction of REDUCTIONS) {
      const what = `crossEntropy [${n}, ${c}]×${scale} ${reduction}`;
      const theirs = (a: tf.Tensor) =>
        tf.losses.softmaxCrossEntropy(codes, a, undefined, 0, TF_REDUCTION[reduction]);
      const loss = crossEntropy(z, y, reduction);
      assert.deepEqual(loss.shape, reduction === "none" ? [n] : [], what);
      assert.ok(Array.from(await loss.data()).every(Number.isFinite), `${what}: finite`);
      await assertCloseTf(loss, theirs(await toTf(z)), { message: what });
      await assertGradsTf((a) => crossEntropy(a, y, reduction), theirs, [z], what);
      if (scale < 10) await gradcheck((a, b) => crossEntropy(a, b, reduction), [z, y]);
    }
  }
  // By hand: log(e^0 + e^0) - 0 = log 2 for a uniform row.
  await assertCloseAsync(crossEntropy([[0, 0]], [1]), Math.LN2);
  // Plain arrays of labels are read as int32.
  await assertCloseAsync(
    crossEntropy([[1, 2, 3], [3, 2, 1]], [2, 0]),
    crossEntropy(
      tensor([[1, 2, 3], [3, 2, 1]]),
      tensor([2, 0], { dtype: "int32" }),
    ),
  );
});

// ---------------------------------------------------------------------------------------------
// crossEntropy with soft targets

Deno.test("crossEntropy: soft float targets match tfjs, with gradients for logits and targets", async () => {
  const cases = [[4, 3], [1, 6], [6, 2]];
  for (const [k, [n, c]] of cases.entries()) {
    const z = randomTensor([n, c], 1200 + k, -3, 3);
    const t = softmax(randomTensor([n, c], 1210 + k));
    for (const reduction of REDUCTIONS) {
      const what = `crossEntropy soft [${n}, ${c}] ${reduction}`;
      const viaLosses = tf.losses.softmaxCrossEntropy(
        await toTf(t),
        await toTf(z),
        undefined,
        0,
        TF_REDUCTION[reduction],
      );
      const loss = crossEntropy(z, t, reduction);
      await assertCloseTf(loss, viaLosses, { message: what });
      // The textbook formula, differentiable in the targets too.
      const theirs = (a: tf.Tensor, b: tf.Tensor) =>
        tfReduce(tf.neg(tf.sum(tf.mul(b, tf.logSoftmax(a)), -1)), reduction);
      await assertGradsTf((a, b) => crossEntropy(a, b, reduction), theirs, [z, t], what);
      await gradcheck((a, b) => crossEntropy(a, b, reduction), [z, t]);
    }
  }
  // One-hot targets give the same loss as the labels they encode.
  const z = randomTensor([5, 4], 1220), y = randomIndices([5], 4, 1221);
  await assertCloseAsync(crossEntropy(z, oneHot(y, 4), "none"), crossEntropy(z, y, "none"), {
    rtol: 1e-6,
  });
});

Deno.test("crossEntropy: soft targets given as plain arrays stay float", async () => {
  const z = tensor([[0.5, -1, 2], [1, 1, 0]]);
  const targets = [[0.2, 0.3, 0.5], [0.9, 0.05, 0.05]];
  const want = tf.losses.softmaxCrossEntropy(
    tf.tensor(targets),
    await toTf(z),
    undefined,
    0,
    tf.Reduction.NONE,
  );
  await assertCloseTf(crossEntropy(z, targets, "none"), want);
  await assertCloseTf(crossEntropy(z, tensor(targets), "none"), want);
});

// ---------------------------------------------------------------------------------------------
// binaryCrossEntropyWithLogits

Deno.test("binaryCrossEntropyWithLogits: matches tf.losses.sigmoidCrossEntropy, every reduction", async () => {
  const cases: { shape: number[]; scale: number; hard: boolean }[] = [
    { shape: [5, 3], scale: 3, hard: false },
    { shape: [8], scale: 3, hard: true },
    { shape: [2, 1, 2], scale: 1, hard: false },
    { shape: [6], scale: 60, hard: true },
  ];
  for (const [k, { shape, scale, hard }] of cases.entries()) {
    const z = randomTensor(shape, 1300 + k, -scale, scale);
    const soft = randomTensor(shape, 1310 + k, 0, 1);
    const t = hard ? soft.greater(0.5) : soft;
    for (const reduction of REDUCTIONS) {
      const what = `bce ${JSON.stringify(shape)}×${scale} ${hard ? "hard" : "soft"} ${reduction}`;
      const theirs = (a: tf.Tensor, b: tf.Tensor) =>
        tf.losses.sigmoidCrossEntropy(b, a, undefined, 0, TF_REDUCTION[reduction]);
      const loss = binaryCrossEntropyWithLogits(z, t, reduction);
      assert.deepEqual(loss.shape, reduction === "none" ? shape : [], what);
      assert.ok(Array.from(await loss.data()).every(Number.isFinite), `${what}: finite`);
      await assertCloseTf(loss, theirs(await toTf(z), await toTf(t)), { message: what });
      await assertGradsTf(
        (a, b) => binaryCrossEntropyWithLogits(a, b, reduction),
        theirs,
        [z, t],
        what,
      );
      if (scale < 10) {
        await gradcheck((a, b) => binaryCrossEntropyWithLogits(a, b, reduction), [z, t]);
      }
    }
  }
  // By hand: at z = 0 the loss is log 2 whatever the target.
  await assertCloseAsync(binaryCrossEntropyWithLogits([0, 0], [0, 1], "none"), [
    Math.LN2,
    Math.LN2,
  ]);
  // Extreme logits: the right answer costs nothing, the wrong one costs |z|.
  await assertCloseAsync(binaryCrossEntropyWithLogits([100, -100], [1, 0], "none"), [0, 0]);
  await assertCloseAsync(binaryCrossEntropyWithLogits([100, -100], [0, 1], "none"), [100, 100]);
});

// ---------------------------------------------------------------------------------------------
// nll

Deno.test("nll: picks -logProbs at the labels, every reduction, matching tfjs", async () => {
  const cases = [[4, 3], [1, 5], [6, 2]];
  for (const [k, [n, c]] of cases.entries()) {
    const lp = logSoftmax(randomTensor([n, c], 1400 + k));
    const y = randomIndices([n], c, 1410 + k);
    const codes = await toTf(oneHot(y, c));
    for (const reduction of REDUCTIONS) {
      const what = `nll [${n}, ${c}] ${reduction}`;
      const theirs = (a: tf.Tensor) => tfReduce(tf.neg(tf.sum(tf.mul(a, codes), -1)), reduction);
      const loss = nll(lp, y, reduction);
      await assertCloseTf(loss, theirs(await toTf(lp)), { message: what });
      await assertGradsTf((a) => nll(a, y, reduction), theirs, [lp], what);
      await gradcheck((a, b) => nll(a, b, reduction), [lp, y]);
    }
    // crossEntropy is nll after logSoftmax.
    const z = randomTensor([n, c], 1420 + k);
    await assertCloseAsync(nll(logSoftmax(z), y, "none"), crossEntropy(z, y, "none"), {
      rtol: 1e-6,
    });
  }
  await assertCloseAsync(nll([[-1, -2], [-3, -4]], [1, 0], "none"), [2, 3]);
});

// ---------------------------------------------------------------------------------------------
// errors

Deno.test("losses: errors name the op and the shapes", () => {
  const z = randomTensor([4, 3], 1500);
  assertThrowsWith(
    () => crossEntropy(z, randomIndices([5], 3, 1501)),
    "crossEntropy",
    "[4, 3]",
    "[5]",
  );
  assertThrowsWith(
    () => crossEntropy(z, [0, 1, 3, 2]),
    "crossEntropy",
    "[0, 3)",
    "index 3",
  );
  assertThrowsWith(() => crossEntropy(z, [0, -1, 1, 2]), "crossEntropy", "index -1");
  assertThrowsWith(() => crossEntropy(z, tensor([0, 1, 2, 0])), "crossEntropy", "int32", "float32");
  assertThrowsWith(
    () => crossEntropy(z, randomTensor([4, 2], 1502)),
    "crossEntropy",
    "[4, 3]",
    "[4, 2]",
  );
  assertThrowsWith(() => crossEntropy(z.toInt(), [0, 1, 2, 0]), "crossEntropy", "float", "int32");
  assertThrowsWith(() => nll(z, [0, 1, 5, 0]), "nll", "[0, 3)", "index 5");
  assertThrowsWith(() => nll(randomTensor([4], 1503), [0]), "nll", "[4]", "[N, C]");
  assertThrowsWith(
    () => mse(randomTensor([3, 2], 1504), randomTensor([2, 3], 1505)),
    "mse",
    "[3, 2]",
    "[2, 3]",
  );
  assertThrowsWith(
    () => binaryCrossEntropyWithLogits(randomTensor([3], 1506), randomTensor([3, 1], 1507)),
    "binaryCrossEntropyWithLogits",
    "[3]",
    "[3, 1]",
  );
  assertThrowsWith(
    () => mse(z, z, "avg" as Reduction),
    "reduction",
    "'mean', 'sum' or 'none'",
    "'avg'",
  );
});
