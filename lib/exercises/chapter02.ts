/**
 * Chapter 2's exercises, Training Feed-Forward Networks: their graders, the notebook checks that
 * print the graders' verdicts, and the solutions.
 *
 * 1. The gradient of the squared error of a tanh neuron on one example, as a function of numbers.
 *    It is checked against autodiff in float64 on a dozen random examples.
 * 2. Backpropagation by hand for a two-layer ReLU network without biases: the gradients of the mean
 *    cross-entropy with respect to both weight matrices, as tensors. They are checked against
 *    autodiff on two random batches.
 *
 * @example
 * ```ts
 * import { chapter02 } from "../lib/exercises/mod.ts";
 * chapter02.check.exercise1((x, t, w) => w.map(() => 0)); // prints "✗ not yet: …"
 * chapter02.check.exercise2(chapter02.solutions.exercise2); // prints "✓ right: …"
 * ```
 *
 * @module
 */

// The checks run our autodiff, so the CPU backend and the tensor methods must be registered even
// without lib/mod.ts.
import "../backend/mod.ts";
import "../ops/methods.ts";
import { grads } from "../autograd/functional.ts";
import { noGrad } from "../autograd/graph.ts";
import { mul, sub } from "../ops/arithmetic.ts";
import { oneHot } from "../ops/gather.ts";
import { crossEntropy } from "../ops/loss.ts";
import { matmul } from "../ops/matmul.ts";
import { sum } from "../ops/reduce.ts";
import { relu, square, tanh } from "../ops/unary.ts";
import { fromArray, scalar } from "../tensor/creation.ts";
import { isFloat } from "../tensor/dtype.ts";
import { tidy } from "../tensor/memory.ts";
import { Rng } from "../tensor/random.ts";
import { formatShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { messageOf, show, showList } from "./format.ts";
import { checker, notYet, right, type Verdict } from "./verdict.ts";

/**
 * Exercise 1's answer: for a tanh neuron y = tanh(w·x) with error E = ½(t − y)² on one example,
 * the gradient [∂E/∂w₁, …, ∂E/∂wₙ].
 */
export type TanhNeuronGradient = (x: number[], t: number, w: number[]) => number[];

/** Exercise 2's answer's result: the gradients of the loss with respect to W₁ and W₂. */
export interface ReluGradients {
  /** ∂L/∂W₁, of W₁'s shape [inputs, hidden]. */
  readonly dW1: Tensor;
  /** ∂L/∂W₂, of W₂'s shape [hidden, classes]. */
  readonly dW2: Tensor;
}

/**
 * Exercise 2's answer: given inputs x [N, inputs], int32 labels y [N] and the weights w1
 * [inputs, hidden] and w2 [hidden, classes], the gradients of
 * `crossEntropy(x.matmul(w1).relu().matmul(w2), y)`.
 */
export type ReluBackprop = (x: Tensor, y: Tensor, w1: Tensor, w2: Tensor) => ReluGradients;

// ---------------------------------------------------------------------------------------------
// Exercise 1: the tanh neuron.

/** One example of exercise 1: inputs, target and weights. */
interface NeuronCase {
  readonly x: number[];
  readonly t: number;
  readonly w: number[];
}

/** Twelve fixed random examples with three inputs, from a private generator. */
const NEURON_CASES: readonly NeuronCase[] = (() => {
  const rng = new Rng(2002);
  return Array.from({ length: 12 }, () => ({
    x: [rng.normal(), rng.normal(), rng.normal()],
    t: 2 * rng.uniform() - 1,
    w: [0.7 * rng.normal(), 0.7 * rng.normal(), 0.7 * rng.normal()],
  }));
})();

/** ∂E/∂w for every case, by autodiff in float64. */
function tanhGradients(): number[][] {
  return NEURON_CASES.map(({ x, t, w }) =>
    tidy(() => {
      const xs = fromArray(x, [x.length], { dtype: "float64" });
      const error = (wt: Tensor) =>
        mul(square(sub(scalar(t, { dtype: "float64" }), tanh(sum(mul(xs, wt))))), 0.5);
      const [g] = grads(error)(fromArray(w, [w.length], { dtype: "float64" }));
      return Array.from(g.dataSync());
    })
  );
}

const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, v, i) => s + v * b[i], 0);

