/**
 * The linear probe: a softmax classifier trained on frozen features, the standard measure of how
 * much a representation learned without labels knows about the classes.
 *
 * @module
 */

import "../ops/mod.ts";
import { noGrad } from "../autograd/graph.ts";
import { crossEntropy } from "../ops/loss.ts";
import { Linear } from "../nn/linear.ts";
import { Adam } from "../optim/adam.ts";
import { fromArray } from "../tensor/creation.ts";
import { keep, tidy } from "../tensor/memory.ts";
import { formatShape } from "../tensor/shape.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { accuracy } from "../train/accuracy.ts";

/** Options of {@link trainLinearProbe}. */
export interface LinearProbeOptions {
  /** Number of classes (default: the largest label + 1). */
  readonly classes?: number;
  /** Full-batch Adam steps (default 300). */
  readonly steps?: number;
  /** Adam's learning rate (default 0.01). */
  readonly lr?: number;
  /** L2 penalty on the weights (default 1e-3): with few labels, it keeps the weights small. */
  readonly weightDecay?: number;
}

/** A trained linear probe. */
export interface LinearProbe {
  /** The classifier on standardized features. */
  readonly layer: Linear;
  /** The training features' mean [D] and standard deviation [D], used to standardize any input. */
  readonly mean: Tensor;
  /** See `mean`. */
  readonly std: Tensor;
  /** Class logits [N, C] of features [N, D]. */
  logits(features: Tensor): Tensor;
  /** The share of rows of `features` whose highest logit is their label. */
  accuracy(features: Tensor, labels: ArrayLike<number>): number;
}

/** Labels as an int32 tensor [N]. */
const labelTensor = (labels: ArrayLike<number>) =>
  fromArray(Int32Array.from(labels), [labels.length], { dtype: "int32" });

/**
 * Trains a linear softmax classifier on `features` [N, D] (treated as constants: no gradient
 * reaches whatever made them) against class `labels`. Each feature is first standardized with the
 * training rows' mean and standard deviation, so that one learning rate suits features of any
 * scale, raw pixels and learned codes alike; then full-batch Adam minimizes the cross-entropy.
 */
export function trainLinearProbe(
  features: Tensor,
  labels: ArrayLike<number>,
  options: LinearProbeOptions = {},
): LinearProbe {
  if (features.rank !== 2 || features.shape[0] !== labels.length) {
    throw new Error(
      `trainLinearProbe: expected features [N, D] with one label per row, got features ` +
        `${formatShape(features.shape)} and ${labels.length} labels`,
    );
  }
  const classes = options.classes ?? Array.from(labels).reduce((m, y) => Math.max(m, y + 1), 0);
  const steps = options.steps ?? 300;
  if (!Number.isInteger(steps) || steps < 1) {
    throw new Error(`trainLinearProbe: steps must be a positive whole number, got ${steps}`);
  }
  const [mean, std] = tidy(() => {
    const x = features.detach();
    const m = x.mean(0);
    return [keep(m), keep(x.sub(m).square().mean(0).add(1e-6).sqrt())];
  });
  const standardize = (x: Tensor) => x.sub(mean).div(std);
  const layer = new Linear(features.shape[1], classes);
  const optimizer = new Adam(layer.parameters(), {
    lr: options.lr ?? 0.01,
    weightDecay: options.weightDecay ?? 1e-3,
  });
  const x = tidy(() => keep(standardize(features.detach())));
  const y = labelTensor(labels);
  for (let step = 0; step < steps; step++) {
    tidy(() => {
      crossEntropy(layer.forward(x), y).backward();
      optimizer.step();
      optimizer.zeroGrad();
    });
  }
  x.dispose();
  y.dispose();
  optimizer.dispose();
  const logits = (f: Tensor) => noGrad(() => layer.forward(standardize(f)));
  return {
    layer,
    mean,
    std,
    logits,
    accuracy: (f, l) => tidy(() => accuracy(logits(f), labelTensor(l)).item()),
  };
}
