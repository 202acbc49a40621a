/**
 * Chapter 9's exercises, Generative Models: their graders, the notebook checks that print the
 * graders' verdicts, and the solutions.
 *
 * 1. The KL term of the ELBO: KL(N(μ, diag σ²) ‖ N(0, I)) per row, from μ and log σ².
 * 2. The GAN generator's non-saturating loss from the discriminator's logits, stable for very
 *    negative logits.
 * 3. Spherical linear interpolation between two codes.
 *
 * @example
 * ```ts
 * import { chapter09 } from "../lib/exercises/mod.ts";
 * chapter09.check.exercise3((a, b, t) => a); // prints "✗ not yet: …"
 * chapter09.check.exercise3(chapter09.solutions.exercise3); // prints "✓ right: …"
 * ```
 *
 * @module
 */

// The checks run tensor ops and call tensor methods, so the ops (which attach the methods) and
// the CPU backend must be loaded even without lib/mod.ts.
import "../backend/mod.ts";
import "../ops/mod.ts";
import { noGrad } from "../autograd/graph.ts";
import { slerp } from "../generative/latent_path.ts";
import { fromArray } from "../tensor/creation.ts";
import { tidy } from "../tensor/memory.ts";
import { Rng } from "../tensor/random.ts";
import { formatShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { messageOf, show } from "./format.ts";
import { checker, notYet, right, type Verdict } from "./verdict.ts";

/** Exercise 1's answer: μ and log σ², both [N, d], to the KL divergence of each row, [N]. */
export type KlFunction = (mu: Tensor, logVar: Tensor) => Tensor;

/** Exercise 2's answer: the discriminator's logits for generated images [N, 1] to one loss. */
export type GeneratorLossFunction = (fakeLogits: Tensor) => Tensor;

/** Exercise 3's answer: codes a and b and t ∈ [0, 1] to the point at t on the great circle. */
export type SlerpFunction = (a: number[], b: number[], t: number) => number[];

/** Whether `a` equals `b` to float32 precision. */
function close(a: number, b: number, rtol = 1e-4): boolean {
  return Math.abs(a - b) <= 1e-4 + rtol * Math.abs(b);
}

/** Whether two lists of numbers are equal to float32 precision. */
function allClose(a: readonly number[], b: readonly number[], rtol = 1e-4): boolean {
  return a.length === b.length && a.every((v, i) => close(v, b[i], rtol));
}

/** A rectangular block of numbers, [rows, cols], drawn from a seeded generator. */
function draws(rng: Rng, rows: number, cols: number, scale: number): number[][] {
  return Array.from(
    { length: rows },
    () => Array.from({ length: cols }, () => scale * rng.normal()),
  );
}

/** Calls `answer` without gradients on tensors; returns its result or why there is none. */
function callTensor(
  answer: (...args: Tensor[]) => unknown,
  args: Tensor[],
  what: string,
): Tensor | string {
  let out: unknown;
  try {
    out = noGrad(() => answer(...args));
  } catch (error) {
    return `your function threw on ${what}: ${messageOf(error)}`;
  }
  if (!(out instanceof Tensor)) {
    return `your function returned ${out === null ? "null" : typeof out}, not a tensor`;
  }
  if (out.dtype === "int32") return "your function returned an int32 tensor; it must be float";
  return out;
}

// ---------------------------------------------------------------------------------------------
// Exercise 1: the Gaussian KL term.

const KL_ROWS = 4, KL_DIMS = 5;

/** The KL of each row in float64, and the values of the usual mistakes, with their hints. */
function klValues(mu: number[][], logVar: number[][]) {
  const perRow = (term: (m: number, lv: number) => number) =>
    mu.map((row, i) => row.reduce((s, m, j) => s + term(m, logVar[i][j]), 0));
  const exact = perRow((m, lv) => 0.5 * (m * m + Math.exp(lv) - lv - 1));
  return {
    exact,
    mistakes: [
      {
        values: exact.map((v) => 2 * v),
        hint: "your KL is twice the right value: the formula has a factor ½ in front of the sum",
      },
      {
        values: perRow((m, lv) => 0.5 * (m * m + Math.exp(0.5 * lv) - 0.5 * lv - 1)),
        hint: "you used σ where the formula has σ²: logVar is log σ², so σ² = exp(logVar) " +
          "and log σ² = logVar itself",
      },
      {
        values: perRow((m, lv) => 0.5 * (m * m + Math.exp(lv) - lv)),
        hint: "you left out the −1 inside the sum; without it the KL of N(0, I) from itself " +
          "would be d/2 instead of 0",
      },
      {
        values: perRow((m, lv) => 0.5 * (m * m + Math.exp(lv) + lv - 1)),
        hint: "the sign of the log σ² term is wrong: it is −log σ², so that the KL is smallest " +
          "at σ = 1 (too narrow and too wide both cost)",
      },
      {
        values: exact.map((v) => -v),
        hint: "your KL is negative; a KL divergence is always ≥ 0. Check the overall sign",
      },
    ],
  };
}

/**
 * Grades exercise 1: on random means and log variances, the answer must give one KL per row,
 * equal to ½ Σⱼ (μⱼ² + σⱼ² − log σⱼ² − 1), and 0 for μ = 0, log σ² = 0.
 */
function gradeExercise1(answer: KlFunction): Verdict {
  if (typeof answer !== "function") {
    return notYet(`exercise 1 takes a function (mu, logVar) => KL per row, got ${typeof answer}`);
  }
  const rng = new Rng(909);
  const mu = draws(rng, KL_ROWS, KL_DIMS, 1);
  const logVar = draws(rng, KL_ROWS, KL_DIMS, 0.8);
  const want = klValues(mu, logVar);
  return tidy(() => {
    const out = callTensor(
      answer as (...args: Tensor[]) => unknown,
      [fromArray(mu.flat(), [KL_ROWS, KL_DIMS]), fromArray(logVar.flat(), [KL_ROWS, KL_DIMS])],
      `μ and log σ² of shape [${KL_ROWS}, ${KL_DIMS}]`,
    );
    if (typeof out === "string") return notYet(out);
    if (out.size === 1) {
      return notYet(
        `your function returned one number for ${KL_ROWS} rows: sum over the latent ` +
          "dimensions only (sum(-1)), one KL per row, shape [N]",
      );
    }
    if (out.rank === 2 && out.shape[0] === KL_ROWS && out.shape[1] === KL_DIMS) {
      return notYet(
        `your function returned ${formatShape(out.shape)}, one term per dimension: add them ` +
          "up over the last axis (sum(-1)) for one KL per row",
      );
    }
    if (out.rank !== 1 || out.shape[0] !== KL_ROWS) {
      return notYet(
        `your function returned shape ${formatShape(out.shape)}; it should return one KL per ` +
          `row, shape [${KL_ROWS}]`,
      );
    }
    const got = Array.from(out.dataSync());
    if (!allClose(got, want.exact)) {
      const mistake = want.mistakes.find((m) => allClose(got, m.values));
      if (mistake) return notYet(mistake.hint);
      return notYet(
        `for the first row your KL is ${show(got[0])}, but ½ Σ (μ² + σ² − log σ² − 1) is ` +
          `${show(want.exact[0])}, with σ² = exp(logVar)`,
      );
    }
    const atPrior = callTensor(
      answer as (...args: Tensor[]) => unknown,
      [
        fromArray(new Array(KL_DIMS).fill(0), [1, KL_DIMS]),
        fromArray(new Array(KL_DIMS).fill(0), [1, KL_DIMS]),
      ],
      "μ = 0, log σ² = 0",
    );
    if (typeof atPrior === "string") return notYet(atPrior);
    return right(
      `your KL matches ½ Σ (μ² + σ² − log σ² − 1) on every row (the first is ` +
        `${show(want.exact[0])}) and is ${show(atPrior.dataSync()[0])} where the encoder's ` +
        "Gaussian is the prior. Subtracted from the reconstruction term, it gives the ELBO.",
    );
  });
}

// ---------------------------------------------------------------------------------------------
// Exercise 2: the non-saturating generator loss.

/** The logits of exercise 2: ordinary ones, and a batch the discriminator rejects completely. */
function generatorCases(): { name: string; logits: number[] }[] {
  const rng = new Rng(99);
  return [
    { name: "ordinary logits", logits: Array.from({ length: 8 }, () => 2 * rng.normal()) },
    {
      name: "logits of fakes the discriminator rejects (around −120)",
      logits: Array.from({ length: 6 }, () => -120 + 5 * rng.normal()),
    },
  ];
}

/** The right loss of a batch in float64, and the values of the usual mistakes. */
function generatorValues(logits: readonly number[]) {
  const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
  const mean = (f: (z: number) => number) => logits.reduce((s, z) => s + f(z), 0) / logits.length;
  const exact = mean((z) => softplus(-z));
  return {
    exact,
    mistakes: [
      {
        value: -mean((z) => softplus(z)),
        hint: "that is the minimax loss, the mean of log(1 − D(G(z))), which saturates: its " +
          "gradient vanishes when D rejects the fakes. Minimise −log D(G(z)) instead",
      },
      {
        value: mean((z) => softplus(z)),
        hint: "that is −log(1 − D(G(z))), the discriminator's loss on fakes: minimising it makes " +
          "the fakes look more fake. The generator minimises −log D(G(z))",
      },
      {
        value: -exact,
        hint: "your loss is log D(G(z)), the negative of the loss: minimise −log D(G(z))",
      },
      {
        value: logits.reduce((s, z) => s + softplus(-z), 0),
        hint: "your loss is the sum over the batch; take the mean",
      },
      {
        value: mean((z) => 1 - 1 / (1 + Math.exp(-z))),
        hint: "your loss is 1 − D(G(z)), a probability, not a log-likelihood; take −log D(G(z))",
      },
    ],
  };
}

/**
 * Grades exercise 2: the answer must give one number, the mean of −log σ(ℓ) = softplus(−ℓ), on
 * ordinary logits and finite and exact on very negative ones.
 */
function gradeExercise2(answer: GeneratorLossFunction): Verdict {
  if (typeof answer !== "function") {
    return notYet(`exercise 2 takes a function (fakeLogits) => loss, got ${typeof answer}`);
  }
  const [ordinary, rejected] = generatorCases();
  const run = (c: { name: string; logits: number[] }): number | string =>
    tidy(() => {
      const out = callTensor(
        answer as (...args: Tensor[]) => unknown,
        [fromArray(c.logits, [c.logits.length, 1])],
        c.name,
      );
      if (typeof out === "string") return out;
      if (out.size !== 1) {
        return `your function returned shape ${formatShape(out.shape)}; the loss is one number, ` +
          "the mean over the batch";
      }
      return out.dataSync()[0];
    });
  const got = run(ordinary);
  if (typeof got === "string") return notYet(got);
  const want = generatorValues(ordinary.logits);
  if (!close(got, want.exact)) {
    const mistake = want.mistakes.find((m) => close(got, m.value));
    if (mistake) return notYet(mistake.hint);
    return notYet(
      `on ${ordinary.name} your loss is ${show(got)}, but the mean of −log σ(ℓ) is ` +
        `${show(want.exact)}`,
    );
  }
  const gotRejected = run(rejected);
  if (typeof gotRejected === "string") return notYet(gotRejected);
  const wantRejected = generatorValues(rejected.logits).exact;
  if (!Number.isFinite(gotRejected)) {
    return notYet(
      `right on ordinary logits, but on ${rejected.name} your loss is ${gotRejected}: σ(ℓ) ` +
        "underflows to 0 in float32 and log 0 = −∞. Use −log σ(ℓ) = softplus(−ℓ)",
    );
  }
  if (!close(gotRejected, wantRejected, 1e-3)) {
    return notYet(
      `right on ordinary logits, but on ${rejected.name} your loss is ${show(gotRejected)} ` +
        `instead of ${show(wantRejected)}: compute it as softplus(−ℓ), which stays exact`,
    );
  }
  return right(
    `your loss is ${show(want.exact)} on ordinary logits and ${show(wantRejected)} when the ` +
      "discriminator rejects every fake: large, with a gradient of almost −1 per logit, exactly " +
      "when the generator needs to learn most. The minimax loss would be nearly 0 and flat there.",
  );
}

// ---------------------------------------------------------------------------------------------
// Exercise 3: spherical linear interpolation.

/** The pairs of codes of exercise 3: two random codes of one norm, and two of different norms. */
function slerpCases(): { name: string; a: number[]; b: number[] }[] {
  const rng = new Rng(7);
  const code = (n: number) => Array.from({ length: n }, () => rng.normal());
  const scaled = code(6).map((v) => 3 * v);
  return [
    { name: "two codes of 8 numbers", a: code(8), b: code(8) },
    { name: "two codes of different norms", a: code(6), b: scaled },
  ];
}

/**
 * Grades exercise 3: at t = 0, 0.3, 0.5 and 1, on two pairs of codes, the answer must equal
 * sin((1 − t)θ)/sin θ · a + sin(tθ)/sin θ · b.
 */
function gradeExercise3(answer: SlerpFunction): Verdict {
  if (typeof answer !== "function") {
    return notYet(`exercise 3 takes a function (a, b, t) => point, got ${typeof answer}`);
  }
  for (const c of slerpCases()) {
    for (const t of [0.3, 0.5, 0, 1]) {
      let got: unknown;
      try {
        got = answer([...c.a], [...c.b], t);
      } catch (error) {
        return notYet(`your function threw on ${c.name} at t = ${t}: ${messageOf(error)}`);
      }
      if (!Array.isArray(got) || got.length !== c.a.length) {
        return notYet(
          `at t = ${t} your function returned ${
            Array.isArray(got) ? `${got.length} numbers` : typeof got
          }; ` +
            `it should return an array of ${c.a.length} numbers, like a and b`,
        );
      }
      const want = slerp(c.a, c.b, t);
      if (allClose(got, want, 1e-3)) continue;
      const lerp = c.a.map((x, i) => (1 - t) * x + t * c.b[i]);
      if (allClose(got, lerp, 1e-3)) {
        return notYet(
          `at t = ${t} on ${c.name} you return the straight line (1 − t)a + tb; follow the ` +
            "great circle: weights sin((1 − t)θ)/sin θ and sin(tθ)/sin θ, with cos θ = a·b/(‖a‖‖b‖)",
        );
      }
      const swapped = slerp(c.a, c.b, 1 - t);
      if (allClose(got, swapped, 1e-3)) {
        return notYet(
          `at t = ${t} you return the point at 1 − t: the path must start at a (t = 0)`,
        );
      }
      const unit = (v: number[]) => {
        const n = Math.hypot(...v);
        return v.map((x) => x / n);
      };
      if (allClose(got, slerp(unit(c.a), unit(c.b), t), 1e-3)) {
        return notYet(
          "you interpolate the unit vectors a/‖a‖ and b/‖b‖; use a and b themselves, with θ " +
            "from their normalised dot product",
        );
      }
      return notYet(
        `on ${c.name} at t = ${t}, your first number is ${show((got as number[])[0])}, but the ` +
          `great-circle point's is ${show(want[0])}`,
      );
    }
  }
  return right(
    "your path starts at a, ends at b and follows the great circle; between two codes of the " +
      "same norm it keeps that norm all the way, where the straight line dips inside.",
  );
}

/** The graders: each takes an answer and returns a {@link Verdict} without printing. */
export const grade: {
  readonly exercise1: (answer: KlFunction) => Verdict;
  readonly exercise2: (answer: GeneratorLossFunction) => Verdict;
  readonly exercise3: (answer: SlerpFunction) => Verdict;
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
  readonly exercise1: (answer: KlFunction) => void;
  readonly exercise2: (answer: GeneratorLossFunction) => void;
  readonly exercise3: (answer: SlerpFunction) => void;
} = Object.freeze({
  exercise1: checker(gradeExercise1),
  exercise2: checker(gradeExercise2),
  exercise3: checker(gradeExercise3),
});

/** The solutions, for instructors: run `check.exercise1(solutions.exercise1)`. */
export const solutions: {
  readonly exercise1: KlFunction;
  readonly exercise2: GeneratorLossFunction;
  readonly exercise3: SlerpFunction;
} = Object.freeze({
  // ½ Σ (μ² + exp(log σ²) − log σ² − 1), over the latent dimensions of each row.
  exercise1: (mu: Tensor, logVar: Tensor) =>
    mu.square().add(logVar.exp()).sub(logVar).sub(1).sum(-1).mul(0.5),
  // −log σ(ℓ) = softplus(−ℓ), averaged over the batch.
  exercise2: (fakeLogits: Tensor) => fakeLogits.neg().softplus().mean(),
  // The library's slerp: the two sine weights, with θ from the normalised dot product.
  exercise3: (a: number[], b: number[], t: number) => slerp(a, b, t),
});
