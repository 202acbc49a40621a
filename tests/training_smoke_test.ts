/**
 * Smoke tests of whole training runs on the shipped data: a small CNN on 2,000 MNIST digits and a
 * character-level LSTM on Tiny Shakespeare. Each trains briefly and must show its loss falling.
 */

import assert from "node:assert/strict";
import {
  accuracy,
  Adam,
  CharVocab,
  Conv2d,
  crossEntropy,
  DataLoader,
  Embedding,
  evaluate,
  fit,
  Flatten,
  Linear,
  liveTensors,
  loadMnist,
  loadTinyShakespeare,
  LSTM,
  MaxPool2d,
  Module,
  ReLU,
  rescale,
  seed,
  Sequential,
  type Tensor,
  tensor,
  tidy,
} from "../lib/mod.ts";

/** Mean of `values[from … to)`. */
function mean(values: readonly number[], from: number, to: number): number {
  const part = values.slice(from, to);
  return part.reduce((a, b) => a + b, 0) / part.length;
}

Deno.test("CNN (conv-pool-conv-pool-linear) on 2,000 MNIST digits: loss falls, accuracy rises", async () => {
  seed(0);
  const train = await loadMnist("train");
  const n = 2000, held = 500;
  const pixels = (from: number, count: number) => ({
    data: train.images.data.subarray(from * 784, (from + count) * 784),
    shape: [count, 1, 28, 28],
  });
  const options = { batchSize: 50, seed: 0, transforms: { x: [rescale(1 / 255)] } };
  const trainLoader = new DataLoader(
    { x: pixels(0, n), y: train.labels.subarray(0, n) },
    { ...options, shuffle: true },
  );
  const heldOut = new DataLoader(
    { x: pixels(n, held), y: train.labels.subarray(n, n + held) },
    options,
  );
  const model = new Sequential(
    new Conv2d(1, 8, 5), // 28 → 24
    new ReLU(),
    new MaxPool2d(2), // 24 → 12
    new Conv2d(8, 16, 5), // 12 → 8
    new ReLU(),
    new MaxPool2d(2), // 8 → 4
    new Flatten(),
    new Linear(16 * 4 * 4, 10),
  );
  const before = await evaluate(model, heldOut, { loss: crossEntropy, metrics: { accuracy } });
  const optimizer = new Adam(model.parameters(), { lr: 3e-3 });
  const history = await fit(model, { train: trainLoader }, {
    epochs: 1,
    optimizer,
    loss: crossEntropy,
    progress: false,
    readEvery: 1,
  });
  const after = await evaluate(model, heldOut, { loss: crossEntropy, metrics: { accuracy } });
  const losses = history.steps.map((s) => s.loss);
  assert.equal(losses.length, n / 50);
  assert.ok(
    mean(losses, 30, 40) < mean(losses, 0, 5) - 1,
    `step losses should fall by more than 1: first five ${mean(losses, 0, 5)}, last ten ` +
      mean(losses, 30, 40),
  );
  assert.ok(after.loss < before.loss - 1, `held-out loss ${before.loss} → ${after.loss}`);
  assert.ok(after.accuracy > 0.75, `held-out accuracy after one epoch: ${after.accuracy}`);
  optimizer.dispose();
  model.dispose();
});

/** Embedding → LSTM → Linear over characters: logits [B, T, vocabulary] for ids [B, T]. */
class CharLSTM extends Module {
  readonly embed: Embedding;
  readonly lstm: LSTM;
  readonly head: Linear;

  constructor(vocabulary: number, embedding: number, hidden: number) {
    super();
    this.embed = this.registerModule("embed", new Embedding(vocabulary, embedding));
    this.lstm = this.registerModule("lstm", new LSTM(embedding, hidden));
    this.head = this.registerModule("head", new Linear(hidden, vocabulary));
  }

  forward(ids: Tensor): Tensor {
    const h = this.lstm.forward(this.embed.forward(ids));
    const [b, t, hidden] = h.shape;
    return this.head.forward(h.reshape([b * t, hidden])).reshape([b, t, -1]);
  }
}

Deno.test("LSTM on Tiny Shakespeare: the character-level loss falls well below uniform guessing", async () => {
  seed(0);
  const text = await loadTinyShakespeare();
  const vocab = CharVocab.fromText(text);
  const ids = vocab.encode(text.slice(0, 200_000));
  const batch = 16, steps = 32, updates = 120;
  // Each update reads `batch` windows at seeded random offsets; targets are the next characters.
  let state = 12345;
  const offset = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state % (ids.length - steps - 1);
  };
  const batches = {
    length: updates,
    *[Symbol.iterator]() {
      for (let u = 0; u < updates; u++) {
        const x = new Int32Array(batch * steps), y = new Int32Array(batch * steps);
        for (let b = 0; b < batch; b++) {
          const at = offset();
          x.set(ids.subarray(at, at + steps), b * steps);
          y.set(ids.subarray(at + 1, at + steps + 1), b * steps);
        }
        yield {
          x: tensor(x, { shape: [batch, steps] }),
          y: tensor(y, { shape: [batch, steps] }),
        };
      }
    },
  };
  const liveBefore = liveTensors().tensors;
  const model = new CharLSTM(vocab.size, 16, 64);
  const optimizer = new Adam(model.parameters(), { lr: 1e-2 });
  // Every position of every window is one prediction: flatten [B, T, V] and [B, T] for the loss.
  const loss = (logits: Tensor, next: Tensor) =>
    crossEntropy(logits.reshape([-1, vocab.size]), next.reshape([-1]));
  const history = await fit(model, { train: batches }, {
    epochs: 1,
    optimizer,
    loss,
    progress: false,
    readEvery: 1,
  });
  const losses = history.steps.map((s) => s.loss);
  const uniform = Math.log(vocab.size);
  assert.ok(Math.abs(losses[0] - uniform) < 0.3, `first loss ${losses[0]} ≈ ln ${vocab.size}`);
  const last = mean(losses, updates - 10, updates);
  assert.ok(last < uniform - 1, `last ten losses average ${last}; uniform guessing is ${uniform}`);
  tidy(() =>
    assert.equal(model.forward(tensor([[0, 1]], { dtype: "int32" })).shape[2], vocab.size)
  );
  optimizer.dispose();
  model.dispose();
  assert.equal(liveTensors().tensors, liveBefore, "the run left tensors behind");
});
