/**
 * Convolution and pooling on NCHW tensors: conv2d (stride, every padding form, dilation, groups,
 * depthwise, bias, bias and ReLU fused into the kernel), convTranspose2d (stride, padding, outputPadding, dilation, groups), maxPool2d,
 * avgPool2d and nearest-neighbour upsample. Forward values against TensorFlow.js (which works in
 * NHWC, so tensors are transposed on the way in and out), gradients against float64 finite
 * differences and against tfjs's `tf.grads`, and the error messages. The file belongs to the shared
 * op suite: it runs on `cpu` and on `webgpu` (`tests/helpers/backend.ts`); on `webgpu` the finite
 * differences are float32 ones.
 */

import assert from "node:assert/strict";
import {
  add,
  assertCloseAsync,
  assertThrowsWith,
  avgPool2d,
  conv2d,
  type Conv2dOptions,
  convTranspose2d,
  type ConvTranspose2dOptions,
  fromArray,
  gradcheck,
  grads,
  maxPool2d,
  mul,
  type Padding2d,
  type Pair,
  type Pool2dOptions,
  relu,
  reshape,
  Rng,
  sum,
  type Tensor,
  tensor,
  transpose,
  upsample,
} from "../lib/mod.ts";
import { FLOAT64_ONLY } from "./helpers/backend.ts";
import { assertCloseTf, assertGradsTf, randomTensor, tf, toTf } from "./helpers/tfjs.ts";

// ---------------------------------------------------------------------------------------------
// Layout conversions and tfjs references, all taking and returning tensors in our layout so they
// can sit inside tf.grads.

type Tf4 = tf.Tensor4D;
type ExplicitPadding = [[number, number], [number, number], [number, number], [number, number]];

const toNhwc = (x: tf.Tensor) => tf.transpose(x, [0, 2, 3, 1]) as Tf4;
const toNchw = (x: tf.Tensor) => tf.transpose(x, [0, 3, 1, 2]) as Tf4;
/** Our filter [O, C/g, kH, kW] (or convTranspose's [Cin, Cout/g, kH, kW]) as tfjs's [kH, kW, C, O]. */
const toHwio = (w: tf.Tensor) => tf.transpose(w, [2, 3, 1, 0]) as Tf4;
const pairOf = (p: Pair | undefined): [number, number] =>
  p === undefined ? [1, 1] : typeof p === "number" ? [p, p] : [p[0], p[1]];

/** Our padding in tfjs's terms: the same strings, numbers as explicit NHWC padding. */
function tfPad(p: Padding2d | undefined): "same" | "valid" | ExplicitPadding {
  if (p === undefined || p === "valid" || p === "same") return p ?? "valid";
  const [t, b, l, r] = typeof p === "number"
    ? [p, p, p, p]
    : p.length === 2
    ? [p[0], p[0], p[1], p[1]]
    : p;
  return [[0, 0], [t, b], [l, r], [0, 0]];
}

/**
 * Our filter [A, B, kH, kW] with dilation written out: (dH - 1) zero rows between taps, likewise
 * columns. tfjs has no gradients for dilated convolutions and refuses stride and dilation together,
 * but a dilated convolution is an undilated one with this filter, which tfjs handles fully.
 */
function dilateFilter(w: tf.Tensor, dilation: Pair | undefined): tf.Tensor {
  const [dH, dW] = pairOf(dilation);
  if (dH === 1 && dW === 1) return w;
  const [a, b, kH, kW] = w.shape as number[];
  const spread = tf.pad(tf.reshape(w, [a, b, kH, 1, kW, 1]), [
    [0, 0],
    [0, 0],
    [0, 0],
    [0, dH - 1],
    [0, 0],
    [0, dW - 1],
  ]);
  const size = [a, b, (kH - 1) * dH + 1, (kW - 1) * dW + 1];
  return tf.slice(tf.reshape(spread, [a, b, kH * dH, kW * dW]), [0, 0, 0, 0], size);
}

/** tfjs's conv2d on NCHW tensors with groups == 1, dilation through {@link dilateFilter}. */
function tfConv2d(x: tf.Tensor, w: tf.Tensor, o: Conv2dOptions): tf.Tensor {
  const filter = toHwio(dilateFilter(w, o.dilation));
  return toNchw(tf.conv2d(toNhwc(x), filter, pairOf(o.stride), tfPad(o.padding)));
}

/** tfjs's own dilated conv2d (forward only, stride 1), to check its rule against ours directly. */
function tfConv2dNative(x: tf.Tensor, w: tf.Tensor, o: Conv2dOptions): tf.Tensor {
  const d = pairOf(o.dilation);
  return toNchw(tf.conv2d(toNhwc(x), toHwio(w), 1, tfPad(o.padding), "NHWC", d));
}

/** tfjs's depthwise conv on NCHW tensors: our filter [C·m, 1, kH, kW] becomes [kH, kW, C, m]. */
function tfDepthwise(x: tf.Tensor, w: tf.Tensor, o: Conv2dOptions, native = false): tf.Tensor {
  const dilated = native ? w : dilateFilter(w, o.dilation);
  const [c, [o4, , kH, kW]] = [x.shape[1] as number, dilated.shape as number[]];
  const filter = tf.transpose(tf.reshape(dilated, [c, o4 / c, kH, kW]), [2, 3, 0, 1]) as Tf4;
  const d = native ? pairOf(o.dilation) : [1, 1] as [number, number];
  return toNchw(
    tf.depthwiseConv2d(toNhwc(x), filter, pairOf(o.stride), tfPad(o.padding), "NHWC", d),
  );
}

