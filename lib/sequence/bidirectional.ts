/**
 * Reading sequences both ways: reversal of padded sequences within their lengths, and the
 * `Bidirectional` wrapper that runs one recurrent layer left to right and another right to left.
 *
 * @module
 */

import { gather } from "../ops/gather.ts";
import { concat } from "../ops/join.ts";
import { reshape } from "../ops/view.ts";
import { Module } from "../nn/module.ts";
import { fromArray } from "../tensor/creation.ts";
import { formatShape } from "../tensor/shape.ts";
import type { Tensor } from "../tensor/tensor.ts";

/** Throws unless `lengths` has one length in 1 … T per sequence of x [B, T, …]. */
function checkLengths(op: string, x: Tensor, lengths: readonly number[]): void {
  const [batch, time] = x.shape;
  if (lengths.length !== batch) {
    throw new Error(
      `${op}: got ${lengths.length} lengths for a batch of ${batch} (input ${
        formatShape(x.shape)
      })`,
    );
  }
  const bad = lengths.findIndex((n) => !Number.isInteger(n) || n < 1 || n > time);
  if (bad >= 0) {
    throw new Error(
      `${op}: length ${lengths[bad]} of sequence ${bad} is not a whole number in 1…${time}`,
    );
  }
}

/**
 * Reverses each sequence of x [B, T, …] within its own length: row b becomes
 * x[b, len−1], …, x[b, 0], then its padding unchanged. With padding at the end this is what a
 * right-to-left reader needs: it starts at each sentence's last real token, not at the padding.
 * Without `lengths`, every row is reversed whole. Applying it twice gives x back.
 */
export function reverseSequences(x: Tensor, lengths?: readonly number[]): Tensor {
  if (x.rank < 2) {
    throw new Error(
      `reverseSequences: the input must be [batch, time, …], got ${formatShape(x.shape)}`,
    );
  }
  const [batch, time] = x.shape;
  const lens = lengths ?? new Array<number>(batch).fill(time);
  checkLengths("reverseSequences", x, lens);
  const rows = new Int32Array(batch * time);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < time; t++) {
      rows[b * time + t] = b * time + (t < lens[b] ? lens[b] - 1 - t : t);
    }
  }
  const rest = x.shape.slice(2);
  const flat = reshape(x, [batch * time, ...rest]);
  const picked = gather(flat, fromArray(rows, [batch * time], { dtype: "int32" }));
  return reshape(picked, x.shape);
}

/**
 * Two sequence layers over [B, T, F] inputs, one reading left to right and one right to left; the
 * output [B, T, H₁ + H₂] at step t joins what each has read up to t from its side, so every
 * position sees its whole sentence. Registered as `forward` and `backward`.
 *
 * @example
 * ```ts
 * const bi = new Bidirectional(new LSTM(64, 100), new LSTM(64, 100));
 * bi.forward(x, lengths); // [B, T, 200]
 * ```
 */
export class Bidirectional extends Module {
  /** The left-to-right layer. */
  readonly forwardLayer: Module;
  /** The right-to-left layer. */
  readonly backwardLayer: Module;

  /** Wraps two layers that map [B, T, F] to [B, T, H] (an `LSTM`, a `GRU`, an `RNN` …). */
  constructor(forwardLayer: Module, backwardLayer: Module) {
    super();
    this.forwardLayer = this.registerModule("forward", forwardLayer);
    this.backwardLayer = this.registerModule("backward", backwardLayer);
  }

  /**
   * Both readings of x [B, T, F], joined on the last axis. Give the `lengths` of padded sequences:
   * the right-to-left layer then starts at each one's last real step.
   */
  forward(x: Tensor, lengths?: readonly number[]): Tensor {
    const ahead = this.forwardLayer.forward(x);
    const back = reverseSequences(
      this.backwardLayer.forward(reverseSequences(x, lengths)),
      lengths,
    );
    return concat([ahead, back], -1);
  }
}
