/**
 * Elementwise ops: binary arithmetic with broadcasting (add, sub, mul, div, pow, maximum, minimum),
 * the unary functions, comparisons and `where`. Forward values against TensorFlow.js on awkward
 * shapes (odd sizes, size-1 dims, broadcasting on both sides, scalars, strided views), gradients
 * against float64 finite differences and against tfjs's `tf.grads`, dtype promotion and int32
 * arithmetic, the choices we make at kinks, numerical stability, and the error messages. The file
 * belongs to the shared op suite: it runs on `cpu` and on `webgpu` (`tests/helpers/backend.ts`); on
 * `webgpu` the finite differences are float32 ones.
 */

import assert from "node:assert/strict";
import {
  abs,
  add,
  assertClose,
  assertCloseAsync,
  assertThrowsWith,
  broadcastTo,
  clip,
  div,
  equal,
  exp,
  fromArray,
  gradcheck,
  grads,
  greater,
  greaterEqual,
  leakyRelu,
  less,
  lessEqual,
  log,
  maximum,
  minimum,
  mul,
  neg,
  notEqual,
  pow,
  relu,
  Rng,
  scalar,
  sigmoid,
  sign,
  slice,
  softplus,
  sqrt,
  square,
  sub,
  sum,
  tanh,
  type Tensor,
  tensor,
  type TensorLike,
  transpose,
  where,
} from "../lib/mod.ts";
import { FLOAT64_ONLY } from "./helpers/backend.ts";
import { assertCloseTf, assertGradsTf, tf, toTf } from "./helpers/tfjs.ts";

/** Domain of random inputs: uniform in [lo, hi), then pushed at least `margin` away from `avoid`. */
interface Domain {
  readonly lo: number;
  readonly hi: number;
  readonly avoid?: readonly number[];
  readonly margin?: number;
}

const ANY: Domain = { lo: -2, hi: 2 };

const size = (shape: readonly number[]) => shape.reduce((n, d) => n * d, 1);

/**
 * A random float32 tensor in a domain (the draws of `randomTensor(shape, seed, lo, hi)`, made on the
 * host). Values closer than `margin` to a point to avoid (a kink, a pole, a clip bound) move
 * `margin` further away on their own side, so finite differences never straddle the point.
 */
function sample(shape: readonly number[], seed: number, d: Domain = ANY): Tensor {
  const rng = new Rng(seed);
  const values = Float32Array.from(
    { length: size(shape) },
    () => d.lo + (d.hi - d.lo) * rng.uniform(),
  );
  const margin = d.margin ?? 0.1;
  for (let i = 0; i < values.length; i++) {
    for (const p of d.avoid ?? []) {
      if (Math.abs(values[i] - p) < margin) values[i] += values[i] >= p ? margin : -margin;
    }
  }
  return fromArray(values, shape);
}

/** A number from a domain, for scalar operands (the domain's midpoint, off its avoided points). */
function sampleNumber(d: Domain): number {
  return d.avoid?.length ? (d.hi + d.lo) / 2 + 0.37 : (d.lo + 3 * d.hi) / 4;
}

const shapeName = (s: readonly number[]) => JSON.stringify(s);

// ---------------------------------------------------------------------------------------------
// binary arithmetic

interface BinarySpec {
  readonly name: string;
  readonly ours: (a: TensorLike, b: TensorLike) => Tensor;
  readonly theirs: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;
  /** Domain of the first operand (default [-2, 2)). */
  readonly a?: Domain;
  /** Domain of the second operand (default [-2, 2)). */
  readonly b?: Domain;
}

/**
 * tfjs 4.22's Maximum and Minimum gradients do not sum over broadcast dimensions (tf.grads throws a
 * shape error), so the reference broadcasts both operands explicitly first.
 */
function broadcastFirst(
  f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor,
): (a: tf.Tensor, b: tf.Tensor) => tf.Tensor {
  return (a, b) => {
    const shape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    return f(tf.broadcastTo(a, shape), tf.broadcastTo(b, shape));
  };
}

