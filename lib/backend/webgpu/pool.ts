/**
 * Pooling kernels of the `webgpu` backend (NCHW): max and average over 2-D windows and their
 * adjoints. Semantics follow the reference kernels in `lib/backend/cpu/pool.ts`.
 *
 * The forward kernels run one thread per output. The backward kernels are gathers, one thread per
 * input element: each walks the windows that contain its element (in the reference's order, so
 * the sums round alike) and adds their gradients, so no two threads write one element and no
 * atomics are needed. Max pooling's backward recomputes each window's first maximum instead of
 * storing argmax indices in the forward pass.
 *
 * @module
 */

import type { KernelOutput, Kernels, TensorInfo, Window2d } from "../contract.ts";
import type { DType } from "../../tensor/dtype.ts";
import { sizeOf, windowOutputSize } from "../../tensor/shape.ts";
import { floatBits } from "./command_batch.ts";
import { wgslType } from "./elementwise.ts";
import { gpuRuntime, WORKGROUP } from "./runtime.ts";
import { bufferOf } from "./storage.ts";

/** Parameter words of a pooling kernel. */
const W = {
  count: 0,
  channels: 1,
  inH: 2,
  inW: 3,
  outH: 4,
  outW: 5,
  kH: 6,
  kW: 7,
  sH: 8,
  sW: 9,
  padTop: 10,
  padLeft: 11,
  dH: 12,
  dW: 13,
  /** Offset then N, C, H, W strides of the input view `x` (when bound). */
  xView: 14,
  /** Offset then strides of the gradient view `dy` (when bound). */
  dyView: 19,
  /** Bits of -Infinity, the max of a window wholly in the padding. */
  negInf: 24,
} as const;

/** WGSL helpers every pooling kernel shares: view addressing and window geometry. */
const HELPERS = `
const NONE = 0xffffffffu;
fn xAt(n: u32, c: u32, h: u32, w: u32) -> u32 {
  return word(${W.xView}u) + n * word(${W.xView + 1}u) + c * word(${W.xView + 2}u) +
    h * word(${W.xView + 3}u) + w * word(${W.xView + 4}u);
}
fn dyAt(n: u32, c: u32, h: u32, w: u32) -> u32 {
  return word(${W.dyView}u) + n * word(${W.dyView + 1}u) + c * word(${W.dyView + 2}u) +
    h * word(${W.dyView + 3}u) + w * word(${W.dyView + 4}u);
}
// Input row (column) of tap k of window o, possibly outside the input.
fn rowOf(o: u32, k: u32) -> i32 {
  return i32(o * word(${W.sH}u) + k * word(${W.dH}u)) - i32(word(${W.padTop}u));
}
fn colOf(o: u32, k: u32) -> i32 {
  return i32(o * word(${W.sW}u) + k * word(${W.dW}u)) - i32(word(${W.padLeft}u));
}
fn rowInside(r: i32) -> bool { return r >= 0 && r < i32(word(${W.inH}u)); }
fn colInside(c: i32) -> bool { return c >= 0 && c < i32(word(${W.inW}u)); }
// In-bounds taps of window (oh, ow).
fn tapCount(oh: u32, ow: u32) -> u32 {
  var rows = 0u;
  for (var k = 0u; k < word(${W.kH}u); k++) { rows += select(0u, 1u, rowInside(rowOf(oh, k))); }
  var cols = 0u;
  for (var k = 0u; k < word(${W.kW}u); k++) { cols += select(0u, 1u, colInside(colOf(ow, k))); }
  return rows * cols;
}
`;

/** WGSL of the first maximum of a window of `x`, as row * W + column (NONE when it has no taps). */
const ARGMAX = `
fn argmaxTap(n: u32, c: u32, oh: u32, ow: u32) -> u32 {
  var best = NONE;
  var top = 0.0;
  for (var kh = 0u; kh < word(${W.kH}u); kh++) {
    let r = rowOf(oh, kh);
    if (!rowInside(r)) { continue; }
    for (var kw = 0u; kw < word(${W.kW}u); kw++) {
      let q = colOf(ow, kw);
      if (!colInside(q)) { continue; }
      let v = x[xAt(n, c, u32(r), u32(q))];
      // Strictly greater, so the first of tied maxima wins and a leading NaN stays.
      if (best == NONE || v > top) {
        best = u32(r) * word(${W.inW}u) + u32(q);
        top = v;
      }
    }
  }
  return best;
}
`;

