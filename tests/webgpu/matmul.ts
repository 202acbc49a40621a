/**
 * The webgpu backend's tiled matmul on the software adapter (llvmpipe), against the cpu backend:
 * shapes inside one tile, across tiles with ragged edges and a K tail, whole interior tiles,
 * transposed, sliced, batched and broadcast operands (batch stride 0), vectors, and the gradients.
 * The kernel itself on views chosen to take its vec4 and its scalar loads (aligned and unaligned
 * offsets, strides and extents), with and without the bias and ReLU epilogue, against the reference
 * kernel; and a linear layer with its bias and ReLU as one dispatch.
 */

import assert from "node:assert/strict";
import type { Epilogue, KernelOutput, TensorInfo } from "../../lib/backend/contract.ts";
import { matmul as referenceMatmul } from "../../lib/backend/cpu/matmul.ts";
import { matmul as gpuMatmul, quadLoads } from "../../lib/backend/webgpu/matmul.ts";
import { gpuRuntime } from "../../lib/backend/webgpu/mod.ts";
import {
  add,
  assertClose,
  getBackend,
  grads,
  Linear,
  linear,
  matmul,
  relu,
  Rng,
  type Tensor,
  tensor,
} from "../../lib/mod.ts";
import { onBackend } from "../helpers/backend.ts";
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

/** Where a test operand's [batch, rows, cols] elements lie in its storage. */
interface Layout {
  readonly shape: readonly [number, number, number];
  readonly offset: number;
  readonly strides: readonly [number, number, number];
}

/**
 * A [batch, rows, cols] layout: row-major (or column-major when `colMajor`) with `pad` spare
 * elements per line, batches `batchPad` apart after the last line (or broadcast), from `offset`.
 */
function layout(
  batch: number,
  rows: number,
  cols: number,
  o: { offset?: number; pad?: number; colMajor?: boolean; batchPad?: number; broadcast?: boolean } =
    {},
): Layout {
  const pad = o.pad ?? 0;
  const [rs, cs] = o.colMajor ? [1, rows + pad] : [cols + pad, 1];
  const span = o.colMajor ? cols * (rows + pad) : rows * (cols + pad);
  const bs = o.broadcast ? 0 : span + (o.batchPad ?? 0);
  return { shape: [batch, rows, cols], offset: o.offset ?? 0, strides: [bs, rs, cs] };
}

/** Elements a layout's storage needs. */
const extent = (l: Layout) =>
  l.offset + l.shape.reduce((end, d, i) => end + (d - 1) * l.strides[i], 0) + 1;

/** One kernel call: the two operand layouts (stored, before the transpose flags) and flags. */
interface KernelCase {
  readonly what: string;
  readonly a: Layout;
  readonly b: Layout;
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  /** The loads the kernel must choose for A and B. */
  readonly quads: readonly [boolean, boolean];
}

/**
 * Runs the kernel on `backend` (the reference kernel on cpu) over views of `values` (one storage per
 * operand, the bias's last) and reads the result. The bias is read every other element from 1, so
 * its view is strided and offset too.
 */
async function kernelOn(
  backend: "cpu" | "webgpu",
  c: KernelCase,
  values: readonly number[][],
  activation: Epilogue["activation"] | null,
): Promise<Float32Array> {
  return await onBackend(backend, async () => {
    const stored = values.map((v) => tensor(v));
    const view = (t: Tensor, l: Layout): TensorInfo => ({
      ...l,
      storage: t.storage,
      dtype: t.dtype,
    });
    const [a, b] = [view(stored[0], c.a), view(stored[1], c.b)];
    const n = c.transposeB ? c.b.shape[1] : c.b.shape[2];
    const bias: TensorInfo = {
      storage: stored[2].storage,
      shape: [n],
      strides: [2],
      offset: 1,
      dtype: "float32",
    };
    const epilogue = activation ? { bias, activation } : undefined;
    if (backend === "webgpu") {
      assert.deepEqual(quadLoads(a, b, c.transposeA, c.transposeB), {
        a: c.quads[0],
        b: c.quads[1],
      });
    }
    const kernel = backend === "webgpu" ? gpuMatmul : referenceMatmul;
    const out: KernelOutput = kernel(a, b, c.transposeA, c.transposeB, epilogue);
    const result = await getBackend().read(out.storage) as Float32Array;
    getBackend().free(out.storage);
    for (const t of stored) t.dispose();
    return result;
  });
}

