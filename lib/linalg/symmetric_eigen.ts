/**
 * The eigendecomposition of a real symmetric matrix by the cyclic Jacobi method, in float64 on the
 * host: curvature at a critical point (the Hessian's eigenvalues), principal components, and any
 * other small symmetric problem.
 *
 * @module
 */

import { Tensor } from "../tensor/tensor.ts";

/** A square matrix: a rank-2 tensor (read synchronously, so not on the GPU) or rows of numbers. */
export type MatrixLike = Tensor | readonly (readonly number[])[];

/** Options of {@link symmetricEigen}. */
export interface SymmetricEigenOptions {
  /**
   * The largest |aᵢⱼ − aⱼᵢ| accepted, relative to the largest |aᵢⱼ| (default 1e-5: a matrix
   * computed in float32, such as XᵀX, may be asymmetric by rounding). The matrix is symmetrized,
   * (A + Aᵀ)/2, before it is decomposed.
   */
  readonly symmetryTolerance?: number;
  /** Jacobi sweeps before giving up (default 100; a sweep visits every off-diagonal pair once). */
  readonly maxSweeps?: number;
}

/** A symmetric matrix as A = V·diag(values)·Vᵀ. */
export interface EigenDecomposition {
  /** The eigenvalues, ascending. */
  readonly values: number[];
  /**
   * The unit eigenvectors: `vectors[i]` belongs to `values[i]` (so they are the rows of Vᵀ). They
   * are orthonormal, and each is signed so that its largest-magnitude entry is positive, which
   * makes the result deterministic.
   */
  readonly vectors: number[][];
}

/**
 * The eigenvalues and eigenvectors of the real symmetric matrix `a`, by the cyclic Jacobi method
 * (Golub & Van Loan, §8.5): sweep over the off-diagonal pairs (p, q), and zero each a[p][q] with a
 * plane rotation A ← JᵀAJ, accumulating V ← VJ. Each rotation keeps the eigenvalues and moves
 * weight onto the diagonal, and the sweeps converge quadratically, until the off-diagonal part is
 * float64 rounding (about 1e-15 of the matrix's norm). A sweep costs O(n³), so it suits matrices up
 * to a few hundred rows (a 200 × 200 matrix takes a fraction of a second).
 *
 * @example
 * ```ts
 * const { values, vectors } = symmetricEigen([[2, 1], [1, 2]]);
 * // values [1, 3]; vectors [[0.7071, -0.7071], [0.7071, 0.7071]]
 * ```
 *
 * @throws when `a` is not a square matrix of finite numbers, or is not symmetric.
 */
export function symmetricEigen(
  a: MatrixLike,
  options: SymmetricEigenOptions = {},
): EigenDecomposition {
  const tolerance = options.symmetryTolerance ?? 1e-5;
  const maxSweeps = options.maxSweeps ?? 100;
  if (!(tolerance >= 0)) {
    throw new Error(`symmetricEigen: symmetryTolerance must be >= 0, got ${tolerance}`);
  }
  if (!(Number.isInteger(maxSweeps) && maxSweeps >= 1)) {
    throw new Error(`symmetricEigen: maxSweeps must be an integer >= 1, got ${maxSweeps}`);
  }
  const { n, m } = squareMatrix(a);
  symmetrize(m, n, tolerance);

  // w = Vᵀ: row j of w is the eigenvector of the diagonal entry j.
  const w = new Float64Array(n * n);
  for (let i = 0; i < n; i++) w[i * n + i] = 1;
  // Rotations preserve the Frobenius norm, so it is the yardstick of convergence throughout.
  let norm = 0;
  for (let i = 0; i < n * n; i++) norm += m[i] * m[i];
  norm = Math.sqrt(norm);

  for (let sweep = 1;; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p * n + q] ** 2;
    if (off === 0 || Math.sqrt(off) <= 1e-15 * norm) break;
    if (sweep > maxSweeps) {
      throw new Error(
        `symmetricEigen: no convergence after ${maxSweeps} sweeps (off-diagonal norm ` +
          `${Math.sqrt(off)} of ${norm}); raise options.maxSweeps`,
      );
    }
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) rotate(m, w, n, p, q, sweep);
    }
  }

  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => m[i * n + i] - m[j * n + j]);
  return {
    values: order.map((i) => m[i * n + i]),
    vectors: order.map((j) => signed(Array.from(w.subarray(j * n, (j + 1) * n)))),
  };
}

