/**
 * The math of the layers as plain functions of tensors: the layers are thin wrappers that own the
 * weights and call these. Being pure (apart from BatchNorm's optional running-statistics update and
 * dropout's draws), they can be checked by finite differences in float64.
 *
 * Recurrent weights use the same layout as {@link linear}: an input weight [F, G·H] multiplies the
 * input from the right (`x.matmul(W)`), where G is the number of gates. Gate blocks sit side by side
 * along the last axis, in PyTorch's order:
 * - LSTM: input i, forget f, cell candidate g, output o;
 * - GRU: reset r, update z, candidate n.
 *
 * @module
 */

import { noGrad } from "../autograd/graph.ts";
import { fromArray } from "../tensor/creation.ts";
import { tidy } from "../tensor/memory.ts";
import { globalRng } from "../tensor/random.ts";
import { formatShape, shapesEqual } from "../tensor/shape.ts";
import type { Tensor } from "../tensor/tensor.ts";
import type { FusedActivation } from "../backend/contract.ts";
import { isFloat } from "../tensor/dtype.ts";
import { add, div, mul, sub } from "../ops/arithmetic.ts";
import { cast } from "../ops/cast.ts";
import { stack } from "../ops/join.ts";
import { fusedActivation } from "../ops/convert.ts";
import { fusedMatmul, matmul } from "../ops/matmul.ts";
import { mean } from "../ops/reduce.ts";
import { relu, sigmoid, sqrt, square, tanh } from "../ops/unary.ts";
import { reshape, slice } from "../ops/view.ts";

/**
 * act(x·W + b) for x [..., in], W [in, out] and b [out]: a fully connected layer, with an optional
 * activation (`'none'`, the default, or `'relu'`).
 *
 * When x, W and b share one float dtype and b is [out] (or absent), a bias or an activation makes
 * it one {@link fusedMatmul}: the kernel adds the bias and applies the activation as it stores the
 * product (one dispatch on the GPU). Any other bias (one that broadcasts over more than the last
 * axis, or promotes the dtype) goes through `matmul`, `add` and `relu`, which give it its meaning.
 */
export function linear(
  x: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  activation: FusedActivation = "none",
): Tensor {
  if (x.shape.at(-1) !== weight.shape[0] || weight.rank !== 2) {
    throw new Error(
      `linear: the input ${formatShape(x.shape)} must end in ${weight.shape[0]} features to ` +
        `meet the weight ${formatShape(weight.shape)} ([in, out])`,
    );
  }
  fusedActivation("linear", activation);
  const fusable = (bias || activation !== "none") && isFloat(x.dtype) && weight.dtype === x.dtype &&
    (!bias || (bias.dtype === x.dtype && shapesEqual(bias.shape, [weight.shape[1]])));
  if (fusable) return fusedMatmul(x, weight, { bias, activation });
  const y = matmul(x, weight);
  const z = bias ? add(y, bias) : y;
  return activation === "relu" ? relu(z) : z;
}

/**
 * Inverted dropout: in training, zeroes each element with probability `p` and scales the survivors
 * by 1 / (1 − p), so the expected value is unchanged and evaluation needs no rescaling. The mask
 * comes from the library's seeded generator. Returns `x` itself when not training or when p = 0.
 */
export function dropout(x: Tensor, p: number, training = true): Tensor {
  checkProbability("dropout", p);
  if (!training || p === 0) return x;
  const keep = new Float32Array(x.size);
  for (let i = 0; i < keep.length; i++) keep[i] = globalRng.uniform() >= p ? 1 : 0;
  const masked = mul(x, fromArray(keep, x.shape));
  // p = 1 drops everything; there is nothing to rescale (and 1 / 0 would make NaNs of the zeros).
  return p === 1 ? masked : mul(masked, 1 / (1 - p));
}

/** Throws unless `p` is a probability in [0, 1]. */
export function checkProbability(op: string, p: number): void {
  if (!(p >= 0 && p <= 1)) {
    throw new Error(`${op}: p is the probability of dropping an element, in [0, 1]; got ${p}`);
  }
}

