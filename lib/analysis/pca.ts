/**
 * Principal component analysis: the directions along which a cloud of points varies most, found
 * as the top eigenvectors of its covariance matrix by power iteration with deflation.
 *
 * The covariance is one matrix product on the active backend (fast even for 10,000 × 784 inputs);
 * the eigenvectors are then found on the host in float64, which for a D × D matrix costs D² per
 * iteration. Everything is deterministic: the power iteration starts from a fixed pseudo-random
 * vector (its own generator, so the library's `seed` stream is left alone), and each component's
 * sign is fixed so that its largest entry is positive.
 *
 * @module
 */

import { noGrad } from "../autograd/graph.ts";
import { fromArray } from "../tensor/creation.ts";
import { tidy } from "../tensor/memory.ts";
import { Rng } from "../tensor/random.ts";
import { formatShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import "../ops/mod.ts";

/** Data for {@link pca}: a float tensor [N, D], or N rows of D numbers, one row per example. */
export type PcaInput = Tensor | readonly ArrayLike<number>[];

/** Options of {@link pca}. */
export interface PcaOptions {
  /** How many principal components to find (default 2). */
  readonly components?: number;
  /** Most power iterations per component (default 1000). */
  readonly maxIterations?: number;
  /**
   * A component has converged when one iteration moves its unit vector by less than this
   * (default 1e-9).
   */
  readonly tolerance?: number;
}

/**
 * A fitted PCA: the data's mean, its top principal components, and the variance along each.
 * {@link Pca.project} gives the coordinates of any rows of the same width along the components.
 */
export class Pca {
  /**
   * @param mean the mean of the data, [D]
   * @param components unit vectors, orthogonal to each other, in order of decreasing variance
   * @param variances the variance of the data along each component (the covariance's eigenvalues)
   * @param totalVariance the sum of the variances along all D axes (the covariance's trace)
   * @param iterations the power iterations each component took
   * @param converged whether each component met the tolerance within `maxIterations`
   */
  constructor(
    readonly mean: Float64Array,
    readonly components: readonly Float64Array[],
    readonly variances: readonly number[],
    readonly totalVariance: number,
    readonly iterations: readonly number[],
    readonly converged: readonly boolean[],
  ) {}

  /** The fraction of the total variance along each component. */
  get varianceRatio(): number[] {
    return this.variances.map((v) => this.totalVariance > 0 ? v / this.totalVariance : 0);
  }

  /**
   * The coordinates of each row of `x` [N, D] along the components: N rows of k numbers, row i
   * being ((xᵢ − mean) · c₁, …, (xᵢ − mean) · cₖ).
   */
  async project(x: PcaInput): Promise<number[][]> {
    const { values, rows, width } = await hostRows("Pca.project", x);
    if (width !== this.mean.length) {
      throw new Error(
        `Pca.project: rows have ${width} values but the PCA was fitted to ${this.mean.length}`,
      );
    }
    return Array.from({ length: rows }, (_, i) =>
      this.components.map((c) => {
        let dot = 0;
        for (let j = 0; j < width; j++) dot += (values[i * width + j] - this.mean[j]) * c[j];
        return dot;
      }));
  }
}

/**
 * Fits a PCA to `x`, N examples of D values each: the `components` directions of largest variance,
 * as the top eigenvectors of the sample covariance (divided by N − 1).
 *
 * @example
 * ```ts
 * const fitted = await pca(features, { components: 2 }); // features: [N, D]
 * const coordinates = await fitted.project(features);     // N rows of 2
 * console.log(fitted.varianceRatio);                       // e.g. [0.31, 0.12]
 * ```
 */
export async function pca(x: PcaInput, options: PcaOptions = {}): Promise<Pca> {
  const k = options.components ?? 2;
  const maxIterations = options.maxIterations ?? 1000;
  const tolerance = options.tolerance ?? 1e-9;
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw new Error(`pca: maxIterations must be a positive whole number, got ${maxIterations}`);
  }
  if (!(tolerance > 0)) throw new Error(`pca: tolerance must be positive, got ${tolerance}`);
  const data = inputTensor("pca", x);
  try {
    const [n, d] = data.shape;
    if (n < 2) {
      throw new Error(`pca: needs at least 2 examples (rows) to measure variance, got ${n}`);
    }
    if (!Number.isInteger(k) || k < 1 || k > d) {
      throw new Error(
        `pca: components must be a whole number from 1 to ${d} (the data's width), got ${k}`,
      );
    }
    const [meanT, covT] = noGrad(() =>
      tidy(() => {
        const mean = data.mean(0);
        const centred = data.sub(mean);
        return [mean, centred.transpose().matmul(centred).div(n - 1)];
      })
    );
    const mean = Float64Array.from(await meanT.data());
    const cov = Float64Array.from(await covT.data());
    meanT.dispose();
    covT.dispose();
    if (!cov.every(Number.isFinite)) throw new Error("pca: the data holds NaN or infinite values");
    let trace = 0;
    for (let i = 0; i < d; i++) trace += cov[i * d + i];
    const found = topEigenvectors(cov, d, k, maxIterations, tolerance, trace);
    return new Pca(
      mean,
      found.map((f) => f.vector),
      found.map((f) => f.value),
      trace,
      found.map((f) => f.iterations),
      found.map((f) => f.converged),
    );
  } finally {
    if (data !== x) data.dispose();
  }
}

/** One eigenpair found by power iteration. */
interface EigenPair {
  vector: Float64Array;
  value: number;
  iterations: number;
  converged: boolean;
}

