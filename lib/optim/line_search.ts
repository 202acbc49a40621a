/**
 * A line search satisfying the strong Wolfe conditions (Nocedal & Wright, *Numerical Optimization*,
 * algorithms 3.5 and 3.6), with cubic interpolation and the safeguards of PyTorch's L-BFGS. It
 * works on host vectors (Float64Array): along a line, everything is a handful of dot products.
 *
 * @module
 */

/** The objective along the line: its value f and gradient g at x + t·d. */
export type LineFunction = (t: number) => { readonly f: number; readonly g: Float64Array };

/** Options of {@link strongWolfe}. */
export interface LineSearchOptions {
  /** Sufficient-decrease constant c₁ in (0, 1) (default 1e-4). */
  readonly c1?: number;
  /**
   * Curvature constant c₂ in (c₁, 1) (default 0.9). Smaller values ask for a step closer to the
   * exact minimum along the line, at the cost of more evaluations.
   */
  readonly c2?: number;
  /** Stop when the bracket, measured as |Δt|·max|d|, is narrower than this (default 1e-9). */
  readonly toleranceChange?: number;
  /** At most this many evaluations of the objective (default 25). */
  readonly maxEvals?: number;
}

/** Where the search stopped. */
export interface LineSearchResult {
  /** The step length; 0 when no point along the line was better than the start. */
  readonly t: number;
  /** The objective at x + t·d; never above the starting value. */
  readonly f: number;
  /** The gradient at x + t·d. */
  readonly g: Float64Array;
  /** Objective evaluations made. */
  readonly evals: number;
}

/** A trial point: step length, value, gradient and directional derivative g·d. */
interface Point {
  readonly t: number;
  readonly f: number;
  readonly g: Float64Array;
  readonly gtd: number;
}

/** Σ aᵢbᵢ. */
export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** max |aᵢ| (0 for an empty vector). */
export function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/**
 * The minimiser of the cubic through two points with their values and slopes (Nocedal & Wright,
 * eq. 3.59), clamped to `bounds` (by default the interval between the points). Without a real
 * minimiser, the middle of the bounds.
 */
export function cubicMinimizer(
  a: { t: number; f: number; gtd: number },
  b: { t: number; f: number; gtd: number },
  bounds: readonly [number, number] = [Math.min(a.t, b.t), Math.max(a.t, b.t)],
): number {
  const [lo, hi] = bounds;
  const d1 = a.gtd + b.gtd - 3 * (a.f - b.f) / (a.t - b.t);
  const d2Square = d1 * d1 - a.gtd * b.gtd;
  // The negated test also catches NaN, from a trial point where the objective blew up.
  if (!(d2Square >= 0)) return (lo + hi) / 2;
  const d2 = Math.sign(b.t - a.t) * Math.sqrt(d2Square);
  const t = b.t - (b.t - a.t) * (b.gtd + d2 - d1) / (b.gtd - a.gtd + 2 * d2);
  return Number.isFinite(t) ? Math.min(Math.max(t, lo), hi) : (lo + hi) / 2;
}

/**
 * Finds a step length t along the descent direction d satisfying the strong Wolfe conditions
 *
 * f(t) ≤ f(0) + c₁·t·f′(0)  (sufficient decrease)  and  |f′(t)| ≤ c₂·|f′(0)|  (curvature),
 *
 * where f′ is the directional derivative g·d. It first grows t until an interval must contain such
 * a step, then narrows that interval ("zoom") by cubic interpolation. If it runs out of evaluations
 * it returns the best point that satisfied sufficient decrease, or t = 0: the result never has a
 * higher objective than the start. A NaN or infinite value counts as overshooting.
 *
 * @param phi the objective along the line
 * @param d the search direction (for the bracket-width test)
 * @param f0 the objective at t = 0
 * @param g0 the gradient at t = 0
 * @param gtd0 the directional derivative g0·d, which must be negative
 * @param t the first step length to try
 */
export function strongWolfe(
  phi: LineFunction,
  d: Float64Array,
  f0: number,
  g0: Float64Array,
  gtd0: number,
  t: number,
  options: LineSearchOptions = {},
): LineSearchResult {
  const { c1 = 1e-4, c2 = 0.9, toleranceChange = 1e-9, maxEvals = 25 } = options;
  const dNorm = maxAbs(d);
  let evals = 0;
  const evaluate = (t: number): Point => {
    evals++;
    const { f, g } = phi(t);
    return { t, f, g, gtd: dot(g, d) };
  };
  // Written as "not above" so that a NaN value fails it.
  const decreases = (p: Point) => p.f <= f0 + c1 * p.t * gtd0;
  const flatEnough = (p: Point) => Math.abs(p.gtd) <= -c2 * gtd0;
  const done = (p: Point): LineSearchResult => ({ t: p.t, f: p.f, g: p.g, evals });

  // Bracketing: grow t until [lo, hi] must hold a point satisfying both conditions, where lo has
  // the lowest value seen that satisfies sufficient decrease and hi lies beyond the minimum.
  let prev: Point = { t: 0, f: f0, g: g0, gtd: gtd0 };
  let cur = evaluate(t);
  let lo: Point, hi: Point;
  for (;;) {
    if (!decreases(cur) || (prev.t > 0 && cur.f >= prev.f)) {
      [lo, hi] = [prev, cur];
      break;
    }
    if (flatEnough(cur)) return done(cur);
    if (cur.gtd >= 0) {
      [lo, hi] = [cur, prev];
      break;
    }
    // Still going downhill: extrapolate, at least a little and at most tenfold.
    if (evals >= maxEvals) return done(cur);
    const next = cubicMinimizer(prev, cur, [cur.t + 0.01 * (cur.t - prev.t), cur.t * 10]);
    prev = cur;
    cur = evaluate(next);
  }

  // Zoom: shrink the bracket around the step, keeping lo the best point that decreases enough.
  let insufficientProgress = false;
  while (evals < maxEvals && Math.abs(hi.t - lo.t) * dNorm >= toleranceChange) {
    const low = Math.min(lo.t, hi.t), high = Math.max(lo.t, hi.t);
    let t = cubicMinimizer(lo, hi);
    // An interpolant hugging one end makes slow progress; after two such steps in a row (or one
    // outside the bracket), move a tenth of the width in from the end instead.
    const margin = 0.1 * (high - low);
    if (Math.min(high - t, t - low) < margin) {
      if (insufficientProgress || t >= high || t <= low) {
        t = Math.abs(t - high) < Math.abs(t - low) ? high - margin : low + margin;
        insufficientProgress = false;
      } else {
        insufficientProgress = true;
      }
    } else {
      insufficientProgress = false;
    }
    const p = evaluate(t);
    if (!decreases(p) || p.f >= lo.f) {
      hi = p;
    } else {
      if (flatEnough(p)) return done(p);
      // Keep the minimum between lo and hi: if p's slope points back past lo, lo becomes hi.
      if (p.gtd * (hi.t - lo.t) >= 0) hi = lo;
      lo = p;
    }
  }
  return done(lo);
}
