/**
 * 2-D convolution and its two gradients on the `webgpu` backend, in NCHW, each an implicit GEMM on
 * the tiled skeleton of `matmul.ts`, one GEMM batch per channel group. Nothing is unfolded into
 * memory: the loaders apply the im2col index math (stride, padding [t, b, l, r], dilation) on the
 * fly and read every operand in place through its view.
 *
 * - conv2d: y[n, o, oh, ow] as C[o, (n, oh, ow)] = Σ_{(c, kh, kw)} w[o, (c, kh, kw)] · x̂[(c, kh, kw),
 *   (n, oh, ow)], with M = O/groups, N = N·OH·OW, K = C/groups·kH·kW. Its store adds the bias
 *   and applies the activation, so conv2d + bias + ReLU is one dispatch.
 * - conv2dBackpropInput: dx[n, c, ih, iw] as C[c, (n, ih, iw)] = Σ_{(o, kh, kw)} w[o, c, kh, kw] ·
 *   dy[n, o, oh, ow], where (oh, ow) is the window whose tap (kh, kw) lands on (ih, iw), or zero if
 *   none does. Each thread owns its dx elements and gathers, so no atomics are needed.
 * - conv2dBackpropFilter: dw[o, (c, kh, kw)] = Σ_{(n, oh, ow)} dy[n, o, oh, ow] · x̂[(n, oh, ow),
 *   (c, kh, kw)], with M = O/groups, N = C/groups·kH·kW, K = N·OH·OW.
 *
 * The backward passes take OH and OW from dy: a transposed convolution's output padding can make
 * the image larger than the windows reach (as in the reference, `lib/backend/cpu/conv.ts`).
 *
 * @module
 */

import type { Conv2dAttrs, Epilogue, KernelOutput, Kernels, TensorInfo } from "../contract.ts";
import { windowOutputSize } from "../../tensor/shape.ts";
import { GEMM_WORDS, gemmShader, type GemmShape, runGemm } from "./matmul.ts";
import { WGSL_RELU_F32 } from "./prelude.ts";
import { gpuRuntime } from "./runtime.ts";
import { bufferOf } from "./storage.ts";

/** Parameter words of the two input views (in0, in1): offset, then the N, C, H, W strides. */
const VIEW_NAMES = ["off0", "n0", "c0", "h0", "w0", "off1", "n1", "c1", "h1", "w1"] as const;
/** Parameter words of the geometry. */
const SCALAR_NAMES = [
  "inH", // the image x (or dx)
  "inW",
  "outH", // the windows (dy's or y's spatial size)
  "outW",
  "kH",
  "kW",
  "sH",
  "sW",
  "pT",
  "pL",
  "dH",
  "dW",
  "groupIn", // C / groups
  "groupOut", // O / groups
  "outC", // channels of the kernel's output (y's O or dx's C)
] as const;
/** Parameter words of the forward epilogue (zero, so unused, in the gradients). */
const EPILOGUE_NAMES = [
  "hasBias", // 1 when the bias binding holds the bias (else it repeats w, and is not read)
  "biasOff",
  "biasStride",
  "relu", // 1 to apply ReLU
] as const;
/** Every convolution parameter word, in order after the GEMM skeleton's. */
const NAMES = [...VIEW_NAMES, ...SCALAR_NAMES, ...EPILOGUE_NAMES];
type Name = typeof NAMES[number];
type Geometry = Record<typeof SCALAR_NAMES[number], number>;
type EpilogueWords = Record<typeof EPILOGUE_NAMES[number], number>;

/** WGSL that reads the named parameter word. */
const p = (name: Name) => `word(${GEMM_WORDS + NAMES.indexOf(name)}u)`;

/** Bindings and index helpers of every convolution kernel: in0, in1 are 4-D views, res is dense. */
const COMMON = `
@group(0) @binding(1) var<storage, read> in0: array<f32>;
@group(0) @binding(2) var<storage, read> in1: array<f32>;
@group(0) @binding(3) var<storage, read_write> res: array<f32>;
fn at0(i: u32, j: u32, k: u32, l: u32) -> u32 {
  return ${p("off0")} + i * ${p("n0")} + j * ${p("c0")} + k * ${p("h0")} + l * ${p("w0")};
}
fn at1(i: u32, j: u32, k: u32, l: u32) -> u32 {
  return ${p("off1")} + i * ${p("n1")} + j * ${p("c1")} + k * ${p("h1")} + l * ${p("w1")};
}
// (channel, kh, kw) of a filter index over [channels, kH, kW].
fn tap(k: u32) -> vec3u {
  let taps = ${p("kH")} * ${p("kW")};
  return vec3u(k / taps, (k % taps) / ${p("kW")}, k % ${p("kW")});
}
// (n, row, column) of an index over [batch, h, w].
fn pos(j: u32, h: u32, w: u32) -> vec3u {
  return vec3u(j / (h * w), (j % (h * w)) / w, j % w);
}
// The image position that window (oh, ow)'s tap (kh, kw) reads; may lie in the padding.
fn tapSource(oh: u32, ow: u32, kh: u32, kw: u32) -> vec2i {
  return vec2i(
    i32(oh * ${p("sH")} + kh * ${p("dH")}) - i32(${p("pT")}),
    i32(ow * ${p("sW")} + kw * ${p("dW")}) - i32(${p("pL")}),
  );
}
fn inImage(s: vec2i) -> bool {
  return s.x >= 0 && s.y >= 0 && u32(s.x) < ${p("inH")} && u32(s.y) < ${p("inW")};
}
`;

