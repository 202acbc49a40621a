/**
 * Holding out a validation set: a seeded, random split of the examples into two disjoint parts.
 *
 * @module
 */

import { Rng } from "../tensor/random.ts";
import { type ArrayColumn, asArrayColumn, type Column, selectRows } from "./columns.ts";

/** Options for {@link trainValidationSplit}. */
export interface SplitOptions {
  /** The validation share: a fraction in (0, 1), or a whole number of examples. */
  readonly validation: number;
  /** Seed of the split (default 0), so a notebook holds out the same examples every run. */
  readonly seed?: number;
}

/** The two parts of a split, each with the same columns as the input. */
export interface Split<K extends string> {
  /** The examples to train on. */
  readonly train: { readonly [C in K]: ArrayColumn };
  /** The held-out examples. */
  readonly validation: { readonly [C in K]: ArrayColumn };
}

/**
 * Splits examples at random into train and validation parts that are disjoint and together cover
 * every example. Every column is split the same way, and each part keeps the original order of its
 * examples. The parts are copies on the host, ready for a DataLoader.
 *
 * @example
 * ```ts
 * const { train, validation } = trainValidationSplit(
 *   { x: mnist.images, y: mnist.labels },
 *   { validation: 0.1, seed: 1 },
 * );
 * ```
 */
export function trainValidationSplit<K extends string>(
  columns: { readonly [C in K]: Column },
  options: SplitOptions,
): Split<K> {
  const names = Object.keys(columns) as K[];
  if (names.length === 0) throw new Error("trainValidationSplit: give at least one column");
  const arrays = names.map((name) => asArrayColumn("trainValidationSplit", name, columns[name]));
  const n = arrays[0].shape[0];
  arrays.forEach((a, i) => {
    if (a.shape[0] !== n) {
      throw new Error(
        `trainValidationSplit: column '${names[i]}' has ${a.shape[0]} examples but ` +
          `'${names[0]}' has ${n}`,
      );
    }
  });
  const v = options.validation;
  const count = v > 0 && v < 1 ? Math.round(v * n) : v;
  if (!Number.isInteger(count) || count < 0 || count > n) {
    throw new Error(
      `trainValidationSplit: validation must be a fraction in (0, 1) or a whole number of ` +
        `examples up to ${n}, got ${v}`,
    );
  }
  const order = new Rng(options.seed ?? 0).permutation(n);
  const held = Int32Array.from(order.slice(0, count)).sort();
  const kept = Int32Array.from(order.slice(count)).sort();
  const part = (indices: Int32Array) =>
    Object.fromEntries(names.map((name, i) => [name, selectRows(arrays[i], indices)])) as {
      [C in K]: ArrayColumn;
    };
  return { train: part(kept), validation: part(held) };
}
