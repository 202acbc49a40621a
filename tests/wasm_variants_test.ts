/**
 * The fast kernels' tests again under the other build and thread count: plain SIMD (what runs where
 * relaxed SIMD does not validate) on one thread (what `FDL_THREADS=1` gives), in a child process
 * because both are chosen when the library loads. Also `fill` and `copy` against the reference.
 */

import assert from "node:assert/strict";
import { referenceKernels, seed, tensor } from "../lib/mod.ts";
import { copy, fill } from "../lib/backend/wasm/fill.ts";
import type { DType } from "../lib/tensor/dtype.ts";
import { poolReady } from "../lib/backend/wasm/pool.ts";

const KERNEL_TESTS = [
  "wasm_matmul_test.ts",
  "wasm_conv_test.ts",
  "wasm_pooling_test.ts",
  "wasm_elementwise_test.ts",
  "wasm_reduce_test.ts",
  "wasm_optimizer_test.ts",
].map((f) => new URL(f, import.meta.url).pathname);

Deno.test("wasm: every kernel test passes on plain SIMD with one thread", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["test", "-A", "--no-check", ...KERNEL_TESTS],
    env: { FDL_WASM_SIMD: "plain", FDL_THREADS: "1", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.ok(out.success, text.slice(-3000));
  assert.match(text, /ok \| \d+ passed \| 0 failed/);
});

Deno.test("wasm: fill and copy equal the reference for every dtype and size", async () => {
  await poolReady; // so the large sizes really split across threads
  seed(1);
  const dtypes: DType[] = ["float32", "int32", "float64"];
  for (const dtype of dtypes) {
    for (const n of [0, 1, 5, 17, 1000, 300_001]) {
      const value = dtype === "int32" ? -7 : 2.5;
      const got = fill([n], value, dtype).storage;
      const want = referenceKernels.fill([n], value, dtype).storage;
      assert.deepEqual(read(got), read(want), `fill ${dtype} ${n}`);
      const x = tensor(Array.from({ length: n }, (_, i) => i * 3 - 11), { dtype });
      assert.deepEqual(read(copy(x).storage), read(referenceKernels.copy(x).storage));
      x.dispose();
    }
  }
  // A transposed view is copied element by element into row-major order.
  const m = tensor([[1, 2, 3], [4, 5, 6]]).transpose();
  assert.deepEqual(Array.from(read(copy(m).storage)), [1, 4, 2, 5, 3, 6]);
});

/** The elements of a CPU storage. */
function read(storage: unknown): Float32Array | Int32Array | Float64Array {
  return (storage as { values: Float32Array | Int32Array | Float64Array }).values.slice();
}
