/**
 * The fluent API: every op as a Tensor method, so `x.matmul(w).add(b).relu()` reads left to right.
 * Each method calls the function of the same name with the tensor as its first argument.
 *
 * @module
 */

import { backward } from "../autograd/backward.ts";
import type { DType } from "../tensor/dtype.ts";
import type { Shape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { add, div, maximum, minimum, mul, pow, sub } from "./arithmetic.ts";
import { cast, toFloat, toInt } from "./cast.ts";
import { equal, greater, greaterEqual, less, lessEqual, notEqual } from "./compare.ts";
import type { TensorLike } from "./convert.ts";
import { gather } from "./gather.ts";
import { matmul } from "./matmul.ts";
import { pad } from "./pad.ts";
import {
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
import { logSoftmax, softmax } from "./softmax.ts";
import {
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
import {
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

declare module "../tensor/tensor.ts" {
  interface Tensor {
    /** {@link add}: this + other. */
    add(other: TensorLike): Tensor;
    /** {@link sub}: this - other. */
    sub(other: TensorLike): Tensor;
    /** {@link mul}: this · other elementwise. */
    mul(other: TensorLike): Tensor;
    /** {@link div}: this / other. */
    div(other: TensorLike): Tensor;
    /** {@link pow}: this ** exponent. */
    pow(exponent: TensorLike): Tensor;
    /** {@link maximum}: elementwise larger of this and other. */
    maximum(other: TensorLike): Tensor;
    /** {@link minimum}: elementwise smaller of this and other. */
    minimum(other: TensorLike): Tensor;
    /** {@link neg}: -this. */
    neg(): Tensor;
    /** {@link exp}. */
    exp(): Tensor;
    /** {@link log}: natural logarithm. */
    log(): Tensor;
    /** {@link sqrt}. */
    sqrt(): Tensor;
    /** {@link abs}. */
    abs(): Tensor;
    /** {@link sign}. */
    sign(): Tensor;
    /** {@link square}. */
    square(): Tensor;
    /** {@link relu}. */
    relu(): Tensor;
    /** {@link leakyRelu}. */
    leakyRelu(alpha?: number): Tensor;
    /** {@link sigmoid}. */
    sigmoid(): Tensor;
    /** {@link tanh}. */
    tanh(): Tensor;
    /** {@link softplus}. */
    softplus(): Tensor;
    /** {@link clip}: clamp to [lo, hi]. */
    clip(lo: number, hi: number): Tensor;
    /** {@link equal}: 1 where equal. */
    equal(other: TensorLike): Tensor;
    /** {@link notEqual}. */
    notEqual(other: TensorLike): Tensor;
    /** {@link less}. */
    less(other: TensorLike): Tensor;
    /** {@link lessEqual}. */
    lessEqual(other: TensorLike): Tensor;
    /** {@link greater}. */
    greater(other: TensorLike): Tensor;
    /** {@link greaterEqual}. */
    greaterEqual(other: TensorLike): Tensor;
    /** {@link sum} over axes (all by default). */
    sum(axes?: Axes, keepDims?: boolean): Tensor;
    /** {@link mean} over axes (all by default). */
    mean(axes?: Axes, keepDims?: boolean): Tensor;
    /** {@link max} over axes (all by default). */
    max(axes?: Axes, keepDims?: boolean): Tensor;
    /** {@link min} over axes (all by default). */
    min(axes?: Axes, keepDims?: boolean): Tensor;
    /** {@link variance} over axes (all by default). */
    var(axes?: Axes, keepDims?: boolean, correction?: number): Tensor;
    /** {@link std} over axes (all by default). */
    std(axes?: Axes, keepDims?: boolean, correction?: number): Tensor;
    /** {@link logSumExp} over axes (all by default). */
    logSumExp(axes?: Axes, keepDims?: boolean): Tensor;
    /** {@link argmax} along an axis (the last by default). */
    argmax(axis?: number, keepDims?: boolean): Tensor;
    /** {@link argmin} along an axis (the last by default). */
    argmin(axis?: number, keepDims?: boolean): Tensor;
    /** {@link softmax} along an axis (the last by default). */
    softmax(axis?: number): Tensor;
    /** {@link logSoftmax} along an axis (the last by default). */
    logSoftmax(axis?: number): Tensor;
    /** {@link matmul}: this @ other. */
    matmul(other: TensorLike): Tensor;
    /** {@link reshape}. */
    reshape(shape: Shape): Tensor;
    /** {@link flatten}. */
    flatten(startAxis?: number, endAxis?: number): Tensor;
    /** {@link squeeze}. */
    squeeze(axes?: number | readonly number[]): Tensor;
    /** {@link unsqueeze}. */
    unsqueeze(axis: number): Tensor;
    /** {@link transpose}: permute (or reverse) the axes. */
    transpose(perm?: readonly number[]): Tensor;
    /** {@link swapAxes}. */
    swapAxes(axis1: number, axis2: number): Tensor;
    /** {@link slice}. */
    slice(begin: readonly number[], size?: readonly number[]): Tensor;
    /** {@link broadcastTo}. */
    broadcastTo(shape: Shape): Tensor;
    /** {@link contiguous}. */
    contiguous(): Tensor;
    /** {@link pad}. */
    pad(paddings: readonly (readonly [number, number])[], value?: number): Tensor;
    /** {@link gather} along an axis (0 by default). */
    gather(indices: TensorLike, axis?: number): Tensor;
    /** {@link cast}. */
    cast(dtype: DType): Tensor;
    /** {@link toFloat}. */
    toFloat(): Tensor;
    /** {@link toInt}. */
    toInt(): Tensor;
    /**
     * Accumulates the gradient of this tensor into `.grad` of every leaf that requires grad. Without
     * an argument the tensor must have one element (a loss).
     */
    backward(grad?: Tensor): void;
    /** Disposes and clears `.grad`. */
    zeroGrad(): void;
  }
}

const methods: Record<string, (this: Tensor, ...args: never[]) => unknown> = {
  add(other: TensorLike) {
    return add(this, other);
  },
  sub(other: TensorLike) {
    return sub(this, other);
  },
  mul(other: TensorLike) {
    return mul(this, other);
  },
  div(other: TensorLike) {
    return div(this, other);
  },
  pow(exponent: TensorLike) {
    return pow(this, exponent);
  },
  maximum(other: TensorLike) {
    return maximum(this, other);
  },
  minimum(other: TensorLike) {
    return minimum(this, other);
  },
  neg() {
    return neg(this);
  },
  exp() {
    return exp(this);
  },
  log() {
    return log(this);
  },
  sqrt() {
    return sqrt(this);
  },
  abs() {
    return abs(this);
  },
  sign() {
    return sign(this);
  },
  square() {
    return square(this);
  },
  relu() {
    return relu(this);
  },
  leakyRelu(alpha?: number) {
    return leakyRelu(this, alpha);
  },
  sigmoid() {
    return sigmoid(this);
  },
  tanh() {
    return tanh(this);
  },
  softplus() {
    return softplus(this);
  },
  clip(lo: number, hi: number) {
    return clip(this, lo, hi);
  },
  equal(other: TensorLike) {
    return equal(this, other);
  },
  notEqual(other: TensorLike) {
    return notEqual(this, other);
  },
  less(other: TensorLike) {
    return less(this, other);
  },
  lessEqual(other: TensorLike) {
    return lessEqual(this, other);
  },
  greater(other: TensorLike) {
    return greater(this, other);
  },
  greaterEqual(other: TensorLike) {
    return greaterEqual(this, other);
  },
  sum(axes?: Axes, keepDims?: boolean) {
    return sum(this, axes, keepDims);
  },
  mean(axes?: Axes, keepDims?: boolean) {
    return mean(this, axes, keepDims);
  },
  max(axes?: Axes, keepDims?: boolean) {
    return max(this, axes, keepDims);
  },
  min(axes?: Axes, keepDims?: boolean) {
    return min(this, axes, keepDims);
  },
  var(axes?: Axes, keepDims?: boolean, correction?: number) {
    return variance(this, axes, keepDims, correction);
  },
  std(axes?: Axes, keepDims?: boolean, correction?: number) {
    return std(this, axes, keepDims, correction);
  },
  logSumExp(axes?: Axes, keepDims?: boolean) {
    return logSumExp(this, axes, keepDims);
  },
  argmax(axis?: number, keepDims?: boolean) {
    return argmax(this, axis, keepDims);
  },
  argmin(axis?: number, keepDims?: boolean) {
    return argmin(this, axis, keepDims);
  },
  softmax(axis?: number) {
    return softmax(this, axis);
  },
  logSoftmax(axis?: number) {
    return logSoftmax(this, axis);
  },
  matmul(other: TensorLike) {
    return matmul(this, other);
  },
  reshape(shape: Shape) {
    return reshape(this, shape);
  },
  flatten(startAxis?: number, endAxis?: number) {
    return flatten(this, startAxis, endAxis);
  },
  squeeze(axes?: number | readonly number[]) {
    return squeeze(this, axes);
  },
  unsqueeze(axis: number) {
    return unsqueeze(this, axis);
  },
  transpose(perm?: readonly number[]) {
    return transpose(this, perm);
  },
  swapAxes(axis1: number, axis2: number) {
    return swapAxes(this, axis1, axis2);
  },
  slice(begin: readonly number[], size?: readonly number[]) {
    return slice(this, begin, size);
  },
  broadcastTo(shape: Shape) {
    return broadcastTo(this, shape);
  },
  contiguous() {
    return contiguous(this);
  },
  pad(paddings: readonly (readonly [number, number])[], value?: number) {
    return pad(this, paddings, value);
  },
  gather(indices: TensorLike, axis?: number) {
    return gather(this, indices, axis);
  },
  cast(dtype: DType) {
    return cast(this, dtype);
  },
  toFloat() {
    return toFloat(this);
  },
  toInt() {
    return toInt(this);
  },
  backward(grad?: Tensor) {
    backward(this, grad);
  },
  zeroGrad() {
    this.grad?.dispose();
    this.grad = null;
  },
};

for (const [name, fn] of Object.entries(methods)) {
  Object.defineProperty(Tensor.prototype, name, { value: fn, writable: true, configurable: true });
}