/** Grouped convolution as its definition: split channels and filters, convolve, join. */
function tfGroupedConv2d(x: tf.Tensor, w: tf.Tensor, o: Conv2dOptions): tf.Tensor {
  const g = o.groups ?? 1;
  const xs = tf.split(x, g, 1), ws = tf.split(w, g, 0);
  return tf.concat(xs.map((xi, i) => tfConv2d(xi, ws[i], o)), 1);
}

/** Output size of our convTranspose2d along one dimension. */
function transposedSize(
  input: number,
  kernel: number,
  stride: number,
  padBefore: number,
  padAfter: number,
  dilation: number,
  outputPadding: number,
): number {
  return (input - 1) * stride - padBefore - padAfter + dilation * (kernel - 1) + outputPadding + 1;
}

/** The four paddings [top, bottom, left, right] of a convTranspose2d padding option. */
function fourOf(p: ConvTranspose2dOptions["padding"]): [number, number, number, number] {
  if (p === undefined) return [0, 0, 0, 0];
  if (typeof p === "number") return [p, p, p, p];
  return p.length === 2 ? [p[0], p[0], p[1], p[1]] : [p[0], p[1], p[2], p[3]];
}

/** Our output shape of convTranspose2d for x [N, Cin, H, W] and w [Cin, Cout/g, kH, kW]. */
function transposedShape(xs: number[], ws: number[], o: ConvTranspose2dOptions): number[] {
  const s = pairOf(o.stride), d = pairOf(o.dilation);
  const op = o.outputPadding === undefined ? [0, 0] : pairOf(o.outputPadding);
  const [t, b, l, r] = fourOf(o.padding);
  return [
    xs[0],
    ws[1] * (o.groups ?? 1),
    transposedSize(xs[2], ws[2], s[0], t, b, d[0], op[0]),
    transposedSize(xs[3], ws[3], s[1], l, r, d[1], op[1]),
  ];
}

/**
 * tfjs's conv2dTranspose on NCHW tensors (groups == 1), with outputPadding through the output shape
 * and dilation through {@link dilateFilter}.
 */
function tfConvTranspose(x: tf.Tensor, w: tf.Tensor, o: ConvTranspose2dOptions): tf.Tensor {
  const [n, c, h, wd] = transposedShape(x.shape, w.shape, o);
  const out = tf.conv2dTranspose(
    toNhwc(x),
    toHwio(dilateFilter(w, o.dilation)),
    [n, h, wd, c],
    pairOf(o.stride),
    tfPad(fourOf(o.padding)) as ExplicitPadding,
  );
  return toNchw(out);
}

/** Grouped transposed convolution as its definition: split, transpose-convolve, join. */
function tfGroupedConvTranspose(x: tf.Tensor, w: tf.Tensor, o: ConvTranspose2dOptions): tf.Tensor {
  const g = o.groups ?? 1;
  const xs = tf.split(x, g, 1), ws = tf.split(w, g, 0);
  return tf.concat(xs.map((xi, i) => tfConvTranspose(xi, ws[i], { ...o, groups: 1 })), 1);
}

// ---------------------------------------------------------------------------------------------
// conv2d

const CONVS: { x: number[]; w: number[]; o: Conv2dOptions }[] = [
  { x: [2, 3, 7, 6], w: [4, 3, 3, 2], o: {} },
  { x: [2, 3, 7, 6], w: [4, 3, 3, 3], o: { stride: 2, padding: "same" } },
  { x: [1, 2, 5, 8], w: [3, 2, 2, 3], o: { stride: [2, 3], padding: "valid" } },
  { x: [2, 3, 6, 5], w: [2, 3, 3, 3], o: { padding: 1 } },
  { x: [1, 1, 5, 5], w: [1, 1, 3, 3], o: { padding: [2, 0] } },
  { x: [2, 2, 6, 7], w: [3, 2, 3, 2], o: { stride: [1, 2], padding: [0, 1, 2, 1] } },
  { x: [1, 3, 9, 8], w: [2, 3, 3, 3], o: { dilation: 2, padding: "same" } },
  { x: [1, 2, 9, 9], w: [2, 2, 2, 3], o: { dilation: [2, 3] } },
  { x: [2, 2, 9, 8], w: [3, 2, 3, 2], o: { stride: 2, dilation: 2, padding: [1, 2, 0, 1] } },
  { x: [1, 2, 8, 9], w: [2, 2, 2, 3], o: { stride: [2, 3], dilation: [3, 2], padding: "same" } },
  // 'same' with an even kernel pads more at the bottom/right; with stride 3 it rounds up.
  { x: [1, 2, 5, 6], w: [2, 2, 2, 4], o: { padding: "same" } },
  { x: [1, 1, 7, 8], w: [1, 1, 3, 3], o: { stride: 3, padding: "same" } },
  { x: [1, 1, 1, 1], w: [1, 1, 1, 1], o: {} },
  { x: [3, 1, 4, 1], w: [2, 1, 3, 1], o: { padding: "same" } },
];