/** Wrong answers worth naming, each with the hint it deserves. */
const NEURON_MISTAKES: readonly { f: TanhNeuronGradient; hint: string }[] = [
  {
    f: (x, t, w) => x.map((xk) => -(t - Math.tanh(dot(w, x))) * xk),
    hint: "your gradient is −(t − y)·x, the linear neuron's: the chain rule also passes through " +
      "tanh, so multiply by its derivative dy/dz",
  },
  {
    f: (x, t, w) => {
      const y = Math.tanh(dot(w, x));
      return x.map((xk) => -(t - y) * y * (1 - y) * xk);
    },
    hint: "you multiplied by y(1 − y), the sigmoid's derivative; tanh's derivative is different " +
      "(chapter 1's table has it)",
  },
  {
    f: (x, t, w) => {
      const y = Math.tanh(dot(w, x));
      return x.map((xk) => (t - y) * (1 - y * y) * xk);
    },
    hint: "your gradient has the wrong sign: (t − y)(1 − y²)x is the step the delta rule takes, " +
      "−∂E/∂w; the gradient of E = ½(t − y)² carries a minus sign from the inner derivative of " +
      "(t − y)",
  },
  {
    f: (x, t, w) => {
      const y = Math.tanh(dot(w, x));
      return x.map((xk) => -(t - y) * (1 - y) * xk);
    },
    hint: "tanh's derivative is 1 − y², not 1 − y: d/dz tanh(z) = 1 − tanh²(z)",
  },
  {
    f: (x, t, w) => {
      const z = dot(w, x);
      return x.map((xk) => -(t - Math.tanh(z)) * (1 - z * z) * xk);
    },
    hint: "you used 1 − z²; tanh's derivative is 1 − tanh²(z) = 1 − y², with y = tanh(z), not z",
  },
  {
    f: (x, t, w) => {
      const y = Math.tanh(dot(w, x));
      return x.map(() => -(t - y) * (1 - y * y));
    },
    hint: "every component of your gradient is the same: that is ∂E/∂z, and the last link of the " +
      "chain, ∂z/∂w_k = x_k, is missing",
  },
];

/** Why `values` is not n finite numbers, or null when it is. */
function listProblem(values: unknown, n: number): string | null {
  const list = ArrayBuffer.isView(values) ? Array.from(values as Float64Array) : values;
  if (!Array.isArray(list)) {
    return `your function returned ${String(values)}; it should return an array of ${n} numbers, ` +
      "one ∂E/∂w_k per weight";
  }
  if (list.length !== n) {
    return `your function returned ${list.length} number${list.length === 1 ? "" : "s"} for ` +
      `${n} weights; it should return one ∂E/∂w_k per weight`;
  }
  const bad = list.findIndex((v) => typeof v !== "number" || !Number.isFinite(v));
  return bad < 0 ? null : `component ${bad} of your gradient is ${String(list[bad])}, not a ` +
    "finite number";
}

/**
 * Grades exercise 1: on each of twelve random examples the answer must equal autodiff's
 * ∂E/∂w within 1e-6 (absolute plus relative), for E = ½(t − tanh(w·x))².
 */
function gradeExercise1(answer: TanhNeuronGradient): Verdict {
  if (typeof answer !== "function") {
    return notYet(
      `exercise 1 takes a function (x, t, w) => number[], got ${typeof answer}`,
    );
  }
  const answers: number[][] = [];
  for (const [i, { x, t, w }] of NEURON_CASES.entries()) {
    let value: unknown;
    try {
      value = answer([...x], t, [...w]);
    } catch (error) {
      return notYet(`your function threw on example ${i + 1}: ${messageOf(error)}`);
    }
    const problem = listProblem(value, w.length);
    if (problem) return notYet(problem);
    answers.push(Array.from(value as ArrayLike<number>));
  }
  const expected = tanhGradients();
  const close = (a: readonly number[], b: readonly number[]) =>
    a.every((v, k) => Math.abs(v - b[k]) <= 1e-6 + 1e-6 * Math.abs(b[k]));
  const wrong = expected.map((_, i) => i).filter((i) => !close(answers[i], expected[i]));
  if (wrong.length === 0) {
    return right(
      "∂E/∂w_k = −(t − y)(1 − y²)·x_k with y = tanh(w·x). Your gradient matches autodiff's on " +
        `all ${NEURON_CASES.length} random examples: the error signal (t − y), times the ` +
        "slope of tanh, times the input.",
    );
  }
  if (answers.every((a) => a.every((v) => v === 0))) {
    return notYet(
      "your function returns zeros, the placeholder. Start from the chain rule: " +
        "∂E/∂w_k = ∂E/∂y · dy/dz · ∂z/∂w_k",
    );
  }
  const mistake = NEURON_MISTAKES.find(({ f }) =>
    NEURON_CASES.every(({ x, t, w }, i) => close(answers[i], f([...x], t, [...w])))
  );
  if (mistake) return notYet(mistake.hint);
  const i = wrong[0];
  const { x, t, w } = NEURON_CASES[i];
  return notYet(
    `for x = ${showList(x)}, t = ${show(t)}, w = ${showList(w)} your gradient is ` +
      `${showList(answers[i])}, but autodiff finds ${showList(expected[i])} (${wrong.length} ` +
      `of ${NEURON_CASES.length} examples differ). Hint: ∂E/∂w_k = ∂E/∂y · dy/dz · ∂z/∂w_k.`,
  );
}

