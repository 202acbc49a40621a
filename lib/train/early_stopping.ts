/**
 * Early stopping: end training once a monitored column has not improved for `patience` epochs,
 * optionally putting back the weights of the best epoch.
 *
 * @module
 */

import type { Tensor } from "../tensor/tensor.ts";
import type { EarlyStoppingSummary, EpochRecord } from "./history.ts";
import { ParamSnapshot } from "./param_snapshot.ts";

/** Options of early stopping, given to `fit` as `earlyStopping`. */
export interface EarlyStoppingOptions {
  /**
   * The epoch column to watch (see {@link EpochRecord}): default `val_loss` when there is
   * validation data, `train_loss` otherwise.
   */
  readonly monitor?: string;
  /** Whether smaller or larger is better. Default: `min` for a loss column, `max` otherwise. */
  readonly mode?: "min" | "max";
  /** Epochs without improvement to allow before stopping (default 3). */
  readonly patience?: number;
  /** An improvement must beat the best value by more than this (default 0). */
  readonly minDelta?: number;
  /**
   * Put the best epoch's weights back when training ends (default false). It keeps a copy of the
   * parameters, made at each improvement and freed at the end.
   */
  readonly restoreBest?: boolean;
}

/** Tracks the monitored column epoch by epoch and decides when to stop. */
export class EarlyStopping {
  /** The watched column. */
  readonly monitor: string;
  /** Whether smaller or larger values are better. */
  readonly mode: "min" | "max";
  /** Epochs without improvement allowed. */
  readonly patience: number;
  /** The margin an improvement must clear. */
  readonly minDelta: number;
  readonly #params: readonly Tensor[];
  readonly #restoreBest: boolean;
  #best = NaN;
  #bestEpoch = 0;
  #wait = 0;
  #snapshot: ParamSnapshot | null = null;

  /**
   * Checks `options` against the run's epoch `columns`; `params` are the weights to snapshot when
   * `restoreBest` is on.
   */
  constructor(
    options: EarlyStoppingOptions,
    columns: readonly string[],
    params: readonly Tensor[],
  ) {
    const withValidation = columns.includes("val_loss");
    this.monitor = options.monitor ?? (withValidation ? "val_loss" : "train_loss");
    const measured = columns.filter((c) => c.startsWith("train_") || c.startsWith("val_"));
    if (!measured.includes(this.monitor)) {
      const hint = this.monitor.startsWith("val_") && !withValidation
        ? "; it needs validation data: fit(model, { train, validation }, …)"
        : "";
      throw new Error(
        `earlyStopping: cannot monitor '${this.monitor}'; the run records ${
          measured.join(", ")
        }${hint}`,
      );
    }
    this.mode = options.mode ?? (this.monitor.endsWith("loss") ? "min" : "max");
    if (this.mode !== "min" && this.mode !== "max") {
      throw new Error(`earlyStopping: mode must be 'min' or 'max', got '${this.mode}'`);
    }
    this.patience = options.patience ?? 3;
    if (!Number.isInteger(this.patience) || this.patience < 1) {
      throw new Error(
        `earlyStopping: patience must be a whole number of epochs ≥ 1, got ${this.patience}`,
      );
    }
    this.minDelta = options.minDelta ?? 0;
    if (!(this.minDelta >= 0)) {
      throw new Error(`earlyStopping: minDelta must be ≥ 0, got ${this.minDelta}`);
    }
    this.#params = params;
    this.#restoreBest = options.restoreBest ?? false;
  }

  /** The best value so far (NaN before the first finite one). */
  get best(): number {
    return this.#best;
  }

  /** The epoch (from 1) of the best value, 0 before any. */
  get bestEpoch(): number {
    return this.#bestEpoch;
  }

  /** Takes a finished epoch's row; returns whether training should stop now. */
  update(record: EpochRecord): boolean {
    const value = record[this.monitor];
    if (this.#improves(value)) {
      this.#best = value;
      this.#bestEpoch = record.epoch;
      this.#wait = 0;
      if (this.#restoreBest) {
        if (this.#snapshot) this.#snapshot.update();
        else this.#snapshot = new ParamSnapshot(this.#params);
      }
      return false;
    }
    return ++this.#wait >= this.patience;
  }

  /**
   * Ends the run after `lastEpoch`: puts the best weights back when asked and they are not already
   * the current ones, frees the copy, and says how it went.
   */
  finish(lastEpoch: number, stopped: boolean): EarlyStoppingSummary {
    const restore = this.#snapshot !== null && this.#bestEpoch !== lastEpoch;
    if (restore) this.#snapshot!.restore();
    this.dispose();
    return {
      monitor: this.monitor,
      best: this.#best,
      bestEpoch: this.#bestEpoch,
      stoppedEpoch: stopped ? lastEpoch : null,
      restored: restore,
    };
  }

  /** Frees the weight copy, if any. */
  dispose(): void {
    this.#snapshot?.dispose();
    this.#snapshot = null;
  }

  #improves(value: number): boolean {
    // NaN never improves (every comparison with it is false); the first finite value always does.
    if (!Number.isFinite(this.#best)) return Number.isFinite(value);
    return this.mode === "min"
      ? value < this.#best - this.minDelta
      : value > this.#best + this.minDelta;
  }
}
