/**
 * Executes a notebook through a real Deno kernel and returns it with its outputs, timings, status
 * and metrics. The kernel is driven from a worker process (`worker.ts`, which exits when its
 * notebook is done) because the zeromq sockets that talk to it cannot be closed safely in Deno
 * (see `kernel.ts`); this module spawns the worker and relays its progress and result.
 *
 * @module
 */

import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { KernelError, NotebookError } from "./errors.ts";
import type { Notebook } from "./nbformat.ts";

/** Options for {@link executeNotebook}. */
export interface ExecuteOptions {
  /** The longest one cell may run, in seconds; 600 by default. */
  readonly timeoutSeconds?: number;
  /**
   * Run the remaining cells after a cell fails, to see every error at once. A timeout or a dead
   * kernel still ends the run: the kernel, and every variable in it, is gone.
   */
  readonly keepGoing?: boolean;
  /** How long a finished cell's outputs must stay quiet before the next cell runs; 150 ms by default. */
  readonly graceMs?: number;
  /** How long to wait for the kernel to start, in seconds; 60 by default. */
  readonly startupTimeoutSeconds?: number;
  /** Called when each code cell starts and ends, for progress displays. */
  readonly onCell?: (progress: CellProgress) => void;
}

/** Where the run is, as told to {@link ExecuteOptions.onCell}. */
export interface CellProgress {
  /** Whether the cell is starting or has ended. */
  readonly phase: "start" | "end";
  /** The cell's index in `notebook.cells` (markdown cells count). */
  readonly index: number;
  /** 1 … `total`: the cell's place among the code cells that run. */
  readonly ordinal: number;
  /** How many code cells the notebook has to run. */
  readonly total: number;
  /** The cell's first line of code, to recognise it by. */
  readonly firstLine: string;
  /** On "end": how long the cell took. */
  readonly seconds?: number;
  /** On "end": whether it succeeded. */
  readonly ok?: boolean;
}

/** An executed notebook. */
export interface NotebookRun {
  /** The notebook with its outputs; cells after a failure keep no outputs. */
  readonly notebook: Notebook;
  /** "failed" when any cell failed, timed out or killed the kernel. */
  readonly status: "ok" | "failed";
  /** Index in `notebook.cells` of the first cell that failed. */
  readonly failedCell?: number;
  /** What went wrong with that cell, in one line. */
  readonly error?: string;
  /** Wall-clock seconds for the whole notebook, kernel start and shutdown included. */
  readonly seconds: number;
  /** The notebook's metrics bundles, merged (see `collectMetrics`). */
  readonly metrics: Record<string, unknown>;
}

/** What the worker writes, one JSON object a line. */
export type WorkerMessage =
  | { readonly cell: CellProgress }
  | { readonly run: NotebookRun }
  | { readonly error: { readonly name: string; readonly message: string } };

const WORKER = new URL("./worker.ts", import.meta.url).href;
/** The project's config, so the worker resolves `zeromq` from the pinned import map and lock. */
const CONFIG = fileURLToPath(new URL("../../deno.json", import.meta.url));

/**
 * Executes the notebook at `path` in a fresh Deno kernel whose working directory is the notebook's
 * folder. Cell failures are reported in the result, not thrown. A missing or malformed notebook
 * throws a {@link NotebookError}, a kernel that will not start throws a {@link KernelError}.
 */
export async function executeNotebook(
  path: string,
  options: ExecuteOptions = {},
): Promise<NotebookRun> {
  const { onCell, ...settings } = options;
  const worker = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      "--config",
      CONFIG,
      WORKER,
      resolve(path),
      JSON.stringify(settings),
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(worker.stderr).text();
  let outcome: WorkerMessage | undefined;
  for await (const line of lines(worker.stdout)) {
    const message: WorkerMessage = JSON.parse(line);
    if ("cell" in message) onCell?.(message.cell);
    else outcome = message;
  }
  const status = await worker.status;
  const log = await stderr;
  if (outcome && "run" in outcome) return outcome.run;
  if (outcome && "error" in outcome) throw rebuild(outcome.error);
  const how = status.signal ? `was killed by ${status.signal}` : `exited with code ${status.code}`;
  throw new Error(
    `The notebook worker for ${path} ${how} without a result. Its output:\n${log.slice(-4000)}`,
  );
}

/** The worker's error as the class the caller can catch. */
function rebuild({ name, message }: { name: string; message: string }): Error {
  if (name === "NotebookError") return new NotebookError(message);
  if (name === "KernelError") return new KernelError(message);
  const error = new Error(message);
  error.name = name;
  return error;
}

/** The lines of a byte stream. */
async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of stream) {
    buffered += decoder.decode(chunk, { stream: true });
    const parts = buffered.split("\n");
    buffered = parts.pop()!;
    yield* parts.filter((part) => part !== "");
  }
  if (buffered !== "") yield buffered;
}
