/**
 * The worker process behind `executeNotebook`: runs one notebook (the path and the JSON options
 * are its two arguments), writes progress and the result to stdout as JSON lines (see
 * `WorkerMessage`), then exits, which is what closes the kernel's sockets (see `kernel.ts`).
 *
 * @module
 */

import type { ExecuteOptions, WorkerMessage } from "./execute.ts";
import { executeHere } from "./execution.ts";

const encoder = new TextEncoder();

/** Writes one message as a line, all of it: the parent reads until the pipe closes. */
async function send(message: WorkerMessage): Promise<void> {
  const bytes = encoder.encode(JSON.stringify(message) + "\n");
  for (let written = 0; written < bytes.length;) {
    written += await Deno.stdout.write(bytes.subarray(written));
  }
}

const [path, settings] = Deno.args;
const options: ExecuteOptions = JSON.parse(settings ?? "{}");
// Progress is reported synchronously by the executor; chain the writes to keep them in order.
let progress = Promise.resolve();
try {
  const run = await executeHere(path, {
    ...options,
    onCell: (cell) => progress = progress.then(() => send({ cell })),
  });
  await progress;
  await send({ run });
} catch (error) {
  await progress;
  const { name, message } = error instanceof Error ? error : new Error(String(error));
  await send({ error: { name, message } });
}
Deno.exit(0);
