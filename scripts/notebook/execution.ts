/**
 * Runs a notebook's cells on a real Deno kernel, the way Jupyter would, in this process.
 *
 * The Deno kernel can publish `status: idle` (and send `execute_reply`) a moment before the last
 * outputs of a cell, and it labels each output with whichever request it saw last. So a cell is
 * only finished once both the reply and idle have arrived *and* its outputs have gone quiet for a
 * grace period; only then is the next request sent. Outputs that still arrive late are placed in
 * the cell their parent header names, never dropped.
 *
 * @module
 */

import { dirname, resolve } from "node:path";
import { stripAnsi } from "./ansi.ts";
import type { ExecuteOptions, NotebookRun } from "./execute.ts";
import { Kernel, type KernelEvent } from "./kernel.ts";
import { collectMetrics } from "./metrics.ts";
import { type CodeCell, joinText, type Notebook } from "./nbformat.ts";
import { isOutputMessage, OutputCollector, toSavedForm } from "./outputs.ts";
import { readNotebook } from "./read.ts";

/** Caps the grace drain, so a cell that leaves a timer printing forever still lets the run move on. */
const DRAIN_LIMIT_MS = 5000;

/** A cell's failure. `fatal` when the kernel is gone and no later cell can run. */
interface Failure {
  readonly index: number;
  readonly message: string;
  readonly fatal: boolean;
}

/** One execute request in flight, and what has been heard about it. */
interface CellRun {
  readonly cell: CodeCell;
  readonly index: number;
  replied: boolean;
  idle: boolean;
  reply?: Record<string, unknown>;
  lastActivity: number;
  /** nbformat's `metadata.execution` timestamps: the kernel's `header.date` of each message. */
  readonly timing: Record<string, string>;
}

/**
 * Executes the notebook at `path` in a fresh Deno kernel whose working directory is the notebook's
 * folder, from this process. Only a process that exits afterwards may call it (the kernel's sockets
 * stay open; see `kernel.ts`): use `executeNotebook` from `execute.ts` everywhere else.
 * Cell failures are reported in the result, not thrown; a missing or malformed notebook throws a
 * `NotebookError`, and a kernel that will not start throws a `KernelError`.
 */
export async function executeHere(
  path: string,
  options: ExecuteOptions = {},
): Promise<NotebookRun> {
  const started = performance.now();
  const notebook = await readNotebook(path);
  const kernel = await Kernel.start({
    cwd: dirname(resolve(path)),
    startupTimeoutMs: (options.startupTimeoutSeconds ?? 60) * 1000,
  });
  const execution = new Execution(kernel, options);
  let failure: Failure | undefined;
  try {
    failure = await execution.run(notebook);
  } finally {
    await kernel.shutdown();
  }
  await execution.takeLeftovers();
  for (const cell of notebook.cells) if (cell.cell_type === "code") toSavedForm(cell);
  return {
    notebook,
    status: failure ? "failed" : "ok",
    ...(failure && { failedCell: failure.index, error: failure.message }),
    seconds: roundSeconds(performance.now() - started),
    metrics: collectMetrics(notebook),
  };
}

/** Runs one notebook's cells on one kernel. */
class Execution {
  readonly #kernel: Kernel;
  readonly #options: ExecuteOptions;
  readonly #graceMs: number;
  readonly #outputs = new OutputCollector();
  /** Every request sent, by `msg_id`, so a late output still finds its cell. */
  readonly #runs = new Map<string, CellRun>();
  #current: CellRun | undefined;

  constructor(kernel: Kernel, options: ExecuteOptions) {
    this.#kernel = kernel;
    this.#options = options;
    this.#graceMs = options.graceMs ?? 150;
  }