const BINARY: readonly BinarySpec[] = [
  { name: "add", ours: add, theirs: tf.add },
  { name: "sub", ours: sub, theirs: tf.sub },
  { name: "mul", ours: mul, theirs: tf.mul },
  // Divisors stay at least 0.4 away from zero, on both sides of it.
  { name: "div", ours: div, theirs: tf.div, b: { lo: -2, hi: 2, avoid: [0], margin: 0.4 } },
  // The exponent's gradient needs log(base), so bases are positive.
  { name: "pow", ours: pow, theirs: tf.pow, a: { lo: 0.3, hi: 2 } },
  { name: "maximum", ours: maximum, theirs: broadcastFirst(tf.maximum) },
  { name: "minimum", ours: minimum, theirs: broadcastFirst(tf.minimum) },
];

/** Operand shape pairs: broadcasting on both sides, size-1 dims, scalars, odd sizes. */
const PAIRS: readonly (readonly [number[], number[]])[] = [
  [[3, 1, 5], [4, 1]],
  [[4, 1], [3, 1, 5]],
  [[1, 5], [3, 1]],
  [[2, 3, 1], [1, 1, 5]],
  [[7], []],
  [[], [3, 5]],
  [[3, 5], [3, 5]],
  [[1], [1, 1, 7]],
  [[5, 1, 3], [1, 1]],
];

/** The pairs small enough for finite differences (at most 60 output elements). */
const GRAD_PAIRS = PAIRS.filter(([a, b]) => [a, b].every((s) => size(s) <= 60));

for (const [k, spec] of BINARY.entries()) {
  const { name, ours, theirs } = spec;
  const da = spec.a ?? ANY, db = spec.b ?? ANY;

  Deno.test(`${name}: forward matches tfjs, broadcasting both sides, numbers and strided views`, async () => {
    for (const [p, [sa, sb]] of PAIRS.entries()) {
      const a = sample(sa, 100 * k + 2 * p, da), b = sample(sb, 100 * k + 2 * p + 1, db);
      const what = `${name} ${shapeName(sa)} with ${shapeName(sb)}`;
      const y = ours(a, b);
      assert.equal(y.dtype, "float32", what);
      await assertCloseTf(y, theirs(await toTf(a), await toTf(b)), { message: what });
    }
    // A plain number on either side becomes a scalar of the tensor's dtype.
    const a = sample([3, 5], 100 * k + 50, da), b = sample([3, 5], 100 * k + 51, db);
    const na = sampleNumber(da), nb = sampleNumber(db);
    const right = ours(a, nb), left = ours(na, b);
    assert.equal(right.dtype, "float32");
    assert.equal(left.dtype, "float32");
    await assertCloseTf(right, theirs(await toTf(a), tf.scalar(nb)), {
      message: `${name}(tensor, ${nb})`,
    });
    await assertCloseTf(left, theirs(tf.scalar(na), await toTf(b)), {
      message: `${name}(${na}, tensor)`,
    });
    await assertCloseTf(ours(na, nb), theirs(tf.scalar(na), tf.scalar(nb)), {
      message: "two numbers",
    });
    // Non-contiguous operands: a transpose on the left, a zero-stride broadcast view on the right.
    const base = sample([5, 3], 100 * k + 52, da);
    const row = broadcastTo(sample([1, 5], 100 * k + 53, db), [3, 5]);
    await assertCloseTf(
      ours(transpose(base), row),
      theirs(tf.transpose(await toTf(base)), tf.broadcastTo(await toTf(row), [3, 5])),
      { message: `${name} of strided views` },
    );
    // Contiguous views that start at an offset into their storage (row slices), on both sides.
    const tall = sample([5, 5], 100 * k + 54, da), wide = sample([4, 5], 100 * k + 55, db);
    await assertCloseTf(
      ours(slice(tall, [2, 0], [3, 5]), slice(wide, [1, 0], [3, 5])),
      theirs(
        tf.slice(await toTf(tall), [2, 0], [3, 5]),
        tf.slice(await toTf(wide), [1, 0], [3, 5]),
      ),
      { message: `${name} of offset views` },
    );
  });

  Deno.test(`${name}: gradients match float64 finite differences and tf.grads`, async () => {
    for (const [p, [sa, sb]] of GRAD_PAIRS.entries()) {
      const a = sample(sa, 100 * k + 60 + 2 * p, da), b = sample(sb, 100 * k + 61 + 2 * p, db);
      const what = `${name} ${shapeName(sa)} with ${shapeName(sb)}`;
      await gradcheck((x, y) => ours(x, y), [a, b]);
      await assertGradsTf((x, y) => ours(x, y), theirs, [a, b], what);
    }
    // Gradients with a number operand, on either side.
    const a = sample([3, 5], 100 * k + 90, da), b = sample([3, 5], 100 * k + 91, db);
    const na = sampleNumber(da), nb = sampleNumber(db);
    await gradcheck((x) => ours(x, nb), [a]);
    await gradcheck((y) => ours(na, y), [b]);
    await assertGradsTf(
      (x) => ours(x, nb),
      (x) => theirs(x, tf.scalar(nb)),
      [a],
      `${name}(x, ${nb})`,
    );
    await assertGradsTf(
      (y) => ours(na, y),
      (y) => theirs(tf.scalar(na), y),
      [b],
      `${name}(${na}, y)`,
    );
    // Through strided views, and with one tensor on both sides.
    await gradcheck((x, y) => ours(transpose(x), y), [sample([5, 3], 100 * k + 92, da), b]);
    await gradcheck((x) => ours(x, x), [sample([2, 3], 100 * k + 93, { lo: 0.3, hi: 2 })]);
  });
}

