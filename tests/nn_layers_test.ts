/**
 * lib/nn layers and module mechanics: each layer's forward pass against TensorFlow.js (NHWC layouts
 * transposed), the functional forms' gradients against float64 finite differences, parameter
 * names and counts, train/eval, Dropout's statistics, BatchNorm's running statistics against a hand
 * computation, the initialisers, and a training step that does not grow memory.
 */

import assert from "node:assert/strict";
import {
  assertClose,
  assertThrowsWith,
  getBackend,
  liveTensors,
  ones,
  randn,
  seed,
  type Tensor,
  tensor,
  tidy,
} from "../lib/mod.ts";
import {
  AvgPool2d,
  batchNorm,
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  Dropout,
  dropout,
  Embedding,
  Flatten,
  init,
  LayerNorm,
  layerNorm,
  LeakyReLU,
  Linear,
  linear,
  LogSoftmax,
  LSTM,
  MaxPool2d,
  Module,
  ReLU,
  Sequential,
  Sigmoid,
  Softmax,
  Softplus,
  Tanh,
} from "../lib/nn/mod.ts";
import { gradcheck } from "../lib/testing/mod.ts";
import { assertCloseTf, randomIndices, randomTensor, tf, toTf } from "./helpers/tfjs.ts";

const toNhwc = (x: tf.Tensor) => tf.transpose(x, [0, 2, 3, 1]) as tf.Tensor4D;
const toNchw = (x: tf.Tensor) => tf.transpose(x, [0, 3, 1, 2]) as tf.Tensor4D;

/** Sets a parameter or buffer to fixed values (from a private generator), for comparisons. */
function setRandom(t: Tensor | null, seedValue: number, low = -1, high = 1): void {
  t!.assign(randomTensor(t!.shape, seedValue, low, high));
}

// ---------------------------------------------------------------------------------------------
// Forward passes against TensorFlow.js

Deno.test("Linear: x·W + b matches tf.matMul + add, also for [B, T, F] inputs", async () => {
  const layer = new Linear(5, 3);
  setRandom(layer.bias, 2);
  assert.deepEqual(layer.weight.shape, [5, 3]);
  for (const shape of [[4, 5], [2, 3, 5]]) {
    const x = randomTensor(shape, 1);
    const want = tf.add(
      tf.matMul((await toTf(x)).reshape([-1, 5]), await toTf(layer.weight)),
      await toTf(layer.bias!),
    );
    await assertCloseTf(layer.forward(x), want.reshape([...shape.slice(0, -1), 3]));
  }
  const noBias = new Linear(5, 3, { bias: false });
  assert.equal(noBias.bias, null);
  assert.deepEqual(noBias.namedParameters().map(([n]) => n), ["weight"]);
  assertThrowsWith(() => layer.forward(randomTensor([2, 4], 3)), "linear", "[2, 4]", "5 features");
});

Deno.test("Conv2d: stride, padding, dilation and bias match tf.conv2d; groups tf.depthwiseConv2d", async () => {
  const cases = [
    { c: [3, 4, 3] as const, o: {} },
    { c: [3, 4, 3] as const, o: { stride: 2, padding: 1 } },
    { c: [2, 3, 2] as const, o: { padding: "same" as const, dilation: 2 } },
  ];
  for (const [i, { c: [inC, outC, k], o }] of cases.entries()) {
    const layer = new Conv2d(inC, outC, k, o);
    setRandom(layer.bias, 10 + i);
    assert.deepEqual(layer.weight.shape, [outC, inC, k, k]);
    const x = randomTensor([2, inC, 7, 6], 20 + i);
    const pad = o.padding === 1
      ? [[0, 0], [1, 1], [1, 1], [0, 0]] as [
        [number, number],
        [number, number],
        [number, number],
        [number, number],
      ]
      : (o.padding ?? "valid") as "same" | "valid";
    const w = tf.transpose(await toTf(layer.weight), [2, 3, 1, 0]) as tf.Tensor4D;
    const want = tf.add(
      tf.conv2d(toNhwc(await toTf(x)), w, o.stride ?? 1, pad, "NHWC", o.dilation ?? 1),
      await toTf(layer.bias!),
    );
    await assertCloseTf(layer.forward(x), toNchw(want), { message: `case ${i}` });
  }
  // Depthwise with channel multiplier 2: our filter [C·2, 1, k, k] is tfjs's [k, k, C, 2].
  const dw = new Conv2d(3, 6, 3, { groups: 3, bias: false });
  assert.deepEqual(dw.weight.shape, [6, 1, 3, 3]);
  const x = randomTensor([1, 3, 5, 5], 30);
  const filter = tf.transpose(tf.reshape(await toTf(dw.weight), [3, 2, 3, 3]), [2, 3, 0, 1]);
  const want = tf.depthwiseConv2d(toNhwc(await toTf(x)), filter as tf.Tensor4D, 1, "valid");
  await assertCloseTf(dw.forward(x), toNchw(want));
  assertThrowsWith(() => new Conv2d(3, 4, 3, { groups: 2 }), "groups=2", "inChannels (3)");
});

