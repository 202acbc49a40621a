/**
 * The CPU backend's threads: the kernel modules instantiated on the heap on this thread, and a pool
 * of worker threads that share the heap and split large kernels with it.
 *
 * A kernel wrapper cuts its work into tasks (each a list of numeric arguments to one exported
 * function, typically a range of output rows) and calls {@link runTasks}. The call is synchronous:
 * it publishes the job in the control block, wakes the workers, takes tasks itself, and returns when
 * every task is done. Small ops should pass a single task; they then run on the calling thread with
 * no synchronisation at all.
 *
 * The thread count is `navigator.hardwareConcurrency`, or `FDL_THREADS` when set. Once started, the
 * workers are unreferenced, so they never keep a finished program alive.
 *
 * @module
 */

import { Worker } from "node:worker_threads";
import { heap } from "./heap.ts";
import {
  chooseVariant,
  functionIndex,
  functionTable,
  instantiateAll,
  type WasmModules,
} from "./instantiate.ts";
import {
  ARG_COUNT,
  CONTROL_WORDS,
  DONE,
  drainTasks,
  EXIT,
  EXITED,
  FAILED,
  FUNCTION,
  MAX_ARGS,
  MAX_TASKS,
  TICKET,
  ticket,
} from "./protocol.ts";
import type { WorkerSetup } from "./worker.ts";

/** The threads to use, counting the calling thread: `FDL_THREADS`, else the core count. */
export function threadCount(): number {
  let fromEnv: string | undefined;
  try {
    fromEnv = Deno.env.get("FDL_THREADS");
  } catch {
    fromEnv = undefined;
  }
  const wanted = fromEnv ? Number(fromEnv) : navigator.hardwareConcurrency;
  if (!Number.isInteger(wanted) || wanted < 1) {
    throw new Error(`FDL_THREADS must be a positive integer, not '${fromEnv}'`);
  }
  return Math.min(wanted, 64);
}

/** The SIMD build in use. */
export const variant = chooseVariant();
/** The kernel modules on this thread. */
export const wasm: WasmModules = instantiateAll(heap.memory, variant);
const table = functionTable(wasm);

const controlAddress = heap.alloc(CONTROL_WORDS * 4);
const argsAddress = heap.alloc(MAX_TASKS * MAX_ARGS * 8);
const control = new Int32Array(heap.buffer, controlAddress, CONTROL_WORDS);
const args = new Float64Array(heap.buffer, argsAddress, MAX_TASKS * MAX_ARGS);
let generation = 0;
let readyWorkers = 0;
/** How long the program waits at exit for the workers to leave their loops. */
const EXIT_WAIT_MS = 500;

const starting: Promise<void>[] = [];
for (let i = 1; i < threadCount(); i++) {
  const worker = new Worker(new URL("./worker.ts", import.meta.url));
  const setup: WorkerSetup = {
    memory: heap.memory,
    variant,
    control: controlAddress,
    args: argsAddress,
  };
  starting.push(
    new Promise((resolve) =>
      worker.once("message", () => {
        readyWorkers++;
        // Held until started (so awaiting poolReady keeps the program alive), never after.
        worker.unref();
        resolve();
      })
    ),
  );
  worker.postMessage(setup);
}

// At exit, wake the workers and wait (briefly) until each has left its loop, so that none is still
// reading the shared memory while the runtime tears it down.
globalThis.addEventListener("unload", () => {
  Atomics.store(control, EXIT, 1);
  Atomics.add(control, TICKET, 0x1000000); // a new generation: every sleeper's ticket is stale
  Atomics.notify(control, TICKET);
  const deadline = performance.now() + EXIT_WAIT_MS;
  for (let exited = Atomics.load(control, EXITED); exited < readyWorkers;) {
    const remaining = deadline - performance.now();
    if (remaining <= 0) break; // a worker stuck in a kernel: exit anyway rather than hang
    Atomics.wait(control, EXITED, exited, remaining);
    exited = Atomics.load(control, EXITED);
  }
});

/**
 * Resolves once every worker thread has started. Kernels never need to wait (until then they run on
 * fewer threads); benchmarks wait so they time the whole pool.
 */
export const poolReady: Promise<void> = Promise.all(starting).then(() => undefined);

/** Threads that take part in a job now: this one and the workers that finished starting. */
export function activeThreads(): number {
  return 1 + readyWorkers;
}

/**
 * Runs `module.fn` once per task, each with its own arguments, across the pool; returns when all
 * are done. One task (or a pool still starting) runs on this thread alone.
 *
 * @throws when a task trapped (an out-of-bounds access means a wrapper passed a bad size).
 */
export function runTasks(module: string, fn: string, tasks: readonly (readonly number[])[]): void {
  if (tasks.length === 0) return;
  if (tasks.length === 1 || readyWorkers === 0) {
    const f = wasm[module][fn];
    for (const t of tasks) f(...t);
    return;
  }
  if (tasks.length > MAX_TASKS) throw new Error(`runTasks: at most ${MAX_TASKS} tasks per job`);
  const argCount = tasks[0].length;
  for (let i = 0; i < tasks.length; i++) args.set(tasks[i], i * MAX_ARGS);
  Atomics.store(control, FUNCTION, functionIndex(wasm, module, fn));
  Atomics.store(control, ARG_COUNT, argCount);
  Atomics.store(control, DONE, 0);
  Atomics.store(control, FAILED, 0);
  generation++;
  Atomics.store(control, TICKET, ticket(generation, tasks.length));
  Atomics.notify(control, TICKET);
  drainTasks(control, args, table);
  for (let done; (done = Atomics.load(control, DONE)) < tasks.length;) {
    Atomics.wait(control, DONE, done);
  }
  if (Atomics.load(control, FAILED)) {
    throw new Error(`WASM kernel ${module}.${fn} trapped on a thread; this is a library bug`);
  }
}

/**
 * Splits `[0, total)` into contiguous ranges of at least `minimum` items (and multiples of `align`
 * except the last), a few per thread so uneven tasks balance out. Returns `[start, end]` pairs.
 */
export function splitRange(total: number, minimum: number, align = 1): [number, number][] {
  const threads = activeThreads();
  const pieces = Math.max(1, Math.min(threads * 4, Math.floor(total / Math.max(minimum, 1))));
  const size = Math.ceil(total / pieces / align) * align;
  const out: [number, number][] = [];
  for (let start = 0; start < total; start += size) {
    out.push([start, Math.min(total, start + size)]);
  }
  return out;
}