// ---------------------------------------------------------------------------------------------
// Exercise 2: backpropagation through a ReLU layer.

/** The sizes of one batch of exercise 2. */
interface BatchSize {
  readonly n: number;
  readonly inputs: number;
  readonly hidden: number;
  readonly classes: number;
}

/** Two batches of different sizes, so that no size can be hard-coded. */
const BATCHES: readonly BatchSize[] = [
  { n: 6, inputs: 4, hidden: 5, classes: 3 },
  { n: 9, inputs: 3, hidden: 7, classes: 4 },
];

/** One batch's tensors, drawn from a private generator (float32, as the notebook's). */
function makeBatch({ n, inputs, hidden, classes }: BatchSize, seed: number) {
  const rng = new Rng(seed);
  const draw = (count: number) => Array.from({ length: count }, () => rng.normal());
  return {
    x: fromArray(draw(n * inputs), [n, inputs]),
    y: fromArray(Int32Array.from({ length: n }, (_, i) => i % classes), [n], { dtype: "int32" }),
    w1: fromArray(draw(inputs * hidden), [inputs, hidden]),
    w2: fromArray(draw(hidden * classes), [hidden, classes]),
  };
}

/** ‖a − b‖ / ‖b‖ on the host, in float64. */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0, norm = 0;
  for (let i = 0; i < b.length; i++) {
    diff += (a[i] - b[i]) ** 2;
    norm += b[i] ** 2;
  }
  return Math.sqrt(diff) / Math.sqrt(norm);
}

/** What one batch showed: the answer's gradients and the reference ones, on the host. */
interface BatchResult {
  readonly answer: { readonly dW1: Float32Array; readonly dW2: Float32Array };
  readonly reference: { readonly dW1: Float32Array; readonly dW2: Float32Array };
  /** Gradients that typical mistakes give, for naming them. */
  readonly mistakes: Readonly<Record<string, { dW1?: Float32Array; dW2?: Float32Array }>>;
}

