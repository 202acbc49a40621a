/**
 * TensorFlow.js (cpu backend) as the reference the tests compare against, plus conversions between
 * its tensors and ours.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
// tfjs-core's Node bundle registers no gradients, so `tf.grad` would fail with "gradient function
// not found"; the full package registers them all on the same tfjs-core instance.
import "@tensorflow/tfjs";
import assert from "node:assert/strict";
import {
  assertClose,
  type CloseOptions,
  fromArray,
  grads,
  mul,
  Rng,
  sum,
  type Tensor,
} from "../../lib/mod.ts";

// PROD silences the "install tfjs-node" banner and skips debug checks we do not need.
tf.env().set("PROD", true);
await tf.setBackend("cpu");

export { tf };

/**
 * Our tensor's values as a tfjs tensor of the same shape (float64 becomes float32). Async, so that
 * tensors on every backend (the GPU included) can be compared.
 */
export async function toTf(t: Tensor): Promise<tf.Tensor> {
  const values = await t.data();
  return t.dtype === "int32"
    ? tf.tensor(Int32Array.from(values), [...t.shape], "int32")
    : tf.tensor(Float32Array.from(values), [...t.shape], "float32");
}

/** A tfjs tensor's values as one of ours (float32 or int32). */
export function fromTf(t: tf.Tensor): Tensor {
  const values = t.dataSync();
  return fromArray(values as Float32Array | Int32Array, t.shape, {
    dtype: t.dtype === "int32" ? "int32" : "float32",
  });
}

/** Asserts that our tensor equals a tfjs tensor within float32 tolerances (shape included). */
export async function assertCloseTf(
  ours: Tensor,
  theirs: tf.Tensor,
  options: CloseOptions = {},
): Promise<void> {
  if (
    ours.shape.length !== theirs.shape.length || ours.shape.some((d, i) => d !== theirs.shape[i])
  ) {
    throw new Error(
      `${
        options.message ? options.message + ": " : ""
      }shape [${ours.shape}] differs from tfjs's [${theirs.shape}]`,
    );
  }
  assertClose(await ours.data(), theirs.dataSync() as Float32Array, {
    rtol: 1e-4,
    atol: 1e-5,
    ...options,
  });
}

/**
 * A float32 tensor of `shape` with values uniform in [low, high), from a private generator so tests
 * do not depend on each other's draws.
 */
export function randomTensor(shape: readonly number[], seed: number, low = -2, high = 2): Tensor {
  const rng = new Rng(seed);
  const values = Array.from(
    { length: shape.reduce((a, b) => a * b, 1) },
    () => low + (high - low) * rng.uniform(),
  );
  return fromArray(values, shape);
}

/** An int32 tensor of `shape` with values uniform in [0, n). */
export function randomIndices(shape: readonly number[], n: number, seed: number): Tensor {
  const rng = new Rng(seed);
  return fromArray(
    Int32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.int(n)),
    shape,
    {
      dtype: "int32",
    },
  );
}

/**
 * Compares our gradients of Σ r·f(xs) with tfjs's, for one fixed random weighting r of the output,
 * so that every output element carries a different weight. Each gradient must also keep its input's
 * dtype.
 */
export async function assertGradsTf(
  ours: (...xs: Tensor[]) => Tensor,
  theirs: (...xs: tf.Tensor[]) => tf.Tensor,
  inputs: readonly Tensor[],
  message: string,
  options: CloseOptions = {},
): Promise<void> {
  const r = randomTensor(ours(...inputs).shape, 4242);
  const rTf = await toTf(r);
  const got = grads((...xs) => sum(mul(ours(...xs), r)))(...inputs);
  const tfInputs = await Promise.all(inputs.map(toTf));
  const want = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(theirs(...xs), rTf)))(tfInputs);
  for (const [i, g] of got.entries()) {
    assert.equal(g.dtype, inputs[i].dtype, `${message}: gradient ${i} keeps its input's dtype`);
    await assertCloseTf(g, want[i], { ...options, message: `${message}: gradient of input ${i}` });
  }
  tf.dispose([rTf, ...want, ...tfInputs]);
}