Deno.test("Conv2d: activation 'relu' equals Conv2d then ReLU, gradients too; describe() shows it", () => {
  seed(7);
  const fused = new Conv2d(3, 4, 3, { padding: 1, stride: 2, activation: "relu" });
  const plain = new Conv2d(3, 4, 3, { padding: 1, stride: 2 });
  setRandom(fused.bias, 50);
  plain.weight.assign(fused.weight);
  plain.bias!.assign(fused.bias!);
  const x = randomTensor([2, 3, 7, 6], 51);
  const y = fused.forward(x);
  assert.ok(y.dataSync().some((v) => v === 0) && y.dataSync().some((v) => v > 0));
  assertClose(y.dataSync(), new Sequential(plain, new ReLU()).forward(x).dataSync(), {
    rtol: 1e-6,
    atol: 1e-6,
  });
  // The same gradients reach the parameters either way.
  fused.forward(x).sum().backward();
  plain.forward(x).relu().sum().backward();
  assertClose(fused.weight.grad!.dataSync(), plain.weight.grad!.dataSync(), { rtol: 1e-5 });
  assertClose(fused.bias!.grad!.dataSync(), plain.bias!.grad!.dataSync(), { rtol: 1e-5 });
  assert.equal(fused.toString(), "Conv2d(3 → 4, 3×3, stride: 2, padding: 1, activation: relu)");
  assert.equal(plain.toString(), "Conv2d(3 → 4, 3×3, stride: 2, padding: 1)");
  assertThrowsWith(
    () => new Conv2d(3, 4, 3, { activation: "tanh" as "relu" }),
    "Conv2d: unknown activation 'tanh'; use one of 'none', 'relu'",
  );
});

Deno.test("MaxPool2d, AvgPool2d and Flatten match tf.maxPool, tf.avgPool and tf.reshape", async () => {
  const x = randomTensor([2, 3, 6, 6], 40);
  const nhwc = toNhwc(await toTf(x));
  await assertCloseTf(new MaxPool2d(2).forward(x), toNchw(tf.maxPool(nhwc, 2, 2, "valid")));
  await assertCloseTf(
    new MaxPool2d(3, { stride: 2 }).forward(x),
    toNchw(tf.maxPool(nhwc, 3, 2, "valid")),
  );
  await assertCloseTf(
    new AvgPool2d([2, 3]).forward(x),
    toNchw(tf.avgPool(nhwc, [2, 3], [2, 3], "valid")),
  );
  await assertCloseTf(new Flatten().forward(x), tf.reshape(await toTf(x), [2, 108]));
  await assertCloseTf(new Flatten(2).forward(x), tf.reshape(await toTf(x), [2, 3, 36]));
});

Deno.test("activation layers match tf.relu, leakyRelu, sigmoid, tanh, softplus, softmax, logSoftmax", async () => {
  const x = randomTensor([3, 5], 50, -4, 4);
  const t = await toTf(x);
  const pairs: [Module, tf.Tensor][] = [
    [new ReLU(), tf.relu(t)],
    [new LeakyReLU(), tf.leakyRelu(t, 0.01)],
    [new LeakyReLU(0.3), tf.leakyRelu(t, 0.3)],
    [new Sigmoid(), tf.sigmoid(t)],
    [new Tanh(), tf.tanh(t)],
    [new Softplus(), tf.softplus(t)],
    [new Softmax(), tf.softmax(t)],
    [new LogSoftmax(), tf.logSoftmax(t)],
  ];
  for (const [layer, want] of pairs) {
    await assertCloseTf(layer.forward(x), want, { message: `${layer}` });
  }
  // Along another axis: softmax over axis 0 is the transposed softmax of the transpose.
  await assertCloseTf(new Softmax(0).forward(x), tf.transpose(tf.softmax(tf.transpose(t))));
  assert.equal(`${new LeakyReLU()}`, "LeakyReLU(negativeSlope: 0.01)");
});

