/**
 * The WASM reductions (`lib/backend/wasm/reduce.ts`) against the TypeScript reference kernels:
 * every subset of axes of awkward shapes (size-0 and size-1 dimensions, odd extents, inputs large
 * enough to split across the pool), offset and transposed views, NaN, ±∞ and ±0. Max, min, argmax
 * and argmin must match bit for bit, sums (float64 accumulation in another order) within one
 * float32 ulp; a sum of a million elements stays accurate. Also tfjs on a few shapes.
 */

import assert from "node:assert/strict";
import { fromArray, Rng } from "../lib/mod.ts";
import type { KernelOutput, TensorInfo } from "../lib/backend/contract.ts";
import type { CpuStorage } from "../lib/backend/cpu/storage.ts";
import * as reference from "../lib/backend/cpu/reduce.ts";
import { groupAxes, reduceKernels } from "../lib/backend/wasm/reduce.ts";
import { poolReady } from "../lib/backend/wasm/pool.ts";
import { tf } from "./helpers/tfjs.ts";

const fast = reduceKernels as Required<typeof reduceKernels>;
await poolReady;

const SHAPES = [
  [0],
  [1],
  [7],
  [100_003],
  [3, 5],
  [17, 33],
  [128, 784],
  [300, 260],
  [5, 1, 7],
  [4, 0, 3],
  [2, 3, 4, 5],
  [8, 16, 9, 9],
  [1, 1],
];

/**
 * Values of `shape` with a few NaN, ±∞ and ±0 (`special`), or small integers when `levels` is set
 * (ties for argmax), as a contiguous view with a leading offset.
 */
function input(shape: number[], seed: number, special: boolean, levels = 0): TensorInfo {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const extremes = [NaN, Infinity, -Infinity, 0, -0];
  const values = Float32Array.from({ length: n + 3 }, () => {
    if (special && rng.uniform() < 0.002) return extremes[rng.int(extremes.length)];
    return levels ? rng.int(levels) : rng.normal() * 3;
  });
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const storage = fromArray(values, [n + 3]).storage;
  return { storage, shape, strides, offset: 3, dtype: "float32" };
}

/** Every subset of the axes of a rank-`rank` shape, sorted. */
function subsets(rank: number): number[][] {
  return Array.from(
    { length: 1 << rank },
    (_, m) => [...Array(rank).keys()].filter((d) => m & (1 << d)),
  );
}

/** Float32 ulp distance key: adjacent floats differ by 1, and ±0 map to 0. */
function key(f: number): number {
  const bits = new Int32Array(new Float32Array([f]).buffer)[0];
  return bits >= 0 ? bits : -(bits & 0x7fffffff);
}

/** Asserts equal shapes and values within `ulps` (NaN matching NaN; 0 ulps also tells ±0 apart). */
function assertUlps(ours: KernelOutput, theirs: KernelOutput, ulps: number, label: string): void {
  assert.deepEqual(ours.shape, theirs.shape, label);
  const a = (ours.storage as CpuStorage).values, b = (theirs.storage as CpuStorage).values;
  assert.equal(a.constructor, b.constructor, `${label}: dtype`);
  for (let i = 0; i < a.length; i++) {
    if (Object.is(a[i], b[i])) continue;
    const close = ulps > 0 && Number.isFinite(a[i]) && Number.isFinite(b[i]) &&
      Math.abs(key(a[i]) - key(b[i])) <= ulps;
    assert.ok(close, `${label}: element ${i} is ${a[i]}, the reference has ${b[i]}`);
  }
}

Deno.test("groupAxes merges runs of kept and reduced axes and drops size-1 axes", () => {
  assert.deepEqual(groupAxes([8, 16, 9, 9], [0, 2, 3]), {
    extents: [8, 16, 81],
    reducedFirst: true,
  });
  assert.deepEqual(groupAxes([128, 784], [1]), { extents: [128, 784], reducedFirst: false });
  assert.deepEqual(groupAxes([1, 5, 1, 7], [0, 1]), { extents: [5, 7], reducedFirst: true });
  assert.deepEqual(groupAxes([1, 1], [0]), { extents: [], reducedFirst: false });
});

Deno.test("reduce: sum, max and min over every subset of axes match the reference", () => {
  SHAPES.forEach((shape, k) => {
    for (const special of [false, true]) {
      const x = input(shape, k, special);
      for (const axes of subsets(shape.length)) {
        for (const op of ["sum", "max", "min"] as const) {
          const label = `${op} of [${shape}] over [${axes}]${special ? " with specials" : ""}`;
          const ulps = op === "sum" ? 1 : 0;
          assertUlps(fast.reduce(op, x, axes), reference.reduce(op, x, axes), ulps, label);
        }
      }
    }
  });
});

