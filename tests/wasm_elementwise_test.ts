/**
 * The WASM elementwise kernels (`lib/backend/wasm/elementwise.ts`) against the TypeScript reference
 * kernels: bit for bit for the exactly rounded operations, within 4 float32 ulps for exp, log,
 * sigmoid, tanh and softplus. Operands are views of every layout the wrapper meets (contiguous,
 * offset, transposed, scalar and row/channel broadcasts and their mirrors, size-0 and size-1
 * dimensions, more than three dimensions), over random values mixed with special ones (±0, ±∞,
 * NaN, subnormals, overflow and saturation points), with inputs large enough to split across the
 * pool; and tfjs on a few shapes.
 */

import assert from "node:assert/strict";
import { fromArray, Rng } from "../lib/mod.ts";
import type { KernelOutput, TensorInfo, UnaryKernelName } from "../lib/backend/contract.ts";
import type { DType } from "../lib/tensor/dtype.ts";
import type { CpuStorage } from "../lib/backend/cpu/storage.ts";
import * as reference from "../lib/backend/cpu/elementwise.ts";
import { elementwiseKernels } from "../lib/backend/wasm/elementwise.ts";
import { collapse } from "../lib/tensor/layout.ts";
import { poolReady } from "../lib/backend/wasm/pool.ts";
import { tf } from "./helpers/tfjs.ts";

const fast = elementwiseKernels as Required<typeof elementwiseKernels>;
await poolReady;

/** Values that stress each operation's edge cases. */
const SPECIAL = [
  0,
  -0,
  NaN,
  Infinity,
  -Infinity,
  1e-40,
  -1e-40,
  1e-45,
  100,
  -100,
  88.72,
  89,
  -103.5,
  -104,
  -110,
  0.625,
  -0.625,
  1e30,
  -1e30,
  3.4e38,
  2147483648,
  -2147483649,
  5e9,
  1,
  -1,
];

/** `n` float32 values: a mix of normal, wide-ranged, tiny, huge and special ones. */
function mixed(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => {
    const r = rng.uniform();
    if (r < 0.1) return SPECIAL[rng.int(SPECIAL.length)];
    if (r < 0.5) return rng.normal() * 3;
    if (r < 0.8) return rng.uniform() * 210 - 110;
    return (rng.uniform() < 0.5 ? -1 : 1) * 10 ** (rng.uniform() * 80 - 42);
  });
}

/** A storage holding `values` as `dtype` (int32 truncates). */
function storage(values: Float32Array, dtype: DType = "float32") {
  return fromArray(dtype === "float32" ? values : Int32Array.from(values, Math.trunc), [
    values.length,
  ], { dtype }).storage;
}

/** A view over `values` of `shape` with `strides` and `offset`. */
function view(
  values: Float32Array,
  shape: number[],
  strides: number[],
  offset = 0,
  dtype: DType = "float32",
): TensorInfo {
  return { storage: storage(values, dtype), shape, strides, offset, dtype };
}

/** Contiguous strides of `shape`. */
function contiguous(shape: number[]): number[] {
  const s = shape.map(() => 1);
  for (let d = shape.length - 2; d >= 0; d--) s[d] = s[d + 1] * shape[d + 1];
  return s;
}

/**
 * Views of every layout, each with the storage it needs: [label, shape, strides, offset]. The
 * operand layouts of binary tests pair these with contiguous or mirrored ones.
 */
const LAYOUTS: [string, number[], number[], number][] = [
  ["empty", [0], [1], 0],
  ["one", [1], [1], 0],
  ["odd", [3], [1], 5],
  ["rows", [17, 33], [33, 1], 2],
  ["large", [100_003], [1], 1],
  ["transposed", [5, 7], [1, 5], 0],
  ["scalar", [6, 5], [0, 0], 4],
  ["bias", [9, 13], [0, 1], 3],
  ["column", [9, 13], [1, 0], 0],
  ["channel", [2, 3, 4, 5], [0, 1, 0, 0], 1],
  ["not channel", [2, 3, 4, 5], [3, 0, 1, 0], 0],
  ["size-1 dims", [1, 7, 1, 3], [99, 3, 50, 1], 2],
  ["zero dim", [4, 0, 3], [0, 3, 1], 0],
  ["permuted 4-D", [2, 3, 4, 5], [1, 40, 2, 8], 0],
  ["big channel", [8, 64, 15, 15], [0, 1, 0, 0], 0],
];

