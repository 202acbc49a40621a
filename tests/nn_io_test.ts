/**
 * lib/nn state: stateDict/loadStateDict round trips, saveModule/loadModule round trips through a
 * safetensors file in a temporary folder, the file's layout, and every refusal (missing,
 * unexpected, wrong shape or dtype, truncated, corrupt, newer format, not a model, no file), each
 * leaving the model exactly as it was.
 */

import assert from "node:assert/strict";
import {
  assertClose,
  assertRejectsWith,
  assertThrowsWith,
  fromArray,
  randn,
  seed,
  type Tensor,
  tensor,
  tidy,
} from "../lib/mod.ts";
import {
  BatchNorm1d,
  Embedding,
  Linear,
  loadModule,
  LSTM,
  Module,
  ReLU,
  saveModule,
  Sequential,
} from "../lib/nn/mod.ts";
import { encodeSafetensors, packWeights } from "../lib/nn/safetensors.ts";

/** A model with parameters of every kind of layer, buffers included. */
class Model extends Module {
  emb = this.registerModule("emb", new Embedding(7, 4));
  lstm = this.registerModule("lstm", new LSTM(4, 5));
  head = this.registerModule(
    "head",
    new Sequential(new Linear(5, 6), new BatchNorm1d(6), new ReLU(), new Linear(6, 3)),
  );
  forward(ids: Tensor): Tensor {
    const seq = this.lstm.forward(this.emb.forward(ids));
    return this.head.forward(seq.slice([0, seq.shape[1] - 1, 0]).reshape([ids.shape[0], 5]));
  }
}

const IDS = tensor([[1, 2, 3], [4, 5, 6], [0, 6, 2]], { dtype: "int32" });

/** A model trained for two steps (so BatchNorm's buffers are not their defaults) under `s`. */
function trainedModel(s: number): Model {
  seed(s);
  const model = new Model();
  for (let i = 0; i < 2; i++) tidy(() => model.forward(IDS).square().mean().backward());
  model.zeroGrad();
  return model;
}

/** Every entry's values, to prove a failed load changed nothing. */
function snapshot(m: Module): Record<string, number[]> {
  return Object.fromEntries(m.stateEntries().map((e) => [e.name, [...e.tensor.dataSync()]]));
}

/** The evaluation-mode output, as plain numbers. */
function output(m: Module): number[] {
  m.eval();
  return tidy(() => [...m.forward(IDS).dataSync()]);
}

/** A one-parameter module of a chosen shape and dtype. */
class Scale extends Module {
  scale: Tensor;
  constructor(shape: number[], dtype: "float32" | "float64" = "float32") {
    super();
    this.scale = this.registerParameter("scale", randn(shape).cast(dtype));
  }
  forward(x: Tensor): Tensor {
    return x.mul(this.scale);
  }
}

// ---------------------------------------------------------------------------------------------
// stateDict

Deno.test("stateDict: loading one model's state into another gives identical outputs", () => {
  const a = trainedModel(1), b = trainedModel(2);
  assert.notDeepEqual(output(a), output(b));
  const params = b.parameters();
  b.loadStateDict(a.stateDict());
  assert.deepEqual(output(b), output(a));
  assert.deepEqual(snapshot(b), snapshot(a));
  // The same tensor objects, so an optimizer built on b.parameters() keeps working.
  b.parameters().forEach((p, i) => assert.equal(p, params[i]));
  a.dispose();
  assert.equal(output(b).length, 9, "b owns its values after a is disposed");
  b.dispose();
});

