/**
 * `fit`: the training loop every chapter uses. Each step runs forward, loss and backward inside a
 * `tidy`, then the optimizer's step; per-step values stay on the device and are read in chunks;
 * each epoch ends with validation, a history row, early stopping and the progress display.
 *
 * @module
 */

import { backward } from "../autograd/backward.ts";
import { noGrad } from "../autograd/graph.ts";
import { stack } from "../ops/join.ts";
import { reshape } from "../ops/view.ts";
import { saveModule } from "../nn/io.ts";
import { Module } from "../nn/module.ts";
import { tidy } from "../tensor/memory.ts";
import type { Tensor } from "../tensor/tensor.ts";
import {
  checkBatch,
  checkedMetrics,
  disposeBatch,
  forwardOf,
  lossOf,
  metricOf,
} from "./checked_calls.ts";
import type {
  BatchSource,
  LossFn,
  LrSchedule,
  Metrics,
  StepOptimizer,
  SupervisedBatch,
  TrainableModel,
} from "./contracts.ts";
import { EarlyStopping, type EarlyStoppingOptions } from "./early_stopping.ts";
import { evaluate } from "./evaluate.ts";
import { type EarlyStoppingSummary, type EpochRecord, History } from "./history.ts";
import { ParamSnapshot } from "./param_snapshot.ts";
import { createProgress, type ProgressReporter } from "./progress.ts";
import { formatValue } from "./progress_render.ts";
import { type ReadStep, StepReader } from "./step_reader.ts";
import {
  divergedMessage,
  type SavedCheckpoint,
  type StepPosition,
  TrainingError,
} from "./training_error.ts";

/** The data of a run. */
export interface FitData {
  /** Training batches; one pass is one epoch. */
  readonly train: BatchSource;
  /** Validation batches, evaluated after every epoch (columns `val_…`). */
  readonly validation?: BatchSource;
}

/** How to train. */
export interface FitOptions {
  /** Passes over the training data. */
  readonly epochs: number;
  /** Updates the parameters from their gradients. */
  readonly optimizer: StepOptimizer;
  /** The loss to minimise, e.g. `crossEntropy`. */
  readonly loss: LossFn;
  /** Metrics to report, e.g. `{ accuracy }`. */
  readonly metrics?: Metrics;
  /** Sets the learning rate: `schedule(t)` with t counted from 0 (see `scheduleBy`). */
  readonly schedule?: LrSchedule;
  /** Whether t in `schedule(t)` counts epochs (default) or steps. */
  readonly scheduleBy?: "epoch" | "step";
  /** Stop when a column stops improving (see {@link EarlyStoppingOptions}). */
  readonly earlyStopping?: EarlyStoppingOptions;
  /**
   * Runs after `backward()` and before the optimizer's step, while the gradients are in place:
   * for example `(m) => clipGradNorm(m.parameters(), 1)`.
   */
  readonly beforeStep?: (model: TrainableModel) => void;
  /** Runs after each epoch with its row and the history so far (e.g. to redraw a chart). */
  readonly onEpochEnd?: (record: EpochRecord, history: History) => void | Promise<void>;
  /**
   * The progress display: on by default (Jupyter display, terminal bar or one line per epoch,
   * whichever fits), `false` for none, or your own reporter.
   */
  readonly progress?: boolean | ProgressReporter;
  /**
   * A file to save the model to after every epoch (with `saveModule`; the model must be a
   * `Module`). Each save replaces the file atomically, so whatever stops the run (a NaN loss, an
   * exception, a lost GPU device) the file holds the last finished epoch's weights, and the
   * {@link TrainingError} says so (`err.checkpoint`).
   */
  readonly checkpoint?: string;
  /**
   * Steps between reads of the loss from the device (default 20). Each read stalls a GPU, so
   * fewer reads train faster; a NaN loss is caught at the next read, with the weights put back to
   * those of the last read. Every epoch's last step is read too.
   */
  readonly readEvery?: number;
}

const DEFAULT_READ_EVERY = 20;

function seconds(): number {
  return performance.now() / 1000;
}

function wholeNumber(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`fit: ${name} must be a whole number ≥ ${min}, got ${value}`);
  }
  return value;
}

