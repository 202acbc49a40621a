/**
 * Max and average pooling (and their adjoints) on float32 contiguous NCHW tensors in WASM
 * (`assembly/pool.ts`), split over (image, channel) planes across the pool when large. Other dtypes
 * and strided views run the reference kernels.
 *
 * @module
 */

import type { KernelOutput, Kernels, TensorInfo, Window2d } from "../contract.ts";
import { windowOutputSize } from "../../tensor/shape.ts";
import { allocUninitialized, viewAddress } from "../cpu/storage.ts";
import { allContiguousFloat32, allFloat32, withContiguous } from "./contiguous.ts";
import * as reference from "../cpu/pool.ts";
import { heap } from "./heap.ts";
import { runTasks, splitRange } from "./pool.ts";

/** Below this many window taps in all, a pooling runs on the calling thread. */
const PARALLEL_TAPS = 1 << 18;

/** The output height and width of pooling `inputShape` with `a`. */
function outputSize(inputShape: readonly number[], a: Window2d): [number, number] {
  const [, , h, w] = inputShape, [pt, pb, pl, pr] = a.padding;
  return [
    windowOutputSize(h, a.kernel[0], a.stride[0], pt, pb, a.dilation[0]),
    windowOutputSize(w, a.kernel[1], a.stride[1], pl, pr, a.dilation[1]),
  ];
}

/**
 * Runs `fn(geom, ...addresses, q0, q1)` over every plane of `inputShape`, with the window geometry
 * in a scratch block at `geom` (the kernels take more scalars than a task has argument slots).
 */
function runPlanes(
  fn: string,
  inputShape: readonly number[],
  a: Window2d,
  addresses: readonly number[],
): void {
  const [n, c, h, w] = inputShape, [oh, ow] = outputSize(inputShape, a);
  const planes = n * c;
  if (planes === 0) return;
  const geom = heap.alloc(12 * 4);
  new Int32Array(heap.buffer, geom, 12).set([
    h,
    w,
    oh,
    ow,
    ...a.kernel,
    ...a.stride,
    a.padding[0],
    a.padding[2],
    ...a.dilation,
  ]);
  const perPlane = Math.max(oh * ow * a.kernel[0] * a.kernel[1], h * w, 1);
  const ranges = planes * perPlane < PARALLEL_TAPS
    ? [[0, planes]]
    : splitRange(planes, Math.ceil(PARALLEL_TAPS / 4 / perPlane));
  try {
    runTasks("pool", fn, ranges.map(([q0, q1]) => [geom, ...addresses, q0, q1]));
  } finally {
    heap.free(geom, 12 * 4);
  }
}

/** Max over each window; padded positions never win. */
export function maxPool2d(x: TensorInfo, a: Window2d): KernelOutput {
  if (!allFloat32(x)) return reference.maxPool2d(x, a);
  if (!allContiguousFloat32(x)) return withContiguous([x], ([cx]) => maxPool2d(cx, a));
  const [oh, ow] = outputSize(x.shape, a);
  const { out, values } = allocUninitialized([x.shape[0], x.shape[1], oh, ow], "float32");
  runPlanes("maxpool_f32", x.shape, a, [viewAddress(x), values.byteOffset]);
  return out;
}

/** Routes each gradient to its window's first maximum. */
export function maxPool2dBackprop(dy: TensorInfo, x: TensorInfo, a: Window2d): KernelOutput {
  if (!allFloat32(x, dy)) return reference.maxPool2dBackprop(dy, x, a);
  if (!allContiguousFloat32(x) || !allContiguousFloat32(dy)) {
    return withContiguous([dy, x], ([cdy, cx]) => maxPool2dBackprop(cdy, cx, a));
  }
  const { out, values } = allocUninitialized(x.shape, "float32");
  runPlanes("maxpool_backprop_f32", x.shape, a, [
    viewAddress(dy),
    viewAddress(x),
    values.byteOffset,
  ]);
  return out;
}

/** Mean over the in-bounds positions of each window. */
export function avgPool2d(x: TensorInfo, a: Window2d): KernelOutput {
  if (!allFloat32(x)) return reference.avgPool2d(x, a);
  if (!allContiguousFloat32(x)) return withContiguous([x], ([cx]) => avgPool2d(cx, a));
  const [oh, ow] = outputSize(x.shape, a);
  const { out, values } = allocUninitialized([x.shape[0], x.shape[1], oh, ow], "float32");
  runPlanes("avgpool_f32", x.shape, a, [viewAddress(x), values.byteOffset]);
  return out;
}

/** Spreads each gradient evenly over its window's in-bounds positions. */
export function avgPool2dBackprop(
  dy: TensorInfo,
  inputShape: readonly number[],
  a: Window2d,
): KernelOutput {
  if (!allFloat32(dy)) return reference.avgPool2dBackprop(dy, inputShape, a);
  if (!allContiguousFloat32(dy)) {
    return withContiguous([dy], ([cdy]) => avgPool2dBackprop(cdy, inputShape, a));
  }
  const { out, values } = allocUninitialized(inputShape, "float32");
  runPlanes("avgpool_backprop_f32", inputShape, a, [viewAddress(dy), values.byteOffset]);
  return out;
}

/** The kernels of this module. */
export const poolingKernels: Partial<Kernels> = {
  maxPool2d,
  maxPool2dBackprop,
  avgPool2d,
  avgPool2dBackprop,
};
