/**
 * Live training progress, wherever the code runs. In Jupyter, one display updated in place through
 * the same {@link LiveDisplay} that live charts use (`Deno.jupyter.broadcast` with a `display_id`,
 * then `update_display_data`); in a terminal, a bar redrawn with carriage returns on stderr;
 * elsewhere (CI logs, pipes), one line per epoch. What is shown comes from the pure functions in
 * `progress_render.ts`.
 *
 * @module
 */

import { type Broadcast, jupyterBroadcast, LiveDisplay } from "../viz/live.ts";
import { Throttle } from "../viz/throttle.ts";
import type { EpochRecord } from "./history.ts";
import {
  epochText,
  progressHtml,
  progressPlain,
  type ProgressState,
  progressText,
} from "./progress_render.ts";

/** The shape of a run, given when it starts. */
export interface RunPlan {
  /** Epochs in the run. */
  readonly epochs: number;
  /** Steps per epoch. */
  readonly steps: number;
}

/**
 * Receives progress from `fit`. Pass your own as `fit`'s `progress` option to log elsewhere;
 * returned promises are awaited.
 */
export interface ProgressReporter {
  /** The run starts. */
  start(plan: RunPlan): void | Promise<void>;
  /** A step finished. Called every step; throttle the drawing. */
  update(state: ProgressState): void | Promise<void>;
  /** An epoch finished with this row. */
  epochEnd(record: EpochRecord): void | Promise<void>;
  /** The run ended (also after an error), with an optional closing note such as early stopping. */
  end(note?: string): void | Promise<void>;
}

// The live display lives in lib/viz; these stay importable from here, where they began.
export { type Broadcast, jupyterBroadcast };

/** Timing of the live views; tests pass a fake clock. */
export interface RedrawOptions {
  /** Least time between two redraws of the live bar, in ms (default 200). */
  readonly intervalMs?: number;
  /** The clock, in ms (default `performance.now`). */
  readonly now?: () => number;
}

/**
 * Progress in a Jupyter notebook: one display made at the start and updated in place, showing the
 * finished epochs' lines and the live bar.
 */
export class JupyterProgress implements ProgressReporter {
  /** The id that ties the updates to the display. */
  readonly displayId: string;
  readonly #broadcast: Broadcast;
  readonly #options: RedrawOptions;
  readonly #finished: string[] = [];
  #display: LiveDisplay | null = null;
  #epochs = 0;
  #state: ProgressState | null = null;
  #note: string | undefined;

  /** Sends through `broadcast` (normally `Deno.jupyter.broadcast`). */
  constructor(broadcast: Broadcast, options: RedrawOptions & { readonly displayId?: string } = {}) {
    this.#broadcast = broadcast;
    this.#options = options;
    this.displayId = options.displayId ?? `fdl-progress-${crypto.randomUUID()}`;
  }

  /** Makes the display. */
  start(plan: RunPlan): Promise<void> {
    this.#epochs = plan.epochs;
    this.#state = { epoch: 1, epochs: plan.epochs, step: 0, steps: plan.steps, elapsedSeconds: 0 };
    this.#display = new LiveDisplay({
      broadcast: this.#broadcast,
      displayId: this.displayId,
      intervalMs: this.#options.intervalMs ?? 200,
      now: this.#options.now,
    });
    return this.#display.update(this.#bundle());
  }

  /** Redraws the bar, at most once per interval (a held redraw follows when the interval ends). */
  update(state: ProgressState): Promise<void> {
    this.#state = state;
    return this.#live("update").update(() => this.#bundle());
  }

  /** Adds the epoch's line; always redraws. */
  epochEnd(record: EpochRecord): Promise<void> {
    this.#finished.push(epochText(record, this.#epochs));
    this.#state = null;
    return this.#live("epochEnd").update(this.#bundle(), { force: true });
  }

  /** Drops the bar and adds the note; always redraws. Nothing if the run never started. */
  async end(note?: string): Promise<void> {
    const display = this.#display;
    // fit calls end() even when it failed before start(); its error is the one to see.
    if (display === null) return;
    this.#display = null;
    this.#state = null;
    this.#note = note;
    await display.update(this.#bundle(), { force: true });
    await display.close();
  }

  #live(method: string): LiveDisplay {
    if (this.#display === null) throw new Error(`JupyterProgress.${method}: call start() first`);
    return this.#display;
  }

  #bundle(): Record<string, string> {
    return {
      "text/plain": progressPlain(this.#state, this.#finished, this.#note),
      "text/html": progressHtml(this.#state, this.#finished, this.#note),
    };
  }
}

/**
 * Progress in a terminal: the bar redrawn in place with a carriage return, and a line left behind
 * by each finished epoch.
 */
export class TerminalBar implements ProgressReporter {
  readonly #write: (text: string) => void;
  readonly #throttle: Throttle;
  #epochs = 0;
  #drawn = false;

  /** Draws through `write` (normally to stderr). */
  constructor(write: (text: string) => void, options: RedrawOptions = {}) {
    this.#write = write;
    this.#throttle = new Throttle({ intervalMs: options.intervalMs ?? 200, now: options.now });
  }

  /** Notes the number of epochs. */
  start(plan: RunPlan): void {
    this.#epochs = plan.epochs;
  }

  /** Redraws the bar over itself, at most once per interval. */
  update(state: ProgressState): void {
    if (!this.#throttle.ready()) return;
    // \x1b[K clears what a longer previous line left to the right.
    this.#write(`\r${progressText(state)}\x1b[K`);
    this.#drawn = true;
  }

  /** Replaces the bar with the epoch's line. */
  epochEnd(record: EpochRecord): void {
    this.#write(`\r${epochText(record, this.#epochs)}\x1b[K\n`);
    this.#drawn = false;
  }

  /** Ends a bar left mid-line (a run that failed) and prints the note. */
  end(note?: string): void {
    if (this.#drawn) this.#write("\n");
    this.#drawn = false;
    if (note) this.#write(`${note}\n`);
  }
}

/** Progress for logs that are not a terminal (CI, files): one line per finished epoch. */
export class EpochLog implements ProgressReporter {
  readonly #write: (text: string) => void;
  #epochs = 0;

  /** Writes through `write` (normally to stderr). */
  constructor(write: (text: string) => void) {
    this.#write = write;
  }

  /** Notes the number of epochs. */
  start(plan: RunPlan): void {
    this.#epochs = plan.epochs;
  }

  /** Nothing: a log gets no live bar. */
  update(): void {}

  /** Writes the epoch's line. */
  epochEnd(record: EpochRecord): void {
    this.#write(`${epochText(record, this.#epochs)}\n`);
  }

  /** Writes the note, if any. */
  end(note?: string): void {
    if (note) this.#write(`${note}\n`);
  }
}

const encoder = new TextEncoder();

function writeStderr(text: string): void {
  const bytes = encoder.encode(text);
  for (let done = 0; done < bytes.length;) done += Deno.stderr.writeSync(bytes.subarray(done));
}

/**
 * The reporter for `fit`'s `progress` option: none for `false`, the given one as is, and otherwise
 * the right one for where the code runs (Jupyter, a terminal, or a log).
 */
export function createProgress(option?: boolean | ProgressReporter): ProgressReporter | null {
  if (option === false) return null;
  if (typeof option === "object" && option !== null) return option;
  const broadcast = jupyterBroadcast();
  if (broadcast) return new JupyterProgress(broadcast);
  return Deno.stderr.isTerminal() ? new TerminalBar(writeStderr) : new EpochLog(writeStderr);
}