Deno.test("conv2d: stride, every padding form and dilation match tf.conv2d, gradients too", async () => {
  for (const [k, { x: xs, w: ws, o }] of CONVS.entries()) {
    const x = randomTensor(xs, 500 + k), w = randomTensor(ws, 520 + k);
    const what = `conv2d x${JSON.stringify(xs)} w${JSON.stringify(ws)} ${JSON.stringify(o)}`;
    const y = conv2d(x, w, o);
    await assertCloseTf(y, tfConv2d(await toTf(x), await toTf(w), o), { message: what });
    if (o.dilation !== undefined && pairOf(o.stride).every((v) => v === 1)) {
      await assertCloseTf(y, tfConv2dNative(await toTf(x), await toTf(w), o), {
        message: `${what} (tfjs dilations)`,
      });
    }
    await assertGradsTf((a, b) => conv2d(a, b, o), (a, b) => tfConv2d(a, b, o), [x, w], what);
  }
});

Deno.test("conv2d: gradients agree with finite differences", async () => {
  const cases: { x: number[]; w: number[]; o: Conv2dOptions }[] = [
    { x: [2, 3, 5, 5], w: [2, 3, 3, 3], o: { stride: 2, padding: "same" } },
    { x: [1, 2, 6, 5], w: [2, 2, 2, 3], o: { padding: [0, 1, 2, 1], dilation: [2, 1] } },
    { x: [1, 4, 4, 5], w: [4, 2, 3, 2], o: { groups: 2, padding: 1 } },
    { x: [1, 3, 5, 4], w: [3, 1, 3, 3], o: { groups: 3, stride: [2, 1], padding: "same" } },
  ];
  for (const [k, { x, w, o }] of cases.entries()) {
    await gradcheck((a, b) => conv2d(a, b, o), [
      randomTensor(x, 540 + k),
      randomTensor(w, 550 + k),
    ]);
  }
  await gradcheck(
    (a, b, c) => conv2d(a, b, { padding: "same", bias: c }),
    [randomTensor([2, 2, 4, 3], 560), randomTensor([3, 2, 2, 2], 561), randomTensor([3], 562)],
  );
});

Deno.test("conv2d: depthwise (groups == channels) matches tf.depthwiseConv2d", async () => {
  const cases: { x: number[]; w: number[]; o: Conv2dOptions }[] = [
    { x: [2, 3, 6, 5], w: [3, 1, 3, 3], o: { groups: 3 } },
    { x: [1, 3, 7, 6], w: [6, 1, 2, 3], o: { groups: 3, stride: 2, padding: "same" } },
    { x: [2, 2, 7, 7], w: [4, 1, 3, 2], o: { groups: 2, dilation: 2, padding: [1, 0, 2, 1] } },
    { x: [1, 3, 8, 7], w: [3, 1, 3, 3], o: { groups: 3, dilation: [1, 2], stride: 2 } },
    { x: [1, 1, 4, 4], w: [3, 1, 2, 2], o: { groups: 1 } },
  ];
  for (const [k, { x: xs, w: ws, o }] of cases.entries()) {
    const x = randomTensor(xs, 570 + k), w = randomTensor(ws, 580 + k);
    const what = `depthwise x${JSON.stringify(xs)} w${JSON.stringify(ws)} ${JSON.stringify(o)}`;
    const y = conv2d(x, w, o);
    await assertCloseTf(y, tfDepthwise(await toTf(x), await toTf(w), o), { message: what });
    if (pairOf(o.stride).every((v) => v === 1)) {
      const native = tfDepthwise(await toTf(x), await toTf(w), o, true);
      await assertCloseTf(y, native, { message: `${what} (tfjs dilations)` });
    }
    await assertGradsTf((a, b) => conv2d(a, b, o), (a, b) => tfDepthwise(a, b, o), [x, w], what);
  }
});

Deno.test("conv2d: general groups equal split-convolve-concat", async () => {
  const cases: { x: number[]; w: number[]; o: Conv2dOptions }[] = [
    { x: [2, 4, 5, 6], w: [6, 2, 3, 3], o: { groups: 2, padding: 1 } },
    { x: [1, 6, 5, 5], w: [3, 2, 2, 2], o: { groups: 3, stride: 2, padding: "same" } },
    { x: [1, 6, 7, 5], w: [4, 3, 3, 2], o: { groups: 2, dilation: [2, 1] } },
  ];
  for (const [k, { x: xs, w: ws, o }] of cases.entries()) {
    const x = randomTensor(xs, 590 + k), w = randomTensor(ws, 600 + k);
    const what = `grouped x${JSON.stringify(xs)} w${JSON.stringify(ws)} ${JSON.stringify(o)}`;
    await assertCloseTf(conv2d(x, w, o), tfGroupedConv2d(await toTf(x), await toTf(w), o), {
      message: what,
    });
    await assertGradsTf(
      (a, b) => conv2d(a, b, o),
      (a, b) => tfGroupedConv2d(a, b, o),
      [x, w],
      what,
    );
  }
});

Deno.test("conv2d: bias adds per output channel, with its gradient", async () => {
  const x = randomTensor([2, 3, 5, 5], 610), w = randomTensor([4, 3, 3, 3], 611);
  const b = randomTensor([4], 612);
  const o: Conv2dOptions = { stride: 2, padding: "same" };
  const theirs = (p: tf.Tensor, q: tf.Tensor, c: tf.Tensor) =>
    tf.add(tfConv2d(p, q, o), tf.reshape(c, [1, 4, 1, 1]));
  await assertCloseTf(
    conv2d(x, w, { ...o, bias: b }),
    theirs(await toTf(x), await toTf(w), await toTf(b)),
  );
  await assertGradsTf((p, q, c) => conv2d(p, q, { ...o, bias: c }), theirs, [x, w, b], "bias");
});

