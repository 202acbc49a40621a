/**
 * Catching a diverged loss at the step that would spread it into the weights: one NaN in a gradient
 * turns every later value NaN, and the first sign a learner sees is usually a NaN loss much later.
 *
 * @module
 */

import { noGrad } from "../autograd/graph.ts";
import { backendName } from "../backend/registry.ts";
import { sum } from "../ops/reduce.ts";
import { tidy } from "../tensor/memory.ts";
import { formatShape } from "../tensor/shape.ts";
import type { NamedParam } from "./params.ts";

/**
 * Whether to check gradients by default: only where a synchronous read is cheap (the CPU). On a GPU
 * each read stalls the pipeline (about 10 ms in Deno), which would dominate a training step.
 */
export function checkByDefault(): boolean {
  return backendName() === "cpu";
}

/** The error for a non-finite gradient or loss, with the usual causes and fixes. */
export function divergedError(owner: string, what: string, lr: number): Error {
  return new Error(
    `${owner}.step: ${what} contains NaN or Infinity, so stepping would ruin the weights ` +
      `(nothing was changed). The loss has probably diverged: lower the learning rate (now ${lr}), ` +
      "clip gradients with clipGradNorm(params, 1.0), or look for log(0) or a division by zero " +
      "in the loss.",
  );
}

/**
 * Throws {@link divergedError} naming the first parameter whose gradient holds NaN or ±Infinity.
 * It reads one number per parameter, the gradient's sum, which is NaN or infinite when any element
 * is (or when the sum overflows, which would wreck the update just the same).
 */
export function assertFiniteGrads(owner: string, params: readonly NamedParam[], lr: number): void {
  for (const { label, tensor } of params) {
    if (!tensor.grad) continue;
    const total = noGrad(() => tidy(() => sum(tensor.grad!).item()));
    if (!Number.isFinite(total)) {
      throw divergedError(
        owner,
        `the gradient of ${label} (shape ${formatShape(tensor.shape)})`,
        lr,
      );
    }
  }
}
