/**
 * Pooling reference kernels (NCHW): max and average over windows, and their adjoints.
 *
 * @module
 */

import type { KernelOutput, TensorInfo, Window2d } from "../contract.ts";
import { windowOutputSize } from "../../tensor/shape.ts";
import { allocOutput, contiguousValues } from "./storage.ts";

interface PoolGeometry {
  planes: number;
  inH: number;
  inW: number;
  outH: number;
  outW: number;
}

function geometry(inputShape: readonly number[], a: Window2d): PoolGeometry {
  const [n, c, inH, inW] = inputShape;
  const [pt, pb, pl, pr] = a.padding;
  return {
    planes: n * c,
    inH,
    inW,
    outH: windowOutputSize(inH, a.kernel[0], a.stride[0], pt, pb, a.dilation[0]),
    outW: windowOutputSize(inW, a.kernel[1], a.stride[1], pl, pr, a.dilation[1]),
  };
}

/**
 * Calls `visit` for every output position of every plane with the in-bounds input offsets of its
 * window (relative to the plane), in row-major window order.
 */
function forEachWindow(
  g: PoolGeometry,
  a: Window2d,
  visit: (plane: number, out: number, taps: readonly number[]) => void,
): void {
  const taps: number[] = [];
  for (let p = 0; p < g.planes; p++) {
    for (let oh = 0; oh < g.outH; oh++) {
      for (let ow = 0; ow < g.outW; ow++) {
        taps.length = 0;
        for (let kh = 0; kh < a.kernel[0]; kh++) {
          const ih = oh * a.stride[0] - a.padding[0] + kh * a.dilation[0];
          if (ih < 0 || ih >= g.inH) continue;
          for (let kw = 0; kw < a.kernel[1]; kw++) {
            const iw = ow * a.stride[1] - a.padding[2] + kw * a.dilation[1];
            if (iw >= 0 && iw < g.inW) taps.push(ih * g.inW + iw);
          }
        }
        visit(p, (p * g.outH + oh) * g.outW + ow, taps);
      }
    }
  }
}

/** The first position of the largest value among `taps` of one plane. */
function argmaxTap(values: ArrayLike<number>, base: number, taps: readonly number[]): number {
  let best = taps[0];
  for (const t of taps) if (values[base + t] > values[base + best]) best = t;
  return best;
}

/** Max over each window; padded positions never win. */
export function maxPool2d(x: TensorInfo, a: Window2d): KernelOutput {
  const g = geometry(x.shape, a);
  const xv = contiguousValues(x);
  const { out, values } = allocOutput([x.shape[0], x.shape[1], g.outH, g.outW], x.dtype);
  const plane = g.inH * g.inW;
  forEachWindow(g, a, (p, o, taps) => {
    values[o] = taps.length ? xv[p * plane + argmaxTap(xv, p * plane, taps)] : -Infinity;
  });
  return out;
}

/** Routes each gradient to its window's first maximum. */
export function maxPool2dBackprop(dy: TensorInfo, x: TensorInfo, a: Window2d): KernelOutput {
  const g = geometry(x.shape, a);
  const xv = contiguousValues(x), dyv = contiguousValues(dy);
  const { out, values } = allocOutput(x.shape, x.dtype);
  const plane = g.inH * g.inW;
  forEachWindow(g, a, (p, o, taps) => {
    if (taps.length) values[p * plane + argmaxTap(xv, p * plane, taps)] += dyv[o];
  });
  return out;
}

/** Mean over the in-bounds positions of each window. */
export function avgPool2d(x: TensorInfo, a: Window2d): KernelOutput {
  const g = geometry(x.shape, a);
  const xv = contiguousValues(x);
  const { out, values } = allocOutput([x.shape[0], x.shape[1], g.outH, g.outW], x.dtype);
  const plane = g.inH * g.inW;
  forEachWindow(g, a, (p, o, taps) => {
    let s = 0;
    for (const t of taps) s += xv[p * plane + t];
    values[o] = taps.length ? s / taps.length : 0;
  });
  return out;
}

/** Spreads each gradient evenly over its window's in-bounds positions. */
export function avgPool2dBackprop(
  dy: TensorInfo,
  inputShape: readonly number[],
  a: Window2d,
): KernelOutput {
  const g = geometry(inputShape, a);
  const dyv = contiguousValues(dy);
  const { out, values } = allocOutput(inputShape, dy.dtype);
  const plane = g.inH * g.inW;
  forEachWindow(g, a, (p, o, taps) => {
    for (const t of taps) values[p * plane + t] += dyv[o] / taps.length;
  });
  return out;
}
