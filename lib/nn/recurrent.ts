/**
 * Sequence layers `RNN`, `LSTM` and `GRU`: a cell unrolled over the time axis of batch-first input
 * [B, T, F]. Each owns one cell, registered as `cell`, so parameter names read `cell.weightIh` and
 * so on (see `recurrent_cell.ts` for the layout and gate order). Autodiff records every step, so
 * `backward()` is backpropagation through time.
 *
 * `forward(x)` gives the hidden state of every step, [B, T, H], which is what the next layer of a
 * `Sequential` wants; `run(x, initial)` also takes a starting state and returns the final one.
 *
 * @module
 */

import type { Tensor } from "../tensor/tensor.ts";
import { checkSequence, type LSTMState, unroll } from "./functional.ts";
import { Module } from "./module.ts";
import {
  GRUCell,
  LSTMCell,
  type RecurrentOptions,
  RNNCell,
  type RNNOptions,
} from "./recurrent_cell.ts";

/** What the sequence layers' `run` returns. */
export interface SequenceResult<S> {
  /** The hidden state of every step, [B, T, H]. */
  readonly output: Tensor;
  /** The state after the last step. */
  readonly state: S;
}

/** An Elman RNN over [B, T, F] sequences; its state is the hidden state h [B, H]. */
export class RNN extends Module {
  /** The cell applied at every step. */
  readonly cell: RNNCell;

  /** A layer from `inputSize` features to `hiddenSize` hidden units. */
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    super();
    this.cell = this.registerModule("cell", new RNNCell(inputSize, hiddenSize, options));
  }

  /** Runs over x [B, T, F] from `initial` (zeros when omitted). */
  run(x: Tensor, initial?: Tensor): SequenceResult<Tensor> {
    checkSequence(this.constructor.name, x);
    return unroll(
      x,
      initial ?? this.cell.initialState(x),
      (xt, h) => this.cell.step(xt, h),
      (h) => h,
    );
  }

  /** The hidden state of every step, [B, T, H], from a zero state. */
  forward(x: Tensor): Tensor {
    return this.run(x).output;
  }
}

/** An LSTM over [B, T, F] sequences; its state is { h, c }, each [B, H]. */
export class LSTM extends Module {
  /** The cell applied at every step. */
  readonly cell: LSTMCell;

  /** A layer from `inputSize` features to `hiddenSize` hidden units. */
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) {
    super();
    this.cell = this.registerModule("cell", new LSTMCell(inputSize, hiddenSize, options));
  }

  /** Runs over x [B, T, F] from `initial` (zeros when omitted). */
  run(x: Tensor, initial?: LSTMState): SequenceResult<LSTMState> {
    checkSequence("LSTM", x);
    return unroll(
      x,
      initial ?? this.cell.initialState(x),
      (xt, s) => this.cell.step(xt, s),
      (s) => s.h,
    );
  }

  /** The hidden state of every step, [B, T, H], from a zero state. */
  forward(x: Tensor): Tensor {
    return this.run(x).output;
  }
}

/** A GRU over [B, T, F] sequences; its state is the hidden state h [B, H]. */
export class GRU extends Module {
  /** The cell applied at every step. */
  readonly cell: GRUCell;

  /** A layer from `inputSize` features to `hiddenSize` hidden units. */
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) {
    super();
    this.cell = this.registerModule("cell", new GRUCell(inputSize, hiddenSize, options));
  }

  /** Runs over x [B, T, F] from `initial` (zeros when omitted). */
  run(x: Tensor, initial?: Tensor): SequenceResult<Tensor> {
    checkSequence(this.constructor.name, x);
    return unroll(
      x,
      initial ?? this.cell.initialState(x),
      (xt, h) => this.cell.step(xt, h),
      (h) => h,
    );
  }

  /** The hidden state of every step, [B, T, H], from a zero state. */
  forward(x: Tensor): Tensor {
    return this.run(x).output;
  }
}
