/**
 * Whole computations end to end: a two-layer MLP's parameter gradients against TensorFlow.js, and
 * the README-style logistic regression, which must learn. The file belongs to the shared op suite:
 * it runs on `cpu` and on `webgpu` (`tests/helpers/backend.ts`); on `webgpu` the finite differences
 * are float32 ones.
 */

import assert from "node:assert/strict";
import {
  binaryCrossEntropyWithLogits,
  crossEntropy,
  gradcheck,
  grads,
  liveTensors,
  noGrad,
  randn,
  seed,
  type Tensor,
  tensor,
  tidy,
  zeros,
} from "../lib/mod.ts";
import "./helpers/backend.ts";
import { assertCloseTf, randomIndices, randomTensor, tf, toTf } from "./helpers/tfjs.ts";

type Activation = "relu" | "tanh";

/** x [8, 5] → Linear 5×7 → activation → Linear 7×3 → mean cross-entropy against int labels. */
function mlpLoss(
  act: Activation,
  x: Tensor,
  labels: Tensor,
  [w1, b1, w2, b2]: Tensor[],
): Tensor {
  const h = x.matmul(w1).add(b1);
  const a = act === "relu" ? h.relu() : h.tanh();
  return crossEntropy(a.matmul(w2).add(b2), labels);
}

/** The same computation written in TensorFlow.js. */
function tfMlpLoss(act: Activation, x: tf.Tensor, labels: tf.Tensor, ps: tf.Tensor[]): tf.Scalar {
  const [w1, b1, w2, b2] = ps;
  const h = tf.add(tf.matMul(x, w1), b1);
  const a = act === "relu" ? tf.relu(h) : tf.tanh(h);
  const logits = tf.add(tf.matMul(a, w2), b2);
  const picked = tf.sum(tf.mul(tf.oneHot(labels as tf.Tensor1D, 3), tf.logSoftmax(logits)), -1);
  return tf.neg(tf.mean(picked)) as tf.Scalar;
}

/**
 * The MLP's parameter gradients by hand-written backpropagation in TensorFlow.js ops:
 * dz = (softmax(z) - onehot) / N, then back through both linear layers and the activation.
 */
function tfMlpManualGrads(
  act: Activation,
  x: tf.Tensor,
  labels: tf.Tensor,
  [w1, b1, w2, b2]: tf.Tensor[],
): tf.Tensor[] {
  return tf.tidy(() => {
    const h = tf.add(tf.matMul(x, w1), b1);
    const a = act === "relu" ? tf.relu(h) : tf.tanh(h);
    const z = tf.add(tf.matMul(a, w2), b2);
    const dz = tf.div(tf.sub(tf.softmax(z), tf.oneHot(labels as tf.Tensor1D, 3)), x.shape[0]);
    const da = tf.matMul(dz, w2, false, true);
    const dh = act === "relu"
      ? tf.mul(da, tf.cast(tf.greater(h, 0), "float32"))
      : tf.mul(da, tf.sub(1, tf.square(a)));
    return [
      tf.matMul(x, dh, true, false),
      tf.sum(dh, 0),
      tf.matMul(a, dz, true, false),
      tf.sum(dz, 0),
    ];
  });
}

/** tf.grads of the loss: tfjs's own autodiff, independent of the hand-derived gradients above. */
function tfAutodiffGrads(
  act: Activation,
  x: tf.Tensor,
  labels: tf.Tensor,
  ps: tf.Tensor[],
): tf.Tensor[] {
  return tf.grads((...qs: tf.Tensor[]) => tfMlpLoss(act, x, labels, qs))(ps);
}

function mlpFixture(offset: number) {
  const x = randomTensor([8, 5], 100 + offset);
  const labels = randomIndices([8], 3, 200 + offset);
  const params = [
    randomTensor([5, 7], 300 + offset, -0.8, 0.8),
    randomTensor([7], 400 + offset, -0.5, 0.5),
    randomTensor([7, 3], 500 + offset, -0.8, 0.8),
    randomTensor([3], 600 + offset, -0.5, 0.5),
  ];
  return { x, labels, params };
}

