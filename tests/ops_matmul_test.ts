/**
 * matmul with NumPy semantics (batched, batch dimensions broadcasting, 1-D operands promoted and
 * dropped), on every operand layout the kernel sees: contiguous, transposed views, broadcast batch
 * views, offset and strided slices. Forward values against TensorFlow.js, gradients against float64
 * finite differences and tfjs's `tf.grads`; dtype rules and error messages. fusedMatmul (bias and
 * ReLU in the product's kernel) against the unfused ops and `tf.fused.matMul`. Also cast, toFloat
 * and toInt. The file belongs to the shared op suite: it runs on `cpu` and on `webgpu`
 * (`tests/helpers/backend.ts`); on `webgpu` the finite differences are float32 ones.
 */

import assert from "node:assert/strict";
import {
  add,
  assertCloseAsync,
  assertThrowsWith,
  broadcastTo,
  cast,
  type DType,
  fromArray,
  fusedMatmul,
  gradcheck,
  grads,
  matmul,
  mul,
  relu,
  scalar,
  slice,
  sum,
  swapAxes,
  type Tensor,
  tensor,
  toFloat,
  toInt,
  transpose,
} from "../lib/mod.ts";
import { FLOAT64_ONLY } from "./helpers/backend.ts";
import { assertCloseTf, assertGradsTf, randomTensor, tf, toTf } from "./helpers/tfjs.ts";

/**
 * NumPy's matmul spelled in tfjs: tf.matMul needs rank ≥ 2 and equal batch dimensions, so vectors
 * are promoted to matrices (and the added dimension dropped afterwards) and batches are broadcast
 * explicitly.
 */
function tfMatmul(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const a2 = a.rank === 1 ? tf.reshape(a, [1, a.shape[0]]) : a;
  const b2 = b.rank === 1 ? tf.reshape(b, [b.shape[0], 1]) : b;
  const batch = tf.backend_util.assertAndGetBroadcastShape(
    a2.shape.slice(0, -2),
    b2.shape.slice(0, -2),
  );
  const y = tf.matMul(
    tf.broadcastTo(a2, [...batch, ...a2.shape.slice(-2)]),
    tf.broadcastTo(b2, [...batch, ...b2.shape.slice(-2)]),
  );
  const added = (i: number) =>
    (a.rank === 1 && i === y.rank - 2) || (b.rank === 1 && i === y.rank - 1);
  return tf.reshape(y, y.shape.filter((_, i) => !added(i)));
}

const name = (s: readonly number[]) => JSON.stringify(s);

/** Shape pairs and the NumPy result shape. */
const CASES: readonly { a: number[]; b: number[]; out: number[] }[] = [
  { a: [3, 5], b: [5, 4], out: [3, 4] },
  { a: [1, 5], b: [5, 1], out: [1, 1] },
  { a: [1, 1], b: [1, 7], out: [1, 7] },
  { a: [2, 1, 3, 4], b: [5, 4, 2], out: [2, 5, 3, 2] },
  { a: [3, 4], b: [2, 4, 5], out: [2, 3, 5] },
  { a: [2, 3, 4], b: [4, 3], out: [2, 3, 3] },
  { a: [1, 3, 2], b: [4, 2, 5], out: [4, 3, 5] },
  { a: [2, 1, 3, 4], b: [1, 3, 4, 2], out: [2, 3, 3, 2] },
  { a: [2, 3, 4], b: [4], out: [2, 3] },
  { a: [4], b: [2, 4, 5], out: [2, 5] },
  { a: [7], b: [7], out: [] },
  { a: [7], b: [7, 3], out: [3] },
  { a: [3, 7], b: [7], out: [3] },
  { a: [5], b: [1, 5, 1], out: [1, 1] },
];

for (const [k, { a: sa, b: sb, out }] of CASES.entries()) {
  const what = `${name(sa)} @ ${name(sb)}`;
  Deno.test(`matmul ${what}: NumPy shape ${name(out)}; values and gradients match tfjs`, async () => {
    const a = randomTensor(sa, 10 + 2 * k), b = randomTensor(sb, 11 + 2 * k);
    const y = matmul(a, b);
    assert.deepEqual(y.shape, out, what);
    assert.equal(y.dtype, "float32", what);
    await assertCloseTf(y, tfMatmul(await toTf(a), await toTf(b)), { message: what });
    // The method form is the same op.
    await assertCloseAsync(a.matmul(b), y, { message: `${what} as a method` });
    await gradcheck(matmul, [a, b]);
    await assertGradsTf(matmul, tfMatmul, [a, b], what);
  });
}

