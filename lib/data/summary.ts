/**
 * Label summaries as nodejs-polars DataFrames, which print as tables in a notebook.
 *
 * nodejs-polars loads a native library when imported, which needs Deno's ffi, sys, env, read and
 * write permissions. It is imported on first use, so the rest of the library runs without them.
 *
 * @module
 */

import type { DataFrame } from "nodejs-polars";

async function polars() {
  return (await import("nodejs-polars")).default;
}

/** How many of each class `labels` holds, checking that every label names a class. */
function countClasses(where: string, labels: ArrayLike<number>, classes: number): Int32Array {
  const counts = new Int32Array(classes);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      throw new Error(`${where}: label ${label} at index ${i} is not a class in 0…${classes - 1}`);
    }
    counts[label]++;
  }
  return counts;
}

/** The number of classes: one per name, or up to the largest label. */
function classCount(labels: ArrayLike<number>, classNames?: readonly string[]): number {
  if (classNames) return classNames.length;
  let max = -1;
  for (let i = 0; i < labels.length; i++) max = Math.max(max, labels[i]);
  return max + 1;
}

/**
 * One row per class: `label`, `name` (the class name, or the label as text), `count` and `fraction`
 * of all labels. Classes that never occur appear with count 0.
 *
 * @example
 * ```ts
 * const train = await loadMnist("train");
 * await classCounts(train.labels, train.classNames); // 10 rows; label 1 has 6,742
 * ```
 */
export async function classCounts(
  labels: ArrayLike<number>,
  classNames?: readonly string[],
): Promise<DataFrame> {
  const classes = classCount(labels, classNames);
  const counts = countClasses("classCounts", labels, classes);
  const pl = await polars();
  return pl.DataFrame([
    pl.Series("label", Int32Array.from({ length: classes }, (_, i) => i)),
    pl.Series("name", Array.from({ length: classes }, (_, i) => classNames?.[i] ?? String(i))),
    pl.Series("count", counts),
    pl.Series("fraction", Float64Array.from(counts, (c) => c / Math.max(labels.length, 1))),
  ]);
}

/**
 * Class counts of several splits side by side: `label`, `name`, then one count column per split,
 * named as in `splits` (e.g. `{ train, test }`).
 */
export async function splitClassCounts(
  splits: Readonly<Record<string, ArrayLike<number>>>,
  classNames?: readonly string[],
): Promise<DataFrame> {
  const entries = Object.entries(splits);
  const classes = Math.max(0, ...entries.map(([, labels]) => classCount(labels, classNames)));
  const pl = await polars();
  return pl.DataFrame([
    pl.Series("label", Int32Array.from({ length: classes }, (_, i) => i)),
    pl.Series("name", Array.from({ length: classes }, (_, i) => classNames?.[i] ?? String(i))),
    ...entries.map(([split, labels]) =>
      pl.Series(split, countClasses(`splitClassCounts (${split})`, labels, classes))
    ),
  ]);
}
