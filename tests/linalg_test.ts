/**
 * lib/linalg: the Jacobi eigendecomposition on matrices with known eigenvalues (and its
 * reconstruction, orthonormality and sign convention), the Hessian by differences of gradients
 * (exact on quadratics, close on smooth functions), and the errors of both.
 */

import assert from "node:assert/strict";
import {
  assertClose,
  assertThrowsWith,
  hessian,
  Rng,
  symmetricEigen,
  type Tensor,
  tensor,
} from "../lib/mod.ts";

/** Σₖ λₖ·vₖvₖᵀ: the symmetric matrix with eigenvalues `values` and unit eigenvectors `vectors`. */
function fromEigen(values: number[], vectors: number[][]): number[][] {
  const n = values.length;
  return Array.from({ length: n }, (_, i) =>
    Array.from(
      { length: n },
      (_, j) => values.reduce((s, lambda, k) => s + lambda * vectors[k][i] * vectors[k][j], 0),
    ));
}

/** A random symmetric n × n matrix with entries in [-1, 1]. */
function randomSymmetric(n: number, seed: number): number[][] {
  const rng = new Rng(seed);
  const a = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) a[i][j] = a[j][i] = 2 * rng.uniform() - 1;
  }
  return a;
}

Deno.test("symmetricEigen: known 2 × 2 and 3 × 3 matrices", () => {
  const two = symmetricEigen([[2, 1], [1, 2]]);
  assertClose(two.values, [1, 3], { rtol: 1e-14 });
  const r = Math.SQRT1_2;
  assertClose(two.vectors, [[r, -r], [r, r]], { rtol: 1e-14 });

  // The second-difference matrix tridiag(−1, 2, −1) has eigenvalues 2 − 2cos(kπ/4), k = 1, 2, 3.
  const three = symmetricEigen([[2, -1, 0], [-1, 2, -1], [0, -1, 2]]);
  assertClose(three.values, [1, 2, 3].map((k) => 2 - 2 * Math.cos(k * Math.PI / 4)), {
    rtol: 1e-14,
    atol: 1e-15,
  });
  assertClose(three.vectors[1], [r, 0, -r], { atol: 1e-14 });

  // A diagonal matrix: its own eigenvalues, sorted, with unit vectors.
  const diagonal = symmetricEigen([[3, 0, 0], [0, -1, 0], [0, 0, 2]]);
  assert.deepEqual(diagonal.values, [-1, 2, 3]);
  assert.deepEqual(diagonal.vectors, [[0, 1, 0], [0, 0, 1], [1, 0, 0]]);
  // 1 × 1.
  assert.deepEqual(symmetricEigen([[-4]]), { values: [-4], vectors: [[1]] });
});

Deno.test("symmetricEigen: a random 30 × 30 matrix is rebuilt from orthonormal eigenvectors", () => {
  const a = randomSymmetric(30, 7);
  const { values, vectors } = symmetricEigen(a);
  for (let i = 1; i < values.length; i++) assert.ok(values[i] >= values[i - 1], "ascending");
  assertClose(fromEigen(values, vectors), a, { rtol: 0, atol: 1e-13 });
  for (let i = 0; i < 30; i++) {
    for (let j = 0; j < 30; j++) {
      const d = vectors[i].reduce((s, v, k) => s + v * vectors[j][k], 0);
      assertClose(d, i === j ? 1 : 0, { rtol: 0, atol: 1e-13 });
    }
    // The sign convention: each vector's largest-magnitude entry is positive.
    const biggest = vectors[i].reduce((m, v) => (Math.abs(v) > Math.abs(m) ? v : m), 0);
    assert.ok(biggest > 0);
  }
  // The trace and the sum of the eigenvalues agree.
  const trace = a.reduce((s, row, i) => s + row[i], 0);
  assertClose(values.reduce((s, v) => s + v, 0), trace, { rtol: 1e-12 });
});

Deno.test("symmetricEigen: eigenvalues of very different sizes, and tensors of any float dtype", () => {
  // Q·diag(1e-8, 1, 1e8)·Qᵀ for a rotation Q: the small eigenvalue survives to relative accuracy.
  const c = Math.cos(0.3), s = Math.sin(0.3);
  const q = [[c, s, 0], [-s * c, c * c, s], [s * s, -s * c, c]];
  const a = fromEigen([1e-8, 1, 1e8], q);
  const { values } = symmetricEigen(a);
  assertClose(values, [1e-8, 1, 1e8], { rtol: 1e-6 });

  const t = tensor([[4, 1], [1, 4]]);
  assertClose(symmetricEigen(t).values, [3, 5], { rtol: 1e-6 });
  assertClose(symmetricEigen(tensor([[4, 1], [1, 4]], { dtype: "float64" })).values, [3, 5], {
    rtol: 1e-15,
  });
});

