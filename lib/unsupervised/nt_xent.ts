/**
 * The NT-Xent loss (normalized temperature-scaled cross-entropy) of SimCLR (Chen et al., 2020).
 *
 * @module
 */

import "../ops/mod.ts";
import { concat } from "../ops/join.ts";
import { crossEntropy } from "../ops/loss.ts";
import { eye, fromArray } from "../tensor/creation.ts";
import { formatShape } from "../tensor/shape.ts";
import type { Tensor } from "../tensor/tensor.ts";

/** Options of {@link ntXentLoss}. */
export interface NtXentOptions {
  /** The temperature τ that divides the cosine similarities (default 0.5). */
  readonly temperature?: number;
}

/**
 * The contrastive loss of SimCLR for a batch of B positive pairs: `first` [B, D] and `second`
 * [B, D] are the projections of two views of the same B images (row i of each is a pair). Every
 * one of the 2B projections is scaled to unit length; its cosine similarities to the other 2B − 1,
 * divided by the temperature τ, are the logits of a (2B − 1)-way classification whose right answer
 * is its partner. The loss is the mean cross-entropy of those 2B classifications:
 * ℓᵢ = −log( exp(sᵢⱼ/τ) / Σ_{k≠i} exp(sᵢₖ/τ) ), with j the partner of i.
 */
export function ntXentLoss(first: Tensor, second: Tensor, options: NtXentOptions = {}): Tensor {
  const tau = options.temperature ?? 0.5;
  if (!(tau > 0) || !Number.isFinite(tau)) {
    throw new Error(`ntXentLoss: temperature must be a finite number > 0, got ${tau}`);
  }
  if (
    first.rank !== 2 || second.rank !== 2 || first.shape[0] !== second.shape[0] ||
    first.shape[1] !== second.shape[1]
  ) {
    throw new Error(
      `ntXentLoss: needs two batches of projections of one shape [B, D], got ` +
        `${formatShape(first.shape)} and ${formatShape(second.shape)}`,
    );
  }
  const b = first.shape[0];
  if (b < 2) {
    throw new Error(
      `ntXentLoss: needs at least 2 pairs (other images are the negatives), got ${b}`,
    );
  }
  const z = concat([first, second], 0);
  const unit = z.div(z.square().sum(-1, true).add(1e-12).sqrt());
  // An image is not its own negative: a large negative logit on the diagonal drops it from the
  // softmax without an infinity that would give NaN gradients.
  const logits = unit.matmul(unit.transpose()).div(tau).sub(eye(2 * b).mul(1e9));
  const partners = fromArray(
    Int32Array.from({ length: 2 * b }, (_, i) => (i + b) % (2 * b)),
    [2 * b],
    { dtype: "int32" },
  );
  return crossEntropy(logits, partners);
}