/** Options of {@link batchNorm}. */
export interface BatchNormOptions {
  /** Per-channel scale γ [C] (none: 1). */
  readonly weight?: Tensor | null;
  /** Per-channel shift β [C] (none: 0). */
  readonly bias?: Tensor | null;
  /** Running mean [C]: updated in training, used in evaluation. */
  readonly runningMean?: Tensor | null;
  /** Running variance [C]: updated in training, used in evaluation. */
  readonly runningVar?: Tensor | null;
  /** Normalise with the batch's statistics (default true) or with the running ones. */
  readonly training?: boolean;
  /** Weight of the new batch in the running averages (default 0.1). */
  readonly momentum?: number;
  /** Added to the variance before the square root (default 1e-5). */
  readonly eps?: number;
}

/**
 * Batch normalisation over axis 1 (channels) of [N, C], [N, C, L] or [N, C, H, W]: each channel is
 * normalised to zero mean and unit variance over every other axis, then scaled by γ and shifted by
 * β. PyTorch's conventions:
 * - training normalises with the batch's biased variance and, when running statistics are given,
 *   moves them toward the batch's mean and its *unbiased* variance:
 *   `running = (1 − momentum)·running + momentum·batch`;
 * - evaluation normalises with the running statistics.
 *
 * The running update is not part of the graph, and frees the old values (the tensors keep their
 * identity through `assign`), so a training loop does not grow memory.
 */
export function batchNorm(x: Tensor, options: BatchNormOptions = {}): Tensor {
  const { weight, bias, runningMean, runningVar } = options;
  const training = options.training ?? true;
  const momentum = options.momentum ?? 0.1, eps = options.eps ?? 1e-5;
  if (x.rank < 2) {
    throw new Error(
      `batchNorm: the input must be [N, C, …] with channels on axis 1, got ${formatShape(x.shape)}`,
    );
  }
  const channels = x.shape[1];
  const perChannelArgs = { weight, bias, runningMean, runningVar };
  for (const [name, t] of Object.entries(perChannelArgs)) {
    if (t && !shapesEqual(t.shape, [channels])) {
      throw new Error(
        `batchNorm: ${name} must have shape [${channels}] (one per channel of the input ` +
          `${formatShape(x.shape)}), got ${formatShape(t.shape)}`,
      );
    }
  }
  if (!!runningMean !== !!runningVar) {
    throw new Error("batchNorm: give both runningMean and runningVar, or neither");
  }
  // [1, C, 1, …]: per-channel values that broadcast against the input.
  const perChannel = x.shape.map((d, i) => (i === 1 ? d : 1));
  const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
  let y: Tensor;
  if (training) {
    const n = x.size / channels;
    if (n < 2) {
      throw new Error(
        `batchNorm: training needs more than one value per channel to estimate a variance, but ` +
          `the input ${formatShape(x.shape)} has ${n}; use a batch of at least 2, or eval()`,
      );
    }
    const mu = mean(x, axes, true);
    const centered = sub(x, mu);
    const variance = mean(square(centered), axes, true);
    y = standardize(centered, variance, eps);
    if (runningMean && runningVar) {
      noGrad(() =>
        tidy(() => {
          const blend = (old: Tensor, batch: Tensor) =>
            add(mul(old, 1 - momentum), mul(cast(reshape(batch, [channels]), old.dtype), momentum));
          runningMean.assign(blend(runningMean, mu));
          runningVar.assign(blend(runningVar, mul(variance, n / (n - 1))));
        })
      );
    }
  } else {
    if (!runningMean || !runningVar) {
      throw new Error(
        "batchNorm: evaluation (training: false) normalises with runningMean and runningVar; " +
          "pass them, or use training: true",
      );
    }
    const mu = reshape(runningMean, perChannel);
    y = standardize(sub(x, mu), reshape(runningVar, perChannel), eps);
  }
  if (weight) y = mul(y, reshape(weight, perChannel));
  if (bias) y = add(y, reshape(bias, perChannel));
  return y;
}

