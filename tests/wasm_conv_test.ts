/**
 * The WASM convolution kernels (`lib/backend/wasm/conv.ts`: im2col + GEMM) against the TypeScript
 * reference kernels on awkward shapes: odd sizes, kernels 1/3/5, strides 1–3, asymmetric padding,
 * dilation, groups (2 and depthwise), channel counts that are not multiples of 4, batches of 1, 3
 * and of several column blocks, positions no window reaches, no images or no input channels, offset
 * and strided views and float64, the forward kernel also with its bias and ReLU fused; and the
 * conv2d op against tfjs on a few shapes.
 */

import assert from "node:assert/strict";
import { assertClose, conv2d as conv2dOp, fromArray, Rng, slice, transpose } from "../lib/mod.ts";
import type { Conv2dAttrs, Epilogue, KernelOutput, TensorInfo } from "../lib/backend/contract.ts";
import type { CpuStorage } from "../lib/backend/cpu/storage.ts";
import * as reference from "../lib/backend/cpu/conv.ts";
import { heap } from "../lib/backend/wasm/heap.ts";
import { convKernels } from "../lib/backend/wasm/conv.ts";
import { poolReady } from "../lib/backend/wasm/pool.ts";
import { assertCloseTf, tf, toTf } from "./helpers/tfjs.ts";

const fast = convKernels as Required<typeof convKernels>;

/** A kernel output's values, copied out of the heap. */
function valuesOf(out: KernelOutput): Float32Array | Float64Array {
  return (out.storage as CpuStorage).values.slice() as Float32Array | Float64Array;
}

/** Uniform values in [-1, 1) of `shape`, float32 unless asked. */
function random(shape: readonly number[], seed: number, dtype: "float32" | "float64" = "float32") {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const values = Float64Array.from({ length: n }, () => rng.uniform() * 2 - 1);
  return fromArray(dtype === "float32" ? Float32Array.from(values) : values, [...shape], { dtype });
}

function attrs(
  stride: [number, number],
  padding: [number, number, number, number],
  dilation: [number, number] = [1, 1],
  groups = 1,
): Conv2dAttrs {
  return { kernel: [0, 0], stride, padding, dilation, groups };
}

interface Case {
  x: number[];
  w: number[];
  a: Conv2dAttrs;
}

const CASES: Case[] = [
  { x: [1, 1, 5, 5], w: [1, 1, 3, 3], a: attrs([1, 1], [1, 1, 1, 1]) },
  { x: [3, 3, 7, 9], w: [5, 3, 3, 3], a: attrs([2, 2], [1, 0, 0, 1]) },
  { x: [2, 4, 11, 6], w: [6, 2, 5, 3], a: attrs([1, 2], [2, 2, 1, 0], [2, 1], 2) },
  { x: [3, 6, 9, 8], w: [6, 1, 3, 3], a: attrs([1, 1], [1, 1, 1, 1], [2, 2], 6) }, // depthwise
  { x: [1, 3, 10, 7], w: [6, 1, 3, 3], a: attrs([2, 1], [0, 1, 2, 0], [1, 1], 3) }, // multiplier 2
  { x: [1, 5, 6, 13], w: [7, 5, 1, 1], a: attrs([1, 1], [0, 0, 0, 0]) }, // pointwise
  { x: [3, 4, 5, 5], w: [6, 2, 1, 1], a: attrs([1, 1], [0, 0, 0, 0], [1, 1], 2) },
  { x: [2, 3, 7, 7], w: [5, 3, 1, 1], a: attrs([2, 2], [0, 0, 0, 0]) }, // 1×1 with stride
  { x: [3, 5, 13, 10], w: [7, 5, 5, 5], a: attrs([3, 3], [0, 2, 2, 1]) },
  { x: [1, 2, 7, 7], w: [3, 2, 2, 2], a: attrs([3, 3], [0, 0, 0, 0]) }, // gaps between windows
  { x: [3, 7, 9, 11], w: [9, 7, 3, 5], a: attrs([1, 3], [2, 0, 1, 3], [2, 1]) },
  { x: [1, 1, 1, 1], w: [1, 1, 1, 1], a: attrs([1, 1], [0, 0, 0, 0]) },
  // Column blocks of three images then two: 16·9 rows × 2304 positions per image.
  { x: [5, 16, 48, 48], w: [3, 16, 3, 3], a: attrs([1, 1], [1, 1, 1, 1]) },
  { x: [0, 3, 6, 6], w: [4, 3, 3, 3], a: attrs([1, 1], [1, 1, 1, 1]) }, // empty batch
  { x: [2, 0, 4, 4], w: [3, 0, 3, 3], a: attrs([1, 1], [1, 1, 1, 1]) }, // no channels: bias alone
];