/**
 * The top `k` eigenpairs of the symmetric positive semi-definite d × d matrix `a` (row-major; it is
 * changed in place) whose trace is `trace`: power iteration finds the top one, deflation
 * (a ← a − λvvᵀ) removes it, and the next search finds the next one.
 */
function topEigenvectors(
  a: Float64Array,
  d: number,
  k: number,
  maxIterations: number,
  tolerance: number,
  trace: number,
): EigenPair[] {
  // A product a·v this much shorter than the largest eigenvalue (at most the trace) is rounding
  // noise: the directions left have no variance.
  const noise = 1e-12 * trace;
  const rng = new Rng(0x5ca1ab1e);
  const pairs: EigenPair[] = [];
  const next = new Float64Array(d);
  for (let c = 0; c < k; c++) {
    let v = Float64Array.from({ length: d }, () => rng.normal());
    normalise(v);
    let iterations = 0, converged = false;
    while (iterations < maxIterations && !converged) {
      iterations++;
      multiply(a, v, next, d);
      // Earlier components are removed from `a`, but rounding lets them creep back in; projecting
      // them out keeps this vector orthogonal to them.
      orthogonalise(next, pairs);
      if (normalise(next) <= noise) {
        // Nothing is left: the data spans fewer than k directions. Any unit vector orthogonal to
        // the others has variance 0; the start vector, made orthogonal, is one.
        orthogonalise(v, pairs);
        normalise(v);
        converged = true;
        break;
      }
      let change = 0;
      for (let i = 0; i < d; i++) change += (next[i] - v[i]) ** 2;
      converged = Math.sqrt(change) < tolerance;
      v = Float64Array.from(next);
    }
    fixSign(v);
    multiply(a, v, next, d);
    const value = Math.max(0, dot(v, next)); // the Rayleigh quotient vᵀav
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) a[i * d + j] -= value * v[i] * v[j];
    }
    pairs.push({ vector: v, value, iterations, converged });
  }
  return pairs;
}

function multiply(a: Float64Array, v: Float64Array, out: Float64Array, d: number): void {
  for (let i = 0; i < d; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += a[i * d + j] * v[j];
    out[i] = s;
  }
}

function dot(u: Float64Array, v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < u.length; i++) s += u[i] * v[i];
  return s;
}

/** Scales `v` to unit length in place and returns its old length (a zero vector stays zero). */
function normalise(v: Float64Array): number {
  const length = Math.sqrt(dot(v, v));
  if (length > 0) { for (let i = 0; i < v.length; i++) v[i] /= length; }
  return length;
}

/**
 * Removes from `v` its parts along the found vectors. Done twice: when `v` lies almost along one
 * of them, one pass leaves rounding errors as large as what should remain.
 */
function orthogonalise(v: Float64Array, pairs: readonly EigenPair[]): void {
  for (let pass = 0; pass < 2; pass++) {
    for (const { vector } of pairs) {
      const s = dot(v, vector);
      for (let i = 0; i < v.length; i++) v[i] -= s * vector[i];
    }
  }
}

/** An eigenvector's sign is arbitrary; this one makes its largest-magnitude entry positive. */
function fixSign(v: Float64Array): void {
  let largest = 0;
  for (let i = 1; i < v.length; i++) if (Math.abs(v[i]) > Math.abs(v[largest])) largest = i;
  if (v[largest] < 0) { for (let i = 0; i < v.length; i++) v[i] = -v[i]; }
}

/** The input as a float tensor [N, D]: the same tensor when it already is one. */
function inputTensor(op: string, x: PcaInput): Tensor {
  if (x instanceof Tensor) {
    if (x.rank !== 2) {
      throw new Error(
        `${op}: expected data [N, D] (one row per example), got shape ${formatShape(x.shape)}`,
      );
    }
    return x.dtype === "int32" ? x.toFloat() : x;
  }
  const rows = checkedRows(op, x);
  return fromArray(rows.values, [rows.rows, rows.width]);
}

/** Rows of numbers checked to be non-empty, of one width and finite, flattened. */
function checkedRows(
  op: string,
  x: readonly ArrayLike<number>[],
): { values: Float64Array; rows: number; width: number } {
  if (!Array.isArray(x) || x.length === 0) {
    throw new Error(`${op}: expected a tensor [N, D] or a non-empty list of rows of numbers`);
  }
  const width = x[0]?.length;
  if (typeof width !== "number" || width === 0) {
    throw new Error(`${op}: row 0 must be a non-empty list of numbers`);
  }
  const values = new Float64Array(x.length * width);
  x.forEach((row, i) => {
    if (row?.length !== width) {
      throw new Error(
        `${op}: rows differ in length: row 0 has ${width}, row ${i} has ${row?.length}`,
      );
    }
    for (let j = 0; j < width; j++) {
      const v = row[j];
      if (typeof v !== "number" || !Number.isFinite(v)) {
        throw new Error(`${op}: row ${i}, column ${j} is ${v}, not a finite number`);
      }
      values[i * width + j] = v;
    }
  });
  return { values, rows: x.length, width };
}

/** The rows of `x` on the host, in float64. */
async function hostRows(
  op: string,
  x: PcaInput,
): Promise<{ values: Float64Array; rows: number; width: number }> {
  if (!(x instanceof Tensor)) return checkedRows(op, x);
  if (x.rank !== 2) {
    throw new Error(
      `${op}: expected data [N, D] (one row per example), got shape ${formatShape(x.shape)}`,
    );
  }
  return { values: Float64Array.from(await x.data()), rows: x.shape[0], width: x.shape[1] };
}
