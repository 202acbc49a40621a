/**
 * 2-D convolution and transposed convolution on NCHW tensors, with stride, padding, dilation and
 * groups. Each gradient is itself a convolution kernel of the backend.
 *
 * @module
 */

import { record } from "../autograd/graph.ts";
import type { Conv2dAttrs } from "../backend/contract.ts";
import { runKernel } from "../backend/registry.ts";
import { promoteTypes } from "../tensor/dtype.ts";
import { formatShape, shapesEqual, windowOutputSize } from "../tensor/shape.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { add } from "./arithmetic.ts";
import { cast } from "./cast.ts";
import { asTensor, fromKernel, requireFloat, requireRank, type TensorLike } from "./convert.ts";
import { reshape, slice } from "./view.ts";
import { type Padding2d, type Pair, pair, resolvePadding } from "./window.ts";

/** Options of {@link conv2d}. */
export interface Conv2dOptions {
  /** Step between windows (default 1). */
  readonly stride?: Pair;
  /** Border handling (default 'valid', i.e. 0). */
  readonly padding?: Padding2d;
  /** Spacing between filter taps (default 1). */
  readonly dilation?: Pair;
  /** Channel groups: input and output channels split into this many independent convolutions (default 1). */
  readonly groups?: number;
  /** Per-output-channel bias of shape [O], added to every position. */
  readonly bias?: TensorLike;
}

/** Options of {@link convTranspose2d}. */
export interface ConvTranspose2dOptions {
  /** Upsampling step (default 1). */
  readonly stride?: Pair;
  /** Rows/columns removed from each border of the full output (default 0): a number, a pair or four. */
  readonly padding?: number | readonly [number, number] | readonly [number, number, number, number];
  /** Extra rows/columns added at the bottom/right, to pick among output sizes a stride allows (default 0). */
  readonly outputPadding?: Pair;
  /** Spacing between filter taps (default 1). */
  readonly dilation?: Pair;
  /** Channel groups (default 1). */
  readonly groups?: number;
  /** Per-output-channel bias of shape [Cout]. */
  readonly bias?: TensorLike;
}

function checkGroups(op: string, groups: number, inC: number, outC: number): void {
  if (!Number.isInteger(groups) || groups < 1 || inC % groups !== 0 || outC % groups !== 0) {
    throw new Error(
      `${op}: groups=${groups} must be a positive integer dividing both the input channels (${inC}) ` +
        `and the output channels (${outC})`,
    );
  }
}

/**
 * Input and filter in one float dtype. Kernels write their output in their first operand's dtype,
 * so without this a float32 filter on a float64 input would get a float64 gradient. The casts
 * record their own gradients, which cast back.
 */
function sameFloat(op: string, x: Tensor, w: Tensor): [Tensor, Tensor] {
  requireFloat(op, x);
  requireFloat(op, w);
  const dtype = promoteTypes(x.dtype, w.dtype);
  return [cast(x, dtype), cast(w, dtype)];
}

function addBias(op: string, y: Tensor, bias: TensorLike | undefined): Tensor {
  if (bias === undefined) return y;
  const b = asTensor(op, bias);
  if (b.rank !== 1 || b.shape[0] !== y.shape[1]) {
    throw new Error(
      `${op}: bias must have shape [${y.shape[1]}] (one per output channel), got ${
        formatShape(b.shape)
      }`,
    );
  }
  return add(y, reshape(b, [1, y.shape[1], 1, 1]));
}

/**
 * Cross-correlates `x` [N, C, H, W] with filters `w` [O, C / groups, kH, kW], giving
 * [N, O, OH, OW]. This is what deep-learning libraries call convolution.
 */
export function conv2d(x: TensorLike, w: TensorLike, options: Conv2dOptions = {}): Tensor {
  const [input, filter] = sameFloat("conv2d", asTensor("conv2d", x), asTensor("conv2d", w));
  requireRank("conv2d", "the input (N, C, H, W)", input, 4);
  requireRank("conv2d", "the filter (O, C/groups, kH, kW)", filter, 4);
  const [, inC, inH, inW] = input.shape;
  const [outC, groupC, kH, kW] = filter.shape;
  const groups = options.groups ?? 1;
  checkGroups("conv2d", groups, inC, outC);
  if (groupC !== inC / groups) {
    throw new Error(
      `conv2d: the filter ${
        formatShape(filter.shape)
      } expects ${groupC} input channels per group, but the ` +
        `input ${formatShape(input.shape)} has ${inC} channels in ${groups} group(s) (${
          inC / groups
        } each)`,
    );
  }
  const stride = pair("conv2d", "stride", options.stride ?? 1);
  const dilation = pair("conv2d", "dilation", options.dilation ?? 1);
  const padding = resolvePadding(
    "conv2d",
    options.padding ?? "valid",
    [inH, inW],
    [kH, kW],
    stride,
    dilation,
  );
  const attrs: Conv2dAttrs = { kernel: [kH, kW], stride, padding, dilation, groups };
  const outH = windowOutputSize(inH, kH, stride[0], padding[0], padding[1], dilation[0]);
  const outW = windowOutputSize(inW, kW, stride[1], padding[2], padding[3], dilation[1]);
  if (outH < 1 || outW < 1) {
    throw new Error(
      `conv2d: the ${kH}×${kW} filter (dilation ${
        dilation.join("×")
      }) does not fit the ${inH}×${inW} input ` +
        `with padding ${padding.join(",")}; the output would be ${outH}×${outW}`,
    );
  }
  const y = fromKernel(runKernel("conv2d", input, filter, attrs));
  const out = record("conv2d", [input, filter], y, (g, needs) => [
    needs[0] ? fromKernel(runKernel("conv2dBackpropInput", g, filter, input.shape, attrs)) : null,
    needs[1] ? fromKernel(runKernel("conv2dBackpropFilter", input, g, filter.shape, attrs)) : null,
  ]);
  return addBias("conv2d", out, options.bias);
}