  /** Runs the code cells in order; returns the first failure, if any. */
  async run(notebook: Notebook): Promise<Failure | undefined> {
    const cells: [number, CodeCell][] = [];
    for (const [index, cell] of notebook.cells.entries()) {
      if (cell.cell_type !== "code") continue;
      // Start clean, so cells that never run (after a failure) carry nothing stale.
      cell.metadata ??= {};
      cell.outputs = [];
      cell.execution_count = null;
      delete cell.metadata.execution;
      delete cell.metadata.fdl;
      // Jupyter clients skip empty cells rather than spend an execution count on them.
      if (joinText(cell.source).trim() !== "") cells.push([index, cell]);
    }
    let first: Failure | undefined;
    for (const [i, [index, cell]] of cells.entries()) {
      const progress = { index, ordinal: i + 1, total: cells.length, firstLine: firstLine(cell) };
      this.#options.onCell?.({ phase: "start", ...progress });
      const { failure, seconds } = await this.#runCell(index, cell);
      cell.metadata.fdl = { seconds };
      this.#options.onCell?.({ phase: "end", ...progress, seconds, ok: !failure });
      first ??= failure;
      if (failure && (failure.fatal || !this.#options.keepGoing)) break;
    }
    return first;
  }

  /** Places any outputs still queued once the kernel has shut down. */
  async takeLeftovers(): Promise<void> {
    for (let event = await this.#kernel.next(0); event; event = await this.#kernel.next(0)) {
      this.#dispatch(event);
    }
  }

  /**
   * Executes one cell and waits until it is finished, failed, timed out or the kernel died. Its
   * time runs from the request to the reply and idle, leaving out the grace period.
   */
  async #runCell(
    index: number,
    cell: CodeCell,
  ): Promise<{ failure?: Failure; seconds: number }> {
    const run: CellRun = { cell, index, replied: false, idle: false, lastActivity: 0, timing: {} };
    const timeoutSeconds = this.#options.timeoutSeconds ?? 600;
    const sent = performance.now();
    const deadline = sent + timeoutSeconds * 1000;
    const msgId = await this.#kernel.send("shell", "execute_request", {
      code: joinText(cell.source),
      silent: false,
      store_history: true,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: true,
    });
    this.#runs.set(msgId, run);
    this.#current = run;
    let settled: number | undefined;
    try {
      for (;;) {
        const now = performance.now();
        if (run.replied && run.idle) settled ??= now;
        const wait = settled === undefined
          ? deadline - now
          : Math.min(run.lastActivity + this.#graceMs, settled + DRAIN_LIMIT_MS) - now;
        if (wait <= 0) break;
        const event = await this.#kernel.next(wait);
        if (event?.kind === "exit" || event?.kind === "broken") {
          const failure = event.kind === "exit"
            ? await this.#died(run, event.code, event.signal)
            : await this.#broken(run, event.error);
          return { failure, seconds: roundSeconds(performance.now() - sent) };
        }
        if (event) this.#dispatch(event);
      }
    } finally {
      if (Object.keys(run.timing).length > 0) cell.metadata.execution = run.timing;
    }
    if (settled === undefined) {
      return { failure: await this.#timedOut(run, timeoutSeconds), seconds: timeoutSeconds };
    }
    return { failure: this.#outcome(run), seconds: roundSeconds(settled - sent) };
  }

  /** Whether a finished cell failed: an error output, or a reply that was not "ok". */
  #outcome(run: CellRun): Failure | undefined {
    const status = run.reply?.status;
    let error = run.cell.outputs.find((output) => output.output_type === "error");
    if (status === "ok" && !error) return undefined;
    if (!error) {
      // The reply says it failed but no error output came: show the reply's error instead.
      error = {
        output_type: "error",
        ename: String(run.reply?.ename || (status === "aborted" ? "Aborted" : "Error")),
        evalue: String(run.reply?.evalue ?? `execute_reply status "${status}"`),
        traceback: Array.isArray(run.reply?.traceback) ? run.reply.traceback.map(String) : [],
      };
      run.cell.outputs.push(error);
    }
    const name = stripAnsi(error.ename) || "Error";
    return {
      index: run.index,
      message: `${where(run)} failed: ${name}: ${stripAnsi(error.evalue)}`,
      fatal: false,
    };
  }

  /** The cell ran past its limit: stop the kernel (Deno's ignores interrupt_request) and say so. */
  async #timedOut(run: CellRun, seconds: number): Promise<Failure> {
    this.#kernel.kill();
    await this.#drain();
    const message = `Cell timed out after ${seconds} s`;
    run.cell.outputs.push({
      output_type: "error",
      ename: "CellTimeout",
      evalue: message,
      traceback: [
        `CellTimeout: ${message}. The kernel was stopped and the rest of the notebook was not run; ` +
        `raise the limit with --timeout SECONDS.`,
      ],
    });
    return { index: run.index, message: `${where(run)} timed out after ${seconds} s`, fatal: true };
  }

