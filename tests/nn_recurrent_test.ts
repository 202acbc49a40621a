/**
 * lib/nn recurrent cells and sequence layers: LSTMCell against tf.basicLSTMCell, the RNN and LSTM
 * sequence layers against tf.layers.simpleRNN and tf.layers.lstm, the GRU (PyTorch's formulation,
 * which tfjs lacks) against a tfjs composition, gradients of the cells and of unrolled sequences
 * against float64 finite differences, and the layers' names, defaults and errors.
 */

import assert from "node:assert/strict";
import * as tfl from "@tensorflow/tfjs";
import { assertClose, assertThrowsWith, concat, seed } from "../lib/mod.ts";
import {
  GRU,
  GRUCell,
  gruCell,
  LSTM,
  LSTMCell,
  lstmCell,
  RNN,
  RNNCell,
  rnnCell,
  unroll,
} from "../lib/nn/mod.ts";
import { gradcheck } from "../lib/testing/mod.ts";
import { assertCloseTf, randomTensor, tf, toTf } from "./helpers/tfjs.ts";

/** The cell's four parameters as tfjs tensors. */
async function tfWeights(cell: RNNCell | LSTMCell | GRUCell) {
  return {
    wIh: await toTf(cell.weightIh),
    wHh: await toTf(cell.weightHh),
    bIh: await toTf(cell.biasIh!),
    bHh: await toTf(cell.biasHh!),
  };
}

/** Random biases, so tests see them (the defaults are random too, but this is explicit). */
function randomizeBiases(cell: RNNCell | LSTMCell | GRUCell, s: number): void {
  cell.biasIh!.assign(randomTensor(cell.biasIh!.shape, s, -0.5, 0.5));
  cell.biasHh!.assign(randomTensor(cell.biasHh!.shape, s + 1, -0.5, 0.5));
}

/** Our gate blocks [i, f, g, o] along the last axis reordered to tfjs's basicLSTMCell [i, g, f, o]. */
function toIjfo(t: tf.Tensor): tf.Tensor {
  const [i, f, g, o] = tf.split(t, 4, -1);
  return tf.concat([i, g, f, o], -1);
}

/** PyTorch's GRU step written with tfjs ops. */
function tfGruCell(
  x: tf.Tensor,
  h: tf.Tensor,
  w: Awaited<ReturnType<typeof tfWeights>>,
): tf.Tensor {
  const [ir, iz, inn] = tf.split(tf.add(tf.matMul(x, w.wIh), w.bIh), 3, 1);
  const [hr, hz, hn] = tf.split(tf.add(tf.matMul(h, w.wHh), w.bHh), 3, 1);
  const r = tf.sigmoid(tf.add(ir, hr));
  const z = tf.sigmoid(tf.add(iz, hz));
  const n = tf.tanh(tf.add(inn, tf.mul(r, hn)));
  return tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h));
}

// ---------------------------------------------------------------------------------------------
// Cells against tfjs

Deno.test("LSTMCell: one step matches tf.basicLSTMCell (gates reordered, forgetBias 0)", async () => {
  const cell = new LSTMCell(3, 4);
  randomizeBiases(cell, 1);
  const x = randomTensor([2, 3], 2);
  const state = { h: randomTensor([2, 4], 3), c: randomTensor([2, 4], 4) };
  const next = cell.step(x, state);
  const w = await tfWeights(cell);
  const kernel = toIjfo(tf.concat([w.wIh, w.wHh], 0)) as tf.Tensor2D;
  const bias = toIjfo(tf.add(w.bIh, w.bHh)) as tf.Tensor1D;
  const [c, h] = tf.basicLSTMCell(
    0,
    kernel,
    bias,
    await toTf(x) as tf.Tensor2D,
    await toTf(state.c) as tf.Tensor2D,
    await toTf(state.h) as tf.Tensor2D,
  );
  await assertCloseTf(next.c, c, { message: "c" });
  await assertCloseTf(next.h, h, { message: "h" });
  // forward(x) is one step from zeros, returning h.
  const zero = { h: randomTensor([2, 4], 0, 0, 0), c: randomTensor([2, 4], 0, 0, 0) };
  assertClose(cell.forward(x), cell.step(x, zero).h);
});

