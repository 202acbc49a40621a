/**
 * Chapter 5's exercises, Convolutional Neural Networks: their graders, the notebook checks that
 * print the graders' verdicts, and the solutions.
 *
 * 1. The output size of a convolution along one axis, from the input size, kernel size, stride,
 *    padding and dilation. It is checked on a table of cases where the usual slips (a missing +1,
 *    rounding up, padding one side only, ignoring dilation) give different answers.
 * 2. A 3 × 3 convolution written with loops, checked against the library's `conv2d` on an image
 *    and a kernel with no symmetry, so that a flipped or transposed kernel shows.
 * 3. A convolutional block (3 × 3 convolution keeping the size, batch norm, ReLU, 2 × 2 max
 *    pooling), checked by its output shape and by recomputing its output from its own weights.
 *
 * @example
 * ```ts
 * import { chapter05 } from "../lib/exercises/mod.ts";
 * chapter05.check.exercise1((n, k) => n - k); // prints "✗ not yet: …"
 * chapter05.check.exercise1(chapter05.solutions.exercise1); // prints "✓ right: …"
 * ```
 *
 * @module
 */

// The checks run tensor ops and call tensor methods, so the ops (which attach the methods) and
// the CPU backend must be loaded even without lib/mod.ts.
import "../backend/mod.ts";
import "../ops/mod.ts";
import { noGrad } from "../autograd/graph.ts";
import { BatchNorm2d } from "../nn/batch_norm.ts";
import { Conv2d } from "../nn/conv.ts";
import { batchNorm } from "../nn/functional.ts";
import { Module } from "../nn/module.ts";
import { MaxPool2d } from "../nn/pool.ts";
import { Sequential } from "../nn/sequential.ts";
import { ReLU } from "../nn/activation.ts";
import { conv2d } from "../ops/conv.ts";
import { avgPool2d, maxPool2d } from "../ops/pool.ts";
import { fromArray } from "../tensor/creation.ts";
import { tidy } from "../tensor/memory.ts";
import { Rng } from "../tensor/random.ts";
import { formatShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { messageOf, show } from "./format.ts";
import { checker, notYet, right, type Verdict } from "./verdict.ts";

/** Exercise 1's answer: the output size along one axis. */
export type OutputSizeFunction = (
  input: number,
  kernel: number,
  stride: number,
  padding: number,
  dilation: number,
) => number;

/** Exercise 2's answer: a 'valid' 3 × 3 convolution (cross-correlation) of an image, as rows. */
export type Convolve3x3 = (image: number[][], kernel: number[][]) => number[][];

/** Exercise 3's answer: builds the block from `inChannels` to `outChannels`. */
export type BlockFactory = (inChannels: number, outChannels: number) => Module;

// ---------------------------------------------------------------------------------------------
// Exercise 1: the output size of a convolution.

/** One case of exercise 1. */
interface SizeCase {
  readonly input: number;
  readonly kernel: number;
  readonly stride: number;
  readonly padding: number;
  readonly dilation: number;
}

/** The right rule: ⌊(n + 2p − d(k − 1) − 1) / s⌋ + 1. */
function outputSize({ input, kernel, stride, padding, dilation }: SizeCase): number {
  return Math.floor((input + 2 * padding - dilation * (kernel - 1) - 1) / stride) + 1;
}

// Ordered from plain to tricky, so that the first failure names the idea that is missing.
const SIZE_CASES: readonly SizeCase[] = [
  { input: 28, kernel: 5, stride: 1, padding: 0, dilation: 1 },
  { input: 28, kernel: 5, stride: 1, padding: 2, dilation: 1 },
  { input: 32, kernel: 3, stride: 2, padding: 1, dilation: 1 },
  { input: 7, kernel: 3, stride: 2, padding: 0, dilation: 1 },
  { input: 10, kernel: 3, stride: 3, padding: 0, dilation: 1 },
  { input: 32, kernel: 3, stride: 1, padding: 0, dilation: 2 },
  { input: 15, kernel: 3, stride: 2, padding: 2, dilation: 3 },
];

/** Usual slips: each a wrong rule and a hint. */
const SIZE_MISTAKES: readonly { rule: (c: SizeCase) => number; hint: string }[] = [
  {
    rule: (c) => Math.floor((c.input + 2 * c.padding - c.dilation * (c.kernel - 1) - 1) / c.stride),
    hint: "you forgot the + 1: the first window sits at position 0, and ⌊…/s⌋ counts only the " +
      "steps after it",
  },
  {
    rule: (c) => Math.floor((c.input + 2 * c.padding - c.kernel) / c.stride) + 1,
    hint: "dilation spreads the k taps over d(k − 1) + 1 pixels: use that span instead of k",
  },
  {
    rule: (c) =>
      Math.ceil((c.input + 2 * c.padding - c.dilation * (c.kernel - 1) - 1) / c.stride) + 1,
    hint: "round down, not up: a window that would hang over the edge is not computed",
  },
  {
    rule: (c) => Math.floor((c.input + c.padding - c.dilation * (c.kernel - 1) - 1) / c.stride) + 1,
    hint: "padding p adds p pixels on both sides, 2p in all",
  },
  {
    rule: (c) => (c.input + 2 * c.padding - c.dilation * (c.kernel - 1) - 1) / c.stride + 1,
    hint: "the size must be a whole number: round the division down with Math.floor",
  },
];

function describeCase(c: SizeCase): string {
  return `n = ${c.input}, k = ${c.kernel}, s = ${c.stride}, p = ${c.padding}, d = ${c.dilation}`;
}

/** Grades exercise 1: the answer must give the right size on every case of the table. */
function gradeExercise1(answer: OutputSizeFunction): Verdict {
  if (typeof answer !== "function") {
    return notYet(
      `exercise 1 takes a function (input, kernel, stride, padding, dilation) => size, got ` +
        typeof answer,
    );
  }
  for (const c of SIZE_CASES) {
    let got: unknown;
    try {
      got = answer(c.input, c.kernel, c.stride, c.padding, c.dilation);
    } catch (error) {
      return notYet(`your function threw for ${describeCase(c)}: ${messageOf(error)}`);
    }
    if (typeof got !== "number") {
      return notYet(`your function returned ${typeof got}, not a number`);
    }
    const want = outputSize(c);
    if (got === want) continue;
    const mistake = SIZE_MISTAKES.find(({ rule }) => rule(c) === got);
    return notYet(
      `for ${describeCase(c)} you give ${show(got)}, but the output has ${want} positions` +
        (mistake ? `: ${mistake.hint}` : ""),
    );
  }
  return right(
    `all ${SIZE_CASES.length} cases agree: ⌊(n + 2p − d(k − 1) − 1) / s⌋ + 1. With k = 3, s = 1, ` +
      "p = 1 and d = 1 this is n, which is why 3 × 3 convolutions with padding 1 keep the size",
  );
}

// ---------------------------------------------------------------------------------------------
// Exercise 2: a 3 × 3 convolution by hand.

const IMAGE_H = 6, IMAGE_W = 7;

/** The test image and a kernel with no symmetry (so flips and transposes show). */
function convolutionCase(): { image: number[][]; kernel: number[][] } {
  const rng = new Rng(505);
  const image = Array.from(
    { length: IMAGE_H },
    () => Array.from({ length: IMAGE_W }, () => Math.round(10 * rng.normal()) / 10),
  );
  const kernel = [[1, 2, 0], [-1, 0, 3], [0.5, -2, 1]];
  return { image, kernel };
}

/** conv2d's answer for one image and kernel, as rows. */
function libraryConvolution(image: number[][], kernel: number[][]): number[][] {
  return tidy(() => {
    const x = fromArray(image.flat(), [1, 1, image.length, image[0].length]);
    const w = fromArray(kernel.flat(), [1, 1, kernel.length, kernel[0].length]);
    const y = conv2d(x, w);
    const [, , h, width] = y.shape;
    const values = y.dataSync();
    return Array.from(
      { length: h },
      (_, r) => Array.from(values.slice(r * width, (r + 1) * width)),
    );
  });
}

function sameRows(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): boolean {
  return a.length === b.length &&
    a.every((row, r) =>
      row.length === b[r].length && row.every((v, c) => Math.abs(v - b[r][c]) < 1e-4)
    );
}

/** Whether `rows` is a list of equally long lists of numbers; if not, what is wrong. */
function rowsProblem(rows: unknown): string | null {
  if (!Array.isArray(rows) || rows.length === 0 || !Array.isArray(rows[0])) {
    return "your function should return the output as rows of numbers (number[][])";
  }
  const width = rows[0].length;
  for (const row of rows) {
    if (!Array.isArray(row) || row.length !== width) {
      return "the rows of your output differ in length";
    }
    if (!row.every((v) => typeof v === "number" && Number.isFinite(v))) {
      return "your output holds something that is not a finite number";
    }
  }
  return null;
}

/**
 * Grades exercise 2: on a 6 × 7 image and an asymmetric 3 × 3 kernel, the answer must equal
 * conv2d's 'valid' output, 4 × 5.
 */
function gradeExercise2(answer: Convolve3x3): Verdict {
  if (typeof answer !== "function") {
    return notYet(
      `exercise 2 takes a function (image, kernel) => output rows, got ${typeof answer}`,
    );
  }
  const { image, kernel } = convolutionCase();
  let got: unknown;
  try {
    got = answer(image.map((r) => [...r]), kernel.map((r) => [...r]));
  } catch (error) {
    return notYet(`your function threw on a 6 × 7 image: ${messageOf(error)}`);
  }
  const problem = rowsProblem(got);
  if (problem) return notYet(problem);
  const rows = got as number[][];
  const want = libraryConvolution(image, kernel);
  const [h, w] = [want.length, want[0].length];
  if (rows.length !== h || rows[0].length !== w) {
    const size = `${rows.length} × ${rows[0].length}`;
    const hint = rows.length === IMAGE_H && rows[0].length === IMAGE_W
      ? "that is the input's size: a 'valid' convolution has no padding, so the 3 × 3 window " +
        "fits at n − 2 positions along each axis"
      : rows.length === IMAGE_H - 3 && rows[0].length === IMAGE_W - 3
      ? "one position short along each axis: the window fits at n − k + 1 = n − 2 positions " +
        "(loop while r + 2 < height)"
      : "the window fits at n − k + 1 positions along each axis";
    return notYet(`your output is ${size}, but a 6 × 7 image gives ${h} × ${w}: ${hint}`);
  }
  if (sameRows(rows, want)) {
    return right(
      `your loops give exactly what conv2d gives (${h} × ${w}, top-left value ` +
        `${show(want[0][0])}): each output is the sum of the 3 × 3 window times the kernel, ` +
        "without flipping it. conv2d computes the same sums, in a fast kernel, for every image, " +
        "channel and filter at once",
    );
  }
  const flipped = kernel.map((row) => [...row].reverse()).reverse();
  if (sameRows(rows, libraryConvolution(image, flipped))) {
    return notYet(
      "your output is the true convolution, with the kernel flipped. Deep-learning libraries " +
        "compute cross-correlation: output[r][c] = Σᵢ Σⱼ image[r + i][c + j] · kernel[i][j], " +
        "with the kernel as it is",
    );
  }
  const transposed = kernel.map((_, i) => kernel.map((row) => row[i]));
  if (sameRows(rows, libraryConvolution(image, transposed))) {
    return notYet(
      "your output uses the kernel transposed: kernel[i][j] multiplies image[r + i][c + j], " +
        "i down the rows and j along them",
    );
  }
  return notYet(
    `your top-left value is ${show(rows[0][0])}, but conv2d gives ${show(want[0][0])}: ` +
      "it is Σᵢ Σⱼ image[i][j] · kernel[i][j] for i, j in 0…2",
  );
}

/** The solution of exercise 2: four loops. */
function convolve3x3(image: number[][], kernel: number[][]): number[][] {
  const h = image.length - 2, w = image[0].length - 2;
  return Array.from({ length: h }, (_, r) =>
    Array.from({ length: w }, (_, c) => {
      let sum = 0;
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) sum += image[r + i][c + j] * kernel[i][j];
      }
      return sum;
    }));
}