/**
 * A shader over `word(count)` threads. `bindings` are the storage buffers in binding order (the
 * last is the output `y`); `extra` is WGSL after the helpers; `body` runs with the thread's index
 * `i`, its n and c, and its row `h` and column `w` in a plane whose height and width are at the
 * words `plane`.
 */
function shader(
  bindings: readonly [string, string][],
  extra: string,
  plane: [number, number],
  body: string,
): string {
  const decl = bindings.map(([name, type], k) =>
    `@group(0) @binding(${k + 1}) var<storage, ${
      k === bindings.length - 1 ? "read_write" : "read"
    }> ${name}: array<${type}>;`
  );
  return `${decl.join("\n")}
${HELPERS}${extra}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = linearId(gid, groups, ${WORKGROUP}u);
  if (i >= word(0u)) { return; }
  let w = i % word(${plane[1]}u);
  let h = (i / word(${plane[1]}u)) % word(${plane[0]}u);
  let p = i / (word(${plane[1]}u) * word(${plane[0]}u));
  let c = p % word(${W.channels}u);
  let n = p / word(${W.channels}u);
  ${body}
}`;
}

/** The geometry words of pooling `inputShape` with `a`, and the output shape. */
function geometry(
  inputShape: readonly number[],
  a: Window2d,
): { words: number[]; outShape: number[] } {
  const [n, c, inH, inW] = inputShape;
  const [pt, pb, pl, pr] = a.padding;
  const outH = windowOutputSize(inH, a.kernel[0], a.stride[0], pt, pb, a.dilation[0]);
  const outW = windowOutputSize(inW, a.kernel[1], a.stride[1], pl, pr, a.dilation[1]);
  const words = new Array<number>(W.negInf + 1).fill(0);
  words[W.channels] = c;
  words[W.inH] = inH;
  words[W.inW] = inW;
  words[W.outH] = outH;
  words[W.outW] = outW;
  [words[W.kH], words[W.kW]] = a.kernel;
  [words[W.sH], words[W.sW]] = a.stride;
  [words[W.dH], words[W.dW]] = a.dilation;
  words[W.padTop] = pt;
  words[W.padLeft] = pl;
  words[W.negInf] = floatBits(-Infinity);
  return { words, outShape: [n, c, outH, outW] };
}

/** Writes the offset and four strides of a 4-D view at `at`. */
function setView(words: number[], at: number, v: TensorInfo): void {
  words[at] = v.offset;
  v.strides.forEach((s, i) => words[at + 1 + i] = s);
}

/** Records `body` over a new tensor of `shape`, reading the views `inputs` (named x and dy). */
function launch(
  op: string,
  shape: readonly number[],
  dtype: DType,
  words: number[],
  inputs: readonly [string, TensorInfo][],
  extra: string,
  plane: [number, number],
  body: string,
): KernelOutput {
  const rt = gpuRuntime();
  const out = rt.output(shape, dtype, op);
  const type = wgslType(dtype);
  words[W.count] = sizeOf(shape);
  const bindings = [
    ...inputs.map(([name, v]) => [name, wgslType(v.dtype)] as [string, string]),
    ["y", type] as [string, string],
  ];
  rt.run(
    shader(bindings, extra, plane, body),
    [...inputs.map(([, v]) => bufferOf(v.storage)), bufferOf(out.storage)],
    words,
    sizeOf(shape),
  );
  return out;
}

/** Over an output: (h, w) is the window. Over an input: (h, w) is the element. */
const OUT_PLANE: [number, number] = [W.outH, W.outW];
const IN_PLANE: [number, number] = [W.inH, W.inW];

/**
 * WGSL that runs `visit` (with oh, ow) for every window containing input element (h, w), in
 * row-major window order (the taps' kernel indices descending).
 */