Deno.test("RNNCell (tanh and ReLU) and GRUCell: one step matches a tfjs composition", async () => {
  const x = randomTensor([3, 2], 10), h = randomTensor([3, 5], 11);
  for (const nonlinearity of ["tanh", "relu"] as const) {
    const cell = new RNNCell(2, 5, { nonlinearity });
    randomizeBiases(cell, 12);
    const w = await tfWeights(cell);
    const pre = tf.add(
      tf.add(tf.matMul(await toTf(x), w.wIh), w.bIh),
      tf.add(tf.matMul(await toTf(h), w.wHh), w.bHh),
    );
    const want = nonlinearity === "tanh" ? tf.tanh(pre) : tf.relu(pre);
    await assertCloseTf(cell.step(x, h), want, { message: nonlinearity });
  }
  const gru = new GRUCell(2, 5);
  randomizeBiases(gru, 13);
  await assertCloseTf(
    gru.step(x, h),
    tfGruCell(await toTf(x), await toTf(h), await tfWeights(gru)),
  );
});

// ---------------------------------------------------------------------------------------------
// Sequence layers against tfjs

Deno.test("RNN: outputs and final state match tf.layers.simpleRNN, from a given initial state", async () => {
  const rnn = new RNN(3, 4);
  randomizeBiases(rnn.cell, 20);
  const x = randomTensor([2, 5, 3], 21), h0 = randomTensor([2, 4], 22);
  const { output, state } = rnn.run(x, h0);
  const layer = tfl.layers.simpleRNN({ units: 4, returnSequences: true, returnState: true });
  const xTf = await toTf(x), h0Tf = await toTf(h0);
  const run = () => layer.apply(xTf, { initialState: [h0Tf] }) as tf.Tensor[];
  run(); // builds the layer, with tfjs's own initial weights
  const w = await tfWeights(rnn.cell);
  layer.setWeights([w.wIh, w.wHh, tf.add(w.bIh, w.bHh)]);
  const [out, last] = run();
  await assertCloseTf(output, out, { message: "outputs" });
  await assertCloseTf(state, last, { message: "final state" });
  assert.deepEqual(output.shape, [2, 5, 4]);
  assertClose(rnn.forward(x), rnn.run(x).output);
});

Deno.test("LSTM: outputs and final state match tf.layers.lstm (same gate order i, f, g, o)", async () => {
  const lstm = new LSTM(3, 4);
  randomizeBiases(lstm.cell, 30);
  const x = randomTensor([2, 6, 3], 31);
  const h0 = randomTensor([2, 4], 32), c0 = randomTensor([2, 4], 33);
  const { output, state } = lstm.run(x, { h: h0, c: c0 });
  const layer = tfl.layers.lstm({
    units: 4,
    returnSequences: true,
    returnState: true,
    recurrentActivation: "sigmoid",
  });
  const xTf = await toTf(x), h0Tf = await toTf(h0), c0Tf = await toTf(c0);
  const run = () => layer.apply(xTf, { initialState: [h0Tf, c0Tf] }) as tf.Tensor[];
  run(); // builds the layer, with tfjs's own initial weights
  const w = await tfWeights(lstm.cell);
  layer.setWeights([w.wIh, w.wHh, tf.add(w.bIh, w.bHh)]);
  const [out, h, c] = run();
  await assertCloseTf(output, out, { message: "outputs" });
  await assertCloseTf(state.h, h, { message: "final h" });
  await assertCloseTf(state.c, c, { message: "final c" });
});

Deno.test("GRU: the unrolled layer equals the tfjs cell applied step by step", async () => {
  const gru = new GRU(2, 3);
  randomizeBiases(gru.cell, 40);
  const x = randomTensor([2, 4, 2], 41), h0 = randomTensor([2, 3], 42);
  const { output, state } = gru.run(x, h0);
  const w = await tfWeights(gru.cell);
  let h = await toTf(h0);
  const outs: tf.Tensor[] = [];
  for (let t = 0; t < 4; t++) {
    h = tfGruCell(tf.squeeze(tf.slice(await toTf(x), [0, t, 0], [2, 1, 2]), [1]), h, w);
    outs.push(h);
  }
  await assertCloseTf(output, tf.stack(outs, 1));
  await assertCloseTf(state, h);
});

// ---------------------------------------------------------------------------------------------
// Gradients, float64 finite differences

Deno.test("gradcheck: rnnCell, lstmCell and gruCell with respect to input, state and weights", async () => {
  const [b, f, h] = [2, 3, 2];
  const w = (gates: number, s: number) => [
    randomTensor([f, gates * h], s, -0.8, 0.8),
    randomTensor([h, gates * h], s + 1, -0.8, 0.8),
    randomTensor([gates * h], s + 2, -0.5, 0.5),
    randomTensor([gates * h], s + 3, -0.5, 0.5),
  ];
  const x = randomTensor([b, f], 50), h0 = randomTensor([b, h], 51), c0 = randomTensor([b, h], 52);
  await gradcheck(
    (x, h, weightIh, weightHh, biasIh, biasHh) =>
      rnnCell(x, h, { weightIh, weightHh, biasIh, biasHh }),
    [x, h0, ...w(1, 53)],
  );
  await gradcheck(
    (x, h, c, weightIh, weightHh, biasIh, biasHh) => {
      const next = lstmCell(x, { h, c }, { weightIh, weightHh, biasIh, biasHh });
      return concat([next.h, next.c], 1);
    },
    [x, h0, c0, ...w(4, 57)],
  );
  await gradcheck(
    (x, h, weightIh, weightHh, biasIh, biasHh) =>
      gruCell(x, h, { weightIh, weightHh, biasIh, biasHh }),
    [x, h0, ...w(3, 61)],
  );
});