Deno.test("symmetricEigen: tolerates rounding asymmetry, and rejects bad input clearly", () => {
  assertClose(symmetricEigen([[1, 2], [2 + 1e-9, 1]]).values, [-1, 3], { rtol: 1e-8 });
  assertThrowsWith(
    () => symmetricEigen([[1, 2], [3, 4]]),
    "symmetricEigen: the matrix is not symmetric: a[0][1] = 2 but a[1][0] = 3",
  );
  assertThrowsWith(
    () => symmetricEigen([[1, 2], [2 + 1e-9, 1]], { symmetryTolerance: 0 }),
    "not symmetric",
  );
  assertThrowsWith(
    () => symmetricEigen([[1, 2, 3], [2, 1, 0]]),
    "symmetricEigen: needs a square matrix; it has 2 rows, so every row needs 2 entries, but " +
      "row 0 has 3 entries",
  );
  assertThrowsWith(
    () => symmetricEigen(tensor([[1, 2, 3], [4, 5, 6]])),
    "needs a square matrix, got a tensor of shape [2, 3]",
  );
  assertThrowsWith(() => symmetricEigen(tensor([1, 2])), "shape [2]");
  assertThrowsWith(() => symmetricEigen([]), "needs a square matrix");
  assertThrowsWith(() => symmetricEigen([[1, NaN], [NaN, 1]]), "entry 1 (row-major) is NaN");
  assertThrowsWith(() => symmetricEigen([[1]], { maxSweeps: 0 }), "maxSweeps must be");
  assertThrowsWith(
    () => symmetricEigen(randomSymmetric(8, 1), { maxSweeps: 1 }),
    "no convergence after 1 sweeps",
  );
});

Deno.test("hessian: exact (to rounding) on quadratics, in any coordinates", () => {
  // f(x) = ½·xᵀAx + bᵀx has Hessian A everywhere.
  const a = [[4, 1, -2], [1, 3, 0.5], [-2, 0.5, 5]];
  const A = tensor(a, { dtype: "float64" }), b = tensor([1, -1, 2], { dtype: "float64" });
  const quadratic = (x: Tensor) =>
    x.unsqueeze(0).matmul(A).matmul(x.unsqueeze(1)).sum().mul(0.5).add(x.mul(b).sum());
  for (const at of [[0, 0, 0], [3, -7, 100]]) {
    assertClose(hessian(quadratic, at), a, { rtol: 1e-9, atol: 1e-9 });
  }
  // A tensor point of rank 2, float32: coordinates in row-major order, computed in float64.
  const weighted = (x: Tensor) => x.square().mul(tensor([[1, 2], [3, 4]])).sum();
  assertClose(
    hessian(weighted, tensor([[1, 2], [3, 4]])),
    [[2, 0, 0, 0], [0, 4, 0, 0], [0, 0, 6, 0], [0, 0, 0, 8]],
    { rtol: 1e-9, atol: 1e-9 },
  );
});

Deno.test("hessian: close on smooth functions, symmetric, and its eigenvalues find a saddle", () => {
  // Rosenbrock's f = (1 − x)² + 100(y − x²)²: H = [[2 − 400y + 1200x², −400x], [−400x, 200]].
  const rosenbrock = (p: Tensor) => {
    const x = p.slice([0], [1]), y = p.slice([1], [1]);
    return x.neg().add(1).square().add(y.sub(x.square()).square().mul(100)).sum();
  };
  const [x, y] = [-1.2, 1];
  const h = hessian(rosenbrock, [x, y]);
  assertClose(h, [[2 - 400 * y + 1200 * x * x, -400 * x], [-400 * x, 200]], { rtol: 1e-7 });
  assert.equal(h[0][1], h[1][0]);
  // e^(xy) + x⁴: H = [[y²e + 12x², (1 + xy)e], [(1 + xy)e, x²e]] with e = e^(xy).
  const smooth = (p: Tensor) => {
    const u = p.slice([0], [1]), v = p.slice([1], [1]);
    return u.mul(v).exp().add(u.square().square()).sum();
  };
  const [u, v] = [0.5, -1], e = Math.exp(u * v);
  assertClose(
    hessian(smooth, [u, v]),
    [[v * v * e + 12 * u * u, (1 + u * v) * e], [(1 + u * v) * e, u * u * e]],
    { rtol: 1e-7 },
  );
  // The saddle x² − y² + xy: H = [[2, 1], [1, −2]], one negative and one positive eigenvalue.
  const saddle = (p: Tensor) => {
    const u = p.slice([0], [1]), v = p.slice([1], [1]);
    return u.square().sub(v.square()).add(u.mul(v)).sum();
  };
  const { values } = symmetricEigen(hessian(saddle, [0, 0]));
  assertClose(values, [-Math.sqrt(5), Math.sqrt(5)], { rtol: 1e-9 });
});

Deno.test("hessian: bad input is refused with a clear error", () => {
  const f = (x: Tensor) => x.square().sum();
  assertThrowsWith(
    () => hessian((x) => x.square(), [1, 2]),
    "hessian: f must return one number (a tensor of one element), got shape [2]",
  );
  assertThrowsWith(
    () => hessian(() => 1 as unknown as Tensor, [1]),
    "f must return one number (a tensor of one element), got something else",
  );
  assertThrowsWith(() => hessian(f, tensor([1, 2], { dtype: "int32" })), "x is an int32 tensor");
  assertThrowsWith(() => hessian(f, []), "x must be a float tensor or a non-empty array");
  assertThrowsWith(() => hessian(f, [1, Infinity]), "coordinate 1 of x is Infinity");
  assertThrowsWith(() => hessian(f, [1], { step: 0 }), "step must be a finite number > 0");
  assertThrowsWith(
    () => hessian("f" as unknown as (x: Tensor) => Tensor, [1]),
    "f must be a function",
  );
});