/**
 * The transposed convolution (sometimes called deconvolution): the gradient of {@link conv2d} with
 * respect to its input, used as a learnable upsampler. `x` is [N, Cin, H, W] and `w` is
 * [Cin, Cout / groups, kH, kW]; the output is [N, Cout, OH, OW] with
 * `OH = (H - 1)·stride - (top + bottom) + dilation·(kH - 1) + outputPadding + 1`.
 */
export function convTranspose2d(
  x: TensorLike,
  w: TensorLike,
  options: ConvTranspose2dOptions = {},
): Tensor {
  const [input, filter] = sameFloat(
    "convTranspose2d",
    asTensor("convTranspose2d", x),
    asTensor("convTranspose2d", w),
  );
  requireRank("convTranspose2d", "the input (N, Cin, H, W)", input, 4);
  requireRank("convTranspose2d", "the filter (Cin, Cout/groups, kH, kW)", filter, 4);
  const [batch, inC, inH, inW] = input.shape;
  const [filterIn, groupOut, kH, kW] = filter.shape;
  const groups = options.groups ?? 1;
  if (filterIn !== inC) {
    throw new Error(
      `convTranspose2d: the filter ${
        formatShape(filter.shape)
      } takes ${filterIn} input channels but the input ` +
        `${formatShape(input.shape)} has ${inC}`,
    );
  }
  checkGroups("convTranspose2d", groups, inC, groupOut * groups);
  const stride = pair("convTranspose2d", "stride", options.stride ?? 1);
  const dilation = pair("convTranspose2d", "dilation", options.dilation ?? 1);
  const outPad = pair("convTranspose2d", "outputPadding", options.outputPadding ?? 0, true);
  if (
    (outPad[0] >= stride[0] && outPad[0] >= dilation[0]) ||
    (outPad[1] >= stride[1] && outPad[1] >= dilation[1])
  ) {
    throw new Error(
      `convTranspose2d: outputPadding ${
        outPad.join("×")
      } must be smaller than the stride or the dilation`,
    );
  }
  const padding = resolvePadding(
    "convTranspose2d",
    options.padding ?? 0,
    [inH, inW],
    [kH, kW],
    stride,
    dilation,
  );
  const outH = (inH - 1) * stride[0] - padding[0] - padding[1] + dilation[0] * (kH - 1) +
    outPad[0] + 1;
  const outW = (inW - 1) * stride[1] - padding[2] - padding[3] + dilation[1] * (kW - 1) +
    outPad[1] + 1;
  if (outH < 1 || outW < 1) {
    throw new Error(
      `convTranspose2d: padding ${padding.join(",")} leaves an empty ${outH}×${outW} output`,
    );
  }
  const attrs: Conv2dAttrs = { kernel: [kH, kW], stride, padding, dilation, groups };
  const outShape = [batch, groupOut * groups, outH, outW];
  const y = fromKernel(runKernel("conv2dBackpropInput", input, filter, outShape, attrs));
  const out = record("convTranspose2d", [input, filter], y, (g, needs) => [
    needs[0] ? inputGradient(g) : null,
    needs[1] ? fromKernel(runKernel("conv2dBackpropFilter", g, input, filter.shape, attrs)) : null,
  ]);
  /**
   * The convolution of the output gradient. When outputPadding reaches the stride (allowed while it
   * stays below the dilation), that convolution has floor(outputPadding / stride) more positions
   * than the input; they lie past its end, so they are dropped.
   */
  function inputGradient(g: Tensor): Tensor {
    const dx = fromKernel(runKernel("conv2d", g, filter, attrs));
    return shapesEqual(dx.shape, input.shape) ? dx : slice(dx, [0, 0, 0, 0], input.shape);
  }
  return addBias("convTranspose2d", out, options.bias);
}
