/**
 * The Hessian matrix of a scalar function of a tensor: its second derivatives, the curvature that
 * tells a minimum from a saddle point.
 *
 * @module
 */

import { grad } from "../autograd/functional.ts";
import { noGrad } from "../autograd/graph.ts";
import { fromArray } from "../tensor/creation.ts";
import { tidy } from "../tensor/memory.ts";
import { formatShape, sizeOf } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";

/** Options of {@link hessian}. */
export interface HessianOptions {
  /**
   * The relative difference step: coordinate j moves by ±step·max(1, |xⱼ|) (default ∛ε ≈ 6e-6,
   * which balances the truncation error, O(step²), against float64 rounding, O(ε/step)).
   */
  readonly step?: number;
}

/**
 * The Hessian H[i][j] = ∂²f/∂xᵢ∂xⱼ of the scalar function `f` at `x`, by central differences of
 * reverse-mode gradients: column j is (∇f(x + hⱼeⱼ) − ∇f(x − hⱼeⱼ)) / 2hⱼ.
 *
 * Our autodiff has no gradients of gradients, so this is a numerical derivative of an exact one,
 * not exact itself. Each column costs two gradient evaluations, all in float64 (`x` is cast to
 * float64). Where the gradient is linear in x, as for a quadratic, the differences are exact up to
 * rounding (relative error near 1e-10); elsewhere the error is of order step² times f's fourth
 * derivatives. The result is symmetrized, (H + Hᵀ)/2, since the true Hessian of a smooth function
 * is symmetric and the two halves carry independent rounding. Coordinates follow `x`'s elements in
 * row-major order.
 *
 * @example
 * ```ts
 * const f = (p: Tensor) => p.square().mul(tensor([1, 3])).sum(); // x² + 3y²
 * hessian(f, tensor([0.5, -1])); // [[2, 0], [0, 6]]
 * ```
 *
 * @throws when `x` is not a float tensor or array of numbers, or `f` does not return one number.
 */
export function hessian(
  f: (x: Tensor) => Tensor,
  x: Tensor | readonly number[],
  options: HessianOptions = {},
): number[][] {
  const step = options.step ?? Math.cbrt(Number.EPSILON);
  if (!(Number.isFinite(step) && step > 0)) {
    throw new Error(`hessian: step must be a finite number > 0, got ${step}`);
  }
  if (typeof f !== "function") throw new Error("hessian: f must be a function of a tensor");
  const { shape, values } = pointOf(x);
  const n = values.length;
  const at = (point: Float64Array) => fromArray(point, shape, { dtype: "float64" });
  const outShape = tidy(() =>
    noGrad(() => {
      const out: unknown = f(at(values));
      return out instanceof Tensor ? [...out.shape] : null;
    })
  );
  if (outShape === null || sizeOf(outShape) !== 1) {
    throw new Error(
      "hessian: f must return one number (a tensor of one element), got " +
        (outShape === null ? "something else" : `shape ${formatShape(outShape)}`),
    );
  }
  const gradientAt = (point: Float64Array): Float64Array =>
    tidy(() => Float64Array.from(grad(f)(at(point)).dataSync()));

  const h: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    const dj = step * Math.max(1, Math.abs(values[j]));
    const plus = values.slice(), minus = values.slice();
    plus[j] += dj;
    minus[j] -= dj;
    const gPlus = gradientAt(plus), gMinus = gradientAt(minus);
    // The differences actually taken, after rounding x ± dj, keep the quotient consistent.
    const width = plus[j] - minus[j];
    for (let i = 0; i < n; i++) h[i][j] = (gPlus[i] - gMinus[i]) / width;
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) h[i][j] = h[j][i] = (h[i][j] + h[j][i]) / 2;
  }
  return h;
}

/** The point's shape and its values in float64. */
function pointOf(x: Tensor | readonly number[]): { shape: number[]; values: Float64Array } {
  if (x instanceof Tensor) {
    if (x.dtype === "int32") {
      throw new Error(
        `hessian: x is an int32 tensor (shape ${formatShape(x.shape)}); pass a float tensor`,
      );
    }
    if (x.size === 0) throw new Error("hessian: x is empty; it needs at least one coordinate");
    return { shape: [...x.shape], values: checkedFinite(Float64Array.from(x.dataSync())) };
  }
  if (!Array.isArray(x) || x.length === 0 || x.some((v) => typeof v !== "number")) {
    throw new Error("hessian: x must be a float tensor or a non-empty array of numbers");
  }
  return { shape: [x.length], values: checkedFinite(Float64Array.from(x)) };
}

function checkedFinite(values: Float64Array): Float64Array {
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new Error(`hessian: coordinate ${bad} of x is ${values[bad]}`);
  return values;
}