function forEachWindow(visit: string): string {
  return `for (var kh = word(${W.kH}u); kh > 0u; kh--) {
    let sr = i32(h + word(${W.padTop}u)) - i32((kh - 1u) * word(${W.dH}u));
    if (sr < 0 || u32(sr) % word(${W.sH}u) != 0u) { continue; }
    let oh = u32(sr) / word(${W.sH}u);
    if (oh >= word(${W.outH}u)) { continue; }
    for (var kw = word(${W.kW}u); kw > 0u; kw--) {
      let sc = i32(w + word(${W.padLeft}u)) - i32((kw - 1u) * word(${W.dW}u));
      if (sc < 0 || u32(sc) % word(${W.sW}u) != 0u) { continue; }
      let ow = u32(sc) / word(${W.sW}u);
      if (ow >= word(${W.outW}u)) { continue; }
      ${visit}
    }
  }`;
}

/** Max over each window; padded positions never win. */
export function maxPool2d(x: TensorInfo, a: Window2d): KernelOutput {
  const { words, outShape } = geometry(x.shape, a);
  setView(words, W.xView, x);
  return launch(
    "maxPool2d",
    outShape,
    x.dtype,
    words,
    [["x", x]],
    ARGMAX,
    OUT_PLANE,
    `let t = argmaxTap(n, c, h, w);
  if (t == NONE) {
    y[i] = fword(${W.negInf}u);
  } else {
    y[i] = x[xAt(n, c, t / word(${W.inW}u), t % word(${W.inW}u))];
  }`,
  );
}

/** Routes each gradient to its window's first maximum, gathering per input element. */
export function maxPool2dBackprop(dy: TensorInfo, x: TensorInfo, a: Window2d): KernelOutput {
  const { words } = geometry(x.shape, a);
  setView(words, W.xView, x);
  setView(words, W.dyView, dy);
  return launch(
    "maxPool2dBackprop",
    x.shape,
    x.dtype,
    words,
    [["x", x], ["dy", dy]],
    ARGMAX,
    IN_PLANE,
    `let me = h * word(${W.inW}u) + w;
  var g = 0.0;
  ${forEachWindow("if (argmaxTap(n, c, oh, ow) == me) { g += dy[dyAt(n, c, oh, ow)]; }")}
  y[i] = g;`,
  );
}

/** Mean over the in-bounds positions of each window (0 for a window wholly in the padding). */
export function avgPool2d(x: TensorInfo, a: Window2d): KernelOutput {
  const { words, outShape } = geometry(x.shape, a);
  setView(words, W.xView, x);
  return launch(
    "avgPool2d",
    outShape,
    x.dtype,
    words,
    [["x", x]],
    "",
    OUT_PLANE,
    `var s = 0.0;
  for (var kh = 0u; kh < word(${W.kH}u); kh++) {
    let r = rowOf(h, kh);
    if (!rowInside(r)) { continue; }
    for (var kw = 0u; kw < word(${W.kW}u); kw++) {
      let q = colOf(w, kw);
      if (colInside(q)) { s += x[xAt(n, c, u32(r), u32(q))]; }
    }
  }
  let count = tapCount(h, w);
  y[i] = select(s / f32(count), 0.0, count == 0u);`,
  );
}

/** Spreads each gradient evenly over its window's in-bounds positions, gathering per element. */
export function avgPool2dBackprop(
  dy: TensorInfo,
  inputShape: readonly number[],
  a: Window2d,
): KernelOutput {
  const { words } = geometry(inputShape, a);
  setView(words, W.dyView, dy);
  return launch(
    "avgPool2dBackprop",
    inputShape,
    dy.dtype,
    words,
    [["dy", dy]],
    "",
    IN_PLANE,
    `var g = 0.0;
  ${forEachWindow("g += dy[dyAt(n, c, oh, ow)] / f32(tapCount(oh, ow));")}
  y[i] = g;`,
  );
}

/** The kernels of this module. */
export const poolKernels: Partial<Kernels> = {
  maxPool2d,
  maxPool2dBackprop,
  avgPool2d,
  avgPool2dBackprop,
};
