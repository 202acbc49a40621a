/**
 * `Embedding`: a learnable lookup table from integer ids to vectors.
 *
 * @module
 */

import { gather } from "../ops/gather.ts";
import { formatShape } from "../tensor/shape.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { type Initializer, normal } from "./init.ts";
import { initialValue, positiveInt } from "./layer_args.ts";
import { Module } from "./module.ts";

/** Options of {@link Embedding}. */
export interface EmbeddingOptions {
  /** Initialiser of the table [numEmbeddings, embeddingDim] (default N(0, 1)). */
  readonly weightInit?: Initializer;
}

/**
 * A table `weight` [numEmbeddings, embeddingDim]: int32 ids of any shape become their rows, so
 * [B, T] ids give [B, T, embeddingDim]. The gradient adds into the rows that were looked up.
 *
 * Default initialisation: N(0, 1), as in PyTorch: each id's vector is an independent random
 * point, with unit-scale entries like the normalised activations that usually follow.
 */
export class Embedding extends Module {
  /** The table [numEmbeddings, embeddingDim]. */
  readonly weight: Tensor;

  /** A table of `numEmbeddings` vectors of length `embeddingDim`. */
  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    options: EmbeddingOptions = {},
  ) {
    super();
    positiveInt("Embedding", "numEmbeddings", numEmbeddings);
    positiveInt("Embedding", "embeddingDim", embeddingDim);
    this.weight = this.registerParameter(
      "weight",
      initialValue(
        "Embedding",
        "weight",
        options.weightInit ?? ((shape) => normal(shape)),
        [numEmbeddings, embeddingDim],
        { fanIn: numEmbeddings, fanOut: embeddingDim },
      ),
    );
  }

  /** The rows of the table at the int32 `ids` (any shape). */
  forward(ids: Tensor): Tensor {
    if (ids.dtype !== "int32") {
      throw new Error(
        `Embedding: the input must be int32 ids in [0, ${this.numEmbeddings}), got a ` +
          `${ids.dtype} tensor of shape ${formatShape(ids.shape)}; convert with ids.toInt()`,
      );
    }
    return gather(this.weight, ids);
  }

  protected override describe(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}`;
  }
}
