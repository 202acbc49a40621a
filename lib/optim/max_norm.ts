/**
 * Max-norm constraints: after each step, shrink every unit's incoming weight vector whose L2 norm
 * exceeds a bound back onto it (Srebro et al., 2005; used with dropout by Srivastava et al., 2014).
 *
 * @module
 */

import { noGrad } from "../autograd/graph.ts";
import { div, maximum, mul } from "../ops/arithmetic.ts";
import { type Axes, sum } from "../ops/reduce.ts";
import { sqrt, square } from "../ops/unary.ts";
import { tidy } from "../tensor/memory.ts";
import { formatShape, normalizeAxes } from "../tensor/shape.ts";
import { labelParams, type Params } from "./params.ts";
import { positive } from "./validate.ts";

/**
 * Renormalises, in place, each unit's incoming weight vector w whose norm exceeds `maxValue`:
 *
 * w ← w · c / max(‖w‖, c),  with ‖w‖ taken over `axis`
 *
 * Vectors within the bound are left exactly as they are (the factor is then exactly 1). Call it after `opt.step()`.
 *
 * The axis convention (as Keras's `MaxNorm`): `axis` lists the axes that hold one unit's incoming
 * weights, so the norm is taken over them and there is one norm per remaining index.
 * - Linear weights are [in, out]: a unit's incoming weights are a column, so `axis = 0` (the
 *   default) gives one norm per output unit.
 * - conv2d filters are [out, in, kH, kW]: use `axis = [1, 2, 3]`, one norm per output channel.
 *
 * Pass weights only: a bias (rank 1) is rejected, because renormalising it as one vector is almost
 * never intended.
 *
 * @example
 * ```ts
 * opt.step();
 * maxNorm([layer1.weight, layer2.weight], 3);
 * ```
 */
export function maxNorm(params: Params, maxValue: number, axis: Axes = 0): void {
  positive("maxNorm", "maxValue", maxValue);
  const named = labelParams(params);
  for (const { label, tensor } of named) {
    if (tensor.rank < 2) {
      throw new Error(
        `maxNorm: ${label} has shape ${formatShape(tensor.shape)}, probably a bias; max-norm ` +
          "constrains weight matrices and filters, so pass the weights only",
      );
    }
    normalizeAxes("maxNorm", axis, tensor.rank);
  }
  noGrad(() =>
    tidy(() => {
      for (const { tensor: w } of named) {
        const norm = sqrt(sum(square(w), axis, true));
        w.assign(mul(w, div(maxValue, maximum(norm, maxValue))));
      }
    })
  );
}
