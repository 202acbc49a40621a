/**
 * Per-step losses and metrics, held on the device and read in chunks. Every read of a tensor waits
 * for the device (about 10 ms on a GPU in Deno), so the trainer reads once per chunk of steps, one
 * stacked tensor at a time, and still gets every step's value for the history.
 *
 * @module
 */

import { noGrad } from "../autograd/graph.ts";
import { stack } from "../ops/join.ts";
import { tidy } from "../tensor/memory.ts";
import type { Tensor } from "../tensor/tensor.ts";
import type { StepPosition } from "./training_error.ts";

/** A step whose values are still on the device. */
export interface PendingStep {
  /** Where the step is. */
  readonly at: StepPosition;
  /** Examples in its batch. */
  readonly examples: number;
  /** The learning rate it ran with. */
  readonly lr: number;
  /** Its loss then each metric, a 1-D tensor owned by the reader once pushed. */
  readonly row: Tensor;
}

/** A step whose values have been read. */
export interface ReadStep {
  /** Where the step is. */
  readonly at: StepPosition;
  /** Examples in its batch. */
  readonly examples: number;
  /** The learning rate it ran with. */
  readonly lr: number;
  /** Its loss then each metric. */
  readonly values: readonly number[];
}

/** Collects step rows and reads them all with one device read. */
export class StepReader {
  #pending: PendingStep[] = [];

  /** Steps waiting to be read. */
  get size(): number {
    return this.#pending.length;
  }

  /** Adds a step; the reader now owns its row. */
  push(step: PendingStep): void {
    this.#pending.push(step);
  }

  /** Reads every waiting step's values at once and frees their rows. */
  async read(): Promise<ReadStep[]> {
    const steps = this.#pending;
    this.#pending = [];
    if (steps.length === 0) return [];
    try {
      const width = steps[0].row.size;
      const all = noGrad(() => tidy(() => stack(steps.map((s) => s.row))));
      let values: ArrayLike<number>;
      try {
        values = await all.data();
      } finally {
        all.dispose();
      }
      return steps.map((s, i) => ({
        at: s.at,
        examples: s.examples,
        lr: s.lr,
        values: Array.from({ length: width }, (_, k) => values[i * width + k]),
      }));
    } finally {
      for (const s of steps) s.row.dispose();
    }
  }

  /** Frees the rows of steps not yet read. */
  dispose(): void {
    for (const s of this.#pending) s.row.dispose();
    this.#pending = [];
  }
}