Deno.test("binary ops: a shape mismatch names the op and both shapes", () => {
  const a = sample([3, 2], 1), b = sample([4, 3], 2);
  for (const { name, ours } of BINARY) {
    assertThrowsWith(() => ours(a, b), `${name}:`, "[3, 2]", "[4, 3]", "cannot be broadcast");
  }
  assertThrowsWith(() => add(sample([2, 3, 4], 3), sample([3, 1, 5], 4)), "[2, 3, 4]", "[3, 1, 5]");
});

Deno.test("int32 arithmetic stays int32 and matches tfjs exactly", async () => {
  const a = fromArray(Int32Array.from([7, -7, 3, 0, -2, 12, 5, -9, 1, 4, -1, 6]), [3, 4]);
  const b = fromArray(Int32Array.from([2, -3, 5, 4]), [4]);
  const cases: [string, (x: TensorLike, y: TensorLike) => Tensor, typeof tf.add][] = [
    ["add", add, tf.add],
    ["sub", sub, tf.sub],
    ["mul", mul, tf.mul],
    ["maximum", maximum, tf.maximum],
    ["minimum", minimum, tf.minimum],
  ];
  for (const [name, ours, theirs] of cases) {
    const y = ours(a, b);
    assert.equal(y.dtype, "int32", name);
    assert.deepEqual(await y.array(), theirs(await toTf(a), await toTf(b)).arraySync(), name);
    // An integer number keeps int32, on either side.
    assert.equal(ours(a, 3).dtype, "int32", `${name}(int32, 3)`);
    assert.equal(ours(3, a).dtype, "int32", `${name}(3, int32)`);
    assert.deepEqual(
      await ours(3, a).array(),
      theirs(tf.scalar(3, "int32"), await toTf(a)).arraySync(),
    );
  }
  // Integer powers stay integers; a negative exponent truncates toward zero, as tfjs does.
  const base = fromArray(Int32Array.from([2, 3, -2, 1, 0]), [5]);
  const e = fromArray(Int32Array.from([3, 2, 3, -1, 2]), [5]);
  assert.equal(pow(base, e).dtype, "int32");
  assert.deepEqual(await pow(base, e).array(), [8, 9, -8, 1, 0]);
  assert.deepEqual(
    await pow(base, 2).array(),
    tf.pow(await toTf(base), tf.scalar(2, "int32")).arraySync(),
  );
  assert.deepEqual(await pow(fromArray(Int32Array.from([2, -2]), [2]), -1).array(), [0, 0]);
});

Deno.test("div: always a float result, true division even for int32 (unlike tf.div's floor)", async () => {
  const a = fromArray(Int32Array.from([7, -7, 1, 0]), [4]);
  const b = fromArray(Int32Array.from([2, 2, 3, 5]), [4]);
  const q = div(a, b);
  assert.equal(q.dtype, "float32");
  await assertCloseAsync(q, [3.5, -3.5, 1 / 3, 0]);
  await assertCloseAsync(div(a, 2), [3.5, -3.5, 0.5, 0]);
  await assertCloseAsync(div(1, b), [0.5, 0.5, 1 / 3, 0.2]);
  // Division by zero follows IEEE: ±Infinity, and NaN for 0/0.
  await assertCloseAsync(div(tensor([1, -1, 0]), 0), [Infinity, -Infinity, NaN]);
});

