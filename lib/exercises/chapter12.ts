/**
 * Chapter 12's exercises, Training Extremely Deep Networks: their graders, the notebook checks
 * that print the graders' verdicts, and the solutions.
 *
 * 1. The standard deviation of He initialisation for a layer with a given fan-in, checked over
 *    several fan-ins against √(2 / fanIn), with hints for the usual slips (Xavier's variance, the
 *    variance instead of the standard deviation).
 * 2. The highway layer's mix of transform and carry, T ⊙ H + (1 − T) ⊙ x, checked on random
 *    tensors against the exact value and against the usual mistakes.
 * 3. A residual block of a given width: with every parameter set to zero it must return its
 *    (non-negative) input unchanged, the identity that a plain block cannot express, and with its
 *    parameters in place it must compute something else.
 *
 * @example
 * ```ts
 * import { chapter12 } from "../lib/exercises/mod.ts";
 * chapter12.check.exercise1((fanIn) => 1 / fanIn); // prints "✗ not yet: …"
 * chapter12.check.exercise1(chapter12.solutions.exercise1); // prints "✓ right: …"
 * ```
 *
 * @module
 */

// The checks run tensor ops and call tensor methods, so the ops (which attach the methods) and
// the CPU backend must be loaded even without lib/mod.ts.
import "../backend/mod.ts";
import "../ops/mod.ts";
import { noGrad } from "../autograd/graph.ts";
import { ReLU } from "../nn/activation.ts";
import { Linear } from "../nn/linear.ts";
import { Module } from "../nn/module.ts";
import { Residual } from "../nn/residual.ts";
import { Sequential } from "../nn/sequential.ts";
import { fromArray, zeros } from "../tensor/creation.ts";
import { tidy } from "../tensor/memory.ts";
import { Rng } from "../tensor/random.ts";
import { formatShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { messageOf, show } from "./format.ts";
import { checker, notYet, right, type Verdict } from "./verdict.ts";

/** Exercise 1's answer: a layer's fan-in to the standard deviation of its He-initialised weights. */
export type InitStd = (fanIn: number) => number;

/** Exercise 2's answer: input x, transform H and gate T (all [N, F]) to the highway output. */
export type HighwayMix = (x: Tensor, h: Tensor, t: Tensor) => Tensor;

/** Exercise 3's answer: a function that builds a residual block of `width` units. */
export type BlockFactory = (width: number) => Module;

/** Whether `a` equals `b` to float32 precision. */
function close(a: number, b: number, rtol = 1e-4): boolean {
  return Math.abs(a - b) <= 1e-6 + rtol * Math.abs(b);
}

// ---------------------------------------------------------------------------------------------
// Exercise 1: He initialisation.

const FAN_INS = [64, 100, 784, 4096, 1];

/** Grades exercise 1: `answer(n)` must be √(2 / n) for every fan-in n checked. */
function gradeExercise1(answer: InitStd): Verdict {
  if (typeof answer !== "function") {
    return notYet(
      `exercise 1 takes a function (fanIn) => standard deviation, got ${typeof answer}`,
    );
  }
  const mistakes: { f: (n: number) => number; hint: string }[] = [
    {
      f: (n) => Math.sqrt(1 / n),
      hint: "that is a variance of 1 / fanIn (LeCun's, and Xavier's when fan-in equals " +
        "fan-out), right for tanh. A ReLU zeroes half of its inputs, which halves the variance " +
        "at every layer; He doubles the variance to make up for it",
    },
    { f: (n) => 2 / n, hint: "that is the variance 2 / fanIn; the standard deviation is its root" },
    { f: (n) => Math.SQRT2 / n, hint: "divide √2 by the square root of the fan-in, not by it" },
    {
      f: (n) => 1 / n,
      hint: "the variance must be 2 / fanIn, so the standard deviation is √(2 / fanIn)",
    },
  ];
  for (const n of FAN_INS) {
    let got: unknown;
    try {
      got = answer(n);
    } catch (error) {
      return notYet(`your function threw for a fan-in of ${n}: ${messageOf(error)}`);
    }
    if (typeof got !== "number" || !Number.isFinite(got)) {
      return notYet(`for a fan-in of ${n} your function returned ${String(got)}, not a number`);
    }
    const want = Math.sqrt(2 / n);
    if (!close(got, want)) {
      const mistake = mistakes.find((m) => close(got as number, m.f(n)));
      // At a fan-in of 1 several formulas agree, so only name a mistake where they differ.
      if (mistake && n > 1) {
        return notYet(`for a fan-in of ${n} you give ${show(got)}: ${mistake.hint}`);
      }
      return notYet(
        `for a fan-in of ${n} you give ${show(got)}, but He initialisation draws weights with ` +
          `standard deviation ${show(want)}: the variance that keeps a ReLU layer's output ` +
          "variance equal to its input's is 2 / fanIn",
      );
    }
  }
  return right(
    `√(2 / fanIn) for every fan-in checked (${show(Math.sqrt(2 / 784))} for 784 inputs): each ` +
      "ReLU layer then passes on as much variance as it receives, however deep the network.",
  );
}

// ---------------------------------------------------------------------------------------------
// Exercise 2: the highway mix.

/** Three random tensors [4, 5]: x and H anywhere, the gate T in (0, 1). */
function highwayCase(): { x: Tensor; h: Tensor; t: Tensor; values: number[][] } {
  const rng = new Rng(1212);
  const draw = (f: () => number) => Array.from({ length: 20 }, f);
  const x = draw(() => rng.normal());
  const h = draw(() => Math.max(0, rng.normal()));
  const t = draw(() => 0.05 + 0.9 * rng.uniform());
  const make = (v: number[]) => fromArray(v, [4, 5]);
  return { x: make(x), h: make(h), t: make(t), values: [x, h, t] };
}

/** Grades exercise 2: `answer(x, h, t)` must be t·h + (1 − t)·x elementwise. */
function gradeExercise2(answer: HighwayMix): Verdict {
  if (typeof answer !== "function") {
    return notYet(`exercise 2 takes a function (x, h, t) => output, got ${typeof answer}`);
  }
  return tidy(() => {
    const { x, h, t, values: [xs, hs, ts] } = highwayCase();
    let out: unknown;
    try {
      out = noGrad(() => answer(x, h, t));
    } catch (error) {
      return notYet(`your function threw: ${messageOf(error)}`);
    }
    if (!(out instanceof Tensor)) {
      return notYet(`your function returned ${out === null ? "null" : typeof out}, not a tensor`);
    }
    if (out.shape.length !== 2 || out.shape[0] !== 4 || out.shape[1] !== 5) {
      return notYet(
        `for inputs of shape [4, 5] your function returned shape ${formatShape(out.shape)}; the ` +
          "mix is elementwise, so the output has the inputs' shape",
      );
    }
    const got = Array.from(out.dataSync());
    const matches = (f: (x: number, h: number, t: number) => number) =>
      got.every((g, i) => close(g, f(xs[i], hs[i], ts[i]), 1e-4));
    if (matches((x, h, t) => t * h + (1 - t) * x)) {
      return right(
        "T ⊙ H + (1 − T) ⊙ x: where the gate is shut (T near 0) the layer carries its input " +
          "through unchanged, so the gradient passes too, as along a residual connection.",
      );
    }
    const mistakes: [(x: number, h: number, t: number) => number, string][] = [
      [
        (x, h, t) => t * x + (1 - t) * h,
        "you swapped the two parts: T is the transform gate, so it weighs H, and the carry " +
        "1 − T weighs the input x",
      ],
      [
        (x, h, t) => x + t * h,
        "that is a residual connection with a gated branch, x + T ⊙ H; in a highway layer the " +
        "input is weighed by the carry gate 1 − T",
      ],
      [(_x, h, t) => t * h, "you left out the carry (1 − T) ⊙ x, the path that passes x through"],
      [(x, h) => h + x, "the gate T is missing: the output mixes H and x in proportions T, 1 − T"],
    ];
    const mistake = mistakes.find(([f]) => matches(f));
    if (mistake) return notYet(mistake[1]);
    const i = got.findIndex((g, k) => !close(g, ts[k] * hs[k] + (1 - ts[k]) * xs[k], 1e-4));
    return notYet(
      `at element ${i} you give ${show(got[i])} for x = ${show(xs[i])}, H = ${show(hs[i])}, ` +
        `T = ${show(ts[i])}; the highway output is T·H + (1 − T)·x = ` +
        `${show(ts[i] * hs[i] + (1 - ts[i]) * xs[i])}`,
    );
  });
}

// ---------------------------------------------------------------------------------------------
// Exercise 3: a residual block.

const WIDTH = 6;

/** Non-negative inputs [8, WIDTH] (what a ReLU layer before the block would give). */
function blockInput(): Tensor {
  const rng = new Rng(1213);
  return fromArray(Array.from({ length: 8 * WIDTH }, () => Math.abs(rng.normal())), [8, WIDTH]);
}

/** The largest absolute difference between two tensors of the same shape. */
function maxDifference(a: Tensor, b: Tensor): number {
  return a.sub(b).abs().max().item();
}

/**
 * Grades exercise 3: the block must keep the shape [8, 6], have parameters, compute something
 * other than its input with them, and return its input unchanged once every parameter is zero.
 */
function gradeExercise3(answer: BlockFactory): Verdict {
  if (typeof answer !== "function") {
    return notYet(`exercise 3 takes a function (width) => Module, got ${typeof answer}`);
  }
  return tidy(() => {
    let block: unknown;
    try {
      block = answer(WIDTH);
    } catch (error) {
      return notYet(`building your block of width ${WIDTH} threw: ${messageOf(error)}`);
    }
    if (!(block instanceof Module)) {
      return notYet(`your function returned ${String(block)}, not a Module`);
    }
    if (block.numParameters() === 0) {
      return notYet("your block has no parameters: a residual block learns a branch F(x)");
    }
    const x = blockInput();
    let y: Tensor;
    try {
      y = noGrad(() => block.forward(x));
    } catch (error) {
      return notYet(`your block threw on an input of shape [8, ${WIDTH}]: ${messageOf(error)}`);
    }
    if (y.shape.length !== 2 || y.shape[0] !== 8 || y.shape[1] !== WIDTH) {
      return notYet(
        `your block maps [8, ${WIDTH}] to ${formatShape(y.shape)}; a residual block keeps the ` +
          "width, so that x + F(x) is defined",
      );
    }
    if (maxDifference(y, x) < 1e-6) {
      return notYet(
        "with its initial weights your block returns its input unchanged: it should compute " +
          "x + F(x) with a branch F of layers (e.g. Linear, ReLU, Linear) that starts non-zero",
      );
    }
    noGrad(() => {
      for (const p of block.parameters()) p.assign(zeros(p.shape));
    });
    const zeroed = noGrad(() => block.forward(x));
    const off = maxDifference(zeroed, x);
    if (off > 1e-5) {
      const allZero = zeroed.abs().max().item() < 1e-6;
      return notYet(
        allZero
          ? "with every weight set to zero your block outputs 0, not its input: it has no skip " +
            "connection. Wrap the layers in Residual (x + F(x)), so that the identity is what " +
            "the block computes when F is zero"
          : `with every weight set to zero your block's output differs from its input by up ` +
            `to ${show(off)}; a residual block computes x + F(x) (then perhaps a ReLU), which ` +
            "is x itself when F is zero and x ≥ 0",
      );
    }
    return right(
      "with zero weights your block is the identity, and with its own weights it computes " +
        "something else: a deep stack of such blocks can always do at least as well as a " +
        "shallower one, by driving the extra blocks' branches to zero.",
    );
  });
}

/** The graders: each returns a {@link Verdict} without printing. */
export const grade: {
  readonly exercise1: (answer: InitStd) => Verdict;
  readonly exercise2: (answer: HighwayMix) => Verdict;
  readonly exercise3: (answer: BlockFactory) => Verdict;
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
  readonly exercise1: (answer: InitStd) => void;
  readonly exercise2: (answer: HighwayMix) => void;
  readonly exercise3: (answer: BlockFactory) => void;
} = Object.freeze({
  exercise1: checker(gradeExercise1),
  exercise2: checker(gradeExercise2),
  exercise3: checker(gradeExercise3),
});

/** The solutions, for instructors: run `check.exercise1(solutions.exercise1)`. */
export const solutions: {
  readonly exercise1: InitStd;
  readonly exercise2: HighwayMix;
  readonly exercise3: BlockFactory;
} = Object.freeze({
  exercise1: (fanIn: number) => Math.sqrt(2 / fanIn),
  exercise2: (x: Tensor, h: Tensor, t: Tensor) => t.mul(h).add(t.neg().add(1).mul(x)),
  exercise3: (width: number) =>
    new Sequential(
      new Residual(new Sequential(new Linear(width, width), new ReLU(), new Linear(width, width))),
      new ReLU(),
    ),
});
