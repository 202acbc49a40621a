/**
 * Chapter 11's exercises, Towards General Unsupervised Learning: their graders, the notebook checks
 * that print the graders' verdicts, and the solutions.
 *
 * 1. Cluster purity from the cluster of each point and its hidden label: each cluster votes for
 *    its most common label, and purity is the share of points that agree with their cluster.
 * 2. The NT-Xent loss of SimCLR, written from the two batches of projections: unit-length rows,
 *    cosine similarities over the temperature, each row's partner as the right class among the
 *    other 2B − 1.
 * 3. A random-shift augmentation as a batch transform: each image moved by its own whole-pixel
 *    shift of up to `maxShift` in each direction, the uncovered border filled with 0, in place,
 *    drawing only from the loader's generator.
 *
 * @example
 * ```ts
 * import { chapter11 } from "../lib/exercises/mod.ts";
 * chapter11.check.exercise1(() => 0); // prints "✗ not yet: …"
 * chapter11.check.exercise1(chapter11.solutions.exercise1); // prints "✓ right: …"
 * ```
 *
 * @module
 */

// The checks run tensor ops and call tensor methods, so the ops (which attach the methods) and
// the CPU backend must be loaded even without lib/mod.ts.
import "../backend/mod.ts";
import "../ops/mod.ts";
import { noGrad } from "../autograd/graph.ts";
import type { Transform } from "../data/transforms.ts";
import { concat } from "../ops/join.ts";
import { crossEntropy } from "../ops/loss.ts";
import { eye, fromArray } from "../tensor/creation.ts";
import { tidy } from "../tensor/memory.ts";
import { Rng } from "../tensor/random.ts";
import { formatShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { messageOf, show } from "./format.ts";
import { checker, notYet, right, type Verdict } from "./verdict.ts";

/** Exercise 1's answer: the cluster of each point and its hidden label to the purity in [0, 1]. */
export type PurityFunction = (assignments: number[], labels: number[]) => number;

/**
 * Exercise 2's answer: the projections of the first and second views [B, D] (row i of each is a
 * positive pair) and the temperature τ to the mean NT-Xent loss, shape [].
 */
export type NtXentFunction = (first: Tensor, second: Tensor, temperature: number) => Tensor;

/** Exercise 3's answer: the largest shift to a transform that shifts each image of a batch. */
export type ShiftFactory = (maxShift: number) => Transform;

/** Whether `a` equals `b` to float32 precision. */
function close(a: number, b: number, rtol = 1e-4): boolean {
  return Math.abs(a - b) <= 1e-5 + rtol * Math.abs(b);
}

// ---------------------------------------------------------------------------------------------
// Exercise 1: cluster purity.

/** One case of exercise 1: assignments and labels. */
interface PurityCase {
  readonly name: string;
  readonly assignments: number[];
  readonly labels: number[];
}

/** Purity in float64: Σ over clusters of the largest label count, over N. */
function purityOf(assignments: readonly number[], labels: readonly number[]): number {
  const counts = new Map<number, Map<number, number>>();
  assignments.forEach((c, i) => {
    const row = counts.get(c) ?? new Map<number, number>();
    row.set(labels[i], (row.get(labels[i]) ?? 0) + 1);
    counts.set(c, row);
  });
  let total = 0;
  for (const row of counts.values()) total += Math.max(...row.values());
  return total / labels.length;
}

/** Inverse purity: each label votes for its most common cluster (the roles swapped). */
function inversePurityOf(assignments: readonly number[], labels: readonly number[]): number {
  return purityOf(labels, assignments);
}

/** The unweighted mean over clusters of each cluster's own purity. */
function meanClusterPurity(assignments: readonly number[], labels: readonly number[]): number {
  const clusters = [...new Set(assignments)];
  return clusters.reduce((s, c) => {
    const members = labels.filter((_, i) => assignments[i] === c);
    const top = Math.max(
      ...[...new Set(members)].map((y) => members.filter((m) => m === y).length),
    );
    return s + top / members.length;
  }, 0) / clusters.length;
}

/** The cases: a small hand-made one, one where clusters and labels differ in number, a random one. */
function purityCases(): PurityCase[] {
  const rng = new Rng(1101);
  const n = 300;
  const labels = Array.from({ length: n }, () => rng.int(10));
  // Noisy clusters: mostly the label shifted by 3, sometimes a random cluster; 12 clusters.
  const assignments = labels.map((y) => (rng.uniform() < 0.7 ? (y + 3) % 12 : rng.int(12)));
  return [
    {
      name: "6 points in 3 clusters",
      assignments: [0, 0, 0, 1, 1, 2],
      labels: [3, 3, 1, 1, 1, 0],
    },
    {
      name: "8 points, 2 clusters and 4 labels",
      assignments: [0, 0, 0, 0, 0, 1, 1, 1],
      labels: [0, 0, 1, 2, 3, 3, 3, 2],
    },
    { name: "300 random points in 12 clusters", assignments, labels },
  ];
}

/**
 * Grades exercise 1: on each case, the answer must return the share of points whose label is the
 * most common one in their cluster.
 */
function gradeExercise1(answer: PurityFunction): Verdict {
  if (typeof answer !== "function") {
    return notYet(
      `exercise 1 takes a function (assignments, labels) => purity, got ${typeof answer}`,
    );
  }
  for (const c of purityCases()) {
    let got: unknown;
    try {
      got = answer([...c.assignments], [...c.labels]);
    } catch (error) {
      return notYet(`your function threw on ${c.name}: ${messageOf(error)}`);
    }
    if (typeof got !== "number" || !Number.isFinite(got)) {
      return notYet(`on ${c.name} your function returned ${String(got)}, not a finite number`);
    }
    const want = purityOf(c.assignments, c.labels);
    if (close(got, want)) continue;
    const n = c.labels.length;
    if (close(got, want * n)) {
      return notYet(
        `on ${c.name} you return ${show(got)}, the number of points that agree with their ` +
          `cluster's vote; purity is their share: divide by the number of points (${n})`,
      );
    }
    if (close(got, inversePurityOf(c.assignments, c.labels))) {
      return notYet(
        `on ${c.name} you let each label vote for its most common cluster: that is inverse ` +
          "purity. Purity lets each cluster vote for its most common label",
      );
    }
    if (close(got, meanClusterPurity(c.assignments, c.labels))) {
      return notYet(
        `on ${c.name} you average the clusters' own purities, so a cluster of 1 point counts as ` +
          "much as one of 100; weight each cluster by its size: add up the winning counts of " +
          "all clusters, then divide by the number of points",
      );
    }
    return notYet(
      `on ${c.name} your purity is ${show(got)}, but it should be ${show(want)}: for each ` +
        "cluster count its points of each label, keep the largest count, add those up over the " +
        "clusters and divide by the number of points",
    );
  }
  return right(
    "your purity matches on all three cases. Remember what it cannot tell: more clusters always " +
      "raise it (one cluster per point scores 1), so compare purities only at the same k.",
  );
}

// ---------------------------------------------------------------------------------------------
// Exercise 2: NT-Xent.

/** The right loss, from the library's pieces; `variant` builds the usual mistakes instead. */
function ntXent(
  first: Tensor,
  second: Tensor,
  tau: number,
  variant: "right" | "noMask" | "noNormalize" | "noTemperature" | "sum" | "oneWay" = "right",
): Tensor {
  const b = first.shape[0];
  const z = concat([first, second], 0);
  const unit = variant === "noNormalize" ? z : z.div(z.square().sum(-1, true).sqrt());
  let logits = unit.matmul(unit.transpose()).div(variant === "noTemperature" ? 1 : tau);
  if (variant !== "noMask") logits = logits.sub(eye(2 * b).mul(1e9));
  const partners = fromArray(
    Int32Array.from({ length: 2 * b }, (_, i) => (i + b) % (2 * b)),
    [2 * b],
    { dtype: "int32" },
  );
  if (variant === "oneWay") {
    return crossEntropy(logits.slice([0, 0], [b, 2 * b]), partners.slice([0], [b]));
  }
  return crossEntropy(logits, partners, variant === "sum" ? "sum" : "mean");
}

/** The two batches of exercise 2's cases, as [B, D] rows. */
function ntXentCases(): {
  name: string;
  first: number[];
  second: number[];
  b: number;
  d: number;
  tau: number;
}[] {
  const rng = new Rng(1102);
  const draw = (n: number) => Array.from({ length: n }, () => rng.normal());
  const b = 6, d = 4;
  const first = draw(b * d);
  // Second views: the first views plus noise, so that partners are alike, as in training.
  const second = first.map((v) => v + 0.3 * rng.normal());
  return [
    { name: "6 pairs of 4-D projections at τ = 0.5", first, second, b, d, tau: 0.5 },
    {
      name: "5 random pairs of 3-D projections at τ = 0.1",
      first: draw(15),
      second: draw(15),
      b: 5,
      d: 3,
      tau: 0.1,
    },
  ];
}

/**
 * Grades exercise 2: on two batches, one number equal to the mean NT-Xent loss over all 2B rows.
 */
function gradeExercise2(answer: NtXentFunction): Verdict {
  if (typeof answer !== "function") {
    return notYet(
      `exercise 2 takes a function (first, second, temperature) => loss, got ${typeof answer}`,
    );
  }
  for (const c of ntXentCases()) {
    const verdict = tidy(() => {
      const first = fromArray(c.first, [c.b, c.d]);
      const second = fromArray(c.second, [c.b, c.d]);
      let out: unknown;
      try {
        out = noGrad(() => answer(first, second, c.tau));
      } catch (error) {
        return notYet(`your function threw on ${c.name}: ${messageOf(error)}`);
      }
      if (!(out instanceof Tensor)) {
        return notYet(`your function returned ${out === null ? "null" : typeof out}, not a tensor`);
      }
      if (out.size !== 1) {
        return notYet(
          `your function returned a tensor of shape ${formatShape(out.shape)} on ${c.name}; the ` +
            "loss is one number, the mean over all 2B rows",
        );
      }
      const got = out.dataSync()[0];
      const want = noGrad(() => ntXent(first, second, c.tau)).item();
      if (close(got, want)) return null;
      const mistakes: [Parameters<typeof ntXent>[3], string][] = [
        [
          "noMask",
          "each row's similarity with itself is still among the logits. It is always the " +
          "largest (a unit vector's cosine with itself is 1), so the loss is high for no " +
          "reason: give the diagonal a large negative logit (subtract eye(2B) times 1e9) " +
          "before the cross-entropy",
        ],
        [
          "noNormalize",
          "you use raw dot products; scale every row to unit length first, so that the logits " +
          "are cosine similarities (divide z by the square root of its row sums of squares)",
        ],
        ["noTemperature", "you left out the temperature: divide the cosine similarities by τ"],
        [
          "sum",
          "your loss is the sum over the 2B rows; take the mean, so that the learning rate " +
          "does not depend on the batch size",
        ],
        [
          "oneWay",
          "you only score the first B rows; the second views classify their partners too: the " +
          "loss is the mean over all 2B rows, and row B + i's partner is row i",
        ],
      ];
      for (const [variant, hint] of mistakes) {
        if (close(got, noGrad(() => ntXent(first, second, c.tau, variant)).item())) {
          return notYet(hint);
        }
      }
      return notYet(
        `on ${c.name} your loss is ${show(got)}, but NT-Xent is ${show(want)}. Stack the two ` +
          "batches into z [2B, D], scale rows to unit length, take S = z zᵀ / τ, mask its " +
          "diagonal, and take the cross-entropy of S against partners (i + B) mod 2B",
      );
    });
    if (verdict) return verdict;
  }
  return right(
    "your NT-Xent matches the library's ntXentLoss on both batches: each of the 2B views picks " +
      "its partner out of 2B − 1 candidates, and every other image in the batch is a negative. " +
      "That is why SimCLR wants large batches: more negatives, a harder and more useful task.",
  );
}

// ---------------------------------------------------------------------------------------------
// Exercise 3: a random shift.

const SHIFT_IMAGES = 6, SIDE = 8, MAX_SHIFT = 2;

/** `image` (SIDE × SIDE) moved down by dy and right by dx; `wrap` rolls instead of filling 0. */
function shifted(image: Float32Array, dy: number, dx: number, wrap = false): Float32Array {
  const out = new Float32Array(SIDE * SIDE);
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      let sy = y - dy, sx = x - dx;
      if (wrap) [sy, sx] = [(sy + SIDE) % SIDE, (sx + SIDE) % SIDE];
      out[y * SIDE + x] = sy >= 0 && sy < SIDE && sx >= 0 && sx < SIDE ? image[sy * SIDE + sx] : 0;
    }
  }
  return out;
}

