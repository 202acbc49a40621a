/**
 * Nonlinear conjugate gradients: each search direction is the negative gradient plus a share of
 * the previous direction, chosen so that successive directions do not undo each other's progress.
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

/** Options of {@link ConjugateGradient}. */
export interface ConjugateGradientOptions extends LineSearchOptimizerOptions {
  /**
   * Restart with the plain negative gradient every this many iterations (default: the number of
   * parameter elements n, after which the conjugacy built up is stale).
   */
  readonly restartEvery?: number;
  /**
   * The line search's curvature constant c₂ in (1e-4, 1) (default 0.1). Conjugate gradients need
   * line searches closer to exact than quasi-Newton methods do, hence a smaller c₂ than L-BFGS's.
   */
  readonly curvature?: number;
}

/**
 * Nonlinear conjugate gradients with the Polak–Ribière+ rule (Nocedal & Wright, §5.2) over all
 * parameters as one vector x, for full-batch problems. Each iteration:
 *
 * 1. d = −g + β·d_prev, with β = max(0, g·(g − g_prev) / g_prev·g_prev); β = 0 (a restart) on
 *    the first iteration, every `restartEvery` iterations, and whenever d would not go downhill;
 * 2. t from a strong Wolfe line search along d (the first trial is t = η·min(1, 1/‖g‖₁) on the
 *    first iteration, then t_prev·(g_prev·d_prev)/(g·d), which expects the same first-order
 *    decrease as the last step, Nocedal & Wright eq. 3.60);
 * 3. x ← x + t·d.
 *
 * On a convex quadratic in n variables with exact line searches this is the linear conjugate
 * gradient method, which finds the minimum in at most n iterations. It keeps two vectors of state
 * against L-BFGS's 2m, at the price of needing more accurate line searches.
 *
 * `step(closure)` runs up to `maxIter` iterations and stops early on the same tests as
 * {@link LBFGS}: max|g| ≤ toleranceGrad, or max|t·d| or the change of the loss below
 * toleranceChange. The direction carries over from one `step` to the next. With weight decay λ it
 * minimises loss + (λ/2)‖x‖². The algebra runs in float64 on the host (`dataSync`, so the CPU
 * backend).
 *
 * @example
 * ```ts
 * const opt = new ConjugateGradient([w], { maxIter: 50 });
 * opt.step(() => {
 *   opt.zeroGrad();
 *   const loss = x.matmul(w).sub(y).square().mean();
 *   loss.backward();
 *   return loss;
 * });
 * ```
 */
export class ConjugateGradient extends LineSearchOptimizer {
  /** Iterations between restarts. */
  readonly restartEvery: number;
  /** The last direction, its gradient and step length, and iterations since the last restart. */
  #last: { d: Float64Array; g: Float64Array; gtd: number; t: number; since: number } | null = null;
  /** Iterations since the last restart, of the direction being searched. */
  #since = 0;

  /** Makes a conjugate-gradient optimizer over `params`; the default learning rate η is 1. */
  constructor(params: Params, options: ConjugateGradientOptions = {}) {
    super(params, options, 0.1);
    const n = this.params.reduce((sum, p) => sum + p.size, 0);
    this.restartEvery = positiveInteger(this.owner, "restartEvery", options.restartEvery ?? n);
  }

  /** The search direction at gradient g and its slope g·d (see the class docs). */
  protected direction(g: Float64Array): SearchDirection {
    const steepest = (): SearchDirection => {
      this.#since = 0;
      return { d: g.map((v) => -v), gtd: -dot(g, g) };
    };
    const last = this.#last;
    if (!last || last.since + 1 >= this.restartEvery) return steepest();
    const previous = dot(last.g, last.g);
    let change = 0;
    for (let i = 0; i < g.length; i++) change += g[i] * (g[i] - last.g[i]);
    const beta = Math.max(0, change / previous);
    const d = g.map((v, i) => -v + beta * last.d[i]);
    const gtd = dot(g, d);
    // Inexact line searches can leave d pointing uphill; the gradient itself never does.
    if (!(gtd < 0)) return steepest();
    this.#since = beta === 0 ? 0 : last.since + 1;
    return { d, gtd };
  }

  /** The line search's first trial step (see the class docs); η where the rule gives nothing. */
  protected firstTrial(g: Float64Array, { gtd }: SearchDirection): number {
    const last = this.#last;
    if (!last) return this.gradientScaledTrial(g);
    const t = last.t * last.gtd / gtd;
    // A failed line search (t = 0) leaves nothing to scale from.
    return t > 0 && Number.isFinite(t) ? t : this.lr;
  }

  /** Keeps the direction, its gradient and step, for the next β and first trial. */
  protected remember({ d, gtd }: SearchDirection, g: Float64Array, t: number): void {
    this.#last = { d, g, gtd, t, since: this.#since };
  }

  /** Forgets the last direction, so the next step starts along the negative gradient. */
  protected freeState(): void {
    this.#last = null;
  }
}
