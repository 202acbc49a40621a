/**
 * A gate that lets redraws through at most once per interval, on a clock that tests can replace.
 *
 * @module
 */

/** Timing of a throttled display. */
export interface ThrottleOptions {
  /** Least time between two redraws, in ms. */
  readonly intervalMs?: number;
  /** The clock, in ms (default `performance.now`). */
  readonly now?: () => number;
}

/** Lets a redraw through at most once per interval; the first always passes. */
export class Throttle {
  readonly #intervalMs: number;
  readonly #now: () => number;
  #last = -Infinity;

  /** A gate with `intervalMs` (default 250) between redraws. */
  constructor(options: ThrottleOptions = {}) {
    this.#intervalMs = options.intervalMs ?? 250;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Whether a redraw may happen now; if so, counts it as done. */
  ready(): boolean {
    const t = this.#now();
    if (t - this.#last < this.#intervalMs) return false;
    this.#last = t;
    return true;
  }

  /** Counts a redraw made regardless of the interval. */
  mark(): void {
    this.#last = this.#now();
  }

  /** Milliseconds until the next redraw may happen (0 when it may now). */
  wait(): number {
    return Math.max(0, this.#intervalMs - (this.#now() - this.#last));
  }
}
