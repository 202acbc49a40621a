/**
 * A running Deno Jupyter kernel (`deno jupyter --kernel --conn FILE`) and the ZeroMQ sockets the
 * runner talks to it through. Everything the kernel says, and its death, arrives on one ordered
 * event queue, so the executor reads a single stream and never races two.
 *
 * The sockets are never closed. Under Deno 2.9 with zeromq 6, closing sockets and then opening
 * new ones crashed the process within a few notebook runs (SIGSEGV in `zmq::Poller<…>::Callback`:
 * a libuv poll callback of Deno's N-API layer firing for a socket already closed); left open, 40
 * runs in a row went clean. Their pending reads also keep the process alive. So a kernel is driven
 * from a short-lived worker process (see `worker.ts`) that calls `Deno.exit` when its notebook is
 * done, and the operating system closes the sockets.
 *
 * @module
 */

import * as zmq from "zeromq";
import { KernelError } from "./errors.ts";
import { createMessage, decode, encode, type Message } from "./wire.ts";

/** What the kernel said, or that it died. */
export type KernelEvent =
  | { readonly kind: "iopub" | "shell" | "control"; readonly message: Message }
  | { readonly kind: "exit"; readonly code: number; readonly signal: string | null }
  | { readonly kind: "broken"; readonly error: Error };

/** Options for {@link Kernel.start}. */
export interface KernelOptions {
  /** The kernel's working directory: the notebook's folder, so relative paths resolve as in Jupyter. */
  readonly cwd: string;
  /** How long to wait for the kernel to answer `kernel_info_request`; 60 s by default. */
  readonly startupTimeoutMs?: number;
}

/** The ports of a connection file, one per channel. */
interface Ports {
  readonly shell_port: number;
  readonly iopub_port: number;
  readonly stdin_port: number;
  readonly control_port: number;
  readonly hb_port: number;
}

/** How much of the kernel's own stdout and stderr to keep for error messages. */
const LOG_TAIL = 4000;

/** Bounded so a kernel that crashes while starting is retried with fresh ports a few times. */
const START_ATTEMPTS = 3;

/**
 * Five free TCP ports on 127.0.0.1. The OS picks them; they are released for the kernel to bind,
 * which leaves a small window for another process to take one. {@link Kernel.start} retries then.
 */
function freePorts(): Ports {
  const listeners = Array.from(
    { length: 5 },
    () => Deno.listen({ hostname: "127.0.0.1", port: 0 }),
  );
  const [shell_port, iopub_port, stdin_port, control_port, hb_port] = listeners.map((l) =>
    (l.addr as Deno.NetAddr).port
  );
  for (const listener of listeners) listener.close();
  return { shell_port, iopub_port, stdin_port, control_port, hb_port };
}

/** A random HMAC key, as hex. */
function randomKey(): string {
  return Array.from(
    crypto.getRandomValues(new Uint8Array(32)),
    (b) => b.toString(16).padStart(2, "0"),
  )
    .join("");
}

/** Keeps the last {@link LOG_TAIL} characters written to a stream. */
class Tail {
  #text = "";

  /** A sink for a child's piped output. */
  sink(): WritableStream<Uint8Array> {
    const decoder = new TextDecoder();
    return new WritableStream({
      write: (chunk) => {
        this.#text = (this.#text + decoder.decode(chunk, { stream: true })).slice(-LOG_TAIL);
      },
    });
  }

  /** What was kept. */
  get text(): string {
    return this.#text;
  }
}

/** A running kernel. Start one with {@link Kernel.start}; always end it with {@link Kernel.shutdown}. */
export class Kernel {
  readonly #key = randomKey();
  readonly #session = crypto.randomUUID();
  readonly #dir: string;
  readonly #process: Deno.ChildProcess;
  readonly #output = new Tail();
  readonly #piped: Promise<unknown>;
  readonly #shell = new zmq.Dealer({ linger: 0 });
  readonly #control = new zmq.Dealer({ linger: 0 });
  readonly #iopub = new zmq.Subscriber({ linger: 0 });
  readonly #queue: KernelEvent[] = [];
  #wake: (() => void) | undefined;
  #exited = false;
  #shutDown = false;