/** Runs the answer on one batch; returns what it gave, or why it cannot be compared. */
function runBatch(answer: ReluBackprop, size: BatchSize, seed: number): BatchResult | string {
  return tidy(() => {
    const { x, y, w1, w2 } = makeBatch(size, seed);
    const host = (t: Tensor) => Float32Array.from(t.dataSync());
    const loss = (a: Tensor, b: Tensor) => crossEntropy(matmul(relu(matmul(x, a)), b), y);
    const [r1, r2] = grads(loss)(w1, w2);
    let result: unknown;
    try {
      result = answer(x, y, w1, w2);
    } catch (error) {
      return `your function threw on a batch of ${size.n} examples: ${messageOf(error)}`;
    }
    if (typeof result !== "object" || result === null) {
      return `your function returned ${String(result)}; it should return { dW1, dW2 }`;
    }
    const got = result as Partial<Record<"dW1" | "dW2", unknown>>;
    for (const [key, weight] of [["dW1", w1], ["dW2", w2]] as const) {
      const g = got[key];
      if (!(g instanceof Tensor)) {
        return `${key} should be a Tensor of shape ${formatShape(weight.shape)}, got ${String(g)}`;
      }
      if (g.isDisposed) return `${key} was disposed before the check could read it`;
      if (formatShape(g.shape) !== formatShape(weight.shape)) {
        const transposed = [...weight.shape].reverse();
        return `${key} has shape ${formatShape(g.shape)}, but ${key.slice(1)} has shape ` +
          `${formatShape(weight.shape)}` +
          (formatShape(g.shape) === formatShape(transposed)
            ? ": a transpose is the wrong way round (∂L/∂W for Z = A·W is Aᵀ·∂L/∂Z)"
            : ": a gradient has the shape of what it differentiates");
      }
      if (!isFloat(g.dtype)) return `${key} is ${g.dtype}; gradients are float tensors`;
    }
    const dW1 = host(got.dW1 as Tensor), dW2 = host(got.dW2 as Tensor);
    const bad = [...dW1, ...dW2].findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) return "your gradients hold a value that is not a finite number";
    // The mistakes, computed the right way round but with one step wrong.
    const mistakes = noGrad(() => {
      const pre = matmul(x, w1), h = relu(pre);
      const p = matmul(h, w2).softmax();
      const dZ2 = p.sub(oneHot(y, size.classes)).div(size.n);
      const back = dZ2.matmul(w2.transpose());
      const xt = x.transpose();
      return {
        "no ReLU derivative": { dW1: host(xt.matmul(back)) },
        "sigmoid derivative": { dW1: host(xt.matmul(back.mul(h.mul(sub(1, h))))) },
        "ReLU itself as derivative": { dW1: host(xt.matmul(back.mul(h))) },
        "pre-activation in dW2": { dW2: host(pre.transpose().matmul(dZ2)) },
        "no one-hot subtracted": {
          dW1: host(xt.matmul(p.div(size.n).matmul(w2.transpose()).mul(h.greater(0)))),
          dW2: host(h.transpose().matmul(p.div(size.n))),
        },
        "not divided by N": { dW1: host(r1.mul(size.n)), dW2: host(r2.mul(size.n)) },
        "sign flipped": { dW1: host(r1.neg()), dW2: host(r2.neg()) },
      };
    });
    return { answer: { dW1, dW2 }, reference: { dW1: host(r1), dW2: host(r2) }, mistakes };
  });
}

/** The relative error within which a gradient counts as autodiff's. */
const TOLERANCE = 1e-4;

/** What each named mistake means, as a hint. */
const RELU_HINTS: Readonly<Record<string, string>> = {
  "no ReLU derivative": "your dW1 treats the hidden layer as linear: step 4 must multiply " +
    "∂L/∂H by ReLU's derivative, 1 where the unit is active and 0 where it is not",
  "sigmoid derivative": "your dW1 multiplies by h(1 − h), the sigmoid's derivative; ReLU's " +
    "derivative is 1 where h > 0 and 0 elsewhere",
  "ReLU itself as derivative": "your dW1 multiplies ∂L/∂H by h itself; ReLU's derivative is " +
    "not its value but 1 where h > 0 and 0 elsewhere: h.greater(0)",
  "pre-activation in dW2": "your dW2 uses X·W₁ before the ReLU; the second layer sees H = " +
    "relu(X·W₁), so ∂L/∂W₂ = Hᵀ·∂L/∂Z₂",
  "no one-hot subtracted": "your dW2 uses P / N as ∂L/∂Z₂; the derivative of softmax with " +
    "cross-entropy is (P − Y) / N, with Y the one-hot labels (oneHot(y, classes))",
  "not divided by N": "your gradients are N times too large: the loss is the mean over the " +
    "batch, so ∂L/∂Z₂ = (P − Y) / N",
  "sign flipped": "your gradients have the wrong sign: ∂L/∂Z₂ = P − Y (prediction minus truth, " +
    "over N), not Y − P",
};

/**
 * Grades exercise 2: on two random batches, dW1 and dW2 must match autodiff's gradients of the
 * mean cross-entropy within a relative error of 1e-4.
 */
