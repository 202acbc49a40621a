/**
 * The labelled-subset picker and the linear probe: the picker draws the same number from every
 * class, repeatably per seed; the probe separates linearly separable features at any scale, keeps
 * its features frozen, and both refuse bad input.
 */

import assert from "node:assert/strict";
import { fromArray, labelledSubset, Rng, trainLinearProbe } from "../lib/mod.ts";

Deno.test("labelledSubset picks perClass examples of every class, sorted and repeatable", () => {
  const rng = new Rng(0);
  const labels = Array.from({ length: 500 }, () => rng.int(4));
  const picked = labelledSubset(labels, 5, { seed: 1 });
  assert.equal(picked.length, 20);
  assert.equal(new Set(picked).size, 20, "no example twice");
  assert.deepEqual(picked, [...picked].sort((a, b) => a - b));
  for (let c = 0; c < 4; c++) assert.equal(picked.filter((i) => labels[i] === c).length, 5);
  assert.deepEqual(labelledSubset(labels, 5, { seed: 1 }), picked);
  assert.notDeepEqual(labelledSubset(labels, 5, { seed: 2 }), picked);
});

Deno.test("labelledSubset refuses too few examples and bad labels", () => {
  assert.throws(() => labelledSubset([0, 0, 1], 2), /class 1 has 1 examples, fewer than 2/);
  assert.throws(() => labelledSubset([0, 2, 2], 1), /class 1 has 0 examples/);
  assert.throws(() => labelledSubset([0, 1.5], 1), /label 1.5 of example 1 is not a class index/);
  assert.throws(() => labelledSubset([0, 1], 0), /perClass must be a positive whole number/);
});

Deno.test("trainLinearProbe separates linearly separable classes, whatever the feature scale", () => {
  const rng = new Rng(3);
  const n = 60, centres = [[3, 0], [-3, 0], [0, 3]];
  const labels = Array.from({ length: n }, (_, i) => i % 3);
  const rows = labels.map((y) => centres[y].map((v) => v + 0.5 * rng.normal()));
  for (const scale of [1e-3, 1, 1e3]) {
    const features = fromArray(rows.flat().map((v) => scale * v), [n, 2]);
    const probe = trainLinearProbe(features, labels);
    assert.equal(probe.accuracy(features, labels), 1, `scale ${scale}`);
    assert.deepEqual(probe.logits(features).shape, [n, 3]);
  }
});

Deno.test("trainLinearProbe does not train the features it is given", () => {
  const features = fromArray([1, 0, 0, 1, 1, 1, 0, 0], [4, 2], { requiresGrad: true });
  trainLinearProbe(features, [0, 1, 1, 0], { steps: 5 });
  assert.equal(features.grad, null);
});

Deno.test("trainLinearProbe refuses features and labels that do not match", () => {
  assert.throws(
    () => trainLinearProbe(fromArray([1, 2, 3, 4], [2, 2]), [0, 1, 0]),
    /features \[N, D\] with one label per row, got features \[2, 2\] and 3 labels/,
  );
  assert.throws(() => trainLinearProbe(fromArray([1, 2], [2, 1]), [0, 1], { steps: 0 }), /steps/);
});