// Fused bias and ReLU. Inputs are halves k/2 (k in -4..4): every product is a multiple of 1/4 and
// every sum is exact in float32, so both paths compute the same pre-activations z. Biases are
// halves plus 1/8, which keeps every z at least 1/8 from ReLU's kink: far beyond any finite
// difference step, so gradcheck never straddles it.

/** A float32 tensor of halves k/2, k uniform in -4..4, plus `shift`. */
function halves(shape: readonly number[], seed: number, shift = 0): Tensor {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return fromArray(Array.from({ length: n }, () => (rng.int(9) - 4) / 2 + shift), [...shape]);
}

/** relu(conv2d(x, w) + b) as the three separate ops. */
const unfusedConv = (x: Tensor, w: Tensor, b: Tensor, o: Conv2dOptions) =>
  relu(add(conv2d(x, w, o), reshape(b, [1, b.shape[0], 1, 1])));

/** tfjs's relu(conv2d(x, w) + b) on NCHW tensors: tf.fused.conv2d, or the ops for groups > 1. */
function tfFusedConv(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, o: Conv2dOptions): tf.Tensor {
  if ((o.groups ?? 1) > 1) {
    return tf.relu(tf.add(tfGroupedConv2d(x, w, o), tf.reshape(b, [1, b.shape[0], 1, 1])));
  }
  return toNchw(tf.fused.conv2d({
    x: toNhwc(x),
    filter: toHwio(dilateFilter(w, o.dilation)),
    strides: pairOf(o.stride),
    pad: tfPad(o.padding),
    bias: b,
    activation: "relu",
  }));
}

/** Asserts `y` has both zeros and positive values, so the ReLU both cuts and passes. */
async function assertBothSides(y: Tensor, what: string): Promise<void> {
  const values = Array.from(await y.data());
  assert.ok(values.some((v) => v === 0) && values.some((v) => v > 0), `${what}: both sides`);
}

const FUSED: { x: number[]; w: number[]; o: Conv2dOptions }[] = [
  { x: [2, 3, 6, 5], w: [4, 3, 3, 3], o: { stride: 2, padding: "same" } },
  {
    x: [1, 2, 7, 6],
    w: [3, 2, 2, 3],
    o: { stride: [1, 2], padding: [0, 1, 2, 1], dilation: [2, 1] },
  },
  { x: [2, 4, 5, 5], w: [6, 2, 3, 3], o: { groups: 2, padding: 1 } },
  { x: [1, 3, 6, 6], w: [3, 1, 3, 3], o: { groups: 3, stride: 2, padding: "same" } },
];

Deno.test("conv2d: fused bias and ReLU equal conv2d, add and relu, and tf.fused.conv2d", async () => {
  for (const [k, { x: xs, w: ws, o }] of FUSED.entries()) {
    const what = `fused x${JSON.stringify(xs)} w${JSON.stringify(ws)} ${JSON.stringify(o)}`;
    const x = halves(xs, 640 + k), w = halves(ws, 650 + k), b = halves([ws[0]], 660 + k, 1 / 8);
    const fused = (p: Tensor, q: Tensor, c: Tensor) =>
      conv2d(p, q, { ...o, bias: c, activation: "relu" });
    const y = fused(x, w, b);
    await assertBothSides(y, what);
    // Exact sums on both paths: the fused kernel must give the very same values.
    await assertCloseAsync(y, unfusedConv(x, w, b, o), { rtol: 0, atol: 0, message: what });
    await assertCloseTf(y, tfFusedConv(await toTf(x), await toTf(w), await toTf(b), o), {
      message: `${what}: tfjs`,
    });
    const r = randomTensor(y.shape, 670 + k);
    const weighted = (f: (p: Tensor, q: Tensor, c: Tensor) => Tensor) =>
      grads((p, q, c) => sum(mul(f(p, q, c), r)))(x, w, b);
    const got = weighted(fused), want = weighted((p, q, c) => unfusedConv(p, q, c, o));
    for (const [i, g] of got.entries()) {
      await assertCloseAsync(g, want[i], { rtol: 1e-5, atol: 1e-5, message: `${what}: grad ${i}` });
    }
    await assertGradsTf(fused, (p, q, c) => tfFusedConv(p, q, c, o), [x, w, b], what);
    await gradcheck(fused, [x, w, b]);
  }
});

Deno.test("conv2d: fused ReLU without a bias; a bias given as an array", async () => {
  // Odd quarters k/2 + 1/4 over an odd number of taps (no padding): each product is an odd multiple
  // of 1/16, and so is each sum, which keeps it 1/16 or more from the kink.
  const x = halves([2, 3, 6, 5], 680, 1 / 4), w = halves([2, 3, 3, 3], 681, 1 / 4);
  const o: Conv2dOptions = { stride: [2, 1], activation: "relu" };
  const y = conv2d(x, w, o);
  await assertBothSides(y, "relu only");
  await assertCloseAsync(y, relu(conv2d(x, w, { stride: [2, 1] })), { rtol: 0, atol: 0 });
  const r = randomTensor(y.shape, 682);
  const [dx, dw] = grads((p, q) => sum(mul(conv2d(p, q, o), r)))(x, w);
  const [ux, uw] = grads((p, q) => sum(mul(relu(conv2d(p, q, { stride: [2, 1] })), r)))(x, w);
  await assertCloseAsync(dx, ux, { rtol: 1e-5, atol: 1e-5 });
  await assertCloseAsync(dw, uw, { rtol: 1e-5, atol: 1e-5 });
  await gradcheck((p, q) => conv2d(p, q, o), [x, w]);
  const bias = [0.125, -1.375];
  await assertCloseAsync(
    conv2d(x, w, { ...o, bias }),
    conv2d(x, w, { ...o, bias: tensor(bias) }),
    { rtol: 0, atol: 0 },
  );
});

