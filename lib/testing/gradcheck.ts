/**
 * Finite-difference gradient checks: the check every op's gradient rule must pass, on every
 * backend. Where the backend holds float64 the differences are taken in float64; the GPU has no
 * 64-bit floats, so there they are taken in float32 with a larger step and float32 tolerances.
 *
 * @module
 */

import { grads } from "../autograd/functional.ts";
import { getBackend } from "../backend/registry.ts";
import { fromArray } from "../tensor/creation.ts";
import { tidy } from "../tensor/memory.ts";
import { Rng } from "../tensor/random.ts";
import { sizeOf } from "../tensor/shape.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { add, mul } from "../ops/arithmetic.ts";
import { cast } from "../ops/cast.ts";
import { concat } from "../ops/join.ts";
import { sum } from "../ops/reduce.ts";
import { reshape, slice } from "../ops/view.ts";

/** The float dtype a check computes in. */
export type GradcheckPrecision = "float64" | "float32";

/** Options of {@link gradcheck}. */
export interface GradcheckOptions {
  /** Central-difference step (default 1e-6 in float64; never below 1e-3 in float32). */
  readonly eps?: number;
  /** Relative tolerance (default 1e-5 in float64; never below 1e-2 in float32). */
  readonly rtol?: number;
  /** Absolute tolerance (default 1e-7 in float64; never below 1e-3 in float32). */
  readonly atol?: number;
  /** Indices of the arguments to check (default: every float argument). */
  readonly wrt?: readonly number[];
  /** Precision of the check (default float64 where the active backend holds it, else float32). */
  readonly precision?: GradcheckPrecision;
}

/** What a passed check measured. */
export interface GradcheckResult {
  /** Largest |analytic - numeric| over all checked elements. */
  readonly maxAbsError: number;
  /** Number of elements checked. */
  readonly checked: number;
  /** The precision the check ran in. */
  readonly precision: GradcheckPrecision;
}

/**
 * Floors for float32 checks. A step of 1e-3 keeps the rounding of f's outputs (about 6e-8
 * relative) small against 2·eps, while the truncation error stays near eps²·f'''/6; rtol 1e-2
 * still catches any wrong gradient rule, whose errors are of the gradient's own size.
 */
const FLOAT32_FLOOR = { eps: 1e-3, rtol: 1e-2, atol: 1e-3 };

/**
 * Compares the autodiff gradient of `f` with central differences. Each float argument is cast to
 * the check's precision; a non-scalar output is reduced as Σ r·f(x) with fixed random weights r,
 * so every output element matters. The weighted sums of the perturbed outputs are taken on the
 * host in float64, and all of them are read back in one transfer, so the check costs one read on
 * a GPU.
 *
 * @throws naming the argument, the element and both values at the first mismatch.
 */