Deno.test("matmul: hand-checked products; one tensor on both sides", async () => {
  // A dot product, a matrix-vector product, a vector-matrix product, a column times a row.
  await assertCloseAsync(matmul(tensor([1, 2, 3]), tensor([4, 5, 6])), 32);
  await assertCloseAsync(matmul(tensor([[1, 2], [3, 4]]), tensor([1, -1])), [-1, -1]);
  await assertCloseAsync(matmul(tensor([1, -1]), tensor([[1, 2], [3, 4]])), [-2, -2]);
  await assertCloseAsync(matmul(tensor([[1], [2]]), tensor([[3, 4]])), [[3, 4], [6, 8]]);
  // x @ xᵀ: both gradient contributions reach x.
  const x = randomTensor([3, 4], 150);
  await gradcheck((t) => matmul(t, transpose(t)), [x]);
  await assertGradsTf(
    (t) => matmul(t, transpose(t)),
    (t) => tf.matMul(t, t, false, true),
    [x],
    "x @ xᵀ",
  );
});

/** Operand layouts: each builds a view from a fresh contiguous base and says what it is. */
const LAYOUTS: readonly {
  what: string;
  a: () => [Tensor, (t: Tensor) => Tensor, (t: tf.Tensor) => tf.Tensor];
  b: () => [Tensor, (t: Tensor) => Tensor, (t: tf.Tensor) => tf.Tensor];
}[] = [
  {
    what: "xᵀ @ y",
    a: () => [randomTensor([4, 3], 1), (t) => transpose(t), (t) => tf.transpose(t)],
    b: () => [randomTensor([4, 5], 2), (t) => t, (t) => t],
  },
  {
    what: "x @ yᵀ",
    a: () => [randomTensor([3, 4], 3), (t) => t, (t) => t],
    b: () => [randomTensor([5, 4], 4), (t) => transpose(t), (t) => tf.transpose(t)],
  },
  {
    what: "xᵀ @ yᵀ",
    a: () => [randomTensor([4, 3], 5), (t) => transpose(t), (t) => tf.transpose(t)],
    b: () => [randomTensor([5, 4], 6), (t) => transpose(t), (t) => tf.transpose(t)],
  },
  {
    what: "batched swapAxes(x) @ y",
    a: () => [
      randomTensor([2, 4, 3], 7),
      (t) => swapAxes(t, -1, -2),
      (t) => tf.transpose(t, [0, 2, 1]),
    ],
    b: () => [randomTensor([4, 2], 8), (t) => t, (t) => t],
  },
  {
    what: "broadcast batch with a transposed operand",
    a: () => [
      randomTensor([2, 1, 4, 3], 9),
      (t) => swapAxes(t, -1, -2),
      (t) => tf.transpose(t, [0, 1, 3, 2]),
    ],
    b: () => [randomTensor([5, 4, 2], 10), (t) => t, (t) => t],
  },
  {
    what: "x @ batched swapAxes(y)",
    a: () => [randomTensor([3, 4], 11), (t) => t, (t) => t],
    b: () => [
      randomTensor([2, 5, 4], 12),
      (t) => swapAxes(t, -1, -2),
      (t) => tf.transpose(t, [0, 2, 1]),
    ],
  },
  {
    what: "a column slice (strided rows) @ y",
    a: () => [
      randomTensor([3, 8], 13),
      (t) => slice(t, [0, 1], [3, 4]),
      (t) => tf.slice(t, [0, 1], [3, 4]),
    ],
    b: () => [randomTensor([4, 2], 14), (t) => t, (t) => t],
  },
  {
    what: "a row slice (offset) @ a column slice",
    a: () => [
      randomTensor([5, 4], 15),
      (t) => slice(t, [1, 0], [3, 4]),
      (t) => tf.slice(t, [1, 0], [3, 4]),
    ],
    b: () => [
      randomTensor([4, 6], 16),
      (t) => slice(t, [0, 3], [4, 2]),
      (t) => tf.slice(t, [0, 3], [4, 2]),
    ],
  },
  {
    what: "batch dimensions that do not merge (transpose [1, 0, 2])",
    a: () => [
      randomTensor([3, 2, 4], 17),
      (t) => transpose(t, [1, 0, 2]),
      (t) => tf.transpose(t, [1, 0, 2]),
    ],
    b: () => [randomTensor([2, 4, 3], 18), (t) => t, (t) => t],
  },
  {
    what: "a broadcastTo view (zero batch stride) @ a transposed batch",
    a: () => [
      randomTensor([1, 3, 4], 19),
      (t) => broadcastTo(t, [2, 3, 4]),
      (t) => tf.broadcastTo(t, [2, 3, 4]),
    ],
    b: () => [
      randomTensor([2, 5, 4], 20),
      (t) => swapAxes(t, 1, 2),
      (t) => tf.transpose(t, [0, 2, 1]),
    ],
  },
  {
    what: "a transposed single row and column (size-1 dims with odd strides)",
    a: () => [randomTensor([4, 1], 21), (t) => transpose(t), (t) => tf.transpose(t)],
    b: () => [randomTensor([1, 4], 22), (t) => transpose(t), (t) => tf.transpose(t)],
  },
  {
    what: "a transposed vector-like [3, 1] @ [1, 5]",
    a: () => [randomTensor([1, 3], 23), (t) => transpose(t), (t) => tf.transpose(t)],
    b: () => [randomTensor([5, 1], 24), (t) => transpose(t), (t) => tf.transpose(t)],
  },
];

