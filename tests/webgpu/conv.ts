/**
 * The webgpu backend's implicit-GEMM convolutions on the software adapter (llvmpipe), against the
 * cpu backend: conv2d forward and its gradients with respect to x and w over strides, 'same' and
 * asymmetric padding, dilation, groups, depthwise filters, batches of 1 and 3, odd sizes and
 * transposed views, also with the bias and ReLU fused, which must take one dispatch; and
 * convTranspose2d (which runs the kernels the other way round) with output padding.
 */

import assert from "node:assert/strict";
import {
  add,
  assertCloseAsync,
  broadcastTo,
  conv2d,
  type Conv2dOptions,
  convTranspose2d,
  type ConvTranspose2dOptions,
  grads,
  randn,
  relu,
  reshape,
  Rng,
  slice,
  type Tensor,
} from "../../lib/mod.ts";
import { gpuRuntime } from "../../lib/backend/webgpu/runtime.ts";
import { onBackend } from "../helpers/backend.ts";
import { assertSameOnGpu, type HostTensor } from "./compare.ts";

const rng = new Rng(5);
const host = (shape: number[]): HostTensor => ({
  shape,
  values: Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()),
});
/** Float32 tolerances for sums of up to `k` unit-scale products. */
const tol = (k: number) => ({ rtol: 1e-5, atol: 4e-6 * Math.max(1, Math.sqrt(k)) });

/** [name, x shape, w shape, options] */
const CASES: [string, number[], number[], Conv2dOptions][] = [
  ["3×3 valid", [1, 3, 7, 6], [4, 3, 3, 3], {}],
  ["stride 2, 'same', batch 3", [3, 2, 9, 8], [5, 2, 3, 3], { stride: 2, padding: "same" }],
  ["asymmetric padding, 2×5 filter", [2, 3, 6, 9], [3, 3, 2, 5], { padding: [1, 0, 2, 3] }],
  ["dilation 2, stride (2, 1)", [1, 2, 11, 9], [3, 2, 3, 2], {
    dilation: 2,
    stride: [2, 1],
    padding: 1,
  }],
  ["groups 2", [2, 4, 7, 7], [6, 2, 3, 3], { groups: 2, padding: 1 }],
  ["depthwise, stride 2", [3, 3, 8, 7], [3, 1, 3, 3], { groups: 3, stride: 2, padding: "same" }],
  ["more windows than one tile", [2, 3, 13, 11], [70, 3, 1, 1], {}],
];

Deno.test("webgpu conv2d: forward matches the cpu", async () => {
  for (const [name, xs, ws, options] of CASES) {
    const k = ws[1] * ws[2] * ws[3];
    await assertSameOnGpu([host(xs), host(ws)], (x, w) => conv2d(x, w, options), name, tol(k));
  }
});

Deno.test("webgpu conv2d: gradients with respect to x and w match the cpu", async () => {
  for (const [name, xs, ws, options] of CASES) {
    // The gradient in w sums over every window of the batch.
    const k = Math.max(ws[0] * ws[2] * ws[3], xs[0] * xs[2] * xs[3]);
    await assertSameOnGpu(
      [host(xs), host(ws)],
      (x, w) => {
        // Any fixed dy of the output's shape: the forward result itself, taken off the tape.
        const dy = conv2d(x, w, options);
        return grads((p, q) => conv2d(p, q, options).mul(dy).sum())(x, w);
      },
      `${name}: dx, dw`,
      tol(k),
    );
  }
});

/**
 * Halves k/2 (k in -4..4) plus `shift`: the sums of the convolution are then exact on both
 * backends, so with biases shifted by 1/8 no pre-activation lies near ReLU's kink, where float32
 * rounding in another order could flip the mask.
 */
const halves = (shape: number[], shift = 0): HostTensor => ({
  shape,
  values: Array.from(
    { length: shape.reduce((a, b) => a * b, 1) },
    () => rng.int(9) / 2 - 2 + shift,
  ),
});

Deno.test("webgpu conv2d: bias and ReLU fused match the cpu, gradients too", async () => {
  for (const [name, xs, ws, options] of CASES) {
    const k = Math.max(ws[0] * ws[2] * ws[3], xs[0] * xs[2] * xs[3]);
    await assertSameOnGpu(
      [halves(xs), halves(ws), halves([ws[0]], 1 / 8)],
      (x, w, b) => {
        const fused = (p: Tensor, q: Tensor, c: Tensor) =>
          conv2d(p, q, { ...options, bias: c, activation: "relu" });
        const y = fused(x, w, b);
        return [y, ...grads((p, q, c) => fused(p, q, c).mul(y).sum())(x, w, b)];
      },
      `${name}: fused y, dx, dw, db`,
      tol(k),
    );
  }
});

Deno.test("webgpu conv2d: a fused conv + bias + ReLU is one dispatch, the bias read as a view", async () => {
  await onBackend("webgpu", async () => {
    const x = randn([2, 3, 9, 8]), w = randn([5, 3, 3, 3]), wide = randn([7]);
    // The bias is read in place: at an offset, and broadcast from one element (stride 0).
    for (const bias of [slice(wide, [1], [5]), broadcastTo(slice(wide, [3], [1]), [5])]) {
      const before = gpuRuntime().runs;
      const y = conv2d(x, w, { padding: 1, bias, activation: "relu" });
      assert.equal(gpuRuntime().runs - before, 1, "conv2d + bias + relu in one dispatch");
      const unfused = relu(add(conv2d(x, w, { padding: 1 }), reshape(bias, [1, 5, 1, 1])));
      await assertCloseAsync(y, unfused, { rtol: 1e-5, atol: 1e-5 });
      for (const t of [bias, y, unfused]) t.dispose();
    }
    for (const t of [x, w, wide]) t.dispose();
  });
});

/** [name, x shape, w shape, options] of transposed convolutions (w is [Cin, Cout/groups, kH, kW]). */
const TRANSPOSED: [string, number[], number[], ConvTranspose2dOptions][] = [
  ["stride 2, padding 1, outputPadding 1", [2, 3, 4, 5], [3, 2, 3, 3], {
    stride: 2,
    padding: 1,
    outputPadding: 1,
  }],
  ["groups 2, dilation 2, outputPadding past the stride", [1, 4, 5, 4], [4, 3, 2, 3], {
    groups: 2,
    dilation: 2,
    outputPadding: 1,
  }],
];

Deno.test("webgpu convTranspose2d: forward and gradients match the cpu", async () => {
  for (const [name, xs, ws, options] of TRANSPOSED) {
    const k = Math.max(ws[0] * ws[2] * ws[3], 64);
    await assertSameOnGpu(
      [host(xs), host(ws)],
      (x, w) => {
        const y = convTranspose2d(x, w, options);
        return [y, ...grads((p, q) => convTranspose2d(p, q, options).mul(y).sum())(x, w)];
      },
      name,
      tol(k),
    );
  }
});
