/**
 * The webgpu backend's tiled matmul on the software adapter (llvmpipe), against the cpu backend:
 * shapes inside one tile, across tiles with ragged edges and a K tail, whole interior tiles,
 * transposed, sliced, batched and broadcast operands (batch stride 0), vectors, and the gradients.
 */

import { grads, matmul, Rng, type Tensor } from "../../lib/mod.ts";
import { assertSameOnGpu, type HostTensor } from "./compare.ts";

const rng = new Rng(11);
const host = (shape: number[]): HostTensor => ({
  shape,
  values: Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()),
});
/** Float32 tolerances for sums of `k` unit-scale products. */
const tol = (k: number) => ({ rtol: 1e-5, atol: 1e-6 * Math.max(4, Math.sqrt(k) * 4) });

Deno.test("webgpu matmul: small, ragged, multi-tile and interior-tile shapes", async () => {
  const cases: [number, number, number][] = [[1, 1, 1], [5, 7, 9], [70, 33, 67], [128, 32, 128]];
  for (const [m, k, n] of cases) {
    await assertSameOnGpu([host([m, k]), host([k, n])], matmul, `[${m},${k}]@[${k},${n}]`, tol(k));
  }
});

Deno.test("webgpu matmul: transposed and sliced operands are read in place", async () => {
  const a = host([19, 66]), b = host([21, 19]);
  await assertSameOnGpu([a, b], (x, y) => matmul(x.transpose(), y.transpose()), "aᵀ @ bᵀ", tol(19));
  await assertSameOnGpu([a, host([66, 5])], (x, y) => matmul(x, y), "a @ b", tol(66));
  await assertSameOnGpu(
    [a, host([5, 66])],
    (x, y) => matmul(x, y.transpose()),
    "a @ bᵀ",
    tol(66),
  );
  await assertSameOnGpu(
    [a, b],
    (x, y) => matmul(x.slice([2, 3], [10, 17]), y.slice([4, 1], [17, 6])),
    "sliced views with offsets",
    tol(17),
  );
});

Deno.test("webgpu matmul: batches, broadcast batches and vectors", async () => {
  await assertSameOnGpu([host([3, 5, 20]), host([3, 20, 6])], matmul, "batched", tol(20));
  await assertSameOnGpu(
    [host([2, 1, 5, 4]), host([3, 4, 6])],
    matmul,
    "broadcast batch dims",
    tol(4),
  );
  await assertSameOnGpu([host([4, 9, 7]), host([7, 3])], matmul, "a shared right matrix", tol(7));
  await assertSameOnGpu([host([7]), host([2, 7, 3])], matmul, "vector @ batch", tol(7));
  await assertSameOnGpu([host([2, 4, 7]), host([7])], matmul, "batch @ vector", tol(7));
  await assertSameOnGpu(
    [host([2, 6, 5]), host([2, 6, 4])],
    (x, y) => matmul(x.transpose([0, 2, 1]), y),
    "batched transposed left",
    tol(6),
  );
});

Deno.test("webgpu matmul: gradients, including those of broadcast operands", async () => {
  const grad = (x: Tensor, y: Tensor, dy: Tensor) =>
    grads((p, q) => matmul(p, q).mul(dy).sum())(x, y);
  await assertSameOnGpu([host([9, 13]), host([13, 70]), host([9, 70])], grad, "2-D", tol(70));
  await assertSameOnGpu(
    [host([3, 1, 5, 8]), host([2, 8, 6]), host([3, 2, 5, 6])],
    grad,
    "broadcast batches",
    tol(48),
  );
});
