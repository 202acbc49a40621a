/**
 * A worker thread of the CPU backend's pool: it instantiates the kernel modules on the shared heap
 * memory, then sleeps on the control block's ticket and runs tasks whenever a job is published.
 *
 * @module
 */

import { parentPort } from "node:worker_threads";
import { functionTable, instantiateAll, type SimdVariant } from "./instantiate.ts";
import {
  CONTROL_WORDS,
  drainTasks,
  EXIT,
  EXITED,
  MAX_ARGS,
  MAX_TASKS,
  TICKET,
  ticketCount,
  ticketNext,
} from "./protocol.ts";

/** What the main thread sends once, when it starts the worker. */
export interface WorkerSetup {
  /** The heap's memory. */
  readonly memory: WebAssembly.Memory;
  /** Which build of the modules to instantiate (the main thread's choice). */
  readonly variant: SimdVariant;
  /** Byte address of the control block. */
  readonly control: number;
  /** Byte address of the argument slots. */
  readonly args: number;
}

parentPort!.once("message", (setup: WorkerSetup) => {
  const table = functionTable(instantiateAll(setup.memory, setup.variant));
  const buffer = setup.memory.buffer as unknown as SharedArrayBuffer;
  const control = new Int32Array(buffer, setup.control, CONTROL_WORDS);
  const args = new Float64Array(buffer, setup.args, MAX_TASKS * MAX_ARGS);
  parentPort!.postMessage("ready");
  while (Atomics.load(control, EXIT) === 0) {
    drainTasks(control, args, table);
    const t = Atomics.load(control, TICKET);
    if (ticketNext(t) < ticketCount(t)) continue; // a job arrived while we were draining
    Atomics.wait(control, TICKET, t); // sleep until the ticket changes (or the exit call)
  }
  // Say so, then return: the thread has nothing left to run and ends without touching the shared
  // memory again, which the main thread waits for before the program tears that memory down.
  Atomics.add(control, EXITED, 1);
  Atomics.notify(control, EXITED);
});
