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

/** What a sequence layer needs of its cell: a zero state for a batch, and one step. */
export interface SteppingCell<S> extends Module {
  /** The zero state for the batch of x [B, F]. */
  initialState(x: Tensor): S;
  /** The state after reading x [B, F] from `state`. */
  step(x: Tensor, state: S): S;
}

/**
 * A cell unrolled over [B, T, F] sequences. Subclasses choose the cell and say which part of its
 * state is the hidden state h that `forward` returns at every step.
 */
export abstract class SequenceLayer<S, C extends SteppingCell<S>> extends Module {
  /** The cell applied at every step. */
  readonly cell: C;

  /** A layer that unrolls `cell`, registered as `cell`. */
  protected constructor(cell: C) {
    super();
    this.cell = this.registerModule("cell", cell);
  }

  /** The hidden state h [B, H] within a state. */
  protected abstract hiddenOf(state: S): Tensor;

  /** Runs over x [B, T, F] from `initial` (zeros when omitted). */
  run(x: Tensor, initial?: S): SequenceResult<S> {
    checkSequence(this.constructor.name, x);
    return unroll(
      x,
      initial ?? this.cell.initialState(x),
      (xt, s) => this.cell.step(xt, s),
      (s) => this.hiddenOf(s),
    );
  }

  /** The hidden state of every step, [B, T, H], from a zero state. */
  forward(x: Tensor): Tensor {
    return this.run(x).output;
  }
}

/** An Elman RNN over [B, T, F] sequences; its state is the hidden state h [B, H]. */
export class RNN extends SequenceLayer<Tensor, RNNCell> {
  /** A layer from `inputSize` features to `hiddenSize` hidden units. */
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    super(new RNNCell(inputSize, hiddenSize, options));
  }

  /** The state is h itself. */
  protected hiddenOf(h: Tensor): Tensor {
    return h;
  }
}

/** An LSTM over [B, T, F] sequences; its state is { h, c }, each [B, H]. */
export class LSTM extends SequenceLayer<LSTMState, LSTMCell> {
  /** A layer from `inputSize` features to `hiddenSize` hidden units. */
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) {
    super(new LSTMCell(inputSize, hiddenSize, options));
  }

  /** h of { h, c }; the cell state c stays inside. */
  protected hiddenOf(state: LSTMState): Tensor {
    return state.h;
  }
}

/** A GRU over [B, T, F] sequences; its state is the hidden state h [B, H]. */
export class GRU extends SequenceLayer<Tensor, GRUCell> {
  /** A layer from `inputSize` features to `hiddenSize` hidden units. */
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) {
    super(new GRUCell(inputSize, hiddenSize, options));
  }

  /** The state is h itself. */
  protected hiddenOf(h: Tensor): Tensor {
    return h;
  }
}
