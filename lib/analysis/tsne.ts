/**
 * t-SNE (t-distributed stochastic neighbour embedding, van der Maaten and Hinton, 2008): a map of
 * high-dimensional points in two dimensions that keeps each point's near neighbours near.
 *
 * This is the exact algorithm, O(N²) per iteration, on the host in float64: right for the few
 * hundred points of a word map (300 points take well under a second), too slow for tens of
 * thousands (Barnes-Hut t-SNE or UMAP are the tools there). It is deterministic: the start comes
 * from its own seeded generator, so the library's `seed` stream is left alone.
 *
 * @module
 */

import { Rng } from "../tensor/random.ts";
import { formatShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";

/** Data for {@link tsne}: a float tensor [N, D], or N rows of D numbers. */
export type TsneInput = Tensor | readonly ArrayLike<number>[];

/** Options of {@link tsne}. */
export interface TsneOptions {
  /**
   * The effective number of neighbours each point attends to (default 30, or less for small N:
   * it must be below (N − 1) / 3). Small values keep only the tightest groups; large ones more of
   * the global layout.
   */
  readonly perplexity?: number;
  /** Gradient-descent iterations (default 1000). */
  readonly iterations?: number;
  /** The step size (default max(N / 12, 50), the rule of Belkina et al. 2019). */
  readonly learningRate?: number;
  /**
   * How distances between the input points are measured (default "euclidean"). "cosine" uses
   * 1 − cos(xᵢ, xⱼ), which suits word vectors, whose lengths mostly track word frequency.
   */
  readonly metric?: "euclidean" | "cosine";
  /** Seed of the random start (default 0). */
  readonly seed?: number;
}

/** What {@link tsne} returns. */
export interface TsneResult {
  /** The map: one [x, y] per input row, in input order, centred on 0. */
  readonly points: [number, number][];
  /** KL(P ‖ Q) of the final map, the divergence t-SNE minimises: lower is a more faithful map. */
  readonly kl: number;
  /** The perplexity used. */
  readonly perplexity: number;
}

// The schedule of the reference implementation: the attractions are exaggerated 12× for the first
// 250 iterations so that clusters form before they settle; momentum rises from 0.5 to 0.8 there.
const EXAGGERATION = 12;
const EXAGGERATED_ITERATIONS = 250;
const MIN_GAIN = 0.01;
const TINY = 1e-12;

/**
 * Embeds the rows of `x` in two dimensions with t-SNE. Each point's neighbours are weighted by a
 * Gaussian whose width is tuned so that its perplexity (2 to the entropy of the weights) equals
 * `perplexity`; the map's points are weighted by a Student-t kernel 1 / (1 + ‖yᵢ − yⱼ‖²), whose
 * heavy tail lets dissimilar points sit far apart; gradient descent moves the map to make the two
 * sets of weights agree (it minimises their Kullback–Leibler divergence).
 *
 * Distances between clusters in the map mean little, and neither do cluster sizes: only who is
 * near whom is kept.
 *
 * @example
 * ```ts
 * const { points } = await tsne(wordVectors, { perplexity: 15, metric: "cosine" }); // [N, D]
 * scatter({ x: points.map((p) => p[0]), y: points.map((p) => p[1]) });
 * ```
 *
 * @throws on rows of different lengths, non-finite values, fewer than 5 rows, or a bad option.
 */
export async function tsne(x: TsneInput, options: TsneOptions = {}): Promise<TsneResult> {
  const { values, rows: n, width } = await hostRows(x);
  if (n < 5) throw new Error(`tsne: needs at least 5 points (rows) to map, got ${n}`);
  const perplexity = options.perplexity ?? Math.min(30, Math.ceil((n - 1) / 3) - 1);
  if (!(perplexity >= 1) || perplexity >= (n - 1) / 3) {
    throw new Error(
      `tsne: perplexity must be at least 1 and below (N − 1) / 3 = ${
        ((n - 1) / 3).toFixed(1)
      } for ${n} points, got ${perplexity}`,
    );
  }
  const iterations = options.iterations ?? 1000;
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw new Error(`tsne: iterations must be a whole number ≥ 1, got ${iterations}`);
  }
  const learningRate = options.learningRate ?? Math.max(n / 12, 50);
  if (!(learningRate > 0) || !Number.isFinite(learningRate)) {
    throw new Error(`tsne: learningRate must be a positive number, got ${learningRate}`);
  }
  const metric = options.metric ?? "euclidean";
  if (metric !== "euclidean" && metric !== "cosine") {
    throw new Error(`tsne: metric must be "euclidean" or "cosine", got "${metric}"`);
  }
  const distances = metric === "cosine"
    ? cosineDistances(values, n, width)
    : squaredDistances(values, n, width);
  const p = jointProbabilities(distances, n, perplexity);
  const y = descend(p, n, iterations, learningRate, new Rng(options.seed ?? 0));
  return {
    points: Array.from({ length: n }, (_, i) => [y[2 * i], y[2 * i + 1]]),
    kl: divergence(p, y, n),
    perplexity,
  };
}

