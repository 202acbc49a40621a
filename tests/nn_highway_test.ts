/**
 * lib/nn/highway.ts: the highway layer mixes its transform and its input by the gate, starts
 * mostly carrying its input (negative gate bias), has a finite-difference-checked gradient, and
 * reports bad sizes and inputs.
 */

import assert from "node:assert/strict";
import {
  assertClose,
  assertThrowsWith,
  gradcheck,
  Highway,
  randn,
  seed,
  type Tensor,
  tensor,
} from "../lib/mod.ts";

/** T·H + (1 − T)·x computed the long way from the layer's own parameters. */
function byHand(layer: Highway, x: Tensor): Tensor {
  const t = x.matmul(layer.gateWeight).add(layer.gateBias).sigmoid();
  const h = x.matmul(layer.weight).add(layer.bias).relu();
  return t.mul(h).add(t.neg().add(1).mul(x));
}

Deno.test("Highway: forward is T·H + (1 − T)·x", () => {
  seed(2);
  const layer = new Highway(6);
  const x = randn([5, 6]);
  assertClose(layer.forward(x), byHand(layer, x), { atol: 1e-5 });
  assert.deepEqual(layer.namedParameters().map(([n]) => n), [
    "weight",
    "bias",
    "gateWeight",
    "gateBias",
  ]);
  assert.equal(layer.numParameters(), 2 * (36 + 6));
});

Deno.test("Highway: the gate starts mostly shut, so the layer starts close to the identity", () => {
  seed(3);
  const layer = new Highway(32, { gateBias: -3 });
  const x = randn([64, 32]);
  const gate = layer.gate(x).mean().item();
  assert.ok(gate > 0.02 && gate < 0.15, `mean gate ${gate}`);
  // Each layer changes its input by T·(H − x): small while T is small.
  const change = layer.forward(x).sub(x).square().mean().sqrt().item();
  assert.ok(change < 0.3, `rms change ${change}`);
  assertClose(layer.gateBias, new Array(32).fill(-3));
});

Deno.test("Highway: gradients agree with finite differences (relu and tanh)", async () => {
  for (const activation of ["relu", "tanh"] as const) {
    seed(4);
    const layer = new Highway(3, { activation, gateBias: -1 });
    await gradcheck((x) => layer.forward(x).square().sum(), [randn([2, 3])], {
      precision: "float32",
    });
    // And with respect to the gate's bias, through the layer's own parameter.
    const x = randn([2, 3]);
    layer.forward(x).square().sum().backward();
    const analytic = layer.gateBias.grad!.dataSync()[0];
    const bumped = (d: number) => {
      const b = layer.gateBias.dataSync().slice();
      b[0] += d;
      const copy = new Highway(3, { activation, gateBias: -1 });
      copy.loadStateDict({ ...layer.stateDict(), gateBias: tensor(Array.from(b)) });
      return copy.forward(x).square().sum().item();
    };
    const numeric = (bumped(1e-2) - bumped(-1e-2)) / 2e-2;
    assertClose(analytic, numeric, { rtol: 2e-2, atol: 1e-3 });
  }
});

Deno.test("Highway: bad options and inputs are reported", () => {
  assertThrowsWith(() => new Highway(0), "Highway", "features");
  assertThrowsWith(() => new Highway(4, { gateBias: NaN }), "gateBias");
  assertThrowsWith(
    () => new Highway(4, { activation: "sigmoid" as "relu" }),
    'activation must be "relu" or "tanh"',
  );
  assertThrowsWith(() => new Highway(4).forward(randn([2, 5])), "expected input [N, 4]", "[2, 5]");
});
