/**
 * Displays that update in place: in Jupyter, one output shown with a `display_id` and later
 * replaced through `update_display_data`, at most a few times a second. Training progress and live
 * learning curves both go through it.
 *
 * @module
 */

import { Throttle } from "./throttle.ts";

/**
 * `Deno.jupyter.broadcast`'s shape: sends one message on the kernel's IOPub channel. Deno 2.9's
 * sends synchronously and returns undefined, though its types promise a Promise; both are allowed.
 */
export type Broadcast = (
  msgType: string,
  content: Record<string, unknown>,
) => Promise<void> | void;

/** A Jupyter MIME bundle: MIME type to content (text, or an object for JSON types). */
export type MimeBundle = Record<string, unknown>;

/** `Deno.jupyter.broadcast` when running in the Deno Jupyter kernel, else null. */
export function jupyterBroadcast(): Broadcast | null {
  try {
    // Outside `deno jupyter` the `Deno.jupyter` getter throws instead of giving undefined.
    const jupyter = (Deno as unknown as { jupyter?: { broadcast?: Broadcast } }).jupyter;
    return typeof jupyter?.broadcast === "function" ? jupyter.broadcast.bind(jupyter) : null;
  } catch {
    return null;
  }
}

/**
 * Sends one message through `broadcast`, as a promise whether it returns one or not, and with a
 * synchronous failure turned into a rejection.
 */
export function emit(
  broadcast: Broadcast,
  msgType: string,
  content: Record<string, unknown>,
): Promise<void> {
  try {
    return Promise.resolve(broadcast(msgType, content));
  } catch (err) {
    return Promise.reject(err);
  }
}

/** Schedules `flush` after `ms` milliseconds; returns a function that cancels it. */
export type FlushTimer = (flush: () => void, ms: number) => () => void;

/** A timer that does not keep a script alive just to draw a last frame. */
const unrefTimer: FlushTimer = (flush, ms) => {
  const id = setTimeout(flush, ms);
  Deno.unrefTimer(id);
  return () => clearTimeout(id);
};

/** Options of {@link LiveDisplay}. */
export interface LiveDisplayOptions {
  /**
   * Where messages go (default: `Deno.jupyter.broadcast` in the Jupyter kernel). With none, the
   * display sends nothing and only `fallback` sees the updates.
   */
  readonly broadcast?: Broadcast | null;
  /** Receives each bundle that would be shown, when there is no Jupyter kernel (e.g. a terminal). */
  readonly fallback?: (bundle: MimeBundle) => void;
  /** Least time between two updates, in ms (default 250: four a second). */
  readonly intervalMs?: number;
  /** The clock, in ms (default `performance.now`). */
  readonly now?: () => number;
  /**
   * Schedules the sending of a held update once the interval has passed, so the last value shows
   * even if no further update comes; null to only send held updates on `flush` or `close`.
   * Default: an unref'd `setTimeout`.
   */
  readonly timer?: FlushTimer | null;
  /** The display's id (default: a random `fdl-live-…`). */
  readonly displayId?: string;
}

/** An update's content, or a function that makes it (called only when it is sent). */
export type BundleSource = MimeBundle | (() => MimeBundle);

/**
 * One output that updates in place. The first `update` shows it (`display_data` with a
 * `display_id`); later ones replace it (`update_display_data`), throttled: an update that comes
 * too soon after the last is held, and sent when the interval has passed, on `flush()`, or on
 * `close()`, whichever comes first. Outside Jupyter it shows nothing unless given a `fallback`.
 *
 * @example
 * ```ts
 * const live = new LiveDisplay();
 * for (let i = 0; i <= 100; i++) {
 *   live.update(() => ({ "text/plain": `${i}%` })); // rendered only when sent
 * }
 * await live.close(); // shows "100%"
 * ```
 */
export class LiveDisplay {
  /** The id that ties updates to the display. */
  readonly displayId: string;
  readonly #broadcast: Broadcast | null;
  readonly #fallback: ((bundle: MimeBundle) => void) | null;
  readonly #throttle: Throttle;
  readonly #timer: FlushTimer | null;
  #shown = false;
  #closed = false;
  #held: BundleSource | null = null;
  #cancelTimer: (() => void) | null = null;

  /** A display that will be shown on its first update. */
  constructor(options: LiveDisplayOptions = {}) {
    this.#broadcast = options.broadcast === undefined ? jupyterBroadcast() : options.broadcast;
    this.#fallback = options.fallback ?? null;
    this.#throttle = new Throttle({ intervalMs: options.intervalMs ?? 250, now: options.now });
    this.#timer = options.timer === undefined ? unrefTimer : options.timer;
    this.displayId = options.displayId ?? `fdl-live-${crypto.randomUUID()}`;
  }

  /** Whether updates go anywhere (a Jupyter kernel or a fallback). */
  get active(): boolean {
    return this.#broadcast !== null || this.#fallback !== null;
  }

  /**
   * Shows `content` now if the interval since the last update has passed (or `force`), else holds
   * it, replacing any update held before.
   *
   * @throws after `close()`.
   */
  update(content: BundleSource, options: { force?: boolean } = {}): Promise<void> {
    if (this.#closed) throw new Error(`LiveDisplay ${this.displayId}: update after close()`);
    if (!this.active) return Promise.resolve();
    if (options.force) this.#throttle.mark();
    else if (!this.#throttle.ready()) {
      this.#held = content;
      this.#armTimer();
      return Promise.resolve();
    }
    return this.#send(content);
  }

  /** Sends the held update, if any, now. */
  flush(): Promise<void> {
    const held = this.#held;
    if (held === null) return Promise.resolve();
    this.#throttle.mark();
    return this.#send(held);
  }

  /** Sends the held update, if any; later updates are errors. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.flush();
    this.#closed = true;
  }

  #armTimer(): void {
    if (this.#cancelTimer !== null || this.#timer === null) return;
    this.#cancelTimer = this.#timer(() => {
      this.#cancelTimer = null;
      // A late update has no caller to hand a failure to, so it is reported here.
      this.flush().catch((err) => console.error(`LiveDisplay ${this.displayId}: ${err}`));
    }, this.#throttle.wait());
  }

  #send(content: BundleSource): Promise<void> {
    this.#held = null;
    this.#cancelTimer?.();
    this.#cancelTimer = null;
    const data = typeof content === "function" ? content() : content;
    if (this.#broadcast === null) {
      this.#fallback?.(data);
      return Promise.resolve();
    }
    const type = this.#shown ? "update_display_data" : "display_data";
    this.#shown = true;
    return emit(this.#broadcast, type, {
      data,
      metadata: {},
      transient: { display_id: this.displayId },
    });
  }
}
