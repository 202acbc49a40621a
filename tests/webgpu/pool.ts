/**
 * The webgpu backend's pooling kernels (`lib/backend/webgpu/pool.ts`) on the software adapter
 * (llvmpipe), against the cpu backend: maxPool2d and avgPool2d forward and their gradients
 * through the ops on awkward windows (odd sizes, stride, asymmetric padding, dilation, overlapping
 * windows), tied maxima (the first wins), NaN, views, and, through the kernels directly, windows
 * wholly in the padding, which the ops refuse.
 */

import {
  avgPool2d,
  grads,
  maxPool2d,
  type Pool2dOptions,
  Rng,
  type Tensor,
  zeros,
} from "../../lib/mod.ts";
import type { Window2d } from "../../lib/backend/contract.ts";
import { runKernel } from "../../lib/backend/registry.ts";
import { fromKernel } from "../../lib/ops/convert.ts";
import "../../lib/backend/webgpu/mod.ts";
import { assertSameOnGpu, type HostTensor } from "./compare.ts";

const rng = new Rng(5);
const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
/** Random values of `shape`; with `levels`, small integers so that windows have tied maxima. */
const host = (shape: number[], levels = 0): HostTensor => ({
  shape,
  values: Array.from(
    { length: count(shape) },
    () => levels ? Math.floor(rng.uniform() * levels) : rng.normal() * 2,
  ),
});

type Pair = [number, number];
/** [input shape, window size, options] covering the awkward corners. */
const CASES: [number[], Pair, Pool2dOptions][] = [
  [[1, 1, 5, 5], [3, 3], { stride: 1, padding: 1 }],
  [[2, 3, 7, 9], [2, 2], {}],
  [[3, 2, 9, 7], [3, 2], { stride: [2, 1], padding: [1, 0, 0, 1] }],
  [[1, 2, 11, 6], [5, 3], { stride: [3, 2], padding: [2, 2, 1, 0], dilation: [2, 1] }],
  [[2, 1, 6, 13], [3, 3], { stride: [1, 3], padding: [0, 2, 2, 1], dilation: [2, 2] }],
  [[1, 3, 4, 5], [2, 3], { stride: 3, padding: 1 }],
  [[2, 2, 6, 6], [3, 3], { stride: 2, padding: "same" }],
  [[1, 1, 1, 1], [1, 1], {}],
];

const describe = ([shape, k, o]: (typeof CASES)[number]) =>
  `x[${shape}] k${k} ${JSON.stringify(o)}`;

/** Forward values and the gradient for a random upstream gradient `dy` (shaped like the output). */
function forwardAndGrad(pool: typeof maxPool2d, k: Pair, o: Pool2dOptions) {
  return (x: Tensor, dy: Tensor): Tensor[] => {
    const y = pool(x, k, o);
    const [dx] = grads((t) => pool(t, k, o).mul(dy.reshape(y.shape)).sum())(x);
    return [y, dx];
  };
}

/** The output shape of a case (computed on the active backend, the cpu). */
function outShape(shape: number[], k: Pair, o: Pool2dOptions): number[] {
  return [...avgPool2d(zeros(shape), k, o).shape];
}

Deno.test("webgpu pooling: forward and gradients match the cpu on awkward windows", async () => {
  for (const c of CASES) {
    const [shape, k, o] = c;
    const dy = host(outShape(shape, k, o));
    for (const levels of [0, 3]) {
      const x = host(shape, levels);
      const what = `${describe(c)}${levels ? " with ties" : ""}`;
      await assertSameOnGpu([x, dy], forwardAndGrad(maxPool2d, k, o), `maxPool2d ${what}`, {
        rtol: 1e-6,
        atol: 1e-6,
      });
      await assertSameOnGpu([x, dy], forwardAndGrad(avgPool2d, k, o), `avgPool2d ${what}`);
    }
  }
});

Deno.test("webgpu pooling: NaN and infinities, views", async () => {
  const x = host([2, 2, 6, 7]);
  const values = [...x.values];
  [3, 17, 40, 41].forEach((i) => values[i] = NaN);
  [8, 50].forEach((i) => values[i] = Infinity);
  [9, 60].forEach((i) => values[i] = -Infinity);
  const special = { ...x, values };
  const dy = host([2, 2, 3, 3]);
  for (const pool of [maxPool2d, avgPool2d]) {
    await assertSameOnGpu(
      [special, dy],
      forwardAndGrad(pool, [3, 3], { stride: 2, padding: [1, 0, 1, 0] }),
      `${pool.name} with NaN and ±Infinity`,
    );
  }
  // A transposed, sliced input and a transposed upstream gradient are read in place.
  const wide = host([3, 2, 8, 9], 4);
  const dyT = host([3, 2, 3, 4]);
  for (const pool of [maxPool2d, avgPool2d]) {
    await assertSameOnGpu(
      [wide, dyT],
      (a, d) => {
        const v = a.transpose([1, 0, 3, 2]).slice([0, 0, 1, 0], [2, 3, 6, 8]);
        const g = d.transpose([1, 0, 2, 3]);
        const [dx] = grads((t) => pool(t, [2, 2]).mul(g).sum())(v);
        return [pool(v, [2, 2]), dx];
      },
      `${pool.name} of views`,
    );
  }
});

Deno.test("webgpu pooling kernels: windows wholly in the padding", async () => {
  const a: Window2d = { kernel: [2, 2], stride: [3, 3], padding: [3, 0, 3, 0], dilation: [1, 1] };
  await assertSameOnGpu(
    [host([1, 2, 3, 3]), host([1, 2, 2, 2])],
    (x, dy) => [
      fromKernel(runKernel("maxPool2d", x, a)),
      fromKernel(runKernel("avgPool2d", x, a)),
      fromKernel(runKernel("maxPool2dBackprop", dy, x, a)),
      fromKernel(runKernel("avgPool2dBackprop", dy, x.shape, a)),
    ],
    "-Infinity for max, 0 for the mean, no gradient",
  );
});