/** The shift (dy, dx), with |dy|, |dx| ≤ `range`, that turns `before` into `after`, if any. */
function findShift(before: Float32Array, after: Float32Array, range: number, wrap = false) {
  for (let dy = -range; dy <= range; dy++) {
    for (let dx = -range; dx <= range; dx++) {
      const want = shifted(before, dy, dx, wrap);
      if (want.every((v, i) => Math.abs(v - after[i]) < 1e-6)) return { dy, dx };
    }
  }
  return null;
}

/**
 * Grades exercise 3: on batches [6, 8, 8] of images without zeros, every image must come out as a
 * copy of itself shifted by whole pixels, at most `maxShift` = 2 each way, with 0 filling the
 * uncovered border; the same seed must give the same shifts, the images of a batch must get
 * shifts of their own, and over many batches every shift from −2 to 2 must occur.
 */
function gradeExercise3(answer: ShiftFactory): Verdict {
  if (typeof answer !== "function") {
    return notYet(`exercise 3 takes a function maxShift => transform, got ${typeof answer}`);
  }
  let transform: unknown;
  try {
    transform = answer(MAX_SHIFT);
  } catch (error) {
    return notYet(`randomShift(2) threw: ${messageOf(error)}`);
  }
  if (typeof transform !== "function") {
    return notYet(
      `randomShift(2) returned ${typeof transform}; it should return a transform ` +
        "(batch, shape, rng) => void",
    );
  }
  const shape = [SHIFT_IMAGES, SIDE, SIDE];
  const source = new Rng(1103);
  const seen = new Set<string>();
  let allSameInBatch = true;
  for (let trial = 0; trial < 25; trial++) {
    const original = Float32Array.from(
      { length: SHIFT_IMAGES * SIDE * SIDE },
      () => 0.1 + 0.9 * source.uniform(),
    );
    const runs: Float32Array[] = [];
    for (let run = 0; run < 2; run++) {
      const batch = original.slice();
      try {
        (transform as Transform)(batch, shape, new Rng(100 + trial));
      } catch (error) {
        return notYet(`your transform threw on a batch [6, 8, 8]: ${messageOf(error)}`);
      }
      runs.push(batch);
    }
    if (!runs[0].every((v, i) => v === runs[1][i])) {
      return notYet(
        "the same seed gave different shifts: draw every random number from the rng the " +
          "transform is given (rng.int(n) or rng.uniform()), not from Math.random, so that a " +
          "seeded data loader repeats its augmentations",
      );
    }
    const shifts: string[] = [];
    for (let n = 0; n < SHIFT_IMAGES; n++) {
      const before = original.subarray(n * SIDE * SIDE, (n + 1) * SIDE * SIDE);
      const after = runs[0].subarray(n * SIDE * SIDE, (n + 1) * SIDE * SIDE);
      const found = findShift(before, after, MAX_SHIFT);
      if (!found) {
        if (findShift(before, after, MAX_SHIFT, true)) {
          return notYet(
            `image ${n} was rolled: pixels that leave one side come back on the other. A shift ` +
              "moves the digit and fills the uncovered border with 0",
          );
        }
        if (findShift(before, after, SIDE - 1)) {
          return notYet(
            `image ${n} moved by more than maxShift = 2 pixels; draw each shift from ` +
              "−maxShift to maxShift",
          );
        }
        return notYet(
          `image ${n} of the batch is not a shifted copy of itself (by whole pixels, at most ` +
            "2 each way, with 0 in the uncovered border). Shapes are [B, H, W]; image n starts " +
            "at n·H·W",
        );
      }
      shifts.push(`${found.dy},${found.dx}`);
      seen.add(shifts[n]);
    }
    if (new Set(shifts).size > 1) allSameInBatch = false;
  }
  if (seen.size === 1 && seen.has("0,0")) {
    return notYet("the batch did not change: shift each image, in place, in the batch array");
  }
  if (allSameInBatch) {
    return notYet(
      "every image of a batch gets the same shift: draw a new (dy, dx) for each image",
    );
  }
  const values = [...seen].flatMap((k) => k.split(",").map(Number));
  if (Math.min(...values) > -MAX_SHIFT || Math.max(...values) < MAX_SHIFT) {
    return notYet(
      `over 150 images the shifts ranged from ${Math.min(...values)} to ${Math.max(...values)}; ` +
        "they should reach both −maxShift and maxShift: rng.int(2 * maxShift + 1) − maxShift",
    );
  }
  return right(
    `every image came out shifted by its own whole-pixel offset, up to 2 each way (${seen.size} ` +
      "different offsets over 150 images), repeatably per seed. Translation is the one change " +
      "a dense encoder cannot ignore by design (a convolutional one nearly can), which is why " +
      "contrastive training of our encoders needs it among the augmentations.",
  );
}

