/**
 * The part that L-BFGS and nonlinear conjugate gradients share: full-batch iterations over all
 * parameters as one float64 vector, each a direction followed by a strong Wolfe line search, with
 * the same stopping tests, weight decay and error checks. Subclasses say only how they pick the
 * direction and the first trial step, and what they remember of an iteration.
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

/** Options shared by the line-search optimizers ({@link LBFGS}, {@link ConjugateGradient}). */
export interface LineSearchOptimizerOptions extends OptimizerOptions {
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
  /**
   * The line search's curvature constant c₂ in (1e-4, 1). Lower values make each line search
   * closer to exact. The default is the subclass's.
   */
  readonly curvature?: number;
}

/** A search direction d at gradient g, with its slope g·d (negative: downhill). */
export interface SearchDirection {
  readonly d: Float64Array;
  readonly gtd: number;
}

/**
 * A full-batch optimizer whose every iteration is: a direction d from the subclass, a strong Wolfe
 * line search for t along d starting from the subclass's first trial, then x ← x + t·d.
 *
 * `step(closure)` runs up to `maxIter` iterations and stops early when max|g| ≤ toleranceGrad, or
 * when max|t·d| or the change of the loss is below toleranceChange. With weight decay λ it
 * minimises loss + (λ/2)‖x‖². The algebra runs in float64 on the host, reading the parameters and
 * gradients at every evaluation (`dataSync`, so the CPU backend): that makes the line search robust
 * to float32 rounding, and costs little next to the closure for the small problems these suit.
 */
export abstract class LineSearchOptimizer extends Optimizer {
  /** Iterations per step. */
  readonly maxIter: number;
  /** Closure evaluations per step. */
  readonly maxEval: number;
  /** Tolerance on the largest gradient element. */
  readonly toleranceGrad: number;
  /** Tolerance on the step and the loss change. */
  readonly toleranceChange: number;
  /** The line search's c₂. */
  readonly curvature: number;
  #iterations = 0;
  #evaluations = 0;

  /** Validates the shared options; the default learning rate η (the first trial's scale) is 1. */
  constructor(params: Params, options: LineSearchOptimizerOptions, defaultCurvature: number) {
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
    this.curvature = options.curvature ?? defaultCurvature;
    // Wolfe's conditions only admit a step when c₁ < c₂ < 1.
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
   * The next search direction at gradient g, or null when there is no downhill direction left to
   * take (the step then ends).
   */
  protected abstract direction(g: Float64Array): SearchDirection | null;

  /** The line search's first trial step along `direction`, made at gradient g. */
  protected abstract firstTrial(g: Float64Array, direction: SearchDirection): number;

  /** Told of each finished iteration: its direction, the gradient it started from, and step t. */
  protected abstract remember(direction: SearchDirection, g: Float64Array, t: number): void;

  /**
   * Runs up to `maxIter` iterations, calling `closure` (see {@link LossClosure}) whenever the loss
   * and gradient are needed, and leaves the parameters at the best point found. Returns the loss
   * at the start of the step, as PyTorch's L-BFGS does.
   *
   * @throws when the closure is missing, or the loss or a gradient at the start is NaN or infinite.
   */
  step(closure?: LossClosure): number {
    this.assertLive("step");
    if (typeof closure !== "function") {
      throw new Error(
        `${this.owner}.step: needs a closure, because it evaluates the loss several times per ` +
          "step (in its line search). Pass one that recomputes it: opt.step(() => { " +
          "opt.zeroGrad(); const loss = lossFn(); loss.backward(); return loss; })",
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
        const direction = this.direction(g);
        if (!direction) break;
        const { d, gtd } = direction;
        const t0 = this.firstTrial(g, direction);
        this.#iterations++;
        const search = strongWolfe(
          (t) => at(x.map((v, i) => v + t * d[i])),
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
        this.remember(direction, g, search.t);
        const change = Math.abs(search.f - f);
        for (let i = 0; i < x.length; i++) x[i] += search.t * d[i];
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

  /** The usual first trial of a first iteration, t = η·min(1, 1/‖g‖₁): at most η, and ‖t·g‖₁ ≤ η. */
  protected gradientScaledTrial(g: Float64Array): number {
    let sumAbs = 0;
    for (let i = 0; i < g.length; i++) sumAbs += Math.abs(g[i]);
    return Math.min(1, 1 / sumAbs) * this.lr;
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
}
