/**
 * k-means clustering with k-means++ seeding, and cluster purity against hidden labels.
 *
 * @module
 */

import { Rng } from "../tensor/random.ts";
import { formatShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";

/** Points to cluster: a tensor [N, D] (read with `dataSync`, so CPU only) or N rows of D numbers. */
export type KMeansInput = Tensor | readonly ArrayLike<number>[];

/** Options of {@link kMeans}. */
export interface KMeansOptions {
  /** Most Lloyd iterations (default 100). */
  readonly maxIterations?: number;
  /** Seed of the k-means++ draws (default 0). */
  readonly seed?: number;
}

/** What {@link kMeans} found. */
export interface KMeansResult {
  /** The k centres, each a row of D numbers. */
  readonly centroids: number[][];
  /** The cluster of each point, in [0, k). */
  readonly assignments: Int32Array;
  /** The sum of squared distances from each point to its centre. */
  readonly inertia: number;
  /** How many Lloyd iterations ran. */
  readonly iterations: number;
  /** Whether the assignments stopped changing before `maxIterations`. */
  readonly converged: boolean;
}

/** The points as one row-major Float64Array, with their count and width. */
function hostPoints(x: KMeansInput): { values: Float64Array; n: number; d: number } {
  if (x instanceof Tensor) {
    if (x.rank !== 2) {
      throw new Error(`kMeans: expected points [N, D], got shape ${formatShape(x.shape)}`);
    }
    return { values: Float64Array.from(x.dataSync()), n: x.shape[0], d: x.shape[1] };
  }
  const n = x.length, d = n > 0 ? x[0].length : 0;
  const values = new Float64Array(n * d);
  x.forEach((row, i) => {
    if (row.length !== d) {
      throw new Error(`kMeans: row ${i} has ${row.length} values, row 0 has ${d}`);
    }
    for (let j = 0; j < d; j++) values[i * d + j] = row[j];
  });
  return { values, n, d };
}

/** Squared distance between point i of `values` and centre c of `centres` (both of width d). */
function squaredDistance(
  values: Float64Array,
  i: number,
  centres: Float64Array,
  c: number,
  d: number,
) {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const diff = values[i * d + j] - centres[c * d + j];
    s += diff * diff;
  }
  return s;
}

/**
 * Splits N points into k clusters by Lloyd's algorithm: assign each point to its nearest centre,
 * move each centre to the mean of its points, repeat until no assignment changes. The first
 * centres come from k-means++ (Arthur and Vassilvitskii, 2007): the first is a random point, each
 * next one a point drawn with probability proportional to its squared distance to the nearest
 * centre so far, which spreads them out and avoids most bad local minima of random seeding.
 * A cluster that loses all its points takes the point farthest from its centre.
 */
