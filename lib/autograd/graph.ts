/**
 * Recording the graph: whether autodiff is on, and how an op registers its gradient rule.
 *
 * @module
 */

import type { Tensor } from "../tensor/tensor.ts";
import type { GradientRule } from "./node.ts";

let enabled = true;

/** Whether ops currently record gradients (false inside {@link noGrad}). */
export function isGradEnabled(): boolean {
  return enabled;
}

/**
 * Runs `fn` without recording gradients: results do not require grad and keep no graph. Use it for
 * evaluation and for in-place style parameter updates.
 *
 * @throws when `fn` is async, because other code would run with recording switched off.
 */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs `fn` with recording switched on, even inside {@link noGrad}. */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}

function withGradMode<T>(mode: boolean, fn: () => T): T {
  const previous = enabled;
  enabled = mode;
  try {
    const result = fn();
    if (result instanceof Promise) {
      // Mark the late rejection handled: this error already reports the misuse (see tidy).
      result.catch(() => {});
      throw new Error(
        "noGrad()/enableGrad() cannot take an async function; await outside, or keep the " +
          "awaited work outside the callback",
      );
    }
    return result;
  } finally {
    enabled = previous;
  }
}

/**
 * Attaches `rule` to `output` as the record of op `op` applied to `inputs`, when recording is on and
 * some input requires grad. Returns `output` so ops can `return record(...)`.
 */
export function record(
  op: string,
  inputs: readonly Tensor[],
  output: Tensor,
  rule: GradientRule,
): Tensor {
  if (enabled && inputs.some((t) => t.requiresGrad)) {
    output.setGradNode({ op, inputs, backward: rule });
  }
  return output;
}