/** Centered values divided by √(variance + eps). */
function standardize(centered: Tensor, variance: Tensor, eps: number): Tensor {
  return div(centered, sqrt(add(variance, eps)));
}

/**
 * Layer normalisation: each example is normalised over its last `normalizedShape.length` axes
 * (which must equal `normalizedShape`) with the biased variance, then scaled by `weight` and
 * shifted by `bias` (both of `normalizedShape`). Unlike batch norm it needs no batch statistics,
 * so it behaves the same in training and evaluation.
 */
export function layerNorm(
  x: Tensor,
  normalizedShape: readonly number[],
  weight?: Tensor | null,
  bias?: Tensor | null,
  eps = 1e-5,
): Tensor {
  const k = normalizedShape.length;
  if (k === 0 || k > x.rank || !shapesEqual(x.shape.slice(x.rank - k), normalizedShape)) {
    throw new Error(
      `layerNorm: the input ${formatShape(x.shape)} must end in the normalised shape ` +
        formatShape(normalizedShape),
    );
  }
  const axes = normalizedShape.map((_, i) => x.rank - k + i);
  const centered = sub(x, mean(x, axes, true));
  let y = standardize(centered, mean(square(centered), axes, true), eps);
  if (weight) y = mul(y, weight);
  if (bias) y = add(y, bias);
  return y;
}

/** The weights of one recurrent cell, named as the cell layers name their parameters. */
export interface RecurrentWeights {
  /** Input weight [F, G·H] (G gate blocks side by side). */
  readonly weightIh: Tensor;
  /** Hidden weight [H, G·H]. */
  readonly weightHh: Tensor;
  /** Input bias [G·H], or none. */
  readonly biasIh?: Tensor | null;
  /** Hidden bias [G·H], or none. */
  readonly biasHh?: Tensor | null;
}

/** The hidden and cell state of an LSTM, each [B, H]. */
export interface LSTMState {
  /** Hidden state: the cell's output. */
  readonly h: Tensor;
  /** Cell state: the memory the gates write to. */
  readonly c: Tensor;
}

/** The activation of a plain RNN cell. */
export type RNNNonlinearity = "tanh" | "relu";

/** Checks the cell's input, hidden state and weights against each other; returns H. */
function checkCell(op: string, gates: number, x: Tensor, h: Tensor, w: RecurrentWeights): number {
  if (x.rank !== 2) {
    throw new Error(`${op}: the input must be [batch, features], got ${formatShape(x.shape)}`);
  }
  const hidden = w.weightHh.shape[0];
  const expect: [string, Tensor | null | undefined, readonly number[]][] = [
    ["weightIh", w.weightIh, [x.shape[1], gates * hidden]],
    ["weightHh", w.weightHh, [hidden, gates * hidden]],
    ["biasIh", w.biasIh, [gates * hidden]],
    ["biasHh", w.biasHh, [gates * hidden]],
    ["the hidden state", h, [x.shape[0], hidden]],
  ];
  for (const [name, t, shape] of expect) {
    if (t && !shapesEqual(t.shape, shape)) {
      throw new Error(
        `${op}: ${name} must have shape ${formatShape(shape)} for an input ` +
          `${formatShape(x.shape)} and hidden size ${hidden}, got ${formatShape(t.shape)}`,
      );
    }
  }
  return hidden;
}

/** x·Wih + bih + h·Whh + bhh: the pre-activations of every gate at once, [B, G·H]. */
function gatesOf(x: Tensor, h: Tensor, w: RecurrentWeights): Tensor {
  return add(linear(x, w.weightIh, w.biasIh), linear(h, w.weightHh, w.biasHh));
}

/** Gate block `k` of `gates` [B, G·H]: columns k·H … (k+1)·H − 1. */
function block(gates: Tensor, k: number, hidden: number): Tensor {
  return slice(gates, [0, k * hidden], [gates.shape[0], hidden]);
}

