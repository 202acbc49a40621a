/**
 * PCA: known covariances recovered exactly (axis-aligned, rotated in 2-D, and a rotated 6-D cloud
 * with chosen variances), projections, determinism, rank-deficient data, and the error messages.
 */

import assert from "node:assert/strict";
import { assertClose, assertRejectsWith, pca, Rng, type Tensor, tensor } from "../lib/mod.ts";

/** A d × d orthogonal matrix (its rows), from seeded Gram–Schmidt. */
function orthogonalRows(d: number, seed: number): number[][] {
  const rng = new Rng(seed);
  const rows: number[][] = [];
  while (rows.length < d) {
    const v = Array.from({ length: d }, () => rng.normal());
    for (const q of rows) {
      const s = q.reduce((acc, qi, i) => acc + qi * v[i], 0);
      q.forEach((qi, i) => v[i] -= s * qi);
    }
    const length = Math.hypot(...v);
    rows.push(v.map((x) => x / length));
  }
  return rows;
}

/**
 * Points ±√(λᵢ(N − 1)/2)·qᵢ for each direction qᵢ: their mean is 0 and their sample covariance is
 * exactly Σ λᵢ qᵢqᵢᵀ, so the principal components are the qᵢ and the variances the λᵢ.
 */
function cloudWithCovariance(q: number[][], lambdas: number[]): number[][] {
  const n = 2 * q.length;
  return q.flatMap((qi, i) => {
    const r = Math.sqrt(lambdas[i] * (n - 1) / 2);
    return [qi.map((x) => r * x), qi.map((x) => -r * x)];
  });
}

/** `v` with its largest-magnitude entry made positive, PCA's sign convention. */
function signFixed(v: readonly number[]): number[] {
  const largest = v.reduce((best, x, i) => Math.abs(x) > Math.abs(v[best]) ? i : best, 0);
  return v[largest] < 0 ? v.map((x) => -x) : [...v];
}

Deno.test("pca: axis-aligned data gives the axes, their variances and coordinates", async () => {
  const rows = [[2, 0], [-2, 0], [0, 1], [0, -1]];
  const fitted = await pca(rows);
  assertClose(Array.from(fitted.mean), [0, 0]);
  assertClose(Array.from(fitted.components[0]), [1, 0], { atol: 1e-9 });
  assertClose(Array.from(fitted.components[1]), [0, 1], { atol: 1e-9 });
  assertClose(fitted.variances, [8 / 3, 2 / 3], { rtol: 1e-6 }); // sums of squares over N − 1 = 3
  assertClose(fitted.varianceRatio, [0.8, 0.2], { rtol: 1e-6 });
  assertClose(fitted.totalVariance, 10 / 3, { rtol: 1e-6 });
  assertClose((await fitted.project(rows)).flat(), rows.flat(), { atol: 1e-6 });
  assert.ok(fitted.converged.every(Boolean));
});

Deno.test("pca: a rotated 2-D cloud matches the closed-form eigenvectors", async () => {
  const rng = new Rng(7);
  const rows = Array.from({ length: 200 }, () => {
    const [a, b] = [3 * rng.normal(), rng.normal()];
    return [0.8 * a - 0.6 * b + 5, 0.6 * a + 0.8 * b - 2];
  });
  // The 2 × 2 sample covariance [[p, r], [r, s]] and its top eigenvector, in float64.
  const n = rows.length;
  const mx = rows.reduce((acc, [x]) => acc + x, 0) / n;
  const my = rows.reduce((acc, [, y]) => acc + y, 0) / n;
  const p = rows.reduce((acc, [x]) => acc + (x - mx) ** 2, 0) / (n - 1);
  const s = rows.reduce((acc, [, y]) => acc + (y - my) ** 2, 0) / (n - 1);
  const r = rows.reduce((acc, [x, y]) => acc + (x - mx) * (y - my), 0) / (n - 1);
  const half = Math.hypot((p - s) / 2, r);
  const angle = Math.atan2(2 * r, p - s) / 2;
  const fitted = await pca(rows);
  assertClose(Array.from(fitted.mean), [mx, my], { rtol: 1e-5 });
  assertClose(fitted.variances, [(p + s) / 2 + half, (p + s) / 2 - half], { rtol: 1e-4 });
  assertClose(
    Array.from(fitted.components[0]),
    signFixed([Math.cos(angle), Math.sin(angle)]),
    { atol: 1e-5 },
  );
});

