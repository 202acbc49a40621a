/**
 * Chapter 1's exercises, The Neural Network: their graders, the notebook checks that print the
 * graders' verdicts, and the solutions.
 *
 * 1. The derivative of softplus, log(1 + eᶻ), as a function of one number. It is checked against
 *    the slope our autodiff finds.
 * 2. Weights for a two-layer network of step neurons that computes XOR.
 *
 * @example
 * ```ts
 * import { chapter01 } from "../lib/exercises/mod.ts";
 * chapter01.check.exercise1((z) => 0); // prints "✗ not yet: at z = …"
 * chapter01.check.exercise1(chapter01.solutions.exercise1); // prints "✓ right: …"
 * ```
 *
 * @module
 */

// The checks run our autodiff, so the CPU backend must be registered even without lib/mod.ts.
import "../backend/mod.ts";
import { grad } from "../autograd/functional.ts";
import { sum } from "../ops/reduce.ts";
import { softplus } from "../ops/unary.ts";
import { fromArray } from "../tensor/creation.ts";
import { tidy } from "../tensor/memory.ts";
import { show } from "./format.ts";
import { checker, notYet, right, type Verdict } from "./verdict.ts";

/** Exercise 1's answer: the derivative of softplus at z. */
export type ScalarFunction = (z: number) => number;

/** A neuron with a step activation: it outputs 1 when weights·x + bias > 0, else 0. */
export interface StepNeuron {
  /** One weight per input. */
  readonly weights: readonly number[];
  /** The bias, added to the weighted sum. */
  readonly bias: number;
}