Deno.test("conv2d: views as inputs", async () => {
  // An NHWC tensor viewed as NCHW (strided) must convolve like its contiguous copy.
  const nhwc = randomTensor([2, 5, 6, 3], 620), w = randomTensor([2, 3, 3, 3], 621);
  const x = transpose(nhwc, [0, 3, 1, 2]);
  assert.equal(x.isContiguous, false);
  await assertCloseTf(
    conv2d(x, w, { padding: 1 }),
    toNchw(tf.conv2d(await toTf(nhwc) as Tf4, toHwio(await toTf(w)), 1, tfPad(1))),
  );
});

Deno.test("conv2d: mixed float dtypes promote", FLOAT64_ONLY, async () => {
  // float64 input with a float32 filter: a float64 result, and the filter's gradient stays float32.
  const x64 = randomTensor([1, 3, 4, 4], 622).cast("float64");
  const w32 = randomTensor([2, 3, 3, 3], 623);
  w32.requiresGrad = true;
  const y = conv2d(x64, w32);
  assert.equal(y.dtype, "float64");
  y.sum().backward();
  assert.equal(w32.grad?.dtype, "float32");
  await assertCloseAsync(w32.grad!, grads((q) => sum(conv2d(x64.cast("float32"), q)))(w32)[0], {
    rtol: 1e-5,
  });
  // A float64 bias makes the fused result float64, as adding it would; every gradient keeps its
  // input's dtype.
  const x32 = randomTensor([1, 3, 4, 4], 624), b64 = randomTensor([2], 625).cast("float64");
  const [dx, dw, db] = grads((p, q, c) => sum(conv2d(p, q, { bias: c, activation: "relu" })))(
    x32,
    w32,
    b64,
  );
  assert.equal(conv2d(x32, w32, { bias: b64 }).dtype, "float64");
  assert.deepEqual([dx.dtype, dw.dtype, db.dtype], ["float32", "float32", "float64"]);
});

Deno.test("conv2d: errors name the shapes and the numbers", () => {
  const x = randomTensor([2, 3, 5, 5], 630);
  assertThrowsWith(
    () => conv2d(x, randomTensor([4, 2, 3, 3], 631)),
    "conv2d",
    "[4, 2, 3, 3]",
    "[2, 3, 5, 5]",
    "3 channels",
  );
  assertThrowsWith(
    () => conv2d(x, randomTensor([4, 1, 3, 3], 632), { groups: 2 }),
    "conv2d",
    "groups=2",
    "input channels (3)",
  );
  assertThrowsWith(
    () => conv2d(randomTensor([1, 4, 5, 5], 633), randomTensor([3, 2, 3, 3], 634), { groups: 2 }),
    "conv2d",
    "groups=2",
    "output channels (3)",
  );
  assertThrowsWith(
    () => conv2d(randomTensor([1, 1, 3, 3], 635), randomTensor([1, 1, 5, 5], 636)),
    "conv2d",
    "5×5 filter",
    "3×3 input",
  );
  const w = randomTensor([4, 3, 3, 3], 637);
  assertThrowsWith(() => conv2d(x, w, { bias: randomTensor([3], 638) }), "bias", "[4]", "[3]");
  assertThrowsWith(
    () => conv2d(x, w, { bias: randomTensor([3], 638), activation: "relu" }),
    "conv2d: bias must have shape [4] (one per output channel), got [3]",
  );
  assertThrowsWith(
    () => conv2d(x, w, { activation: "gelu" as Conv2dOptions["activation"] }),
    "conv2d: unknown activation 'gelu'; use one of 'none', 'relu'",
  );
  assertThrowsWith(() => conv2d(randomTensor([3, 5, 5], 639), w), "conv2d", "4 dimensions");
  assertThrowsWith(() => conv2d(x.toInt(), w), "conv2d", "float", "int32");
  assertThrowsWith(() => conv2d(x, w, { stride: 0 }), "conv2d", "stride", "positive");
  assertThrowsWith(
    () => conv2d(x, w, { padding: "full" as Padding2d }),
    "conv2d",
    "padding must be",
    "full",
  );
  assertThrowsWith(() => conv2d(x, w, { padding: [1, 2, 3] as unknown as Padding2d }), "padding");
});

// ---------------------------------------------------------------------------------------------
// convTranspose2d

const CONV_TRANSPOSES: { x: number[]; w: number[]; o: ConvTranspose2dOptions }[] = [
  { x: [2, 3, 4, 5], w: [3, 2, 3, 3], o: {} },
  { x: [1, 2, 4, 4], w: [2, 3, 3, 3], o: { stride: 2, padding: 1 } },
  { x: [2, 2, 3, 4], w: [2, 1, 2, 3], o: { stride: [2, 3], padding: [1, 0] } },
  { x: [1, 2, 4, 3], w: [2, 2, 3, 3], o: { stride: 2, padding: 1, outputPadding: 1 } },
  {
    x: [1, 3, 3, 3],
    w: [3, 2, 4, 2],
    o: { stride: [3, 2], padding: [1, 2, 0, 1], outputPadding: [2, 1] },
  },
  { x: [1, 1, 1, 1], w: [1, 2, 3, 3], o: { stride: 2 } },
];

/**
 * Checks one convTranspose2d case on random inputs (seeded by `seed`): its shape, its values against
 * `reference` and its gradients against tf.grads of `reference`.
 */