Deno.test("BatchNorm: eval matches tf.batchNorm with the running statistics, training the batch's", async () => {
  const cases: [BatchNorm1d | BatchNorm2d, number[], number[]][] = [
    [new BatchNorm1d(4), [5, 4], [0, 1]],
    [new BatchNorm1d(4), [3, 4, 6], [0, 2, 1]],
    [new BatchNorm2d(4), [2, 4, 3, 5], [0, 2, 3, 1]],
  ];
  for (const [i, [bn, shape, channelsLast]] of cases.entries()) {
    setRandom(bn.weight, 60 + i, 0.5, 2);
    setRandom(bn.bias, 70 + i);
    setRandom(bn.runningMean, 80 + i);
    setRandom(bn.runningVar, 90 + i, 0.2, 3);
    const x = randomTensor(shape, 100 + i, -3, 3);
    const xt = tf.transpose(await toTf(x), channelsLast);
    const back = channelsLast.map((_, k) => channelsLast.indexOf(k));
    const [w, b, m, v] = await Promise.all(
      [bn.weight!, bn.bias!, bn.runningMean, bn.runningVar].map(toTf),
    );
    bn.eval();
    const evalWant = tf.transpose(tf.batchNorm(xt, m, v, b, w, 1e-5), back);
    await assertCloseTf(bn.forward(x), evalWant, { message: `eval ${bn} ${shape}` });
    bn.train();
    const moments = tf.moments(xt, channelsLast.slice(0, -1).map((_, k) => k));
    const trainWant = tf.transpose(
      tf.batchNorm(xt, moments.mean, moments.variance, b, w, 1e-5),
      back,
    );
    await assertCloseTf(bn.forward(x), trainWant, { message: `train ${bn} ${shape}` });
  }
  assertThrowsWith(
    () => new BatchNorm2d(4).forward(randomTensor([2, 4, 3], 1)),
    "BatchNorm2d",
    "[N, C, H, W] with C = 4",
    "[2, 4, 3]",
  );
  assertThrowsWith(
    () => new BatchNorm1d(3).forward(randomTensor([1, 3], 1)),
    "more than one value per channel",
    "eval()",
  );
});

Deno.test("LayerNorm: matches a tfjs composition over the last one and two axes", async () => {
  const x = randomTensor([2, 3, 4], 110, -3, 3);
  for (const shape of [[4], [3, 4]]) {
    const ln = new LayerNorm(shape);
    setRandom(ln.weight, 111);
    setRandom(ln.bias, 112);
    const axes = shape.map((_, i) => 3 - shape.length + i);
    const xTf = await toTf(x);
    const { mean, variance } = tf.moments(xTf, axes, true);
    const want = tf.add(
      tf.mul(tf.div(tf.sub(xTf, mean), tf.sqrt(tf.add(variance, 1e-5))), await toTf(ln.weight!)),
      await toTf(ln.bias!),
    );
    await assertCloseTf(ln.forward(x), want, { message: `normalizedShape [${shape}]` });
  }
  assertThrowsWith(() => new LayerNorm(5).forward(x), "layerNorm", "[2, 3, 4]", "[5]");
});

Deno.test("Embedding: int32 ids of any shape give rows, as tf.gather", async () => {
  const emb = new Embedding(10, 3);
  const ids = randomIndices([2, 4], 10, 120);
  const out = emb.forward(ids);
  assert.deepEqual(out.shape, [2, 4, 3]);
  await assertCloseTf(out, tf.gather(await toTf(emb.weight), await toTf(ids)));
  assertThrowsWith(() => emb.forward(tensor([1, 2])), "Embedding", "int32", "ids.toInt()");
  assertThrowsWith(() => emb.forward(tensor([10], { dtype: "int32" })), "out of range");
});

// ---------------------------------------------------------------------------------------------
// Gradients of the functional forms, float64 finite differences

