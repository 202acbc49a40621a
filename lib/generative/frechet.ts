/**
 * The Fréchet distance between two sets of feature vectors, each summarised by a Gaussian: the
 * measure behind FID (Heusel et al., 2017), here on whatever network's features the caller picks.
 *
 * @module
 */

import { symmetricEigen } from "../linalg/symmetric_eigen.ts";
import { Tensor } from "../tensor/tensor.ts";

/** Feature vectors: a matrix [N, D] (read synchronously, so CPU only) or rows of numbers. */
export type FeatureRows = Tensor | readonly (readonly number[])[];

/** The mean and covariance of a set of feature vectors, in float64. */
export interface FeatureStatistics {
  /** The mean, D numbers. */
  readonly mean: number[];
  /** The covariance (divided by N − 1), D × D. */
  readonly covariance: number[][];
  /** The number of vectors N. */
  readonly count: number;
}

/** Rows of numbers from a tensor [N, D] or a list of rows, checked. */
function rowsOf(
  op: string,
  features: FeatureRows,
): { n: number; d: number; at: (i: number, j: number) => number } {
  if (features instanceof Tensor) {
    if (features.rank !== 2) {
      throw new Error(
        `${op}: features must be a matrix [N, D], got [${features.shape.join(", ")}]`,
      );
    }
    const [n, d] = features.shape;
    const data = features.dataSync();
    return { n, d, at: (i, j) => data[i * d + j] };
  }
  if (!Array.isArray(features) || features.length === 0) {
    throw new Error(`${op}: features must be a non-empty matrix [N, D] or list of rows`);
  }
  const d = features[0].length;
  if (features.some((r) => r.length !== d)) {
    throw new Error(`${op}: every feature row must have ${d} numbers`);
  }
  return { n: features.length, d, at: (i, j) => features[i][j] };
}

/**
 * The mean and covariance of feature vectors [N, D], N ≥ 2.
 *
 * @throws when the features are not a matrix, have fewer than two rows, or are not finite.
 */
export function featureStatistics(features: FeatureRows): FeatureStatistics {
  const { n, d, at } = rowsOf("featureStatistics", features);
  if (n < 2) throw new Error(`featureStatistics: needs at least 2 vectors, got ${n}`);
  const mean = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += at(i, j);
  for (let j = 0; j < d; j++) mean[j] /= n;
  if (!mean.every(Number.isFinite)) throw new Error("featureStatistics: features are not finite");
  const cov = Array.from({ length: d }, () => new Float64Array(d));
  const centred = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) centred[j] = at(i, j) - mean[j];
    for (let a = 0; a < d; a++) {
      const ca = centred[a], row = cov[a];
      for (let b = 0; b <= a; b++) row[b] += ca * centred[b];
    }
  }
  const covariance = Array.from({ length: d }, () => new Array<number>(d));
  for (let a = 0; a < d; a++) {
    for (let b = 0; b <= a; b++) covariance[a][b] = covariance[b][a] = cov[a][b] / (n - 1);
  }
  return { mean, covariance, count: n };
}

/** S^{1/2} of a symmetric positive-semidefinite matrix, from its eigendecomposition. */
function matrixSqrt(s: number[][]): number[][] {
  const { values, vectors } = symmetricEigen(s);
  const d = s.length;
  const root = values.map((v) => Math.sqrt(Math.max(v, 0)));
  return Array.from({ length: d }, (_, a) =>
    Array.from({ length: d }, (_, b) => {
      let sum = 0;
      for (let k = 0; k < d; k++) sum += vectors[k][a] * root[k] * vectors[k][b];
      return sum;
    }));
}

/** The product of two square matrices. */
function matmul(a: number[][], b: number[][]): number[][] {
  const d = a.length;
  return a.map((row) =>
    Array.from({ length: d }, (_, j) => {
      let sum = 0;
      for (let k = 0; k < d; k++) sum += row[k] * b[k][j];
      return sum;
    })
  );
}

/**
 * The squared Fréchet (2-Wasserstein) distance between the Gaussians fitted to two sets of
 * feature vectors: ‖μ₁ − μ₂‖² + tr(Σ₁ + Σ₂ − 2 (Σ₁Σ₂)^{1/2}). It is 0 for identical statistics, and
 * grows both when the means differ (wrong content) and when the spreads differ (for example too
 * little variety, as in a collapsed GAN). The trace of (Σ₁Σ₂)^{1/2} is computed as that of the
 * symmetric (Σ₁^{1/2} Σ₂ Σ₁^{1/2})^{1/2}, which has the same eigenvalues, with
 * {@link symmetricEigen}: fine for D up to a few hundred. Estimated from samples, it is biased
 * upward for small N, so compare distances computed from the same N.
 *
 * @example
 * ```ts
 * const fd = frechetDistance(featuresOfReal, featuresOfGenerated); // two [N, D] matrices
 * ```
 *
 * @throws when the two sets have different feature sizes, or either is not a valid matrix.
 */
export function frechetDistance(
  a: FeatureRows | FeatureStatistics,
  b: FeatureRows | FeatureStatistics,
): number {
  const sa = isStatistics(a) ? a : featureStatistics(a);
  const sb = isStatistics(b) ? b : featureStatistics(b);
  const d = sa.mean.length;
  if (sb.mean.length !== d) {
    throw new Error(`frechetDistance: feature sizes differ, ${d} and ${sb.mean.length}`);
  }
  let distance = 0;
  for (let j = 0; j < d; j++) {
    distance += (sa.mean[j] - sb.mean[j]) ** 2 + sa.covariance[j][j] + sb.covariance[j][j];
  }
  const rootA = matrixSqrt(sa.covariance);
  const middle = matmul(matmul(rootA, sb.covariance), rootA);
  const { values } = symmetricEigen(middle, { symmetryTolerance: 1e-3 });
  for (const v of values) distance -= 2 * Math.sqrt(Math.max(v, 0));
  // Rounding can leave a tiny negative for identical statistics.
  return Math.max(distance, 0);
}

/** Whether `x` is a {@link FeatureStatistics} rather than features. */
function isStatistics(x: FeatureRows | FeatureStatistics): x is FeatureStatistics {
  return !(x instanceof Tensor) && !Array.isArray(x) && typeof x === "object" && x !== null &&
    "covariance" in x;
}