Deno.test("dtype promotion: int32 with floats gives floats", async () => {
  const i = fromArray(Int32Array.from([1, 2, 3]), [3]);
  const f = tensor([0.5, 0.25, -1]);
  for (const [name, op] of [["add", add], ["mul", mul], ["maximum", maximum]] as const) {
    assert.equal(op(i, f).dtype, "float32", `${name}(int32, float32)`);
    assert.equal(op(f, i).dtype, "float32", `${name}(float32, int32)`);
    assert.equal(op(i, 2.5).dtype, "float32", `${name}(int32, 2.5)`);
    assert.equal(op(2.5, i).dtype, "float32", `${name}(2.5, int32)`);
  }
  await assertCloseAsync(add(i, f), [1.5, 2.25, 2]);
  await assertCloseAsync(sub(f, i), [-0.5, -1.75, -4]);
  await assertCloseAsync(add(i, 2.5), [3.5, 4.5, 5.5]);
  await assertCloseAsync(mul(2.5, i), [2.5, 5, 7.5]);
  // An integer too large for int32 must not wrap around: it is a float.
  const big = add(i, 3e9);
  assert.equal(big.dtype, "float32");
  await assertCloseAsync(big, [3e9 + 1, 3e9 + 2, 3e9 + 3]);
  await assertCloseAsync(sub(-3e9, i), [-3e9 - 1, -3e9 - 2, -3e9 - 3]);
  // int32 operands mixed into float arithmetic still let the float side have a gradient.
  const [gi] = grads((x) => sum(mul(x, i)))(f);
  await assertCloseAsync(gi, [1, 2, 3]);
});

Deno.test(
  "dtype promotion: float32 with float64 gives float64, at float64 precision",
  FLOAT64_ONLY,
  async () => {
    const i = fromArray(Int32Array.from([1, 2, 3]), [3]);
    const f = tensor([0.5, 0.25, -1]);
    const d = fromArray(Float64Array.from([0.1, 0.2, 0.3]), [3]);
    for (const [name, op] of [["add", add], ["mul", mul], ["maximum", maximum]] as const) {
      assert.equal(op(i, d).dtype, "float64", `${name}(int32, float64)`);
      assert.equal(op(f, d).dtype, "float64", `${name}(float32, float64)`);
      assert.equal(op(d, 2).dtype, "float64", `${name}(float64, number)`);
    }
    await assertCloseAsync(add(i, d), [1.1, 2.2, 3.3], { rtol: 1e-15, atol: 0 });
    // float64 keeps its precision: 0.1 is not rounded to float32 on the way.
    assert.equal((await add(d, 0.1).data())[0], 0.2);
    // Mixed float32 and float64 inputs each get a gradient of their own dtype.
    const [gf, gd] = grads((x, y) => sum(mul(x, y)))(f, d);
    assert.equal(gf.dtype, "float32");
    assert.equal(gd.dtype, "float64");
    await assertCloseAsync(gf, [0.1, 0.2, 0.3]);
    await assertCloseAsync(gd, [0.5, 0.25, -1]);
  },
);

Deno.test("maximum/minimum: a tie sends the gradient to the first operand only", async () => {
  const a = tensor([1, 2, 3]), b = tensor([1, 0, 5]);
  const [ga, gb] = grads((x, y) => sum(maximum(x, y)))(a, b);
  await assertCloseAsync(ga, [1, 1, 0]);
  await assertCloseAsync(gb, [0, 0, 1]);
  const [ha, hb] = grads((x, y) => sum(minimum(x, y)))(a, b);
  await assertCloseAsync(ha, [1, 0, 1]);
  await assertCloseAsync(hb, [0, 1, 0]);
  // NaN propagates through both, so a diverging value stays visible.
  await assertCloseAsync(maximum(tensor([1, NaN]), tensor([NaN, 1])), [NaN, NaN]);
  await assertCloseAsync(minimum(tensor([1, NaN]), tensor([NaN, 1])), [NaN, NaN]);
});