Deno.test("gradcheck: linear, layerNorm and dropout (with a fixed seed)", async () => {
  const x = randomTensor([3, 4], 130), w = randomTensor([4, 2], 131), b = randomTensor([2], 132);
  await gradcheck((x, w, b) => linear(x, w, b), [x, w, b]);
  await gradcheck((x, w, b) => layerNorm(x, [4], w.reshape([4]), b), [
    randomTensor([3, 4], 133),
    randomTensor([2, 2], 134),
    randomTensor([4], 135),
  ]);
  await gradcheck((x) => layerNorm(x, [2, 3]), [randomTensor([2, 2, 3], 136)]);
  await gradcheck((x) => {
    seed(9);
    return dropout(x, 0.4);
  }, [randomTensor([4, 5], 137)]);
});

Deno.test("gradcheck: batchNorm in training ([N, C] and [N, C, H, W]) and evaluation", async () => {
  const affine = (c: number, s: number) => [randomTensor([c], s, 0.5, 2), randomTensor([c], s + 1)];
  await gradcheck(
    (x, weight, bias) => batchNorm(x, { weight, bias }),
    [randomTensor([5, 3], 140), ...affine(3, 141)],
  );
  await gradcheck(
    (x, weight, bias) => batchNorm(x, { weight, bias }),
    [randomTensor([2, 2, 3, 2], 143), ...affine(2, 144)],
  );
  const runningMean = randomTensor([3], 146), runningVar = randomTensor([3], 147, 0.5, 2);
  await gradcheck(
    (x, weight, bias) => batchNorm(x, { weight, bias, runningMean, runningVar, training: false }),
    [randomTensor([4, 3, 2], 148), ...affine(3, 149)],
  );
});

// ---------------------------------------------------------------------------------------------
// Module mechanics

class Net extends Module {
  fc1 = this.registerModule("fc1", new Linear(6, 8));
  layers = this.registerModule(
    "layers",
    new Sequential(new BatchNorm1d(8), new ReLU(), new Dropout(0.5), new Linear(8, 3)),
  );
  forward(x: Tensor): Tensor {
    return this.layers.forward(this.fc1.forward(x));
  }
}

Deno.test("Module: dotted names in registration order, counts, buffers apart from parameters", () => {
  const net = new Net();
  assert.deepEqual(net.namedParameters().map(([n, t]) => [n, t.shape]), [
    ["fc1.weight", [6, 8]],
    ["fc1.bias", [8]],
    ["layers.0.weight", [8]],
    ["layers.0.bias", [8]],
    ["layers.3.weight", [8, 3]],
    ["layers.3.bias", [3]],
  ]);
  assert.deepEqual(net.namedBuffers().map(([n]) => n), [
    "layers.0.runningMean",
    "layers.0.runningVar",
  ]);
  assert.deepEqual(Object.keys(net.stateDict()), [
    "fc1.weight",
    "fc1.bias",
    "layers.0.weight",
    "layers.0.bias",
    "layers.0.runningMean",
    "layers.0.runningVar",
    "layers.3.weight",
    "layers.3.bias",
  ]);
  assert.equal(net.numParameters(), 6 * 8 + 8 + 8 + 8 + 8 * 3 + 3);
  assert.ok(net.parameters().every((p) => p.requiresGrad));
  assert.ok(net.namedBuffers().every(([, b]) => !b.requiresGrad));
  assert.deepEqual(net.namedChildren().map(([n]) => n), ["fc1", "layers"]);
  assert.equal(
    net.toString(),
    [
      "Net(",
      "  (fc1): Linear(6 → 8)",
      "  (layers): Sequential(",
      "    (0): BatchNorm1d(8)",
      "    (1): ReLU()",
      "    (2): Dropout(p: 0.5)",
      "    (3): Linear(8 → 3)",
      "  )",
      ")",
    ].join("\n"),
  );
  assert.equal(new Sequential(new Linear(2, 2), new Linear(2, 1)).layers.length, 2);
});

Deno.test("Module: train()/eval() reach every descendant; new children take the parent's mode", () => {
  const net = new Net();
  const all = () => [net, net.fc1, net.layers, ...net.layers.layers].map((m) => m.training);
  assert.ok(all().every((t) => t));
  assert.equal(net.eval(), net);
  assert.ok(all().every((t) => !t));
  const child = net.layers.append(new Dropout(0.1)).layers.at(-1)!;
  assert.equal(child.training, false);
  net.train();
  assert.ok(all().every((t) => t) && child.training);
});

