/**
 * t-SNE: well-separated clusters stay separated in the map, the result is repeatable, KL falls
 * with more iterations, cosine distances ignore lengths, and bad input is refused with the reason.
 */

import assert from "node:assert/strict";
import { Rng, tensor, tsne } from "../lib/mod.ts";

/** `perCluster` points around each of `k` centres far apart in `dims` dimensions. */
function clusters(k: number, perCluster: number, dims: number, seed: number) {
  const rng = new Rng(seed);
  const rows: number[][] = [], labels: number[] = [];
  for (let c = 0; c < k; c++) {
    const centre = Array.from({ length: dims }, () => 10 * rng.normal());
    for (let i = 0; i < perCluster; i++) {
      rows.push(centre.map((v) => v + rng.normal()));
      labels.push(c);
    }
  }
  return { rows, labels };
}

/** The fraction of points whose nearest other point in the map has the same label. */
function neighbourAgreement(points: [number, number][], labels: number[]): number {
  let agree = 0;
  points.forEach(([x, y], i) => {
    let best = -1, bestDistance = Infinity;
    points.forEach(([u, v], j) => {
      const d = (x - u) ** 2 + (y - v) ** 2;
      if (j !== i && d < bestDistance) [best, bestDistance] = [j, d];
    });
    if (labels[best] === labels[i]) agree++;
  });
  return agree / points.length;
}

Deno.test("tsne: well-separated clusters stay separated, and runs repeat exactly", async () => {
  const { rows, labels } = clusters(3, 25, 10, 1);
  const result = await tsne(rows, { perplexity: 10, iterations: 500 });
  assert.equal(result.points.length, 75);
  assert.equal(result.perplexity, 10);
  assert.equal(neighbourAgreement(result.points, labels), 1);
  // Every cluster lies apart: its points are nearer their own centroid than any other.
  const centroids = [0, 1, 2].map((c) => {
    const own = result.points.filter((_, i) => labels[i] === c);
    return [0, 1].map((a) => own.reduce((s, p) => s + p[a], 0) / own.length);
  });
  result.points.forEach((p, i) => {
    const d = centroids.map(([x, y]) => Math.hypot(p[0] - x, p[1] - y));
    assert.equal(d.indexOf(Math.min(...d)), labels[i], `point ${i} sits with another cluster`);
  });
  assert.ok(Number.isFinite(result.kl) && result.kl > 0);
  assert.deepEqual(await tsne(rows, { perplexity: 10, iterations: 500 }), result);
  const other = await tsne(rows, { perplexity: 10, iterations: 500, seed: 7 });
  assert.notDeepEqual(other.points, result.points);
});

Deno.test("tsne: more iterations lower the divergence; tensors are accepted", async () => {
  const { rows } = clusters(2, 15, 5, 3);
  const short = await tsne(tensor(rows), { perplexity: 5, iterations: 260 });
  const long = await tsne(tensor(rows), { perplexity: 5, iterations: 600 });
  assert.ok(long.kl < short.kl, `KL ${long.kl} after 600 iterations, ${short.kl} after 260`);
});

Deno.test("tsne: the cosine metric ignores each point's length", async () => {
  const { rows, labels } = clusters(2, 15, 10, 4);
  // Each row scaled by its own random factor: Euclidean neighbours mix the clusters (a point is
  // nearer same-length points of the other cluster), cosine neighbours do not.
  const rng = new Rng(9);
  const scaled = rows.map((r) => {
    const s = 0.1 + 10 * rng.uniform();
    return r.map((v) => s * v);
  });
  const cosine = await tsne(scaled, { perplexity: 5, iterations: 1000, metric: "cosine" });
  const euclidean = await tsne(scaled, { perplexity: 5, iterations: 1000 });
  assert.equal(neighbourAgreement(cosine.points, labels), 1);
  assert.ok(neighbourAgreement(euclidean.points, labels) < 1);
});

Deno.test("tsne: bad input is refused with the reason", async () => {
  const rows = clusters(1, 20, 3, 5).rows;
  await assert.rejects(() => tsne(rows.slice(0, 4)), /needs at least 5 points/);
  await assert.rejects(() => tsne(rows, { perplexity: 7 }), /perplexity must be .* below .* 6\.3/);
  await assert.rejects(() => tsne(rows, { perplexity: 0.5 }), /perplexity must be at least 1/);
  await assert.rejects(() => tsne(rows, { iterations: 0 }), /iterations must be a whole number/);
  await assert.rejects(
    () => tsne(rows, { learningRate: -1 }),
    /learningRate must be a positive number/,
  );
  await assert.rejects(
    () => tsne(rows, { metric: "manhattan" as "cosine" }),
    /metric must be "euclidean" or "cosine"/,
  );
  await assert.rejects(
    () => tsne([[1, 2], [3]]),
    /rows differ in length: row 0 has 2, row 1 has 1/,
  );
  await assert.rejects(() => tsne([...rows.slice(1), [NaN, 0, 0]]), /row 19, column 0 is NaN/);
  await assert.rejects(() => tsne(tensor([1, 2, 3, 4, 5])), /expected points \[N, D\]/);
  await assert.rejects(
    () => tsne([...rows.slice(1), [0, 0, 0]], { metric: "cosine" }),
    /row 19 is all zeros/,
  );
  // The default perplexity shrinks to fit a small set.
  assert.equal((await tsne(rows.slice(0, 7), { iterations: 10 })).perplexity, 1);
});