export function kMeans(x: KMeansInput, k: number, options: KMeansOptions = {}): KMeansResult {
  const { values, n, d } = hostPoints(x);
  if (!Number.isInteger(k) || k < 1) {
    throw new Error(`kMeans: k must be a positive whole number, got ${k}`);
  }
  if (k > n) throw new Error(`kMeans: cannot make ${k} clusters of ${n} points`);
  if (d === 0) throw new Error("kMeans: points have no coordinates");
  const maxIterations = options.maxIterations ?? 100;
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw new Error(`kMeans: maxIterations must be a positive whole number, got ${maxIterations}`);
  }
  const rng = new Rng(options.seed ?? 0);
  const centres = new Float64Array(k * d);
  const nearest = new Float64Array(n).fill(Infinity);
  let chosen = rng.int(n);
  for (let c = 0; c < k; c++) {
    centres.set(values.subarray(chosen * d, (chosen + 1) * d), c * d);
    let total = 0;
    for (let i = 0; i < n; i++) {
      nearest[i] = Math.min(nearest[i], squaredDistance(values, i, centres, c, d));
      total += nearest[i];
    }
    if (c === k - 1) break;
    // Draw the next centre with probability ∝ squared distance (duplicates have weight 0).
    let target = rng.uniform() * total;
    chosen = n - 1;
    for (let i = 0; i < n; i++) {
      target -= nearest[i];
      if (target < 0) {
        chosen = i;
        break;
      }
    }
  }
  const assignments = new Int32Array(n).fill(-1);
  const distances = new Float64Array(n);
  let iterations = 0, converged = false;
  while (iterations < maxIterations) {
    iterations++;
    let changed = 0;
    for (let i = 0; i < n; i++) {
      let best = 0, bestDistance = Infinity;
      for (let c = 0; c < k; c++) {
        const dist = squaredDistance(values, i, centres, c, d);
        if (dist < bestDistance) [best, bestDistance] = [c, dist];
      }
      if (assignments[i] !== best) changed++;
      assignments[i] = best;
      distances[i] = bestDistance;
    }
    if (changed === 0) {
      converged = true;
      break;
    }
    const counts = new Int32Array(k);
    centres.fill(0);
    for (let i = 0; i < n; i++) {
      const c = assignments[i];
      counts[c]++;
      for (let j = 0; j < d; j++) centres[c * d + j] += values[i * d + j];
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) {
        // An empty cluster restarts at the worst-served point, which then leaves its old cluster.
        let far = 0;
        for (let i = 1; i < n; i++) if (distances[i] > distances[far]) far = i;
        centres.set(values.subarray(far * d, (far + 1) * d), c * d);
        distances[far] = 0;
        continue;
      }
      for (let j = 0; j < d; j++) centres[c * d + j] /= counts[c];
    }
  }
  let inertia = 0;
  for (let i = 0; i < n; i++) inertia += squaredDistance(values, i, centres, assignments[i], d);
  return {
    centroids: Array.from(
      { length: k },
      (_, c) => Array.from(centres.subarray(c * d, (c + 1) * d)),
    ),
    assignments,
    inertia,
    iterations,
    converged,
  };
}

/**
 * The table of counts `[cluster][label]`: how many points of each hidden label fell into each of
 * the `k` clusters.
 */
export function clusterLabelCounts(
  assignments: ArrayLike<number>,
  labels: ArrayLike<number>,
  k: number,
  classes: number,
): number[][] {
  if (assignments.length !== labels.length) {
    throw new Error(
      `clusterLabelCounts: ${assignments.length} assignments but ${labels.length} labels`,
    );
  }
  const counts = Array.from({ length: k }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const c = assignments[i], y = labels[i];
    if (!Number.isInteger(c) || c < 0 || c >= k) {
      throw new Error(
        `clusterLabelCounts: assignment ${c} of point ${i} is not a cluster in [0, ${k})`,
      );
    }
    if (!Number.isInteger(y) || y < 0 || y >= classes) {
      throw new Error(
        `clusterLabelCounts: label ${y} of point ${i} is not a class in [0, ${classes})`,
      );
    }
    counts[c][y]++;
  }
  return counts;
}

/**
 * Cluster purity: each cluster votes for the label most common among its points, and purity is
 * the share of points whose label matches their cluster's vote, (1/N) Σ_clusters max_label count.
 * It is 1 when every cluster holds one label only; splitting the data into more clusters can only
 * raise it, so compare purities at the same k.
 */
export function clusterPurity(assignments: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (labels.length === 0) throw new Error("clusterPurity: needs at least one point");
  // A loop, not Math.max(...values): spreading a large array overflows the call stack.
  let k = 0, classes = 0;
  for (let i = 0; i < labels.length; i++) {
    k = Math.max(k, assignments[i] + 1);
    classes = Math.max(classes, labels[i] + 1);
  }
  const counts = clusterLabelCounts(assignments, labels, k, classes);
  return counts.reduce((s, row) => s + Math.max(...row), 0) / labels.length;
}