// ---------------------------------------------------------------------------------------------
// Exercise 3: a convolutional block.

const BLOCK_IN = 3, BLOCK_OUT = 16, BATCH = 4, SIDE = 8;

/** What a module's forward pass gives on `x`, or why it gives nothing. */
function forwardOf(model: Module, x: Tensor): Tensor | string {
  try {
    const out = noGrad(() => model.forward(x));
    return out instanceof Tensor ? out : "forward should return a tensor";
  } catch (error) {
    return `your block's forward pass threw on [${BATCH}, ${BLOCK_IN}, ${SIDE}, ${SIDE}]: ` +
      messageOf(error);
  }
}

function closeTensors(a: Tensor, b: Tensor): boolean {
  if (formatShape(a.shape) !== formatShape(b.shape)) return false;
  const [u, v] = [a.dataSync(), b.dataSync()];
  return u.every((value, i) => Math.abs(value - v[i]) <= 1e-4 + 1e-4 * Math.abs(v[i]));
}

/**
 * Grades exercise 3: built for 3 → 16 channels and fed [4, 3, 8, 8] in training mode, the block
 * must give [4, 16, 4, 4], equal to maxPool(relu(batchNorm(conv3×3(x)))) computed from its own
 * filter (batch norm starts as plain normalisation, so its parameters need not be read).
 */