/**
 * Trains `model` on `data.train` for `options.epochs` epochs and returns the {@link History}.
 *
 * Memory stays flat from epoch to epoch: each step's graph is freed by `tidy`, each batch is
 * disposed after its step, and the per-step values are freed when read. The model is left in the
 * train/eval mode it was in (when it reports one).
 *
 * A loss that turns NaN or infinite stops the run with a {@link TrainingError} that names the epoch
 * and step and carries the history so far (`err.history`); the parameters are put back to the
 * last values known to give a finite loss. Any other failure in a step is also a
 * `TrainingError` naming the step; on the first step that is usually a model output that does not
 * fit the target, and the message shows both shapes.
 *
 * @example
 * ```ts
 * const history = await fit(model, { train: trainLoader, validation: testLoader }, {
 *   epochs: 5,
 *   optimizer: new SGD(model.parameters(), { lr: 0.1 }),
 *   loss: crossEntropy,
 *   metrics: { accuracy },
 * });
 * await history.toDataFrame();
 * ```
 */
export async function fit(
  model: TrainableModel,
  data: FitData,
  options: FitOptions,
): Promise<History> {
  const epochs = wholeNumber("epochs", options.epochs, 1);
  const steps = wholeNumber("the training data's length (batches per epoch)", data.train.length, 1);
  const readEvery = wholeNumber("readEvery", options.readEvery ?? DEFAULT_READ_EVERY, 1);
  if (options.scheduleBy !== undefined && !["epoch", "step"].includes(options.scheduleBy)) {
    throw new Error(`fit: scheduleBy must be 'epoch' or 'step', got '${options.scheduleBy}'`);
  }
  const metrics = checkedMetrics("fit", options.metrics);
  const history = new History(Object.keys(metrics), data.validation !== undefined);
  const params = model.parameters();
  const stopper = options.earlyStopping
    ? new EarlyStopping(options.earlyStopping, history.epochColumns, params)
    : null;
  const reporter = createProgress(options.progress);
  const wasTraining = model.training;
  const checkpoint = checkpointOf(model, options.checkpoint);
  const run = new Run(model, data, options, metrics, history, params, readEvery, reporter);
  let note: string | undefined;
  let saved: SavedCheckpoint | null = null;
  try {
    options.optimizer.zeroGrad();
    await reporter?.start({ epochs, steps });
    let epoch = 0, stop = false;
    while (!stop && epoch < epochs) {
      epoch++;
      const record = await run.epoch(epoch, epochs);
      history.addEpoch(record);
      stop = stopper?.update(record) ?? false;
      if (checkpoint) {
        await saveModule(checkpoint.module, checkpoint.path);
        saved = { path: checkpoint.path, epoch };
      }
      await reporter?.epochEnd(record);
      await options.onEpochEnd?.(record, history);
    }
    if (stopper) {
      history.earlyStopping = stopper.finish(epoch, stop);
      if (stop) note = stoppedNote(history.earlyStopping, stopper.patience);
    }
    return history;
  } catch (err) {
    if (saved && err instanceof TrainingError) {
      throw new TrainingError(err.reason, err.position, err.history, err.cause, saved);
    }
    throw err;
  } finally {
    stopper?.dispose();
    run.dispose();
    if (wasTraining === true) model.train();
    if (wasTraining === false) model.eval();
    await reporter?.end(note);
  }
}

/** The model as a `Module` and the file to save it to, when a checkpoint is asked for. */
function checkpointOf(
  model: TrainableModel,
  path: string | undefined,
): { module: Module; path: string } | null {
  if (path === undefined) return null;
  if (!(model instanceof Module)) {
    throw new Error(
      "fit: checkpoint saves the model with saveModule, which needs a Module (a layer or " +
        "Sequential); this model is not one, so save it yourself in onEpochEnd instead",
    );
  }
  return { module: model, path };
}

/** The closing line of a run that stopped early. */
function stoppedNote(summary: EarlyStoppingSummary, patience: number): string {
  const epochs = `${patience} epoch${patience === 1 ? "" : "s"}`;
  const restored = summary.restored ? " (its weights were restored)" : "";
  return `early stopping after epoch ${summary.stoppedEpoch}: ${summary.monitor} did not ` +
    `improve for ${epochs}; best ${formatValue(summary.best)} at epoch ${summary.bestEpoch}` +
    restored;
}