/** A view with the given layout over fresh mixed values. */
function laidOut(layout: (typeof LAYOUTS)[number], seed: number, dtype: DType = "float32") {
  const [, shape, strides, offset] = layout;
  const span = shape.some((d) => d === 0)
    ? 1
    : shape.reduce((a, d, i) => a + (d - 1) * strides[i], 1);
  return view(mixed(offset + span, seed), shape, strides, offset, dtype);
}

/** A kernel output's values. */
function valuesOf(out: KernelOutput) {
  return (out.storage as CpuStorage).values;
}

/** Float32 ulp distance key: adjacent floats differ by 1, and ±0 map to 0. */
function key(f: number): number {
  const bits = new Int32Array(new Float32Array([f]).buffer)[0];
  return bits >= 0 ? bits : -(bits & 0x7fffffff);
}

/** Asserts equal shapes and values within `ulps` (NaN matching NaN; 0 ulps also tells ±0 apart). */
function assertUlps(ours: KernelOutput, theirs: KernelOutput, ulps: number, label: string): void {
  assert.deepEqual(ours.shape, theirs.shape, label);
  const a = valuesOf(ours), b = valuesOf(theirs);
  assert.equal(a.constructor, b.constructor, `${label}: dtype`);
  for (let i = 0; i < a.length; i++) {
    if (Object.is(a[i], b[i])) continue;
    const close = ulps > 0 && Number.isFinite(a[i]) && Number.isFinite(b[i]) &&
      Math.abs(key(a[i]) - key(b[i])) <= ulps;
    assert.ok(close, `${label}: element ${i} is ${a[i]}, the reference has ${b[i]}`);
  }
}

const UNARY: [UnaryKernelName, number][] = [
  ["neg", 0],
  ["exp", 4],
  ["log", 4],
  ["sqrt", 0],
  ["abs", 0],
  ["sign", 0],
  ["relu", 0],
  ["sigmoid", 4],
  ["tanh", 4],
  ["softplus", 4],
];

Deno.test("collapse merges uniform dimensions and keeps broadcast patterns apart", () => {
  assert.deepEqual(collapse([2, 3, 4], [[12, 4, 1], [12, 4, 1]]).shape, [24]);
  assert.deepEqual(collapse([6, 5], [[5, 1], [0, 0]]), { shape: [30], strides: [[1], [0]] });
  assert.deepEqual(collapse([9, 13], [[13, 1], [0, 1]]).strides, [[13, 1], [0, 1]]);
  assert.deepEqual(collapse([2, 3, 4, 5], [[60, 20, 5, 1], [0, 1, 0, 0]]), {
    shape: [2, 3, 20],
    strides: [[60, 20, 1], [0, 1, 0]],
  });
  assert.deepEqual(collapse([1, 1], [[7, 3]]), { shape: [1], strides: [[0]] });
});

Deno.test("unary, leakyRelu, clip: WASM matches the reference on every layout", () => {
  LAYOUTS.forEach((layout, k) => {
    const x = laidOut(layout, k);
    for (const [op, ulps] of UNARY) {
      assertUlps(fast.unary(op, x), reference.unary(op, x), ulps, `${op} on ${layout[0]}`);
    }
    for (const alpha of [0.01, 0.3, -2]) {
      const label = `leakyRelu(${alpha}) on ${layout[0]}`;
      assertUlps(fast.leakyRelu(x, alpha), reference.leakyRelu(x, alpha), 0, label);
    }
    for (const [lo, hi] of [[-1, 1], [0.1, 0.7], [-Infinity, 0], [2, -2], [-1e40, 1e40]]) {
      const label = `clip(${lo}, ${hi}) on ${layout[0]}`;
      assertUlps(fast.clip(x, lo, hi), reference.clip(x, lo, hi), 0, label);
    }
  });
});

Deno.test("binary and compare: WASM matches the reference for every operand pairing", () => {
  const ops = ["add", "sub", "mul", "div", "pow", "maximum", "minimum"] as const;
  const compares = ["equal", "notEqual", "less", "lessEqual", "greater", "greaterEqual"] as const;
  LAYOUTS.forEach((layout, k) => {
    const [, shape] = layout;
    const x = laidOut(layout, 100 + k);
    // Equal values in places, so ties and ±0 pairs occur.
    const dense = view(mixed(shape.reduce((a, b) => a * b, 1), k).map((v, i) => i % 3 ? v : 0), [
      ...shape,
    ], contiguous(shape));
    for (const [a, b] of [[x, dense], [dense, x], [x, x]]) {
      for (const op of ops) {
        assertUlps(fast.binary(op, a, b), reference.binary(op, a, b), 0, `${op} on ${layout[0]}`);
      }
      for (const op of compares) {
        assertUlps(fast.compare(op, a, b), reference.compare(op, a, b), 0, `${op} ${layout[0]}`);
      }
    }
  });
});