/** Exercise 2's answer: hidden step neurons over the two inputs, then one output step neuron. */
export interface XorNetwork {
  /** The hidden layer: each neuron takes the two inputs. */
  readonly hidden: readonly StepNeuron[];
  /** The output neuron: it takes the hidden neurons' outputs, one weight per hidden neuron. */
  readonly output: StepNeuron;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** The points exercise 1 is checked at: −6 to 6 in steps of 0.5. */
const POINTS = Array.from({ length: 25 }, (_, i) => -6 + i / 2);

/** Slopes of softplus at {@link POINTS}, by autodiff in float64. */
function softplusSlopes(): number[] {
  return tidy(() => {
    const z = fromArray(POINTS, [POINTS.length], { dtype: "float64" });
    return Array.from(grad((t) => sum(softplus(t)))(z).dataSync());
  });
}

/** Wrong answers worth naming, each with the hint it deserves. */
const MISTAKES: readonly { f: ScalarFunction; hint: string }[] = [
  {
    f: (z) => Math.log1p(Math.exp(z)),
    hint: "your function returns softplus(z) itself; the exercise asks for its slope, " +
      "d/dz log(1 + eᶻ)",
  },
  {
    f: (z) => sigmoid(-z),
    hint: "your function is 1 / (1 + eᶻ), the mirror image of the answer: check the sign of " +
      "the exponent",
  },
  {
    f: (z) => sigmoid(z) * (1 - sigmoid(z)),
    hint: "that is the sigmoid's derivative σ(z)(1 − σ(z)), one derivative too far: softplus " +
      "sits one step above the sigmoid",
  },
  {
    f: (z) => Math.exp(z),
    hint: "eᶻ is the derivative of the inside, 1 + eᶻ, only; the chain rule also divides by it: " +
      "d/dz log(u) = u′ / u",
  },
];

/**
 * Grades exercise 1: `answer(z)` must equal d/dz log(1 + eᶻ) within 1e-6 at z = −6, −5.5, …, 6,
 * where the reference slopes come from autodiff.
 */
function gradeExercise1(answer: ScalarFunction): Verdict {
  if (typeof answer !== "function") {
    return notYet(`exercise 1 takes a function (z: number) => number, got ${typeof answer}`);
  }
  const slopes = softplusSlopes();
  const values: number[] = [];
  for (const z of POINTS) {
    let v: unknown;
    try {
      v = answer(z);
    } catch (error) {
      return notYet(
        `your function threw at z = ${z}: ${error instanceof Error ? error.message : error}`,
      );
    }
    if (typeof v !== "number" || !Number.isFinite(v)) {
      return notYet(`at z = ${z} your function returned ${String(v)}, not a finite number`);
    }
    values.push(v);
  }
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 + 1e-6 * Math.abs(b);
  const wrong = POINTS.map((_, i) => i).filter((i) => !close(values[i], slopes[i]));
  if (wrong.length === 0) {
    return right(
      "softplus′(z) = eᶻ / (1 + eᶻ) = 1 / (1 + e⁻ᶻ) = σ(z). Your function matches the slope " +
        `autodiff finds at all ${POINTS.length} points from −6 to 6: the slope of the smooth ` +
        "ReLU is the sigmoid.",
    );
  }
  const mistake = MISTAKES.find(({ f }) => POINTS.every((z, i) => close(values[i], f(z))));
  if (mistake) return notYet(mistake.hint);
  const worst = wrong.reduce((a, b) =>
    Math.abs(values[b] - slopes[b]) > Math.abs(values[a] - slopes[a]) ? b : a
  );
  return notYet(
    `at z = ${POINTS[worst]} your function gives ${show(values[worst])}, but the slope of ` +
      `softplus there is ${show(slopes[worst])} (${wrong.length} of ${POINTS.length} points ` +
      "differ). Hint: d/dz log(u) = u′ / u, with u = 1 + eᶻ.",
  );
}

/** XOR's truth table, in the order every message lists inputs. */
const INPUTS: readonly (readonly [number, number])[] = [[0, 0], [0, 1], [1, 0], [1, 1]];
const XOR = [0, 1, 1, 0];

/** The name of each two-input boolean function, keyed by its outputs on {@link INPUTS}. */
const NAMES: Readonly<Record<string, string>> = {
  "0000": "never fires",
  "0001": "AND",
  "0010": "x₁ AND NOT x₂",
  "0011": "x₁",
  "0100": "x₂ AND NOT x₁",
  "0101": "x₂",
  "0110": "XOR",
  "0111": "OR",
  "1000": "NOR",
  "1001": "XNOR",
  "1010": "NOT x₂",
  "1011": "x₁ OR NOT x₂",
  "1100": "NOT x₁",
  "1101": "x₂ OR NOT x₁",
  "1110": "NAND",
  "1111": "always fires",
};

/** Why `neuron` is not a step neuron over `inputs` inputs, or null when it is one. */
function neuronProblem(neuron: unknown, inputs: number, where: string): string | null {
  if (typeof neuron !== "object" || neuron === null) {
    return `${where} should be a neuron { weights, bias }, got ${String(neuron)}`;
  }
  const { weights, bias } = neuron as Partial<StepNeuron>;
  if (!Array.isArray(weights) || weights.length !== inputs) {
    return `${where}.weights should hold ${inputs} number${inputs === 1 ? "" : "s"} (one per ` +
      `input), got ${Array.isArray(weights) ? `${weights.length}` : String(weights)}`;
  }
  const bad = weights.findIndex((w) => typeof w !== "number" || !Number.isFinite(w));
  if (bad >= 0) return `${where}.weights[${bad}] is ${String(weights[bad])}, not a finite number`;
  if (typeof bias !== "number" || !Number.isFinite(bias)) {
    return `${where}.bias is ${String(bias)}, not a finite number`;
  }
  return null;
}

/** weights·x + bias. */
function weightedSum(neuron: StepNeuron, x: readonly number[]): number {
  return neuron.weights.reduce((sum, w, i) => sum + w * x[i], neuron.bias);
}

/** Why a weighted sum of exactly 0 on input `x` is not an answer. */
function onThreshold(x: readonly number[], where: string): string {
  return `on input (${x.join(", ")}) the weighted sum of ${where} is exactly 0, on its ` +
    "threshold; shift its bias so that every input lands clearly on one side";
}

/**
 * Grades exercise 2: on each of the four inputs the network's output must be XOR's, and no
 * neuron's weighted sum may sit exactly on its threshold (0), where a rounding error would flip it.
 */
function gradeExercise2(answer: XorNetwork): Verdict {
  if (typeof answer !== "object" || answer === null || !Array.isArray(answer.hidden)) {
    return notYet("exercise 2 takes { hidden: [neuron, …], output: neuron }");
  }
  if (answer.hidden.length === 0) {
    return notYet(
      "the network needs at least one hidden neuron: a single neuron draws one line, and no " +
        "line separates XOR's ones from its zeros",
    );
  }
  const problem = [
    ...answer.hidden.map((n, j) => neuronProblem(n, 2, `hidden[${j}]`)),
    neuronProblem(answer.output, answer.hidden.length, "output"),
  ].find((p) => p !== null);
  if (problem) return notYet(problem);
  const neurons: readonly StepNeuron[] = [...answer.hidden, answer.output];
  if (neurons.every((n) => n.bias === 0 && n.weights.every((w) => w === 0))) {
    return notYet("every weight and bias is still 0: fill in the hidden neurons and the output");
  }
  const hidden: number[][] = [], outputs: number[] = [];
  for (const x of INPUTS) {
    const sums = answer.hidden.map((n) => weightedSum(n, x));
    const tie = sums.findIndex((z) => z === 0);
    if (tie >= 0) return notYet(onThreshold(x, `hidden[${tie}]`));
    const h = sums.map((z) => (z > 0 ? 1 : 0));
    const out = weightedSum(answer.output, h);
    if (out === 0) return notYet(onThreshold(x, "the output neuron"));
    hidden.push(h);
    outputs.push(out > 0 ? 1 : 0);
  }
  const units = answer.hidden.map((_, j) =>
    `hidden[${j}] = ${NAMES[hidden.map((h) => h[j]).join("")]}`
  ).join(", ");
  const wrong = INPUTS.findIndex((_, k) => outputs[k] !== XOR[k]);
  if (wrong >= 0) {
    return notYet(
      `for input (${INPUTS[wrong].join(", ")}) your network outputs ${outputs[wrong]}, but XOR ` +
        `is ${XOR[wrong]}. Your hidden neurons compute ${units}. Hint: XOR fires when exactly ` +
        "one input is on; which two of the functions one neuron can compute tell the output that?",
    );
  }
  return right(
    `your network outputs 0, 1, 1, 0 on (0, 0), (0, 1), (1, 0), (1, 1): XOR. Its hidden neurons ` +
      `compute ${units}; each draws one line, and the output neuron combines the two half-planes.`,
  );
}

/** The graders: each takes an answer and returns a {@link Verdict} without printing. */
export const grade: {
  readonly exercise1: (answer: ScalarFunction) => Verdict;
  readonly exercise2: (answer: XorNetwork) => Verdict;
} = Object.freeze({ exercise1: gradeExercise1, exercise2: gradeExercise2 });

/**
 * The notebook's checks: each prints `✓ right: …` or `✗ not yet: …` with the reason, and never
 * throws, so the notebook runs on with a wrong answer.
 */
export const check: {
  readonly exercise1: (answer: ScalarFunction) => void;
  readonly exercise2: (answer: XorNetwork) => void;
} = Object.freeze({ exercise1: checker(gradeExercise1), exercise2: checker(gradeExercise2) });

/** The solutions, for instructors: run `check.exercise1(solutions.exercise1)`. */
export const solutions: {
  readonly exercise1: ScalarFunction;
  readonly exercise2: XorNetwork;
} = Object.freeze({
  // softplus′(z) = eᶻ / (1 + eᶻ) = σ(z); this form never overflows for large negative z either.
  exercise1: (z: number) => 1 / (1 + Math.exp(-z)),
  // OR and AND in the hidden layer; the output fires for OR but not AND.
  exercise2: {
    hidden: [{ weights: [1, 1], bias: -0.5 }, { weights: [1, 1], bias: -1.5 }],
    output: { weights: [1, -1], bias: -0.5 },
  },
});
