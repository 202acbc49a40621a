/**
 * The layout of the control block that the main thread and the worker threads share in the heap,
 * and the task-ticket encoding they agree on. See `pool.ts` for how a job runs.
 *
 * One int32 word, the ticket, holds a job's generation (top 8 bits), its task count (next 12 bits)
 * and the index of the next task to take (low 12 bits). A thread takes a task with one
 * compare-and-swap on the ticket, so a thread that wakes late for an old job cannot take a task of a
 * job whose arguments are still being written: the main thread publishes a job by storing a new
 * ticket only after writing its arguments.
 *
 * @module
 */

/**
 * Int32 slots of the control block. EXIT set to 1 tells the workers to end; EXITED counts the
 * workers that have left their loop since.
 */
export const TICKET = 0, DONE = 1, FUNCTION = 2, ARG_COUNT = 3, FAILED = 4, EXIT = 5, EXITED = 6;
/** Int32 words the slots above occupy (padded to a cache line). */
export const CONTROL_WORDS = 16;
/** The most tasks one job may have (12 bits). */
export const MAX_TASKS = 4095;
/** The most arguments one task may pass. */
export const MAX_ARGS = 16;

/** A ticket for a new job. */
export function ticket(generation: number, count: number): number {
  return ((generation & 0xff) << 24) | (count << 12);
}

/** The task count of a ticket. */
export const ticketCount = (t: number): number => (t >>> 12) & 0xfff;
/** The next task index of a ticket. */
export const ticketNext = (t: number): number => t & 0xfff;

/** A function the tasks of a job may call. */
type TaskFunction = (...args: number[]) => void;

/**
 * Takes and runs tasks of the current job until none are left; used by the main thread and the
 * workers alike. `args` holds MAX_ARGS float64 slots per task (addresses and sizes are exact in
 * float64, and float scalars pass through unchanged).
 */
export function drainTasks(
  control: Int32Array,
  args: Float64Array,
  table: readonly TaskFunction[],
): void {
  for (;;) {
    const t = Atomics.load(control, TICKET);
    const next = ticketNext(t), count = ticketCount(t);
    if (next >= count) return;
    if (Atomics.compareExchange(control, TICKET, t, t + 1) !== t) continue;
    // The ticket we took is current, so the function and arguments are this job's.
    const fn = table[Atomics.load(control, FUNCTION)];
    const n = Atomics.load(control, ARG_COUNT);
    const base = next * MAX_ARGS;
    try {
      fn(...args.subarray(base, base + n));
    } catch {
      Atomics.store(control, FAILED, 1);
    }
    if (Atomics.add(control, DONE, 1) + 1 === count) Atomics.notify(control, DONE);
  }
}