const KERNEL_CASES: readonly KernelCase[] = [
  {
    what: "row-major, aligned",
    a: layout(1, 8, 12),
    b: layout(1, 12, 16),
    transposeA: false,
    transposeB: false,
    quads: [true, true],
  },
  {
    what: "transposed flags, aligned (A along rows, B along k)",
    a: layout(1, 8, 20),
    b: layout(1, 12, 8),
    transposeA: true,
    transposeB: true,
    quads: [true, true],
  },
  {
    what: "aligned padded lines, offset and batches; a column-major B with odd lines",
    a: layout(3, 20, 8, { offset: 4, pad: 4, batchPad: 8 }),
    b: layout(3, 8, 12, { offset: 8, pad: 3, colMajor: true }),
    transposeA: false,
    transposeB: false,
    quads: [true, false],
  },
  {
    what: "a broadcast batch (stride 0) and a column-major B along k",
    a: layout(2, 12, 16, { broadcast: true, offset: 4 }),
    b: layout(2, 16, 8, { colMajor: true, pad: 4 }),
    transposeA: false,
    transposeB: false,
    quads: [true, true],
  },
  {
    what: "multi-tile, ragged tiles and a K tail, aligned",
    a: layout(2, 72, 36),
    b: layout(2, 36, 68),
    transposeA: false,
    transposeB: false,
    quads: [true, true],
  },
  {
    what: "an offset of 1",
    a: layout(1, 8, 12, { offset: 1 }),
    b: layout(1, 12, 16, { offset: 2 }),
    transposeA: false,
    transposeB: false,
    quads: [false, false],
  },
  {
    what: "line strides that are not multiples of 4",
    a: layout(1, 8, 12, { pad: 1 }),
    b: layout(1, 16, 12, { pad: 2 }),
    transposeA: false,
    transposeB: true,
    quads: [false, false],
  },
  {
    what: "contiguous extents that are not multiples of 4",
    a: layout(1, 9, 10),
    b: layout(1, 10, 16),
    transposeA: false,
    transposeB: false,
    quads: [false, true],
  },
  {
    what: "a batch stride that is not a multiple of 4",
    a: layout(2, 8, 12, { batchPad: 1 }),
    b: layout(2, 12, 16, { batchPad: 3 }),
    transposeA: false,
    transposeB: false,
    quads: [false, false],
  },
  {
    what: "multi-tile, unaligned, transposed",
    a: layout(1, 33, 67, { pad: 1 }),
    b: layout(1, 65, 33),
    transposeA: true,
    transposeB: true,
    quads: [false, false],
  },
];

for (const c of KERNEL_CASES) {
  const quads = c.quads.map((q) => q ? "vec4" : "scalar").join(" × ");
  Deno.test(`webgpu matmul kernel, ${quads} loads: ${c.what}`, async () => {
    const k = c.transposeA ? c.a.shape[1] : c.a.shape[2];
    const values = [extent(c.a), extent(c.b), 2 * 200].map((n) =>
      Array.from({ length: n }, () => rng.normal())
    );
    for (const activation of [null, "none", "relu"] as const) {
      const what = `${c.what}, epilogue ${activation ?? "absent"}`;
      const want = await kernelOn("cpu", c, values, activation);
      const got = await kernelOn("webgpu", c, values, activation);
      assertClose(got, want, { ...tol(k), message: what });
    }
  });
}

Deno.test("webgpu linear: the product, its bias and its ReLU are one dispatch", async () => {
  const x = host([4, 3, 8]), w = host([8, 12]), b = host([12]);
  await onBackend("webgpu", async () => {
    const [xs, ws, bs] = [x, w, b].map((h) => tensor([...h.values]).reshape([...h.shape]));
    const runs = gpuRuntime().runs;
    const fused = linear(xs, ws, bs, "relu");
    assert.equal(gpuRuntime().runs - runs, 1, "linear(x, w, b, 'relu')");
    const layer = new Linear(8, 12, { activation: "relu" });
    await layer.weight.data(); // the initialiser's own kernels run here, not in the count
    await layer.bias!.data();
    const before = gpuRuntime().runs;
    layer.forward(xs);
    assert.equal(gpuRuntime().runs - before, 1, "Linear(8, 12, { activation: 'relu' })");
    // The same bits as the three kernels it replaces.
    assert.deepEqual(await fused.data(), await relu(add(matmul(xs, ws), bs)).data());
  });
  const forward = (p: Tensor, q: Tensor, r: Tensor) => linear(p, q, r, "relu");
  await assertSameOnGpu([x, w, b], forward, "fused linear", tol(8));
  const dy = host([4, 3, 12]);
  await assertSameOnGpu(
    [x, w, b, dy],
    (p, q, r, g) => grads((s, t, u) => forward(s, t, u).mul(g).sum())(p, q, r),
    "fused linear gradients",
    tol(12),
  );
});