  /** The kernel process ended while the cell ran: keep what it said, and name the cell. */
  async #died(run: CellRun, code: number, signal: string | null): Promise<Failure> {
    await this.#drain();
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    const log = this.#kernel.log.trimEnd();
    run.cell.outputs.push({
      output_type: "error",
      ename: "KernelDied",
      evalue: `The kernel ${how} while running this cell`,
      traceback: [
        `KernelDied: the kernel ${how} while running this cell; the rest of the notebook was not run.`,
        ...(log ? ["Kernel output:", ...log.split("\n")] : []),
      ],
    });
    return { index: run.index, message: `The kernel ${how} during ${where(run)}`, fatal: true };
  }

  /** A message could not be decoded or verified: the run can no longer be trusted. */
  async #broken(run: CellRun, error: Error): Promise<Failure> {
    this.#kernel.kill();
    await this.#drain();
    run.cell.outputs.push({
      output_type: "error",
      ename: error.name,
      evalue: error.message,
      traceback: [`${error.name}: ${error.message}`],
    });
    return { index: run.index, message: `${where(run)}: ${error.message}`, fatal: true };
  }

  /** Keeps placing outputs until none has come for the grace period (bounded). */
  async #drain(): Promise<void> {
    const limit = performance.now() + DRAIN_LIMIT_MS;
    for (;;) {
      const wait = Math.min(this.#graceMs, limit - performance.now());
      if (wait <= 0) return;
      const event = await this.#kernel.next(wait);
      if (!event) return;
      if (event.kind === "iopub" || event.kind === "shell") this.#dispatch(event);
    }
  }

  /** Applies a message to the cell whose request it answers; others (kernel_info…) are ignored. */
  #dispatch(event: KernelEvent): void {
    if (event.kind !== "iopub" && event.kind !== "shell") return;
    const { header, parent_header, content } = event.message;
    const run = this.#runs.get(parent_header.msg_id ?? "");
    if (!run) return;
    if (run === this.#current) run.lastActivity = performance.now();
    const type = header.msg_type;
    if (event.kind === "shell") {
      if (type !== "execute_reply") return;
      run.replied = true;
      run.reply = content;
      run.timing["shell.execute_reply"] = header.date;
      if (typeof content.execution_count === "number") {
        run.cell.execution_count = content.execution_count;
      }
    } else if (type === "status") {
      if (content.execution_state === "busy") run.timing["iopub.status.busy"] = header.date;
      if (content.execution_state !== "idle") return;
      run.idle = true;
      run.timing["iopub.status.idle"] = header.date;
    } else if (type === "execute_input") {
      run.timing["iopub.execute_input"] = header.date;
      if (typeof content.execution_count === "number") {
        run.cell.execution_count = content.execution_count;
      }
    } else if (isOutputMessage(type)) {
      this.#outputs.apply(run.cell, type, content);
    }
  }
}

/** The first non-blank line of a cell's code, shortened to fit a message. */
function firstLine(cell: CodeCell): string {
  const line = joinText(cell.source).split("\n").find((l) => l.trim() !== "")?.trim() ?? "";
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}

/** How a cell is named in messages: its index in the notebook and its first line. */
function where(run: CellRun): string {
  return `cell ${run.index} (\`${firstLine(run.cell)}\`)`;
}

function roundSeconds(ms: number): number {
  return Math.round(ms) / 1000;
}