export async function gradcheck(
  f: (...xs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  options: GradcheckOptions = {},
): Promise<GradcheckResult> {
  const precision = options.precision ??
    (getBackend().dtypes.includes("float64") ? "float64" : "float32");
  const floor = precision === "float32" ? FLOAT32_FLOOR : { eps: 0, rtol: 0, atol: 0 };
  const eps = Math.max(options.eps ?? 1e-6, floor.eps);
  const rtol = Math.max(options.rtol ?? 1e-5, floor.rtol);
  const atol = Math.max(options.atol ?? 1e-7, floor.atol);

  const plan = tidy(() => evaluate(f, inputs, options.wrt, precision, eps));
  let analytic: Float64Array[], outputs: Float64Array;
  try {
    analytic = await Promise.all(plan.analytic.map(async (g) => Float64Array.from(await g.data())));
    outputs = Float64Array.from(await plan.outputs.data());
  } finally {
    for (const t of [...plan.analytic, plan.outputs]) t.dispose();
  }

  // Output block k holds f at (x + eps·e_j) for k = 2·(offset + j) and at (x − eps·e_j) next.
  const weighted = (block: number) => {
    let s = 0;
    const at = block * plan.weights.length;
    for (let n = 0; n < plan.weights.length; n++) s += plan.weights[n] * outputs[at + n];
    return s;
  };
  let maxAbsError = 0, checked = 0, block = 0;
  plan.wrt.forEach((i, k) => {
    const g = analytic[k];
    for (let j = 0; j < g.length; j++, block += 2) {
      const numeric = (weighted(block) - weighted(block + 1)) / (2 * eps);
      const err = Math.abs(g[j] - numeric);
      maxAbsError = Math.max(maxAbsError, err);
      checked++;
      if (!(err <= atol + rtol * Math.abs(numeric))) {
        throw new Error(
          `gradcheck (${precision}): argument ${i}, element ${j}: autodiff gives ${g[j]}, ` +
            `central differences give ${numeric} (|difference| ${err})`,
        );
      }
    }
  });
  return { maxAbsError, checked, precision };
}

/** The device tensors a check reads, and the host-side weights of its objective. */
interface Plan {
  readonly wrt: readonly number[];
  readonly weights: Float64Array;
  /** Gradient of Σ r·f for each checked argument. */
  readonly analytic: Tensor[];
  /** Every perturbed evaluation of f, flattened and joined in the order the check reads them. */
  readonly outputs: Tensor;
}

function evaluate(
  f: (...xs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  wrtOption: readonly number[] | undefined,
  precision: GradcheckPrecision,
  eps: number,
): Plan {
  const xs = inputs.map((x) => (x.dtype === "int32" ? x : cast(x, precision)));
  const floats = xs.flatMap((x, i) => (x.dtype === "int32" ? [] : [i]));
  const wrt = wrtOption ?? floats;
  for (const i of wrt) {
    if (!floats.includes(i)) {
      throw new Error(
        `gradcheck: wrt lists argument ${i}, but ` +
          (i in xs ? "it is int32 and has no gradient" : `there are only ${xs.length} arguments`),
      );
    }
  }
  const shape = f(...xs).shape;
  // A private generator, so a check never shifts the library's seeded stream. The host keeps the
  // weights rounded exactly as the device holds them.
  const rng = new Rng(0x9e37);
  const drawn = Array.from({ length: sizeOf(shape) }, () => rng.normal());
  const weights = Float64Array.from(precision === "float32" ? Float32Array.from(drawn) : drawn);
  const deviceWeights = fromArray(weights, shape, { dtype: precision });
  const objective = (...args: Tensor[]) => sum(mul(f(...args), deviceWeights));

  // Differentiate with respect to the float arguments only. int32 ones (labels, indices) stay
  // constants: functional grads rejects them, since an integer tensor has no gradient.
  const withFloats = (...fs: Tensor[]) => {
    const args = [...xs];
    floats.forEach((i, k) => (args[i] = fs[k]));
    return objective(...args);
  };
  const floatGrads = grads(withFloats)(...floats.map((i) => xs[i]));
  const analytic = wrt.map((i) => floatGrads[floats.indexOf(i)]);

  // All 2n perturbed copies of an argument are made on the device by one broadcast add, so the
  // check never reads the inputs back; each evaluation gets a view of one copy.
  const evaluations: Tensor[] = [];
  for (const i of wrt) {
    const x = xs[i], n = x.size;
    const deltas = new Float64Array(2 * n * n);
    for (let j = 0; j < n; j++) {
      deltas[2 * j * n + j] = eps;
      deltas[(2 * j + 1) * n + j] = -eps;
    }
    const copies = add(
      reshape(x, [1, ...x.shape]),
      fromArray(deltas, [2 * n, ...x.shape], { dtype: precision }),
    );
    for (let b = 0; b < 2 * n; b++) {
      const args = [...xs];
      args[i] = reshape(slice(copies, [b, ...x.shape.map(() => 0)], [1, ...x.shape]), x.shape);
      const y = f(...args);
      evaluations.push(reshape(cast(y, precision), [y.size]));
    }
  }
  const outputs = evaluations.length > 0
    ? concat(evaluations)
    : fromArray([], [0], { dtype: precision });
  return { wrt, weights, analytic, outputs };
}