Deno.test("loadStateDict: missing, unexpected, shape, dtype and disposed entries leave the model unchanged", () => {
  const model = trainedModel(3);
  const before = snapshot(model);
  const good = () => ({ ...model.stateDict() });
  const cases: [Record<string, Tensor>, ...string[]][] = [
    [
      (() => {
        const s = good();
        delete s["head.1.runningVar"];
        return s;
      })(),
      "loadStateDict: buffer 'head.1.runningVar' is in the model but missing from the state dict",
    ],
    [
      { ...good(), "head.4.weight": randn([2]) },
      "loadStateDict: the state dict has an entry 'head.4.weight' that the model does not have",
    ],
    [
      { ...good(), "head.3.weight": randn([6, 4]) },
      "loadStateDict: parameter 'head.3.weight' has shape [6, 4] in the state dict but [6, 3] " +
      "in the model",
    ],
    [
      { ...good(), "emb.weight": randn([7, 4]).cast("float64") },
      "loadStateDict: parameter 'emb.weight' is float64 in the state dict but float32 in the model",
    ],
  ];
  for (const [state, ...parts] of cases) {
    assertThrowsWith(() => model.loadStateDict(state), ...parts);
    assert.deepEqual(snapshot(model), before);
  }
  const gone = randn([7, 4]);
  gone.dispose();
  assertThrowsWith(
    () => model.loadStateDict({ ...good(), "emb.weight": gone }),
    "loadStateDict: the state dict's tensor 'emb.weight' was disposed",
  );
  assert.deepEqual(snapshot(model), before);
  model.dispose();
});

// ---------------------------------------------------------------------------------------------
// saveModule / loadModule

