/**
 * Chapter 3's exercises, Implementing Neural Networks: their graders, the notebook checks that
 * print the graders' verdicts, and the solutions.
 *
 * 1. The `loss` of the chapter's four functions written by hand: the mean cross-entropy of logits
 *    against class labels, stable for large logits. It is checked against the exact value on two
 *    batches, one of them with logits large enough to overflow a naive softmax.
 * 2. A Siamese distance module: one encoder shared by both images of a pair (variable sharing,
 *    section 3.6), returning the squared distance between the two encodings.
 *
 * @example
 * ```ts
 * import { chapter03 } from "../lib/exercises/mod.ts";
 * chapter03.check.exercise1((logits, labels) => logits.mean()); // prints "✗ not yet: …"
 * chapter03.check.exercise1(chapter03.solutions.exercise1); // prints "✓ right: …"
 * ```
 *
 * @module
 */

// The checks run tensor ops and call tensor methods, so the ops (which attach the methods) and
// the CPU backend must be loaded even without lib/mod.ts.
import "../backend/mod.ts";
import "../ops/mod.ts";
import { noGrad } from "../autograd/graph.ts";
import { oneHot } from "../ops/gather.ts";
import { logSoftmax } from "../ops/softmax.ts";
import { Linear } from "../nn/linear.ts";
import { Module } from "../nn/module.ts";
import { fromArray } from "../tensor/creation.ts";
import { tidy } from "../tensor/memory.ts";
import { Rng } from "../tensor/random.ts";
import { formatShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { messageOf, show } from "./format.ts";
import { checker, notYet, right, type Verdict } from "./verdict.ts";

/** Exercise 1's answer: logits [N, C] and int32 labels [N] to the mean cross-entropy, shape []. */
export type LossFunction = (logits: Tensor, labels: Tensor) => Tensor;

/** Exercise 2's answer: a function that builds the Siamese module. */
export type ModuleFactory = () => Module;

/** Whether `a` equals `b` to float32 precision. */
function close(a: number, b: number, rtol = 1e-4): boolean {
  return Math.abs(a - b) <= 1e-5 + rtol * Math.abs(b);
}

// ---------------------------------------------------------------------------------------------
// Exercise 1: cross-entropy by hand.

/** One batch of exercise 1: logits as rows of numbers, and a label per row. */
interface LossCase {
  readonly name: string;
  readonly logits: number[][];
  readonly labels: number[];
}

const CLASSES = 10;

/**
 * The two batches: ordinary logits, and logits so large (and a true class so far below the top)
 * that softmax's probability of the true class underflows to 0 in float32.
 */
function lossCases(): LossCase[] {
  const rng = new Rng(303);
  const batch = (n: number, scale: number) =>
    Array.from({ length: n }, () => Array.from({ length: CLASSES }, () => scale * rng.normal()));
  const labels = (n: number) =>
    Array.from({ length: n }, () => Math.floor(rng.uniform() * CLASSES));
  const large = batch(6, 50);
  const largeLabels = labels(6);
  // Row 0's true class sits 200 below its largest logit: e^-200 is 0 in float32.
  large[0][largeLabels[0]] = Math.max(...large[0]) - 200;
  return [
    { name: "a batch of 8 with ordinary logits", logits: batch(8, 2), labels: labels(8) },
    { name: "a batch of 6 with large logits", logits: large, labels: largeLabels },
  ];
}

/** log softmax of one row, in float64. */
function logSoftmaxRow(row: readonly number[]): number[] {
  const top = Math.max(...row);
  const logSum = Math.log(row.reduce((s, z) => s + Math.exp(z - top), 0));
  return row.map((z) => z - top - logSum);
}

/** The right value of a batch, and the values of the usual mistakes, with their hints. */
function lossValues(c: LossCase): { right: number; mistakes: { value: number; hint: string }[] } {
  const logP = c.logits.map(logSoftmaxRow);
  const n = c.labels.length;
  const mean = (f: (row: number[], i: number) => number) =>
    logP.reduce((s, row, i) => s + f(row, i), 0) / n;
  const value = -mean((row, i) => row[c.labels[i]]);
  return {
    right: value,
    mistakes: [
      {
        value: value * n,
        hint: "your loss is the sum over the batch; take the mean, so that the loss (and the " +
          "learning rate that suits it) does not depend on the batch size",
      },
      {
        value: -value,
        hint: "your loss is the negative of the cross-entropy: log probabilities are ≤ 0, so " +
          "the loss is minus their mean",
      },
      {
        value: value / CLASSES,
        hint: "your loss is the cross-entropy divided by the number of classes: you took the " +
          "mean over all N × C entries of (log p) × one-hot. Sum over the classes first " +
          "(sum(-1)), then take the mean over the batch",
      },
      {
        value: -mean((row) => row.reduce((s, v) => s + v, 0)),
        hint: "your loss adds up the log probabilities of all classes; the cross-entropy takes " +
          "only the true class's, log p(yᵢ | xᵢ): multiply by oneHot(labels, C) and sum over " +
          "the classes",
      },
      {
        value: -mean((row, i) => Math.exp(row[c.labels[i]])),
        hint: "your loss averages the probabilities of the true classes; the cross-entropy " +
          "averages their logarithms, −log p(yᵢ | xᵢ)",
      },
    ],
  };
}

/** The answer's value on one batch, or why there is none. */
function lossOf(answer: LossFunction, c: LossCase): number | string {
  return tidy(() => {
    const logits = fromArray(c.logits.flat(), [c.labels.length, CLASSES]);
    const labels = fromArray(Int32Array.from(c.labels), [c.labels.length], { dtype: "int32" });
    let out: unknown;
    try {
      out = noGrad(() => answer(logits, labels));
    } catch (error) {
      return `your function threw on ${c.name}: ${messageOf(error)}`;
    }
    if (!(out instanceof Tensor)) {
      return `your function returned ${out === null ? "null" : typeof out}, not a tensor`;
    }
    if (out.size !== 1) {
      const perExample = out.rank === 1 && out.shape[0] === c.labels.length;
      return `your function returned a tensor of shape ${formatShape(out.shape)}, not one ` +
        (perExample
          ? "number: that is one loss per example; take their mean"
          : "number: the loss is a single number, the mean over the batch");
    }
    if (out.dtype === "int32") return "your loss is an int32 tensor; it must be a float tensor";
    return out.dataSync()[0];
  });
}

/**
 * Grades exercise 1: on an ordinary batch and on one with large logits, `answer(logits, labels)`
 * must give one number equal to the mean cross-entropy within float32 precision.
 */
function gradeExercise1(answer: LossFunction): Verdict {
  if (typeof answer !== "function") {
    return notYet(`exercise 1 takes a function (logits, labels) => loss, got ${typeof answer}`);
  }
  const [ordinary, large] = lossCases();
  const got = lossOf(answer, ordinary);
  if (typeof got === "string") return notYet(got);
  const want = lossValues(ordinary);
  if (!close(got, want.right)) {
    const mistake = want.mistakes.find((m) => close(got, m.value));
    if (mistake) return notYet(mistake.hint);
    return notYet(
      `on ${ordinary.name} your loss is ${show(got)}, but the mean cross-entropy is ` +
        `${show(want.right)}. It is −(1/N) Σᵢ log softmax(zᵢ)[yᵢ]: logSoftmax of the logits, ` +
        "the entry of each row's true class, minus their mean.",
    );
  }
  const gotLarge = lossOf(answer, large);
  if (typeof gotLarge === "string") return notYet(gotLarge);
  const wantLarge = lossValues(large).right;
  if (!Number.isFinite(gotLarge)) {
    return notYet(
      `right on ordinary logits, but on ${large.name} your loss is ${gotLarge}: one true ` +
        "class's probability underflows to 0 in float32, and log 0 = −∞. Compute " +
        "log softmax in one step, logSoftmax(z) = z − max(z) − log Σ exp(z − max(z)), instead of " +
        "taking the log of softmax(z)",
    );
  }
  if (!close(gotLarge, wantLarge)) {
    return notYet(
      `right on ordinary logits, but on ${large.name} your loss is ${show(gotLarge)} instead of ` +
        `${show(wantLarge)}: something loses precision when the logits are large; use logSoftmax`,
    );
  }
  return right(
    `your loss equals the mean cross-entropy on ordinary logits (${show(want.right)}) and stays ` +
      `exact on large ones (${show(wantLarge)}), where log(softmax(z)) would give infinity. That ` +
      "is why frameworks fuse the softmax into the loss (crossEntropy here, " +
      "softmax_cross_entropy_with_logits in TensorFlow).",
  );
}

// ---------------------------------------------------------------------------------------------
// Exercise 2: a Siamese distance with one shared encoder.

const PIXELS = 784, CODE = 32, PAIRS = 5;

/** What the checks need of a module: its named parameters and a forward pass. */
function isModuleLike(m: unknown): m is Module {
  return typeof m === "object" && m !== null &&
    typeof (m as Module).forward === "function" &&
    typeof (m as Module).namedParameters === "function";
}

/** `x` [N, 784] times `w` [784, 32] plus `b`, through a ReLU if `relu`, in float64. */
function encode(
  x: Float32Array,
  row: number,
  offset: number,
  w: Float32Array,
  b: Float32Array,
  relu: boolean,
): number[] {
  return Array.from({ length: CODE }, (_, j) => {
    let z = b[j];
    for (let i = 0; i < PIXELS; i++) z += x[row * 2 * PIXELS + offset + i] * w[i * CODE + j];
    return relu ? Math.max(0, z) : z;
  });
}

/**
 * Grades exercise 2: the module must hold exactly one [784, 32] weight (the shared encoder), and
 * its forward pass on pairs [N, 1568] must return, per pair, the squared distance between the
 * ReLU encodings of the two images, shape [N].
 */
function gradeExercise2(answer: ModuleFactory): Verdict {
  if (typeof answer !== "function") {
    return notYet(`exercise 2 takes a function that builds your module, got ${typeof answer}`);
  }
  let model: unknown;
  try {
    model = answer();
  } catch (error) {
    return notYet(`building your module threw: ${messageOf(error)}`);
  }
  if (!isModuleLike(model)) {
    return notYet("the function should return a module (an instance of a class extending Module)");
  }
  const params = model.namedParameters();
  const encoders = params.filter(([, p]) => p.rank === 2 && p.shape[0] === PIXELS);
  if (encoders.length === 0) {
    const listed = params.length === 0
      ? "none"
      : params.map(([n, p]) => `${n} ${formatShape(p.shape)}`).join(", ");
    return notYet(
      `your module has no [784, 32] weight among its parameters (it has: ${listed}). Create ` +
        'the encoder with registerModule("encoder", new Linear(784, 32)), so that its weights ' +
        "are the module's parameters and an optimizer would train them",
    );
  }
  if (encoders.length > 1) {
    return notYet(
      `your module has ${encoders.length} separate encoder weights ` +
        `(${encoders.map(([n]) => n).join(", ")}): each image of a pair is encoded by its own ` +
        "layer, so nothing is shared and the two encodings are not comparable. Register one " +
        "Linear(784, 32) and call it on both halves",
    );
  }
  const [weightName, weight] = encoders[0];
  if (weight.shape[1] !== CODE) {
    return notYet(`the encoder ${weightName} is ${formatShape(weight.shape)}; make it [784, 32]`);
  }
  const biasName = weightName.replace(/weight$/, "bias");
  const bias = params.find(([n]) => n === biasName)?.[1];
  const rng = new Rng(3);
  const pixels = Float32Array.from({ length: PAIRS * 2 * PIXELS }, () => rng.uniform());
  return tidy(() => {
    const x = fromArray(pixels, [PAIRS, 2 * PIXELS]);
    let out: unknown;
    try {
      out = noGrad(() => model.forward(x));
    } catch (error) {
      return notYet(`your forward pass threw on pairs [5, 1568]: ${messageOf(error)}`);
    }
    if (!(out instanceof Tensor)) return notYet("forward should return a tensor");
    if (out.rank === 2 && out.shape[0] === PAIRS && out.shape[1] === CODE) {
      return notYet(
        "forward returns [N, 32], the squared differences per coordinate: sum them over the " +
          "last axis for one distance per pair, shape [N]",
      );
    }
    if (out.rank !== 1 || out.shape[0] !== PAIRS) {
      return notYet(
        `forward returns shape ${formatShape(out.shape)} for 5 pairs; it should return one ` +
          "number per pair, shape [5]",
      );
    }
    const got = Array.from(out.dataSync());
    const w = weight.dataSync() as Float32Array;
    const b = bias ? bias.dataSync() as Float32Array : new Float32Array(CODE);
    const distances = (relu: boolean) =>
      Array.from({ length: PAIRS }, (_, r) => {
        const first = encode(pixels, r, 0, w, b, relu);
        const second = encode(pixels, r, PIXELS, w, b, relu);
        return first.reduce((s, v, j) => s + (v - second[j]) ** 2, 0);
      });
    const want = distances(true);
    const matches = (values: number[]) => values.every((v, i) => close(got[i], v, 1e-3));
    if (matches(want)) {
      return right(
        `one encoder (${weightName}) encodes both images of every pair, and the squared ` +
          `distances match (the first pair's is ${show(want[0])}). Training it would update one ` +
          "set of weights from both images: the weights are shared, as tf.variable_scope with " +
          "reuse shared them in TensorFlow 1.",
      );
    }
    if (got.every((v) => v === 0)) {
      return notYet(
        "every distance is 0: the two encodings are the same, so both slices probably take the " +
          "same image. The first image is x.slice([0, 0], [-1, 784]), the second " +
          "x.slice([0, 784], [-1, 784])",
      );
    }
    if (matches(want.map(Math.sqrt))) {
      return notYet("you return the distance; the exercise asks for its square (drop the sqrt)");
    }
    if (matches(distances(false))) {
      return notYet("apply the ReLU to each encoding before comparing them");
    }
    return notYet(
      `for the first pair your module gives ${show(got[0])}, but the squared distance between ` +
        `relu(x₁W + b) and relu(x₂W + b), with your encoder's weights, is ${show(want[0])}`,
    );
  });
}

/** The solution of exercise 2: one registered encoder, called on both halves. */
class SiameseDistance extends Module {
  readonly encoder: Linear = this.registerModule("encoder", new Linear(PIXELS, CODE));

  forward(x: Tensor): Tensor {
    const first = this.encoder.forward(x.slice([0, 0], [-1, PIXELS])).relu();
    const second = this.encoder.forward(x.slice([0, PIXELS], [-1, PIXELS])).relu();
    return first.sub(second).square().sum(-1);
  }
}

/** The graders: each takes an answer and returns a {@link Verdict} without printing. */
export const grade: {
  readonly exercise1: (answer: LossFunction) => Verdict;
  readonly exercise2: (answer: ModuleFactory) => Verdict;
} = Object.freeze({ exercise1: gradeExercise1, exercise2: gradeExercise2 });

/**
 * The notebook's checks: each prints `✓ right: …` or `✗ not yet: …` with the reason, and never
 * throws, so the notebook runs on with a wrong answer.
 */
export const check: {
  readonly exercise1: (answer: LossFunction) => void;
  readonly exercise2: (answer: ModuleFactory) => void;
} = Object.freeze({ exercise1: checker(gradeExercise1), exercise2: checker(gradeExercise2) });

/** The solutions, for instructors: run `check.exercise1(solutions.exercise1)`. */
export const solutions: {
  readonly exercise1: LossFunction;
  readonly exercise2: ModuleFactory;
} = Object.freeze({
  // log softmax in one stable step, the true class's entry of each row, minus the batch mean.
  exercise1: (logits: Tensor, labels: Tensor) =>
    logSoftmax(logits).mul(oneHot(labels, logits.shape[1])).sum(-1).mean().neg(),
  exercise2: () => new SiameseDistance(),
});