Deno.test("int32 and float64 operands take the reference path with its semantics", () => {
  const a = laidOut(LAYOUTS[3], 1, "int32"), b = laidOut(LAYOUTS[7], 2, "int32");
  assertUlps(fast.binary("add", a, b), reference.binary("add", a, b), 0, "int32 add");
  assertUlps(fast.compare("less", a, b), reference.compare("less", a, b), 0, "int32 less");
  assertUlps(fast.unary("neg", a), reference.unary("neg", a), 0, "int32 neg");
  const d = view(mixed(6, 3), [6], [1]);
  const wide = fast.cast(d, "float64");
  const w = { storage: wide.storage, shape: [6], strides: [1], offset: 0, dtype: "float64" };
  assertUlps(fast.unary("exp", w as TensorInfo), reference.unary("exp", w as TensorInfo), 0, "f64");
});

Deno.test("where: float32 and int32 conditions and branches on every layout", () => {
  LAYOUTS.forEach((layout, k) => {
    const [, shape] = layout;
    const n = shape.reduce((a, b) => a * b, 1);
    const flags = Float32Array.from(
      mixed(n, k),
      (v, i) => (i % 4 === 0 ? v : i % 4 === 1 ? -0 : 0),
    );
    const conds = [view(flags, shape, contiguous(shape)), laidOut(layout, k + 7)];
    conds.push(view(flags, shape, contiguous(shape), 0, "int32"));
    for (const dtype of ["float32", "int32"] as const) {
      const x = laidOut(layout, 200 + k, dtype);
      const y = view(mixed(n, 300 + k), shape, contiguous(shape), 0, dtype);
      for (const c of conds) {
        for (const [a, b] of [[x, y], [y, x]]) {
          const label = `where ${c.dtype} ? ${dtype} on ${layout[0]}`;
          assertUlps(fast.where(c, a, b), reference.where(c, a, b), 0, label);
        }
      }
    }
  });
});

Deno.test("cast: every dtype pair on contiguous and strided views, with JS int32 wrapping", () => {
  const dtypes = ["float32", "int32", "float64"] as const;
  LAYOUTS.forEach((layout, k) => {
    for (const from of ["float32", "int32"] as const) {
      const x = laidOut(layout, 400 + k, from);
      for (const to of dtypes) {
        const ours = fast.cast(x, to), theirs = reference.cast(x, to);
        assertUlps(ours, theirs, 0, `${from} → ${to} on ${layout[0]}`);
        if (from === "float32" && to === "float64") {
          const wide = { ...x, storage: ours.storage, strides: contiguous([...x.shape]) };
          const back = { ...wide, offset: 0, dtype: "float64" as const };
          for (const target of dtypes) {
            const label = `float64 → ${target} on ${layout[0]}`;
            assertUlps(fast.cast(back, target), reference.cast(back, target), 0, label);
          }
        }
      }
    }
  });
});

Deno.test("elementwise kernels agree with tfjs on a few shapes", () => {
  const shape = [4, 37];
  // Finite values in a moderate range: tfjs is not the reference for the edge cases.
  const tame = (v: number) => Number.isFinite(v) ? Math.max(-30, Math.min(30, v)) : 0;
  const values = Float32Array.from(mixed(148, 9), tame);
  const x = view(values, shape, contiguous(shape));
  const bias = view(Float32Array.from(mixed(37, 10), tame), shape, [0, 1]);
  const t = tf.tensor(values, shape), tb = tf.tensor(valuesOf(fast.cast(bias, "float32")), shape);
  const pairs: [KernelOutput, tf.Tensor][] = [
    [fast.unary("exp", x), tf.exp(t)],
    [fast.unary("sigmoid", x), tf.sigmoid(t)],
    [fast.unary("tanh", x), tf.tanh(t)],
    [fast.unary("softplus", x), tf.softplus(t)],
    [fast.unary("relu", x), tf.relu(t)],
    [fast.binary("add", x, bias), tf.add(t, tb)],
    [fast.binary("maximum", x, bias), tf.maximum(t, tb)],
    [fast.compare("greater", x, bias), tf.cast(tf.greater(t, tb), "float32")],
  ];
  for (const [ours, theirs] of pairs) {
    const a = valuesOf(ours), b = theirs.dataSync();
    for (let i = 0; i < a.length; i++) {
      assert.ok(Math.abs(a[i] - b[i]) <= 1e-5 + 1e-4 * Math.abs(b[i]), `${i}: ${a[i]} vs ${b[i]}`);
    }
  }
});
