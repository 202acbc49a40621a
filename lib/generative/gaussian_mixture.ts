/**
 * A Gaussian mixture fitted by expectation–maximisation: the smallest generative model that
 * learns a density p(x) of real data, evaluates it, and samples new points from it. Plain float64
 * on the host, for points of a few dimensions.
 *
 * @module
 */

import { Rng } from "../tensor/random.ts";

/** A mixture of K Gaussians in d dimensions: p(x) = Σₖ πₖ N(x; μₖ, Σₖ). */
export interface GaussianMixture {
  /** The mixing weights πₖ, K of them, summing to 1. */
  readonly weights: number[];
  /** The means μₖ, K vectors of d numbers. */
  readonly means: number[][];
  /** The covariances Σₖ, K symmetric positive-definite d × d matrices. */
  readonly covariances: number[][][];
}

/** A fitted mixture and the record of its fit. */
export interface GaussianMixtureFit extends GaussianMixture {
  /** The mean log-likelihood per point, (1/N) Σᵢ log p(xᵢ), after each EM iteration. */
  readonly logLikelihoods: number[];
  /** Whether the mean log-likelihood stopped improving by more than `tolerance`. */
  readonly converged: boolean;
}

/** Options of {@link fitGaussianMixture}. */
export interface GaussianMixtureOptions {
  /** The number of Gaussians K (default 3). */
  readonly components?: number;
  /** The most EM iterations (default 200). */
  readonly iterations?: number;
  /** Stop when the mean log-likelihood improves by less than this (default 1e-6). */
  readonly tolerance?: number;
  /**
   * Added to the diagonal of every covariance (default 1e-6), so that a Gaussian that collapses
   * onto one point keeps a finite density.
   */
  readonly regularization?: number;
  /** Seed of the random choice of the starting means (default 0). */
  readonly seed?: number;
}

/** Points as rows of equal length d ≥ 1, all finite; returns d. */
function dimensionOf(op: string, points: readonly (readonly number[])[], min = 1): number {
  if (!Array.isArray(points) || points.length < min) {
    throw new Error(`${op}: needs at least ${min} point(s), got ${points?.length ?? points}`);
  }
  const d = points[0]?.length;
  if (!(d >= 1)) throw new Error(`${op}: each point must be an array of at least one number`);
  points.forEach((p, i) => {
    if (p.length !== d) {
      throw new Error(`${op}: point ${i} has ${p.length} coordinates, point 0 has ${d}`);
    }
    if (!p.every(Number.isFinite)) throw new Error(`${op}: point ${i} is not all finite numbers`);
  });
  return d;
}

/** The lower-triangular Cholesky factor L of a symmetric positive-definite matrix, A = LLᵀ. */
function cholesky(a: readonly (readonly number[])[]): number[][] {
  const d = a.length;
  const l = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i][j];
      for (let k = 0; k < j; k++) s -= l[i][k] * l[j][k];
      if (i === j) {
        if (!(s > 0)) throw new Error("gaussianMixture: a covariance is not positive definite");
        l[i][i] = Math.sqrt(s);
      } else {
        l[i][j] = s / l[j][j];
      }
    }
  }
  return l;
}

/** log N(x; μ, LLᵀ), from the Cholesky factor: −½(d log 2π + 2 Σ log Lᵢᵢ + ‖L⁻¹(x − μ)‖²). */
function logGaussian(x: readonly number[], mean: readonly number[], l: number[][]): number {
  const d = x.length;
  // Forward substitution solves L·y = x − μ; ‖y‖² is the squared Mahalanobis distance.
  const y = new Array<number>(d);
  let squared = 0, logDet = 0;
  for (let i = 0; i < d; i++) {
    let s = x[i] - mean[i];
    for (let k = 0; k < i; k++) s -= l[i][k] * y[k];
    y[i] = s / l[i][i];
    squared += y[i] * y[i];
    logDet += Math.log(l[i][i]);
  }
  return -0.5 * (d * Math.log(2 * Math.PI) + squared) - logDet;
}

