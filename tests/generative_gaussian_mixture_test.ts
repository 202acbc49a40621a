/**
 * lib/generative's Gaussian mixture: EM recovers well-separated clusters, never lowers the
 * likelihood, gives log-densities that integrate to one and match a single Gaussian's formula,
 * samples from the fitted mixture, and rejects bad input with clear errors.
 */

import assert from "node:assert/strict";
import {
  assertClose,
  assertThrowsWith,
  fitGaussianMixture,
  type GaussianMixture,
  gaussianMixtureLogDensity,
  Rng,
  sampleGaussianMixture,
} from "../lib/mod.ts";

/** n points around each centre, with standard deviation `spread`. */
function clusters(centres: number[][], n: number, spread: number, seed = 1): number[][] {
  const rng = new Rng(seed);
  return centres.flatMap((c) =>
    Array.from({ length: n }, () => c.map((v) => v + spread * rng.normal()))
  );
}

Deno.test("fitGaussianMixture: recovers three separated clusters, with monotone likelihood", () => {
  const centres = [[0, 0], [6, 0], [0, 6]];
  const fit = fitGaussianMixture(clusters(centres, 200, 0.5), { components: 3 });
  assert.ok(fit.converged, "EM converged");
  fit.logLikelihoods.forEach((v, i) => {
    if (i > 0) assert.ok(v >= fit.logLikelihoods[i - 1] - 1e-9, `iteration ${i} lowered it`);
  });
  // Each true centre has a fitted mean next to it, weight ⅓ and variance 0.25 per axis.
  for (const c of centres) {
    const k = fit.means.findIndex((m) => Math.hypot(m[0] - c[0], m[1] - c[1]) < 0.2);
    assert.ok(k >= 0, `a mean near ${c}`);
    assertClose(fit.weights[k], 1 / 3, { atol: 0.01 });
    assertClose([fit.covariances[k][0][0], fit.covariances[k][1][1]], [0.25, 0.25], { atol: 0.06 });
  }
  assertClose(fit.weights.reduce((s, w) => s + w, 0), 1, { atol: 1e-12 });
});

Deno.test("gaussianMixtureLogDensity: a single Gaussian's formula, and a density that integrates to 1", () => {
  const one: GaussianMixture = {
    weights: [1],
    means: [[1, -1]],
    covariances: [[[2, 0.5], [0.5, 1]]],
  };
  // log N(x; μ, Σ) by hand at x = (0, 0): det Σ = 1.75, Σ⁻¹ = [[1, −0.5], [−0.5, 2]] / 1.75.
  const d = [-1, 1];
  const quad = (d[0] * d[0] * 1 - 2 * 0.5 * d[0] * d[1] + 2 * d[1] * d[1]) / 1.75;
  const want = -Math.log(2 * Math.PI) - 0.5 * Math.log(1.75) - 0.5 * quad;
  assertClose(gaussianMixtureLogDensity(one, [[0, 0]])[0], want, { rtol: 1e-12 });

  const mixture: GaussianMixture = {
    weights: [0.3, 0.7],
    means: [[-1, 0], [1.5, 0.5]],
    covariances: [[[0.5, 0.1], [0.1, 0.4]], [[0.3, 0], [0, 0.8]]],
  };
  // A Riemann sum over a box holding nearly all the mass.
  const h = 0.05;
  const grid: number[][] = [];
  for (let x = -5; x < 6; x += h) for (let y = -5; y < 6; y += h) grid.push([x + h / 2, y + h / 2]);
  const total = gaussianMixtureLogDensity(mixture, grid).reduce((s, l) => s + Math.exp(l), 0) * h *
    h;
  assertClose(total, 1, { atol: 1e-3 });
});

Deno.test("sampleGaussianMixture: samples follow the weights, means and covariances", () => {
  const mixture: GaussianMixture = {
    weights: [0.25, 0.75],
    means: [[-5, 0], [5, 1]],
    covariances: [[[1, 0], [0, 1]], [[1, 0.6], [0.6, 1]]],
  };
  const samples = sampleGaussianMixture(mixture, 20000, 4);
  const right = samples.filter((p) => p[0] > 0);
  assertClose(right.length / samples.length, 0.75, { atol: 0.01 });
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const mx = mean(right.map((p) => p[0])), my = mean(right.map((p) => p[1]));
  assertClose([mx, my], [5, 1], { atol: 0.03 });
  const cov = mean(right.map((p) => (p[0] - mx) * (p[1] - my)));
  assertClose(cov, 0.6, { atol: 0.03 });
  // Same seed, same samples.
  assert.deepEqual(sampleGaussianMixture(mixture, 5, 9), sampleGaussianMixture(mixture, 5, 9));
});

Deno.test("gaussian mixture: bad input gets clear errors", () => {
  assertThrowsWith(() => fitGaussianMixture([[0, 0]], { components: 2 }), "at least 2 point");
  assertThrowsWith(
    () => fitGaussianMixture([[0, 0], [1]], { components: 1 }),
    "point 1 has 1 coordinates",
  );
  assertThrowsWith(() => fitGaussianMixture([[0, NaN], [1, 1]], { components: 1 }), "finite");
  assertThrowsWith(() => fitGaussianMixture([[0], [1]], { components: 0 }), "components");
  const one: GaussianMixture = { weights: [1], means: [[0, 0]], covariances: [[[1, 0], [0, 1]]] };
  assertThrowsWith(() => gaussianMixtureLogDensity(one, [[0, 0, 0]]), "3 coordinates", "mixture 2");
  assertThrowsWith(
    () => gaussianMixtureLogDensity({ ...one, weights: [0.5] }, [[0, 0]]),
    "sum to 1",
  );
  assertThrowsWith(
    () => gaussianMixtureLogDensity({ ...one, covariances: [[[1, 2], [2, 1]]] }, [[0, 0]]),
    "not positive definite",
  );
  assertThrowsWith(() => sampleGaussianMixture(one, -1), "count");
});
