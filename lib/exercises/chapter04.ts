/**
 * Chapter 4's exercises, Beyond Gradient Descent: their graders, the notebook checks that print
 * the graders' verdicts, and the solutions.
 *
 * 1. The momentum update by hand, in the book's velocity form v ← μv − ηg, θ ← θ + v. It is run
 *    for a dozen steps on a quadratic and checked against the exact trajectory.
 * 2. Adam's update by hand, with both moments and their bias corrections. It is run for ten steps
 *    on a badly scaled quadratic and checked against the exact trajectory.
 * 3. Classifying a critical point as a minimum, a maximum or a saddle from the Hessian's
 *    eigenvalues. It is checked on nine critical points in two and three dimensions, chosen so
 *    that rules of thumb on the diagonal, the trace or the determinant fail.
 *
 * @example
 * ```ts
 * import { chapter04 } from "../lib/exercises/mod.ts";
 * chapter04.check.exercise3(() => "minimum"); // prints "✗ not yet: …"
 * chapter04.check.exercise1(chapter04.solutions.exercise1); // prints "✓ right: …"
 * ```
 *
 * @module
 */

// The checks run tensor ops and call tensor methods, so the ops (which attach the methods) and
// the CPU backend must be loaded even without lib/mod.ts.
import "../backend/mod.ts";
import "../ops/mod.ts";
import { noGrad } from "../autograd/graph.ts";
import { hessian } from "../linalg/hessian.ts";
import { symmetricEigen } from "../linalg/symmetric_eigen.ts";
import { fromArray } from "../tensor/creation.ts";
import { tidy } from "../tensor/memory.ts";
import { formatShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { messageOf, show, showList } from "./format.ts";
import { checker, notYet, right, type Verdict } from "./verdict.ts";

/** Exercise 1's answer: one momentum step, returning the new parameters and velocity. */
export type MomentumStep = (
  theta: Tensor,
  velocity: Tensor,
  grad: Tensor,
  lr: number,
  momentum: number,
) => { theta: Tensor; velocity: Tensor };

/** Adam's running moments, as exercise 2 passes them in and expects them back. */
export interface AdamMoments {
  /** The first moment m, the running average of the gradients. */
  readonly m: Tensor;
  /** The second moment v, the running average of the squared gradients. */
  readonly v: Tensor;
}

/** Adam's settings for exercise 2. */
export interface AdamSettings {
  /** The learning rate η. */
  readonly lr: number;
  /** β₁, the decay of the first moment. */
  readonly beta1: number;
  /** β₂, the decay of the second moment. */
  readonly beta2: number;
  /** ε, added to the root of the second moment. */
  readonly eps: number;
}

/**
 * Exercise 2's answer: Adam's step number `t` (counted from 1) on parameters `theta` with gradient
 * `grad` and the moments so far, returning the new parameters and moments.
 */
export type AdamStep = (
  theta: Tensor,
  grad: Tensor,
  moments: AdamMoments,
  t: number,
  settings: AdamSettings,
) => { theta: Tensor; m: Tensor; v: Tensor };

/** What exercise 3's answer says a critical point is. */
export type CriticalPointKind = "minimum" | "maximum" | "saddle";

/** Exercise 3's answer: the kind of the critical point `point` of the scalar function `f`. */
export type CriticalPointClassifier = (
  f: (p: Tensor) => Tensor,
  point: readonly number[],
) => CriticalPointKind;

/** Whether two vectors agree to float32 precision, after a dozen steps of rounding. */
function closeAll(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  return Array.from(a).every((x, i) => Math.abs(x - b[i]) <= 1e-4 + 1e-3 * Math.abs(b[i]));
}

/** What an answer's run produced: the parameters after each step, or why there are none. */
type Run = { readonly thetas: Float64Array[] } | { readonly problem: string };

/**
 * The trajectory of `step` from `theta0`: each step's results are read to the host and fed back
 * as fresh tensors, so the answer's tensors may be freed or shared as it likes. `next` calls the
 * answer and returns its named outputs, or a reason it could not.
 */
function runSteps(
  steps: number,
  state0: Record<string, Float64Array>,
  next: (
    state: Record<string, Tensor>,
    t: number,
  ) => Record<string, unknown>,
): Run {
  let state = state0;
  const thetas: Float64Array[] = [];
  for (let t = 1; t <= steps; t++) {
    const result = tidy(() => {
      const inputs = Object.fromEntries(
        Object.entries(state).map(([k, v]) => [k, fromArray(Float32Array.from(v), [v.length])]),
      );
      let out: Record<string, unknown>;
      try {
        out = noGrad(() => next(inputs, t));
      } catch (error) {
        return `your function threw at step ${t}: ${messageOf(error)}`;
      }
      if (out === null || typeof out !== "object") {
        return `your function returned ${out === null ? "null" : typeof out}, not an object of ` +
          `tensors { ${Object.keys(state).join(", ")} }`;
      }
      const read: Record<string, Float64Array> = {};
      for (const key of Object.keys(state)) {
        const value = out[key];
        if (!(value instanceof Tensor)) {
          return `the result's ${key} is ${
            value === undefined ? "missing" : typeof value
          }; return { ${Object.keys(state).join(", ")} }, each a tensor`;
        }
        if (value.rank !== 1 || value.shape[0] !== state[key].length) {
          return `the result's ${key} has shape ${formatShape(value.shape)}; it must have the ` +
            `shape of the parameters, [${state[key].length}]`;
        }
        read[key] = Float64Array.from(value.dataSync());
      }
      return read;
    });
    if (typeof result === "string") return { problem: result };
    const bad = Object.entries(result).find(([, v]) => v.some((x) => !Number.isFinite(x)));
    if (bad) {
      return {
        problem: `at step ${t} the result's ${bad[0]} holds NaN or infinity: ${showList(bad[1])}`,
      };
    }
    state = result;
    thetas.push(result.theta);
  }
  return { thetas };
}

/** The first step at which two trajectories part, or -1 if they agree throughout. */
function firstDifference(got: Float64Array[], want: Float64Array[]): number {
  return want.findIndex((w, i) => !closeAll(got[i], w));
}

// ---------------------------------------------------------------------------------------------
// Exercise 1: momentum by hand.

/** The quadratic of exercises 1 and 2: f(θ) = ½ Σ aᵢθᵢ², whose gradient is a ⊙ θ. */
interface Quadratic {
  readonly curvatures: readonly number[];
  readonly start: readonly number[];
}

const MOMENTUM_PROBLEM: Quadratic = { curvatures: [1, 8, 0.25], start: [2, -1, 3] };
const MOMENTUM = { lr: 0.05, momentum: 0.8, steps: 12 };

/** A momentum rule on host vectors: new θ and velocity from θ, velocity and gradient. */
type HostMomentumRule = (
  theta: Float64Array,
  v: Float64Array,
  g: Float64Array,
) => [Float64Array, Float64Array];

/** The trajectory of a momentum rule on exercise 1's quadratic, in float64. */
function momentumTrajectory(rule: HostMomentumRule): Float64Array[] {
  const a = MOMENTUM_PROBLEM.curvatures;
  let theta: Float64Array = Float64Array.from(MOMENTUM_PROBLEM.start);
  let v: Float64Array = new Float64Array(theta.length);
  const thetas: Float64Array[] = [];
  for (let t = 0; t < MOMENTUM.steps; t++) {
    const g = theta.map((x, i) => a[i] * x);
    [theta, v] = rule(theta, v, g);
    thetas.push(theta);
  }
  return thetas;
}

const { lr: ETA, momentum: MU } = MOMENTUM;

/** The right rule: v ← μv − ηg, θ ← θ + v. */
const momentumRule: HostMomentumRule = (theta, v, g) => {
  const next = v.map((vi, i) => MU * vi - ETA * g[i]);
  return [theta.map((x, i) => x + next[i]), next];
};

/** Typical mistakes, each with the hint it earns. */
const MOMENTUM_MISTAKES: { rule: HostMomentumRule; hint: string }[] = [
  {
    rule: (theta, v, g) => [theta.map((x, i) => x - ETA * g[i]), v],
    hint: "your θ moves as plain gradient descent: the velocity must carry over from step to " +
      "step. Compute the new velocity v ← μv − ηg, move by it, θ ← θ + v, and return it",
  },
  {
    rule: (theta, v, g) => {
      const next = v.map((vi, i) => MU * vi + ETA * g[i]);
      return [theta.map((x, i) => x + next[i]), next];
    },
    hint: "your steps go uphill: the gradient points up the slope, so the velocity must " +
      "subtract it, v ← μv − ηg",
  },
  {
    rule: (theta, v, g) => {
      const next = v.map((vi, i) => vi - ETA * g[i]);
      return [theta.map((x, i) => x + next[i]), next];
    },
    hint: "your velocity never decays: multiply the old velocity by the momentum μ before " +
      "adding the new step, v ← μv − ηg (without μ it is friction-free and overshoots forever)",
  },
  {
    rule: (theta, v, g) => {
      const next = v.map((vi, i) => MU * vi - (1 - MU) * ETA * g[i]);
      return [theta.map((x, i) => x + next[i]), next];
    },
    hint: "your velocity is an exponentially weighted average, μv − (1 − μ)ηg: that shrinks " +
      "every step by 1 − μ. Momentum adds the whole step, v ← μv − ηg",
  },
  {
    rule: (theta, v, g) => [
      theta.map((x, i) => x + v[i]),
      v.map((vi, i) => MU * vi - ETA * g[i]),
    ],
    hint: "you move by the old velocity and update it afterwards, so every step lags one " +
      "behind: first v ← μv − ηg, then θ ← θ + v with the new v",
  },
];

/**
 * Grades exercise 1: twelve steps of `answer` on f(θ) = ½(θ₁² + 8θ₂² + θ₃²/4) from θ = (2, −1, 3)
 * with zero velocity, η = 0.05 and μ = 0.8, must follow v ← μv − ηg, θ ← θ + v.
 */
function gradeExercise1(answer: MomentumStep): Verdict {
  if (typeof answer !== "function") {
    return notYet(
      `exercise 1 takes a function (theta, velocity, grad, lr, momentum) => { theta, velocity }, ` +
        `got ${typeof answer}`,
    );
  }
  const a = fromArray(Float32Array.from(MOMENTUM_PROBLEM.curvatures), [3]);
  const start = Float64Array.from(MOMENTUM_PROBLEM.start);
  const run = runSteps(
    MOMENTUM.steps,
    { theta: start, velocity: new Float64Array(3) },
    ({ theta, velocity }) => answer(theta, velocity, theta.mul(a), MOMENTUM.lr, MOMENTUM.momentum),
  );
  a.dispose();
  if ("problem" in run) return notYet(run.problem);
  const want = momentumTrajectory(momentumRule);
  const k = firstDifference(run.thetas, want);
  if (k < 0) {
    return right(
      `your θ follows momentum for all ${MOMENTUM.steps} steps, exactly as SGD with ` +
        `{ lr: ${MOMENTUM.lr}, momentum: ${MOMENTUM.momentum} } moves (our SGD keeps b = −v/η ` +
        `instead of v: the same rule in other units). Along a steady slope the velocity builds up to ` +
        `1/(1 − μ) = ${show(1 / (1 - MOMENTUM.momentum))} times a plain gradient step.`,
    );
  }
  const mistake = MOMENTUM_MISTAKES.find((m) =>
    firstDifference(run.thetas, momentumTrajectory(m.rule)) < 0
  );
  if (mistake) return notYet(mistake.hint);
  return notYet(
    `after step ${k + 1} your θ is ${showList(run.thetas[k])}, but momentum gives ` +
      `${showList(want[k])}. Each step: v ← μv − ηg, then θ ← θ + v, and return both`,
  );
}

// ---------------------------------------------------------------------------------------------
// Exercise 2: Adam by hand.

const ADAM_PROBLEM: Quadratic = { curvatures: [1, 50, 0.02], start: [1, -1, 2] };
const ADAM: AdamSettings & { steps: number } = {
  lr: 0.1,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  steps: 10,
};

/** An Adam-like rule on host vectors, given how it corrects and combines the moments. */
interface HostAdamRule {
  /** The new first moment from the old one and the gradient. */
  readonly m: (m: number, g: number, s: AdamSettings) => number;
  /** The new second moment from the old one and the gradient. */
  readonly v: (v: number, g: number, s: AdamSettings) => number;
  /** The step from the moments at step t. */
  readonly step: (m: number, v: number, t: number, s: AdamSettings) => number;
}

const adamMoments = {
  m: (m: number, g: number, s: AdamSettings) => s.beta1 * m + (1 - s.beta1) * g,
  v: (v: number, g: number, s: AdamSettings) => s.beta2 * v + (1 - s.beta2) * g * g,
};

/** The right rule: bias-corrected moments, θ ← θ − η·m̂ / (√v̂ + ε). */
const adamRule: HostAdamRule = {
  ...adamMoments,
  step: (m, v, t, s) =>
    s.lr * (m / (1 - s.beta1 ** t)) / (Math.sqrt(v / (1 - s.beta2 ** t)) + s.eps),
};

/** The trajectory of an Adam-like rule on exercise 2's quadratic, in float64. */
function adamTrajectory(rule: HostAdamRule): Float64Array[] {
  const a = ADAM_PROBLEM.curvatures;
  const theta = Float64Array.from(ADAM_PROBLEM.start);
  const m = new Float64Array(3), v = new Float64Array(3);
  const thetas: Float64Array[] = [];
  for (let t = 1; t <= ADAM.steps; t++) {
    for (let i = 0; i < 3; i++) {
      const g = a[i] * theta[i];
      m[i] = rule.m(m[i], g, ADAM);
      v[i] = rule.v(v[i], g, ADAM);
      theta[i] -= rule.step(m[i], v[i], t, ADAM);
    }
    thetas.push(theta.slice());
  }
  return thetas;
}

/** Typical mistakes, each with the hint it earns (plain gradient descent is checked apart). */
const ADAM_MISTAKES: { rule: HostAdamRule; hint: string }[] = [
  {
    rule: { ...adamMoments, step: (m, v, _t, s) => s.lr * m / (Math.sqrt(v) + s.eps) },
    hint: "your steps skip the bias correction: m and v start at 0, so early on they are far " +
      "too small (m by 1 − β₁ᵗ, v by 1 − β₂ᵗ). Divide them, m̂ = m / (1 − β₁ᵗ) and " +
      "v̂ = v / (1 − β₂ᵗ), before the step",
  },
  {
    rule: {
      ...adamMoments,
      step: (m, v, t, s) => s.lr * (m / (1 - s.beta1 ** t)) / (Math.sqrt(v) + s.eps),
    },
    hint: "you correct the first moment but not the second: v̂ = v / (1 − β₂ᵗ) too",
  },
  {
    rule: {
      ...adamMoments,
      step: (m, v, t, s) => s.lr * m / (Math.sqrt(v / (1 - s.beta2 ** t)) + s.eps),
    },
    hint: "you correct the second moment but not the first: m̂ = m / (1 − β₁ᵗ) too",
  },
  {
    rule: {
      ...adamMoments,
      step: (m, v, t, s) => s.lr * (m / (1 - s.beta1 ** t)) / (v / (1 - s.beta2 ** t) + s.eps),
    },
    hint: "you divide by v̂ itself; Adam divides by its square root, √v̂ + ε, which is the " +
      "size of a typical gradient, so that the step comes out near η whatever the gradient's scale",
  },
  {
    rule: {
      ...adamMoments,
      step: (m, v, t, s) =>
        s.lr * (m / (1 - s.beta1 ** (t + 1))) / (Math.sqrt(v / (1 - s.beta2 ** (t + 1))) + s.eps),
    },
    hint: "your bias correction is one step off: at step t (counted from 1, as the check passes " +
      "it) the corrections are 1 − β₁ᵗ and 1 − β₂ᵗ",
  },
  {
    rule: {
      m: (m, g, s) => s.beta2 * m + (1 - s.beta2) * g,
      v: (v, g, s) => s.beta1 * v + (1 - s.beta1) * g * g,
      step: (m, v, t, s) =>
        s.lr * (m / (1 - s.beta2 ** t)) / (Math.sqrt(v / (1 - s.beta1 ** t)) + s.eps),
    },
    hint: "you swapped the decays: β₁ = 0.9 averages the gradients (m), β₂ = 0.999 their " +
      "squares (v)",
  },
  {
    rule: {
      m: (m, g, s) => s.beta1 * m + g,
      v: (v, g, s) => s.beta2 * v + g * g,
      step: adamRule.step,
    },
    hint: "your moments add the whole new gradient; an exponentially weighted average gives it " +
      "the weight 1 − β: m ← β₁m + (1 − β₁)g and v ← β₂v + (1 − β₂)g²",
  },
];

/**
 * Grades exercise 2: ten steps of `answer` on f(θ) = ½(θ₁² + 50θ₂² + 0.02θ₃²) from θ = (1, −1, 2),
 * with η = 0.1, β₁ = 0.9, β₂ = 0.999 and ε = 1e-8, must follow Adam's rule with bias correction.
 */
function gradeExercise2(answer: AdamStep): Verdict {
  if (typeof answer !== "function") {
    return notYet(
      `exercise 2 takes a function (theta, grad, { m, v }, t, settings) => { theta, m, v }, got ` +
        typeof answer,
    );
  }
  const a = fromArray(Float32Array.from(ADAM_PROBLEM.curvatures), [3]);
  const settings: AdamSettings = Object.freeze({
    lr: ADAM.lr,
    beta1: ADAM.beta1,
    beta2: ADAM.beta2,
    eps: ADAM.eps,
  });
  const run = runSteps(
    ADAM.steps,
    {
      theta: Float64Array.from(ADAM_PROBLEM.start),
      m: new Float64Array(3),
      v: new Float64Array(3),
    },
    ({ theta, m, v }, t) => answer(theta, theta.mul(a), { m, v }, t, settings),
  );
  a.dispose();
  if ("problem" in run) {
    return notYet(
      run.problem +
        (run.problem.includes("NaN") && run.problem.startsWith("at step 1 ")
          ? ". At the first step t = 1, so 1 − β₁ᵗ = 0.1 and 1 − β₂ᵗ = 0.001; a zero there " +
            "(from β to the power t − 1, say) divides by zero"
          : ""),
    );
  }
  const want = adamTrajectory(adamRule);
  const k = firstDifference(run.thetas, want);
  if (k < 0) {
    const moved = want[0].map((x, i) => Math.abs(x - ADAM_PROBLEM.start[i]));
    return right(
      `your θ follows Adam for all ${ADAM.steps} steps. Its first step moved every coordinate ` +
        `by ${showList(moved)}, about η = ${ADAM.lr} each, although the curvatures are ` +
        `${showList(ADAM_PROBLEM.curvatures)}: dividing by √v̂ makes the step's size ` +
        "independent of the gradient's scale.",
    );
  }
  const plain = run.thetas[0].every((x, i) =>
    Math.abs(
      x - (ADAM_PROBLEM.start[i] - ADAM.lr * ADAM_PROBLEM.curvatures[i] *
          ADAM_PROBLEM.start[i]),
    ) < 1e-4
  );
  if (plain) {
    return notYet(
      "your θ moves as plain gradient descent, θ − ηg. Adam keeps the running moments " +
        "m ← β₁m + (1 − β₁)g and v ← β₂v + (1 − β₂)g², corrects them, m̂ = m / (1 − β₁ᵗ) and " +
        "v̂ = v / (1 − β₂ᵗ), and steps θ ← θ − η·m̂ / (√v̂ + ε)",
    );
  }
  const mistake = ADAM_MISTAKES.find((m) =>
    firstDifference(run.thetas, adamTrajectory(m.rule)) < 0
  );
  if (mistake) return notYet(mistake.hint);
  return notYet(
    `after step ${k + 1} your θ is ${showList(run.thetas[k])}, but Adam gives ` +
      `${showList(want[k])}. Update m and v, correct them by 1 − β₁ᵗ and 1 − β₂ᵗ, then ` +
      "θ ← θ − η·m̂ / (√v̂ + ε), and return the new m and v too",
  );
}

// ---------------------------------------------------------------------------------------------
// Exercise 3: minimum, maximum or saddle.

/** One critical point of exercise 3, with a readable formula. */
interface CriticalCase {
  readonly formula: string;
  readonly f: (p: Tensor) => Tensor;
  readonly point: readonly number[];
  readonly kind: CriticalPointKind;
}

/** Coordinate i of p, as a one-element tensor. */
const coord = (p: Tensor, i: number) => p.slice([i], [1]);

/**
 * The cases: plain ones first; then a saddle with a positive diagonal, a minimum with negative
 * cross terms, a saddle with a positive trace, and in three dimensions a saddle with a positive
 * determinant and a maximum with a negative one.
 */
const CRITICAL_CASES: readonly CriticalCase[] = [
  {
    formula: "x² + 3y²",
    f: (p) => coord(p, 0).square().add(coord(p, 1).square().mul(3)).sum(),
    point: [0, 0],
    kind: "minimum",
  },
  {
    formula: "−x² − y² + xy",
    f: (p) =>
      coord(p, 0).mul(coord(p, 1)).sub(coord(p, 0).square()).sub(coord(p, 1).square()).sum(),
    point: [0, 0],
    kind: "maximum",
  },
  {
    formula: "x³ − 3x + y²",
    f: (p) => coord(p, 0).pow(3).sub(coord(p, 0).mul(3)).add(coord(p, 1).square()).sum(),
    point: [1, 0],
    kind: "minimum",
  },
  {
    formula: "x³ − 3x + y²",
    f: (p) => coord(p, 0).pow(3).sub(coord(p, 0).mul(3)).add(coord(p, 1).square()).sum(),
    point: [-1, 0],
    kind: "saddle",
  },
  {
    formula: "x² + y² + 3xy",
    f: (p) =>
      coord(p, 0).square().add(coord(p, 1).square()).add(coord(p, 0).mul(coord(p, 1)).mul(3)).sum(),
    point: [0, 0],
    kind: "saddle",
  },
  {
    formula: "x² + y² − 1.5xy",
    f: (p) =>
      coord(p, 0).square().add(coord(p, 1).square()).sub(coord(p, 0).mul(coord(p, 1)).mul(1.5))
        .sum(),
    point: [0, 0],
    kind: "minimum",
  },
  {
    formula: "2x² − ½y²",
    f: (p) => coord(p, 0).square().mul(2).sub(coord(p, 1).square().mul(0.5)).sum(),
    point: [0, 0],
    kind: "saddle",
  },
  {
    formula: "x² − y² − z²",
    f: (p) => coord(p, 0).square().sub(coord(p, 1).square()).sub(coord(p, 2).square()).sum(),
    point: [0, 0, 0],
    kind: "saddle",
  },
  {
    formula: "−x² − y² − z² + xz",
    f: (p) =>
      coord(p, 0).mul(coord(p, 2)).sub(coord(p, 0).square()).sub(coord(p, 1).square())
        .sub(coord(p, 2).square()).sum(),
    point: [0, 0, 0],
    kind: "maximum",
  },
];

const KINDS: readonly string[] = ["minimum", "maximum", "saddle"];

/** The point as "(x, y)" for messages. */
function showPoint(point: readonly number[]): string {
  return `(${point.join(", ")})`;
}

/**
 * Grades exercise 3: `answer(f, point)` must name the kind of each of nine critical points, in
 * two and three dimensions.
 */
function gradeExercise3(answer: CriticalPointClassifier): Verdict {
  if (typeof answer !== "function") {
    return notYet(
      `exercise 3 takes a function (f, point) => "minimum" | "maximum" | "saddle", got ` +
        typeof answer,
    );
  }
  for (const c of CRITICAL_CASES) {
    const where = `${c.formula} at ${showPoint(c.point)}`;
    let got: unknown;
    try {
      got = answer(c.f, c.point);
    } catch (error) {
      return notYet(`your function threw on ${where}: ${messageOf(error)}`);
    }
    if (typeof got !== "string" || !KINDS.includes(got)) {
      return notYet(
        `on ${where} your function returned ${JSON.stringify(got) ?? String(got)}; return ` +
          `"minimum", "maximum" or "saddle"`,
      );
    }
    if (got !== c.kind) {
      const { values } = symmetricEigen(hessian(c.f, c.point));
      const swapped = (got === "minimum" && c.kind === "maximum") ||
        (got === "maximum" && c.kind === "minimum");
      return notYet(
        `${where} is a ${c.kind}, but your function says ${got}. The Hessian's eigenvalues ` +
          `there are ${showList(values)}: ` +
          (swapped
            ? "positive eigenvalues mean the surface curves up in every direction (a minimum), " +
              "negative ones that it curves down (a maximum)"
            : "all positive means a minimum, all negative a maximum, and mixed signs a saddle. " +
              "Look at the signs of the eigenvalues (symmetricEigen(hessian(f, point)).values), " +
              "not at the diagonal, the trace or the determinant"),
      );
    }
  }
  return right(
    `all ${CRITICAL_CASES.length} critical points classified. Rules of thumb fail on them: ` +
      "x² + y² + 3xy has a positive diagonal yet is a saddle, and in three dimensions " +
      "x² − y² − z² has a positive determinant. Only the signs of all the eigenvalues tell.",
  );
}

// ---------------------------------------------------------------------------------------------

/** The graders: each takes an answer and returns a {@link Verdict} without printing. */
export const grade: {
  readonly exercise1: (answer: MomentumStep) => Verdict;
  readonly exercise2: (answer: AdamStep) => Verdict;
  readonly exercise3: (answer: CriticalPointClassifier) => Verdict;
} = Object.freeze({
  exercise1: gradeExercise1,
  exercise2: gradeExercise2,
  exercise3: gradeExercise3,
});

/**
 * The notebook's checks: each prints `✓ right: …` or `✗ not yet: …` with the reason, and never
 * throws, so the notebook runs on with a wrong answer.
 */
export const check: {
  readonly exercise1: (answer: MomentumStep) => void;
  readonly exercise2: (answer: AdamStep) => void;
  readonly exercise3: (answer: CriticalPointClassifier) => void;
} = Object.freeze({
  exercise1: checker(gradeExercise1),
  exercise2: checker(gradeExercise2),
  exercise3: checker(gradeExercise3),
});

/** The solutions, for instructors: run `check.exercise1(solutions.exercise1)`. */
export const solutions: {
  readonly exercise1: MomentumStep;
  readonly exercise2: AdamStep;
  readonly exercise3: CriticalPointClassifier;
} = Object.freeze({
  // v ← μv − ηg, then θ ← θ + v.
  exercise1: (theta: Tensor, velocity: Tensor, grad: Tensor, lr: number, momentum: number) => {
    const next = velocity.mul(momentum).sub(grad.mul(lr));
    return { theta: theta.add(next), velocity: next };
  },
  // Both moments, both bias corrections, then the step η·m̂ / (√v̂ + ε).
  exercise2: (
    theta: Tensor,
    grad: Tensor,
    { m, v }: AdamMoments,
    t: number,
    { lr, beta1, beta2, eps }: AdamSettings,
  ) => {
    const m2 = m.mul(beta1).add(grad.mul(1 - beta1));
    const v2 = v.mul(beta2).add(grad.square().mul(1 - beta2));
    const mHat = m2.div(1 - beta1 ** t), vHat = v2.div(1 - beta2 ** t);
    return { theta: theta.sub(mHat.div(vHat.sqrt().add(eps)).mul(lr)), m: m2, v: v2 };
  },
  // The signs of the Hessian's eigenvalues.
  exercise3: (f: (p: Tensor) => Tensor, point: readonly number[]) => {
    const { values } = symmetricEigen(hessian(f, point));
    if (values.every((v) => v > 0)) return "minimum";
    if (values.every((v) => v < 0)) return "maximum";
    return "saddle";
  },
});
