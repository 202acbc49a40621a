/**
 * fit's checkpoint option: the model is saved after every epoch, and a run that fails later (here a
 * NaN loss; a lost GPU device in tests/webgpu/device.ts) ends with an error that names the file,
 * which holds the last finished epoch's weights.
 */

import assert from "node:assert/strict";
import {
  assertClose,
  assertRejectsWith,
  Linear,
  loadModule,
  mse,
  Rng,
  Sequential,
  SGD,
  tensor,
} from "../lib/mod.ts";
import { type BatchSource, fit, type TrainableModel, TrainingError } from "../lib/train/mod.ts";

/** Four batches of y = x·[1, −2] + 0.5 per epoch; every batch of epoch `nanFrom` on is NaN. */
function regression(nanFrom = Infinity): BatchSource {
  let epoch = 0;
  return {
    length: 4,
    *[Symbol.iterator]() {
      epoch++;
      const rng = new Rng(epoch);
      for (let b = 0; b < 4; b++) {
        const xs = Array.from({ length: 8 }, () => [rng.normal(), rng.normal()]);
        const bad = epoch >= nanFrom;
        yield {
          x: tensor(xs.map(([u, v]) => [bad ? NaN : u, v])),
          y: tensor(xs.map(([u, v]) => [u - 2 * v + 0.5])),
        };
      }
    },
  };
}

Deno.test("fit checkpoint: a failed run names the file, which holds the last epoch's weights", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/model.safetensors`;
  const model = new Sequential(new Linear(2, 1));
  const afterEpoch: number[][] = [];
  const err = await assertRejectsWith(
    () =>
      fit(model, { train: regression(3) }, {
        epochs: 5,
        optimizer: new SGD(model.parameters(), { lr: 0.1 }),
        loss: mse,
        checkpoint: path,
        progress: false,
        onEpochEnd: async () => {
          afterEpoch.push((await Promise.all(model.parameters().map((p) => p.data())))
            .flatMap((v) => Array.from(v)));
        },
      }),
    "the loss is NaN",
    `saved in ${path}`,
    "loadModule(model,",
  );
  assert.ok(err instanceof TrainingError);
  assert.deepEqual(err.checkpoint, { path, epoch: 2 });
  assert.equal(err.position.epoch, 3);
  assert.equal(err.history.epochs.length, 2, "the history keeps both finished epochs");

  const reloaded = new Sequential(new Linear(2, 1));
  await loadModule(reloaded, path);
  const weights = reloaded.parameters().flatMap((p) => Array.from(p.dataSync()));
  assertClose(weights, afterEpoch[1], { rtol: 0, atol: 0, message: "epoch 2's weights" });
  assert.notDeepEqual(afterEpoch[0], afterEpoch[1], "the file was rewritten after epoch 2");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("fit checkpoint: a run that fails before any epoch ends has none to offer", async () => {
  const dir = await Deno.makeTempDir();
  const model = new Sequential(new Linear(2, 1));
  const err = await assertRejectsWith(
    () =>
      fit(model, { train: regression(1) }, {
        epochs: 2,
        optimizer: new SGD(model.parameters(), { lr: 0.1 }),
        loss: mse,
        checkpoint: `${dir}/never.safetensors`,
        progress: false,
      }),
    "the loss is NaN",
  );
  assert.ok(err instanceof TrainingError);
  assert.equal(err.checkpoint, null);
  assert.ok(!err.message.includes("saved in"), err.message);
  await assertRejectsWith(() => Deno.stat(`${dir}/never.safetensors`), "No such file");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("fit checkpoint: a model that is not a Module is refused before training", async () => {
  const inner = new Linear(2, 1);
  const plain: TrainableModel = {
    forward: (x) => inner.forward(x),
    parameters: () => inner.parameters(),
    train: () => {},
    eval: () => {},
  };
  await assertRejectsWith(
    () =>
      fit(plain, { train: regression() }, {
        epochs: 1,
        optimizer: new SGD(plain.parameters(), { lr: 0.1 }),
        loss: mse,
        checkpoint: "unused.safetensors",
        progress: false,
      }),
    "checkpoint",
    "needs a Module",
    "onEpochEnd",
  );
});