for (const { what, a, b } of LAYOUTS) {
  Deno.test(`matmul with ${what}: values and gradients match tfjs`, async () => {
    const [baseA, viewA, tfViewA] = a();
    const [baseB, viewB, tfViewB] = b();
    const before = Float32Array.from(await baseA.data());
    const y = matmul(viewA(baseA), viewB(baseB));
    await assertCloseTf(y, tfMatmul(tfViewA(await toTf(baseA)), tfViewB(await toTf(baseB))), {
      message: what,
    });
    await assertCloseAsync(await baseA.data(), before, {
      message: `${what}: the operand is untouched`,
    });
    const ours = (p: Tensor, q: Tensor) => matmul(viewA(p), viewB(q));
    const theirs = (p: tf.Tensor, q: tf.Tensor) => tfMatmul(tfViewA(p), tfViewB(q));
    await gradcheck(ours, [baseA, baseB]);
    await assertGradsTf(ours, theirs, [baseA, baseB], what);
  });
}

Deno.test(
  "matmul: float32 with float64 gives float64; each input gets a gradient of its dtype",
  FLOAT64_ONLY,
  async () => {
    const a = randomTensor([2, 3], 30);
    const b = fromArray(Float64Array.from(await randomTensor([3, 2], 31).data()), [3, 2]);
    const y = matmul(a, b);
    assert.equal(y.dtype, "float64");
    await assertCloseTf(y, tf.matMul(await toTf(a), await toTf(b)));
    const [ga, gb] = grads((p, q) => sum(matmul(p, q)))(a, b);
    assert.equal(ga.dtype, "float32");
    assert.equal(gb.dtype, "float64");
    await assertCloseTf(ga, tf.matMul(tf.ones([2, 2]), await toTf(b), false, true));
    await assertCloseTf(gb, tf.matMul(await toTf(a), tf.ones([2, 2]), true, false));
    // float64 products keep float64 precision.
    const d = fromArray(Float64Array.from([0.1, 0.2]), [1, 2]);
    const e = fromArray(Float64Array.from([0.3, 0.4]), [2, 1]);
    assert.equal((await matmul(d, e).data())[0], 0.1 * 0.3 + 0.2 * 0.4);
  },
);