function gradeExercise2(answer: ReluBackprop): Verdict {
  if (typeof answer !== "function") {
    return notYet(
      `exercise 2 takes a function (x, y, w1, w2) => { dW1, dW2 }, got ${typeof answer}`,
    );
  }
  const results: BatchResult[] = [];
  for (const [i, size] of BATCHES.entries()) {
    let result: BatchResult | string;
    try {
      result = runBatch(answer, size, 700 + i);
    } catch (error) {
      result = `checking your gradients failed: ${messageOf(error)}`;
    }
    if (typeof result === "string") return notYet(result);
    results.push(result);
  }
  const errors = results.map((r) => ({
    dW1: relativeError(r.answer.dW1, r.reference.dW1),
    dW2: relativeError(r.answer.dW2, r.reference.dW2),
  }));
  const worst = (key: "dW1" | "dW2") => Math.max(...errors.map((e) => e[key]));
  if (worst("dW1") <= TOLERANCE && worst("dW2") <= TOLERANCE) {
    return right(
      "dW2 = Hᵀ·(P − Y)/N and dW1 = Xᵀ·[((P − Y)/N)·W₂ᵀ ⊙ (H > 0)]. Your gradients match " +
        `autodiff's on both random batches (largest relative error ` +
        `${Math.max(worst("dW1"), worst("dW2")).toExponential(1)}): ReLU passes the gradient ` +
        "unchanged through active units and blocks it at the others.",
    );
  }
  if (results.every((r) => [...r.answer.dW1, ...r.answer.dW2].every((v) => v === 0))) {
    return notYet(
      "your gradients are all zeros, the placeholder. Follow section 2.5's steps: ∂L/∂Z₂ = " +
        "(P − Y)/N first, then dW2, then back through W₂ and the ReLU to dW1",
    );
  }
  const matches = (key: "dW1" | "dW2", name: string) =>
    results.every((r) => {
      const m = r.mistakes[name][key];
      return m !== undefined && relativeError(r.answer[key], m) <= TOLERANCE;
    });
  const named = Object.keys(RELU_HINTS).find((name) => {
    const m = results[0].mistakes[name];
    const keys = (["dW1", "dW2"] as const).filter((k) => m[k] !== undefined);
    // The mistake must explain every gradient it touches, and the others must be right.
    return keys.every((k) => matches(k, name)) &&
      (["dW1", "dW2"] as const).filter((k) => !keys.includes(k)).every((k) =>
        worst(k) <= TOLERANCE
      );
  });
  if (named) return notYet(RELU_HINTS[named]);
  if (worst("dW2") > TOLERANCE) {
    return notYet(
      `dW2 differs from autodiff's (relative error ${show(worst("dW2"))}). Check steps 1 and ` +
        "2: ∂L/∂Z₂ = (P − Y)/N with P = softmax(H·W₂), and dW2 = Hᵀ·∂L/∂Z₂",
    );
  }
  return notYet(
    `dW2 is right, but dW1 differs from autodiff's (relative error ${show(worst("dW1"))}). ` +
      "Check steps 3 to 5: ∂L/∂H = ∂L/∂Z₂·W₂ᵀ, then ReLU's derivative, then dW1 = Xᵀ·∂L/∂Z₁",
  );
}

/** The graders: each takes an answer and returns a {@link Verdict} without printing. */
export const grade: {
  readonly exercise1: (answer: TanhNeuronGradient) => Verdict;
  readonly exercise2: (answer: ReluBackprop) => Verdict;
} = Object.freeze({ exercise1: gradeExercise1, exercise2: gradeExercise2 });

/**
 * The notebook's checks: each prints `✓ right: …` or `✗ not yet: …` with the reason, and never
 * throws, so the notebook runs on with a wrong answer.
 */
export const check: {
  readonly exercise1: (answer: TanhNeuronGradient) => void;
  readonly exercise2: (answer: ReluBackprop) => void;
} = Object.freeze({ exercise1: checker(gradeExercise1), exercise2: checker(gradeExercise2) });

/** The solutions, for instructors: run `check.exercise1(solutions.exercise1)`. */
export const solutions: {
  readonly exercise1: TanhNeuronGradient;
  readonly exercise2: ReluBackprop;
} = Object.freeze({
  // E = ½(t − y)², y = tanh(z), z = w·x: ∂E/∂w_k = −(t − y)·(1 − y²)·x_k.
  exercise1: (x: number[], t: number, w: number[]) => {
    const y = Math.tanh(x.reduce((s, xk, k) => s + xk * w[k], 0));
    return x.map((xk) => -(t - y) * (1 - y * y) * xk);
  },
  // Section 2.5's steps with ReLU's derivative, 1 where h > 0, in step 4.
  exercise2: (x: Tensor, y: Tensor, w1: Tensor, w2: Tensor) => {
    const h = x.matmul(w1).relu();
    const p = h.matmul(w2).softmax();
    const dZ2 = p.sub(oneHot(y, w2.shape[1])).div(x.shape[0]); // (P − Y) / N
    const dZ1 = dZ2.matmul(w2.transpose()).mul(h.greater(0));
    return { dW1: x.transpose().matmul(dZ1), dW2: h.transpose().matmul(dZ2) };
  },
});
