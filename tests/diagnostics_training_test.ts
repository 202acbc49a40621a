/**
 * lib/diagnostics/training_curve.ts: the bare training loop records window means of the loss,
 * runs over as many passes as it needs, lets a network see the same batches as another, and does
 * not grow memory.
 */

import assert from "node:assert/strict";
import {
  crossEntropy,
  DataLoader,
  liveTensors,
  plainMlp,
  randn,
  seed,
  SGD,
  trainingCurve,
} from "../lib/mod.ts";

/** A small separable problem: the class is the sign of the first feature. */
function problem() {
  seed(0);
  const x = randn([96, 4]);
  const data = x.dataSync().slice();
  x.dispose();
  const labels = Int32Array.from(data.filter((_, i) => i % 4 === 0), (v) => v > 0 ? 1 : 0);
  return new DataLoader(
    { x: { data, shape: [96, 4] }, y: labels },
    { batchSize: 16, shuffle: true, seed: 0 },
  );
}

Deno.test("trainingCurve: window means over several passes, and the loss falls", async () => {
  const loader = problem();
  seed(1);
  const net = plainMlp({ inputs: 4, width: 8, depth: 2, outputs: 2 });
  const curve = await trainingCurve(net, loader, {
    steps: 50, // more than the 6 batches of one pass
    optimizer: new SGD(net.parameters(), { lr: 0.5 }),
    loss: crossEntropy,
    every: 20,
  });
  assert.deepEqual(curve.step, [20, 40, 50]);
  assert.equal(curve.loss.length, 3);
  assert.ok(curve.loss[2] < curve.loss[0], `loss ${curve.loss}`);
  assert.ok(curve.seconds >= 0);
});

Deno.test("trainingCurve: the same seed and batches give the same curve", async () => {
  const run = async () => {
    seed(2);
    const net = plainMlp({ inputs: 4, width: 8, depth: 3, outputs: 2 });
    return await trainingCurve(net, problem(), {
      steps: 12,
      optimizer: new SGD(net.parameters(), { lr: 0.1 }),
      loss: crossEntropy,
      every: 4,
    });
  };
  assert.deepEqual((await run()).loss, (await run()).loss);
});

Deno.test("trainingCurve: memory stays flat from run to run", async () => {
  seed(3);
  const net = plainMlp({ inputs: 4, width: 8, depth: 3, outputs: 2 });
  const optimizer = new SGD(net.parameters(), { lr: 0.1, momentum: 0.9 });
  const options = { steps: 30, optimizer, loss: crossEntropy, every: 10 };
  await trainingCurve(net, problem(), options);
  // A second run of the same length leaves exactly as many tensors alive as the first.
  const before = liveTensors().tensors;
  await trainingCurve(net, problem(), options);
  assert.equal(liveTensors().tensors, before);
});

Deno.test("trainingCurve: bad arguments are reported", async () => {
  const net = plainMlp({ inputs: 4, width: 4, depth: 2, outputs: 2 });
  const options = { optimizer: new SGD(net.parameters()), loss: crossEntropy };
  await assert.rejects(() => trainingCurve(net, problem(), { ...options, steps: 0 }), /steps/);
  await assert.rejects(
    () => trainingCurve(net, problem(), { ...options, steps: 3, every: 1.5 }),
    /every/,
  );
  await assert.rejects(() => trainingCurve(net, [], { ...options, steps: 3 }), /empty/);
});
