/**
 * 2-D convolution and transposed convolution on NCHW tensors, with stride, padding, dilation and
 * groups. conv2d applies its bias and an optional ReLU in its own kernel. Each gradient is itself
 * a convolution kernel of the backend (or, for the bias, a sum).
 *
 * @module
 */

import { record } from "../autograd/graph.ts";
import type { Conv2dAttrs, FusedActivation } from "../backend/contract.ts";
import { runKernel } from "../backend/registry.ts";
import { promoteTypes } from "../tensor/dtype.ts";
import { formatShape, shapesEqual, windowOutputSize } from "../tensor/shape.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { add, mul } from "./arithmetic.ts";
import { cast } from "./cast.ts";
import { greater } from "./compare.ts";
import {
  asTensor,
  fromKernel,
  fusedActivation,
  requireFloat,
  requireRank,
  type TensorLike,
} from "./convert.ts";
import { sum } from "./reduce.ts";
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
  /**
   * Applied to the convolution plus bias in the same kernel (default 'none'): 'relu' gives what
   * `relu(conv2d(x, w, { bias }))` gives, without the add and relu kernels between.
   */
  readonly activation?: FusedActivation;
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

/** `bias` as a tensor, checked to hold one value per output channel. */
function channelBias(op: string, bias: TensorLike, channels: number): Tensor {
  const b = asTensor(op, bias);
  if (b.rank !== 1 || b.shape[0] !== channels) {
    throw new Error(
      `${op}: bias must have shape [${channels}] (one per output channel), got ${
        formatShape(b.shape)
      }`,
    );
  }
  return b;
}

function addBias(op: string, y: Tensor, bias: TensorLike | undefined): Tensor {
  if (bias === undefined) return y;
  return add(y, reshape(channelBias(op, bias, y.shape[1]), [1, y.shape[1], 1, 1]));
}

/**
 * Cross-correlates `x` [N, C, H, W] with filters `w` [O, C / groups, kH, kW], giving
 * [N, O, OH, OW]. This is what deep-learning libraries call convolution. With `bias` and
 * `activation` it computes act(conv(x, w) + b) in one kernel.
 */
export function conv2d(x: TensorLike, w: TensorLike, options: Conv2dOptions = {}): Tensor {
  const activation = fusedActivation("conv2d", options.activation);
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
  const bias = options.bias === undefined ? null : channelBias("conv2d", options.bias, outC);
  // The kernel takes one dtype; a float64 bias makes the result float64, as adding it would.
  const dtype = bias ? promoteTypes(input.dtype, bias.dtype) : input.dtype;
  const [cx, cw] = [cast(input, dtype), cast(filter, dtype)];
  const cb = bias && cast(bias, dtype);
  const epilogue = cb || activation !== "none" ? { bias: cb, activation } : undefined;
  const y = fromKernel(runKernel("conv2d", cx, cw, attrs, epilogue));
  return record("conv2d", cb ? [cx, cw, cb] : [cx, cw], y, (g, needs) => {
    // The gradient of conv + b. The fused ReLU passes it where the output (saved, unlike the
    // pre-activation) is positive, which is where conv + b is.
    const dz = activation === "relu" ? mul(g, greater(y, 0)) : g;
    return [
      needs[0] ? fromKernel(runKernel("conv2dBackpropInput", dz, cw, cx.shape, attrs)) : null,
      needs[1] ? fromKernel(runKernel("conv2dBackpropFilter", cx, dz, cw.shape, attrs)) : null,
      needs[2] ? sum(dz, [0, 2, 3]) : null,
    ];
  });
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