Deno.test("Module: registration errors, tied weights counted once, models survive tidy, dispose", () => {
  class Bad extends Module {
    constructor(name: string, twice = false) {
      super();
      this.registerParameter(name, ones([2]));
      if (twice) this.registerBuffer(name, ones([2]));
    }
    forward(x: Tensor): Tensor {
      return x;
    }
  }
  assertThrowsWith(() => new Bad("a.b"), "registerParameter", "'a.b'", "no dots");
  assertThrowsWith(() => new Bad("w", true), "registerBuffer", "already has an entry called 'w'");

  class Tied extends Module {
    a = this.registerModule("a", new Linear(3, 3));
    b = this.registerModule("b", new Linear(3, 3, { bias: false }));
    constructor() {
      super();
      this.registerParameter("shared", this.a.weight);
    }
    forward(x: Tensor): Tensor {
      return this.b.forward(this.a.forward(x));
    }
  }
  const tied = new Tied();
  assert.deepEqual(tied.namedParameters().map(([n]) => n), ["shared", "a.bias", "b.weight"]);

  const start = liveTensors().tensors;
  const model = tidy(() => new Sequential(new Linear(4, 3), new BatchNorm1d(3)));
  assert.equal(liveTensors().tensors, start + 6, "the model's tensors outlive the scope");
  assert.deepEqual(tidy(() => model.forward(ones([2, 4])).shape), [2, 3]);
  tidy(() => model.forward(randn([2, 4])).sum().backward());
  assert.ok(model.parameters().every((p) => p.grad));
  model.zeroGrad();
  assert.ok(model.parameters().every((p) => p.grad === null));
  model.dispose();
  assert.ok(model.stateEntries().every((e) => e.tensor.isDisposed));
  assert.equal(liveTensors().tensors, start);
});

Deno.test("Dropout: keeps about 1 − p of the elements scaled by 1/(1 − p); identity in eval", () => {
  const layer = new Dropout(0.3);
  const x = ones([200, 100]);
  seed(4);
  const y = layer.forward(x).dataSync();
  const kept = y.filter((v) => v !== 0);
  assert.ok(Math.abs(kept.length / y.length - 0.7) < 0.015, `kept ${kept.length / y.length}`);
  assertClose(kept, new Float32Array(kept.length).fill(1 / 0.7));
  seed(4);
  assert.deepEqual(layer.forward(x).dataSync(), y, "seed(n) repeats the mask");
  layer.eval();
  assert.equal(layer.forward(x), x);
  assert.equal(dropout(x, 0), x);
  assert.ok(dropout(x, 1).dataSync().every((v) => v === 0));
  assertThrowsWith(() => new Dropout(1.5), "Dropout", "[0, 1]", "1.5");
});

Deno.test("BatchNorm: running statistics after three steps equal a hand computation", () => {
  const bn = new BatchNorm1d(2, { momentum: 0.2 });
  const batches = [
    [[1, 10], [3, 14], [5, 12]],
    [[0, -2], [4, 2]],
    [[2, 0], [2, 6], [8, 3], [0, 3]],
  ];
  const mean = [0, 0], variance = [1, 1];
  for (const batch of batches) {
    tidy(() => bn.forward(tensor(batch)));
    for (let c = 0; c < 2; c++) {
      const col = batch.map((row) => row[c]);
      const mu = col.reduce((a, b) => a + b) / col.length;
      const unbiased = col.reduce((a, v) => a + (v - mu) ** 2, 0) / (col.length - 1);
      mean[c] = 0.8 * mean[c] + 0.2 * mu;
      variance[c] = 0.8 * variance[c] + 0.2 * unbiased;
    }
  }
  assertClose(bn.runningMean, mean);
  assertClose(bn.runningVar, variance);
  assert.ok(!bn.runningMean.requiresGrad && bn.runningMean.gradNode === null);
  // Evaluation normalises with exactly those numbers.
  bn.eval();
  const y = bn.forward(tensor([[1, 2]]));
  assertClose(y, [[0, 1].map((c) => ([1, 2][c] - mean[c]) / Math.sqrt(variance[c] + 1e-5))]);
});

// ---------------------------------------------------------------------------------------------
// Initialisers