Deno.test("saveModule/loadModule: a round trip through a file gives identical outputs", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/model.safetensors`;
    const a = trainedModel(4), b = trainedModel(5);
    await saveModule(a, path);
    assert.deepEqual((await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name), [
      "model.safetensors",
    ]);
    await loadModule(b, path);
    assert.deepEqual(output(b), output(a));
    assert.deepEqual(snapshot(b), snapshot(a));
    // Saving again replaces the file in one step.
    const c = trainedModel(6);
    await saveModule(c, path);
    await loadModule(b, path);
    assert.deepEqual(output(b), output(c));
    assert.equal((await Array.fromAsync(Deno.readDir(dir))).length, 1, "no temporary files left");
    for (const m of [a, b, c]) m.dispose();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("saveModule: the file is safetensors with the format, version, checksum and layout", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/linear.safetensors`;
    const model = new Linear(2, 3);
    model.weight.assign(tensor([[1, 2, 3], [4, 5, 6]]));
    await saveModule(model, path);
    const bytes = await Deno.readFile(path);
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    assert.equal((8 + n) % 8, 0, "the weights start 8-byte aligned");
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    assert.deepEqual(header["weight"], { dtype: "F32", shape: [2, 3], data_offsets: [0, 24] });
    assert.deepEqual(header["bias"], { dtype: "F32", shape: [3], data_offsets: [24, 36] });
    assert.equal(header.__metadata__.format, "fdl-module");
    assert.equal(header.__metadata__.format_version, "1");
    assert.match(header.__metadata__.sha256, /^[0-9a-f]{64}$/);
    assert.deepEqual([...new Float32Array(bytes.slice(8 + n, 8 + n + 24).buffer)], [
      1,
      2,
      3,
      4,
      5,
      6,
    ]);
    assert.equal(bytes.length, 8 + n + 36);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadModule: a safetensors file from another tool (no metadata) loads", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/foreign.safetensors`;
    const records = [
      { name: "bias", dtype: "float32" as const, shape: [2], data: Float32Array.of(7, 8) },
      {
        name: "weight",
        dtype: "float32" as const,
        shape: [1, 2],
        data: Float32Array.of(0.5, -1),
      },
    ];
    await Deno.writeFile(path, encodeSafetensors(records, packWeights(records), {}));
    const model = new Linear(1, 2);
    await loadModule(model, path);
    assertClose(model.forward(tensor([[2]])), [[8, 6]]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadModule: mismatched models are refused, naming the first entry; the model is unchanged", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/mlp.safetensors`;
    const mlp = (hidden: number, bias = true) =>
      new Sequential(new Linear(4, hidden, { bias }), new ReLU(), new Linear(hidden, 2));
    const saved = mlp(8);
    await saveModule(saved, path);
    const cases: [Module, ...string[]][] = [
      [
        mlp(16),
        `loadModule: parameter '0.weight' has shape [4, 8] in ${path} but [4, 16] in the model`,
        "build the model with the sizes it was saved with",
      ],
      [
        mlp(8, false),
        `loadModule: ${path} has an entry '0.bias' that the model does not have`,
      ],
      [
        new Sequential(mlp(8), new Linear(2, 2)),
        `loadModule: parameter '0.0.weight' is in the model but missing from ${path}`,
      ],
    ];
    for (const [model, ...parts] of cases) {
      const before = snapshot(model);
      await assertRejectsWith(() => loadModule(model, path), ...parts);
      assert.deepEqual(snapshot(model), before);
    }
    // Missing from the file: the saved model lacks a bias the new one has.
    await saveModule(mlp(8, false), path);
    await assertRejectsWith(
      () => loadModule(mlp(8), path),
      `loadModule: parameter '0.bias' is in the model but missing from ${path}`,
    );
    // Dtypes must match too.
    await saveModule(new Scale([3], "float64"), path);
    const scale = new Scale([3]);
    const before = snapshot(scale);
    await assertRejectsWith(
      () => loadModule(scale, path),
      `loadModule: parameter 'scale' is float64 in ${path} but float32 in the model`,
    );
    assert.deepEqual(snapshot(scale), before);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadModule: truncated, corrupt, newer and foreign files say so; the model is unchanged", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/model.safetensors`;
    const model = new Sequential(new Linear(3, 4), new BatchNorm1d(4));
    await saveModule(model, path);
    const good = await Deno.readFile(path);
    const headerEnd = 8 + Number(new DataView(good.buffer).getBigUint64(0, true));
    const variant = async (bytes: Uint8Array) => {
      const p = `${dir}/variant.safetensors`;
      await Deno.writeFile(p, bytes);
      return p;
    };
    const flipped = good.slice();
    flipped[good.length - 3] ^= 0x40;
    const badJson = good.slice();
    badJson[8] = "x".charCodeAt(0);
    const records = [{
      name: "w",
      dtype: "float32" as const,
      shape: [1],
      data: Float32Array.of(1),
    }];
    const newer = encodeSafetensors(records, packWeights(records), {
      format: "fdl-module",
      format_version: "2",
    });
    const cases: [Uint8Array, ...string[]][] = [
      [
        good.subarray(0, good.length - 10),
        "is truncated",
        `describes ${good.length - headerEnd} bytes of weights but only ` +
        `${good.length - headerEnd - 10} are present`,
        "save the model again",
      ],
      [good.subarray(0, 40), "is truncated", "its header needs"],
      [good.subarray(0, 5), "is truncated", "it has 5 bytes"],
      [flipped, "is corrupt", "sha256 checksum"],
      [badJson, "is corrupt", "its header is not valid JSON"],
      [new Uint8Array([...good, 0, 0]), "is corrupt", "2 unexpected bytes follow the last tensor"],
      [newer, "format version 2", "reads versions 1 to 1", "update the library"],
      [new TextEncoder().encode("just some text, not weights"), "is not a model file"],
    ];
    const before = snapshot(model);
    for (const [bytes, ...parts] of cases) {
      const p = await variant(bytes);
      await assertRejectsWith(() => loadModule(model, p), `loadModule: ${p}`, ...parts);
      assert.deepEqual(snapshot(model), before);
    }
    await assertRejectsWith(
      () => loadModule(model, `${dir}/nothing.safetensors`),
      `loadModule: there is no file at ${dir}/nothing.safetensors`,
      "saveModule(model, path)",
    );
    await assertRejectsWith(
      () => saveModule(model, `${dir}/no/such/folder/model.safetensors`),
      `saveModule: could not write ${dir}/no/such/folder/model.safetensors`,
    );
    // A float tensor from fromArray round-trips exactly, bit for bit.
    const exact = new Scale([4]);
    exact.scale.assign(fromArray(Float32Array.of(Math.PI, -0, 1e-38, 3.4e38), [4]));
    await saveModule(exact, path);
    const copy = new Scale([4]);
    await loadModule(copy, path);
    assert.deepEqual(copy.scale.dataSync(), exact.scale.dataSync());
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
