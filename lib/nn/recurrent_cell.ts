/**
 * One step of a recurrent network: `RNNCell`, `LSTMCell` and `GRUCell`. Each maps an input [B, F]
 * and the previous state to the next state; the sequence layers in `recurrent.ts` call them once per
 * time step.
 *
 * All three share PyTorch's parameters and formulas, with weights laid out for `x.matmul(W)`:
 * `weightIh` [F, G·H], `weightHh` [H, G·H], `biasIh` [G·H] and `biasHh` [G·H], where the G gate
 * blocks sit side by side: LSTM i, f, g, o (G = 4); GRU r, z, n (G = 3); plain RNN one block.
 *
 * Default initialisation, as in PyTorch: every weight and bias U(−1/√H, 1/√H). It keeps the gate
 * pre-activations small whatever the input size, so sigmoids and tanhs start in their responsive
 * middle range rather than saturated.
 *
 * @module
 */

import { zeros as zerosOf } from "../tensor/creation.ts";
import type { Tensor } from "../tensor/tensor.ts";
import {
  gruCell,
  lstmCell,
  type LSTMState,
  type RecurrentWeights,
  rnnCell,
  type RNNNonlinearity,
} from "./functional.ts";
import { type Initializer, uniform } from "./init.ts";
import { initialValue, positiveInt } from "./layer_args.ts";
import { Module } from "./module.ts";

/** Options of the recurrent cells and layers. */
export interface RecurrentOptions {
  /** Whether to learn the biases `biasIh` and `biasHh` (default true). */
  readonly bias?: boolean;
  /** Initialiser of every weight and bias (default U(−1/√H, 1/√H)). */
  readonly init?: Initializer;
}

/** The parameters and shapes shared by the three cells; `gates` blocks of `hiddenSize` each. */
export abstract class RecurrentCell extends Module implements RecurrentWeights {
  /** Input weight [inputSize, gates·hiddenSize]. */
  readonly weightIh: Tensor;
  /** Hidden weight [hiddenSize, gates·hiddenSize]. */
  readonly weightHh: Tensor;
  /** Input bias [gates·hiddenSize], or null without bias. */
  readonly biasIh: Tensor | null;
  /** Hidden bias [gates·hiddenSize], or null without bias. */
  readonly biasHh: Tensor | null;

  /** A cell with `gates` blocks of `hiddenSize` units, each fed by `inputSize` features. */
  constructor(
    readonly inputSize: number,
    readonly hiddenSize: number,
    gates: number,
    options: RecurrentOptions,
  ) {
    super();
    const op = this.constructor.name;
    positiveInt(op, "inputSize", inputSize);
    positiveInt(op, "hiddenSize", hiddenSize);
    const bound = 1 / Math.sqrt(hiddenSize);
    const init = options.init ?? ((shape) => uniform(shape, { low: -bound, high: bound }));
    const width = gates * hiddenSize;
    const param = (name: string, shape: number[], fanIn: number) =>
      this.registerParameter(
        name,
        initialValue(op, name, init, shape, { fanIn, fanOut: width }),
      );
    this.weightIh = param("weightIh", [inputSize, width], inputSize);
    this.weightHh = param("weightHh", [hiddenSize, width], hiddenSize);
    const bias = options.bias ?? true;
    this.biasIh = bias ? param("biasIh", [width], inputSize) : null;
    this.biasHh = bias ? param("biasHh", [width], hiddenSize) : null;
  }

  /** A zero hidden state [B, hiddenSize] for a batch x [B, …], in x's dtype. */
  protected zeroHidden(x: Tensor): Tensor {
    return zerosOf([x.shape[0], this.hiddenSize], { dtype: x.dtype });
  }

  protected override describe(): string {
    return `${this.inputSize} → ${this.hiddenSize}${this.biasIh ? "" : ", bias: false"}`;
  }
}

/** Options of {@link RNNCell} and `RNN`. */
export interface RNNOptions extends RecurrentOptions {
  /** The activation: tanh (default) or ReLU. */
  readonly nonlinearity?: RNNNonlinearity;
}

/** An Elman RNN step: h' = tanh(x·Wih + bih + h·Whh + bhh) (or ReLU). */
export class RNNCell extends RecurrentCell {
  /** The activation. */
  readonly nonlinearity: RNNNonlinearity;

  /** A cell from `inputSize` features to a hidden state of `hiddenSize`. */
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    super(inputSize, hiddenSize, 1, options);
    this.nonlinearity = options.nonlinearity ?? "tanh";
  }

  /** The zero state for a batch x [B, …]: h = zeros [B, H], the usual start of a sequence. */
  initialState(x: Tensor): Tensor {
    return this.zeroHidden(x);
  }

  /** The next hidden state from input x [B, F] and hidden state h [B, H] (zeros when omitted). */
  step(x: Tensor, h?: Tensor): Tensor {
    return rnnCell(x, h ?? this.initialState(x), this, this.nonlinearity);
  }

  /** One step from a zero state: the new hidden state [B, H]. */
  forward(x: Tensor): Tensor {
    return this.step(x);
  }
}

/** An LSTM step with gate blocks i, f, g, o (see {@link lstmCell} for the formulas). */
export class LSTMCell extends RecurrentCell {
  /** A cell from `inputSize` features to hidden and cell states of `hiddenSize`. */
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) {
    super(inputSize, hiddenSize, 4, options);
  }

  /** The zero state for a batch x [B, …]: h and c both zeros [B, H]. */
  initialState(x: Tensor): LSTMState {
    return { h: this.zeroHidden(x), c: this.zeroHidden(x) };
  }

  /** The next state from input x [B, F] and the state { h, c } (zeros when omitted). */
  step(x: Tensor, state?: LSTMState): LSTMState {
    return lstmCell(x, state ?? this.initialState(x), this);
  }

  /** One step from a zero state: the new hidden state h [B, H]. */
  forward(x: Tensor): Tensor {
    return this.step(x).h;
  }
}

/** A GRU step with gate blocks r, z, n (see {@link gruCell} for the formulas). */
export class GRUCell extends RecurrentCell {
  /** A cell from `inputSize` features to a hidden state of `hiddenSize`. */
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) {
    super(inputSize, hiddenSize, 3, options);
  }

  /** The zero state for a batch x [B, …]: h = zeros [B, H]. */
  initialState(x: Tensor): Tensor {
    return this.zeroHidden(x);
  }

  /** The next hidden state from input x [B, F] and hidden state h [B, H] (zeros when omitted). */
  step(x: Tensor, h?: Tensor): Tensor {
    return gruCell(x, h ?? this.initialState(x), this);
  }

  /** One step from a zero state: the new hidden state [B, H]. */
  forward(x: Tensor): Tensor {
    return this.step(x);
  }
}