Deno.test("pow: negative bases with integer exponents, and the base gradient there", async () => {
  const x = sample([3, 5], 7, { lo: -2, hi: 2, avoid: [0], margin: 0.2 });
  for (const e of [2, 3, -1]) {
    await assertCloseTf(pow(x, e), tf.pow(await toTf(x), tf.scalar(e)), { message: `x^${e}` });
    await gradcheck((t) => pow(t, e), [x]);
    await assertGradsTf((t) => pow(t, e), (t) => tf.pow(t, tf.scalar(e)), [x], `x^${e}`);
  }
  await assertCloseAsync(pow(tensor([4, 9, 0]), 0.5), [2, 3, 0]);
});

// ---------------------------------------------------------------------------------------------
// unary functions

interface UnarySpec {
  readonly name: string;
  readonly ours: (x: Tensor) => Tensor;
  readonly theirs: (x: tf.Tensor) => tf.Tensor;
  readonly domain?: Domain;
  /** Whether int32 input is allowed (giving int32); otherwise it is an error. */
  readonly int?: boolean;
}

const NONZERO: Domain = { lo: -2, hi: 2, avoid: [0] };
const POSITIVE: Domain = { lo: 0.1, hi: 4 };

const UNARY: readonly UnarySpec[] = [
  { name: "neg", ours: neg, theirs: tf.neg, int: true },
  { name: "exp", ours: exp, theirs: tf.exp, domain: { lo: -3, hi: 3 } },
  { name: "log", ours: log, theirs: tf.log, domain: POSITIVE },
  { name: "sqrt", ours: sqrt, theirs: tf.sqrt, domain: POSITIVE },
  { name: "abs", ours: abs, theirs: tf.abs, domain: NONZERO, int: true },
  { name: "sign", ours: sign, theirs: tf.sign, domain: NONZERO, int: true },
  { name: "relu", ours: relu, theirs: tf.relu, domain: NONZERO },
  { name: "leakyRelu", ours: (x) => leakyRelu(x), theirs: (x) => tf.leakyRelu(x), domain: NONZERO },
  {
    name: "leakyRelu(alpha=0.05)",
    ours: (x) => leakyRelu(x, 0.05),
    theirs: (x) => tf.leakyRelu(x, 0.05),
    domain: NONZERO,
  },
  {
    name: "clip",
    ours: (x) => clip(x, -0.5, 0.7),
    theirs: (x) => tf.clipByValue(x, -0.5, 0.7),
    domain: { lo: -2, hi: 2, avoid: [-0.5, 0.7] },
    int: true,
  },
  { name: "sigmoid", ours: sigmoid, theirs: tf.sigmoid, domain: { lo: -5, hi: 5 } },
  { name: "tanh", ours: tanh, theirs: tf.tanh, domain: { lo: -3, hi: 3 } },
  { name: "softplus", ours: softplus, theirs: tf.softplus, domain: { lo: -5, hi: 5 } },
  { name: "square", ours: square, theirs: tf.square, int: true },
];

const UNARY_SHAPES: readonly number[][] = [[3, 1, 5], [7], [], [1, 1]];

for (const [k, spec] of UNARY.entries()) {
  const { name, ours, theirs } = spec;
  const d = spec.domain ?? ANY;

  Deno.test(`${name}: forward matches tfjs on odd shapes, scalars and strided views`, async () => {
    for (const [s, shape] of UNARY_SHAPES.entries()) {
      const x = sample(shape, 1000 + 10 * k + s, d);
      const y = ours(x);
      assert.equal(y.dtype, "float32");
      await assertCloseTf(y, theirs(await toTf(x)), { message: `${name} ${shapeName(shape)}` });
    }
    // A transposed view and a zero-stride broadcast view read their elements in logical order.
    const base = sample([5, 3], 1000 + 10 * k + 5, d);
    await assertCloseTf(ours(transpose(base)), theirs(tf.transpose(await toTf(base))), {
      message: "transpose",
    });
    await assertCloseTf(
      ours(slice(base, [2, 0], [2, 3])),
      theirs(tf.slice(await toTf(base), [2, 0], [2, 3])),
      {
        message: "offset view",
      },
    );
    const row = sample([1, 5], 1000 + 10 * k + 6, d);
    await assertCloseTf(
      ours(broadcastTo(row, [3, 5])),
      theirs(tf.broadcastTo(await toTf(row), [3, 5])),
      {
        message: "broadcast view",
      },
    );
  });

  Deno.test(`${name}: float64 in, float64 out, at float64 precision`, FLOAT64_ONLY, async () => {
    const base = sample([5, 3], 1000 + 10 * k + 5, d);
    const x64 = fromArray(Float64Array.from(await base.data()), base.shape);
    const y64 = ours(x64);
    assert.equal(y64.dtype, "float64");
    await assertCloseAsync(y64, ours(base), {
      rtol: 1e-6,
      atol: 1e-7,
      message: `${name} in float64`,
    });
  });

  Deno.test(`${name}: gradient matches float64 finite differences and tf.grads`, async () => {
    for (const shape of [[3, 1, 5], []]) {
      const x = sample(shape, 2000 + 10 * k + shape.length, d);
      await gradcheck(ours, [x]);
      await assertGradsTf(ours, theirs, [x], `${name} ${shapeName(shape)}`);
    }
    await gradcheck((x) => ours(transpose(x)), [sample([4, 3], 2000 + 10 * k + 9, d)]);
  });

  Deno.test(`${name}: int32 input ${spec.int ? "gives int32" : "is an error naming the op"}`, async () => {
    const i = fromArray(Int32Array.from([-3, 0, 2, 5, -1, 1]), [2, 3]);
    if (spec.int) {
      const y = ours(i);
      assert.equal(y.dtype, "int32");
      assert.deepEqual(await y.array(), theirs(await toTf(i)).arraySync());
    } else {
      assertThrowsWith(
        () => ours(i),
        `${name.replace(/\(.*/, "")}:`,
        "needs a float tensor",
        "int32",
      );
    }
  });
}