/** log Σ exp(v), without overflow. */
function logSumExp(v: readonly number[]): number {
  const top = Math.max(...v);
  if (top === -Infinity) return -Infinity;
  return top + Math.log(v.reduce((s, x) => s + Math.exp(x - top), 0));
}

/** Checks a mixture's shapes and weights; returns its dimension. */
function checkMixture(op: string, m: GaussianMixture): number {
  const k = m?.weights?.length;
  if (!(k >= 1) || m.means?.length !== k || m.covariances?.length !== k) {
    throw new Error(`${op}: a mixture needs K ≥ 1 weights, means and covariances alike`);
  }
  const d = m.means[0].length;
  for (let c = 0; c < k; c++) {
    const cov = m.covariances[c];
    if (m.means[c].length !== d || cov.length !== d || cov.some((row) => row.length !== d)) {
      throw new Error(`${op}: component ${c}'s mean or covariance does not have dimension ${d}`);
    }
  }
  const total = m.weights.reduce((s, w) => s + w, 0);
  if (m.weights.some((w) => !(w >= 0)) || Math.abs(total - 1) > 1e-6) {
    throw new Error(`${op}: the weights must be ≥ 0 and sum to 1, got sum ${total}`);
  }
  return d;
}

/** log πₖ + log N(x; μₖ, Σₖ) for every point and component, [N][K]. */
function componentLogDensities(
  m: GaussianMixture,
  points: readonly (readonly number[])[],
): number[][] {
  const factors = m.covariances.map(cholesky);
  const logWeights = m.weights.map(Math.log);
  return points.map((x) => factors.map((l, c) => logWeights[c] + logGaussian(x, m.means[c], l)));
}

/**
 * The log-density log p(x) of each point under the mixture, in nats.
 *
 * @throws when the points' dimension differs from the mixture's, or the mixture is malformed.
 */
export function gaussianMixtureLogDensity(
  mixture: GaussianMixture,
  points: readonly (readonly number[])[],
): number[] {
  const d = checkMixture("gaussianMixtureLogDensity", mixture);
  const dp = dimensionOf("gaussianMixtureLogDensity", points);
  if (dp !== d) {
    throw new Error(`gaussianMixtureLogDensity: points have ${dp} coordinates, the mixture ${d}`);
  }
  return componentLogDensities(mixture, points).map(logSumExp);
}

/**
 * `count` points drawn from the mixture: pick a component k with probability πₖ, then draw
 * μₖ + Lₖε with ε ~ N(0, I) and Σₖ = LₖLₖᵀ.
 */
export function sampleGaussianMixture(
  mixture: GaussianMixture,
  count: number,
  seed = 0,
): number[][] {
  const d = checkMixture("sampleGaussianMixture", mixture);
  if (!(Number.isInteger(count) && count >= 0)) {
    throw new Error(`sampleGaussianMixture: count must be an integer ≥ 0, got ${count}`);
  }
  const rng = new Rng(seed);
  const factors = mixture.covariances.map(cholesky);
  return Array.from({ length: count }, () => {
    let u = rng.uniform(), k = 0;
    while (k < mixture.weights.length - 1 && u >= mixture.weights[k]) u -= mixture.weights[k++];
    const eps = Array.from({ length: d }, () => rng.normal());
    return mixture.means[k].map((mu, i) =>
      mu + factors[k][i].reduce((s, lij, j) => s + lij * eps[j], 0)
    );
  });
}