/** One step of an Elman RNN: h' = act(x·Wih + bih + h·Whh + bhh), with act tanh (default) or ReLU. */
export function rnnCell(
  x: Tensor,
  h: Tensor,
  weights: RecurrentWeights,
  nonlinearity: RNNNonlinearity = "tanh",
): Tensor {
  checkCell("rnnCell", 1, x, h, weights);
  const pre = gatesOf(x, h, weights);
  return nonlinearity === "relu" ? relu(pre) : tanh(pre);
}

/**
 * One step of an LSTM (gate blocks i, f, g, o):
 * i = σ(·), f = σ(·), g = tanh(·), o = σ(·); c' = f ⊙ c + i ⊙ g; h' = o ⊙ tanh(c').
 */
export function lstmCell(x: Tensor, state: LSTMState, weights: RecurrentWeights): LSTMState {
  const hidden = checkCell("lstmCell", 4, x, state.h, weights);
  if (!shapesEqual(state.c.shape, state.h.shape)) {
    throw new Error(
      `lstmCell: the cell state ${formatShape(state.c.shape)} must match the hidden state ` +
        formatShape(state.h.shape),
    );
  }
  const gates = gatesOf(x, state.h, weights);
  const i = sigmoid(block(gates, 0, hidden));
  const f = sigmoid(block(gates, 1, hidden));
  const g = tanh(block(gates, 2, hidden));
  const o = sigmoid(block(gates, 3, hidden));
  const c = add(mul(f, state.c), mul(i, g));
  return { h: mul(o, tanh(c)), c };
}

/**
 * One step of a GRU (gate blocks r, z, n), PyTorch's formulation, where the reset gate scales the
 * hidden contribution after its bias:
 * r = σ(xWr + hUr + b), z = σ(xWz + hUz + b), n = tanh(xWn + bIn + r ⊙ (hUn + bHn)),
 * h' = (1 − z) ⊙ n + z ⊙ h.
 */
export function gruCell(x: Tensor, h: Tensor, weights: RecurrentWeights): Tensor {
  const hidden = checkCell("gruCell", 3, x, h, weights);
  const fromX = linear(x, weights.weightIh, weights.biasIh);
  const fromH = linear(h, weights.weightHh, weights.biasHh);
  const gate = (k: number) => add(block(fromX, k, hidden), block(fromH, k, hidden));
  const r = sigmoid(gate(0));
  const z = sigmoid(gate(1));
  const n = tanh(add(block(fromX, 2, hidden), mul(r, block(fromH, 2, hidden))));
  // (1 − z)·n + z·h, written with one fewer op.
  return add(n, mul(z, sub(h, n)));
}

/**
 * Runs a cell over a batch-first sequence `x` [B, T, F]: `step` maps the input at time t ([B, F])
 * and the state to the next state, and `output` picks the hidden state [B, H] out of a state.
 * Returns the hidden state of every step, [B, T, H], and the final state. Autodiff records every
 * step, so backpropagation through time is just `backward()`.
 */
export function unroll<S>(
  x: Tensor,
  initial: S,
  step: (xt: Tensor, state: S) => S,
  output: (state: S) => Tensor,
): { output: Tensor; state: S } {
  checkSequence("unroll", x);
  const [batch, time, features] = x.shape;
  let state = initial;
  const outputs: Tensor[] = [];
  for (let t = 0; t < time; t++) {
    const xt = reshape(slice(x, [0, t, 0], [batch, 1, features]), [batch, features]);
    state = step(xt, state);
    outputs.push(output(state));
  }
  return { output: stack(outputs, 1), state };
}

/** Throws unless x is a batch-first sequence [B, T, F] with at least one step. */
export function checkSequence(op: string, x: Tensor): void {
  if (x.rank !== 3 || x.shape[1] < 1) {
    throw new Error(
      `${op}: the input must be a batch-first sequence [batch, time, features] with at least ` +
        `one step, got ${formatShape(x.shape)}`,
    );
  }
}
