/**
 * Weight initialisers. Every one draws from the library's seeded generator, so `seed(n)` before
 * building a model makes its initial weights repeatable.
 *
 * Each takes a shape and returns a new float32 tensor. The variance-scaling ones (Xavier/Glorot and
 * He/Kaiming) also need the layer's fan-in and fan-out; layers pass them, and for standalone use
 * they default to {@link fans} of the shape. Any of them fits a layer's `weightInit` option:
 *
 * ```ts
 * new Linear(784, 10, { weightInit: init.xavierUniform });
 * new Linear(784, 10, { weightInit: (shape) => init.normal(shape, { std: 0.01 }) });
 * ```
 *
 * @module
 */

import { full, rand, randn } from "../tensor/creation.ts";
import { formatShape, type Shape, sizeOf } from "../tensor/shape.ts";
import type { Tensor } from "../tensor/tensor.ts";

/** How many inputs feed each output unit (fan-in), and how many outputs each input feeds (fan-out). */
export interface Fans {
  /** Inputs per output unit. */
  readonly fanIn: number;
  /** Outputs per input unit. */
  readonly fanOut: number;
}

/** A weight initialiser as layers call it: the shape to fill and the layer's fans. */
export type Initializer = (shape: Shape, fans: Fans) => Tensor;

/** Options of the Xavier/Glorot initialisers. */
export interface XavierOptions extends Partial<Fans> {
  /** Scale for the activation that follows (default 1, right for tanh and linear outputs). */
  readonly gain?: number;
}

/** Options of the He/Kaiming initialisers. */
export interface KaimingOptions extends Partial<Fans> {
  /** Scale for the activation that follows (default √2, right for ReLU). */
  readonly gain?: number;
  /**
   * Which fan to preserve the variance over: `fanIn` keeps activations steady in the forward pass
   * (the default), `fanOut` keeps gradients steady in the backward pass.
   */
  readonly mode?: "fanIn" | "fanOut";
}

/**
 * The fans implied by a weight shape, in this library's layouts:
 * - rank 2 is a Linear weight [in, out] (used as `x.matmul(W)`): fanIn = in, fanOut = out;
 * - rank 3 or more is a convolution filter [out, in / groups, k…]: each fan is its channel count
 *   times the kernel size.
 *
 * @throws for rank 0 or 1, where no fan is defined: pass `fanIn`/`fanOut` explicitly.
 */
export function fans(shape: Shape): Fans {
  if (shape.length < 2) {
    throw new Error(
      `init: cannot infer fan-in and fan-out from shape ${formatShape(shape)}; pass ` +
        "{ fanIn, fanOut } explicitly",
    );
  }
  if (shape.length === 2) return { fanIn: shape[0], fanOut: shape[1] };
  const kernel = sizeOf(shape.slice(2));
  return { fanIn: shape[1] * kernel, fanOut: shape[0] * kernel };
}

function resolveFans(op: string, shape: Shape, given: Partial<Fans>): Fans {
  const fanIn = given.fanIn ?? (given.fanOut === undefined ? fans(shape).fanIn : undefined);
  const fanOut = given.fanOut ?? (given.fanIn === undefined ? fans(shape).fanOut : undefined);
  for (const [name, v] of [["fanIn", fanIn], ["fanOut", fanOut]] as const) {
    if (v !== undefined && !(Number.isInteger(v) && v > 0)) {
      throw new Error(`${op}: ${name} must be a positive integer, got ${v}`);
    }
  }
  // With only one fan given, the other defaults to it: the square-matrix case.
  return { fanIn: fanIn ?? fanOut!, fanOut: fanOut ?? fanIn! };
}

/**
 * Xavier/Glorot uniform: U(−a, a) with a = gain·√(6 / (fanIn + fanOut)). Keeps the variance of
 * activations and of gradients roughly equal across layers with symmetric activations (tanh).
 */
export function xavierUniform(shape: Shape, options: XavierOptions = {}): Tensor {
  const { fanIn, fanOut } = resolveFans("xavierUniform", shape, options);
  const bound = (options.gain ?? 1) * Math.sqrt(6 / (fanIn + fanOut));
  return rand(shape, { low: -bound, high: bound });
}

/** Xavier/Glorot normal: N(0, σ²) with σ = gain·√(2 / (fanIn + fanOut)). */
export function xavierNormal(shape: Shape, options: XavierOptions = {}): Tensor {
  const { fanIn, fanOut } = resolveFans("xavierNormal", shape, options);
  return randn(shape, { std: (options.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut)) });
}

function kaimingFan(op: string, shape: Shape, options: KaimingOptions): number {
  const f = resolveFans(op, shape, options);
  return options.mode === "fanOut" ? f.fanOut : f.fanIn;
}

/**
 * He/Kaiming uniform: U(−a, a) with a = gain·√(3 / fan). With the default gain √2 it keeps the
 * variance of activations constant through ReLU layers, which zero half their inputs.
 */
export function kaimingUniform(shape: Shape, options: KaimingOptions = {}): Tensor {
  const bound = (options.gain ?? Math.SQRT2) *
    Math.sqrt(3 / kaimingFan("kaimingUniform", shape, options));
  return rand(shape, { low: -bound, high: bound });
}

/** He/Kaiming normal: N(0, σ²) with σ = gain / √fan (gain √2 by default, for ReLU). */
export function kaimingNormal(shape: Shape, options: KaimingOptions = {}): Tensor {
  const std = (options.gain ?? Math.SQRT2) /
    Math.sqrt(kaimingFan("kaimingNormal", shape, options));
  return randn(shape, { std });
}

/** N(mean, std²) draws (default mean 0, std 1). */
export function normal(shape: Shape, options: { mean?: number; std?: number } = {}): Tensor {
  return randn(shape, { mean: options.mean ?? 0, std: options.std ?? 1 });
}

/** U(low, high) draws (default low −1, high 1). */
export function uniform(shape: Shape, options: { low?: number; high?: number } = {}): Tensor {
  return rand(shape, { low: options.low ?? -1, high: options.high ?? 1 });
}

/** All zeros: the usual start for biases, since the weights already break the symmetry. */
export function zeros(shape: Shape): Tensor {
  return full(shape, 0);
}

/** All ones: the usual start for normalisation scales, so the layer begins as plain normalisation. */
export function ones(shape: Shape): Tensor {
  return full(shape, 1);
}