Deno.test("pca: a rotated 6-D cloud gives back its chosen directions and variances", async () => {
  const q = orthogonalRows(6, 11);
  const lambdas = [5, 3, 2, 0.5, 0.2, 0.1];
  const fitted = await pca(cloudWithCovariance(q, lambdas), { components: 3 });
  assert.equal(fitted.components.length, 3);
  assertClose(fitted.variances, [5, 3, 2], { rtol: 1e-5 });
  assertClose(fitted.totalVariance, 10.8, { rtol: 1e-5 });
  fitted.components.forEach((c, i) => {
    assertClose(Array.from(c), signFixed(q[i]), { atol: 1e-5 });
  });
  // Orthonormal components.
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      const d = fitted.components[i].reduce((acc, x, t) => acc + x * fitted.components[j][t], 0);
      assertClose(d, i === j ? 1 : 0, { atol: 1e-9 });
    }
  }
});

Deno.test("pca: projected coordinates have mean 0 and the components' variances", async () => {
  const rng = new Rng(3);
  const rows = Array.from({ length: 300 }, () => {
    const z = [2 * rng.normal(), rng.normal(), 0.3 * rng.normal()];
    return [z[0] + z[1], z[0] - z[1], z[2], z[0] + 1];
  });
  const fitted = await pca(rows, { components: 2 });
  const coordinates = await fitted.project(rows);
  for (let c = 0; c < 2; c++) {
    const column = coordinates.map((row) => row[c]);
    const mean = column.reduce((a, v) => a + v, 0) / column.length;
    const variance = column.reduce((a, v) => a + (v - mean) ** 2, 0) / (column.length - 1);
    assertClose(mean, 0, { atol: 1e-5 });
    assertClose(variance, fitted.variances[c], { rtol: 1e-4 });
  }
});

Deno.test("pca: tensors and rows give the same fit, and refitting repeats it exactly", async () => {
  const rows = cloudWithCovariance(orthogonalRows(4, 5), [4, 2, 1, 0.5]);
  const fromRows = await pca(rows);
  const fromTensor = await pca(tensor(rows));
  const again = await pca(tensor(rows));
  assertClose(fromRows.variances, fromTensor.variances, { rtol: 1e-6 });
  fromRows.components.forEach((c, i) => {
    assertClose(Array.from(c), Array.from(fromTensor.components[i]), { atol: 1e-6 });
  });
  assert.deepEqual(fromTensor.components, again.components);
  assert.deepEqual(fromTensor.variances, again.variances);
  const ints = await pca(tensor([[1, 0], [-1, 0], [0, 2], [0, -2]], { dtype: "int32" }));
  assertClose(Array.from(ints.components[0]), [0, 1], { atol: 1e-9 });
});

Deno.test("pca: data on a line has one component and then zero variance", async () => {
  const rows = Array.from({ length: 10 }, (_, i) => [i, 2 * i, -i]);
  const fitted = await pca(rows, { components: 2 });
  assertClose(fitted.varianceRatio, [1, 0], { atol: 1e-6 });
  assertClose(
    Array.from(fitted.components[0]),
    [1, 2, -1].map((v) => v / Math.sqrt(6)),
    { atol: 1e-6 },
  );
  const c = fitted.components;
  assert.ok(c[1].every(Number.isFinite), "the zero-variance component is a real vector");
  assertClose(c[0].reduce((acc, x, i) => acc + x * c[1][i], 0), 0, { atol: 1e-6 });
  assertClose(Math.hypot(...c[1]), 1, { atol: 1e-9 });
});

Deno.test("pca: bad input gets a clear error", async () => {
  const rows = [[1, 2], [3, 4], [5, 7]];
  await assertRejectsWith(() => pca(tensor([1, 2, 3])), "expected data [N, D]", "[3]");
  await assertRejectsWith(() => pca([[1, 2]]), "at least 2 examples");
  await assertRejectsWith(() => pca(rows, { components: 3 }), "from 1 to 2", "got 3");
  await assertRejectsWith(() => pca(rows, { components: 0 }), "components");
  await assertRejectsWith(() => pca(rows, { components: 1.5 }), "components");
  await assertRejectsWith(() => pca([[1, 2], [3]]), "rows differ in length", "row 1 has 1");
  await assertRejectsWith(() => pca([[1, 2], [3, NaN]]), "row 1, column 1", "finite");
  await assertRejectsWith(() => pca([]), "non-empty list of rows");
  await assertRejectsWith(() => pca(rows, { maxIterations: 0 }), "maxIterations");
  await assertRejectsWith(() => pca(rows, { tolerance: -1 }), "tolerance");
  await assertRejectsWith(
    () => pca(tensor([[1, 2], [3, Infinity], [0, 0]]) as Tensor),
    "NaN or infinite",
  );
  const fitted = await pca(rows, { components: 1 });
  await assertRejectsWith(() => fitted.project([[1, 2, 3]]), "3 values", "fitted to 2");
});