Deno.test("unary ops accept plain numbers and nested arrays", async () => {
  await assertCloseAsync(exp(0), 1);
  await assertCloseAsync(sqrt([[4, 9]]), [[2, 3]]);
  await assertCloseAsync(neg([1, -2]), [-1, 2]);
  await assertCloseAsync(square(3), 9);
});

Deno.test("unary ops stay finite at extreme inputs", async () => {
  const x = tensor([-1000, -50, 0, 50, 1000]);
  const s = await sigmoid(x).data();
  assert.ok(s.every(Number.isFinite), `sigmoid: ${s}`);
  assertClose(s, [0, Math.exp(-50), 0.5, 1, 1]);
  await assertCloseAsync(softplus(x), [0, Math.exp(-50), Math.LN2, 50, 1000]);
  await assertCloseAsync(tanh(x), [-1, -1, 0, 1, 1]);
  await assertCloseAsync(exp(tensor([-1000, 0])), [0, 1]);
  // Their gradients are finite too: 0 and 1 in the saturated regions, never NaN.
  await assertCloseAsync(grads((t) => sum(sigmoid(t)))(x)[0], [
    0,
    Math.exp(-50),
    0.25,
    Math.exp(-50),
    0,
  ], {
    atol: 1e-7,
  });
  await assertCloseAsync(grads((t) => sum(softplus(t)))(x)[0], [0, Math.exp(-50), 0.5, 1, 1]);
  await assertCloseAsync(grads((t) => sum(tanh(t)))(x)[0], [0, 0, 1, 0, 0]);
  // NaN stays NaN through relu, so a diverging loss remains visible.
  await assertCloseAsync(relu(tensor([NaN, -1, 2])), [NaN, 0, 2]);
  // log and sqrt follow IEEE outside their domain.
  await assertCloseAsync(log(tensor([0, -1])), [-Infinity, NaN]);
  await assertCloseAsync(sqrt(tensor([-1])), [NaN]);
});

Deno.test("unary gradients at kinks: relu 0, abs 0, leakyRelu alpha, clip bounds pass", async () => {
  const at0 = tensor([0, -1, 1]);
  await assertCloseAsync(grads((t) => sum(relu(t)))(at0)[0], [0, 0, 1]);
  await assertCloseAsync(grads((t) => sum(abs(t)))(at0)[0], [0, -1, 1]);
  await assertCloseAsync(grads((t) => sum(leakyRelu(t, 0.1)))(at0)[0], [0.1, 0.1, 1]);
  await assertCloseAsync(grads((t) => sum(sign(t)))(at0)[0], [0, 0, 0]);
  // The clip gradient passes on the closed interval [lo, hi], as tf.clipByValue's does.
  const c = tensor([-1, -0.5, 0, 0.5, 1]);
  await assertCloseAsync(clip(c, -0.5, 0.5), [-0.5, -0.5, 0, 0.5, 0.5]);
  await assertCloseAsync(grads((t) => sum(clip(t, -0.5, 0.5)))(c)[0], [0, 1, 1, 1, 0]);
  // Degenerate interval: everything becomes the bound.
  await assertCloseAsync(clip(c, 0.25, 0.25), [0.25, 0.25, 0.25, 0.25, 0.25]);
});

