/**
 * Finite-difference gradient checks in float64: the check every op's gradient rule must pass.
 *
 * @module
 */

import { grads } from "../autograd/functional.ts";
import { fromArray } from "../tensor/creation.ts";
import { tidy } from "../tensor/memory.ts";
import { Rng } from "../tensor/random.ts";
import { sizeOf } from "../tensor/shape.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { mul } from "../ops/arithmetic.ts";
import { cast } from "../ops/cast.ts";
import { sum } from "../ops/reduce.ts";

/** Options of {@link gradcheck}. */
export interface GradcheckOptions {
  /** Central-difference step (default 1e-6). */
  readonly eps?: number;
  /** Relative tolerance (default 1e-5). */
  readonly rtol?: number;
  /** Absolute tolerance (default 1e-7). */
  readonly atol?: number;
  /** Indices of the arguments to check (default: every float argument). */
  readonly wrt?: readonly number[];
}

/** What a passed check measured. */
export interface GradcheckResult {
  /** Largest |analytic - numeric| over all checked elements. */
  readonly maxAbsError: number;
  /** Number of elements checked. */
  readonly checked: number;
}

/**
 * Compares the autodiff gradient of `f` with central differences, in float64. Each float argument is
 * cast to float64; a non-scalar output is reduced as Σ r·f(x) with fixed random weights r, so every
 * output element matters.
 *
 * @throws naming the argument, the element and both values at the first mismatch.
 */
export function gradcheck(
  f: (...xs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  options: GradcheckOptions = {},
): GradcheckResult {
  return tidy(() => check(f, inputs, options));
}

function check(
  f: (...xs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  options: GradcheckOptions,
): GradcheckResult {
  const eps = options.eps ?? 1e-6, rtol = options.rtol ?? 1e-5, atol = options.atol ?? 1e-7;
  const xs = inputs.map((x) => (x.dtype === "int32" ? x : cast(x, "float64")));
  const wrt = options.wrt ?? xs.flatMap((x, i) => (x.dtype === "int32" ? [] : [i]));
  const probe = f(...xs);
  // A private generator, so a check never shifts the library's seeded stream.
  const rng = new Rng(0x9e37);
  const weights = fromArray(
    Array.from({ length: sizeOf(probe.shape) }, () => rng.normal()),
    probe.shape,
    { dtype: "float64" },
  );
  probe.dispose();
  const objective = (...args: Tensor[]) => sum(mul(f(...args), weights));
  const value = (args: Tensor[]) => tidy(() => objective(...args).dataSync()[0]);

  const analytic = grads((...args: Tensor[]) => objective(...args))(...xs);
  let maxAbsError = 0, checked = 0;
  for (const i of wrt) {
    const base = Float64Array.from(xs[i].dataSync());
    const g = analytic[i].dataSync();
    for (let j = 0; j < base.length; j++) {
      const at = (delta: number) => {
        const moved = base.slice();
        moved[j] += delta;
        const args = [...xs];
        args[i] = fromArray(moved, xs[i].shape, { dtype: "float64" });
        const v = value(args);
        args[i].dispose();
        return v;
      };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      const err = Math.abs(g[j] - numeric);
      maxAbsError = Math.max(maxAbsError, err);
      checked++;
      if (!(err <= atol + rtol * Math.abs(numeric))) {
        throw new Error(
          `gradcheck: argument ${i}, element ${j}: autodiff gives ${
            g[j]
          }, central differences give ` +
            `${numeric} (|difference| ${err})`,
        );
      }
    }
  }
  return { maxAbsError, checked };
}
