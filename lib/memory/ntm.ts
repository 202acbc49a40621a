/**
 * A Neural Turing Machine: an LSTM controller with one read head and one write head on an
 * external memory of N slots of width W, every head addressed as in the NTM paper (content,
 * interpolation, shift, sharpening).
 *
 * @module
 */

// The tensor methods (x.matmul(…), x.softmax(…)) come from the ops module.
import "../ops/mod.ts";
import { concat, stack } from "../ops/join.ts";
import { Linear } from "../nn/linear.ts";
import { Module } from "../nn/module.ts";
import { LSTMCell } from "../nn/recurrent_cell.ts";
import type { LSTMState } from "../nn/functional.ts";
import { full, zeros } from "../tensor/creation.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { checkShape, memoryRead, memoryWrite, ntmAddress } from "./addressing.ts";

/** The sizes of a {@link NeuralTuringMachine}. */
export interface NtmOptions {
  /** Features of each input step. */
  readonly inputSize: number;
  /** Features of each output step. */
  readonly outputSize: number;
  /** Memory slots N (default 32). */
  readonly slots?: number;
  /** Width W of each slot (default 16). */
  readonly width?: number;
  /** Hidden units of the LSTM controller (default 64). */
  readonly controllerSize?: number;
  /** Number of shifts K, odd (default 3: back one, stay, forward one). */
  readonly shifts?: number;
}

/** What {@link NeuralTuringMachine.run} returns. */
export interface NtmResult {
  /** The output of every step [B, T, outputSize] (logits). */
  readonly output: Tensor;
  /** The read weighting of every step [B, T, N]. */
  readonly readWeights: Tensor;
  /** The write weighting of every step [B, T, N]. */
  readonly writeWeights: Tensor;
}

/**
 * A Neural Turing Machine over [B, T, F] sequences. Each step the controller reads the input and
 * the last read vector; its hidden state gives both heads their addressing parameters (and the
 * write head its erase and add vectors); the write head writes, the read head reads the result,
 * and the output layer sees the hidden state and the read vector. Both heads start on slot 0, and
 * the memory starts as a small constant.
 *
 * @example
 * ```ts
 * const ntm = new NeuralTuringMachine({ inputSize: 9, outputSize: 8 });
 * const logits = ntm.forward(copyTaskBatch(16, 5, 8).inputs); // [16, 11, 8]
 * ```
 */
export class NeuralTuringMachine extends Module {
  /** Memory slots N. */
  readonly slots: number;
  /** Slot width W. */
  readonly width: number;
  /** Number of shifts K. */
  readonly shifts: number;
  /** The controller, reading [input, last read vector]. */
  readonly controller: LSTMCell;
  /** The heads' parameters from the controller's state: read head, then write head. */
  readonly heads: Linear;
  /** The output from [controller state, read vector]. */
  readonly out: Linear;

  /** A machine of the given sizes. */
  constructor(options: NtmOptions) {
    super();
    this.slots = options.slots ?? 32;
    this.width = options.width ?? 16;
    this.shifts = options.shifts ?? 3;
    const hidden = options.controllerSize ?? 64;
    if (this.shifts % 2 !== 1 || this.shifts > this.slots) {
      throw new Error(
        `NeuralTuringMachine: shifts must be odd and at most slots, got ${this.shifts}`,
      );
    }
    this.controller = this.registerModule(
      "controller",
      new LSTMCell(options.inputSize + this.width, hidden),
    );
    // Per head: key W, strength, gate, K shifts, gamma; the write head adds erase W and add W.
    const perHead = this.width + 3 + this.shifts;
    this.heads = this.registerModule("heads", new Linear(hidden, 2 * perHead + 2 * this.width));
    this.out = this.registerModule("out", new Linear(hidden + this.width, options.outputSize));
  }

  /** Runs over x [B, T, F] and returns the output and both heads' weightings at every step. */
  run(x: Tensor): NtmResult {
    checkShape("NeuralTuringMachine", "x", x, [-1, -1, this.controller.inputSize - this.width]);
    const [batch, steps] = x.shape;
    const n = this.slots, w = this.width, k = this.shifts, perHead = w + 3 + k;
    let memory = full([batch, n, w], 1e-6);
    // Both heads start on slot 0: the read head's rows first, then the write head's.
    let weights = concat([full([2 * batch, 1], 1), zeros([2 * batch, n - 1])], 1);
    let read = zeros([batch, w]);
    let state: LSTMState = this.controller.initialState(zeros([batch, 1]));
    const outputs: Tensor[] = [], reads: Tensor[] = [], writes: Tensor[] = [];
    for (let t = 0; t < steps; t++) {
      const xt = x.slice([0, t, 0], [batch, 1, -1]).squeeze(1);
      state = this.controller.step(concat([xt, read], 1), state);
      const p = this.heads.forward(state.h);
      // Both heads address at once: their parameters side by side in the batch, [2B, perHead].
      const both = p.slice([0, 0], [batch, 2 * perHead]).reshape([batch, 2, perHead])
        .swapAxes(0, 1).reshape([2 * batch, perHead]);
      const part = (from: number, size: number) => both.slice([0, from], [2 * batch, size]);
      weights = ntmAddress(concat([memory, memory], 0), weights, {
        key: part(0, w).tanh(),
        strength: part(w, 1).softplus(),
        gate: part(w + 1, 1).sigmoid(),
        shift: part(w + 2, k).softmax(-1),
        gamma: part(w + 2 + k, 1).softplus().add(1),
      });
      const readWeights = weights.slice([0, 0], [batch, n]);
      const writeWeights = weights.slice([batch, 0], [batch, n]);
      const erase = p.slice([0, 2 * perHead], [batch, w]).sigmoid();
      const addVector = p.slice([0, 2 * perHead + w], [batch, w]).tanh();
      memory = memoryWrite(memory, writeWeights, erase, addVector);
      read = memoryRead(memory, readWeights);
      outputs.push(this.out.forward(concat([state.h, read], 1)));
      reads.push(readWeights);
      writes.push(writeWeights);
    }
    return {
      output: stack(outputs, 1),
      readWeights: stack(reads, 1),
      writeWeights: stack(writes, 1),
    };
  }

  /** The output of every step [B, T, outputSize] for x [B, T, F]. */
  forward(x: Tensor): Tensor {
    return this.run(x).output;
  }
}