for (const [i, act] of (["relu", "tanh"] as const).entries()) {
  Deno.test(`2-layer MLP (${act}) + crossEntropy: loss and parameter gradients match tfjs`, async () => {
    const { x, labels, params } = mlpFixture(i);
    for (const p of params) p.requiresGrad = true;
    const start = liveTensors().tensors;
    const loss = tidy(() => {
      const l = mlpLoss(act, x, labels, params);
      l.backward();
      return l.detach();
    });
    // Only the loss and the four gradients outlive the step.
    assert.equal(liveTensors().tensors, start + 1 + 4);

    const tfParams = await Promise.all(params.map(toTf));
    const tx = await toTf(x), ty = await toTf(labels);
    const theirLoss = tfMlpLoss(act, tx, ty, tfParams);
    const theirGrads = tfMlpManualGrads(act, tx, ty, tfParams);
    const autodiff = tfAutodiffGrads(act, tx, ty, tfParams);
    await assertCloseTf(loss, theirLoss, { message: "loss" });
    assert.ok((await loss.data())[0] > 0.3, "a loss this small would make the comparison weak");
    const names = ["W1", "b1", "W2", "b2"];
    for (const [k, p] of params.entries()) {
      assert.ok(p.grad, `${names[k]} has no gradient`);
      await assertCloseTf(p.grad, theirGrads[k], { message: `d loss / d ${names[k]}` });
      await assertCloseTf(p.grad, autodiff[k], { message: `tf.grads ${names[k]}` });
    }
    // The gradients are not trivially zero.
    for (const p of params) assert.ok((await p.grad!.abs().max().data())[0] > 1e-3);

    // The functional API gives the same gradients.
    const functional = grads((...ps: Tensor[]) => mlpLoss(act, x, labels, ps))(...params);
    for (const [k, g] of functional.entries()) {
      await assertCloseTf(g, theirGrads[k], { message: `grads ${names[k]}` });
    }
    tf.dispose([theirLoss, ...theirGrads, ...autodiff, ...tfParams, tx, ty]);
  });
}

Deno.test("2-layer MLP gradients agree with central differences", async () => {
  for (const [i, act] of (["relu", "tanh"] as const).entries()) {
    const { x, labels, params } = mlpFixture(i);
    // gradcheck casts the parameters to its precision (float64 where the backend holds it), and x
    // is promoted to theirs, so the whole computation runs in that precision.
    const result = await gradcheck(
      (...ps: Tensor[]) => mlpLoss(act, x, labels, ps),
      params,
      { rtol: 1e-4, atol: 1e-6 },
    );
    assert.equal(result.checked, 5 * 7 + 7 + 7 * 3 + 3);
  }
});

Deno.test("README example: logistic regression on two blobs learns (loss below half)", async () => {
  seed(0);
  const n = 200;
  const labels = tensor(Array.from({ length: n }, (_, i) => i % 2)).reshape([n, 1]);
  const x = randn([n, 2]).add(labels.mul(2).sub(1));
  const w = zeros([2, 1], { requiresGrad: true });
  const b = zeros([1], { requiresGrad: true });
  const losses: number[] = [];
  const start = liveTensors().tensors;
  for (let step = 0; step <= 50; step++) {
    const loss = tidy(() => {
      const l = binaryCrossEntropyWithLogits(x.matmul(w).add(b), labels);
      l.backward();
      noGrad(() => {
        for (const p of [w, b]) p.assign(p.sub(p.grad!.mul(0.5)));
      });
      w.zeroGrad();
      b.zeroGrad();
      return l.detach();
    });
    losses.push((await loss.data())[0]);
    loss.dispose();
    assert.equal(liveTensors().tensors, start, `step ${step} leaked tensors`);
  }
  assert.ok(Math.abs(losses[0] - Math.log(2)) < 1e-6, `initial loss ${losses[0]} is not ln 2`);
  for (let i = 1; i < losses.length; i++) {
    assert.ok(losses[i] <= losses[i - 1] + 1e-6, `loss rose at step ${i}`);
  }
  assert.ok(losses.at(-1)! < losses[0] / 2, `loss fell only from ${losses[0]} to ${losses.at(-1)}`);
  // It separates the blobs: both weights point from blob 0 to blob 1, and accuracy is high.
  const [w0, w1] = await w.data();
  assert.ok(w0 > 0.5 && w1 > 0.5, `weights ${w0}, ${w1}`);
  const correct = tidy(() => x.matmul(w).add(b).greater(0).equal(labels.greater(0.5)).mean());
  const accuracy = (await correct.data())[0];
  correct.dispose();
  assert.ok(accuracy > 0.9, `accuracy ${accuracy}`);
});
