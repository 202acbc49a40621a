/**
 * lib/diagnostics/signal_propagation.ts: per-stage activation and gradient sizes agree with a
 * hand computation on a small network, follow the textbook behaviour of the initialisations on a
 * deep one, and leave the parameters' gradients alone.
 */

import assert from "node:assert/strict";
import {
  assertClose,
  Linear,
  plainMlp,
  randn,
  seed,
  Sequential,
  signalPropagation,
  tensor,
} from "../lib/mod.ts";

Deno.test("signalPropagation: matches a hand computation on two linear stages", async () => {
  // Stage 1 doubles, stage 2 triples: activations RMS 2·r and 6·r, and with an output gradient g
  // the gradients are g (at stage 2) and 3·g (at stage 1).
  const scale = (k: number) =>
    new Linear(2, 2, {
      bias: false,
      weightInit: () => tensor([[k, 0], [0, k]]),
    });
  const x = tensor([[1, -1], [3, 1]]);
  const g = tensor([[0.5, 0], [0, -1]]);
  const rmsX = Math.sqrt((1 + 1 + 9 + 1) / 4);
  const rmsG = Math.sqrt((0.25 + 1) / 4);
  const result = await signalPropagation([scale(2), scale(3)], x, { outputGradient: g });
  assertClose(result.activationRms, [2 * rmsX, 6 * rmsX], { rtol: 1e-6 });
  assertClose(result.gradientRms, [3 * rmsG, rmsG], { rtol: 1e-6 });
});

Deno.test("signalPropagation: He keeps a deep ReLU network's signals, small weights lose them", async () => {
  seed(0);
  const x = randn([128, 64]);
  const measure = async (init: "he" | "xavier" | { std: number }) => {
    seed(1);
    const net = plainMlp({ inputs: 64, width: 64, depth: 30, init });
    return await signalPropagation(net.layers, x);
  };
  const ratio = (v: number[]) => v[v.length - 1] / v[0];
  const he = await measure("he");
  const xavier = await measure("xavier");
  const small = await measure({ std: 0.05 });
  // He: within a factor of a few over 30 layers; Xavier halves the variance at every ReLU
  // layer (about 2^-15 in RMS over 30); small weights shrink by ~0.28 a layer.
  assert.ok(ratio(he.activationRms) > 0.2 && ratio(he.activationRms) < 5);
  assert.ok(ratio(he.gradientRms) > 0.2 && ratio(he.gradientRms) < 5);
  assert.ok(ratio(xavier.activationRms) < 1e-3);
  assert.ok(ratio(small.activationRms) < 1e-12);
  // Gradients vanish towards the input: the first stage's is far below the last's.
  assert.ok(small.gradientRms[0] / small.gradientRms[29] < 1e-12);
  assert.equal(he.activationRms.length, 30);
});

Deno.test("signalPropagation: parameters' gradients are untouched; bad input is reported", async () => {
  const net = new Sequential(new Linear(3, 3), new Linear(3, 2));
  await signalPropagation(net.layers, randn([4, 3]));
  assert.ok(net.parameters().every((p) => p.grad === null));
  await assert.rejects(() => signalPropagation([], randn([4, 3])), /at least one stage/);
  await assert.rejects(
    () => signalPropagation(net.layers, randn([4, 3]), { outputGradient: randn([4, 3]) }),
    /outputGradient has shape \[4, 3\].*\[4, 2\]/,
  );
});