/**
 * conv2d: in0 = x, in1 = w, bias; C[o, (n, oh, ow)], stored as act(C + bias[channel]). ReLU is
 * written as the relu kernel writes it, so NaN passes through.
 */
const FORWARD = gemmShader(`${COMMON}
@group(0) @binding(4) var<storage, read> bias: array<f32>;
${WGSL_RELU_F32}
fn loadA(g: u32, o: u32, k: u32) -> f32 {
  let t = tap(k);
  return in1[at1(g * ${p("groupOut")} + o, t.x, t.y, t.z)];
}
fn loadB(g: u32, k: u32, j: u32) -> f32 {
  let t = tap(k);
  let q = pos(j, ${p("outH")}, ${p("outW")});
  let s = tapSource(q.y, q.z, t.y, t.z);
  if (!inImage(s)) { return 0.0; }
  return in0[at0(q.x, g * ${p("groupIn")} + t.x, u32(s.x), u32(s.y))];
}
fn store(g: u32, o: u32, j: u32, v: f32) {
  let plane = ${p("outH")} * ${p("outW")};
  let channel = g * ${p("groupOut")} + o;
  var z = v;
  if (${p("hasBias")} != 0u) { z += bias[${p("biasOff")} + channel * ${p("biasStride")}]; }
  if (${p("relu")} != 0u) { z = reluOf(z); }
  res[((j / plane) * ${p("outC")} + channel) * plane + j % plane] = z;
}`);

/** conv2dBackpropInput: in0 = dy, in1 = w; C[c, (n, ih, iw)], gathering over (o, kh, kw). */
const BACKPROP_INPUT = gemmShader(`${COMMON}
// The window index along one axis whose tap reaches image position i, or -1 if none does.
fn windowAt(i: u32, k: u32, stride: u32, pad: u32, dilation: u32, windows: u32) -> i32 {
  let t = i32(i + pad) - i32(k * dilation);
  if (t < 0 || t % i32(stride) != 0 || u32(t) / stride >= windows) { return -1; }
  return t / i32(stride);
}
fn loadA(g: u32, c: u32, k: u32) -> f32 {
  let t = tap(k);
  return in1[at1(g * ${p("groupOut")} + t.x, c, t.y, t.z)];
}
fn loadB(g: u32, k: u32, j: u32) -> f32 {
  let t = tap(k);
  let q = pos(j, ${p("inH")}, ${p("inW")});
  let oh = windowAt(q.y, t.y, ${p("sH")}, ${p("pT")}, ${p("dH")}, ${p("outH")});
  let ow = windowAt(q.z, t.z, ${p("sW")}, ${p("pL")}, ${p("dW")}, ${p("outW")});
  if (oh < 0 || ow < 0) { return 0.0; }
  return in0[at0(q.x, g * ${p("groupOut")} + t.x, u32(oh), u32(ow))];
}
fn store(g: u32, c: u32, j: u32, v: f32) {
  let plane = ${p("inH")} * ${p("inW")};
  res[((j / plane) * ${p("outC")} + g * ${p("groupIn")} + c) * plane + j % plane] = v;
}`);

/** conv2dBackpropFilter: in0 = x, in1 = dy; C[o, (c, kh, kw)], summing over (n, oh, ow). */
const BACKPROP_FILTER = gemmShader(`${COMMON}
fn loadA(g: u32, o: u32, k: u32) -> f32 {
  let q = pos(k, ${p("outH")}, ${p("outW")});
  return in1[at1(q.x, g * ${p("groupOut")} + o, q.y, q.z)];
}
fn loadB(g: u32, k: u32, j: u32) -> f32 {
  let q = pos(k, ${p("outH")}, ${p("outW")});
  let t = tap(j);
  let s = tapSource(q.y, q.z, t.y, t.z);
  if (!inImage(s)) { return 0.0; }
  return in0[at0(q.x, g * ${p("groupIn")} + t.x, u32(s.x), u32(s.y))];
}
fn store(g: u32, o: u32, j: u32, v: f32) {
  res[(g * ${p("groupOut")} + o) * word(1u) + j] = v;
}`);

/** The window words shared by all three kernels. */
function windowWords(a: Conv2dAttrs) {
  return {
    kH: a.kernel[0],
    kW: a.kernel[1],
    sH: a.stride[0],
    sW: a.stride[1],
    pT: a.padding[0],
    pL: a.padding[2],
    dH: a.dilation[0],
    dW: a.dilation[1],
  };
}

/**
 * Records one of the convolution GEMMs over views in0, in1 (and, for the forward pass, the bias)
 * into a fresh output of `shape`. Strides may be negative; as u32 words they wrap, and the
 * kernel's u32 arithmetic wraps back.
 */
