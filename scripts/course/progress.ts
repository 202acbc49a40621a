/**
 * Progress of `deno task course` in the terminal: on a TTY one line that updates in place (chapter,
 * cell i/n, elapsed time), elsewhere (CI logs) plain lines, one per cell.
 *
 * @module
 */

import type { CourseEvent } from "./run.ts";

/** Draws course progress; call {@link Progress.stop} when the run ends. */
export class Progress {
  readonly #tty: boolean;
  readonly #write: (text: string) => void;
  #status = "";
  #code = "";
  #since = 0;
  #cellSince = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  /** Progress to stdout; `tty` overrides whether it is drawn as one updating line. */
  constructor(tty = Deno.stdout.isTerminal()) {
    this.#tty = tty;
    const encoder = new TextEncoder();
    this.#write = (text) => Deno.stdout.writeSync(encoder.encode(text));
  }

  /** Shows one event. */
  report(event: CourseEvent): void {
    if (event.kind === "chapter") {
      this.#since = performance.now();
      this.#line(`Chapter ${event.chapter.number}: ${event.chapter.title} (${event.path})`);
      // A long cell gets no events, so the elapsed time is redrawn every second.
      if (this.#tty) this.#timer ??= setInterval(() => this.#draw(), 1000);
    } else if (event.kind === "cell") {
      const { ordinal, total, firstLine } = event.cell;
      if (event.cell.phase !== "start") return;
      this.#cellSince = performance.now();
      this.#status = `ch${event.chapter.number} cell ${ordinal}/${total}`;
      this.#code = firstLine;
      if (this.#tty) this.#draw();
      else this.#line(`  cell ${ordinal}/${total}: ${firstLine}`);
    } else {
      const { chapter, status, seconds, error } = event.result;
      this.#status = "";
      if (status === "coming") {
        this.#line(`Chapter ${chapter.number}: ${chapter.title}: coming (no ${chapter.file} yet)`);
      } else {
        const time = `${seconds?.toFixed(1)} s`;
        this.#line(status === "ok" ? `  ok in ${time}` : `  FAILED after ${time}: ${error}`);
      }
    }
  }

  /** Stops redrawing and clears the updating line. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#tty) this.#write("\r\x1b[K");
  }

  /** Prints a permanent line (above the updating one on a TTY). */
  #line(text: string): void {
    this.#write(this.#tty ? `\r\x1b[K${text}\n` : `${text}\n`);
    if (this.#tty) this.#draw();
  }

  /** Redraws the updating line, cut to the terminal's width so it never wraps. */
  #draw(): void {
    if (this.#status === "") return;
    const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(0);
    const text = `${this.#status} · ${seconds(this.#since)} s (this cell ${
      seconds(this.#cellSince)
    } s) · ${this.#code}`;
    const width = Deno.consoleSize().columns - 1;
    this.#write(`\r\x1b[K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
  }
}