Deno.test("matmul errors name both shapes", () => {
  const x = randomTensor([3, 4], 40);
  assertThrowsWith(
    () => matmul(x, randomTensor([5, 2], 41)),
    "matmul",
    "[3, 4]",
    "[5, 2]",
    "inner",
  );
  assertThrowsWith(
    () => matmul(randomTensor([3], 42), randomTensor([4], 43)),
    "matmul",
    "[3]",
    "[4]",
  );
  assertThrowsWith(() => matmul(x, randomTensor([5], 44)), "matmul", "[3, 4]", "[5]", "4 columns");
  assertThrowsWith(
    () => matmul(randomTensor([2, 3, 4], 45), randomTensor([3, 4, 5], 46)),
    "matmul",
    "[2, 3, 4]",
    "[3, 4, 5]",
    "cannot be broadcast",
  );
  assertThrowsWith(() => matmul(scalar(2), x), "matmul", "at least one dimension", "[]");
  assertThrowsWith(() => matmul(x, scalar(2)), "matmul", "at least one dimension");
  const i = fromArray(Int32Array.from([1, 2, 3, 4]), [2, 2]);
  assertThrowsWith(
    () => matmul(i, randomTensor([2, 2], 47)),
    "matmul",
    "needs a float tensor",
    "int32",
  );
  assertThrowsWith(
    () => matmul(randomTensor([2, 2], 47), i),
    "matmul",
    "needs a float tensor",
    "int32",
  );
});

// ---------------------------------------------------------------------------------------------
// fusedMatmul: the product with its bias and activation in one kernel

/** A dense layer's shapes: input, weight [in, out], and a name for the messages. */
const FUSED_CASES: readonly { what: string; x: number[]; w: number[] }[] = [
  { what: "one row", x: [1, 5], w: [5, 3] },
  { what: "odd sizes", x: [7, 9], w: [9, 11] },
  // Multiples of 4 everywhere: the WebGPU kernel loads these operands as vec4s.
  { what: "aligned sizes", x: [12, 8], w: [8, 16] },
  { what: "a batched input [B, T, in]", x: [2, 3, 6], w: [6, 4] },
  { what: "a vector input", x: [6], w: [6, 5] },
];

/** relu(x @ w + b) (or without the relu or the bias) as the unfused ops compute it. */
function composed(x: Tensor, w: Tensor, b: Tensor | null, activation: "none" | "relu"): Tensor {
  const y = b ? add(matmul(x, w), b) : matmul(x, w);
  return activation === "relu" ? relu(y) : y;
}

/** The same in tfjs: tf.fused.matMul (rank ≥ 2, equal batch dimensions) and back to x's rank. */
function tfFused(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor | null, activation: "linear" | "relu") {
  const x2 = x.rank === 1 ? tf.reshape(x, [1, x.shape[0]]) : x;
  const w2 = x2.rank > 2 ? tf.broadcastTo(w, [...x2.shape.slice(0, -2), ...w.shape]) : w;
  const y = tf.fused.matMul({ a: x2, b: w2, bias: b ?? undefined, activation });
  return x.rank === 1 ? tf.reshape(y, [y.shape[y.rank - 1]]) : y;
}

for (const [c, { what, x: sx, w: sw }] of FUSED_CASES.entries()) {
  for (const activation of ["none", "relu"] as const) {
    for (const withBias of [true, false]) {
      if (!withBias && activation === "none") continue; // plain matmul, tested above
      const name = `${what}, ${withBias ? "bias" : "no bias"}, ${activation}`;
      Deno.test(`fusedMatmul with ${name}: the unfused values and gradients; tfjs`, async () => {
        const x = randomTensor(sx, 60 + c), w = randomTensor(sw, 70 + c);
        const b = withBias ? randomTensor([sw[1]], 80 + c) : null;
        const ours = (...ts: Tensor[]) => fusedMatmul(ts[0], ts[1], { bias: ts[2], activation });
        const inputs = b ? [x, w, b] : [x, w];
        const y = ours(...inputs);
        // One kernel, the same rounding: the values are exactly the composition's.
        const unfused = composed(x, w, b, activation);
        assert.deepEqual(y.shape, unfused.shape, name);
        assert.deepEqual(await y.data(), await unfused.data(), name);
        const tfActivation = activation === "relu" ? "relu" : "linear";
        const theirs = (...ts: tf.Tensor[]) => tfFused(ts[0], ts[1], ts[2] ?? null, tfActivation);
        await assertCloseTf(y, theirs(...await Promise.all(inputs.map(toTf))), { message: name });
        // Gradients: against the composition's, finite differences and tfjs.
        const r = randomTensor(y.shape, 90 + c);
        const weighted = (f: (...ts: Tensor[]) => Tensor) => (...ts: Tensor[]) =>
          sum(mul(f(...ts), r));
        const got = grads(weighted(ours))(...inputs);
        const want = grads(weighted((...ts) => composed(ts[0], ts[1], ts[2] ?? null, activation)))(
          ...inputs,
        );
        for (const [i, g] of got.entries()) {
          await assertCloseAsync(g, want[i], { message: `${name}: gradient ${i}` });
        }
        await gradcheck(ours, inputs);
        await assertGradsTf(ours, theirs, inputs, name);
      });
    }
  }
}