async function checkConvTranspose(
  what: string,
  { x: xs, w: ws, o }: { x: number[]; w: number[]; o: ConvTranspose2dOptions },
  seed: number,
  reference: (x: tf.Tensor, w: tf.Tensor, o: ConvTranspose2dOptions) => tf.Tensor,
): Promise<void> {
  const x = randomTensor(xs, seed), w = randomTensor(ws, seed + 20);
  const y = convTranspose2d(x, w, o);
  assert.deepEqual(y.shape, transposedShape(xs, ws, o), what);
  await assertCloseTf(y, reference(await toTf(x), await toTf(w), o), { message: what });
  await assertGradsTf(
    (a, b) => convTranspose2d(a, b, o),
    (a, b) => reference(a, b, o),
    [x, w],
    what,
  );
}

Deno.test("convTranspose2d: stride, padding and outputPadding match tf.conv2dTranspose", async () => {
  for (const [k, { x, w, o }] of CONV_TRANSPOSES.entries()) {
    await checkConvTranspose(
      `convTranspose2d x${JSON.stringify(x)} w${JSON.stringify(w)} ${JSON.stringify(o)}`,
      { x, w, o },
      700 + k,
      tfConvTranspose,
    );
  }
});

Deno.test("convTranspose2d: dilation matches tfjs with the dilation written into the filter", async () => {
  const cases: { x: number[]; w: number[]; o: ConvTranspose2dOptions }[] = [
    { x: [1, 2, 4, 5], w: [2, 3, 3, 2], o: { dilation: 2 } },
    { x: [2, 3, 3, 3], w: [3, 1, 2, 3], o: { dilation: [3, 2], padding: [1, 0, 2, 1] } },
    { x: [1, 2, 3, 4], w: [2, 2, 3, 2], o: { dilation: 2, stride: [2, 3], outputPadding: 1 } },
  ];
  for (const [k, c] of cases.entries()) {
    await checkConvTranspose(
      `dilated convTranspose2d ${JSON.stringify(c.o)}`,
      c,
      740 + k,
      tfConvTranspose,
    );
  }
  // outputPadding may reach the dilation (not only the stride). With stride 1 no tap lands on the
  // extra row and column, so the result is the plain one with a zero border at the bottom/right.
  const x = randomTensor([1, 2, 3, 4], 760), w = randomTensor([2, 2, 2, 2], 761);
  const y = convTranspose2d(x, w, { dilation: 2, outputPadding: 1 });
  assert.deepEqual(y.shape, [1, 2, 6, 7]);
  const plain = tfConvTranspose(await toTf(x), await toTf(w), { dilation: 2 });
  await assertCloseTf(y, tf.pad(plain, [[0, 0], [0, 0], [0, 1], [0, 1]]));
  await assertGradsTf(
    (a, b) => convTranspose2d(a, b, { dilation: 2, outputPadding: 1 }),
    (a, b) => tf.pad(tfConvTranspose(a, b, { dilation: 2 }), [[0, 0], [0, 0], [0, 1], [0, 1]]),
    [x, w],
    "outputPadding ≥ stride",
  );
});

Deno.test("convTranspose2d: groups equal split-transpose-concat", async () => {
  const cases: { x: number[]; w: number[]; o: ConvTranspose2dOptions }[] = [
    { x: [1, 4, 3, 3], w: [4, 3, 3, 3], o: { groups: 2, stride: 2, padding: 1 } },
    { x: [2, 3, 3, 4], w: [3, 1, 2, 2], o: { groups: 3, stride: [1, 2], outputPadding: [0, 1] } },
  ];
  for (const [k, c] of cases.entries()) {
    await checkConvTranspose(
      `grouped convTranspose2d ${JSON.stringify(c.o)}`,
      c,
      770 + k,
      tfGroupedConvTranspose,
    );
  }
});

Deno.test("convTranspose2d: gradients agree with finite differences, bias included", async () => {
  const cases: { x: number[]; w: number[]; o: ConvTranspose2dOptions }[] = [
    { x: [1, 2, 3, 3], w: [2, 2, 3, 3], o: { stride: 2, padding: 1, outputPadding: 1 } },
    { x: [2, 2, 2, 3], w: [2, 1, 2, 2], o: { stride: [1, 2], dilation: [2, 1], groups: 2 } },
    // outputPadding 1 ≥ stride 1 but < dilation 2: the output is one row and column larger than
    // what the convolution maps back from, which the input gradient must account for.
    { x: [1, 2, 3, 3], w: [2, 2, 2, 2], o: { dilation: 2, outputPadding: 1 } },
    { x: [1, 1, 2, 3], w: [1, 2, 2, 2], o: { stride: 2, dilation: 3, outputPadding: [2, 1] } },
  ];
  for (const [k, { x, w, o }] of cases.entries()) {
    await gradcheck(
      (a, b) => convTranspose2d(a, b, o),
      [randomTensor(x, 790 + k), randomTensor(w, 800 + k)],
    );
  }
  await gradcheck(
    (a, b, c) => convTranspose2d(a, b, { stride: 2, bias: c }),
    [randomTensor([1, 2, 2, 3], 810), randomTensor([2, 3, 2, 2], 811), randomTensor([3], 812)],
  );
});

