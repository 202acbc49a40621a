/**
 * The WASM GEMM and the fast `matmul` kernel: gemm against a float64 triple loop on awkward sizes,
 * transposes, padded leading dimensions and accumulation (checking it writes nothing outside C);
 * the kernel against the reference kernel on every operand layout (row-major, transposed, strided,
 * batch-broadcast, offset views), single- and multi-threaded; both kernels' bias and ReLU epilogue;
 * and the op against TensorFlow.js.
 */

import assert from "node:assert/strict";
import type { KernelOutput, TensorInfo } from "../lib/backend/contract.ts";
import { matmul as referenceMatmul } from "../lib/backend/cpu/matmul.ts";
import { cpuBackend, type CpuStorage } from "../lib/backend/cpu/storage.ts";
import { gemm, type GemmArgs } from "../lib/backend/wasm/gemm.ts";
import { heap } from "../lib/backend/wasm/heap.ts";
import { matmul as wasmMatmul } from "../lib/backend/wasm/matmul.ts";
import { poolReady } from "../lib/backend/wasm/pool.ts";
import { assertClose, cast, matmul, swapAxes, type Tensor } from "../lib/mod.ts";
import { assertCloseTf, randomTensor, tf, toTf } from "./helpers/tfjs.ts";

/** A deterministic pseudo-random generator, so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A heap block of `length` floats filled from `random` in [-1, 1). */
function heapFloats(length: number, random: () => number): Float32Array {
  const address = heap.alloc(Math.max(length, 1) * 4);
  const values = new Float32Array(heap.buffer, address, length);
  for (let i = 0; i < length; i++) values[i] = random() * 2 - 1;
  return values;
}

/** Checks `gemm` on one case against a float64 triple loop. */
function checkGemm(
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
  accumulate: boolean,
  random: () => number,
): void {
  // Padded leading dimensions exercise strides that differ from the logical widths.
  const lda = (transA ? m : k) + Math.floor(random() * 3);
  const ldb = (transB ? k : n) + Math.floor(random() * 3);
  const ldc = n + Math.floor(random() * 3);
  const av = heapFloats((transA ? k : m) * lda, random);
  const bv = heapFloats((transB ? n : k) * ldb, random);
  const cv = heapFloats(m * ldc + 4, random);
  const before = cv.slice();
  const args: GemmArgs = {
    a: av.byteOffset,
    b: bv.byteOffset,
    c: cv.byteOffset,
    m,
    n,
    k,
    lda,
    ldb,
    ldc,
    transA,
    transB,
    accumulate,
  };
  gemm(args);
  const what = JSON.stringify({ m, n, k, transA, transB, accumulate });
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < ldc; j++) {
      const got = cv[i * ldc + j];
      if (j >= n) {
        assert(Object.is(got, before[i * ldc + j]), `${what}: wrote outside C at ${i},${j}`);
        continue;
      }
      let want = accumulate ? before[i * ldc + j] : 0;
      for (let p = 0; p < k; p++) {
        const x = transA ? av[p * lda + i] : av[i * lda + p];
        const y = transB ? bv[j * ldb + p] : bv[p * ldb + j];
        want += x * y;
      }
      assert(
        Math.abs(got - want) <= 1e-4 * (1 + Math.sqrt(k)),
        `${what}: C[${i},${j}] ${got} ≠ ${want}`,
      );
    }
  }
  for (let t = m * ldc; t < cv.length; t++) assert(Object.is(cv[t], before[t]), `${what}: past C`);
  for (const v of [av, bv, cv]) heap.free(v.byteOffset, Math.max(v.length, 1) * 4);
}

Deno.test("gemm matches a triple loop on awkward sizes, transposes and accumulation", () => {
  const random = rng(1);
  const sizes = [0, 1, 2, 3, 5, 6, 7, 8, 9, 13, 16, 17, 31, 37, 64, 70];
  for (let trial = 0; trial < 300; trial++) {
    const pick = () => sizes[Math.floor(random() * sizes.length)];
    checkGemm(pick(), pick(), pick(), random() < 0.5, random() < 0.5, random() < 0.3, random);
  }
});