function describe({ x, w, a }: Case): string {
  return `x[${x}] w[${w}] s${a.stride} p${a.padding} d${a.dilation} g${a.groups}`;
}

/** Tolerances for float32 sums of `terms` products of values in [-1, 1). */
function tolerance(terms: number) {
  return { rtol: 1e-4, atol: 1e-5 * Math.sqrt(terms + 1) * 4 };
}

/**
 * Runs all three kernels on `x` and `w` and compares them with the reference; the forward one also
 * with a bias and ReLU, alone and together.
 */
function checkAll(x: TensorInfo, w: TensorInfo, a: Conv2dAttrs, what: string, seed: number) {
  const full = { ...a, kernel: [w.shape[2], w.shape[3]] as [number, number] };
  const [, cg, kH, kW] = w.shape;
  const bias = random([w.shape[0]], seed + 1, x.dtype as "float32" | "float64");
  const epilogues: (Epilogue | undefined)[] = [
    undefined,
    { bias, activation: "none" },
    { bias: null, activation: "relu" },
    { bias, activation: "relu" },
  ];
  for (const epilogue of epilogues) {
    const got = fast.conv2d(x, w, full, epilogue);
    const want = reference.conv2d(x, w, full, epilogue);
    const which = epilogue
      ? `${what} (${epilogue.bias ? "bias, " : ""}${epilogue.activation})`
      : what;
    assert.deepEqual(got.shape, want.shape, which);
    assertClose(valuesOf(got), valuesOf(want), { ...tolerance(cg * kH * kW), message: which });
  }
  const y = fast.conv2d(x, w, full);
  const dy = random(y.shape, seed, x.dtype as "float32" | "float64");
  const dx = fast.conv2dBackpropInput(dy, w, x.shape, full);
  assert.deepEqual(dx.shape, x.shape, what);
  assertClose(valuesOf(dx), valuesOf(reference.conv2dBackpropInput(dy, w, x.shape, full)), {
    ...tolerance(w.shape[0] * kH * kW),
    message: `${what} backprop input`,
  });
  const dw = fast.conv2dBackpropFilter(x, dy, w.shape, full);
  assert.deepEqual(dw.shape, w.shape, what);
  assertClose(valuesOf(dw), valuesOf(reference.conv2dBackpropFilter(x, dy, w.shape, full)), {
    ...tolerance(x.shape[0] * y.shape[2] * y.shape[3]),
    message: `${what} backprop filter`,
  });
}

Deno.test("wasm conv: forward and both gradients match the reference on awkward shapes", async () => {
  await poolReady; // so large column moves and GEMMs really split across threads
  CASES.forEach((c, i) => {
    checkAll(random(c.x, 100 + i), random(c.w, 200 + i), c.a, describe(c), 300 + i);
  });
});

