/**
 * The record autodiff keeps for each computed tensor: which op made it, from which inputs, and how to
 * turn the output's gradient into the inputs' gradients.
 *
 * @module
 */

import type { Tensor } from "../tensor/tensor.ts";

/**
 * Maps the gradient of an op's output to the gradients of its inputs. `needs[i]` says whether input i
 * wants a gradient; the rule may return null (or skip the work) for the others. Each returned gradient
 * has its input's shape.
 */
export type GradientRule = (grad: Tensor, needs: readonly boolean[]) => readonly (Tensor | null)[];

/** One recorded op application: a vertex of the autodiff graph. */
export interface GradNode {
  /** Name of the op, for error messages and graph printing. */
  readonly op: string;
  /** The tensors the op consumed, in argument order. */
  readonly inputs: readonly Tensor[];
  /** The op's gradient rule. */
  readonly backward: GradientRule;
}