/** One training run's state: the step count, the unread steps and the divergence guard. */
class Run {
  readonly #reader = new StepReader();
  /** The last weights known to give a finite loss, and the step they started. */
  readonly #guard: ParamSnapshot;
  #guardStep = 1;
  #step = 0;
  #lastFinite: { loss: number; step: number } | null = null;
  #shownLoss: number | undefined;

  constructor(
    readonly model: TrainableModel,
    readonly data: FitData,
    readonly options: FitOptions,
    readonly metrics: Metrics,
    readonly history: History,
    params: readonly Tensor[],
    readonly readEvery: number,
    readonly reporter: ProgressReporter | null,
  ) {
    this.#guard = new ParamSnapshot(params);
  }

  /** Trains one epoch, validates, and returns the epoch's row. */
  async epoch(epoch: number, epochs: number): Promise<EpochRecord> {
    const { model, data, options } = this;
    if (options.schedule && options.scheduleBy !== "step") {
      this.#setLr(epoch - 1, `fit: epoch ${epoch}: `);
    }
    model.train();
    const started = seconds();
    const batches = data.train.length;
    const totals = new Totals(1 + Object.keys(this.metrics).length);
    let batch = 0;
    let at: StepPosition = { epoch, batch: 0, batches, step: this.#step };
    const source = data.train[Symbol.iterator]();
    for (;;) {
      at = { epoch, batch: batch + 1, batches, step: this.#step + 1 };
      let next: IteratorResult<SupervisedBatch>;
      try {
        next = source.next();
      } catch (err) {
        // The source made its tensors on the device, so a lost device (or a bad file) shows here.
        throw await this.#failure(err, at, "the training data failed: ");
      }
      if (next.done) break;
      const b = next.value;
      batch++;
      this.#step++;
      try {
        await this.#trainStep(b, at, totals, batch >= batches);
      } catch (err) {
        throw await this.#failure(err, at);
      } finally {
        disposeBatch(b);
      }
      await this.reporter?.update({
        epoch,
        epochs,
        step: batch,
        steps: batches,
        elapsedSeconds: seconds() - started,
        loss: this.#shownLoss,
      });
    }
    // Only a source that gave fewer batches than its length says leaves steps unread here.
    if (this.#reader.size > 0) this.#record(await this.#reader.read(), totals);
    if (totals.examples === 0) {
      throw new TrainingError(
        "the training data gave no batches this epoch; check that it is not empty and that it " +
          "can be iterated more than once",
        at,
        this.history,
      );
    }
    const names = ["loss", ...Object.keys(this.metrics)];
    const means = totals.means();
    const record: Record<string, number> = { epoch };
    names.forEach((name, i) => record[`train_${name}`] = means[i]);
    if (data.validation) {
      let scores: Record<string, number>;
      try {
        scores = await evaluate(model, data.validation, {
          loss: options.loss,
          metrics: this.metrics,
        });
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        throw new TrainingError(`validation failed: ${message}`, at, this.history, err);
      }
      for (const name of names) record[`val_${name}`] = scores[name];
    }
    record.lr = options.optimizer.lr;
    record.seconds = seconds() - started;
    return record;
  }

  /** Frees the unread steps and the guard's copy of the weights. */
  dispose(): void {
    this.#reader.dispose();
    this.#guard.dispose();
  }

  /**
   * One step. The values are read before the optimizer's step when a chunk is due (and at the
   * epoch's last step), so a NaN found then has not reached the weights through this step.
   */
  async #trainStep(
    batch: SupervisedBatch,
    at: StepPosition,
    totals: Totals,
    last: boolean,
  ): Promise<void> {
    const { options } = this;
    const examples = checkBatch(batch);
    if (options.schedule && options.scheduleBy === "step") this.#setLr(at.step - 1);
    const row = valuesOfStep(this.model, batch, options.loss, this.metrics);
    this.#reader.push({ at, examples, lr: options.optimizer.lr, row });
    if (last || this.#reader.size >= this.readEvery) {
      this.#record(await this.#reader.read(), totals);
      // Every loss so far was finite, including this step's, computed from the current weights.
      this.#guard.update();
      this.#guardStep = at.step;
    }
    options.beforeStep?.(this.model);
    options.optimizer.step();
    options.optimizer.zeroGrad();
  }

  /** Adds read steps to the history and the epoch totals; stops at the first non-finite loss. */
  #record(steps: readonly ReadStep[], totals: Totals): void {
    let shown = 0;
    for (const s of steps) {
      const loss = s.values[0];
      if (!Number.isFinite(loss)) throw this.#divergence(s);
      this.#addStepRow(s);
      totals.add(s.values, s.examples);
      this.#lastFinite = { loss, step: s.at.step };
      shown += loss;
    }
    if (steps.length > 0) this.#shownLoss = shown / steps.length;
  }

  #addStepRow(s: ReadStep): void {
    const row: Record<string, number> = { step: s.at.step, epoch: s.at.epoch, batch: s.at.batch };
    ["loss", ...Object.keys(this.metrics)].forEach((name, i) => row[name] = s.values[i]);
    row.lr = s.lr;
    this.history.addStep(row);
  }

