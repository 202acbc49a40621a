/**
 * The record of a training run: one row per epoch (train and validation loss and metrics, learning
 * rate, seconds) and one row per step (the batch loss and metrics), as arrays, polars DataFrames,
 * CSV or Parquet.
 *
 * nodejs-polars loads a native library when imported, which needs Deno's ffi, sys, env, read and
 * write permissions; it is imported on first use, so training itself runs without them.
 *
 * @module
 */

import type { DataFrame } from "nodejs-polars";

/**
 * One epoch's row: `epoch` (from 1), `train_loss`, `train_<metric>` for each metric, `val_loss`
 * and `val_<metric>` when there is validation data, `lr` (the rate at the epoch's last step) and
 * `seconds` (wall time, validation included).
 */
export type EpochRecord = Readonly<Record<string, number>>;

/**
 * One step's row: `step` (counted from 1 over the whole run), `epoch`, `batch` (from 1 within the
 * epoch), `loss`, the batch value of each metric, and `lr`.
 */
export type StepRecord = Readonly<Record<string, number>>;

/** Which of the two tables to export. */
export type HistoryTable = "epochs" | "steps";

/** How early stopping ended, when it was on. */
export interface EarlyStoppingSummary {
  /** The monitored column, e.g. `val_loss`. */
  readonly monitor: string;
  /** Its best value. */
  readonly best: number;
  /** The epoch (from 1) that reached it. */
  readonly bestEpoch: number;
  /** The epoch after which training stopped early, or null when it ran all epochs. */
  readonly stoppedEpoch: number | null;
  /** Whether the best epoch's weights were put back into the model. */
  readonly restored: boolean;
}

/** Columns that hold counts, stored as int32 in tables. */
const COUNT_COLUMNS = new Set(["epoch", "step", "batch"]);

/** What {@link fit} returns: per-epoch and per-step rows, with export to tables and files. */
export class History {
  /** Epoch columns, in table order. */
  readonly epochColumns: readonly string[];
  /** Step columns, in table order. */
  readonly stepColumns: readonly string[];
  /** How early stopping ended; null when it was off. */
  earlyStopping: EarlyStoppingSummary | null = null;
  readonly #epochs: EpochRecord[] = [];
  readonly #steps: StepRecord[] = [];

  /** An empty history for a run with these metric names, with or without validation data. */
  constructor(metricNames: readonly string[], withValidation: boolean) {
    const measured = ["loss", ...metricNames];
    this.epochColumns = [
      "epoch",
      ...measured.map((m) => `train_${m}`),
      ...(withValidation ? measured.map((m) => `val_${m}`) : []),
      "lr",
      "seconds",
    ];
    this.stepColumns = ["step", "epoch", "batch", ...measured, "lr"];
  }

  /** One row per finished epoch. */
  get epochs(): readonly EpochRecord[] {
    return this.#epochs;
  }

  /** One row per step whose loss has been read (all of them once an epoch has finished). */
  get steps(): readonly StepRecord[] {
    return this.#steps;
  }

  /** Appends an epoch row; it must have exactly the epoch columns. */
  addEpoch(record: EpochRecord): void {
    this.#epochs.push(checkedRow("epoch", this.epochColumns, record));
  }

  /** Appends a step row; it must have exactly the step columns. */
  addStep(record: StepRecord): void {
    this.#steps.push(checkedRow("step", this.stepColumns, record));
  }

  /** The values of one epoch column, e.g. `history.column("val_loss")`. */
  column(name: string): number[] {
    if (!this.epochColumns.includes(name)) {
      throw new Error(
        `History: no column '${name}'; the epoch columns are ${this.epochColumns.join(", ")}`,
      );
    }
    return this.#epochs.map((r) => r[name]);
  }

  /** The epoch rows as a polars DataFrame, one row per epoch. */
  toDataFrame(): Promise<DataFrame> {
    return frame(this.epochColumns, this.#epochs);
  }

  /** The step rows as a polars DataFrame, one row per step. */
  stepsDataFrame(): Promise<DataFrame> {
    return frame(this.stepColumns, this.#steps);
  }

  /** Writes the epoch table (or, with `"steps"`, the step table) to a CSV file at `path`. */
  async writeCsv(path: string, table: HistoryTable = "epochs"): Promise<void> {
    (await this.#table(table)).writeCSV(path);
  }

  /** Writes the epoch table (or, with `"steps"`, the step table) to a Parquet file at `path`. */
  async writeParquet(path: string, table: HistoryTable = "epochs"): Promise<void> {
    (await this.#table(table)).writeParquet(path);
  }

  #table(table: HistoryTable): Promise<DataFrame> {
    if (table === "epochs") return this.toDataFrame();
    if (table === "steps") return this.stepsDataFrame();
    throw new Error(`History: the table must be 'epochs' or 'steps', got '${table}'`);
  }
}

function checkedRow(
  kind: string,
  columns: readonly string[],
  row: Readonly<Record<string, number>>,
): Readonly<Record<string, number>> {
  const keys = Object.keys(row);
  if (keys.length !== columns.length || columns.some((c) => !(c in row))) {
    throw new Error(
      `History: a ${kind} row needs the columns ${columns.join(", ")}, got ${keys.join(", ")}`,
    );
  }
  return Object.freeze({ ...row });
}

async function frame(
  columns: readonly string[],
  rows: readonly Readonly<Record<string, number>>[],
): Promise<DataFrame> {
  const pl = (await import("nodejs-polars")).default;
  return pl.DataFrame(
    Object.fromEntries(columns.map((c) => {
      const values = rows.map((r) => r[c]);
      return [c, COUNT_COLUMNS.has(c) ? Int32Array.from(values) : Float64Array.from(values)];
    })),
  );
}