Deno.test("reduce and argReduce read transposed and broadcast views", () => {
  const base = input([6, 35], 1, true);
  const views: TensorInfo[] = [
    { ...base, shape: [35, 6], strides: [1, 35] },
    { ...base, shape: [4, 5, 7], strides: [0, 7, 1] },
  ];
  for (const x of views) {
    for (const axes of subsets(x.shape.length)) {
      for (const op of ["sum", "max", "min"] as const) {
        const label = `${op} over [${axes}] of a view [${x.shape}]`;
        assertUlps(
          fast.reduce(op, x, axes),
          reference.reduce(op, x, axes),
          op === "sum" ? 1 : 0,
          label,
        );
      }
    }
    for (let axis = 0; axis < x.shape.length; axis++) {
      const label = `argmax ${axis} of a view [${x.shape}]`;
      assertUlps(
        fast.argReduce("argmax", x, axis),
        reference.argReduce("argmax", x, axis),
        0,
        label,
      );
    }
  }
});

Deno.test("reduce: a float32 sum of a million elements is accurate to float32 rounding", () => {
  const rng = new Rng(3);
  const n = 1_000_000;
  const values = Float32Array.from({ length: n }, () => rng.uniform() + 0.25);
  let exact = 0;
  for (const v of values) exact += v;
  const x = fromArray(values, [n]);
  for (const [shape, axes] of [[[n], [0]], [[1000, 1000], [0, 1]]] as const) {
    const strides = shape.length === 1 ? [1] : [1000, 1];
    const info: TensorInfo = { storage: x.storage, shape, strides, offset: 0, dtype: "float32" };
    const got = (fast.reduce("sum", info, axes).storage as CpuStorage).values[0];
    assert.ok(Math.abs(got - exact) <= 6e-8 * exact, `${got} vs ${exact}`);
  }
});

Deno.test("argReduce: first extreme along every axis, ties and NaN as the reference", () => {
  SHAPES.forEach((shape, k) => {
    for (const [special, levels] of [[false, 4], [true, 0], [true, 3]] as const) {
      const x = input(shape, 50 + k, special, levels);
      for (let axis = 0; axis < shape.length; axis++) {
        for (const op of ["argmax", "argmin"] as const) {
          const label = `${op} of [${shape}] along ${axis} (specials ${special}, levels ${levels})`;
          assertUlps(fast.argReduce(op, x, axis), reference.argReduce(op, x, axis), 0, label);
        }
      }
    }
  });
});

Deno.test("float64 and int32 reductions take the reference path", () => {
  const x = fromArray(Int32Array.from([3, -1, 7, 2, 9, 0]), [2, 3]);
  assertUlps(fast.reduce("sum", x, [1]), reference.reduce("sum", x, [1]), 0, "int32 sum");
  assertUlps(fast.argReduce("argmax", x, 0), reference.argReduce("argmax", x, 0), 0, "argmax");
  const d = fromArray(Float64Array.from([3, -1, 7, 2, 9, 0]), [3, 2]);
  assertUlps(fast.reduce("max", d, [0]), reference.reduce("max", d, [0]), 0, "float64 max");
});

Deno.test("reductions agree with tfjs on a few shapes", () => {
  const x = input([6, 10, 7], 9, false);
  const values = (x.storage as CpuStorage).values.slice(3);
  const t = tf.tensor(values, [6, 10, 7]);
  const cases: [KernelOutput, tf.Tensor][] = [
    [fast.reduce("sum", x, [2]), tf.sum(t, 2, true)],
    [fast.reduce("sum", x, [0]), tf.sum(t, 0, true)],
    [fast.reduce("max", x, [0, 2]), tf.max(t, [0, 2], true)],
    [fast.reduce("min", x, [1]), tf.min(t, 1, true)],
    [fast.argReduce("argmax", x, 2), tf.expandDims(tf.argMax(t, 2), 2)],
    [fast.argReduce("argmin", x, 1), tf.expandDims(tf.argMin(t, 1), 1)],
  ];
  for (const [ours, theirs] of cases) {
    assert.deepEqual(ours.shape, theirs.shape);
    const a = (ours.storage as CpuStorage).values, b = theirs.dataSync();
    for (let i = 0; i < a.length; i++) {
      assert.ok(Math.abs(a[i] - b[i]) <= 1e-5 + 1e-5 * Math.abs(b[i]), `${i}: ${a[i]} vs ${b[i]}`);
    }
  }
});