  /** Puts the guarded weights back and gives the error for the non-finite loss of step `s`. */
  #divergence(s: ReadStep, cause?: unknown): TrainingError {
    this.#guard.restore();
    this.options.optimizer.zeroGrad();
    return new TrainingError(
      divergedMessage({
        loss: s.values[0],
        lastFinite: this.#lastFinite,
        restoredTo: this.#guardStep,
        lr: s.lr,
      }),
      s.at,
      this.history,
      cause,
    );
  }

  /**
   * The error to end the run with after `err` at `at`. Steps not yet read are read into the
   * history first, so that it shows what led up to the failure. When one of them has a
   * non-finite loss the run diverged (an optimizer that checks its gradients throws before we
   * read), and that is the error to report, with the weights put back.
   */
  async #failure(err: unknown, at: StepPosition, what = ""): Promise<Error> {
    if (err instanceof TrainingError) return err;
    this.options.optimizer.zeroGrad();
    let unread: ReadStep[] = [];
    try {
      unread = await this.#reader.read();
    } catch {
      // The read is a courtesy: the original error is the one to report.
      this.#reader.dispose();
    }
    for (const s of unread) {
      if (!Number.isFinite(s.values[0])) return this.#divergence(s, err);
      this.#addStepRow(s);
      this.#lastFinite = { loss: s.values[0], step: s.at.step };
    }
    const message = err instanceof Error ? err.message : String(err);
    return new TrainingError(what + message, at, this.history, err);
  }

  /** Sets the rate to `schedule(t)`; `where` starts the error message. */
  #setLr(t: number, where = ""): void {
    const lr = this.options.schedule!(t);
    if (!Number.isFinite(lr) || lr < 0) {
      throw new Error(
        `${where}the schedule gave the learning rate ${lr} at t = ${t}; it must be a finite ` +
          "number ≥ 0",
      );
    }
    this.options.optimizer.lr = lr;
  }
}

/**
 * Forward, loss and backward for one batch inside a `tidy`, so the graph is freed at once.
 * Returns the loss and the metrics as one 1-D tensor, still on the device.
 */
function valuesOfStep(
  model: TrainableModel,
  batch: SupervisedBatch,
  loss: LossFn,
  metrics: Metrics,
): Tensor {
  return tidy(() => {
    const out = forwardOf(model, batch.x);
    const value = lossOf(loss, out, batch.y);
    backward(value);
    return noGrad(() => {
      const values = [
        value.detach(),
        ...Object.entries(metrics).map(([name, fn]) => metricOf(name, fn, out, batch.y)),
      ];
      return stack(values.map((v) => reshape(v, [])));
    });
  });
}

/** Sums of batch means weighted by batch size, for the epoch's averages. */
class Totals {
  readonly #sums: Float64Array;
  examples = 0;

  constructor(width: number) {
    this.#sums = new Float64Array(width);
  }

  add(values: readonly number[], examples: number): void {
    values.forEach((v, i) => this.#sums[i] += v * examples);
    this.examples += examples;
  }

  means(): number[] {
    return Array.from(this.#sums, (s) => s / this.examples);
  }
}