Deno.test("leakyRelu gradient in float64: the slope is exactly alpha", FLOAT64_ONLY, async () => {
  // Not alpha rounded to float32.
  const x = fromArray(Float64Array.from([-2, 3]), [2]);
  assert.deepEqual(await grads((t) => sum(leakyRelu(t, 0.1)))(x)[0].array(), [0.1, 1]);
});

Deno.test("unary errors: clip bounds, float-only ops on int32", () => {
  const x = tensor([1, 2]);
  assertThrowsWith(() => clip(x, 1, 0), "clip", "lo <= hi", "lo=1", "hi=0");
  assertThrowsWith(() => clip(x, NaN, 0), "clip", "lo <= hi");
  const i = fromArray(Int32Array.from([1, 2]), [2]);
  assertThrowsWith(() => exp(i), "exp:", "needs a float tensor", "int32", "toFloat");
  assertThrowsWith(() => leakyRelu(i), "leakyRelu:", "needs a float tensor");
});

// ---------------------------------------------------------------------------------------------
// comparisons and where

const COMPARE: readonly [string, (a: TensorLike, b: TensorLike) => Tensor, typeof tf.equal][] = [
  ["equal", equal, tf.equal],
  ["notEqual", notEqual, tf.notEqual],
  ["less", less, tf.less],
  ["lessEqual", lessEqual, tf.lessEqual],
  ["greater", greater, tf.greater],
  ["greaterEqual", greaterEqual, tf.greaterEqual],
];

/**
 * Small integers as float32, so comparisons see plenty of ties (the draws of
 * `randomIndices(shape, 4, seed)`, made on the host).
 */
function smallInts(shape: number[], seed: number): Tensor {
  const rng = new Rng(seed);
  return fromArray(Float32Array.from({ length: size(shape) }, () => rng.int(4)), shape);
}

for (const [k, [name, ours, theirs]] of COMPARE.entries()) {
  Deno.test(`${name}: float32 0/1 masks matching tfjs, broadcasting, mixed dtypes, no gradient`, async () => {
    for (const [p, [sa, sb]] of PAIRS.entries()) {
      const a = smallInts(sa, 3000 + 100 * k + 2 * p), b = smallInts(sb, 3001 + 100 * k + 2 * p);
      const y = ours(a, b);
      const what = `${name} ${shapeName(sa)} with ${shapeName(sb)}`;
      assert.equal(y.dtype, "float32", what);
      await assertCloseTf(y, theirs(await toTf(a), await toTf(b)).cast("float32"), {
        message: what,
        rtol: 0,
        atol: 0,
      });
    }
    const a = smallInts([3, 5], 3000 + 100 * k + 90);
    await assertCloseTf(ours(a, 2), theirs(await toTf(a), tf.scalar(2)).cast("float32"), {
      message: "number",
    });
    await assertCloseTf(ours(1.5, a), theirs(tf.scalar(1.5), await toTf(a)).cast("float32"), {
      message: "number first",
    });
    // int32 against a fractional number or a float tensor compares values, not truncations.
    const i = fromArray(Int32Array.from([0, 1, 2, 3]), [4]);
    const f = tensor([0.5, 1, 1.5, 3]);
    const yi = ours(i, 1.5);
    assert.equal(yi.dtype, "float32");
    const iTf = (await toTf(i)).cast("float32");
    assert.deepEqual(
      await yi.array(),
      theirs(iTf, tf.scalar(1.5)).cast("float32").arraySync(),
    );
    assert.deepEqual(
      await ours(i, f).array(),
      theirs(iTf, await toTf(f)).cast("float32").arraySync(),
    );
    assert.equal(ours(i, i).dtype, "float32", "int32 with int32 gives a float32 mask too");
    // Masks never carry gradients, even from inputs that require them.
    const x = sample([2, 3], 3000 + 100 * k + 95);
    x.requiresGrad = true;
    const mask = ours(x, 0);
    assert.equal(mask.requiresGrad, false);
    assert.equal(mask.gradNode, null);
    // Shape errors name the op and both shapes.
    assertThrowsWith(() => ours(sample([3], 1), sample([4], 2)), `${name}:`, "[3]", "[4]");
  });
}