Deno.test("fusedMatmul: a scalar or [1] bias broadcasts to every column", async () => {
  const x = randomTensor([3, 4], 100), w = randomTensor([4, 5], 101);
  for (const shape of [[], [1]]) {
    const b = randomTensor(shape, 102);
    const y = fusedMatmul(x, w, { bias: b, activation: "relu" });
    assert.deepEqual(
      await y.data(),
      await relu(add(matmul(x, w), b)).data(),
      `bias ${name(shape)}`,
    );
    await gradcheck((p, q, s) => fusedMatmul(p, q, { bias: s, activation: "relu" }), [x, w, b]);
  }
  // A number is a scalar of the product's dtype.
  await assertCloseAsync(fusedMatmul(x, w, { bias: 0.5 }), add(matmul(x, w), 0.5));
});

Deno.test("fusedMatmul: transposed and batched operands, as matmul reads them", async () => {
  const a = randomTensor([2, 8, 4], 110), b = randomTensor([2, 12, 8], 111);
  const bias = randomTensor([12], 112);
  const f = (p: Tensor, q: Tensor, s: Tensor) =>
    fusedMatmul(swapAxes(p, -1, -2), swapAxes(q, -1, -2), { bias: s, activation: "relu" });
  const y = f(a, b, bias);
  const want = relu(add(matmul(swapAxes(a, -1, -2), swapAxes(b, -1, -2)), bias));
  assert.deepEqual(await y.data(), await want.data());
  await gradcheck(f, [a, b, bias]);
});

Deno.test("fusedMatmul: relu keeps NaN, as the relu op does", async () => {
  const x = tensor([[NaN, 1], [1, 1]]), w = tensor([[1, -1], [1, -3]]);
  const y = fusedMatmul(x, w, { bias: tensor([0, 1]), activation: "relu" });
  await assertCloseAsync(y, [[NaN, NaN], [2, 0]]);
});

Deno.test(
  "fusedMatmul: a float64 bias makes the whole product float64; gradients keep their dtypes",
  FLOAT64_ONLY,
  async () => {
    const x = randomTensor([3, 4], 130), w = randomTensor([4, 2], 131);
    const b = cast(randomTensor([2], 132), "float64");
    const y = fusedMatmul(x, w, { bias: b, activation: "relu" });
    assert.equal(y.dtype, "float64");
    const [x64, w64] = [cast(x, "float64"), cast(w, "float64")];
    assert.deepEqual(await y.data(), await relu(add(matmul(x64, w64), b)).data());
    const got = grads((p, q, r) => sum(fusedMatmul(p, q, { bias: r, activation: "relu" })))(
      x,
      w,
      b,
    );
    assert.deepEqual(got.map((g) => g.dtype), ["float32", "float32", "float64"]);
  },
);

Deno.test("fusedMatmul errors name the op, the bias and the shapes", () => {
  const x = randomTensor([3, 4], 120), w = randomTensor([4, 5], 121);
  assertThrowsWith(
    () => fusedMatmul(x, w, { bias: randomTensor([4], 122) }),
    "fusedMatmul",
    "bias [4]",
    "[5]",
  );
  assertThrowsWith(
    () => fusedMatmul(x, w, { bias: randomTensor([3, 5], 123) }),
    "fusedMatmul",
    "bias [3, 5]",
  );
  assertThrowsWith(
    // A caller without type checking can pass any string.
    () => fusedMatmul(x, w, { activation: "tanh" as "relu" }),
    "fusedMatmul",
    "unknown activation",
    "use one of 'none', 'relu'",
    "'tanh'",
  );
  assertThrowsWith(
    () => fusedMatmul(x, randomTensor([5, 2], 124), { activation: "relu" }),
    "fusedMatmul",
    "[3, 4]",
    "[5, 2]",
    "inner",
  );
  const i = fromArray(Int32Array.from([1, 2, 3, 4, 5]), [5]);
  assertThrowsWith(
    () => fusedMatmul(x, w, { bias: i }),
    "fusedMatmul",
    "needs a float tensor",
    "int32",
  );
});