Deno.test("convTranspose2d: errors", () => {
  const x = randomTensor([1, 2, 4, 4], 820);
  assertThrowsWith(
    () => convTranspose2d(x, randomTensor([3, 2, 3, 3], 821)),
    "convTranspose2d",
    "[3, 2, 3, 3]",
    "[1, 2, 4, 4]",
  );
  const w = randomTensor([2, 2, 3, 3], 822);
  assertThrowsWith(
    () => convTranspose2d(x, w, { stride: 2, outputPadding: 2 }),
    "convTranspose2d",
    "outputPadding 2×2",
    "smaller than the stride or the dilation",
  );
  assertThrowsWith(
    () =>
      convTranspose2d(randomTensor([1, 3, 4, 4], 823), randomTensor([3, 2, 3, 3], 824), {
        groups: 2,
      }),
    "convTranspose2d",
    "groups=2",
    "(3)",
  );
  assertThrowsWith(
    () => convTranspose2d(randomTensor([1, 2, 1, 1], 825), w, { padding: 2 }),
    "convTranspose2d",
    "empty",
  );
});

// ---------------------------------------------------------------------------------------------
// pooling

const POOLS: { x: number[]; k: Pair; o: Pool2dOptions }[] = [
  { x: [2, 3, 6, 7], k: 2, o: {} },
  { x: [2, 3, 7, 7], k: 3, o: { stride: 2, padding: "same" } },
  { x: [1, 2, 5, 6], k: [2, 3], o: { stride: [1, 2], padding: "valid" } },
  { x: [1, 1, 5, 5], k: 3, o: { stride: 1, padding: 1 } },
  { x: [2, 2, 6, 5], k: [3, 2], o: { stride: [2, 1], padding: [1, 0, 0, 1] } },
  { x: [1, 2, 4, 5], k: 2, o: { stride: 3, padding: "same" } },
  { x: [1, 2, 5, 4], k: [3, 3], o: { stride: 1, padding: "same" } },
  { x: [1, 1, 1, 1], k: 1, o: {} },
];

/** tfjs's own max or average pool on NCHW tensors (forward; tf.pool when dilated). */
function tfPool(kind: "max" | "avg", x: tf.Tensor, k: Pair, o: Pool2dOptions): tf.Tensor {
  const kernel = pairOf(k), stride = o.stride === undefined ? kernel : pairOf(o.stride);
  const d = pairOf(o.dilation);
  if (d[0] > 1 || d[1] > 1) {
    return toNchw(tf.pool(toNhwc(x), kernel, kind, tfPad(o.padding) as "same", d, stride));
  }
  const pool = kind === "max" ? tf.maxPool : tf.avgPool;
  return toNchw(pool(toNhwc(x), kernel, stride, tfPad(o.padding) as "same"));
}