Deno.test("gemm crosses its K, M and N blocks and splits across threads", async () => {
  await poolReady;
  const random = rng(2);
  for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]]) {
    checkGemm(300, 257, 129, transA, transB, false, random);
  }
  checkGemm(150, 1030, 600, false, false, true, random);
  checkGemm(1, 1100, 300, true, true, false, random);
});

/** How a test operand's matrices lie in storage. */
type Layout = "rows" | "cols" | "strided";

/**
 * A [batch, rows, cols] view over a fresh random storage, laid out as `layout` with padded strides
 * and an offset, its batch broadcast (stride 0) when `broadcast`.
 */
function view(
  shape: [number, number, number],
  layout: Layout,
  broadcast: boolean,
  random: () => number,
  seed: number,
): TensorInfo {
  const [batch, rows, cols] = shape;
  const pad = Math.floor(random() * 3), offset = Math.floor(random() * 4);
  const [rs, cs] = layout === "rows"
    ? [cols + pad, 1]
    : layout === "cols"
    ? [1, rows + pad]
    : [2 * cols + 1, 2];
  const span = rows && cols ? (rows - 1) * rs + (cols - 1) * cs + 1 : 0;
  const bs = broadcast ? 0 : span + pad;
  const t: Tensor = randomTensor([offset + Math.max(batch - 1, 0) * bs + span + 1], seed);
  return { storage: t.storage, shape, strides: [bs, rs, cs], offset, dtype: "float32" };
}

const valuesOf = (o: KernelOutput) => (o.storage as CpuStorage).values;

Deno.test("matmul kernel matches the reference on every operand layout", async () => {
  await poolReady;
  const random = rng(3);
  const sizes = [0, 1, 2, 3, 5, 7, 8, 11, 16, 23, 41, 70];
  const layouts: Layout[] = ["rows", "cols", "strided"];
  for (let trial = 0; trial < 200; trial++) {
    const pick = () => sizes[Math.floor(random() * sizes.length)];
    const [m, n, k] = [pick(), pick(), pick()];
    const batch = [1, 1, 2, 3][Math.floor(random() * 4)];
    const tA = random() < 0.5, tB = random() < 0.5;
    const la = layouts[Math.floor(random() * 3)], lb = layouts[Math.floor(random() * 3)];
    const ba = batch > 1 && random() < 0.3, bb = batch > 1 && random() < 0.3;
    const a = view(
      [batch, ...(tA ? [k, m] : [m, k])] as [number, number, number],
      la,
      ba,
      random,
      2 * trial,
    );
    const b = view(
      [batch, ...(tB ? [n, k] : [k, n])] as [number, number, number],
      lb,
      bb,
      random,
      2 * trial + 1,
    );
    const gathers = heap.copies().gathers;
    const ours = wasmMatmul(a, b, tA, tB), want = referenceMatmul(a, b, tA, tB);
    const what = JSON.stringify({ m, n, k, batch, tA, tB, la, lb, ba, bb });
    assert.deepEqual(ours.shape, [batch, m, n], what);
    assertClose(valuesOf(ours), valuesOf(want), { rtol: 1e-4, atol: 1e-4, message: what });
    // Only a view strided in both inner dimensions (both longer than 1) is copied.
    const strided = (v: TensorInfo, l: Layout) =>
      l === "strided" && v.shape[1] > 1 && v.shape[2] > 1;
    const expected = (strided(a, la) ? 1 : 0) + (strided(b, lb) ? 1 : 0);
    assert.equal(heap.copies().gathers - gathers, expected, `${what}: gathers`);
    for (const o of [ours, want, a, b]) cpuBackend.free(o.storage);
  }
});