  private constructor(dir: string, ports: Ports, cwd: string) {
    this.#dir = dir;
    const connection = {
      ...ports,
      ip: "127.0.0.1",
      transport: "tcp",
      signature_scheme: "hmac-sha256",
      key: this.#key,
      kernel_name: "deno",
    };
    const file = `${dir}/connection.json`;
    Deno.writeTextFileSync(file, JSON.stringify(connection), { mode: 0o600 });
    this.#process = new Deno.Command(Deno.execPath(), {
      args: ["jupyter", "--kernel", "--conn", file],
      cwd,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#piped = Promise.all([
      this.#process.stdout.pipeTo(this.#output.sink()),
      this.#process.stderr.pipeTo(this.#output.sink()),
    ]);
    this.#process.status.then((status) => {
      this.#exited = true;
      this.#push({ kind: "exit", code: status.code, signal: status.signal });
    });
    this.#shell.connect(`tcp://127.0.0.1:${ports.shell_port}`);
    this.#control.connect(`tcp://127.0.0.1:${ports.control_port}`);
    this.#iopub.connect(`tcp://127.0.0.1:${ports.iopub_port}`);
    this.#iopub.subscribe();
    // The readers run as long as the process: see the module comment on closing sockets.
    this.#read(this.#shell, "shell");
    this.#read(this.#control, "control");
    this.#read(this.#iopub, "iopub");
  }

  /**
   * Starts a kernel in `options.cwd` and waits until it answers a `kernel_info_request` on the
   * shell channel and has published on iopub for it: only then is the iopub subscription known to
   * be live, so no output of the first cell can be lost to ZeroMQ's slow-joiner effect.
   * Throws a `KernelError` with the kernel's own output when it does not come up.
   */
  static async start(options: KernelOptions): Promise<Kernel> {
    const timeoutMs = options.startupTimeoutMs ?? 60_000;
    for (let attempt = 1;; attempt++) {
      const dir = await Deno.makeTempDir({ prefix: "fdl-kernel-" });
      const kernel = new Kernel(dir, freePorts(), options.cwd);
      const outcome = await kernel.#waitReady(timeoutMs);
      if (outcome === "ready") return kernel;
      await kernel.shutdown();
      // An early exit is most often a port taken between choosing and binding it: try new ports.
      if (outcome === "exited" && attempt < START_ATTEMPTS) continue;
      const why = outcome === "exited"
        ? `exited while starting (${attempt} attempts)`
        : `did not answer within ${timeoutMs / 1000} s`;
      throw new KernelError(
        `The Deno kernel (${Deno.execPath()} jupyter --kernel) ${why}. ` +
          `Check that \`deno jupyter --kernel\` works on this machine. Its output:\n${kernel.log}`,
      );
    }
  }

  /**
   * The last few thousand characters the kernel process wrote to its own stdout and stderr (not
   * the cells' output, which comes over iopub), less Deno's banner that the kernel is unstable.
   */
  get log(): string {
    return this.#output.text.replace(/^.*"deno jupyter" is unstable.*\n?/m, "");
  }

  /** Sends a request on the shell or control channel and returns its `msg_id`. */
  async send(
    channel: "shell" | "control",
    msgType: string,
    content: Record<string, unknown>,
  ): Promise<string> {
    const message = createMessage(msgType, content, this.#session);
    const socket = channel === "shell" ? this.#shell : this.#control;
    await socket.send(encode(message, this.#key));
    return message.header.msg_id;
  }

  /** The next event, waiting at most `timeoutMs`; undefined when none came in that time. */
  async next(timeoutMs: number): Promise<KernelEvent | undefined> {
    if (this.#queue.length === 0 && timeoutMs > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        timer = setTimeout(resolve, timeoutMs);
      });
      clearTimeout(timer);
      this.#wake = undefined;
    }
    return this.#queue.shift();
  }

  /**
   * Asks the kernel to shut down (control channel), kills it if it has not exited within
   * `graceMs`, and removes the connection file. Messages already received stay queued for
   * {@link next}. Safe to call twice.
   */
  async shutdown(graceMs = 2000): Promise<void> {
    if (this.#shutDown) return;
    this.#shutDown = true;
    if (!this.#exited) {
      await this.send("control", "shutdown_request", { restart: false });
      let timer: ReturnType<typeof setTimeout> | undefined;
      const gone = await Promise.race([
        this.#process.status.then(() => true),
        new Promise<boolean>((resolve) => timer = setTimeout(() => resolve(false), graceMs)),
      ]);
      clearTimeout(timer);
      if (!gone) this.kill();
    }
    await this.#process.status;
    await this.#piped;
    await Deno.remove(this.#dir, { recursive: true });
  }

  /** Kills the kernel process now (a timed-out cell cannot be trusted to be interruptible). */
  kill(): void {
    if (this.#exited) return;
    try {
      this.#process.kill("SIGKILL");
    } catch (error) {
      // The process may have exited between the check and the kill; anything else is real.
      if (!(error instanceof TypeError)) throw error;
    }
  }

  /** Waits until the kernel is ready, has exited, or the time is up. */
  async #waitReady(timeoutMs: number): Promise<"ready" | "exited" | "timeout"> {
    const deadline = performance.now() + timeoutMs;
    const asked = new Set<string>();
    let replied = false;
    let published = false;
    // Ask again, less and less often, until it answers: a kernel still binding its sockets may never
    // see the first request, and extra requests are harmless.
    for (
      let interval = 100;
      performance.now() < deadline;
      interval = Math.min(2 * interval, 1000)
    ) {
      asked.add(await this.send("shell", "kernel_info_request", {}));
      const retryAt = Math.min(deadline, performance.now() + interval);
      for (let left = retryAt - performance.now(); left > 0; left = retryAt - performance.now()) {
        const event = await this.next(left);
        if (event === undefined) break;
        if (event.kind === "exit") return "exited";
        if (event.kind === "broken") throw event.error;
        if (!asked.has(event.message.parent_header.msg_id ?? "")) continue;
        if (event.kind === "shell") replied = true;
        if (event.kind === "iopub") published = true;
        if (replied && published) return "ready";
      }
    }
    return "timeout";
  }

  /** Queues every message a socket receives, for as long as the process lives. */
  async #read(socket: zmq.Dealer | zmq.Subscriber, kind: "shell" | "control" | "iopub") {
    try {
      for await (const frames of socket) {
        try {
          this.#push({ kind, message: decode(frames, this.#key) });
        } catch (error) {
          this.#push({ kind: "broken", error: error as Error });
        }
      }
    } catch (error) {
      this.#push({ kind: "broken", error: error as Error });
    }
  }

  #push(event: KernelEvent): void {
    this.#queue.push(event);
    this.#wake?.();
  }
}