Deno.test("gradcheck: backpropagation through time over unrolled LSTM and GRU sequences", async () => {
  const x = randomTensor([2, 3, 2], 70);
  const lstmWeights = [
    randomTensor([2, 8], 71, -0.8, 0.8),
    randomTensor([2, 8], 72, -0.8, 0.8),
    randomTensor([8], 73, -0.5, 0.5),
  ];
  await gradcheck(
    (x, weightIh, weightHh, biasIh) => {
      const weights = { weightIh, weightHh, biasIh };
      const zero = x.slice([0, 0, 0], [2, 1, 2]).reshape([2, 2]).mul(0);
      const { output, state } = unroll(
        x,
        { h: zero, c: zero },
        (xt, s) => lstmCell(xt, s, weights),
        (s) => s.h,
      );
      return concat([output.reshape([2, 6]), state.c], 1);
    },
    [x, ...lstmWeights],
  );
  const h0 = randomTensor([2, 3], 74);
  await gradcheck(
    (x, h0, weightIh, weightHh) =>
      unroll(x, h0, (xt, h) => gruCell(xt, h, { weightIh, weightHh }), (h) => h).output,
    [x, h0, randomTensor([2, 9], 75, -0.8, 0.8), randomTensor([3, 9], 76, -0.8, 0.8)],
  );
});

// ---------------------------------------------------------------------------------------------
// Names, defaults, errors

Deno.test("recurrent layers: parameter names and shapes, default init U(±1/√H), bias: false", () => {
  seed(80);
  const lstm = new LSTM(3, 16);
  assert.deepEqual(lstm.namedParameters().map(([n, t]) => [n, t.shape]), [
    ["cell.weightIh", [3, 64]],
    ["cell.weightHh", [16, 64]],
    ["cell.biasIh", [64]],
    ["cell.biasHh", [64]],
  ]);
  const bound = 1 / Math.sqrt(16);
  for (const p of lstm.parameters()) {
    const values = p.dataSync();
    assert.ok(values.every((v) => Math.abs(v) <= bound));
    assert.ok(values.some((v) => Math.abs(v) > 0.8 * bound));
  }
  assert.deepEqual(new GRU(3, 5).cell.weightHh.shape, [5, 15]);
  const bare = new RNNCell(3, 5, { bias: false });
  assert.deepEqual(bare.namedParameters().map(([n]) => n), ["weightIh", "weightHh"]);
  assert.equal(`${bare}`, "RNNCell(3 → 5, bias: false)");
  assert.equal(`${lstm}`, "LSTM(\n  (cell): LSTMCell(3 → 16)\n)");
});

Deno.test("recurrent layers: errors name the expected shapes", () => {
  const lstm = new LSTM(3, 4);
  assertThrowsWith(() => lstm.forward(randomTensor([2, 3], 1)), "LSTM", "[batch, time, features]");
  assertThrowsWith(
    () => lstm.forward(randomTensor([2, 5, 2], 1)),
    "lstmCell",
    "weightIh must have shape [2, 16]",
    "got [3, 16]",
  );
  assertThrowsWith(
    () => new GRUCell(3, 4).step(randomTensor([2, 3], 1), randomTensor([2, 5], 2)),
    "gruCell",
    "the hidden state must have shape [2, 4]",
  );
  assertThrowsWith(() => new RNN(0, 4), "RNNCell", "inputSize must be a positive integer");
});

Deno.test("recurrent layers: backward reaches every parameter through all the steps", () => {
  const gru = new GRU(2, 3);
  const x = randomTensor([2, 4, 2], 90);
  const grads = (steps: number) => {
    gru.zeroGrad();
    gru.forward(x.slice([0, 0, 0], [2, steps, 2])).slice([0, steps - 1, 0]).sum().backward();
    return gru.parameters().map((p) => p.grad!.dataSync().slice());
  };
  const one = grads(1), four = grads(4);
  assert.ok(four.every((g) => g.some((v) => v !== 0)));
  // After one step from h = 0, the hidden weight has no gradient; over four steps it does.
  assert.ok(one[1].every((v: number) => v === 0));
  gru.dispose();
});