// ---------------------------------------------------------------------------------------------
// cast, toFloat, toInt

Deno.test("cast: float to int32 truncates toward zero, like tf.cast; int to float is exact", async () => {
  const x = tensor([-2.7, -0.5, 0.5, 2.7, -3, 1e6 + 0.75]);
  const i = toInt(x);
  assert.equal(i.dtype, "int32");
  assert.deepEqual(await i.array(), [-2, 0, 0, 2, -3, 1000000]);
  assert.deepEqual(await i.array(), tf.cast(await toTf(x), "int32").arraySync());
  assert.deepEqual(await cast(x, "int32").array(), await i.array());
  const f = toFloat(i);
  assert.equal(f.dtype, "float32");
  await assertCloseAsync(f, [-2, 0, 0, 2, -3, 1e6]);
  // Casting a strided view reads its logical order.
  const m = randomTensor([3, 4], 50, -5, 5);
  assert.deepEqual(
    await toInt(transpose(m)).array(),
    tf.cast(tf.transpose(await toTf(m)), "int32").arraySync(),
  );
  // Casting to the same dtype is the identity.
  assert.equal(cast(m, "float32"), m);
  assert.equal(toFloat(m), m);
  // Nested arrays and numbers are accepted.
  assert.deepEqual(await toInt([[1.9, -1.9]]).array(), [[1, -1]]);
  assert.equal((await toInt(3.99).data())[0], 3);
});

Deno.test("cast: float32 → float64 → float32 round-trips exactly", FLOAT64_ONLY, async () => {
  const m = randomTensor([3, 4], 50, -5, 5);
  const d = cast(m, "float64");
  assert.equal(d.dtype, "float64");
  assert.deepEqual(await cast(d, "float32").data(), await m.data());
});

Deno.test(
  "cast: gradients flow between float types in the input's dtype",
  FLOAT64_ONLY,
  async () => {
    const x = randomTensor([2, 3], 60);
    const r = randomTensor([2, 3], 61);
    const [g32] = grads((t) => sum(mul(cast(t, "float64"), r)))(x);
    assert.equal(g32.dtype, "float32");
    await assertCloseAsync(g32, r);
    const x64 = cast(x, "float64");
    const [g64] = grads((t) => sum(mul(cast(t, "float32"), r)))(x64);
    assert.equal(g64.dtype, "float64");
    await assertCloseAsync(g64, r);
    await gradcheck((t) => mul(cast(t, "float64"), t), [x]);
    await assertGradsTf(
      (t) => mul(cast(t, "float64"), 3),
      (t) => tf.mul(tf.cast(t, "float32"), 3),
      [x],
      "cast",
    );
  },
);

Deno.test("cast: int32 ends the graph", async () => {
  const x = randomTensor([2, 3], 60);
  // toInt has no gradient: the result is a constant outside the graph.
  const w = randomTensor([3], 62);
  w.requiresGrad = true;
  const n = toInt(w);
  assert.equal(n.requiresGrad, false);
  assert.equal(n.gradNode, null);
  // And a function that only uses x through toInt has a zero gradient.
  await assertCloseAsync(grads((t) => sum(toFloat(toInt(t))))(x)[0], [[0, 0, 0], [0, 0, 0]]);
});

Deno.test("cast errors: an unknown dtype lists the valid ones", () => {
  const x = tensor([1, 2]);
  assertThrowsWith(
    // A caller without type checking (a notebook cell, plain JavaScript) can pass any string.
    () => cast(x, "float16" as DType),
    "cast",
    "unknown dtype 'float16'",
    "float32",
    "int32",
  );
});