/**
 * Fits a Gaussian mixture to `points` by expectation–maximisation (Dempster, Laird & Rubin,
 * 1977). The E-step computes each point's responsibilities rᵢₖ = p(k | xᵢ) under the current
 * parameters; the M-step refits each Gaussian to the points weighted by them (πₖ = mean rᵢₖ, μₖ
 * and Σₖ their weighted mean and covariance). Each iteration never lowers the likelihood, which is
 * why EM is the standard fit for latent-variable models whose posterior p(k | x) is exact, and the
 * variational autoencoder's ELBO its generalisation to posteriors that are not.
 *
 * The starting means are K distinct points picked at random (seeded), the starting covariances the
 * covariance of all the data, the starting weights equal.
 *
 * @example
 * ```ts
 * const fit = fitGaussianMixture(points, { components: 4 });
 * const logP = gaussianMixtureLogDensity(fit, [[0, 0]])[0];
 * const fresh = sampleGaussianMixture(fit, 100);
 * ```
 *
 * @throws when there are fewer points than components, or the points are not rows of finite numbers.
 */
export function fitGaussianMixture(
  points: readonly (readonly number[])[],
  options: GaussianMixtureOptions = {},
): GaussianMixtureFit {
  const k = options.components ?? 3;
  const iterations = options.iterations ?? 200;
  const tolerance = options.tolerance ?? 1e-6;
  const ridge = options.regularization ?? 1e-6;
  if (!(Number.isInteger(k) && k >= 1)) {
    throw new Error(`fitGaussianMixture: components must be an integer ≥ 1, got ${k}`);
  }
  if (!(Number.isInteger(iterations) && iterations >= 1)) {
    throw new Error(`fitGaussianMixture: iterations must be an integer ≥ 1, got ${iterations}`);
  }
  if (!(ridge >= 0)) throw new Error(`fitGaussianMixture: regularization must be ≥ 0`);
  const d = dimensionOf("fitGaussianMixture", points, k);
  const n = points.length;

  /** The weighted mean and covariance (plus the ridge) of the points, weights summing to `total`. */
  const moments = (w: (i: number) => number, total: number) => {
    const mean = new Array<number>(d).fill(0);
    for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) mean[a] += w(i) * points[i][a];
    for (let a = 0; a < d; a++) mean[a] /= total;
    const cov = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < d; a++) {
        for (let b = 0; b <= a; b++) {
          cov[a][b] += w(i) * (points[i][a] - mean[a]) * (points[i][b] - mean[b]);
        }
      }
    }
    for (let a = 0; a < d; a++) {
      for (let b = 0; b <= a; b++) cov[a][b] = cov[b][a] = cov[a][b] / total;
      cov[a][a] += ridge;
    }
    return { mean, cov };
  };

  const all = moments(() => 1, n);
  const picked = new Rng(options.seed ?? 0).permutation(n).slice(0, k);
  let mixture: GaussianMixture = {
    weights: new Array<number>(k).fill(1 / k),
    means: picked.map((i) => [...points[i]]),
    covariances: picked.map(() => all.cov.map((row) => [...row])),
  };
  const logLikelihoods: number[] = [];
  let converged = false;
  for (let it = 0; it < iterations && !converged; it++) {
    // E-step: responsibilities, and the log-likelihood of the current parameters.
    const logJoint = componentLogDensities(mixture, points);
    const logP = logJoint.map(logSumExp);
    const r = logJoint.map((row, i) => row.map((v) => Math.exp(v - logP[i])));
    const meanLogP = logP.reduce((s, v) => s + v, 0) / n;
    const previous = logLikelihoods.at(-1);
    logLikelihoods.push(meanLogP);
    if (previous !== undefined && meanLogP - previous < tolerance) converged = true;
    // M-step: refit each Gaussian to its share of the points (skipped after the last E-step).
    if (converged || it === iterations - 1) break;
    const fitted = Array.from({ length: k }, (_, c) => {
      const total = r.reduce((s, row) => s + row[c], 0);
      // A component that lost every point keeps its parameters rather than divide by zero.
      if (!(total > 1e-12)) return null;
      return { total, ...moments((i) => r[i][c], total) };
    });
    mixture = {
      weights: fitted.map((f) => (f ? f.total / n : 0)),
      means: fitted.map((f, c) => (f ? f.mean : mixture.means[c])),
      covariances: fitted.map((f, c) => (f ? f.cov : mixture.covariances[c])),
    };
  }
  return { ...mixture, logLikelihoods, converged };
}
