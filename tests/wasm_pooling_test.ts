/**
 * The WASM pooling kernels (`lib/backend/wasm/pooling.ts`) against the TypeScript reference kernels
 * on awkward shapes (odd sizes, asymmetric padding, dilation, overlapping windows, windows that lie
 * wholly in the padding, ties for the maximum, offset views, empty batches), which they must match
 * bit for bit; large inputs that split across the worker pool; and tfjs on a few shapes.
 */

import assert from "node:assert/strict";
import {
  fromArray,
  maxPool2d as maxPoolOp,
  Rng,
  slice,
  type Tensor,
  transpose,
} from "../lib/mod.ts";
import type { KernelOutput, TensorInfo, Window2d } from "../lib/backend/contract.ts";
import type { CpuStorage } from "../lib/backend/cpu/storage.ts";
import * as reference from "../lib/backend/cpu/pool.ts";
import { poolingKernels } from "../lib/backend/wasm/pooling.ts";
import { poolReady } from "../lib/backend/wasm/pool.ts";
import { assertCloseTf, tf, toTf } from "./helpers/tfjs.ts";

const fast = poolingKernels as Required<typeof poolingKernels>;

/** A kernel output's values, copied out of the heap. */
function valuesOf(out: KernelOutput): number[] {
  return Array.from((out.storage as CpuStorage).values);
}

/** Random float32 values of `shape`; with `levels`, small integers so windows have tied maxima. */
function random(shape: number[], seed: number, levels = 0): Tensor {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const values = Float32Array.from(
    { length: n },
    () => levels ? Math.floor(rng.uniform() * levels) : rng.uniform() * 4 - 2,
  );
  return fromArray(values, shape);
}

function window(
  kernel: [number, number],
  stride: [number, number],
  padding: [number, number, number, number],
  dilation: [number, number] = [1, 1],
): Window2d {
  return { kernel, stride, padding, dilation };
}

/** [input shape, window] pairs covering the awkward corners. */
const CASES: [number[], Window2d][] = [
  [[1, 1, 5, 5], window([3, 3], [1, 1], [1, 1, 1, 1])],
  [[2, 3, 7, 9], window([2, 2], [2, 2], [0, 0, 0, 0])],
  [[3, 5, 9, 7], window([3, 2], [2, 1], [1, 0, 0, 1])],
  [[1, 2, 11, 6], window([5, 3], [3, 2], [2, 2, 1, 0], [2, 1])],
  [[2, 1, 6, 13], window([3, 3], [1, 3], [0, 2, 2, 1], [2, 2])],
  [[1, 3, 4, 5], window([2, 3], [3, 3], [1, 1, 1, 1])],
  [[1, 1, 1, 1], window([1, 1], [1, 1], [0, 0, 0, 0])],
  // Windows wholly in the padding: -Infinity for max, 0 for the mean, no gradient.
  [[1, 2, 3, 3], window([2, 2], [3, 3], [3, 0, 3, 0])],
  [[0, 3, 5, 5], window([2, 2], [2, 2], [0, 0, 0, 0])],
];

function describe(shape: number[], a: Window2d): string {
  return `x[${shape}] k${a.kernel} s${a.stride} p${a.padding} d${a.dilation}`;
}

Deno.test("wasm pooling: forward and backward match the reference bit for bit", () => {
  CASES.forEach(([shape, a], i) => {
    const what = describe(shape, a);
    for (const levels of [0, 3]) {
      const x = random(shape, 10 + i, levels);
      for (const kind of ["maxPool2d", "avgPool2d"] as const) {
        const y = fast[kind](x, a);
        assert.deepEqual(valuesOf(y), valuesOf(reference[kind](x, a)), `${kind} ${what}`);
        const dy = random([...y.shape], 50 + i);
        const dx = kind === "maxPool2d"
          ? fast.maxPool2dBackprop(dy, x, a)
          : fast.avgPool2dBackprop(dy, x.shape, a);
        const want = kind === "maxPool2d"
          ? reference.maxPool2dBackprop(dy, x, a)
          : reference.avgPool2dBackprop(dy, x.shape, a);
        assert.deepEqual(dx.shape, x.shape);
        assert.deepEqual(valuesOf(dx), valuesOf(want), `${kind} backprop ${what} levels ${levels}`);
      }
    }
  });
});

Deno.test("wasm pooling: large inputs split across the pool and still match", async () => {
  await poolReady; // so the planes really are shared between threads
  const x = random([5, 7, 31, 29], 7, 5);
  const a = window([3, 3], [2, 2], [1, 1, 1, 1]);
  const dy = random([5, 7, 16, 15], 8);
  assert.deepEqual(valuesOf(fast.maxPool2d(x, a)), valuesOf(reference.maxPool2d(x, a)));
  assert.deepEqual(valuesOf(fast.avgPool2d(x, a)), valuesOf(reference.avgPool2d(x, a)));
  assert.deepEqual(
    valuesOf(fast.maxPool2dBackprop(dy, x, a)),
    valuesOf(reference.maxPool2dBackprop(dy, x, a)),
  );
  assert.deepEqual(
    valuesOf(fast.avgPool2dBackprop(dy, x.shape, a)),
    valuesOf(reference.avgPool2dBackprop(dy, x.shape, a)),
  );
});

Deno.test("wasm pooling: offset and transposed views, and float64, match the reference", () => {
  const a = window([3, 2], [2, 2], [1, 0, 1, 1]);
  const base = random([3, 4, 9, 8], 21);
  const views: TensorInfo[] = [
    slice(base, [1, 0, 0, 0], [2, 4, 9, 8]), // contiguous, with an offset
    transpose(base, [0, 1, 3, 2]), // strided: the reference path
    fromArray(Float64Array.from(base.dataSync()), [3, 4, 9, 8], { dtype: "float64" }),
  ];
  for (const x of views) {
    const y = fast.maxPool2d(x, a);
    assert.deepEqual(valuesOf(y), valuesOf(reference.maxPool2d(x, a)));
    assert.deepEqual(valuesOf(fast.avgPool2d(x, a)), valuesOf(reference.avgPool2d(x, a)));
    const [n, c, oh, ow] = y.shape;
    const dy = slice(random([n + 1, c, oh, ow], 3), [1, 0, 0, 0], [n, c, oh, ow]);
    assert.deepEqual(
      valuesOf(fast.maxPool2dBackprop(dy, x, a)),
      valuesOf(reference.maxPool2dBackprop(dy, x, a)),
    );
    assert.deepEqual(
      valuesOf(fast.avgPool2dBackprop(dy, x.shape, a)),
      valuesOf(reference.avgPool2dBackprop(dy, x.shape, a)),
    );
  }
});

Deno.test("wasm pooling: the maxPool2d op matches tfjs", async () => {
  for (const [shape, k, s] of [[[2, 3, 9, 7], 2, 2], [[1, 4, 10, 11], 3, 2]] as const) {
    const x = random([...shape], 31);
    const want = tf.transpose(
      tf.maxPool(tf.transpose(await toTf(x), [0, 2, 3, 1]) as tf.Tensor4D, k, s, "valid"),
      [0, 3, 1, 2],
    );
    await assertCloseTf(maxPoolOp(x, k, { stride: s }), want);
  }
});