Deno.test("comparisons with NaN: only notEqual is true", async () => {
  const n = tensor([NaN, NaN]), v = tensor([NaN, 1]);
  await assertCloseAsync(equal(n, v), [0, 0]);
  await assertCloseAsync(notEqual(n, v), [1, 1]);
  await assertCloseAsync(less(n, v), [0, 0]);
  await assertCloseAsync(greaterEqual(n, v), [0, 0]);
});

Deno.test("where: broadcasts all three operands like tf.where, with gradients to the chosen branch", async () => {
  const cases: [number[], number[], number[]][] = [
    [[3, 1, 5], [4, 1], [5]],
    [[4, 1], [3, 1, 5], []],
    [[], [3, 5], [1, 5]],
    [[5], [3, 1], [2, 3, 1]],
    [[2, 3], [2, 3], [2, 3]],
  ];
  for (const [k, [sc, sa, sb]] of cases.entries()) {
    const c = smallInts(sc, 4000 + 3 * k).greater(1.5);
    const a = sample(sa, 4001 + 3 * k), b = sample(sb, 4002 + 3 * k);
    const what = `where ${shapeName(sc)}, ${shapeName(sa)}, ${shapeName(sb)}`;
    const y = where(c, a, b);
    const cTf = (await toTf(c)).cast("bool"), yTf = await toTf(y);
    await assertCloseTf(y, tf.where(cTf, await toTf(a), await toTf(b)), { message: what });
    // The condition is a 0/1 mask, not differentiable: check the two branches only.
    await gradcheck(where, [c, a, b], { wrt: [1, 2] });
    const [, ga, gb] = grads((cc, aa, bb) => sum(mul(where(cc, aa, bb), y.square())))(c, a, b);
    const [ta, tb] = tf.grads((aa: tf.Tensor, bb: tf.Tensor) =>
      tf.sum(tf.mul(tf.where(cTf, aa, bb), tf.square(yTf)))
    )([await toTf(a), await toTf(b)]);
    await assertCloseTf(ga, ta, { message: `${what}: gradient of a` });
    await assertCloseTf(gb, tb, { message: `${what}: gradient of b` });
  }
});

Deno.test("where: any nonzero condition selects a; numbers and int32 branches; errors", async () => {
  const c = tensor([2, 0, -0.5, 0]);
  const a = tensor([1, 2, 3, 4]), b = tensor([-1, -2, -3, -4]);
  await assertCloseAsync(where(c, a, b), [1, -2, 3, -4]);
  await assertCloseAsync(where(fromArray(Int32Array.from([1, 0, 1, 0]), [4]), a, b), [
    1,
    -2,
    3,
    -4,
  ]);
  await assertCloseAsync(where(c, a, 0), [1, 0, 3, 0]);
  await assertCloseAsync(where(c, 1, 0.25), [1, 0.25, 1, 0.25]);
  const i = fromArray(Int32Array.from([5, 6, 7, 8]), [4]);
  const yi = where(c, i, 0);
  assert.equal(yi.dtype, "int32");
  assert.deepEqual(await yi.array(), [5, 0, 7, 0]);
  const yf = where(c, i, b);
  assert.equal(yf.dtype, "float32");
  await assertCloseAsync(yf, [5, -2, 7, -4]);
  // The gradient with respect to a number branch is simply not there; a gets the chosen entries.
  await assertCloseAsync(grads((t) => sum(where(c, t, 0)))(a)[0], [1, 0, 1, 0]);
  assertThrowsWith(
    () => where(sample([3], 1), sample([4], 2), 0),
    "where:",
    "[3]",
    "[4]",
    "cannot be broadcast",
  );
  assertThrowsWith(
    () => where(sample([3], 1), sample([3], 2), sample([2, 2], 3)),
    "where:",
    "[2, 2]",
  );
});

Deno.test("scalars from numbers never leak shape: number op number is a rank-0 tensor", async () => {
  const y = add(scalar(2), 3);
  assert.deepEqual(y.shape, []);
  assert.equal((await y.data())[0], 5);
  assert.deepEqual(mul(2, 3).shape, []);
});
