/**
 * The Tensor itself: dtypes, shape, strides and views, the creation functions, the seeded generator,
 * readout, and the text form. The file belongs to the shared op suite: it runs on `cpu` and on
 * `webgpu` (`tests/helpers/backend.ts`); the tests of synchronous reads run on `cpu` only.
 */

import assert from "node:assert/strict";
import {
  arange,
  assertClose,
  assertCloseAsync,
  assertRejectsWith,
  assertThrowsWith,
  eye,
  fromArray,
  full,
  linspace,
  ones,
  onesLike,
  rand,
  randint,
  randn,
  Rng,
  scalar,
  seed,
  tensor,
  zeros,
  zerosLike,
} from "../lib/mod.ts";
import { FLOAT64_ONLY, SUITE_BACKEND } from "./helpers/backend.ts";

/**
 * Options for a test about synchronous reads themselves (`dataSync`, `toArray`, `item`, and what
 * reads through them): the GPU cannot read synchronously, so on `webgpu` the test is reported as
 * ignored; tests/webgpu/elementwise.ts checks the error those reads give there instead.
 */
const SYNC_READS = { ignore: SUITE_BACKEND === "webgpu" } as const;

Deno.test("tensor: nested arrays give shape, contiguous strides and float32 by default", async () => {
  const t = tensor([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(t.shape, [2, 3]);
  assert.deepEqual(t.strides, [3, 1]);
  assert.equal(t.offset, 0);
  assert.equal(t.rank, 2);
  assert.equal(t.size, 6);
  assert.equal(t.dtype, "float32");
  assert.equal(t.isContiguous, true);
  assert.ok((await t.data()) instanceof Float32Array);
  assert.deepEqual(await t.array(), [[1, 2, 3], [4, 5, 6]]);
  // 3-D
  const u = tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]], [[9, 10], [11, 12]]]);
  assert.deepEqual(u.shape, [3, 2, 2]);
  assert.deepEqual(u.strides, [4, 2, 1]);
});

Deno.test("tensor: numbers, empty lists and the shape option", async () => {
  const s = tensor(5);
  assert.deepEqual(s.shape, []);
  assert.equal(s.size, 1);
  assert.equal(await s.array(), 5);
  assert.deepEqual(tensor([]).shape, [0]);
  assert.deepEqual(await tensor([]).array(), []);
  const r = tensor([1, 2, 3, 4, 5, 6], { shape: [3, 2] });
  assert.deepEqual(await r.array(), [[1, 2], [3, 4], [5, 6]]);
  assertThrowsWith(() => tensor([1, 2, 3], { shape: [2, 2] }), "3 values", "[2, 2]");
});

Deno.test("tensor: typed arrays keep their dtype; options override it", async () => {
  assert.equal(tensor(new Int32Array([1, 2])).dtype, "int32");
  assert.equal(tensor(new Float32Array([1, 2])).dtype, "float32");
  const f = tensor(new Float32Array([1, 2, 3, 4]), { shape: [2, 2] });
  assert.deepEqual(f.shape, [2, 2]);
  assert.deepEqual(await f.array(), [[1, 2], [3, 4]]);
  // The input is copied: changing it later does not change the tensor.
  const src = new Float32Array([1, 2]);
  const c = tensor(src);
  src[0] = 99;
  assert.deepEqual(await c.array(), [1, 2]);
  // int32 truncates toward zero.
  const i = tensor([1.7, -1.7, 2.5], { dtype: "int32" });
  assert.equal(i.dtype, "int32");
  assert.deepEqual(await i.array(), [1, -1, 2]);
  assert.ok((await i.data()) instanceof Int32Array);
});

Deno.test("tensor: a Float64Array gives float64", FLOAT64_ONLY, () => {
  assert.equal(tensor(new Float64Array([1, 2])).dtype, "float64");
});

