/**
 * What the progress display shows, as pure functions of the training state: the live bar line
 * (epoch, step/total, percentage, ETA, loss), the line each finished epoch leaves, and the HTML
 * that Jupyter shows. Keeping them pure keeps them testable without a terminal or a kernel.
 *
 * @module
 */

import { escapeXml as escapeHtml } from "../viz/svg.ts";
import type { EpochRecord } from "./history.ts";

/** Where training is within an epoch. */
export interface ProgressState {
  /** The epoch, from 1. */
  readonly epoch: number;
  /** Epochs in the run. */
  readonly epochs: number;
  /** Steps finished in this epoch. */
  readonly step: number;
  /** Steps per epoch. */
  readonly steps: number;
  /** Seconds since the epoch started. */
  readonly elapsedSeconds: number;
  /** The latest loss read (the mean over the last chunk of steps), if any yet. */
  readonly loss?: number;
}

/** Characters of the text bar. */
const BAR_WIDTH = 24;

/** Seconds as `m:ss`, or `h:mm:ss` from an hour up; `--:--` when unknown. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "--:--";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), rest = s % 60;
  const ss = String(rest).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** Seconds left in the epoch at the pace so far; null before the first step. */
export function etaSeconds(state: ProgressState): number | null {
  if (state.step <= 0) return null;
  return state.elapsedSeconds / state.step * Math.max(0, state.steps - state.step);
}

/** A loss or metric for display: 4 decimals, or 4 significant digits when very large or small. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(3) : v.toFixed(4);
}

/** Whole percent of the epoch done. */
function percent(state: ProgressState): number {
  return state.steps > 0 ? Math.floor(100 * Math.min(state.step, state.steps) / state.steps) : 0;
}

/**
 * The live line, e.g. `epoch 2/10 [██████░░░░░░] 45/100  45% ETA 0:12 loss 0.3421`. The loss is
 * left out until one has been read.
 */
export function progressText(state: ProgressState): string {
  const filled = state.steps > 0
    ? Math.round(BAR_WIDTH * Math.min(state.step, state.steps) / state.steps)
    : 0;
  const bar = "█".repeat(filled) + "░".repeat(BAR_WIDTH - filled);
  return `${counts(state)} [${bar}] ${tail(state)}`;
}

function counts(state: ProgressState): string {
  return `epoch ${state.epoch}/${state.epochs}`;
}

function tail(state: ProgressState): string {
  const eta = etaSeconds(state);
  const loss = state.loss === undefined ? "" : ` loss ${formatValue(state.loss)}`;
  return `${state.step}/${state.steps} ${String(percent(state)).padStart(3)}% ` +
    `ETA ${formatDuration(eta ?? NaN)}${loss}`;
}

/**
 * The line a finished epoch leaves, e.g. `epoch 2/10 3.2s train_loss 0.4123 val_loss 0.4500
 * lr 0.1000`: every measured column in table order, then the learning rate.
 */
export function epochText(record: EpochRecord, epochs: number): string {
  const measured = Object.entries(record)
    .filter(([k]) => k !== "epoch" && k !== "seconds" && k !== "lr")
    .map(([k, v]) => `${k} ${formatValue(v)}`);
  return [
    `epoch ${record.epoch}/${epochs}`,
    `${record.seconds.toFixed(1)}s`,
    ...measured,
    `lr ${formatValue(record.lr)}`,
  ].join(" ");
}

/**
 * The Jupyter view: the finished epochs' lines, then the live bar as an HTML `<progress>` element
 * (when an epoch is under way), then an optional closing note.
 */
export function progressHtml(
  state: ProgressState | null,
  finished: readonly string[],
  note?: string,
): string {
  const lines = finished.map((line) => `<div>${escapeHtml(line)}</div>`);
  if (state) {
    lines.push(
      `<div>${escapeHtml(counts(state))} <progress value="${Math.min(state.step, state.steps)}" ` +
        `max="${Math.max(state.steps, 1)}" style="width:16em;vertical-align:middle"></progress> ` +
        `${escapeHtml(tail(state))}</div>`,
    );
  }
  if (note) lines.push(`<div>${escapeHtml(note)}</div>`);
  return `<div style="font-family:monospace;font-size:12px;line-height:1.5">${
    lines.join("")
  }</div>`;
}

/** The plain-text form of the Jupyter view, for front ends without HTML. */
export function progressPlain(
  state: ProgressState | null,
  finished: readonly string[],
  note?: string,
): string {
  return [...finished, ...(state ? [progressText(state)] : []), ...(note ? [note] : [])].join("\n");
}
