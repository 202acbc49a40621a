/**
 * Picking a small labelled subset of a data set, the same number of examples from every class.
 *
 * @module
 */

import { Rng } from "../tensor/random.ts";

/** Options of {@link labelledSubset}. */
export interface LabelledSubsetOptions {
  /** Seed of the draw (default 0): the same seed picks the same examples. */
  readonly seed?: number;
}

/**
 * The indices of `perClass` examples of each class, drawn at random without replacement, sorted.
 * With MNIST's labels and `perClass = 10` this is the classic "100 labels" setting of
 * semi-supervised learning. Classes are 0 … max(labels); each must have `perClass` examples.
 */
export function labelledSubset(
  labels: ArrayLike<number>,
  perClass: number,
  options: LabelledSubsetOptions = {},
): number[] {
  if (!Number.isInteger(perClass) || perClass < 1) {
    throw new Error(`labelledSubset: perClass must be a positive whole number, got ${perClass}`);
  }
  const byClass: number[][] = [];
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (!Number.isInteger(y) || y < 0) {
      throw new Error(`labelledSubset: label ${y} of example ${i} is not a class index`);
    }
    (byClass[y] ??= []).push(i);
  }
  const rng = new Rng(options.seed ?? 0);
  const picked: number[] = [];
  for (let y = 0; y < byClass.length; y++) {
    const members = byClass[y] ?? [];
    if (members.length < perClass) {
      throw new Error(
        `labelledSubset: class ${y} has ${members.length} examples, fewer than ${perClass}`,
      );
    }
    picked.push(...rng.shuffle([...members]).slice(0, perClass));
  }
  return picked.sort((a, b) => a - b);
}