function gradeExercise3(answer: BlockFactory): Verdict {
  if (typeof answer !== "function") {
    return notYet(
      `exercise 3 takes a function (inChannels, outChannels) => block, got ${typeof answer}`,
    );
  }
  let model: unknown;
  try {
    model = answer(BLOCK_IN, BLOCK_OUT);
  } catch (error) {
    return notYet(`building your block threw: ${messageOf(error)}`);
  }
  if (!(model instanceof Module)) {
    return notYet("the function should return a module, for example a Sequential of layers");
  }
  const filters = model.namedParameters().filter(([, p]) => p.rank === 4);
  if (filters.length !== 1) {
    return notYet(
      `your block has ${filters.length} convolution filters; it should have one Conv2d(` +
        `${BLOCK_IN}, ${BLOCK_OUT}, 3, { padding: 1 })`,
    );
  }
  const [name, filter] = filters[0];
  const want = [BLOCK_OUT, BLOCK_IN, 3, 3];
  if (formatShape(filter.shape) !== formatShape(want)) {
    return notYet(
      `the filter ${name} is ${formatShape(filter.shape)}; for 3 → 16 channels with 3 × 3 ` +
        `windows it is ${formatShape(want)} (out, in, height, width)`,
    );
  }
  const rng = new Rng(55);
  return tidy(() => {
    const x = fromArray(
      Float32Array.from({ length: BATCH * BLOCK_IN * SIDE * SIDE }, () => rng.normal()),
      [BATCH, BLOCK_IN, SIDE, SIDE],
    );
    model.train();
    const out = forwardOf(model, x);
    if (typeof out === "string") return notYet(out);
    const shape = formatShape(out.shape);
    const expected = formatShape([BATCH, BLOCK_OUT, SIDE / 2, SIDE / 2]);
    if (shape !== expected) {
      const hint = shape === formatShape([BATCH, BLOCK_OUT, SIDE, SIDE])
        ? "the size is not halved: end the block with MaxPool2d(2)"
        : shape === formatShape([BATCH, BLOCK_OUT, 3, 3])
        ? "without padding the 3 × 3 convolution shrinks 8 to 6 before pooling: give it " +
          "{ padding: 1 } (or 'same')"
        : "a 3 × 3 convolution with padding 1 keeps 8 × 8, and 2 × 2 pooling halves it";
      return notYet(`your block turns [4, 3, 8, 8] into ${shape}, not ${expected}: ${hint}`);
    }
    const z = noGrad(() => conv2d(x, filter, { padding: 1 }));
    const normalised = noGrad(() => batchNorm(z, { training: true }));
    const candidates: [Tensor, string][] = [
      [maxPool2d(normalised.relu(), 2), ""],
      [
        maxPool2d(z.relu(), 2),
        "your block does not normalise: put BatchNorm2d(outChannels) between the convolution " +
        "and the ReLU",
      ],
      [
        maxPool2d(batchNorm(z.relu(), { training: true }), 2),
        "the ReLU comes before the batch norm; normalise first, so that the ReLU cuts a " +
        "distribution centred on 0 and half the units stay active",
      ],
      [
        avgPool2d(normalised.relu(), 2),
        "your block averages each window; the exercise asks for max pooling, MaxPool2d(2)",
      ],
    ];
    const match = candidates.find(([t]) => closeTensors(out, t));
    if (match && match[1] === "") {
      return right(
        `conv 3×3 → batch norm → ReLU → 2×2 max pool: [4, 3, 8, 8] becomes ${expected}, and ` +
          `the values are what the layers give, with ${model.numParameters()} parameters. ` +
          "Stacking such blocks, doubling the channels as the size halves, is the VGG recipe",
      );
    }
    if (match) return notYet(match[1]);
    return notYet(
      "the shape is right, but the values differ from maxPool(relu(batchNorm(conv(x)))) with " +
        "your block's own filter: check the order of the layers, and that the convolution uses " +
        "padding 1",
    );
  });
}

