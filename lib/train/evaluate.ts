/**
 * Evaluating a model on a data source: the loss and metrics averaged over all its examples, with
 * gradients off and the model in eval mode.
 *
 * @module
 */

import { noGrad } from "../autograd/graph.ts";
import { add, mul } from "../ops/arithmetic.ts";
import { stack } from "../ops/join.ts";
import { reshape } from "../ops/view.ts";
import { keep, tidy } from "../tensor/memory.ts";
import type { Tensor } from "../tensor/tensor.ts";
import {
  checkBatch,
  checkedMetrics,
  disposeBatch,
  forwardOf,
  lossOf,
  metricOf,
} from "./checked_calls.ts";
import type { BatchSource, LossFn, Metrics, TrainableModel } from "./contracts.ts";

/** What to measure in {@link evaluate}. */
export interface EvaluateOptions {
  /** The loss, reported as `loss`. */
  readonly loss?: LossFn;
  /** Metrics, reported under their names. */
  readonly metrics?: Metrics;
}

/**
 * The loss and each metric over every example of `source`, as `{ loss, accuracy, … }`. Each batch
 * value is a batch mean, so batches are weighted by their size: a short last batch counts for the
 * examples it has. Runs under `noGrad` in eval mode, and puts the model back in the mode it was in.
 *
 * The sums stay on the device and are read once at the end, since each read stalls a GPU.
 *
 * @example
 * ```ts
 * const scores = await evaluate(model, testLoader, { loss: crossEntropy, metrics: { accuracy } });
 * scores.accuracy; // e.g. 0.97
 * ```
 */
export async function evaluate(
  model: TrainableModel,
  source: BatchSource,
  options: EvaluateOptions,
): Promise<Record<string, number>> {
  const metrics = checkedMetrics("evaluate", options.metrics);
  const names = [...(options.loss ? ["loss"] : []), ...Object.keys(metrics)];
  if (names.length === 0) {
    throw new Error("evaluate: nothing to measure; give a loss, metrics, or both");
  }
  const wasTraining = model.training;
  model.eval();
  let sums: Tensor | null = null;
  try {
    let examples = 0, batchNumber = 0;
    for (const batch of source) {
      batchNumber++;
      try {
        const n = checkBatch(batch);
        const next: Tensor = noGrad(() =>
          tidy(() => {
            const out = forwardOf(model, batch.x);
            const values = Object.entries(metrics).map(([name, fn]) =>
              metricOf(name, fn, out, batch.y)
            );
            if (options.loss) values.unshift(lossOf(options.loss, out, batch.y));
            const weighted = mul(stack(values.map((v) => reshape(v, []))), n);
            return sums ? add(sums, weighted) : weighted;
          })
        );
        sums?.dispose();
        sums = keep(next);
        examples += n;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        throw new Error(`evaluate: batch ${batchNumber}: ${message}`, { cause: err });
      } finally {
        disposeBatch(batch);
      }
    }
    if (!sums) {
      throw new Error(
        "evaluate: the data source gave no batches; check that it holds examples (and that " +
          "dropLast does not drop the only, short batch)",
      );
    }
    const totals = await (sums as Tensor).data();
    return Object.fromEntries(names.map((name, i) => [name, totals[i] / examples]));
  } finally {
    (sums as Tensor | null)?.dispose();
    if (wasTraining === true) model.train();
  }
}
