/**
 * 2-D convolution reference kernels (NCHW), written as direct loops so that each reads as its
 * definition. Faster backends use implicit GEMM and are checked against these.
 *
 * @module
 */

import type { Conv2dAttrs, Epilogue, KernelOutput, TensorInfo } from "../contract.ts";
import { allocArray } from "../../tensor/dtype.ts";
import { windowOutputSize } from "../../tensor/shape.ts";
import { applyEpilogue } from "./epilogue.ts";
import { contiguousValues, type CpuStorage, outputOf } from "./storage.ts";

/** Visits every (output position, tap) pair whose input position lies inside the image. */
function forEachTap(
  inH: number,
  inW: number,
  outH: number,
  outW: number,
  a: Conv2dAttrs,
  visit: (oh: number, ow: number, kh: number, kw: number, ih: number, iw: number) => void,
): void {
  const [kH, kW] = a.kernel, [sH, sW] = a.stride, [dH, dW] = a.dilation;
  const [pt, , pl] = a.padding;
  for (let oh = 0; oh < outH; oh++) {
    for (let kh = 0; kh < kH; kh++) {
      const ih = oh * sH - pt + kh * dH;
      if (ih < 0 || ih >= inH) continue;
      for (let ow = 0; ow < outW; ow++) {
        for (let kw = 0; kw < kW; kw++) {
          const iw = ow * sW - pl + kw * dW;
          if (iw < 0 || iw >= inW) continue;
          visit(oh, ow, kh, kw, ih, iw);
        }
      }
    }
  }
}

/**
 * y[n, o, oh, ow] = Σ_{c, kh, kw} x[n, g·Cg + c, ih, iw] · w[o, c, kh, kw], then, with an
 * epilogue, act(y + b[o]).
 */
export function conv2d(
  x: TensorInfo,
  w: TensorInfo,
  a: Conv2dAttrs,
  epilogue?: Epilogue,
): KernelOutput {
  const [batch, channels, inH, inW] = x.shape;
  const [outC, groupC, kH, kW] = w.shape;
  const [pt, pb, pl, pr] = a.padding;
  const outH = windowOutputSize(inH, kH, a.stride[0], pt, pb, a.dilation[0]);
  const outW = windowOutputSize(inW, kW, a.stride[1], pl, pr, a.dilation[1]);
  const xv = contiguousValues(x), wv = contiguousValues(w);
  const acc = new Float64Array(batch * outC * outH * outW);
  const outPerGroup = outC / a.groups;
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < outC; o++) {
      const g = Math.floor(o / outPerGroup);
      const yBase = (n * outC + o) * outH * outW;
      for (let c = 0; c < groupC; c++) {
        const xBase = (n * channels + g * groupC + c) * inH * inW;
        const wBase = (o * groupC + c) * kH * kW;
        forEachTap(inH, inW, outH, outW, a, (oh, ow, kh, kw, ih, iw) => {
          acc[yBase + oh * outW + ow] += xv[xBase + ih * inW + iw] * wv[wBase + kh * kW + kw];
        });
      }
    }
  }
  const out = fromAccumulator(acc, [batch, outC, outH, outW], x);
  if (epilogue) applyEpilogue((out.storage as CpuStorage).values, outC, outH * outW, epilogue);
  return out;
}

/** dx[n, g·Cg + c, ih, iw] += dy[n, o, oh, ow] · w[o, c, kh, kw]: conv2d's adjoint in x. */
export function conv2dBackpropInput(
  dy: TensorInfo,
  w: TensorInfo,
  inputShape: readonly number[],
  a: Conv2dAttrs,
): KernelOutput {
  const [batch, channels, inH, inW] = inputShape;
  const [outC, groupC, kH, kW] = w.shape;
  const [, , outH, outW] = dy.shape;
  const dyv = contiguousValues(dy), wv = contiguousValues(w);
  const acc = new Float64Array(batch * channels * inH * inW);
  const outPerGroup = outC / a.groups;
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < outC; o++) {
      const g = Math.floor(o / outPerGroup);
      const yBase = (n * outC + o) * outH * outW;
      for (let c = 0; c < groupC; c++) {
        const xBase = (n * channels + g * groupC + c) * inH * inW;
        const wBase = (o * groupC + c) * kH * kW;
        forEachTap(inH, inW, outH, outW, a, (oh, ow, kh, kw, ih, iw) => {
          acc[xBase + ih * inW + iw] += dyv[yBase + oh * outW + ow] * wv[wBase + kh * kW + kw];
        });
      }
    }
  }
  return fromAccumulator(acc, inputShape, dy);
}

/** dw[o, c, kh, kw] += x[n, g·Cg + c, ih, iw] · dy[n, o, oh, ow]: conv2d's adjoint in w. */
export function conv2dBackpropFilter(
  x: TensorInfo,
  dy: TensorInfo,
  filterShape: readonly number[],
  a: Conv2dAttrs,
): KernelOutput {
  const [batch, channels, inH, inW] = x.shape;
  const [outC, groupC, kH, kW] = filterShape;
  const [, , outH, outW] = dy.shape;
  const xv = contiguousValues(x), dyv = contiguousValues(dy);
  const acc = new Float64Array(outC * groupC * kH * kW);
  const outPerGroup = outC / a.groups;
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < outC; o++) {
      const g = Math.floor(o / outPerGroup);
      const yBase = (n * outC + o) * outH * outW;
      for (let c = 0; c < groupC; c++) {
        const xBase = (n * channels + g * groupC + c) * inH * inW;
        const wBase = (o * groupC + c) * kH * kW;
        forEachTap(inH, inW, outH, outW, a, (oh, ow, kh, kw, ih, iw) => {
          acc[wBase + kh * kW + kw] += xv[xBase + ih * inW + iw] * dyv[yBase + oh * outW + ow];
        });
      }
    }
  }
  return fromAccumulator(acc, filterShape, x);
}

function fromAccumulator(
  acc: Float64Array,
  shape: readonly number[],
  like: TensorInfo,
): KernelOutput {
  const values = allocArray(like.dtype, acc.length);
  values.set(acc);
  return outputOf(values, shape, like.dtype);
}