Deno.test("tensor: ragged and non-numeric input is rejected with the position", () => {
  assertThrowsWith(() => tensor([[1, 2], [3]]), "ragged", "[1]", "length 2", "[2, 2]");
  assertThrowsWith(() => tensor([[1, 2], 3]), "ragged", "[1]");
  assertThrowsWith(() => tensor([1, [2, 3]]), "expected a number at [1]");
  assertThrowsWith(
    () => tensor([[[1], [2]], [[3], [4, 5]]]),
    "ragged",
    "[1, 1]",
    "length 1",
  );
  assertThrowsWith(() => fromArray([1, 2], [2], { dtype: "float16" as "float32" }), "float16");
});

Deno.test("tensor: int32 rejects values it would wrap, naming the value and where it is", async () => {
  assertThrowsWith(
    () => tensor([1, 3e9], { dtype: "int32" }),
    "3000000000",
    "flat index 1",
    "does not fit in an int32",
    "float32",
  );
  assertThrowsWith(() => tensor([[0, NaN]], { dtype: "int32" }), "NaN", "flat index 1");
  assertThrowsWith(() => fromArray([-Infinity], [1], { dtype: "int32" }), "-Infinity");
  // The extremes themselves fit.
  assert.deepEqual(
    await tensor([2147483647, -2147483648], { dtype: "int32" }).array(),
    [2147483647, -2147483648],
  );
});

Deno.test("fromArray and scalar", async () => {
  const t = fromArray([1, 2, 3, 4, 5, 6], [2, 3]);
  assert.deepEqual(await t.array(), [[1, 2, 3], [4, 5, 6]]);
  assert.equal(t.dtype, "float32");
  assert.equal(fromArray(new Int32Array([1, 2]), [2]).dtype, "int32");
  assertThrowsWith(() => fromArray([1, 2, 3], [2, 2]), "3 values", "[2, 2]", "4 elements");
  assertThrowsWith(() => fromArray([1, 2], [-2]), "non-negative integers");
  const s = scalar(2.5);
  assert.deepEqual(s.shape, []);
  assert.equal((await s.data())[0], 2.5);
  assert.equal(scalar(3, { dtype: "int32" }).dtype, "int32");
});

Deno.test("float64 keeps double precision through arithmetic", FLOAT64_ONLY, async () => {
  const a = tensor([0.1, 1e-10], { dtype: "float64" });
  const b = tensor([0.2, 1], { dtype: "float64" });
  const c = a.add(b);
  assert.equal(c.dtype, "float64");
  assert.ok((await c.data()) instanceof Float64Array);
  assert.equal((await c.data())[0], 0.1 + 0.2);
  assert.equal((await c.data())[1], 1 + 1e-10); // lost in float32
  // float32 and float64 mix to float64.
  assert.equal(a.add(tensor([1, 2])).dtype, "float64");
});

Deno.test("int32 and float32 mix to float32; int32 alone stays int32", async () => {
  assert.equal(tensor([1, 2], { dtype: "int32" }).add(tensor([1, 2])).dtype, "float32");
  assert.equal(arange(3).add(arange(3)).dtype, "int32");
  assert.deepEqual(await arange(3).mul(arange(3)).array(), [0, 1, 4]);
});

