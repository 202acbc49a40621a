/**
 * The DataLoader: mini-batches of examples as tensors, in a seeded random order that changes every
 * epoch, with per-batch transforms (scaling, normalisation, augmentation).
 *
 * Examples stay on the host as typed arrays. Each batch gathers its rows into a fresh typed array,
 * runs the column's transforms on it and uploads it as one tensor, so a batch costs a copy of its
 * own rows and records no ops, however large the data set.
 *
 * @module
 */

import { fromArray } from "../tensor/creation.ts";
import { globalRng, Rng } from "../tensor/random.ts";
import type { Tensor } from "../tensor/tensor.ts";
import {
  type ArrayColumn,
  asArrayColumn,
  type Column,
  columnDType,
  gatherRows,
  rowSize,
} from "./columns.ts";
import type { Transform } from "./transforms.ts";

/** Options for a {@link DataLoader}. */
export interface DataLoaderOptions<K extends string> {
  /** Examples per batch. */
  readonly batchSize: number;
  /** Visit the examples in a new random order every epoch (default false: data-set order). */
  readonly shuffle?: boolean;
  /**
   * Seed of the shuffling and augmentation. The default draws one from the library's generator, so
   * `seed(n)` at the top of a notebook fixes it too.
   */
  readonly seed?: number;
  /** Skip the last batch when it would be smaller than `batchSize` (default false: keep it). */
  readonly dropLast?: boolean;
  /** Transforms to apply, in order, to a float32 column's batches, e.g. `{ x: [rescale(1 / 255)] }`. */
  readonly transforms?: { readonly [C in K]?: readonly Transform[] };
}

/** One batch: a tensor per column, with the batch as the first axis. */
export type Batch<K extends string> = { [C in K]: Tensor };

/** Mixes the seed, the epoch and a stream number into one generator seed. */
function epochSeed(seed: number, epoch: number, stream: number): number {
  let h = (seed ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ stream, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const ORDER_STREAM = 1, AUGMENT_STREAM = 2;

/**
 * Iterates over a data set in mini-batches. Each iteration of the loader is one epoch.
 *
 * Every batch is a set of new tensors that the consumer owns: dispose them after the step, or run
 * the step inside `tidy`. The loader itself keeps no tensors.
 *
 * Columns may be tensors (read to the host once), arrays with a shape, or 1-D typed arrays. An
 * `Int32Array` column gives int32 batches (labels); every other array gives float32 batches (pixel
 * bytes arrive as 0–255 until a transform rescales them).
 *
 * @example
 * ```ts
 * const train = await loadMnist("train");
 * const loader = new DataLoader(
 *   { x: train.images, y: train.labels },
 *   { batchSize: 64, shuffle: true, seed: 0, transforms: { x: [rescale(1 / 255)] } },
 * );
 * for (const { x, y } of loader) {
 *   tidy(() => step(x, y));
 *   x.dispose();
 *   y.dispose();
 * }
 * ```
 */
export class DataLoader<K extends string> implements Iterable<Batch<K>> {
  /** Number of examples. */
  readonly size: number;
  /** Examples per batch. */
  readonly batchSize: number;
  /** Whether each epoch visits the examples in a new random order. */
  readonly shuffle: boolean;
  /** Whether a short last batch is skipped. */
  readonly dropLast: boolean;
  /** Seed of the shuffling and augmentation. */
  readonly seed: number;
  /** The epoch the next iteration runs; it goes up by one as each iteration starts. */
  epoch = 0;

  readonly #names: K[];
  readonly #columns: ArrayColumn[];
  readonly #transforms: (readonly Transform[])[];

  /** A loader over `columns`, which must all hold the same number of examples. */
  constructor(columns: { readonly [C in K]: Column }, options: DataLoaderOptions<K>) {
    const { batchSize } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new Error(`DataLoader: batchSize must be a positive whole number, got ${batchSize}`);
    }
    this.#names = Object.keys(columns) as K[];
    if (this.#names.length === 0) throw new Error("DataLoader: give at least one column");
    this.#columns = this.#names.map((name) => asArrayColumn("DataLoader", name, columns[name]));
    this.size = this.#columns[0].shape[0];
    this.#columns.forEach((c, i) => {
      if (c.shape[0] !== this.size) {
        throw new Error(
          `DataLoader: column '${this.#names[i]}' has ${c.shape[0]} examples but ` +
            `'${this.#names[0]}' has ${this.size}`,
        );
      }
    });
    const transforms = (options.transforms ?? {}) as { [C in K]?: readonly Transform[] };
    for (const name of Object.keys(transforms)) {
      const i = this.#names.indexOf(name as K);
      if (i < 0) throw new Error(`DataLoader: transforms name '${name}', which is not a column`);
      if (columnDType(this.#columns[i]) !== "float32") {
        throw new Error(
          `DataLoader: column '${name}' is int32; transforms work on float32 columns`,
        );
      }
    }
    this.#transforms = this.#names.map((name) => transforms[name] ?? []);
    this.batchSize = batchSize;
    this.shuffle = options.shuffle ?? false;
    this.dropLast = options.dropLast ?? false;
    this.seed = (options.seed ?? globalRng.nextUint32()) >>> 0;
  }

  /** Batches per epoch. */
  get length(): number {
    return this.dropLast
      ? Math.floor(this.size / this.batchSize)
      : Math.ceil(this.size / this.batchSize);
  }

  /**
   * The order in which epoch `epoch` visits the examples: a permutation of 0 … size-1 that depends
   * only on the seed and the epoch (the identity without `shuffle`).
   */
  order(epoch: number = this.epoch): Int32Array {
    const order = new Int32Array(this.size);
    for (let i = 0; i < order.length; i++) order[i] = i;
    if (!this.shuffle) return order;
    const rng = new Rng(epochSeed(this.seed, epoch, ORDER_STREAM));
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    return order;
  }

  /** Runs one epoch: yields {@link DataLoader.length} batches of new tensors. */
  *[Symbol.iterator](): Generator<Batch<K>, void, undefined> {
    const epoch = this.epoch++;
    const order = this.order(epoch);
    const rng = new Rng(epochSeed(this.seed, epoch, AUGMENT_STREAM));
    for (let b = 0; b < this.length; b++) {
      yield this.#batch(order.subarray(b * this.batchSize, (b + 1) * this.batchSize), rng);
    }
  }

  #batch(indices: Int32Array, rng: Rng): Batch<K> {
    const batch = {} as Batch<K>;
    try {
      this.#columns.forEach((column, c) => {
        const dtype = columnDType(column);
        const length = indices.length * rowSize(column);
        const values = dtype === "int32" ? new Int32Array(length) : new Float32Array(length);
        gatherRows(column, indices, values);
        const shape = [indices.length, ...column.shape.slice(1)];
        for (const transform of this.#transforms[c]) transform(values as Float32Array, shape, rng);
        batch[this.#names[c]] = fromArray(values, shape, { dtype });
      });
    } catch (err) {
      // A transform that throws must not strand the tensors made for earlier columns.
      for (const t of Object.values(batch) as Tensor[]) t.dispose();
      throw err;
    }
    return batch;
  }
}