/** The solution of exercise 3: a shift per image, drawn from the rng, 0 in the uncovered border. */
function randomShift(maxShift: number): Transform {
  return (batch, shape, rng) => {
    const [n, h, w] = shape;
    const source = new Float32Array(h * w);
    for (let i = 0; i < n; i++) {
      const dy = rng.int(2 * maxShift + 1) - maxShift, dx = rng.int(2 * maxShift + 1) - maxShift;
      const image = batch.subarray(i * h * w, (i + 1) * h * w);
      source.set(image);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const sy = y - dy, sx = x - dx;
          image[y * w + x] = sy >= 0 && sy < h && sx >= 0 && sx < w ? source[sy * w + sx] : 0;
        }
      }
    }
  };
}

/** The graders: each takes an answer and returns a {@link Verdict} without printing. */
export const grade: {
  readonly exercise1: (answer: PurityFunction) => Verdict;
  readonly exercise2: (answer: NtXentFunction) => Verdict;
  readonly exercise3: (answer: ShiftFactory) => Verdict;
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
  readonly exercise1: (answer: PurityFunction) => void;
  readonly exercise2: (answer: NtXentFunction) => void;
  readonly exercise3: (answer: ShiftFactory) => void;
} = Object.freeze({
  exercise1: checker(gradeExercise1),
  exercise2: checker(gradeExercise2),
  exercise3: checker(gradeExercise3),
});

/** The solutions, for instructors: run `check.exercise1(solutions.exercise1)`. */
export const solutions: {
  readonly exercise1: PurityFunction;
  readonly exercise2: NtXentFunction;
  readonly exercise3: ShiftFactory;
} = Object.freeze({
  // Count labels per cluster, keep each cluster's largest count, divide the total by N.
  exercise1: (assignments: number[], labels: number[]) => purityOf(assignments, labels),
  exercise2: (first: Tensor, second: Tensor, temperature: number) =>
    ntXent(first, second, temperature),
  exercise3: randomShift,
});