/** The solution of exercise 3. */
function convBlock(inChannels: number, outChannels: number): Module {
  return new Sequential(
    new Conv2d(inChannels, outChannels, 3, { padding: 1, bias: false }),
    new BatchNorm2d(outChannels),
    new ReLU(),
    new MaxPool2d(2),
  );
}

/** The graders: each takes an answer and returns a {@link Verdict} without printing. */
export const grade: {
  readonly exercise1: (answer: OutputSizeFunction) => Verdict;
  readonly exercise2: (answer: Convolve3x3) => Verdict;
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
  readonly exercise1: (answer: OutputSizeFunction) => void;
  readonly exercise2: (answer: Convolve3x3) => void;
  readonly exercise3: (answer: BlockFactory) => void;
} = Object.freeze({
  exercise1: checker(gradeExercise1),
  exercise2: checker(gradeExercise2),
  exercise3: checker(gradeExercise3),
});

/** The solutions, for instructors: run `check.exercise1(solutions.exercise1)`. */
export const solutions: {
  readonly exercise1: OutputSizeFunction;
  readonly exercise2: Convolve3x3;
  readonly exercise3: BlockFactory;
} = Object.freeze({
  exercise1: (input, kernel, stride, padding, dilation) =>
    outputSize({ input, kernel, stride, padding, dilation }),
  exercise2: convolve3x3,
  exercise3: convBlock,
});
