/**
 * Training: `fit` runs the loop (tidy-scoped steps, chunked reads, validation, early stopping,
 * learning-rate schedules, NaN detection, live progress) and returns a {@link History} that exports
 * to polars, CSV and Parquet; `evaluate` measures a model on a data source.
 *
 * The trainer works with any model, optimizer and data source that fit the small interfaces in
 * `contracts.ts`: the library's `Module`, optimizers and `DataLoader` do.
 *
 * @example
 * ```ts
 * const history = await fit(model, { train, validation }, {
 *   epochs: 10,
 *   optimizer: new SGD(model.parameters(), { lr: 0.1 }),
 *   loss: crossEntropy,
 *   metrics: { accuracy },
 *   earlyStopping: { patience: 3, restoreBest: true },
 * });
 * await history.writeCsv("history.csv");
 * ```
 *
 * @module
 */

export { accuracy } from "./accuracy.ts";
export type {
  BatchSource,
  LossFn,
  LrSchedule,
  MetricFn,
  Metrics,
  StepOptimizer,
  SupervisedBatch,
  TrainableModel,
} from "./contracts.ts";
export { EarlyStopping, type EarlyStoppingOptions } from "./early_stopping.ts";
export { evaluate, type EvaluateOptions } from "./evaluate.ts";
export { fit, type FitData, type FitOptions } from "./fit.ts";
export {
  type EarlyStoppingSummary,
  type EpochRecord,
  History,
  type HistoryTable,
  type StepRecord,
} from "./history.ts";
export { ParamSnapshot } from "./param_snapshot.ts";
export {
  type Broadcast,
  createProgress,
  EpochLog,
  jupyterBroadcast,
  JupyterProgress,
  type ProgressReporter,
  type RedrawOptions,
  type RunPlan,
  TerminalBar,
} from "./progress.ts";
export {
  epochText,
  etaSeconds,
  formatDuration,
  formatValue,
  progressHtml,
  progressPlain,
  type ProgressState,
  progressText,
} from "./progress_render.ts";
export {
  describePosition,
  divergedMessage,
  type Divergence,
  type SavedCheckpoint,
  type StepPosition,
  TrainingError,
} from "./training_error.ts";
