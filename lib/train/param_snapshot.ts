/**
 * Copies of parameter values, to put back later: the best epoch's weights for early stopping, and
 * the last weights known to give a finite loss for the divergence guard.
 *
 * @module
 */

import { runKernel } from "../backend/registry.ts";
import { fromKernel } from "../ops/convert.ts";
import { keep } from "../tensor/memory.ts";
import type { Tensor } from "../tensor/tensor.ts";

/** A copy of each parameter's values, owned by the snapshot until {@link ParamSnapshot.dispose}. */
export class ParamSnapshot {
  readonly #params: readonly Tensor[];
  #copies: Tensor[];

  /** Copies the current values of `params`. */
  constructor(params: readonly Tensor[]) {
    this.#params = params;
    this.#copies = params.map(copyOf);
  }

  /** Replaces the copies with the parameters' current values. */
  update(): void {
    this.dispose();
    this.#copies = this.#params.map(copyOf);
  }

  /** Writes the copied values back into the parameters (the same tensor objects keep them). */
  restore(): void {
    this.#params.forEach((p, i) => p.assign(this.#copies[i]));
  }

  /** Frees the copies. */
  dispose(): void {
    for (const c of this.#copies) c.dispose();
    this.#copies = [];
  }
}

/**
 * A copy with its own storage. A view would do today, since `assign` swaps storage rather than
 * writing into it, but the snapshot must not depend on how optimizers update weights.
 */
function copyOf(p: Tensor): Tensor {
  return keep(fromKernel(runKernel("copy", p)));
}