/** ‖xᵢ − xⱼ‖² for every pair, as an N × N matrix. */
function squaredDistances(x: Float64Array, n: number, d: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += (x[i * d + k] - x[j * d + k]) ** 2;
      out[i * n + j] = out[j * n + i] = s;
    }
  }
  return out;
}

/** 1 − cos(xᵢ, xⱼ) for every pair, as an N × N matrix. */
function cosineDistances(x: Float64Array, n: number, d: number): Float64Array {
  const norms = Float64Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let k = 0; k < d; k++) s += x[i * d + k] ** 2;
    if (s === 0) throw new Error(`tsne: row ${i} is all zeros, which has no cosine distance`);
    return Math.sqrt(s);
  });
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += x[i * d + k] * x[j * d + k];
      out[i * n + j] = out[j * n + i] = 1 - s / (norms[i] * norms[j]);
    }
  }
  return out;
}

/**
 * The symmetric joint probabilities pᵢⱼ = (pⱼ|ᵢ + pᵢ|ⱼ) / 2N, where pⱼ|ᵢ ∝ exp(−β dᵢⱼ) with each
 * row's precision β found by bisection so that the row's perplexity is `perplexity`.
 */
function jointProbabilities(distances: Float64Array, n: number, perplexity: number): Float64Array {
  const conditional = new Float64Array(n * n);
  const targetEntropy = Math.log(perplexity);
  const row = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let beta = 1, low = 0, high = Infinity;
    // Distances relative to the nearest one keep exp() in range whatever the data's scale.
    let nearest = Infinity;
    for (let j = 0; j < n; j++) if (j !== i) nearest = Math.min(nearest, distances[i * n + j]);
    for (let attempt = 0; attempt < 200; attempt++) {
      let sum = 0, weighted = 0;
      for (let j = 0; j < n; j++) {
        const d = distances[i * n + j] - nearest;
        row[j] = j === i ? 0 : Math.exp(-beta * d);
        sum += row[j];
        weighted += row[j] * d;
      }
      // The entropy of the row, H = log Σ + β Σ p d / Σ (in nats).
      const entropy = Math.log(sum) + beta * weighted / sum;
      for (let j = 0; j < n; j++) row[j] /= sum;
      const gap = entropy - targetEntropy;
      if (Math.abs(gap) < 1e-5) break;
      // Too flat (entropy too high): sharpen, raising β; too peaked: lower it.
      if (gap > 0) {
        low = beta;
        beta = high === Infinity ? beta * 2 : (beta + high) / 2;
      } else {
        high = beta;
        beta = (beta + low) / 2;
      }
    }
    conditional.set(row, i * n);
  }
  const joint = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      joint[i * n + j] = Math.max(
        (conditional[i * n + j] + conditional[j * n + i]) / (2 * n),
        TINY,
      );
    }
  }
  return joint;
}

/**
 * Gradient descent on KL(P ‖ Q) with momentum and per-coordinate gains (delta-bar-delta), as in the
 * reference implementation. The gradient is
 * ∂C/∂yᵢ = 4 Σⱼ (pᵢⱼ − qᵢⱼ)(yᵢ − yⱼ) / (1 + ‖yᵢ − yⱼ‖²).
 */
