/**
 * lib/diagnostics/deep_networks.ts: the plain, residual and highway builders have the depth they
 * are asked for (counted in weight layers), the initialisations they name, residual blocks that
 * start as the identity, and clear errors for impossible shapes.
 */

import assert from "node:assert/strict";
import {
  assertThrowsWith,
  BatchNorm1d,
  deepInitializer,
  Highway,
  highwayMlp,
  Linear,
  type Module,
  plainMlp,
  randn,
  Residual,
  residualMlp,
  seed,
  Sequential,
  Sigmoid,
} from "../lib/mod.ts";

/** Every Linear and Highway below `m` (a highway layer counts as one weight layer). */
function weightLayers(m: Module): Module[] {
  if (m instanceof Linear || m instanceof Highway) return [m];
  return m.namedChildren().flatMap(([, child]) => weightLayers(child));
}

Deno.test("plainMlp: depth counts the weight layers, with the output layer", () => {
  seed(0);
  const net = plainMlp({ inputs: 12, width: 8, depth: 5, outputs: 3 });
  assert.equal(weightLayers(net).length, 5);
  assert.equal(net.length, 5); // four hidden blocks and the output layer
  assert.deepEqual(net.forward(randn([7, 12])).shape, [7, 3]);
  const stages = plainMlp({ inputs: 12, width: 8, depth: 4, activation: "sigmoid" });
  assert.equal(stages.length, 4);
  assert.ok((stages.layers[0] as Sequential).layers[1] instanceof Sigmoid);
  assert.deepEqual(stages.forward(randn([2, 12])).shape, [2, 8]);
  const bn = plainMlp({ inputs: 4, width: 4, depth: 2, batchNorm: true });
  assert.ok((bn.layers[1] as Sequential).layers[1] instanceof BatchNorm1d);
});

Deno.test("deepInitializer: He, Xavier and naive weights have the spread they promise", () => {
  seed(1);
  const fans = { fanIn: 400, fanOut: 100 };
  const std = (name: Parameters<typeof deepInitializer>[0]) =>
    deepInitializer(name)([400, 100], fans).std().item();
  assert.ok(Math.abs(std("he") / Math.sqrt(2 / 400) - 1) < 0.03);
  assert.ok(Math.abs(std("xavier") / Math.sqrt(2 / 500) - 1) < 0.03);
  assert.ok(Math.abs(std({ std: 0.05 }) / 0.05 - 1) < 0.03);
  assertThrowsWith(() => deepInitializer({ std: 0 }), "init must be");
  assertThrowsWith(() => deepInitializer("glorot" as "he"), "init must be");
});

Deno.test("residualMlp: same depth as the plain network, blocks that start as the identity", () => {
  seed(2);
  for (const batchNorm of [false, true]) {
    const net = residualMlp({ inputs: 12, width: 8, depth: 8, outputs: 3, batchNorm });
    assert.equal(weightLayers(net).length, 8);
    // First block, three residual blocks of two layers, output layer.
    assert.equal(net.length, 5);
    const block = net.layers[1] as Sequential;
    assert.ok(block.layers[0] instanceof Residual);
    // A residual block starts as relu(x + 0): on non-negative inputs, the identity.
    const x = randn([6, 8]).relu();
    assert.deepEqual(block.forward(x).toArray(), x.toArray());
  }
  const noHead = residualMlp({ inputs: 5, width: 5, depth: 5 });
  assert.equal(weightLayers(noHead).length, 5);
  assertThrowsWith(
    () => residualMlp({ inputs: 4, width: 4, depth: 7, outputs: 2 }),
    "depth 7",
    "2, 4, 6",
  );
  assertThrowsWith(() => residualMlp({ inputs: 4, width: 4, depth: 4 }), "1, 3, 5");
});

Deno.test("highwayMlp: highway layers between a first and an output layer", () => {
  seed(3);
  const net = highwayMlp({ inputs: 10, width: 6, depth: 6, outputs: 2, gateBias: -1 });
  assert.equal(weightLayers(net).length, 6);
  assert.equal(net.layers.filter((l) => l instanceof Highway).length, 4);
  assert.deepEqual((net.layers[1] as Highway).gateBias.toArray(), new Array(6).fill(-1));
  assert.deepEqual(net.forward(randn([3, 10])).shape, [3, 2]);
  assertThrowsWith(
    () => highwayMlp({ inputs: 4, width: 4, depth: 3, activation: "sigmoid" }),
    '"relu" or "tanh"',
  );
  assertThrowsWith(
    () => highwayMlp({ inputs: 4, width: 4, depth: 3, batchNorm: true }),
    "batchNorm",
  );
});

Deno.test("deep builders: bad sizes and names are reported", () => {
  assertThrowsWith(() => plainMlp({ inputs: 4, width: 0, depth: 3 }), "plainMlp", "width");
  assertThrowsWith(() => plainMlp({ inputs: 4, width: 4, depth: 2.5 }), "depth");
  assertThrowsWith(() => plainMlp({ inputs: 4, width: 4, depth: 1, outputs: 2 }), "hidden layer");
  assertThrowsWith(() => plainMlp({ inputs: 4, width: 4, depth: 3, outputs: 0 }), "outputs");
  assertThrowsWith(
    () => plainMlp({ inputs: 4, width: 4, depth: 3, activation: "gelu" as "relu" }),
    "activation must be",
  );
});
