/**
 * The WASM SIMD matmul kernel against the TypeScript reference matmul, on awkward shapes that
 * exercise every strip width (16, 4 and single columns) and empty dimensions.
 */

import assert from "node:assert/strict";
import { matmulKernel } from "../lib/backend/wasm/matmul_kernel.ts";
import { assertClose, matmul, randn, seed, tidy } from "../lib/mod.ts";

Deno.test("WASM matmul: matches the reference on awkward shapes", () => {
  const memory = new WebAssembly.Memory({ initial: 64 }); // 4 MiB
  const kernel = matmulKernel(memory);
  const shapes = [
    [1, 1, 1],
    [3, 5, 7],
    [17, 33, 19],
    [2, 64, 16],
    [9, 7, 36],
    [128, 100, 21],
    [4, 0, 5],
    [0, 3, 4],
  ];
  seed(0);
  for (const [m, k, n] of shapes) {
    tidy(() => {
      const a = randn([m, k]), b = randn([k, n]);
      const f32 = new Float32Array(memory.buffer);
      // Odd element offsets: tensors in a shared memory are only 4-byte aligned.
      const ao = 1, bo = ao + m * k + 3, co = bo + k * n + 1;
      f32.set(a.dataSync() as Float32Array, ao);
      f32.set(b.dataSync() as Float32Array, bo);
      f32.fill(Number.NaN, co, co + m * n); // every element of C must be written
      kernel(4 * ao, 4 * bo, 4 * co, m, k, n);
      const got = Array.from(f32.subarray(co, co + m * n));
      assert.ok(got.every(Number.isFinite), `${m}×${k}×${n}: an element of C was not written`);
      assertClose(got, Array.from(matmul(a, b).dataSync()), { rtol: 1e-5, atol: 1e-5 });
    });
  }
});
