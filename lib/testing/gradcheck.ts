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
  const floats = xs.flatMap((x, i) => (x.dtype === "int32" ? [] : [i]));
  const wrt = options.wrt ?? floats;
  for (const i of wrt) {
    if (!floats.includes(i)) {
      throw new Error(
        `gradcheck: wrt lists argument ${i}, but ` +
          (i in xs ? "it is int32 and has no gradient" : `there are only ${xs.length} arguments`),
      );
    }
  }
  // Only the output's shape is needed; tidy frees what f made, and never the inputs, even when f
  // returns one of them unchanged.
  const shape = tidy(() => f(...xs).shape);
  // A private generator, so a check never shifts the library's seeded stream.
  const rng = new Rng(0x9e37);
  const weights = fromArray(
    Array.from({ length: sizeOf(shape) }, () => rng.normal()),
    shape,
    { dtype: "float64" },
  );
  const objective = (...args: Tensor[]) => sum(mul(f(...args), weights));
  const value = (args: Tensor[]) => tidy(() => objective(...args).dataSync()[0]);

  // Differentiate with respect to the float arguments only. int32 ones (labels, indices) stay
  // constants: functional grads rejects them, since an integer tensor has no gradient.
  const withFloats = (...fs: Tensor[]) => {
    const args = [...xs];
    floats.forEach((i, k) => (args[i] = fs[k]));
    return objective(...args);
  };
  const floatGrads = grads(withFloats)(...floats.map((i) => xs[i]));
  const analytic = xs.map((_, i) => floatGrads[floats.indexOf(i)]);
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