function convGemm(
  shader: string,
  op: string,
  [in0, in1]: [TensorInfo, TensorInfo],
  geometry: Geometry,
  shape: readonly number[],
  gemm: GemmShape,
  epilogue?: { words: EpilogueWords; bias: GPUBuffer },
): KernelOutput {
  const out = gpuRuntime().output(shape, in0.dtype, op);
  const views = [in0, in1].flatMap((v) => [v.offset, ...v.strides]);
  const words = [
    ...views,
    ...SCALAR_NAMES.map((n) => geometry[n]),
    ...(epilogue ? EPILOGUE_NAMES.map((n) => epilogue.words[n]) : []),
  ].map((v) => v >>> 0);
  const buffers = [bufferOf(in0.storage), bufferOf(in1.storage), bufferOf(out.storage)];
  runGemm(
    shader,
    epilogue ? [...buffers, epilogue.bias] : buffers,
    [...new Array<number>(GEMM_WORDS).fill(0), ...words],
    gemm,
  );
  return out;
}

/**
 * y = conv2d(x, w): [N, C, H, W] ⋆ [O, C/groups, kH, kW] → [N, O, OH, OW]; with an epilogue,
 * act(y + b) in the same dispatch.
 */
export function conv2d(
  x: TensorInfo,
  w: TensorInfo,
  a: Conv2dAttrs,
  epilogue?: Epilogue,
): KernelOutput {
  const [batch, , inH, inW] = x.shape;
  const [outC, groupIn, kH, kW] = w.shape;
  const [pt, pb, pl, pr] = a.padding;
  const outH = windowOutputSize(inH, kH, a.stride[0], pt, pb, a.dilation[0]);
  const outW = windowOutputSize(inW, kW, a.stride[1], pl, pr, a.dilation[1]);
  const groupOut = outC / a.groups;
  const geometry = { ...windowWords(a), inH, inW, outH, outW, groupIn, groupOut, outC };
  const bias = epilogue?.bias;
  const words = {
    hasBias: bias ? 1 : 0,
    biasOff: bias?.offset ?? 0,
    biasStride: bias?.strides[0] ?? 0,
    relu: epilogue?.activation === "relu" ? 1 : 0,
  };
  const shape = [batch, outC, outH, outW];
  return convGemm(FORWARD, "conv2d", [x, w], geometry, shape, {
    batches: a.groups,
    m: groupOut,
    n: batch * outH * outW,
    k: groupIn * kH * kW,
    aAlongK: true, // w[o, (c, kh, kw)]
    bAlongK: false, // windows (n, oh, ow) step along x's rows
  }, {
    words,
    // Without a bias the binding still needs a buffer: w's, bound read-only twice and never read.
    bias: bufferOf((bias ?? w).storage),
  });
}

/** dx of conv2d (also the transposed convolution): dy [N, O, OH, OW] and w → `inputShape`. */
export function conv2dBackpropInput(
  dy: TensorInfo,
  w: TensorInfo,
  inputShape: readonly number[],
  a: Conv2dAttrs,
): KernelOutput {
  const [batch, channels, inH, inW] = inputShape;
  const [outC, groupIn, kH, kW] = w.shape;
  const [, , outH, outW] = dy.shape;
  const groupOut = outC / a.groups;
  const geometry = {
    ...windowWords(a),
    inH,
    inW,
    outH,
    outW,
    groupIn,
    groupOut,
    outC: channels,
  };
  return convGemm(BACKPROP_INPUT, "conv2dBackpropInput", [dy, w], geometry, inputShape, {
    batches: a.groups,
    m: groupIn,
    n: batch * inH * inW,
    k: groupOut * kH * kW,
    aAlongK: true, // w[(o, kh, kw), c] steps along (kh, kw)
    bAlongK: false, // image positions (n, ih, iw) step along dy's rows
  });
}

/** dw of conv2d: x [N, C, H, W] and dy [N, O, OH, OW] → `filterShape` [O, C/groups, kH, kW]. */
export function conv2dBackpropFilter(
  x: TensorInfo,
  dy: TensorInfo,
  filterShape: readonly number[],
  a: Conv2dAttrs,
): KernelOutput {
  const [batch, , inH, inW] = x.shape;
  const [outC, groupIn, kH, kW] = filterShape;
  const [, , outH, outW] = dy.shape;
  const groupOut = outC / a.groups;
  const geometry = { ...windowWords(a), inH, inW, outH, outW, groupIn, groupOut, outC };
  return convGemm(BACKPROP_FILTER, "conv2dBackpropFilter", [x, dy], geometry, filterShape, {
    batches: a.groups,
    m: groupOut,
    n: groupIn * kH * kW,
    k: batch * outH * outW,
    aAlongK: true, // dy[o, (n, oh, ow)]
    bAlongK: true, // windows (n, oh, ow) step along x's rows
  });
}

/** The kernels of this module. */
export const convKernels: Partial<Kernels> = {
  conv2d,
  conv2dBackpropInput,
  conv2dBackpropFilter,
};