/** TensorFlow's 'same' padding [before, after] for one dimension, written out independently. */
function samePadding(size: number, k: number, s: number, d: number): [number, number] {
  const total = Math.max((Math.ceil(size / s) - 1) * s + (k - 1) * d + 1 - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/**
 * Pooling with padding built from unpadded ('valid') tfjs pools, whose gradients tfjs gets right:
 * max pads with a very negative number; mean is the mean over the zero-padded input divided by
 * the fraction of the window inside the image. (tfjs's own avgPool gradient divides by the whole
 * window even where it hangs over the border, and its dilated 'same' pools let padding zeros win
 * a max, so neither can serve as the reference there.)
 */
function tfPoolComposed(kind: "max" | "avg", x: tf.Tensor, k: Pair, o: Pool2dOptions): tf.Tensor {
  const kernel = pairOf(k), stride = o.stride === undefined ? kernel : pairOf(o.stride);
  const d = pairOf(o.dilation);
  const [h, w] = [x.shape[2] as number, x.shape[3] as number];
  const [t, b, l, r] = o.padding === "same"
    ? [...samePadding(h, kernel[0], stride[0], d[0]), ...samePadding(w, kernel[1], stride[1], d[1])]
    : fourOf(o.padding === "valid" ? 0 : o.padding);
  const pads: ExplicitPadding = [[0, 0], [t, b], [l, r], [0, 0]];
  const valid = (v: tf.Tensor, type: "max" | "avg") =>
    tf.pool(v as Tf4, kernel, type, "valid", d, stride);
  if (kind === "max") return toNchw(valid(tf.pad(toNhwc(x), pads, -1e9), "max"));
  const inside = valid(tf.pad(tf.onesLike(toNhwc(x)), pads), "avg");
  return toNchw(tf.div(valid(tf.pad(toNhwc(x), pads), "avg"), inside));
}

for (const kind of ["max", "avg"] as const) {
  const ours = kind === "max" ? maxPool2d : avgPool2d;
  const name = kind === "max" ? "maxPool2d" : "avgPool2d";

  Deno.test(`${name}: strides ≠ kernel and every padding form match tfjs, gradients too`, async () => {
    for (const [i, { x: xs, k, o }] of POOLS.entries()) {
      // Distinct random values, so no window has a tie for its maximum.
      const x = randomTensor(xs, 900 + i);
      const what = `${name} x${JSON.stringify(xs)} k${JSON.stringify(k)} ${JSON.stringify(o)}`;
      const y = ours(x, k, o);
      await assertCloseTf(y, tfPool(kind, await toTf(x), k, o), { message: what });
      await assertCloseTf(y, tfPoolComposed(kind, await toTf(x), k, o), {
        message: `${what} (composed)`,
      });
      await assertGradsTf((a) => ours(a, k, o), (a) => tfPoolComposed(kind, a, k, o), [x], what);
    }
  });

  Deno.test(`${name}: dilation matches tf.pool`, async () => {
    const cases: { x: number[]; k: Pair; o: Pool2dOptions }[] = [
      { x: [1, 2, 7, 7], k: 2, o: { stride: 1, dilation: 2 } },
      { x: [2, 1, 8, 6], k: [3, 2], o: { stride: 1, dilation: [2, 3], padding: "same" } },
      { x: [1, 2, 7, 6], k: 2, o: { stride: 1, dilation: [1, 2], padding: [1, 0, 0, 2] } },
    ];
    for (const [i, { x: xs, k, o }] of cases.entries()) {
      const x = randomTensor(xs, 920 + i);
      const what = `${name} dilated ${JSON.stringify(o)}`;
      const y = ours(x, k, o);
      if (o.padding === undefined) {
        await assertCloseTf(y, tfPool(kind, await toTf(x), k, o), { message: `${what} (tf.pool)` });
      }
      await assertCloseTf(y, tfPoolComposed(kind, await toTf(x), k, o), { message: what });
      await assertGradsTf((a) => ours(a, k, o), (a) => tfPoolComposed(kind, a, k, o), [x], what);
    }
  });

  Deno.test(`${name}: gradients agree with finite differences`, async () => {
    const cases: { x: number[]; k: Pair; o: Pool2dOptions }[] = [
      { x: [2, 2, 4, 5], k: 2, o: {} },
      { x: [1, 2, 5, 5], k: 3, o: { stride: 2, padding: "same" } },
      { x: [1, 1, 5, 4], k: [2, 3], o: { stride: 1, padding: [1, 0, 1, 1] } },
      { x: [1, 1, 6, 6], k: 2, o: { stride: [1, 2], dilation: [2, 1] } },
    ];
    for (const [i, { x, k, o }] of cases.entries()) {
      await gradcheck((a) => ours(a, k, o), [randomTensor(x, 930 + i)]);
    }
  });

  Deno.test(`${name}: errors`, () => {
    assertThrowsWith(
      () => ours(randomTensor([1, 1, 2, 2], 940), 3),
      name,
      "3×3 window",
      "2×2 input",
    );
    assertThrowsWith(
      () => ours(randomTensor([1, 1, 2, 2], 944), 2, { stride: 1, padding: [0, 0, 2, 0] }),
      name,
      "window 0 along the width",
      "entirely in the padding",
    );
    assertThrowsWith(
      () => ours(randomTensor([1, 1, 3, 3], 945), 2, { padding: [0, 3] }),
      name,
      "along the width",
      "3×3 input",
    );
    assertThrowsWith(() => ours(randomTensor([1, 4, 4], 941), 2), name, "4 dimensions");
    assertThrowsWith(() => ours(randomTensor([1, 1, 4, 4], 942).toInt(), 2), name, "int32");
    assertThrowsWith(() => ours(randomTensor([1, 1, 4, 4], 943), [2, 0]), name, "kernelSize");
  });
}

Deno.test("pooling: padding never counts, in the max or in the mean", async () => {
  const x = tensor([[[[-1, -2], [-3, -4]]]]);
  // Every window touches padding; zeros there would win the max of these negative numbers.
  assert.deepEqual(await maxPool2d(x, 2, { stride: 1, padding: 1 }).array(), [[[
    [-1, -1, -2],
    [-1, -1, -2],
    [-3, -3, -4],
  ]]]);
  await assertCloseAsync(avgPool2d(x, 2, { stride: 1, padding: 1 }), [[[
    [-1, -1.5, -2],
    [-2, -2.5, -3],
    [-3, -3.5, -4],
  ]]]);
});

// ---------------------------------------------------------------------------------------------
// upsample

Deno.test("upsample: nearest neighbour matches tf.image.resizeNearestNeighbor, gradients too", async () => {
  const cases: { x: number[]; scale: Pair }[] = [
    { x: [2, 3, 4, 5], scale: 2 },
    { x: [1, 2, 3, 3], scale: [2, 3] },
    { x: [1, 1, 5, 2], scale: [1, 2] },
    { x: [2, 1, 1, 2], scale: [3, 1] },
  ];
  for (const [k, { x: xs, scale }] of cases.entries()) {
    const x = randomTensor(xs, 950 + k);
    const [sH, sW] = pairOf(scale);
    const size: [number, number] = [xs[2] * sH, xs[3] * sW];
    // One image at a time: tfjs's resizeNearestNeighbor gradient mixes up the images of a batch.
    const resize = (im: tf.Tensor) => toNchw(tf.image.resizeNearestNeighbor(toNhwc(im), size));
    const theirs = (a: tf.Tensor) =>
      a.shape[0] === 1 ? resize(a) : tf.concat(tf.split(a, a.shape[0], 0).map(resize), 0);
    const what = `upsample x${JSON.stringify(xs)} scale ${JSON.stringify(scale)}`;
    await assertCloseTf(upsample(x, scale), theirs(await toTf(x)), { message: what });
    await assertGradsTf((a) => upsample(a, scale), theirs, [x], what);
    await gradcheck((a) => upsample(a, scale), [x]);
  }
  const blocks = await upsample(tensor([[[[1, 2]]]]), [2, 2]).array();
  assert.deepEqual(blocks, [[[[1, 1, 2, 2], [1, 1, 2, 2]]]]);
  assertThrowsWith(() => upsample(randomTensor([2, 3, 4], 960), 2), "upsample", "4 dimensions");
  assertThrowsWith(() => upsample(randomTensor([1, 1, 2, 2], 961), 0), "upsample", "scale");
});