Deno.test("init: seed(n) makes models repeatable; default inits have their documented ranges", () => {
  seed(11);
  const a = new Sequential(new Linear(50, 40), new Conv2d(3, 8, 3), new Embedding(100, 20));
  seed(11);
  const b = new Sequential(new Linear(50, 40), new Conv2d(3, 8, 3), new Embedding(100, 20));
  a.parameters().forEach((p, i) => assert.deepEqual(p.dataSync(), b.parameters()[i].dataSync()));

  const [linear, conv, emb] = a.layers as [Linear, Conv2d, Embedding];
  const maxAbs = (t: Tensor) => Math.max(...t.dataSync().map(Math.abs));
  assert.ok(maxAbs(linear.weight) <= Math.sqrt(6 / 50));
  assert.ok(maxAbs(linear.weight) > 0.9 * Math.sqrt(6 / 50));
  assert.ok(maxAbs(linear.bias!) === 0);
  assert.ok(maxAbs(conv.weight) <= Math.sqrt(6 / 27));
  assertClose(emb.weight.std().item(), 1, { atol: 0.05 });
});

Deno.test("init: variance-scaling initialisers have the right spread; fans follow the layouts", () => {
  seed(12);
  const std = (t: Tensor) => t.std().item();
  const shape = [200, 100];
  assertClose(std(init.xavierUniform(shape)), Math.sqrt(2 / 300), { rtol: 0.03 });
  assertClose(std(init.xavierNormal(shape, { gain: 2 })), 2 * Math.sqrt(2 / 300), { rtol: 0.03 });
  assertClose(std(init.kaimingUniform(shape)), Math.sqrt(2 / 200), { rtol: 0.03 });
  assertClose(std(init.kaimingNormal(shape, { mode: "fanOut" })), Math.sqrt(2 / 100), {
    rtol: 0.03,
  });
  assertClose(std(init.normal(shape, { mean: 3, std: 0.5 })), 0.5, { rtol: 0.03 });
  const u = init.uniform([1000], { low: 2, high: 3 }).dataSync();
  assert.ok(u.every((v) => v >= 2 && v < 3));
  assert.deepEqual(init.zeros([3]).dataSync(), new Float32Array(3));
  assert.deepEqual(init.fans([5, 7]), { fanIn: 5, fanOut: 7 });
  assert.deepEqual(init.fans([8, 3, 2, 2]), { fanIn: 12, fanOut: 32 });
  assertThrowsWith(() => init.xavierUniform([5]), "fan-in", "[5]", "{ fanIn, fanOut }");
  assert.equal(init.kaimingUniform([5], { fanIn: 5 }).size, 5);
  const custom = new Linear(4, 2, { weightInit: (s) => init.normal(s, { std: 0.01 }) });
  assert.ok(Math.max(...custom.weight.dataSync().map(Math.abs)) < 0.1);
  assertThrowsWith(
    () => new Linear(4, 2, { weightInit: () => ones([2, 4]) }),
    "Linear",
    "weight",
    "shape [2, 4]",
    "[4, 2]",
  );
});

// ---------------------------------------------------------------------------------------------
// Memory

class Tagger extends Module {
  fc = this.registerModule("fc", new Linear(5, 12));
  bn = this.registerModule("bn", new BatchNorm1d(12));
  drop = this.registerModule("drop", new Dropout(0.2));
  lstm = this.registerModule("lstm", new LSTM(4, 6));
  head = this.registerModule("head", new Linear(6, 2));
  forward(x: Tensor): Tensor {
    const h = this.drop.forward(this.bn.forward(this.fc.forward(x)).relu());
    const seq = this.lstm.forward(h.reshape([x.shape[0], 3, 4]));
    return this.head.forward(seq.slice([0, 2, 0], [x.shape[0], 1, 6]).reshape([-1, 6]));
  }
}

Deno.test("memory: training steps with BatchNorm, Dropout and an LSTM leave only the gradients", () => {
  seed(13);
  const model = new Tagger();
  const x = randn([4, 5]);
  const count = () => ({
    tensors: liveTensors().tensors,
    storages: getBackend().memory().storages,
  });
  const start = count();
  const step = () => tidy(() => model.forward(x).square().mean().backward());
  step();
  const params = model.parameters().length;
  assert.deepEqual(count(), {
    tensors: start.tensors + params,
    storages: start.storages + params,
  });
  const runningMean = model.bn.runningMean.dataSync().slice();
  for (let i = 0; i < 4; i++) {
    step();
    model.zeroGrad();
  }
  assert.deepEqual(count(), start);
  assert.notDeepEqual(model.bn.runningMean.dataSync(), runningMean, "the statistics moved");
  model.dispose();
  x.dispose();
});
