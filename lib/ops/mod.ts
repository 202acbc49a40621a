/**
 * Every op, each with its gradient: elementwise math, comparisons, reductions, softmax, matmul,
 * views, joins, indexing, padding, convolution, pooling, upsampling and losses. Importing this
 * module also attaches the ops to `Tensor` as methods.
 *
 * @module
 */

import "./methods.ts";

export { add, div, maximum, minimum, mul, pow, sub } from "./arithmetic.ts";
export { cast, toFloat, toInt } from "./cast.ts";
export { equal, greater, greaterEqual, less, lessEqual, notEqual, where } from "./compare.ts";
export type { TensorLike } from "./convert.ts";
export {
  conv2d,
  type Conv2dOptions,
  convTranspose2d,
  type ConvTranspose2dOptions,
} from "./conv.ts";
export { gather, indexSelect, oneHot } from "./gather.ts";
export { concat, split, stack } from "./join.ts";
export { binaryCrossEntropyWithLogits, crossEntropy, mse, nll, type Reduction } from "./loss.ts";
export { fusedMatmul, type FusedMatmulOptions, matmul } from "./matmul.ts";
export { adamUpdate } from "./optimizer_update.ts";
export { pad } from "./pad.ts";
export { avgPool2d, maxPool2d, type Pool2dOptions } from "./pool.ts";
export {
  argmax,
  argmin,
  type Axes,
  logSumExp,
  max,
  mean,
  min,
  std,
  sum,
  variance,
} from "./reduce.ts";
export { logSoftmax, softmax } from "./softmax.ts";
export {
  abs,
  clip,
  exp,
  leakyRelu,
  log,
  neg,
  relu,
  sigmoid,
  sign,
  softplus,
  sqrt,
  square,
  tanh,
} from "./unary.ts";
export { upsample } from "./upsample.ts";
export {
  broadcastTo,
  contiguous,
  flatten,
  reshape,
  slice,
  squeeze,
  swapAxes,
  transpose,
  unsqueeze,
} from "./view.ts";
export type { Padding2d, Pair } from "./window.ts";
