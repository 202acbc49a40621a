/**
 * L-BFGS: a quasi-Newton method that builds a picture of the curvature from its last few steps,
 * with a strong Wolfe line search. TensorFlow.js has no L-BFGS; this follows PyTorch's.
 *
 * @module
 */

import { dot } from "./line_search.ts";
import {
  LineSearchOptimizer,
  type LineSearchOptimizerOptions,
  type SearchDirection,
} from "./line_search_optimizer.ts";
import type { Params } from "./params.ts";
import { positiveInteger } from "./validate.ts";

/** Options of {@link LBFGS}. */
export interface LBFGSOptions extends LineSearchOptimizerOptions {
  /** Curvature pairs (s, y) remembered (default 100). */
  readonly historySize?: number;
  /**
   * The line search's curvature constant c₂ in (1e-4, 1) (default 0.9). Lower values make each line
   * search closer to exact: with c₂ near 0, a convex quadratic in n variables is solved in about n
   * iterations, as by conjugate gradients.
   */
  readonly curvature?: number;
}

/** One remembered step s = x₊ − x and gradient change y = g₊ − g, with ρ = 1 / (y·s). */
interface CurvaturePair {
  readonly s: Float64Array;
  readonly y: Float64Array;
  readonly rho: number;
}

/**
 * Limited-memory BFGS (Liu & Nocedal, 1989) over all parameters as one vector x, for full-batch
 * problems. Each iteration:
 *
 * 1. d = −H·g, where H approximates the inverse Hessian from the last m pairs (sᵢ, yᵢ) by the
 *    two-loop recursion, starting from H₀ = (s·y / y·y)·I;
 * 2. t from a strong Wolfe line search along d (the first iteration tries t = η·min(1, 1/‖g‖₁),
 *    later ones t = η);
 * 3. x ← x + t·d, and the pair (t·d, g₊ − g) joins the history if s·y > 1e-10 (so H stays
 *    positive definite).
 *
 * `step(closure)` runs up to `maxIter` iterations and stops early when max|g| ≤ toleranceGrad, or
 * when max|t·d| or the change of the loss is below toleranceChange. The history carries over from
 * one `step` to the next. With weight decay λ it minimises loss + (λ/2)‖x‖².
 *
 * The algebra runs in float64 on the host, reading the parameters and gradients at every
 * evaluation (`dataSync`, so the CPU backend): that makes the line search robust to float32
 * rounding, and costs little next to the closure for the small problems L-BFGS suits.
 *
 * @example
 * ```ts
 * const opt = new LBFGS([w], { maxIter: 50 });
 * const loss = opt.step(() => {
 *   opt.zeroGrad();
 *   const loss = x.matmul(w).sub(y).square().mean();
 *   loss.backward();
 *   return loss;
 * });
 * ```
 */
export class LBFGS extends LineSearchOptimizer {
  /** Curvature pairs remembered. */
  readonly historySize: number;
  #history: CurvaturePair[] = [];
  /** The last direction, step length and gradient, to form the next curvature pair. */
  #last: { d: Float64Array; t: number; g: Float64Array } | null = null;

  /** Makes an L-BFGS optimizer over `params`; the default learning rate η is 1. */
  constructor(params: Params, options: LBFGSOptions = {}) {
    super(params, options, 0.9);
    this.historySize = positiveInteger(this.owner, "historySize", options.historySize ?? 100);
  }

  /**
   * The next search direction −H·g: records the curvature pair of the last step, then applies the
   * two-loop recursion (Nocedal & Wright, algorithm 7.4).
   */
  protected direction(g: Float64Array): SearchDirection | null {
    const last = this.#last;
    // Consumed here, so an iteration that stops before its line search cannot add it twice.
    this.#last = null;
    if (last) {
      const s = last.d.map((v) => v * last.t);
      const y = g.map((v, i) => v - last.g[i]);
      const ys = dot(y, s);
      // Only pairs with positive curvature keep H positive definite.
      if (ys > 1e-10) {
        if (this.#history.length === this.historySize) this.#history.shift();
        this.#history.push({ s, y, rho: 1 / ys });
      }
    }
    const q = g.map((v) => -v);
    const history = this.#history;
    const alpha = new Array<number>(history.length);
    for (let i = history.length - 1; i >= 0; i--) {
      const { s, y, rho } = history[i];
      alpha[i] = rho * dot(s, q);
      for (let j = 0; j < q.length; j++) q[j] -= alpha[i] * y[j];
    }
    const newest = history.at(-1);
    // Scaling H₀ by s·y / y·y matches the curvature along the latest step (N&W eq. 7.20).
    const gamma = newest ? 1 / (newest.rho * dot(newest.y, newest.y)) : 1;
    for (let j = 0; j < q.length; j++) q[j] *= gamma;
    for (let i = 0; i < history.length; i++) {
      const { s, y, rho } = history[i];
      const beta = rho * dot(y, q);
      for (let j = 0; j < q.length; j++) q[j] += (alpha[i] - beta) * s[j];
    }
    const gtd = dot(g, q);
    // Not a descent direction (rounding, or a stale history): nothing more to gain.
    return gtd > -this.toleranceChange ? null : { d: q, gtd };
  }

  /** η·min(1, 1/‖g‖₁) on the very first iteration, when there is no curvature yet; then η. */
  protected firstTrial(g: Float64Array): number {
    return this.iterations === 0 ? this.gradientScaledTrial(g) : this.lr;
  }

  /** Keeps the step, to form its curvature pair at the next direction. */
  protected remember({ d }: SearchDirection, g: Float64Array, t: number): void {
    this.#last = { d, t, g };
  }

  /** Forgets the curvature history. */
  protected freeState(): void {
    this.#history = [];
    this.#last = null;
  }
}