Deno.test("zeros, ones, full, zerosLike, onesLike", async () => {
  assert.deepEqual(await zeros([2, 3]).array(), [[0, 0, 0], [0, 0, 0]]);
  assert.deepEqual(await ones([2]).array(), [1, 1]);
  assert.equal(zeros([2]).dtype, "float32");
  const f = full([2, 2], 7, { dtype: "int32" });
  assert.equal(f.dtype, "int32");
  assert.deepEqual(await f.array(), [[7, 7], [7, 7]]);
  assert.deepEqual(await full([3], -0.5).array(), [-0.5, -0.5, -0.5]);
  assert.deepEqual(zeros([]).shape, []);
  assert.deepEqual(zeros([0, 4]).shape, [0, 4]);
  const i = tensor([[1, 2, 3]], { dtype: "int32" });
  const z = zerosLike(i), o = onesLike(i);
  assert.deepEqual(z.shape, [1, 3]);
  assert.equal(z.dtype, "int32");
  assert.deepEqual(await z.array(), [[0, 0, 0]]);
  assert.equal(o.dtype, "int32");
  assert.deepEqual(await o.array(), [[1, 1, 1]]);
  assert.equal(onesLike(i, { dtype: "float32" }).dtype, "float32");
  assert.equal(zerosLike(i, { dtype: undefined }).dtype, "int32");
  assert.equal(zerosLike(i, { requiresGrad: false }).dtype, "int32");
  assertThrowsWith(() => zerosLike(i, { requiresGrad: true }), "int32");
  assert.equal(ones([2], { requiresGrad: true }).requiresGrad, true);
  assertThrowsWith(() => zeros([2, 1.5]), "zeros:", "non-negative integers", "[2,1.5]");
  assertThrowsWith(() => ones([-1]), "ones:", "non-negative integers");
  assertThrowsWith(() => full([2], 1, { dtype: "bool" as "int32" }), "unknown dtype 'bool'");
});

Deno.test("arange: int32 for integer arguments, float32 otherwise", async () => {
  const a = arange(5);
  assert.equal(a.dtype, "int32");
  assert.deepEqual(await a.array(), [0, 1, 2, 3, 4]);
  assert.deepEqual(await arange(2, 10, 3).array(), [2, 5, 8]);
  assert.equal(arange(2, 10, 3).dtype, "int32");
  assert.deepEqual(await arange(5, 0, -2).array(), [5, 3, 1]);
  const f = arange(0, 1, 0.25);
  assert.equal(f.dtype, "float32");
  assert.deepEqual(await f.array(), [0, 0.25, 0.5, 0.75]);
  assert.equal(arange(1.5).dtype, "float32");
  assert.deepEqual(await arange(1.5).array(), [0, 1]);
  assert.equal(arange(3, undefined, 1, { dtype: "float32" }).dtype, "float32");
  assert.deepEqual(arange(3, 3).shape, [0]);
  assert.deepEqual(arange(3, 0).shape, [0]);
  assertThrowsWith(() => arange(0, 5, 0), "arange", "step must be a nonzero number");
});

