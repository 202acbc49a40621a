/**
 * L-BFGS: a quasi-Newton method that builds a picture of the curvature from its last few steps,
 * with a strong Wolfe line search. TensorFlow.js has no L-BFGS; this follows PyTorch's.
 *
 * @module
 */

import { formatShape } from "../tensor/shape.ts";
import { divergedError } from "./finite.ts";
import { paramIndexOf, readGrads, readValues, writeValues } from "./flat.ts";
import { dot, maxAbs, strongWolfe } from "./line_search.ts";
import { type LossClosure, Optimizer, type OptimizerOptions } from "./optimizer.ts";
import type { Params } from "./params.ts";
import { nonNegative, positiveInteger } from "./validate.ts";

/** The line search's sufficient-decrease constant c₁, the usual choice. */
const SUFFICIENT_DECREASE = 1e-4;
/** Evaluations one line search may make, as in PyTorch; a good step rarely takes more than a few. */
const LINE_SEARCH_EVALS = 25;

/** Options of {@link LBFGS}. */
export interface LBFGSOptions extends OptimizerOptions {
  /** Iterations per `step()` call (default 20). */
  readonly maxIter?: number;
  /**
   * Closure evaluations per `step()` call (default 1.25 × maxIter, rounded down). Checked after
   * each iteration, so a line search in progress may go past it.
   */
  readonly maxEval?: number;
  /** Stop when every gradient element is at most this in magnitude (default 1e-7). */
  readonly toleranceGrad?: number;
  /** Stop when a step moves no element, or changes the loss, by more than this (default 1e-9). */
  readonly toleranceChange?: number;
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
export class LBFGS extends Optimizer {
  /** Iterations per step. */
  readonly maxIter: number;
  /** Closure evaluations per step. */
  readonly maxEval: number;
  /** Tolerance on the largest gradient element. */
  readonly toleranceGrad: number;
  /** Tolerance on the step and the loss change. */
  readonly toleranceChange: number;
  /** Curvature pairs remembered. */
  readonly historySize: number;
  /** The line search's c₂. */
  readonly curvature: number;
  #history: CurvaturePair[] = [];
  /** The last direction, step length and gradient, to form the next curvature pair. */
  #last: { d: Float64Array; t: number; g: Float64Array } | null = null;
  #iterations = 0;
  #evaluations = 0;

  /** Makes an L-BFGS optimizer over `params`; the default learning rate η is 1. */
  constructor(params: Params, options: LBFGSOptions = {}) {
    super(params, options.lr ?? 1, options.weightDecay);
    this.maxIter = positiveInteger(this.owner, "maxIter", options.maxIter ?? 20);
    this.maxEval = positiveInteger(
      this.owner,
      "maxEval",
      options.maxEval ?? Math.floor(this.maxIter * 1.25),
    );
    this.toleranceGrad = nonNegative(this.owner, "toleranceGrad", options.toleranceGrad ?? 1e-7);
    this.toleranceChange = nonNegative(
      this.owner,
      "toleranceChange",
      options.toleranceChange ?? 1e-9,
    );
    this.historySize = positiveInteger(this.owner, "historySize", options.historySize ?? 100);
    this.curvature = options.curvature ?? 0.9;
    // Wolfe's conditions only admit a step when c₁ < c₂ < 1 (c₁ is the line search's 1e-4).
    if (!(this.curvature > SUFFICIENT_DECREASE && this.curvature < 1)) {
      throw new Error(`${this.owner}: curvature must be in (1e-4, 1), got ${this.curvature}`);
    }
  }

  /** Iterations taken over all `step` calls. */
  get iterations(): number {
    return this.#iterations;
  }

  /** Closure evaluations over all `step` calls. */
  get evaluations(): number {
    return this.#evaluations;
  }

  /**
   * Runs up to `maxIter` iterations, calling `closure` (see {@link LossClosure}) whenever the loss
   * and gradient are needed, and leaves the parameters at the best point found. Returns the loss
   * at the start of the step, as PyTorch does.
   *
   * @throws when the closure is missing, or the loss or a gradient at the start is NaN or infinite.
   */
  step(closure?: LossClosure): number {
    this.assertLive("step");
    if (typeof closure !== "function") {
      throw new Error(
        `${this.owner}.step: needs a closure, because L-BFGS evaluates the loss several times per ` +
          "step (in its line search). Pass one that recomputes it: opt.step(() => { opt.zeroGrad(); " +
          "const loss = lossFn(); loss.backward(); return loss; })",
      );
    }
    const params = this.params;
    const lambda = this.weightDecay;
    let evals = 0;
    const objective = (x: Float64Array, loss: number) => {
      evals++;
      const g = readGrads(params);
      let f = loss;
      if (lambda > 0) {
        f += lambda / 2 * dot(x, x);
        for (let i = 0; i < g.length; i++) g[i] += lambda * x[i];
      }
      return { f, g };
    };
    const at = (x: Float64Array) => {
      writeValues(params, x);
      return objective(x, this.evaluate(closure));
    };

    const x = readValues(params);
    const startLoss = this.evaluate(closure);
    let { f, g } = objective(x, startLoss);
    this.#assertFinite(f, g);
    try {
      if (maxAbs(g) <= this.toleranceGrad) return startLoss;
      for (let iter = 0; iter < this.maxIter; iter++) {
        const d = this.#direction(g);
        const gtd = dot(g, d);
        // Not a descent direction (rounding, or a stale history): nothing more to gain.
        if (gtd > -this.toleranceChange) break;
        const t0 = this.#iterations === 0 ? Math.min(1, 1 / sumAbs(g)) * this.lr : this.lr;
        this.#iterations++;
        const search = strongWolfe(
          (t) => at(axpy(x, t, d)),
          d,
          f,
          g,
          gtd,
          t0,
          {
            c1: SUFFICIENT_DECREASE,
            c2: this.curvature,
            toleranceChange: this.toleranceChange,
            maxEvals: LINE_SEARCH_EVALS,
          },
        );
        this.#last = { d, t: search.t, g };
        const change = Math.abs(search.f - f);
        x.set(axpy(x, search.t, d));
        ({ f, g } = search);
        if (evals >= this.maxEval || maxAbs(g) <= this.toleranceGrad) break;
        if (maxAbs(d) * Math.abs(search.t) <= this.toleranceChange) break;
        if (change < this.toleranceChange) break;
      }
    } finally {
      // The last evaluation may have been a rejected trial point: leave the parameters at the best.
      writeValues(params, x);
      this.#evaluations += evals;
    }
    return startLoss;
  }

  /**
   * The next search direction −H·g: records the curvature pair of the last step, then applies the
   * two-loop recursion (Nocedal & Wright, algorithm 7.4).
   */
  #direction(g: Float64Array): Float64Array {
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
    return q;
  }

  #assertFinite(f: number, g: Float64Array): void {
    if (!Number.isFinite(f)) throw divergedError(this.owner, "the loss", this.lr);
    const bad = g.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      const { label, tensor } = this.named[paramIndexOf(this.params, bad)];
      throw divergedError(
        this.owner,
        `the gradient of ${label} (shape ${formatShape(tensor.shape)})`,
        this.lr,
      );
    }
  }

  /** Forgets the curvature history. */
  protected freeState(): void {
    this.#history = [];
    this.#last = null;
  }
}

/** x + t·d as a new vector. */
function axpy(x: Float64Array, t: number, d: Float64Array): Float64Array {
  return x.map((v, i) => v + t * d[i]);
}

/** Σ |aᵢ|. */
function sumAbs(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]);
  return s;
}
