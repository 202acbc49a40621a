/**
 * The copy task of the Neural Turing Machine paper: read a sequence of random bit vectors, then a
 * delimiter, then reproduce the sequence from memory. And its score, the bit error rate.
 *
 * @module
 */

import { fromArray } from "../tensor/creation.ts";
import { globalRng, type Rng } from "../tensor/random.ts";
import type { Tensor } from "../tensor/tensor.ts";

/** A batch of copy sequences. */
export interface CopyBatch {
  /**
   * The input [B, 2L + 1, bits + 1]: L random vectors (last channel 0), one delimiter step (only
   * the last channel set), then L blank steps during which the model answers.
   */
  readonly inputs: Tensor;
  /** The sequences to reproduce [B, L, bits]: what the model must output in its last L steps. */
  readonly targets: Tensor;
}

/**
 * `batch` copy sequences of `length` random vectors of `bits` bits each (each bit 0 or 1 with
 * probability ½), drawn from `rng` (the global seeded generator by default).
 *
 * @throws when batch, length or bits is not a positive whole number.
 */
export function copyTaskBatch(
  batch: number,
  length: number,
  bits: number,
  rng: Rng = globalRng,
): CopyBatch {
  for (const [name, v] of [["batch", batch], ["length", length], ["bits", bits]] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new Error(`copyTaskBatch: ${name} must be a positive whole number, got ${v}`);
    }
  }
  const steps = 2 * length + 1, channels = bits + 1;
  const inputs = new Float32Array(batch * steps * channels);
  const targets = new Float32Array(batch * length * bits);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < length; t++) {
      for (let k = 0; k < bits; k++) {
        const bit = rng.uniform() < 0.5 ? 1 : 0;
        inputs[(b * steps + t) * channels + k] = bit;
        targets[(b * length + t) * bits + k] = bit;
      }
    }
    inputs[(b * steps + length) * channels + bits] = 1; // the delimiter
  }
  return {
    inputs: fromArray(inputs, [batch, steps, channels]),
    targets: fromArray(targets, [batch, length, bits]),
  };
}

/**
 * The share of bits a model gets wrong: its outputs thresholded at 0 (logits) against 0/1
 * targets of the same shape.
 *
 * @throws when the shapes differ.
 */
export function bitErrorRate(logits: Tensor, targets: Tensor): number {
  if (logits.shape.join() !== targets.shape.join()) {
    throw new Error(
      `bitErrorRate: logits [${logits.shape}] and targets [${targets.shape}] must have one shape`,
    );
  }
  const predicted = logits.dataSync(), wanted = targets.dataSync();
  let wrong = 0;
  for (let i = 0; i < wanted.length; i++) if ((predicted[i] > 0 ? 1 : 0) !== wanted[i]) wrong++;
  return wrong / wanted.length;
}