Deno.test("linspace includes both ends", async () => {
  const l = linspace(0, 1, 5);
  assert.equal(l.dtype, "float32");
  assert.deepEqual(await l.array(), [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(await linspace(-1, 1, 3).array(), [-1, 0, 1]);
  assert.deepEqual(await linspace(2, 3, 1).array(), [2]);
  assert.deepEqual(await linspace(3, -3, 4).array(), [3, 1, -1, -3]);
  const long = await linspace(-2.5, 7.25, 101).data();
  assert.equal(long[0], -2.5);
  assert.equal(long[100], 7.25);
  assertThrowsWith(() => linspace(0, 1, 0), "linspace", "positive integer");
});

Deno.test("eye: square and rectangular identities", async () => {
  assert.deepEqual(await eye(3).array(), [[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
  assert.deepEqual(await eye(2, 3).array(), [[1, 0, 0], [0, 1, 0]]);
  assert.deepEqual(await eye(3, 2).array(), [[1, 0], [0, 1], [0, 0]]);
  assert.equal(eye(2).dtype, "float32");
  assert.equal(eye(2, 2, { dtype: "int32" }).dtype, "int32");
});

Deno.test("seed: the same seed gives the same draws, another seed different ones", async () => {
  seed(42);
  const a = [await rand([7]).data(), await randn([5]).data(), await randint(0, 100, [6]).data()];
  seed(42);
  const b = [await rand([7]).data(), await randn([5]).data(), await randint(0, 100, [6]).data()];
  for (let i = 0; i < 3; i++) assert.deepEqual(a[i], b[i]);
  seed(43);
  assert.notDeepEqual(await rand([7]).data(), a[0]);
  // Reseeding between two halves of a normal pair must not reuse the cached second value.
  seed(7);
  const first = await randn([3]).data();
  seed(7);
  assert.deepEqual(await randn([3]).data(), first);
  // A private generator does not move the global stream.
  seed(5);
  const x = await rand([4]).data();
  seed(5);
  new Rng(5).uniform();
  assert.deepEqual(await rand([4]).data(), x);
  assertThrowsWith(() => seed(Number.NaN), "seed", "finite");
});

Deno.test("rand, randn, randint: ranges and moments on 10k draws", async () => {
  seed(123);
  const u = await rand([100, 100]).data();
  assert.equal(u.length, 10000);
  let min = Infinity, max = -Infinity, sum = 0;
  for (const v of u) {
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
  }
  assert.ok(min >= 0 && max < 1, `rand outside [0, 1): ${min} … ${max}`);
  assert.ok(Math.abs(sum / u.length - 0.5) < 0.02, `rand mean ${sum / u.length}`);
  const r = await rand([1000], { low: -3, high: -1 }).data();
  assert.ok(r.every((v) => v >= -3 && v < -1));

  const n = await randn([10000]).data();
  let s = 0, s2 = 0;
  for (const v of n) {
    s += v;
    s2 += v * v;
  }
  const mean = s / n.length, std = Math.sqrt(s2 / n.length - mean * mean);
  assert.ok(Math.abs(mean) < 0.04, `randn mean ${mean}`);
  assert.ok(Math.abs(std - 1) < 0.04, `randn std ${std}`);
  const m = await randn([10000], { mean: 5, std: 0.5 }).data();
  let mm = 0;
  for (const v of m) mm += v / m.length;
  assert.ok(Math.abs(mm - 5) < 0.03, `randn(mean 5) mean ${mm}`);
  assert.equal(randn([2]).dtype, "float32");

  const k = randint(-2, 3, [5000]);
  assert.equal(k.dtype, "int32");
  const counts = new Map<number, number>();
  for (const v of await k.data()) counts.set(v, (counts.get(v) ?? 0) + 1);
  assert.deepEqual([...counts.keys()].sort((a, b) => a - b), [-2, -1, 0, 1, 2]);
  for (const c of counts.values()) assert.ok(c > 800 && c < 1200, `randint count ${c}`);
  assertThrowsWith(() => randint(3, 3, [2]), "randint", "low < high");
});

Deno.test("views: transpose, slice and reshape share storage with the right strides", async () => {
  const t = tensor([[1, 2, 3], [4, 5, 6]]);
  const tt = t.transpose();
  assert.deepEqual(tt.shape, [3, 2]);
  assert.deepEqual(tt.strides, [1, 3]);
  assert.equal(tt.isContiguous, false);
  assert.equal(tt.storage, t.storage);
  assert.deepEqual(await tt.array(), [[1, 4], [2, 5], [3, 6]]);
  assert.deepEqual([...await tt.data()], [1, 4, 2, 5, 3, 6]);

  const s = t.slice([0, 1], [2, 2]);
  assert.equal(s.offset, 1);
  assert.deepEqual(s.strides, [3, 1]);
  assert.equal(s.isContiguous, false);
  assert.deepEqual(await s.array(), [[2, 3], [5, 6]]);

  // A row slice is contiguous but offset.
  const row = t.slice([1], [1]);
  assert.equal(row.offset, 3);
  assert.equal(row.isContiguous, true);
  assert.deepEqual([...await row.data()], [4, 5, 6]);
  assert.equal(row.storage, t.storage);

  const r = t.reshape([3, 2]);
  assert.equal(r.storage, t.storage);
  assert.equal(r.isContiguous, true);
  assert.deepEqual(await r.array(), [[1, 2], [3, 4], [5, 6]]);
  // Reshaping a non-contiguous view copies, in the view's row-major order.
  const rt = tt.reshape([6]);
  assert.notEqual(rt.storage, t.storage);
  assert.deepEqual(await rt.array(), [1, 4, 2, 5, 3, 6]);

  // A broadcast view repeats with stride 0.
  const b = tensor([1, 2, 3]).broadcastTo([2, 3]);
  assert.deepEqual(b.strides, [0, 1]);
  assert.equal(b.isContiguous, false);
  assert.deepEqual(await b.array(), [[1, 2, 3], [1, 2, 3]]);
  // Size-1 dimensions may carry any stride and stay contiguous.
  assert.equal(tensor([[1, 2, 3]]).transpose().transpose().isContiguous, true);
  assert.equal(tensor([[1], [2]]).transpose().isContiguous, true);
});

Deno.test("readout: data and array agree, also for views; reads are copies", async () => {
  const t = tensor([[1, 2], [3, 4], [5, 6]]).transpose().slice([0, 1]);
  assert.deepEqual(t.shape, [2, 2]);
  assert.deepEqual(await t.array(), [[3, 5], [4, 6]]);
  const d = await t.data();
  assert.ok(d instanceof Float32Array);
  assert.deepEqual([...d], [3, 5, 4, 6]);
  // Reads are copies: writing into one does not change the tensor.
  const full = tensor([1, 2, 3]);
  (await full.data())[1] = 100;
  assert.deepEqual(await full.array(), [1, 2, 3]);
});

Deno.test("readout: dataSync, toArray and item, also for views", SYNC_READS, () => {
  const t = tensor([[1, 2], [3, 4], [5, 6]]).transpose().slice([0, 1]);
  assert.deepEqual(t.toArray(), [[3, 5], [4, 6]]);
  assert.ok(t.dataSync() instanceof Float32Array);
  assert.deepEqual([...t.dataSync()], [3, 5, 4, 6]);
  // Reads are copies: writing into one does not change the tensor.
  const full = tensor([1, 2, 3]);
  full.dataSync()[0] = 100;
  assert.deepEqual(full.toArray(), [1, 2, 3]);

  assert.equal(scalar(4).item(), 4);
  assert.equal(tensor([[7]]).item(), 7);
  assert.equal(tensor([1, 2, 3]).slice([2]).item(), 3);
  assertThrowsWith(() => tensor([[1, 2, 3], [4, 5, 6]]).item(), "item", "[2, 3]", "6 elements");
  assertThrowsWith(() => zeros([0]).item(), "item", "[0]");
});

// toString reads the values synchronously; on the GPU it prints the header and points to
// `await t.data()` instead.
Deno.test("toString: header plus aligned values", SYNC_READS, () => {
  const s = tensor([[1, -2.5], [3, 4]]).toString();
  assert.equal(s, "Tensor [2, 2] float32\n[[ 1.0000, -2.5000],\n [ 3.0000,  4.0000]]");
  assert.equal(
    tensor([1, 20, 300], { dtype: "int32" }).toString(),
    "Tensor [3] int32\n[  1,  20, 300]",
  );
  assert.equal(scalar(2).toString(), "Tensor [] float32\n2.0000");
  assert.equal(`${tensor([Number.NaN, Infinity])}`, "Tensor [2] float32\n[nan, inf]");
  assert.match(tensor([1e6, 2]).toString(), /1\.0000e\+6/);
  const d = tensor([1, 2]);
  d.dispose();
  assert.equal(d.toString(), "Tensor [2] float32 (disposed)");
});

Deno.test("toString: big tensors are summarised with ...", SYNC_READS, () => {
  const s = arange(2000).toString();
  assert.equal(s, "Tensor [2000] int32\n[   0,    1,    2, ..., 1997, 1998, 1999]");
  const m = arange(40 * 40).reshape([40, 40]).toString();
  const lines = m.split("\n");
  assert.equal(lines[0], "Tensor [40, 40] int32");
  assert.equal(lines.length, 1 + 7); // 3 rows, "...", 3 rows
  assert.equal(lines[1], "[[   0,    1,    2, ...,   37,   38,   39],");
  assert.equal(lines[4], " ...,");
  assert.equal(lines[7], " [1560, 1561, 1562, ..., 1597, 1598, 1599]]");
  assert.ok(m.length < 400, "a summary stays short");
  // A dataset-sized tensor prints quickly: only the shown corners are formatted.
  const big = zeros([20000, 784]);
  const t0 = performance.now();
  const text = big.toString();
  assert.ok(
    performance.now() - t0 < 1000,
    `toString of [20000, 784] took ${performance.now() - t0} ms`,
  );
  assert.equal(text.split("\n").length, 8);
  big.dispose();
  // Notation follows the shown values: a huge hidden value does not force scientific notation.
  const hidden = arange(3000).toFloat().mul(arange(3000).equal(1500).mul(1e9).add(1));
  assert.ok(
    hidden.toString().includes("[   0.0000,    1.0000,    2.0000, ..., 2997.0000, "),
    hidden.toString(),
  );
  // Small tensors are printed in full.
  assert.ok(!arange(100).toString().includes("..."));
  assert.ok(!arange(24).reshape([2, 3, 4]).toString().includes("..."));
  assert.equal(
    arange(8).reshape([2, 2, 2]).toString(),
    "Tensor [2, 2, 2] int32\n[[[0, 1],\n  [2, 3]],\n\n [[4, 5],\n  [6, 7]]]",
  );
});

Deno.test("assertClose compares arrays and numbers with tolerances", () => {
  assertClose([1, 2], [1, 2.000001]);
  assertClose([[1, 2]], [[1, 2]]);
  assertClose(1, 1);
  assertClose([Number.NaN], [Number.NaN]);
  assertThrowsWith(() => assertClose([1, 2], [1, 2.1]), "1 of 2 elements", "index 1");
  assertThrowsWith(() => assertClose([1, 2], [[1, 2]]), "shape [2]", "[1, 2]");
  assertThrowsWith(() => assertClose([Number.NaN], [1]), "1 of 1");
  assertThrowsWith(() => assertClose([Infinity], [-Infinity]), "1 of 1");
  assertThrowsWith(() => assertThrowsWith(() => {}, "x"), "nothing was thrown");
  assertThrowsWith(
    () =>
      assertThrowsWith(() => {
        throw new Error("abc");
      }, "xyz"),
    "does not mention",
    "xyz",
  );
});

Deno.test("assertClose reads tensors synchronously", SYNC_READS, () => {
  assertClose(tensor([1, 2]), [1, 2.000001]);
  assertClose(tensor([[1, 2]]), [[1, 2]]);
  assertClose(scalar(1), 1);
  assertThrowsWith(() => assertClose(tensor([1, 2]), [1, 2.1]), "1 of 2 elements", "index 1");
  assertThrowsWith(() => assertClose(tensor([1, 2]), [[1, 2]]), "shape [2]", "[1, 2]");
});

Deno.test("assertCloseAsync compares tensors on any backend by the same rules", async () => {
  await assertCloseAsync(tensor([1, 2]), [1, 2.000001]);
  await assertCloseAsync(tensor([[1, 2]]), [[1, 2]]);
  await assertCloseAsync(scalar(1), 1);
  await assertCloseAsync(tensor([Number.NaN, 3]), tensor([Number.NaN, 3]));
  await assertRejectsWith(
    () => assertCloseAsync(tensor([1, 2]), [1, 2.1]),
    "1 of 2 elements",
    "index 1",
  );
  await assertRejectsWith(() => assertCloseAsync(tensor([1, 2]), [[1, 2]]), "shape [2]", "[1, 2]");
  await assertRejectsWith(() => assertCloseAsync(tensor([Infinity]), [-Infinity]), "1 of 1");
});