function descend(
  p: Float64Array,
  n: number,
  iterations: number,
  learningRate: number,
  rng: Rng,
): Float64Array {
  const y = Float64Array.from({ length: 2 * n }, () => 1e-4 * rng.normal());
  const velocity = new Float64Array(2 * n);
  const gains = new Float64Array(2 * n).fill(1);
  const kernel = new Float64Array(n * n);
  const gradient = new Float64Array(2 * n);
  for (let t = 0; t < iterations; t++) {
    const exaggeration = t < EXAGGERATED_ITERATIONS ? EXAGGERATION : 1;
    const momentum = t < EXAGGERATED_ITERATIONS ? 0.5 : 0.8;
    const sumQ = studentKernel(y, n, kernel);
    gradient.fill(0);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        const w = kernel[i * n + j];
        const force = 4 * (exaggeration * p[i * n + j] - w / sumQ) * w;
        gradient[2 * i] += force * (y[2 * i] - y[2 * j]);
        gradient[2 * i + 1] += force * (y[2 * i + 1] - y[2 * j + 1]);
      }
    }
    for (let k = 0; k < 2 * n; k++) {
      // Grow the step of a coordinate that keeps moving downhill (the gradient's sign opposite
      // to the motion's); shrink it when the gradient turns against the motion.
      const downhill = gradient[k] > 0 !== velocity[k] > 0;
      gains[k] = Math.max(MIN_GAIN, downhill ? gains[k] + 0.2 : gains[k] * 0.8);
      velocity[k] = momentum * velocity[k] - learningRate * gains[k] * gradient[k];
      y[k] += velocity[k];
    }
    centre(y, n);
  }
  return y;
}

/** The Student-t weights 1 / (1 + ‖yᵢ − yⱼ‖²) into `kernel`, and their sum over i ≠ j. */
function studentKernel(y: Float64Array, n: number, kernel: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const w = 1 / (1 + (y[2 * i] - y[2 * j]) ** 2 + (y[2 * i + 1] - y[2 * j + 1]) ** 2);
      kernel[i * n + j] = kernel[j * n + i] = w;
      sum += 2 * w;
    }
  }
  return sum;
}

/** Moves the map's mean to the origin (the cost does not depend on it). */
function centre(y: Float64Array, n: number): void {
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) {
    mx += y[2 * i] / n;
    my += y[2 * i + 1] / n;
  }
  for (let i = 0; i < n; i++) {
    y[2 * i] -= mx;
    y[2 * i + 1] -= my;
  }
}

/** KL(P ‖ Q) = Σ pᵢⱼ log(pᵢⱼ / qᵢⱼ) for the map `y`. */
function divergence(p: Float64Array, y: Float64Array, n: number): number {
  const kernel = new Float64Array(n * n);
  const sumQ = studentKernel(y, n, kernel);
  let kl = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i !== j) {
        kl += p[i * n + j] * Math.log(p[i * n + j] / Math.max(kernel[i * n + j] / sumQ, TINY));
      }
    }
  }
  return kl;
}

/** The rows of `x` on the host, in float64, checked to be of one width and finite. */
async function hostRows(
  x: TsneInput,
): Promise<{ values: Float64Array; rows: number; width: number }> {
  if (x instanceof Tensor) {
    if (x.rank !== 2) {
      throw new Error(
        `tsne: expected points [N, D] (one row per point), got shape ${formatShape(x.shape)}`,
      );
    }
    const values = Float64Array.from(await x.data());
    if (!values.every(Number.isFinite)) {
      throw new Error("tsne: the points hold NaN or infinite values");
    }
    return { values, rows: x.shape[0], width: x.shape[1] };
  }
  if (!Array.isArray(x)) {
    throw new Error("tsne: expected a tensor [N, D] or a list of rows of numbers");
  }
  const width = x[0]?.length;
  if (typeof width !== "number" || width === 0) {
    throw new Error("tsne: row 0 must be a non-empty list of numbers");
  }
  const values = new Float64Array(x.length * width);
  x.forEach((row, i) => {
    if (row?.length !== width) {
      throw new Error(
        `tsne: rows differ in length: row 0 has ${width}, row ${i} has ${row?.length}`,
      );
    }
    for (let j = 0; j < width; j++) {
      const v = row[j];
      if (typeof v !== "number" || !Number.isFinite(v)) {
        throw new Error(`tsne: row ${i}, column ${j} is ${v}, not a finite number`);
      }
      values[i * width + j] = v;
    }
  });
  return { values, rows: x.length, width };
}
