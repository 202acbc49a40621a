/**
 * Training on webgpu (llvmpipe here): the layers issue's 784-256-256-10 MLP trains for 100 Adam
 * steps with the same loss curve as on the cpu, and a 200-step loop allocates no GPU buffers after
 * its first steps.
 */

import assert from "node:assert/strict";
import {
  Adam,
  assertClose,
  crossEntropy,
  Linear,
  loadMnist,
  ReLU,
  seed,
  Sequential,
  stack,
  type Tensor,
  tensor,
  tidy,
} from "../../lib/mod.ts";
import { onBackend } from "../helpers/backend.ts";
import { gpuRuntime } from "../../lib/backend/webgpu/mod.ts";

const BATCH = 64;
const mnist = await loadMnist("train");
/** The first BATCH training images, scaled to [0, 1], and their labels, as host arrays. */
const images = Array.from(mnist.images.data.subarray(0, BATCH * 784), (v) => v / 255);
const labels = Array.from(mnist.labels.subarray(0, BATCH));

/**
 * `steps` steps of Adam on one batch. Returns the loss after each step, read once at the end, or,
 * with `keepEvery`, only every `keepEvery`-th loss (the others are freed at once, as a training
 * loop that reads its metrics every N steps does).
 */
async function lossCurve(steps: number, keepEvery = 1): Promise<number[]> {
  seed(11);
  const model = new Sequential(
    new Linear(784, 256),
    new ReLU(),
    new Linear(256, 256),
    new ReLU(),
    new Linear(256, 10),
  );
  const opt = new Adam(model.parameters(), { lr: 1e-3 });
  const x = tidy(() => tensor(images).reshape([BATCH, 784]));
  const y = tensor(labels, { dtype: "int32" });
  const losses: Tensor[] = [];
  for (let i = 0; i < steps; i++) {
    const loss = tidy(() => {
      opt.zeroGrad();
      const loss = crossEntropy(model.forward(x), y);
      loss.backward();
      opt.step();
      return loss;
    });
    if (i % keepEvery === 0) losses.push(loss);
    else loss.dispose();
  }
  const stacked = tidy(() => stack(losses)); // stack's per-loss views go with the scope
  const curve = Array.from(await stacked.data());
  stacked.dispose();
  losses.forEach((l) => l.dispose());
  opt.zeroGrad();
  opt.dispose();
  model.parameters().forEach((p) => p.dispose());
  x.dispose();
  y.dispose();
  return curve;
}

Deno.test("webgpu training: the MLP's 100-step loss curve matches the cpu's", async () => {
  const cpu = await onBackend("cpu", () => lossCurve(100));
  await onBackend("webgpu", async () => {
    const gpu = await lossCurve(100);
    assert.ok(cpu[99] < cpu[0] / 4, `the loss falls (${cpu[0]} → ${cpu[99]})`);
    assertClose(gpu, cpu, { rtol: 1e-3, atol: 1e-4, message: "loss curve" });
  });
});

Deno.test("webgpu training: 200 steps allocate no GPU buffers after warm-up", async () => {
  await onBackend("webgpu", async () => {
    const rt = gpuRuntime();
    await lossCurve(3, 50); // warm-up: pipelines, parameter and moment buffers
    const { created, inUse } = rt.pool.stats();
    await lossCurve(200, 50);
    assert.equal(rt.pool.stats().created, created, "every buffer came from the pool");
    assert.equal(rt.pool.stats().inUse, inUse, "and went back to it");
  });
});
