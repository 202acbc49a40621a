/**
 * lib/generative's Fréchet distance and latent paths: the distance against closed forms
 * (shifted means, scaled covariances, 1-D), its zero on identical sets, and slerp/latentPath's
 * ends, norms and errors.
 */

import assert from "node:assert/strict";
import {
  assertClose,
  assertThrowsWith,
  featureStatistics,
  frechetDistance,
  latentPath,
  Rng,
  slerp,
  tensor,
} from "../lib/mod.ts";

/** n rows of d independent normals times `scale`, plus `shift`. */
function gaussianRows(
  n: number,
  d: number,
  scale: number,
  shift: number,
  seed: number,
): number[][] {
  const rng = new Rng(seed);
  return Array.from(
    { length: n },
    () => Array.from({ length: d }, () => shift + scale * rng.normal()),
  );
}

Deno.test("featureStatistics: mean and unbiased covariance", () => {
  const s = featureStatistics([[1, 2], [3, 6], [5, 4]]);
  assertClose(s.mean, [3, 4], { rtol: 1e-12 });
  assertClose(s.covariance, [[4, 2], [2, 4]], { rtol: 1e-12 });
  assert.equal(s.count, 3);
  // A tensor gives the same.
  assertClose(featureStatistics(tensor([[1, 2], [3, 6], [5, 4]])).covariance, s.covariance);
  assertThrowsWith(() => featureStatistics([[1, 2]]), "at least 2");
  assertThrowsWith(() => featureStatistics([[1, 2], [3]]), "2 numbers");
  assertThrowsWith(() => featureStatistics(tensor([1, 2, 3])), "matrix [N, D]");
});

Deno.test("frechetDistance: closed forms", () => {
  const a = gaussianRows(500, 4, 1, 0, 1);
  assertClose(frechetDistance(a, a), 0, { atol: 1e-8 });
  // Shifting every feature by 2 adds ‖Δμ‖² = 4 · 2² = 16 and nothing else.
  const shifted = a.map((r) => r.map((v) => v + 2));
  assertClose(frechetDistance(a, shifted), 16, { rtol: 1e-6 });
  // Scaling by 3 turns Σ into 9Σ: tr(Σ + 9Σ − 2·3Σ) = 4 tr Σ.
  const scaled = a.map((r) => r.map((v) => 3 * v));
  const trace = featureStatistics(a).covariance.reduce((s, row, i) => s + row[i], 0);
  const meanShift = featureStatistics(a).mean.reduce((s, m) => s + (2 * m) ** 2, 0);
  assertClose(frechetDistance(a, scaled), 4 * trace + meanShift, { rtol: 1e-6 });
  // In 1-D: (μ₁ − μ₂)² + (σ₁ − σ₂)².
  const one = featureStatistics([[0], [2]]), two = featureStatistics([[5], [9]]);
  const want = (1 - 7) ** 2 + (Math.sqrt(2) - Math.sqrt(8)) ** 2;
  assertClose(frechetDistance(one, two), want, { rtol: 1e-9 });
  // Samples of two different distributions are further apart than two samples of one.
  const b = gaussianRows(500, 4, 1, 0, 2), c = gaussianRows(500, 4, 1.5, 0.5, 3);
  assert.ok(frechetDistance(a, b) < frechetDistance(a, c));
  assertThrowsWith(() => frechetDistance(a, gaussianRows(10, 3, 1, 0, 4)), "feature sizes differ");
});

Deno.test("slerp and latentPath: ends, norms, and errors", () => {
  const a = [3, 0, 0], b = [0, 3, 0];
  assertClose(slerp(a, b, 0), a, { atol: 1e-12 });
  assertClose(slerp(a, b, 1), b, { atol: 1e-12 });
  const mid = slerp(a, b, 0.5);
  assertClose(Math.hypot(...mid), 3, { rtol: 1e-12 });
  assertClose(mid, [3 / Math.SQRT2, 3 / Math.SQRT2, 0], { rtol: 1e-12 });
  // Parallel vectors fall back to the straight line.
  assertClose(slerp([1, 1], [2, 2], 0.5), [1.5, 1.5], { rtol: 1e-12 });
  const linear = latentPath(tensor(a), tensor([b]), 5, "linear");
  assert.deepEqual(linear.shape, [5, 3]);
  assertClose(linear.slice([2, 0], [1, 3]), [[1.5, 1.5, 0]], { rtol: 1e-6 });
  const spherical = latentPath(a, b, 5, "spherical");
  assertClose(spherical.square().sum(-1).sqrt(), [3, 3, 3, 3, 3], { rtol: 1e-6 });
  assertThrowsWith(() => slerp([1, 2], [1], 0.5), "equally long");
  assertThrowsWith(() => slerp([0, 0], [1, 1], 0.5), "zero vector");
  assertThrowsWith(() => latentPath(a, b, 1), "steps");
  assertThrowsWith(() => latentPath(a, [1, 2], 3), "a has 3 numbers, b has 2");
  assertThrowsWith(() => latentPath(tensor([[1, 2], [3, 4]]), b, 3), "one code");
  assertThrowsWith(() => latentPath(a, b, 3, "cubic" as "linear"), "kind");
});
