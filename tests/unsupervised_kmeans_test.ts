/**
 * k-means and cluster purity: well-separated blobs are found exactly, k-means++ seeding is
 * deterministic per seed, tensors and rows give the same result, purity and the count table are
 * right on hand-made cases, and bad input gets a clear error.
 */

import assert from "node:assert/strict";
import {
  assertClose,
  clusterLabelCounts,
  clusterPurity,
  fromArray,
  kMeans,
  Rng,
} from "../lib/mod.ts";

/** `perBlob` points around each centre, with normal noise of spread `sd`, and their blob ids. */
function blobs(centres: number[][], perBlob: number, sd: number, seed = 0) {
  const rng = new Rng(seed);
  const points: number[][] = [], labels: number[] = [];
  centres.forEach((c, k) => {
    for (let i = 0; i < perBlob; i++) {
      points.push(c.map((v) => v + sd * rng.normal()));
      labels.push(k);
    }
  });
  return { points, labels };
}

const CENTRES = [[0, 0, 0], [10, 0, 0], [0, 10, 0], [0, 0, 10], [10, 10, 10]];

Deno.test("kMeans finds well-separated blobs exactly", () => {
  const { points, labels } = blobs(CENTRES, 40, 0.5);
  const result = kMeans(points, 5, { seed: 3 });
  assert.ok(result.converged);
  assert.equal(clusterPurity(result.assignments, labels), 1);
  // Each found centre is near one true centre.
  for (const c of result.centroids) {
    const nearest = Math.min(...CENTRES.map((t) => Math.hypot(...t.map((v, j) => v - c[j]))));
    assert.ok(nearest < 0.3, `a centre ${c} far from every blob`);
  }
  // Inertia is the sum of squared distances to the assigned centres.
  const inertia = points.reduce((s, p, i) => {
    const c = result.centroids[result.assignments[i]];
    return s + p.reduce((t, v, j) => t + (v - c[j]) ** 2, 0);
  }, 0);
  assertClose(result.inertia, inertia, { rtol: 1e-9 });
});

Deno.test("kMeans is deterministic per seed and reads tensors like rows", () => {
  const { points } = blobs(CENTRES, 20, 3, 1);
  const a = kMeans(points, 4, { seed: 5 });
  const b = kMeans(fromArray(points.flat(), [points.length, 3]), 4, { seed: 5 });
  assert.deepEqual(a.assignments, b.assignments);
  assertClose(a.inertia, b.inertia, { rtol: 1e-5 });
});

Deno.test("kMeans with k = 1 puts the centre at the mean; k = N gives zero inertia", () => {
  const points = [[1, 2], [3, 4], [5, 9]];
  assertClose(kMeans(points, 1).centroids[0], [3, 5]);
  assertClose(kMeans(points, 3).inertia, 0);
});

Deno.test("kMeans stops at maxIterations and says it did not converge", () => {
  const { points } = blobs(CENTRES, 30, 4, 2);
  const result = kMeans(points, 5, { maxIterations: 1 });
  assert.equal(result.iterations, 1);
  assert.equal(result.converged, false);
});

Deno.test("clusterPurity and clusterLabelCounts on a hand-made case", () => {
  const assignments = [0, 0, 0, 1, 1, 2];
  const labels = [3, 3, 1, 1, 1, 0];
  assert.deepEqual(clusterLabelCounts(assignments, labels, 3, 4), [
    [0, 1, 0, 2],
    [0, 2, 0, 0],
    [1, 0, 0, 0],
  ]);
  assertClose(clusterPurity(assignments, labels), 5 / 6);
  assert.equal(clusterPurity([0, 0, 0, 0], [0, 1, 2, 3]), 0.25, "one cluster: the largest class");
  assert.equal(clusterPurity([0, 1, 2, 3], [0, 1, 2, 3]), 1);
});

Deno.test("kMeans and purity refuse bad input with a clear message", () => {
  assert.throws(() => kMeans([[1], [2]], 3), /cannot make 3 clusters of 2 points/);
  assert.throws(() => kMeans([[1], [2]], 0), /k must be a positive whole number/);
  assert.throws(() => kMeans([[1, 2], [3]], 1), /row 1 has 1 values, row 0 has 2/);
  assert.throws(
    () => kMeans(fromArray([1, 2, 3], [3]), 1),
    /expected points \[N, D\], got shape \[3\]/,
  );
  assert.throws(() => kMeans([[1], [2]], 1, { maxIterations: 0 }), /maxIterations/);
  assert.throws(() => clusterPurity([0, 1], [0]), /2 assignments but 1 labels/);
  assert.throws(() => clusterPurity([], []), /at least one point/);
  assert.throws(() => clusterLabelCounts([0, 5], [0, 1], 2, 2), /assignment 5 of point 1/);
  assert.throws(() => clusterLabelCounts([0, 1], [0, -1], 2, 2), /label -1 of point 1/);
});