Deno.test("wasm conv: offset and transposed views, and float64, match the reference", () => {
  const a = attrs([2, 1], [1, 0, 1, 2]);
  const x = random([4, 3, 9, 8], 1), w = random([5, 3, 3, 2], 2);
  const wide = random([6, 3, 3, 2], 3);
  checkAll(slice(x, [1, 0, 0, 0], [3, 3, 9, 8]), w, a, "offset input", 4);
  checkAll(x, slice(wide, [1, 0, 0, 0], [5, 3, 3, 2]), a, "offset filter", 5);
  // A strided view is copied once into a contiguous block (a counted gather) for the fast path.
  const gathers = heap.copies().gathers;
  checkAll(transpose(x, [0, 1, 3, 2]), w, a, "transposed input", 6);
  assert.ok(heap.copies().gathers > gathers, "the transposed input took the gather path");
  const x64 = random([2, 3, 9, 8], 7, "float64"), w64 = random([5, 3, 3, 2], 8, "float64");
  checkAll(x64, w64, a, "float64", 9);
  assert.equal(fast.conv2d(x64, w64, { ...a, kernel: [3, 2] }).storage.dtype, "float64");
});

Deno.test("wasm conv: a gradient of a strided view comes back right", () => {
  const a = { ...attrs([1, 1], [1, 1, 1, 1]), kernel: [3, 3] as [number, number] };
  const x = random([2, 3, 6, 7], 11), w = random([4, 3, 3, 3], 12);
  const dy = transpose(random([2, 4, 7, 6], 13), [0, 1, 3, 2]);
  assertClose(
    valuesOf(fast.conv2dBackpropInput(dy, w, x.shape, a)),
    valuesOf(reference.conv2dBackpropInput(dy, w, x.shape, a)),
    { rtol: 1e-4, atol: 1e-4 },
  );
  assertClose(
    valuesOf(fast.conv2dBackpropFilter(x, dy, w.shape, a)),
    valuesOf(reference.conv2dBackpropFilter(x, dy, w.shape, a)),
    { rtol: 1e-4, atol: 1e-4 },
  );
});

Deno.test("wasm conv: gradients use dy's windows when the image is larger than they reach", () => {
  // A transposed convolution's output padding makes such an image: 9 rows, windows for 4.
  const a = { ...attrs([1, 2], [0, 0, 1, 0], [2, 1]), kernel: [3, 2] as [number, number] };
  const x = random([2, 3, 9, 9], 14), w = random([4, 3, 3, 2], 15), dy = random([2, 4, 4, 4], 16);
  assertClose(
    valuesOf(fast.conv2dBackpropInput(dy, w, x.shape, a)),
    valuesOf(reference.conv2dBackpropInput(dy, w, x.shape, a)),
    { rtol: 1e-4, atol: 1e-4 },
  );
  assertClose(
    valuesOf(fast.conv2dBackpropFilter(x, dy, w.shape, a)),
    valuesOf(reference.conv2dBackpropFilter(x, dy, w.shape, a)),
    { rtol: 1e-4, atol: 1e-4 },
  );
});

Deno.test("wasm conv: the conv2d op matches tfjs, with bias and ReLU fused too", async () => {
  const cases = [
    { x: [2, 3, 12, 11], w: [8, 3, 5, 5], stride: 1, padding: "same" as const },
    { x: [3, 5, 9, 9], w: [7, 5, 3, 3], stride: 2, padding: "valid" as const },
  ];
  for (const c of cases) {
    const x = random(c.x, 21), w = random(c.w, 22), bias = random([c.w[0]], 23);
    const [nhwc, hwio] = [
      tf.transpose(await toTf(x), [0, 2, 3, 1]) as tf.Tensor4D,
      tf.transpose(await toTf(w), [2, 3, 1, 0]) as tf.Tensor4D,
    ];
    const toNchw = (t: tf.Tensor) => tf.transpose(t, [0, 3, 1, 2]);
    const o = { stride: c.stride, padding: c.padding };
    await assertCloseTf(conv2dOp(x, w, o), toNchw(tf.conv2d(nhwc, hwio, c.stride, c.padding)));
    const fused = tf.fused.conv2d({
      x: nhwc,
      filter: hwio,
      strides: c.stride,
      pad: c.padding,
      bias: await toTf(bias),
      activation: "relu",
    });
    await assertCloseTf(conv2dOp(x, w, { ...o, bias, activation: "relu" }), toNchw(fused));
  }
});