Deno.test("matmul kernel applies the epilogue to the product, as the reference does", async () => {
  await poolReady;
  const random = rng(5);
  for (const [batch, m, n, k] of [[1, 1, 7, 5], [2, 9, 13, 11], [3, 40, 30, 50]]) {
    const a = view([batch, m, k], "rows", false, random, m);
    const b = view([batch, n, k], "cols", batch === 3, random, n);
    const stored = randomTensor([2 * n + 1], k);
    const at = (offset: number, stride: number): TensorInfo => ({
      storage: stored.storage,
      shape: [n],
      strides: [stride],
      offset,
      dtype: "float32",
    });
    // Every other element from 1 (strided and offset), one element for all (stride 0), none.
    for (const bias of [at(1, 2), at(3, 0), null]) {
      for (const activation of ["none", "relu"] as const) {
        const what = JSON.stringify({ batch, m, n, k, bias: bias?.strides, activation });
        // What the epilogue must make of a product: a float32 add, then the clamp.
        const finish = (product: KernelOutput) =>
          valuesOf(product).map((v, i) => {
            const z = bias
              ? Math.fround(v + valuesOf(bias)[bias.offset + (i % n) * bias.strides[0]])
              : v;
            return activation === "relu" && z < 0 ? 0 : z;
          });
        const epilogue = { bias, activation };
        for (const kernel of [wasmMatmul, referenceMatmul]) {
          const plain = kernel(a, b, false, true), ours = kernel(a, b, false, true, epilogue);
          assert.deepEqual(valuesOf(ours), finish(plain), `${kernel.name}: ${what}`);
          for (const o of [plain, ours]) cpuBackend.free(o.storage);
        }
      }
    }
    stored.dispose();
    for (const o of [a, b]) cpuBackend.free(o.storage);
  }
});

Deno.test("matmul kernel splits big and batched products across threads", async () => {
  await poolReady;
  const random = rng(4);
  for (const [batch, m, n, k] of [[1, 300, 257, 129], [3, 100, 90, 80], [8, 40, 30, 50]]) {
    for (const [tA, tB] of [[false, false], [true, true]]) {
      const a = view(
        [batch, ...(tA ? [k, m] : [m, k])] as [number, number, number],
        "rows",
        false,
        random,
        m,
      );
      const b = view(
        [batch, ...(tB ? [n, k] : [k, n])] as [number, number, number],
        "rows",
        batch === 3,
        random,
        n,
      );
      const ours = wasmMatmul(a, b, tA, tB), want = referenceMatmul(a, b, tA, tB);
      assertClose(valuesOf(ours), valuesOf(want), { rtol: 1e-4, atol: 1e-4 });
      for (const o of [ours, want, a, b]) cpuBackend.free(o.storage);
    }
  }
});

Deno.test("matmul kernel runs float64 on the reference kernel", () => {
  const a = cast(randomTensor([2, 5, 3], 7), "float64"),
    b = cast(randomTensor([2, 3, 4], 8), "float64");
  const ours = wasmMatmul(a, b, false, false), want = referenceMatmul(a, b, false, false);
  assert.equal(ours.storage.dtype, "float64");
  assertClose(valuesOf(ours), valuesOf(want), { rtol: 1e-12 });
});

Deno.test("matmul op matches TensorFlow.js, including transposed operands", async () => {
  for (const [m, n, k] of [[128, 256, 784], [33, 17, 65], [1, 9, 300]]) {
    const a = randomTensor([m, k], m), b = randomTensor([k, n], n), g = randomTensor([m, n], k);
    await assertCloseTf(matmul(a, b), tf.matMul(await toTf(a), await toTf(b)), {
      rtol: 1e-4,
      atol: 1e-3,
    });
    // The two backward products of a dense layer: dA = dC·Bᵀ and dB = Aᵀ·dC.
    const bt = swapAxes(b, 0, 1), at = swapAxes(a, 0, 1);
    await assertCloseTf(matmul(g, bt), tf.matMul(await toTf(g), await toTf(b), false, true), {
      rtol: 1e-4,
      atol: 1e-3,
    });
    await assertCloseTf(matmul(at, g), tf.matMul(await toTf(a), await toTf(g), true, false), {
      rtol: 1e-4,
      atol: 1e-3,
    });
  }
});