/** The matrix as n and its row-major float64 copy, checked to be square and finite. */
function squareMatrix(a: MatrixLike): { n: number; m: Float64Array } {
  if (a instanceof Tensor) {
    if (a.rank !== 2 || a.shape[0] !== a.shape[1] || a.shape[0] === 0) {
      throw new Error(
        `symmetricEigen: needs a square matrix, got a tensor of shape [${a.shape.join(", ")}]`,
      );
    }
    return { n: a.shape[0], m: finite(Float64Array.from(a.dataSync())) };
  }
  if (!Array.isArray(a) || a.length === 0) {
    throw new Error("symmetricEigen: needs a square matrix, as a rank-2 tensor or rows of numbers");
  }
  const n = a.length;
  const bad = a.findIndex((row) => !Array.isArray(row) || row.length !== n);
  if (bad >= 0) {
    const got = Array.isArray(a[bad]) ? `${a[bad].length} entries` : typeof a[bad];
    throw new Error(
      `symmetricEigen: needs a square matrix; it has ${n} rows, so every row needs ${n} ` +
        `entries, but row ${bad} has ${got}`,
    );
  }
  return { n, m: finite(Float64Array.from(a.flat())) };
}

function finite(m: Float64Array): Float64Array {
  const bad = m.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new Error(`symmetricEigen: entry ${bad} (row-major) is ${m[bad]}`);
  return m;
}

/** Checks that m is symmetric within `tolerance` (relative), then averages it with its transpose. */
function symmetrize(m: Float64Array, n: number, tolerance: number): void {
  let scale = 0;
  for (const x of m) scale = Math.max(scale, Math.abs(x));
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const aij = m[i * n + j], aji = m[j * n + i];
      if (Math.abs(aij - aji) > tolerance * scale) {
        throw new Error(
          `symmetricEigen: the matrix is not symmetric: a[${i}][${j}] = ${aij} but ` +
            `a[${j}][${i}] = ${aji}. It finds eigenvalues of symmetric matrices only (a Hessian, ` +
            `a covariance); pass (A + Aᵀ)/2 if the asymmetry is rounding`,
        );
      }
      m[i * n + j] = m[j * n + i] = (aij + aji) / 2;
    }
  }
}

/**
 * One Jacobi rotation in the (p, q) plane that zeroes m[p][q] (Numerical Recipes, §11.1). Rows p
 * and q change as rows, and since JᵀAJ stays symmetric, columns p and q are copied from them. The
 * rotations accumulate in the rows of w = Vᵀ, so every loop runs along contiguous memory but one.
 */
function rotate(m: Float64Array, w: Float64Array, n: number, p: number, q: number, sweep: number) {
  const apq = m[p * n + q];
  if (apq === 0) return;
  const app = m[p * n + p], aqq = m[q * n + q];
  // After a few sweeps, an entry too small to change either diagonal entry is rounding: drop it.
  const g = 100 * Math.abs(apq);
  if (sweep > 4 && Math.abs(app) + g === Math.abs(app) && Math.abs(aqq) + g === Math.abs(aqq)) {
    m[p * n + q] = m[q * n + p] = 0;
    return;
  }
  // t = tan φ, the smaller root of t² + 2θt − 1 = 0, which keeps the rotation angle ≤ π/4.
  const theta = (aqq - app) / (2 * apq);
  const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
  const c = 1 / Math.sqrt(t * t + 1), s = t * c;
  const rowP = p * n, rowQ = q * n;
  for (let k = 0; k < n; k++) {
    if (k === p || k === q) continue; // the 2 × 2 block is set below
    const apk = m[rowP + k], aqk = m[rowQ + k];
    const newP = c * apk - s * aqk, newQ = s * apk + c * aqk;
    m[rowP + k] = m[k * n + p] = newP;
    m[rowQ + k] = m[k * n + q] = newQ;
  }
  // The 2 × 2 block in closed form, exactly diagonal.
  m[rowP + p] = app - t * apq;
  m[rowQ + q] = aqq + t * apq;
  m[rowP + q] = m[rowQ + p] = 0;
  for (let k = 0; k < n; k++) {
    const wpk = w[rowP + k], wqk = w[rowQ + k];
    w[rowP + k] = c * wpk - s * wqk;
    w[rowQ + k] = s * wpk + c * wqk;
  }
}

/** The vector with its sign chosen so that its largest-magnitude entry is positive. */
function signed(x: number[]): number[] {
  let big = 0;
  for (const xi of x) if (Math.abs(xi) > Math.abs(big)) big = xi;
  return big < 0 ? x.map((xi) => -xi) : x;
}
